/* SPDX-License-Identifier: MIT */
/*
 * det-password-spray.c - one address guessing passwords for many users
 * (ATT&CK T1110.003), and the users whose password it then got right.
 *
 * Sprayers (MSOLSpray, o365spray, Spray365) try one or two passwords
 * against every account they know, a few seconds apart. In the unified
 * audit log that is a burst of UserLoginFailed (ErrorNumber 50126) from one
 * ClientIP across many UserIds; in Entra sign-in logs, "Sign-in activity"
 * with ErrorCode 50126/50053/50034. The one sign-in that works is the
 * reason anyone looks: MSOLSpray's own sample has one UserLoggedIn from the
 * spraying address in the middle of the failures.
 *
 * Logic (docs/detections/password-spray.md): per source address and user,
 * keep the first guess failure, the failure count and the first and last
 * success. In finish(), an address is a sprayer when the first failures of
 * at least SPRAY_MIN_USERS distinct users fall within SPRAY_WINDOW of each
 * other. Exports are not in time order, which is why the window is judged
 * at the end and not while streaming. Findings:
 *  - "(tenant)", key = address, high: the spray itself, one evidence record
 *    (the first failure) per targeted user, count = users targeted;
 *  - each user who signed in successfully from that address at or after
 *    the spray began, critical; a sign-in stopped by MFA or Conditional
 *    Access after the password was accepted (50074, 53003...), high.
 * State is per (address, user) pair, never per event.
 *
 * The same failure is often in two exports (UserLoginFailed in the unified
 * audit log and "Sign-in activity" in the Entra sign-in log): attempts are
 * counted through struct ir_attempts (signin.h), so a copy from the other
 * log within IR_ATTEMPT_SKEW seconds counts once.
 *
 * Deliberately left out: grouping addresses by /24 or by user agent.
 * Rotating-proxy sprays (FireProx) change the address every request and
 * need that, but so does a campus NAT look like a spray if grouped too
 * widely. NEEDSWORK: group by user agent when one tool string hits many
 * users from many addresses.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

#define SPRAY_MIN_USERS 5
#define SPRAY_WINDOW (60 * 60)
/* Attempts remembered per address and user to pair copies across logs. */
#define SPRAY_MAX_ATTEMPTS 64

/* One user as seen from one address. */
struct target {
	char *user;
	struct ir_attempts fails; /* guesses, each counted once */
	struct ir_snap first_fail;
	struct ir_snap ok_first, ok_last;     /* successful sign-ins */
	struct ir_snap pwok_first, pwok_last; /* password right, MFA/CA stop */
};

struct addr {
	struct ir_strmap users; /* user -> struct target */
};

struct spray {
	struct ir_strmap addrs; /* client IP -> struct addr */
};

static void *
spray_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct spray));
}

static void
keep_earliest(struct ir_snap *s, const struct ir_event *ev)
{
	if (!ir_snap_valid(s) ||
	    (ev->has_time &&
	     (!s->has_time || ir_time_cmp(ev->time, s->time) < 0)))
		ir_snap_set(s, ev);
}

static void
keep_latest(struct ir_snap *s, const struct ir_event *ev)
{
	if (!ir_snap_valid(s) ||
	    (ev->has_time &&
	     (!s->has_time || ir_time_cmp(ev->time, s->time) > 0)))
		ir_snap_set(s, ev);
}

static struct target *
target_get(struct spray *st, const char *ip, const char *user)
{
	void **slot = ir_strmap_put(&st->addrs, ip, NULL);
	struct addr *a = *slot;
	struct target *t;

	if (!a)
		*slot = a = xcalloc(1, sizeof(*a));
	slot = ir_strmap_put(&a->users, user, NULL);
	if (!*slot) {
		t = xcalloc(1, sizeof(*t));
		t->user = xstrdup(user);
		*slot = t;
	}
	return *slot;
}

static void
spray_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	enum ir_signin_kind kind = ir_signin_classify(ev);
	struct target *t;

	if (kind == IR_SIGNIN_NONE || kind == IR_SIGNIN_OTHER_FAILURE ||
	    !ev->client_ip || !*ev->client_ip || !ev->user || !*ev->user)
		return;
	t = target_get(state, ev->client_ip, ev->user);
	if (ir_signin_is_guess(kind)) {
		ir_attempts_add(&t->fails, ev, SPRAY_MAX_ATTEMPTS);
		keep_earliest(&t->first_fail, ev);
	} else if (kind == IR_SIGNIN_SUCCESS) {
		keep_earliest(&t->ok_first, ev);
		keep_latest(&t->ok_last, ev);
	} else {
		keep_earliest(&t->pwok_first, ev);
		keep_latest(&t->pwok_last, ev);
	}
}

static int
cmp_first_fail(const void *a, const void *b)
{
	const struct target *x = *(const struct target *const *)a;
	const struct target *y = *(const struct target *const *)b;
	int c = ir_time_cmp(x->first_fail.time, y->first_fail.time);

	return c ? c : strcmp(x->user, y->user);
}

/* Targets of `a` with a timed failure, sorted by first failure. */
static struct target **
failed_targets(const struct addr *a, size_t *n)
{
	struct target **v = xcalloc(a->users.n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < a->users.size; i++) {
		struct target *t = a->users.vals[i];

		if (a->users.keys[i] && ir_snap_valid(&t->first_fail) &&
		    t->first_fail.has_time)
			v[(*n)++] = t;
	}
	qsort(v, *n, sizeof(*v), cmp_first_fail);
	return v;
}

/*
 * The most users whose first failures fit in SPRAY_WINDOW; *start gets
 * the window's first failure time.
 */
static size_t
densest_window(struct target *const *v, size_t n, struct ir_time *start)
{
	size_t best = 0;

	for (size_t i = 0, j = 0; j < n; j++) {
		while (v[j]->first_fail.time.sec - v[i]->first_fail.time.sec >
		       SPRAY_WINDOW)
			i++;
		if (j - i + 1 > best) {
			best = j - i + 1;
			*start = v[i]->first_fail.time;
		}
	}
	return best;
}

/* The first snapshot in `a`, `b` at or after `start`, or NULL. */
static const struct ir_snap *
after(const struct ir_snap *a, const struct ir_snap *b, struct ir_time start)
{
	if (ir_snap_valid(a) && a->has_time && ir_time_cmp(a->time, start) >= 0)
		return a;
	if (ir_snap_valid(b) && b->has_time && ir_time_cmp(b->time, start) >= 0)
		return b;
	return NULL;
}

static void
report_user(struct ir_findings *out, const char *ip, size_t nusers,
	    const char *since, const struct target *t, struct ir_time start)
{
	const struct ir_snap *ok = after(&t->ok_first, &t->ok_last, start);
	const struct ir_snap *pw = after(&t->pwok_first, &t->pwok_last, start);
	const struct ir_snap *s = ok ? ok : pw;
	struct ir_hit hit = {
		.det = &ir_det_password_spray, .user = t->user, .key = ip};
	char when[IR_TIME_MAX], *summary, *fix;
	struct ir_buf b = IR_BUF_INIT;

	if (!s)
		return;
	ir_time_format(when, s->time);
	ir_buf_addf(&b,
		    "%s %s from %s at %s, the address that "
		    "password-sprayed %zu users from %s: ",
		    t->user,
		    ok ? "signed in successfully"
		       : "got the password right (stopped only by MFA or "
			 "Conditional Access)",
		    ip, when, nusers, since);
	ir_buf_addstr(&b, ok ? "treat the account as compromised"
			     : "the attacker knows the password");
	summary = ir_buf_detach(&b, NULL);
	fix = ir_detect_remediation(t->user, ok ? "sessions-and-password,mfa"
						: "sessions-and-password");
	hit.severity = ok ? IR_SEV_CRITICAL : IR_SEV_HIGH;
	hit.summary = summary;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, &s, 1, 1);
	free(summary);
	free(fix);
}

static void
report_addr(struct ir_findings *out, const char *ip, const struct addr *a)
{
	struct ir_time start = {0, 0};
	size_t n, nok = 0;
	struct target **v = failed_targets(a, &n);
	const struct ir_snap **snaps = xcalloc(n + 1, sizeof(*snaps));
	struct ir_hit hit = {.det = &ir_det_password_spray,
			     .severity = IR_SEV_HIGH,
			     .user = "(tenant)",
			     .key = ip};
	char since[IR_TIME_MAX];
	struct ir_buf b = IR_BUF_INIT;
	uint64_t attempts = 0;

	if (densest_window(v, n, &start) < SPRAY_MIN_USERS)
		goto out;
	ir_time_format(since, start);
	for (size_t i = 0; i < n; i++) {
		snaps[i] = &v[i]->first_fail;
		attempts += ir_attempts_count(&v[i]->fails);
	}
	for (size_t i = 0; i < a->users.size; i++) {
		const struct target *t = a->users.vals[i];

		if (!a->users.keys[i])
			continue;
		nok += !!after(&t->ok_first, &t->ok_last, start);
		report_user(out, ip, n, since, t, start);
	}
	ir_buf_addf(&b,
		    "password spray from %s: %zu users failed to sign in "
		    "from it (%llu attempts) from %s; %zu signed in "
		    "successfully from it afterwards: block the address and "
		    "reset those users' passwords",
		    ip, n, (unsigned long long)attempts, since, nok);
	hit.summary = b.buf;
	ir_det_hit_n(out, &hit, snaps, n, n);
out:
	ir_buf_release(&b);
	free(snaps);
	free(v);
}

static void
spray_finish(void *state, struct ir_findings *out)
{
	struct spray *st = state;

	for (size_t i = 0; i < st->addrs.size; i++)
		if (st->addrs.keys[i])
			report_addr(out, st->addrs.keys[i], st->addrs.vals[i]);
}

static void
target_free(void *p)
{
	struct target *t = p;

	ir_attempts_release(&t->fails);
	ir_snap_release(&t->first_fail);
	ir_snap_release(&t->ok_first);
	ir_snap_release(&t->ok_last);
	ir_snap_release(&t->pwok_first);
	ir_snap_release(&t->pwok_last);
	free(t->user);
	free(t);
}

static void
addr_free(void *p)
{
	struct addr *a = p;

	ir_strmap_release(&a->users, target_free);
	free(a);
}

static void
spray_free(void *state)
{
	struct spray *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->addrs, addr_free);
	free(st);
}

static const char *const spray_ops[] = {"UserLoggedIn", "UserLoginFailed",
					"Sign-in activity", NULL};

const struct ir_detection ir_det_password_spray = {
	.id = "password-spray",
	.title = "Password spray from one address against many users",
	.attack = "T1110.003",
	.operations = spray_ops,
	.start = spray_start,
	.event = spray_event,
	.finish = spray_finish,
	.free = spray_free,
};
