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
 * and the first success); "within an hour" is six consecutive buckets,
 * never more than 60 minutes. The failures that share the success's
 * bucket count as "before" it when the bucket's first failure precedes it.
 *
 * Memory. A user holds BF_KEEP buckets, never the whole time span: making
 * room settles the held bucket farthest in time from the new one (its
 * windows into the user's best, its failures into the held buckets of the
 * hour after it, its successes judged and kept, the earliest
 * IR_FINDING_MAX_EVIDENCE of them, for finish() to report in time order).
 * For records in time order either way that bucket is complete and the
 * results are exact; records further out of order than BF_KEEP buckets may
 * split an hour (docs/detections/brute-force.md says what that changes).
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
/* Buckets held per user; see "Memory" above. */
#define BF_KEEP 16
/* Attempts remembered per bucket to pair copies across logs. */
#define BF_MAX_ATTEMPTS 256

struct bucket {
	int64_t idx;	   /* time / BF_BUCKET */
	uint64_t inherited; /* failures of settled buckets in the hour before */
	struct ir_attempts fails; /* guesses, each counted once */
	struct ir_snap fail; /* first failure in the bucket */
	struct ir_snap ok;   /* first success */
	struct ir_snap pwok; /* first password-accepted-but-stopped */
};

/* The busiest window among the buckets settled so far. */
struct best {
	uint64_t nfail;
	int64_t first, last; /* bucket indexes; ties go to the earlier */
	size_t nsnaps;
	struct ir_snap snaps[BF_WINDOW_BUCKETS];
};

/*
 * Successes judged guessed, reported in finish() in time order whatever
 * order they were settled in: the earliest IR_FINDING_MAX_EVIDENCE (all a
 * finding shows), and of the rest only how many and the latest.
 */
struct pending {
	struct ir_snap v[IR_FINDING_MAX_EVIDENCE];
	uint64_t nfail[IR_FINDING_MAX_EVIDENCE];
	size_t n;
	uint64_t more;
	struct ir_snap latest; /* the latest of `more` */
};

struct bf_user {
	struct bucket *v; /* held buckets, ascending idx, at most BF_KEEP */
	size_t n, alloc;
	struct best best;
	struct pending *pend[2]; /* [0] success, [1] password accepted */
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
bucket_find(struct bf_user *u, int64_t idx)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].idx == idx)
			return &u->v[i];
	return NULL;
}

static uint64_t
nfail(const struct bucket *b)
{
	return ir_attempts_count(&b->fails);
}

static void
snap_copy(struct ir_snap *dst, const struct ir_snap *src)
{
	struct ir_event ev;

	ir_snap_event(&ev, src);
	ir_snap_set(dst, &ev);
}

static void
best_release(struct best *b)
{
	for (size_t i = 0; i < b->nsnaps; i++)
		ir_snap_release(&b->snaps[i]);
	b->nsnaps = 0;
}

/* The busiest run of buckets within one window; *first, *last bound it. */
static uint64_t
busiest(const struct bucket *v, size_t n, size_t *first, size_t *last)
{
	uint64_t sum = 0, best = 0;

	for (size_t i = 0, j = 0; j < n; j++) {
		sum += nfail(&v[j]);
		while (v[j].idx - v[i].idx >= BF_WINDOW_BUCKETS)
			sum -= nfail(&v[i++]);
		if (sum > best) {
			best = sum;
			*first = i;
			*last = j;
		}
	}
	return best;
}

/*
 * Keep the busiest window of the held buckets if it beats the one kept:
 * more failures, or as many ending earlier (what one pass over every
 * bucket in time order would pick).
 */
static void
fold_best(struct bf_user *u)
{
	size_t first = 0, last = 0;
	uint64_t sum = busiest(u->v, u->n, &first, &last);
	struct best *b = &u->best;

	if (!sum || sum < b->nfail ||
	    (sum == b->nfail &&
	     (u->v[last].idx > b->last ||
	      (u->v[last].idx == b->last && u->v[first].idx >= b->first))))
		return;
	best_release(b);
	b->nfail = sum;
	b->first = u->v[first].idx;
	b->last = u->v[last].idx;
	for (size_t i = first; i <= last; i++)
		if (ir_snap_valid(&u->v[i].fail))
			snap_copy(&b->snaps[b->nsnaps++], &u->v[i].fail);
}

static void judge_success(struct bf_user *u, size_t k, bool full);

static void
bucket_release(struct bucket *b)
{
	ir_attempts_release(&b->fails);
	ir_snap_release(&b->fail);
	ir_snap_release(&b->ok);
	ir_snap_release(&b->pwok);
}

/*
 * Judge held bucket k for good and drop it: its windows go into the
 * best, its failures to the buckets whose hour it falls in, and its
 * successes are judged against the hour before them.
 */
static void
settle(struct bf_user *u, size_t k)
{
	struct bucket *e = &u->v[k];

	fold_best(u);
	for (size_t j = k + 1;
	     j < u->n && u->v[j].idx - e->idx < BF_WINDOW_BUCKETS; j++)
		u->v[j].inherited += nfail(e);
	judge_success(u, k, true);
	judge_success(u, k, false);
	bucket_release(e);
	memmove(e, e + 1, (u->n - k - 1) * sizeof(*e));
	u->n--;
}

/*
 * The bucket `idx`, made when new. A user holds BF_KEEP buckets; to make
 * room the one farthest in time from `idx` is settled, which for an
 * export in time order (either way) is the one no later record can touch.
 */
static struct bucket *
bucket_get(struct bf_user *u, int64_t idx)
{
	struct bucket *b = bucket_find(u, idx);
	size_t k;

	if (b)
		return b;
	if (u->n == BF_KEEP)
		settle(u, idx - u->v[0].idx >= u->v[u->n - 1].idx - idx
				  ? 0
				  : u->n - 1);
	IR_ALLOC_GROW(u->v, u->n + 1, u->alloc);
	for (k = u->n; k > 0 && u->v[k - 1].idx > idx; k--)
		;
	memmove(&u->v[k + 1], &u->v[k], (u->n - k) * sizeof(*u->v));
	u->n++;
	b = &u->v[k];
	memset(b, 0, sizeof(*b));
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
paired_next_door(struct bf_user *u, const struct ir_event *ev, int64_t idx)
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
	b = bucket_get(u, idx);
	if (ir_signin_is_guess(kind)) {
		/* b is not moved by the lookups next door. */
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

static void
report_failures(struct ir_findings *out, const char *user,
		const struct best *best)
{
	const struct ir_snap *snaps[BF_WINDOW_BUCKETS];
	struct ir_hit hit = {.det = &ir_det_brute_force,
			     .severity = IR_SEV_HIGH,
			     .user = user,
			     .key = "failures"};
	char when[IR_TIME_MAX];
	struct ir_buf b = IR_BUF_INIT;

	if (best->nfail < BF_MIN_FAILS || !best->nsnaps)
		return;
	for (size_t i = 0; i < best->nsnaps; i++)
		snaps[i] = &best->snaps[i];
	ir_time_format(when, snaps[0]->time);
	ir_buf_addf(&b,
		    "%llu failed sign-ins for %s within an hour from %s, "
		    "the first from %s: someone is guessing the password",
		    (unsigned long long)best->nfail, user, when,
		    snaps[0]->client_ip ? snaps[0]->client_ip
					: "an unknown address");
	hit.summary = b.buf;
	ir_det_hit_n(out, &hit, snaps, best->nsnaps, best->nfail);
	ir_buf_release(&b);
}

/* Failures in the hour before `s`, which lies in held bucket k. */
static uint64_t
fails_before(const struct bf_user *u, size_t k, const struct ir_snap *s)
{
	const struct bucket *v = u->v;
	uint64_t sum = v[k].inherited;

	if (ir_snap_valid(&v[k].fail) &&
	    ir_time_cmp(v[k].fail.time, s->time) < 0)
		sum += nfail(&v[k]);
	for (size_t i = k; i-- > 0 && v[k].idx - v[i].idx < BF_WINDOW_BUCKETS;)
		sum += nfail(&v[i]);
	return sum;
}

static void
pend_add(struct pending *p, const struct ir_snap *s, uint64_t nfail)
{
	size_t k = p->n;

	if (k == IR_FINDING_MAX_EVIDENCE) {
		const struct ir_snap *out = &p->v[k - 1];

		p->more++;
		if (ir_time_cmp(s->time, out->time) >= 0)
			out = s;
		if (!ir_snap_valid(&p->latest) ||
		    ir_time_cmp(out->time, p->latest.time) > 0)
			snap_copy(&p->latest, out);
		if (out == s)
			return;
		ir_snap_release(&p->v[--k]);
		p->n--;
	}
	for (; k > 0 && ir_time_cmp(p->v[k - 1].time, s->time) > 0; k--) {
		p->v[k] = p->v[k - 1];
		p->nfail[k] = p->nfail[k - 1];
	}
	memset(&p->v[k], 0, sizeof(p->v[k]));
	snap_copy(&p->v[k], s);
	p->nfail[k] = nfail;
	p->n++;
}

/* Is the success (or accepted password) in held bucket k a guessed one? */
static void
judge_success(struct bf_user *u, size_t k, bool full)
{
	const struct ir_snap *s = full ? &u->v[k].ok : &u->v[k].pwok;
	struct pending **p = &u->pend[!full];
	uint64_t n;

	if (!ir_snap_valid(s) || (n = fails_before(u, k, s)) < BF_MIN_BEFORE_OK)
		return;
	if (!*p)
		*p = xcalloc(1, sizeof(**p));
	pend_add(*p, s, n);
}

static void
report_success(struct ir_findings *out, const char *user,
	       const struct ir_snap *s, uint64_t nfail, bool full)
{
	struct ir_hit hit = {.det = &ir_det_brute_force, .user = user};
	char when[IR_TIME_MAX], *fix;
	struct ir_buf b = IR_BUF_INIT;

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

/* The pending successes in time order; past the evidence cap only count. */
static void
report_pending(struct ir_findings *out, const char *user,
	       const struct pending *p, bool full)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		report_success(out, user, &p->v[i], p->nfail[i], full);
	for (uint64_t i = 0; i < p->more; i++)
		report_success(out, user, &p->latest, 0, full);
}

static void
pend_free(struct pending *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		ir_snap_release(&p->v[i]);
	ir_snap_release(&p->latest);
	free(p);
}

/* Settle what is still held, oldest first, then report the busiest hour. */
static void
report_user(struct ir_findings *out, const char *user, struct bf_user *u)
{
	while (u->n)
		settle(u, 0);
	report_failures(out, user, &u->best);
	report_pending(out, user, u->pend[0], true);
	report_pending(out, user, u->pend[1], false);
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
user_free(void *p)
{
	struct bf_user *u = p;

	for (size_t i = 0; i < u->n; i++)
		bucket_release(&u->v[i]);
	free(u->v);
	best_release(&u->best);
	pend_free(u->pend[0]);
	pend_free(u->pend[1]);
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
