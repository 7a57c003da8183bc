/* SPDX-License-Identifier: MIT */
/*
 * det-brute-force.c - many password guesses against one account, and the
 * sign-in that worked after them (ATT&CK T1110.001).
 *
 * Signal: failed sign-ins whose error says the password was wrong, the
 * account is locked or unknown (signin.h, "guess" kinds), for one user.
 * BF_MIN_FAILS or more within an hour is a finding (high); a successful
 * sign-in preceded within the hour by BF_MIN_BEFORE_OK or more of them is
 * "success after N failures" (critical), and a sign-in where the password
 * was accepted but MFA or Conditional Access stopped it is high.
 *
 * Exports are not in time order, so failures are counted in 10-minute
 * buckets per user (a bucket holds a count, the first failure as evidence
 * and the first success) and windows are judged in finish(): "within an
 * hour" is six consecutive buckets, never more than 60 minutes. The
 * failures that share the success's bucket count as "before" it when the
 * bucket's first failure precedes it. State is bounded by users and by
 * BF_MAX_BUCKETS per user (about four weeks of failures every 10 minutes);
 * later buckets are dropped.
 *
 * The same failure is often in two exports (UserLoginFailed in the unified
 * audit log and "Sign-in activity" in the Entra sign-in log): each bucket
 * counts its failures through struct ir_attempts (signin.h), which pairs a
 * copy from the other log from the same address within IR_ATTEMPT_SKEW
 * seconds; a copy that falls across a bucket boundary is paired with the
 * neighbouring bucket. Up to BF_MAX_ATTEMPTS per bucket are remembered.
 */
#include "util/compat.h"

#include <inttypes.h>

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

#define BF_MIN_FAILS 10
#define BF_MIN_BEFORE_OK 5
#define BF_BUCKET (10 * 60)
#define BF_WINDOW_BUCKETS 6
#define BF_MAX_BUCKETS 4096
/* Attempts remembered per bucket to pair copies across logs. */
#define BF_MAX_ATTEMPTS 256

struct bucket {
	int64_t idx; /* time / BF_BUCKET */
	struct ir_attempts fails; /* guesses, each counted once */
	uint64_t nfail;		  /* ir_attempts_count(), set in finish() */
	struct ir_snap fail; /* first failure in the bucket */
	struct ir_snap ok;   /* first success */
	struct ir_snap pwok; /* first password-accepted-but-stopped */
};

struct bf_user {
	struct ir_strmap buckets; /* "<idx>" -> struct bucket */
};

struct bf {
	struct ir_strmap users; /* user -> struct bf_user */
};

static void *
bf_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct bf));
}

static int64_t
bucket_of(struct ir_time t)
{
	/* Floor division: a 1969 timestamp is a bucket too. */
	return t.sec >= 0 ? t.sec / BF_BUCKET : -((-t.sec - 1) / BF_BUCKET) - 1;
}

static struct bucket *
bucket_find(const struct bf_user *u, int64_t idx)
{
	char key[32];
	void **slot;

	snprintf(key, sizeof(key), "%" PRId64, idx);
	slot = ir_strmap_find(&u->buckets, key);
	return slot ? *slot : NULL;
}

static struct bucket *
bucket_get(struct bf_user *u, int64_t idx)
{
	struct bucket *b = bucket_find(u, idx);
	char key[32];
	void **slot;

	if (b)
		return b;
	if (u->buckets.n >= BF_MAX_BUCKETS)
		return NULL;
	snprintf(key, sizeof(key), "%" PRId64, idx);
	slot = ir_strmap_put(&u->buckets, key, NULL);
	*slot = b = xcalloc(1, sizeof(*b));
	b->idx = idx;
	return b;
}

static struct bf_user *
user_get(struct bf *st, const char *user)
{
	void **slot = ir_strmap_put(&st->users, user, NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct bf_user));
	return *slot;
}

/* Is `ev` a copy of a failure held in the bucket before or after its own? */
static bool
paired_next_door(const struct bf_user *u, const struct ir_event *ev,
		 int64_t idx)
{
	struct bucket *b;

	if (bucket_of((struct ir_time){ev->time.sec - IR_ATTEMPT_SKEW, 0}) <
		    idx &&
	    (b = bucket_find(u, idx - 1)) && ir_attempts_pair(&b->fails, ev))
		return true;
	return bucket_of((struct ir_time){ev->time.sec + IR_ATTEMPT_SKEW,
					  0}) > idx &&
	       (b = bucket_find(u, idx + 1)) && ir_attempts_pair(&b->fails, ev);
}

static void
keep_earliest(struct ir_snap *s, const struct ir_event *ev)
{
	if (!ir_snap_valid(s) || ir_time_cmp(ev->time, s->time) < 0)
		ir_snap_set(s, ev);
}

static void
bf_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	enum ir_signin_kind kind = ir_signin_classify(ev);
	struct bf_user *u;
	struct bucket *b;
	int64_t idx;

	if (kind == IR_SIGNIN_NONE || kind == IR_SIGNIN_OTHER_FAILURE ||
	    !ev->has_time || !ev->user || !*ev->user)
		return;
	u = user_get(state, ev->user);
	idx = bucket_of(ev->time);
	if (!(b = bucket_get(u, idx)))
		return;
	if (ir_signin_is_guess(kind)) {
		if (!ir_attempts_pair(&b->fails, ev) &&
		    !paired_next_door(u, ev, idx))
			ir_attempts_add(&b->fails, ev, BF_MAX_ATTEMPTS);
		keep_earliest(&b->fail, ev);
	} else if (kind == IR_SIGNIN_SUCCESS) {
		keep_earliest(&b->ok, ev);
	} else {
		keep_earliest(&b->pwok, ev);
	}
}

static int
cmp_bucket(const void *a, const void *b)
{
	const struct bucket *x = *(const struct bucket *const *)a;
	const struct bucket *y = *(const struct bucket *const *)b;

	return (x->idx > y->idx) - (x->idx < y->idx);
}

static struct bucket **
sorted_buckets(const struct bf_user *u, size_t *n)
{
	struct bucket **v = xcalloc(u->buckets.n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < u->buckets.size; i++) {
		struct bucket *b = u->buckets.vals[i];

		if (!u->buckets.keys[i])
			continue;
		b->nfail = ir_attempts_count(&b->fails);
		v[(*n)++] = b;
	}
	qsort(v, *n, sizeof(*v), cmp_bucket);
	return v;
}

/* The busiest run of buckets within one window; *first, *last bound it. */
static uint64_t
busiest(struct bucket *const *v, size_t n, size_t *first, size_t *last)
{
	uint64_t sum = 0, best = 0;

	for (size_t i = 0, j = 0; j < n; j++) {
		sum += v[j]->nfail;
		while (v[j]->idx - v[i]->idx >= BF_WINDOW_BUCKETS)
			sum -= v[i++]->nfail;
		if (sum > best) {
			best = sum;
			*first = i;
			*last = j;
		}
	}
	return best;
}

static void
report_failures(struct ir_findings *out, const char *user,
		struct bucket *const *v, size_t n)
{
	size_t first = 0, last = 0, nsnaps = 0;
	uint64_t nfail = busiest(v, n, &first, &last);
	const struct ir_snap *snaps[BF_WINDOW_BUCKETS];
	struct ir_hit hit = {.det = &ir_det_brute_force,
			     .severity = IR_SEV_HIGH,
			     .user = user,
			     .key = "failures"};
	char when[IR_TIME_MAX];
	struct ir_buf b = IR_BUF_INIT;

	if (nfail < BF_MIN_FAILS)
		return;
	for (size_t i = first; i <= last; i++)
		if (ir_snap_valid(&v[i]->fail))
			snaps[nsnaps++] = &v[i]->fail;
	ir_time_format(when, snaps[0]->time);
	ir_buf_addf(&b,
		    "%llu failed sign-ins for %s within an hour from %s, "
		    "the first from %s: someone is guessing the password",
		    (unsigned long long)nfail, user, when,
		    snaps[0]->client_ip ? snaps[0]->client_ip
					: "an unknown address");
	hit.summary = b.buf;
	ir_det_hit_n(out, &hit, snaps, nsnaps, nfail);
	ir_buf_release(&b);
}

/* Failures in the hour before `s`, which lies in bucket v[k]. */
static uint64_t
fails_before(struct bucket *const *v, size_t k, const struct ir_snap *s)
{
	uint64_t sum = 0;

	if (ir_snap_valid(&v[k]->fail) &&
	    ir_time_cmp(v[k]->fail.time, s->time) < 0)
		sum += v[k]->nfail;
	for (size_t i = k;
	     i-- > 0 && v[k]->idx - v[i]->idx < BF_WINDOW_BUCKETS;)
		sum += v[i]->nfail;
	return sum;
}

static void
report_success(struct ir_findings *out, const char *user,
	       struct bucket *const *v, size_t k, bool full)
{
	const struct ir_snap *s = full ? &v[k]->ok : &v[k]->pwok;
	uint64_t nfail = fails_before(v, k, s);
	struct ir_hit hit = {.det = &ir_det_brute_force, .user = user};
	char when[IR_TIME_MAX], *fix;
	struct ir_buf b = IR_BUF_INIT;

	if (!ir_snap_valid(s) || nfail < BF_MIN_BEFORE_OK)
		return;
	ir_time_format(when, s->time);
	ir_buf_addf(&b,
		    "%s %s at %s from %s after %llu failed sign-ins in "
		    "the hour before: the password was guessed",
		    user,
		    full ? "signed in successfully"
			 : "got the password right (stopped only by MFA or "
			   "Conditional Access)",
		    when, s->client_ip ? s->client_ip : "an unknown address",
		    (unsigned long long)nfail);
	fix = ir_detect_remediation(user, full ? "sessions-and-password,mfa"
					       : "sessions-and-password");
	hit.severity = full ? IR_SEV_CRITICAL : IR_SEV_HIGH;
	hit.key = full ? "success-after-failures"
		       : "password-accepted-after-failures";
	hit.summary = b.buf;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, &s, 1, 1);
	ir_buf_release(&b);
	free(fix);
}

static void
report_user(struct ir_findings *out, const char *user, const struct bf_user *u)
{
	size_t n;
	struct bucket **v = sorted_buckets(u, &n);

	report_failures(out, user, v, n);
	for (size_t k = 0; k < n; k++) {
		report_success(out, user, v, k, true);
		report_success(out, user, v, k, false);
	}
	free(v);
}

static void
bf_finish(void *state, struct ir_findings *out)
{
	struct bf *st = state;

	for (size_t i = 0; i < st->users.size; i++)
		if (st->users.keys[i])
			report_user(out, st->users.keys[i], st->users.vals[i]);
}

static void
bucket_free(void *p)
{
	struct bucket *b = p;

	ir_attempts_release(&b->fails);
	ir_snap_release(&b->fail);
	ir_snap_release(&b->ok);
	ir_snap_release(&b->pwok);
	free(b);
}

static void
user_free(void *p)
{
	struct bf_user *u = p;

	ir_strmap_release(&u->buckets, bucket_free);
	free(u);
}

static void
bf_free(void *state)
{
	struct bf *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->users, user_free);
	free(st);
}

static const char *const bf_ops[] = {"UserLoggedIn", "UserLoginFailed",
				     "Sign-in activity", NULL};

const struct ir_detection ir_det_brute_force = {
	.id = "brute-force",
	.title = "Many failed sign-ins for one user, or success after them",
	.attack = "T1110.001",
	.operations = bf_ops,
	.start = bf_start,
	.event = bf_event,
	.finish = bf_finish,
	.free = bf_free,
};
