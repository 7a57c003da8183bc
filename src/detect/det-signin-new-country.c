/* SPDX-License-Identifier: MIT */
/*
 * det-signin-new-country.c - a successful sign-in from a country the user
 * almost never signs in from (ATT&CK T1078.004, valid cloud accounts).
 *
 * After a phish the attacker signs in with the stolen password or a
 * replayed session, usually through a VPN exit or hosting provider in
 * another country. The signal needs a baseline, so it is judged in
 * finish(): per user, successful sign-ins are counted per Country (the
 * canonical ISO 3166 param the sign-in readers set; UAL UserLoggedIn
 * records carry no country and are not counted). A country is unfamiliar
 * when it holds under 10% of the user's successful sign-ins while the
 * user's most common country has at least NC_MIN_HOME of them. A user seen
 * in one country only is never reported.
 *
 * Severity medium; high when the first sign-in from the unfamiliar country
 * came from an address that also failed sign-ins for another user (a
 * spraying or stuffing address). The first sign-in per country is kept as
 * a struct ir_snap (signin.h) so finish() can report it as evidence.
 * State: per user at most NC_MAX_COUNTRIES countries; per address the first
 * user that failed from it and whether a second one did.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

#define NC_MIN_HOME 3
#define NC_MAX_COUNTRIES 64

struct country {
	uint64_t n;
	struct ir_snap first;
};

struct nc_user {
	struct ir_strmap countries; /* "NL" -> struct country */
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

static void
note_failure(struct nc *st, const struct ir_event *ev)
{
	void **slot;
	struct failed_ip *f;

	if (!ev->client_ip || !*ev->client_ip)
		return;
	slot = ir_strmap_put(&st->fails, ev->client_ip, NULL);
	if (!*slot) {
		f = *slot = xcalloc(1, sizeof(*f));
		f->user = xstrdup(ev->user);
	}
	f = *slot;
	if (strcmp(f->user, ev->user))
		f->others = true;
}

static void
note_success(struct nc *st, const struct ir_event *ev, const char *country)
{
	void **slot = ir_strmap_put(&st->users, ev->user, NULL);
	struct nc_user *u = *slot;
	struct country *c;

	if (!u)
		*slot = u = xcalloc(1, sizeof(*u));
	slot = ir_strmap_find(&u->countries, country);
	if (!slot) {
		if (u->countries.n >= NC_MAX_COUNTRIES)
			return;
		slot = ir_strmap_put(&u->countries, country, NULL);
		*slot = xcalloc(1, sizeof(struct country));
	}
	c = *slot;
	c->n++;
	if (!ir_snap_valid(&c->first) ||
	    (ev->has_time && ir_time_cmp(ev->time, c->first.time) < 0))
		ir_snap_set(&c->first, ev);
}

static void
nc_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	enum ir_signin_kind kind = ir_signin_classify(ev);
	const struct ir_str *v;
	char country[16];

	if (kind == IR_SIGNIN_NONE || !ev->user || !*ev->user)
		return;
	if (ir_signin_is_guess(kind)) {
		note_failure(state, ev);
		return;
	}
	if (kind != IR_SIGNIN_SUCCESS ||
	    !(v = ir_event_param_str(ev, "Country")))
		return;
	ir_det_lower(country, sizeof(country), *v);
	/* Upper case, as ISO 3166 writes it and people read it. */
	for (char *p = country; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (*country)
		note_success(state, ev, country);
}

static bool
failed_for_others(const struct nc *st, const char *ip, const char *user)
{
	void **slot = ip ? ir_strmap_find(&st->fails, ip) : NULL;
	const struct failed_ip *f = slot ? *slot : NULL;

	return f && (f->others || strcmp(f->user, user));
}

static void
report_country(struct ir_findings *out, const struct nc *st, const char *user,
	       const char *code, const struct country *c, const char *home,
	       uint64_t total)
{
	bool bad_ip = failed_for_others(st, c->first.client_ip, user);
	const struct ir_snap *s = &c->first;
	struct ir_hit hit = {
		.det = &ir_det_signin_new_country, .user = user, .key = code};
	char when[IR_TIME_MAX], *fix;
	struct ir_buf b = IR_BUF_INIT;

	if (s->has_time)
		ir_time_format(when, s->time);
	else
		snprintf(when, sizeof(when), "an unknown time");
	ir_buf_addf(&b,
		    "%s signed in from %s (%llu of %llu sign-ins; usually "
		    "from %s), first at %s from %s%s",
		    user, code, (unsigned long long)c->n,
		    (unsigned long long)total, home, when,
		    s->client_ip ? s->client_ip : "an unknown address",
		    bad_ip ? ", an address that also failed sign-ins for "
			     "other users"
			   : "");
	fix = ir_detect_remediation(user, "sessions-and-password,mfa");
	hit.severity = bad_ip ? IR_SEV_HIGH : IR_SEV_MEDIUM;
	hit.summary = b.buf;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, &s, 1, c->n);
	ir_buf_release(&b);
	free(fix);
}

static void
report_user(struct ir_findings *out, const struct nc *st, const char *user,
	    const struct nc_user *u)
{
	const struct ir_strmap *m = &u->countries;
	const char *home = NULL;
	uint64_t total = 0, most = 0;

	for (size_t i = 0; i < m->size; i++) {
		const struct country *c = m->vals[i];

		if (!m->keys[i])
			continue;
		total += c->n;
		/* Ties go to the smaller code, so output is deterministic. */
		if (c->n > most ||
		    (c->n == most && strcmp(m->keys[i], home) < 0)) {
			most = c->n;
			home = m->keys[i];
		}
	}
	if (m->n < 2 || most < NC_MIN_HOME)
		return;
	for (size_t i = 0; i < m->size; i++) {
		const struct country *c = m->vals[i];

		if (m->keys[i] && m->keys[i] != home && c->n * 10 < total)
			report_country(out, st, user, m->keys[i], c, home,
				       total);
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
	.title = "Sign-in from a country the user rarely signs in from",
	.attack = "T1078.004",
	.operations = nc_ops,
	.start = nc_start,
	.event = nc_event,
	.finish = nc_finish,
	.free = nc_free,
};
