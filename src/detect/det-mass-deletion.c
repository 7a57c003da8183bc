/* SPDX-License-Identifier: MIT */
/*
 * det-mass-deletion.c - one account deleting many users, stripping admins
 * from their roles, or purging mail (ATT&CK T1531 account access removal;
 * T1485 data destruction).
 *
 * Destructive attackers (and ransom crews leaving a tenant) delete users
 * and remove the admins who could fight back (blueteam0ps T1531 samples:
 * ten "Delete user." by one account in a minute; "Remove member from
 * role."). One administrator removing a leaver is normal; one actor doing
 * it many times within an hour is not. Per actor, within one hour:
 *  - 10 or more users deleted ("Delete user." in the unified audit log,
 *    "Delete user" in Entra directory audit): high, key "users";
 *  - 10 or more users hard-deleted (permanently, "Hard Delete user"):
 *    high, key "hard-deleted-users";
 *  - 3 or more members removed from directory roles ("Remove member from
 *    role.", "Remove eligible member from role"): high, key
 *    "role-members";
 *  - 50 or more mail items hard-deleted (mailbox audit HardDelete, items
 *    counted from AffectedItems): medium, key "mail-items".
 * A directory synchronisation account (Sync_*, the Entra Connect account)
 * deleting users is medium: it does so whenever on-premises accounts go.
 * Failed operations are ignored.
 *
 * Users and role members are counted once each: the same deletion is
 * often in two exports (UAL and Entra directory audit), so each 10-minute
 * bucket keeps a set of target hashes (MD_MAX_TARGETS; past that, every
 * deletion is taken as a new target) and the window unions them. Exports
 * are not in time order: as in det-brute-force.c, counts go into 10-minute
 * buckets per actor and kind, and finish() slides a window of six
 * consecutive buckets (never more than 60 minutes). At most MD_MAX_BUCKETS
 * buckets are kept per actor and kind; later ones are dropped.
 */
#include "util/compat.h"

#include <ctype.h>
#include <inttypes.h>

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/inboxrule.h"
#include "detect/signin.h"

#define MD_BUCKET (10 * 60)
#define MD_WINDOW_BUCKETS 6
#define MD_MAX_BUCKETS 4096
#define MD_MAX_TARGETS 256
#define MD_NAMES 3
#define MD_NAME_MAX 64

enum kind {
	K_USERS,
	K_HARD_USERS,
	K_ROLE_MEMBERS,
	K_MAIL,
	K_N,
};

struct kind_info {
	const char *key;
	const char *noun; /* "users deleted" */
	uint64_t min;
	enum ir_severity severity;
	const char *why;
};

static const struct kind_info kinds[K_N] = {
	{"users", "users deleted", 10, IR_SEV_HIGH,
	 "mass account deletion locks people out and hides the attacker; "
	 "restore them from deleted users within 30 days"},
	{"hard-deleted-users", "users permanently deleted", 10, IR_SEV_HIGH,
	 "these accounts cannot be restored from the recycle bin"},
	{"role-members", "members removed from directory roles", 3, IR_SEV_HIGH,
	 "removing administrators keeps defenders out: restore the role "
	 "assignments and check who still holds Global Administrator"},
	{"mail-items", "mail items permanently deleted", 50, IR_SEV_MEDIUM,
	 "purged mail is destroyed evidence or data: check the mailbox's "
	 "Recoverable Items and litigation hold"},
};

struct bucket {
	int64_t idx;	   /* time / MD_BUCKET */
	uint64_t nrec;	   /* records */
	uint64_t items;	   /* K_MAIL: items; else targets past the set */
	uint64_t *targets; /* hashes of distinct targets */
	size_t ntargets, alloc;
	struct ir_snap first; /* earliest record, evidence */
	struct ir_time last;  /* latest record */
	uint64_t value;	      /* set in finish() */
};

struct series {
	enum kind kind;
	char *actor;
	struct ir_strmap buckets; /* "<idx>" -> struct bucket */
	char *names[MD_NAMES];	  /* a few targets, safe, for the summary */
	size_t nnames;
};

struct md {
	struct ir_strmap series; /* "<kind>\n<actor>" -> struct series */
};

static void *
md_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct md));
}

static int64_t
bucket_of(struct ir_time t)
{
	return t.sec >= 0 ? t.sec / MD_BUCKET : -((-t.sec - 1) / MD_BUCKET) - 1;
}

static uint64_t
hash_ci(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)tolower((unsigned char)s[i])) *
		    1099511628211ull;
	return h;
}

/* --- what an event deletes --- */

static bool
kind_of(enum kind *out, const struct ir_event *ev)
{
	const char *op = ev->operation;

	if (ir_det_op_is(op, "Delete user"))
		*out = K_USERS;
	else if (ir_det_op_is(op, "Hard Delete user"))
		*out = K_HARD_USERS;
	else if (ir_det_op_is(op, "Remove member from role") ||
		 ir_det_op_is(op, "Remove eligible member from role"))
		*out = K_ROLE_MEMBERS;
	else if (ir_det_op_is(op, "HardDelete"))
		*out = K_MAIL;
	else
		return false;
	return true;
}

/*
 * A deleted user's UPN as Entra rewrites it: the object id's 32 hex
 * digits glued in front ("0b1a...451fdeltatango@contoso.com"). Skip them.
 */
static const char *
strip_id_prefix(const char *s)
{
	size_t n = 0;

	while (n < 32 && isxdigit((unsigned char)s[n]))
		n++;
	return n == 32 && s[n] && strchr(s + n, '@') ? s + n : s;
}

/* The target's display form into `out`: user, or "user (role)". */
static void
target_name(struct ir_buf *out, const struct ir_event *ev, enum kind k)
{
	const struct ir_str *role = ir_event_param_str(ev, "Role.DisplayName");
	const char *obj = ev->object ? strip_id_prefix(ev->object) : "";

	/* A removal logs the role as the old value; Graph as the new one. */
	if (!role || !role->len)
		role = ir_event_param_str(ev, "Role.DisplayName.OldValue");
	ir_detect__safe(out, obj, strlen(obj), MD_NAME_MAX);
	if (k == K_ROLE_MEMBERS && role && role->len) {
		ir_buf_addstr(out, " (");
		ir_detect__safe(out, role->ptr, role->len, MD_NAME_MAX);
		ir_buf_addch(out, ')');
	}
}

/* Items a HardDelete record stands for: its AffectedItems, at least 1. */
static uint64_t
mail_items(const struct ir_event *ev)
{
	yyjson_val *items = ev->raw && yyjson_is_obj(ev->raw)
				    ? yyjson_obj_get(ev->raw, "AffectedItems")
				    : NULL;
	size_t n = yyjson_is_arr(items) ? yyjson_arr_size(items) : 0;

	return n ? n : 1;
}

/* --- state --- */

static struct series *
series_get(struct md *st, enum kind k, const char *actor)
{
	char key[512];
	void **slot;
	struct series *s;

	snprintf(key, sizeof(key), "%d\n%s", (int)k, actor);
	slot = ir_strmap_put(&st->series, key, NULL);
	if (*slot)
		return *slot;
	*slot = s = xcalloc(1, sizeof(*s));
	s->kind = k;
	s->actor = xstrdup(actor);
	return s;
}

static struct bucket *
bucket_get(struct series *s, int64_t idx)
{
	char key[32];
	void **slot;
	struct bucket *b;

	snprintf(key, sizeof(key), "%" PRId64, idx);
	if ((slot = ir_strmap_find(&s->buckets, key)))
		return *slot;
	if (s->buckets.n >= MD_MAX_BUCKETS)
		return NULL;
	slot = ir_strmap_put(&s->buckets, key, NULL);
	*slot = b = xcalloc(1, sizeof(*b));
	b->idx = idx;
	return b;
}

/* Count a target once per bucket; false when already counted there. */
static bool
add_target(struct bucket *b, uint64_t h)
{
	for (size_t i = 0; i < b->ntargets; i++)
		if (b->targets[i] == h)
			return false;
	if (b->ntargets >= MD_MAX_TARGETS) {
		b->items++;
		return true;
	}
	IR_ALLOC_GROW(b->targets, b->ntargets + 1, b->alloc);
	b->targets[b->ntargets++] = h;
	return true;
}

static void
keep_name(struct series *s, const struct ir_buf *name)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (!strcmp(s->names[i], name->buf))
			return;
	if (s->nnames < MD_NAMES && name->len)
		s->names[s->nnames++] = xstrdup(name->buf);
}

static void
md_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_buf name = IR_BUF_INIT;
	struct series *s;
	struct bucket *b;
	enum kind k;

	if (!kind_of(&k, ev) || ir_det_failed(ev) || !ev->has_time)
		return;
	s = series_get(state, k,
		       ev->user && *ev->user ? ev->user : "(unknown)");
	if (!(b = bucket_get(s, bucket_of(ev->time))))
		return;
	b->nrec++;
	if (!ir_snap_valid(&b->first) ||
	    ir_time_cmp(ev->time, b->first.time) < 0)
		ir_snap_set(&b->first, ev);
	if (b->nrec == 1 || ir_time_cmp(ev->time, b->last) > 0)
		b->last = ev->time;
	if (k == K_MAIL) {
		b->items += mail_items(ev);
		return;
	}
	target_name(&name, ev, k);
	if (add_target(b, hash_ci(name.buf, name.len)))
		keep_name(s, &name);
	ir_buf_release(&name);
}

/* --- judging --- */

static int
cmp_bucket(const void *a, const void *b)
{
	const struct bucket *x = *(const struct bucket *const *)a;
	const struct bucket *y = *(const struct bucket *const *)b;

	return (x->idx > y->idx) - (x->idx < y->idx);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Distinct targets (or items) in v[i..j]. */
static uint64_t
window_value(struct bucket *const *v, size_t i, size_t j, enum kind k)
{
	uint64_t *all, sum = 0, distinct = 0;
	size_t n = 0;

	for (size_t x = i; x <= j; x++)
		n += v[x]->ntargets;
	for (size_t x = i; x <= j; x++)
		sum += v[x]->items;
	if (k == K_MAIL || !n)
		return sum;
	all = xmalloc(n * sizeof(*all));
	n = 0;
	for (size_t x = i; x <= j; x++)
		for (size_t y = 0; y < v[x]->ntargets; y++)
			all[n++] = v[x]->targets[y];
	qsort(all, n, sizeof(*all), cmp_u64);
	for (size_t x = 0; x < n; x++)
		distinct += !x || all[x] != all[x - 1];
	free(all);
	return sum + distinct;
}

static struct bucket **
sorted_buckets(const struct series *s, size_t *n)
{
	struct bucket **v = xcalloc(s->buckets.n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < s->buckets.size; i++)
		if (s->buckets.keys[i])
			v[(*n)++] = s->buckets.vals[i];
	qsort(v, *n, sizeof(*v), cmp_bucket);
	return v;
}

/* The busiest window; *first and *last bound it. */
static uint64_t
busiest(struct bucket *const *v, size_t n, enum kind k, size_t *first,
	size_t *last)
{
	uint64_t best = 0;

	for (size_t i = 0, j = 0; j < n; j++) {
		uint64_t val;

		while (v[j]->idx - v[i]->idx >= MD_WINDOW_BUCKETS)
			i++;
		val = window_value(v, i, j, k);
		if (val > best) {
			best = val;
			*first = i;
			*last = j;
		}
	}
	return best;
}

static bool
is_sync_account(const char *actor)
{
	return !strncasecmp(actor, "sync_", 5) ||
	       strstr(actor, "adtoaadsyncserviceaccount");
}

static void
summarize(struct ir_buf *b, const struct series *s, uint64_t value,
	  struct ir_time from, struct ir_time to)
{
	const struct kind_info *ki = &kinds[s->kind];
	char t0[IR_TIME_MAX], t1[IR_TIME_MAX];
	int64_t span = to.sec - from.sec;

	ir_time_format(t0, from);
	ir_time_format(t1, to);
	ir_buf_addf(b, "%s: %llu %s between %s and %s (%lld %s)", s->actor,
		    (unsigned long long)value, ki->noun, t0, t1,
		    (long long)(span < 120 ? span : span / 60),
		    span < 120 ? "seconds" : "minutes");
	for (size_t i = 0; i < s->nnames; i++)
		ir_buf_addf(b, "%s%s", i ? ", " : ", among them ", s->names[i]);
	ir_buf_addf(b, ": %s", ki->why);
}

static void
report_series(struct ir_findings *out, const struct series *s)
{
	size_t n, first = 0, last = 0, nsnaps = 0;
	struct bucket **v = sorted_buckets(s, &n);
	uint64_t value = busiest(v, n, s->kind, &first, &last), nrec = 0;
	struct ir_time end = {0, 0};
	const struct ir_snap *snaps[MD_WINDOW_BUCKETS];
	struct ir_buf b = IR_BUF_INIT;
	struct ir_hit hit = {.det = &ir_det_mass_deletion,
			     .severity = kinds[s->kind].severity,
			     .user = s->actor,
			     .key = kinds[s->kind].key};

	if (value < kinds[s->kind].min)
		goto out;
	for (size_t i = first; i <= last; i++) {
		snaps[nsnaps++] = &v[i]->first;
		nrec += v[i]->nrec;
		if (i == first || ir_time_cmp(v[i]->last, end) > 0)
			end = v[i]->last;
	}
	if (s->kind != K_ROLE_MEMBERS && s->kind != K_MAIL &&
	    is_sync_account(s->actor))
		hit.severity = IR_SEV_MEDIUM;
	summarize(&b, s, value, snaps[0]->time, end);
	hit.summary = b.buf;
	ir_det_hit_n(out, &hit, snaps, nsnaps,
		     s->kind == K_MAIL ? nrec : value);
out:
	ir_buf_release(&b);
	free(v);
}

static void
md_finish(void *state, struct ir_findings *out)
{
	struct md *st = state;

	for (size_t i = 0; i < st->series.size; i++)
		if (st->series.keys[i])
			report_series(out, st->series.vals[i]);
}

static void
bucket_free(void *p)
{
	struct bucket *b = p;

	free(b->targets);
	ir_snap_release(&b->first);
	free(b);
}

static void
series_free(void *p)
{
	struct series *s = p;

	ir_strmap_release(&s->buckets, bucket_free);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->actor);
	free(s);
}

static void
md_free(void *state)
{
	struct md *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->series, series_free);
	free(st);
}

static const char *const md_ops[] = {
	"Delete user.",
	"Delete user",
	"Hard Delete user.",
	"Hard Delete user",
	"Remove member from role.",
	"Remove member from role",
	"Remove eligible member from role.",
	"Remove eligible member from role",
	"HardDelete",
	NULL,
};

const struct ir_detection ir_det_mass_deletion = {
	.id = "mass-deletion",
	.title = "One account deleting many users, admins or mail items",
	.attack = "T1531",
	.operations = md_ops,
	.start = md_start,
	.event = md_event,
	.finish = md_finish,
	.free = md_free,
};
