/* SPDX-License-Identifier: MIT */
/*
 * det-signin-new-country.c - a successful sign-in from a country the user
 * had never signed in from before (ATT&CK T1078.004, valid cloud
 * accounts).
 *
 * After a phish the attacker signs in with the stolen password or a
 * replayed session, usually through a VPN exit or hosting provider in
 * another country. What an analyst asks is "when did this user first sign
 * in from there, and had they a history somewhere else by then?" - not
 * how rare the country is overall: three attacker sign-ins against thirty
 * from home are 9% and an attacker who stays a week is not rare at all.
 *
 * Exports are not in time order, so the verdict is given in finish(). Per
 * user and Country (the canonical ISO 3166 param the sign-in readers set;
 * UAL UserLoggedIn records carry no country and are not counted) we keep
 * the count of successful sign-ins, the first one as evidence and the
 * NC_MIN_HISTORY earliest times. The home country is the one with most
 * successful sign-ins. Another country is new when its first successful
 * sign-in comes after at least NC_MIN_HISTORY successful sign-ins from
 * home: a traveller whose trip is in the export before any history, or a
 * user seen in too few sign-ins, is never reported.
 *
 * Severity medium; high when the first sign-in from the new country came
 * from an address that also failed guess-kind sign-ins (signin.h) for
 * another user (a spraying or stuffing address), or followed such a
 * failure for this user from the same address or the same country.
 *
 * State: per user at most NC_MAX_COUNTRIES countries and NC_MAX_FAIL_IPS
 * failing addresses (the first failure time of each); per address the
 * first user that failed from it and whether a second one did.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

#define NC_MIN_HISTORY 5
#define NC_MAX_COUNTRIES 64
#define NC_MAX_FAIL_IPS 64

struct country {
	uint64_t n; /* successful sign-ins */
	struct ir_snap first;
	struct ir_time early[NC_MIN_HISTORY]; /* earliest successes, sorted */
	size_t nearly;
	struct ir_time first_fail; /* earliest failure from there */
	bool has_fail;
};

struct nc_user {
	struct ir_strmap countries; /* "NL" -> struct country */
	struct ir_strmap fail_ips;  /* address -> struct ir_time, first */
};

struct failed_ip {
	char *user;  /* the first user that failed from it */
	bool others; /* a second, different user failed too */
};

struct nc {
	struct ir_strmap users; /* user -> struct nc_user */
	struct ir_strmap fails; /* client IP -> struct failed_ip */
};

static void *
nc_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct nc));
}

static struct nc_user *
user_get(struct nc *st, const char *user)
{
	void **slot = ir_strmap_put(&st->users, user, NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct nc_user));
	return *slot;
}

static struct country *
country_get(struct nc_user *u, const char *code)
{
	void **slot = ir_strmap_find(&u->countries, code);

	if (slot)
		return *slot;
	if (u->countries.n >= NC_MAX_COUNTRIES)
		return NULL;
	slot = ir_strmap_put(&u->countries, code, NULL);
	*slot = xcalloc(1, sizeof(struct country));
	return *slot;
}

/* Keep `t` as *first when it is earlier (or the first one seen). */
static void
keep_min(struct ir_time *first, bool *has, struct ir_time t)
{
	if (!*has || ir_time_cmp(t, *first) < 0)
		*first = t;
	*has = true;
}

/* The first failure time of `ev`'s address for this user. */
static void
note_user_fail_ip(struct nc_user *u, const struct ir_event *ev)
{
	void **slot = ir_strmap_find(&u->fail_ips, ev->client_ip);
	struct ir_time *t;

	if (!slot) {
		if (u->fail_ips.n >= NC_MAX_FAIL_IPS)
			return;
		slot = ir_strmap_put(&u->fail_ips, ev->client_ip, NULL);
		*slot = t = xmalloc(sizeof(*t));
		*t = ev->time;
	}
	t = *slot;
	if (ir_time_cmp(ev->time, *t) < 0)
		*t = ev->time;
}

static void
note_failure(struct nc *st, const struct ir_event *ev, const char *country)
{
	struct nc_user *u = user_get(st, ev->user);
	struct country *c;
	struct failed_ip *f;
	void **slot;

	if (ev->has_time && *country && (c = country_get(u, country)))
		keep_min(&c->first_fail, &c->has_fail, ev->time);
	if (!ev->client_ip || !*ev->client_ip)
		return;
	if (ev->has_time)
		note_user_fail_ip(u, ev);
	slot = ir_strmap_put(&st->fails, ev->client_ip, NULL);
	if (!*slot) {
		f = *slot = xcalloc(1, sizeof(*f));
		f->user = xstrdup(ev->user);
	}
	f = *slot;
	if (strcmp(f->user, ev->user))
		f->others = true;
}

/* Insert `t` into the sorted NC_MIN_HISTORY earliest times of `c`. */
static void
keep_early(struct country *c, struct ir_time t)
{
	size_t i = c->nearly;

	if (i == NC_MIN_HISTORY) {
		if (ir_time_cmp(t, c->early[i - 1]) >= 0)
			return;
		i--;
	} else {
		c->nearly++;
	}
	for (; i > 0 && ir_time_cmp(t, c->early[i - 1]) < 0; i--)
		c->early[i] = c->early[i - 1];
	c->early[i] = t;
}

static void
note_success(struct nc *st, const struct ir_event *ev, const char *country)
{
	struct country *c = country_get(user_get(st, ev->user), country);

	if (!c)
		return;
	c->n++;
	if (ev->has_time)
		keep_early(c, ev->time);
	if (!ir_snap_valid(&c->first) ||
	    (ev->has_time &&
	     (!c->first.has_time || ir_time_cmp(ev->time, c->first.time) < 0)))
		ir_snap_set(&c->first, ev);
}

/* The Country param upper-cased into `out`, "" when absent. */
static void
country_of(char *out, size_t size, const struct ir_event *ev)
{
	const struct ir_str *v = ir_event_param_str(ev, "Country");

	*out = '\0';
	if (!v)
		return;
	ir_det_lower(out, size, *v);
	/* Upper case, as ISO 3166 writes it and people read it. */
	for (char *p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
}

static void
nc_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	enum ir_signin_kind kind = ir_signin_classify(ev);
	char country[16];

	if (kind == IR_SIGNIN_NONE || !ev->user || !*ev->user)
		return;
	country_of(country, sizeof(country), ev);
	if (ir_signin_is_guess(kind))
		note_failure(state, ev, country);
	else if (kind == IR_SIGNIN_SUCCESS && *country)
		note_success(state, ev, country);
}

static bool
failed_for_others(const struct nc *st, const char *ip, const char *user)
{
	void **slot = ip ? ir_strmap_find(&st->fails, ip) : NULL;
	const struct failed_ip *f = slot ? *slot : NULL;

	return f && (f->others || strcmp(f->user, user));
}

/* Did this user fail from the address or country at or before `s`? */
static bool
failed_before(const struct nc_user *u, const struct country *c,
	      const struct ir_snap *s)
{
	void **slot = s->client_ip ? ir_strmap_find(&u->fail_ips, s->client_ip)
				   : NULL;

	if (c->has_fail && ir_time_cmp(c->first_fail, s->time) <= 0)
		return true;
	return slot && ir_time_cmp(*(struct ir_time *)*slot, s->time) <= 0;
}

static void
report_country(struct ir_findings *out, const struct nc *st, const char *user,
	       const struct nc_user *u, const char *code,
	       const struct country *c, const char *home, uint64_t nhome)
{
	const struct ir_snap *s = &c->first;
	bool bad_ip = failed_for_others(st, s->client_ip, user);
	bool after_fail = failed_before(u, c, s);
	struct ir_hit hit = {
		.det = &ir_det_signin_new_country, .user = user, .key = code};
	char when[IR_TIME_MAX], *fix;
	struct ir_buf b = IR_BUF_INIT;

	ir_time_format(when, s->time);
	ir_buf_addf(&b,
		    "%s signed in from %s for the first time at %s from %s "
		    "(%llu sign-ins from %s in all; usually from %s: %llu)",
		    user, code, when,
		    s->client_ip ? s->client_ip : "an unknown address",
		    (unsigned long long)c->n, code, home,
		    (unsigned long long)nhome);
	if (bad_ip)
		ir_buf_addstr(&b, ", from an address that also failed "
				  "sign-ins for other users");
	if (after_fail)
		ir_buf_addstr(&b, ", after failed sign-ins for the user from "
				  "that address or country");
	fix = ir_detect_remediation(user, "sessions-and-password,mfa");
	hit.severity = bad_ip || after_fail ? IR_SEV_HIGH : IR_SEV_MEDIUM;
	hit.summary = b.buf;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, &s, 1, c->n);
	ir_buf_release(&b);
	free(fix);
}

/* The country with most successful sign-ins; ties to the smaller code. */
static const char *
home_of(const struct ir_strmap *m, const struct country **home)
{
	const char *code = NULL;

	*home = NULL;
	for (size_t i = 0; i < m->size; i++) {
		const struct country *c = m->vals[i];

		if (!m->keys[i] || !c->n)
			continue;
		if (!*home || c->n > (*home)->n ||
		    (c->n == (*home)->n && strcmp(m->keys[i], code) < 0)) {
			*home = c;
			code = m->keys[i];
		}
	}
	return code;
}

static void
report_user(struct ir_findings *out, const struct nc *st, const char *user,
	    const struct nc_user *u)
{
	const struct ir_strmap *m = &u->countries;
	const struct country *home;
	const char *hcode = home_of(m, &home);
	struct ir_time settled;

	if (!home || home->nearly < NC_MIN_HISTORY)
		return;
	/* The home sign-in that makes the history established. */
	settled = home->early[NC_MIN_HISTORY - 1];
	for (size_t i = 0; i < m->size; i++) {
		const struct country *c = m->vals[i];

		if (!m->keys[i] || c == home || !c->n || !c->first.has_time ||
		    ir_time_cmp(settled, c->first.time) >= 0)
			continue;
		report_country(out, st, user, u, m->keys[i], c, hcode,
			       home->n);
	}
}

static void
nc_finish(void *state, struct ir_findings *out)
{
	struct nc *st = state;

	for (size_t i = 0; i < st->users.size; i++)
		if (st->users.keys[i])
			report_user(out, st, st->users.keys[i],
				    st->users.vals[i]);
}

static void
country_free(void *p)
{
	struct country *c = p;

	ir_snap_release(&c->first);
	free(c);
}

static void
user_free(void *p)
{
	struct nc_user *u = p;

	ir_strmap_release(&u->countries, country_free);
	ir_strmap_release(&u->fail_ips, free);
	free(u);
}

static void
failed_free(void *p)
{
	struct failed_ip *f = p;

	free(f->user);
	free(f);
}

static void
nc_free(void *state)
{
	struct nc *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->users, user_free);
	ir_strmap_release(&st->fails, failed_free);
	free(st);
}

static const char *const nc_ops[] = {"UserLoggedIn", "UserLoginFailed",
				     "Sign-in activity", NULL};

const struct ir_detection ir_det_signin_new_country = {
	.id = "signin-new-country",
	.title = "Sign-in from a country the user never signed in from before",
	.attack = "T1078.004",
	.operations = nc_ops,
	.start = nc_start,
	.event = nc_event,
	.finish = nc_finish,
	.free = nc_free,
};
