/* SPDX-License-Identifier: MIT */
/*
 * det-attacker-ip.c - another account used from an address the attacker
 * used (ATT&CK T1078.004, Valid Accounts: Cloud Accounts).
 *
 * A BEC attacker rarely holds one account: phished credentials come in
 * batches, and the infrastructure that set up hiding rules in one mailbox
 * signs in to the next. In the Huntress "Rogue Inbox" export the rules in
 * DebraB's mailbox come from 185.73.124.135, and minutes later AlexW signs
 * in five times from the same address. No single-event detection sees
 * that, because nothing AlexW did is suspicious by itself.
 *
 * So this detection is late (detect.h): while streaming it remembers, per
 * public client address, the first MAX_USERS accounts seen there (a
 * successful sign-in, or any other event by a UPN) with their first
 * event; in finish(), which runs after every other detection's, the
 * addresses in the evidence of every high or critical finding are the
 * attacker's, and every other account seen at one of them is flagged
 * high. An address where more than SHARED_USERS accounts were seen is a
 * proxy, VPN or office NAT as often as it is the attacker's: one info
 * finding under "(tenant)" names it and leaves the call to the analyst.
 *
 * Failed sign-ins are not counted: a spray's targets were only tried.
 * The same sign-in in two exports counts twice in the event count (the
 * finding is about the account, not the number). State is bounded by
 * distinct addresses times MAX_USERS, never by events.
 */
#include "util/compat.h"

#include <strings.h>

#include "util/buf.h"
#include "util/ip.h"
#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

#define MAX_USERS 16
#define SHARED_USERS 5
#define LISTED 5

/* One account as seen from one address. */
struct seen {
	char *user;
	struct ir_snap first, last; /* its earliest and latest event there */
	uint64_t n;
};

struct addr {
	struct seen *v;
	size_t n, alloc;
	uint64_t over; /* events of accounts past MAX_USERS */
};

struct ai {
	struct ir_strmap addrs; /* client IP -> struct addr */
};

/* The earliest high or critical evidence at one address. */
struct attack {
	const struct ir_finding *fd;
	const struct ir_evidence *ev;
	const struct ir_finding *last; /* to count findings, not evidence */
	size_t nfindings;
};

static void *
ai_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct ai));
}

/* local@domain.tld: not "app@sharepoint", "urn:spo:anon#..." or "(x)". */
static bool
is_upn(const char *u)
{
	const char *at = u ? strchr(u, '@') : NULL;
	const char *dot = at ? strchr(at + 1, '.') : NULL;

	return at && at != u && !strchr(at + 1, '@') && dot &&
	       dot != at + 1 && dot[1] && !strpbrk(u, " \t\r\n\"'");
}

static bool
counts(const struct ir_event *ev)
{
	enum ir_signin_kind kind = ir_signin_classify(ev);
	struct ir_ip ip;

	if (!ev->client_ip || !*ev->client_ip || !is_upn(ev->user))
		return false;
	if (kind != IR_SIGNIN_NONE &&
	    (kind != IR_SIGNIN_SUCCESS || ir_event_failed(ev)))
		return false;
	ir_ip_parse(&ip, ev->client_ip, strlen(ev->client_ip));
	return ip.ip[0] && !ir_ip_is_private(&ip);
}

/*
 * Keep `ev` in `s` when it is earlier (dir -1) or later (dir 1): exports
 * are not in time order.
 */
static void
keep(struct ir_snap *s, const struct ir_event *ev, int dir)
{
	if (!ir_snap_valid(s) ||
	    (ev->has_time &&
	     (!s->has_time || ir_time_cmp(ev->time, s->time) * dir > 0)))
		ir_snap_set(s, ev);
}

static void
ai_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct ai *st = state;
	void **slot;
	struct addr *a;
	struct seen *s = NULL;

	if (!counts(ev))
		return;
	slot = ir_strmap_put(&st->addrs, ev->client_ip, NULL);
	if (!*slot)
		*slot = xcalloc(1, sizeof(struct addr));
	a = *slot;
	for (size_t i = 0; i < a->n && !s; i++)
		if (!strcmp(a->v[i].user, ev->user))
			s = &a->v[i];
	if (!s && a->n == MAX_USERS) {
		a->over++;
		return;
	}
	if (!s) {
		IR_ALLOC_GROW(a->v, a->n + 1, a->alloc);
		s = &a->v[a->n++];
		memset(s, 0, sizeof(*s));
		s->user = xstrdup(ev->user);
	}
	s->n++;
	keep(&s->first, ev, -1);
	keep(&s->last, ev, 1);
}

static bool
serious(const struct ir_finding *fd)
{
	return fd->severity >= IR_SEV_HIGH && !fd->det->late;
}

static bool
earlier(const struct ir_evidence *a, const struct ir_evidence *b)
{
	return a->has_time &&
	       (!b->has_time || ir_time_cmp(a->time, b->time) < 0);
}

/* The addresses of serious findings that we saw accounts at. */
static void
collect(struct ir_strmap *hot, const struct ai *st,
	const struct ir_findings *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ir_finding *fd = f->v[i];

		for (size_t j = 0; serious(fd) && j < fd->nevidence; j++) {
			const struct ir_evidence *e = &fd->evidence[j];
			struct attack *at;
			void **slot;

			if (!e->client_ip ||
			    !ir_strmap_find(&st->addrs, e->client_ip))
				continue;
			slot = ir_strmap_put(hot, e->client_ip, NULL);
			if (!*slot)
				*slot = xcalloc(1, sizeof(struct attack));
			at = *slot;
			if (!at->ev || earlier(e, at->ev)) {
				at->fd = fd;
				at->ev = e;
			}
			if (at->last != fd)
				at->nfindings++;
			at->last = fd;
		}
	}
}

/* Has `user` a serious finding with evidence from `ip`? */
static bool
attacked(const struct ir_findings *f, size_t n, const char *ip,
	 const char *user)
{
	for (size_t i = 0; i < n; i++) {
		const struct ir_finding *fd = f->v[i];

		if (!serious(fd) || strcasecmp(fd->user, user))
			continue;
		for (size_t j = 0; j < fd->nevidence; j++)
			if (fd->evidence[j].client_ip &&
			    !strcmp(fd->evidence[j].client_ip, ip))
				return true;
	}
	return false;
}

/* "the attack on X was carried out (det at T, N more findings)" */
static void
describe_attack(struct ir_buf *b, const struct attack *at)
{
	char when[IR_TIME_MAX];

	if (at->fd->user[0] == '(')
		ir_buf_addstr(b, "an attack was carried out (");
	else
		ir_buf_addf(b, "the attack on %s was carried out (",
			    at->fd->user);
	ir_buf_addstr(b, at->fd->det->id);
	if (at->ev->has_time) {
		ir_time_format(when, at->ev->time);
		ir_buf_addf(b, " at %s", when);
	}
	if (at->nfindings > 1)
		ir_buf_addf(b, "; %zu more finding%s from it",
			    at->nfindings - 1, at->nfindings > 2 ? "s" : "");
	ir_buf_addch(b, ')');
}

static void
report_user(struct ir_findings *out, const char *ip, const struct seen *s,
	    const struct attack *at)
{
	struct ir_hit hit = {.det = &ir_det_attacker_ip,
			     .severity = IR_SEV_HIGH,
			     .user = s->user,
			     .key = ip};
	const struct ir_snap *snaps[2] = {&s->first, &s->last};
	const struct ir_snap *snap = &s->first;
	struct ir_buf b = IR_BUF_INIT;
	char when[IR_TIME_MAX];
	char *fix = ir_detect_remediation(s->user, "sessions-and-password");

	ir_buf_addf(&b, "%s used %s (%llu event%s", s->user, ip,
		    (unsigned long long)s->n, s->n == 1 ? "" : "s");
	if (snap->has_time) {
		ir_time_format(when, snap->time);
		ir_buf_addf(&b, " from %s", when);
	}
	ir_buf_addstr(&b, "), an address from which ");
	describe_attack(&b, at);
	ir_buf_addstr(&b, ": treat the account as compromised too");
	hit.summary = b.buf;
	hit.remediation = fix;
	/* One event: first and last are the same record, give it once. */
	ir_det_hit_n(out, &hit, snaps, s->n > 1 ? 2 : 1, s->n);
	ir_buf_release(&b);
	free(fix);
}

/* Too many accounts to call them all compromised: one note to the analyst. */
static void
report_shared(struct ir_findings *out, const char *ip, const struct addr *a,
	      const struct attack *at)
{
	struct ir_hit hit = {.det = &ir_det_attacker_ip,
			     .severity = IR_SEV_INFO,
			     .user = "(tenant)",
			     .key = ip};
	const struct ir_snap *snaps[LISTED];
	struct ir_buf b = IR_BUF_INIT;
	size_t shown = a->n < LISTED ? a->n : LISTED;

	ir_buf_addf(&b, "%s is shared by %s%zu accounts (", ip,
		    a->over ? "at least " : "", a->n);
	for (size_t i = 0; i < shown; i++) {
		ir_buf_addf(&b, "%s%s", i ? ", " : "", a->v[i].user);
		snaps[i] = &a->v[i].first;
	}
	if (a->n > shown)
		ir_buf_addf(&b, " and %s%zu more", a->over ? "at least " : "",
			    a->n - shown);
	ir_buf_addstr(&b, "), an address from which ");
	describe_attack(&b, at);
	ir_buf_addstr(&b, ": not flagged one by one; unless it is a proxy, "
			  "VPN or NAT address of the organisation, treat "
			  "them as compromised");
	hit.summary = b.buf;
	ir_det_hit_n(out, &hit, snaps, shown, a->n);
	ir_buf_release(&b);
}

static int
cmp_seen(const void *x, const void *y)
{
	return strcmp(((const struct seen *)x)->user,
		      ((const struct seen *)y)->user);
}

static void
ai_finish(void *state, struct ir_findings *out)
{
	struct ai *st = state;
	struct ir_strmap hot = IR_STRMAP_INIT;
	size_t n = out->n; /* ours are added behind; read only theirs */

	collect(&hot, st, out, n);
	for (size_t i = 0; i < hot.size; i++) {
		const char *ip = hot.keys[i];
		struct addr *a;

		if (!ip)
			continue;
		a = *ir_strmap_find(&st->addrs, ip);
		qsort(a->v, a->n, sizeof(*a->v), cmp_seen);
		if (a->n > SHARED_USERS) {
			report_shared(out, ip, a, hot.vals[i]);
			continue;
		}
		for (size_t j = 0; j < a->n; j++)
			if (!attacked(out, n, ip, a->v[j].user))
				report_user(out, ip, &a->v[j], hot.vals[i]);
	}
	ir_strmap_release(&hot, free);
}

static void
addr_free(void *p)
{
	struct addr *a = p;

	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].user);
		ir_snap_release(&a->v[i].first);
		ir_snap_release(&a->v[i].last);
	}
	free(a->v);
	free(a);
}

static void
ai_free(void *state)
{
	struct ai *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->addrs, addr_free);
	free(st);
}

/*
 * Sign-ins are what shows a second account; other events reach us when
 * another running detection reads them (the runner hands every detection
 * every delivered event), so the prefilter stays on.
 */
static const char *const ai_ops[] = {"UserLoggedIn", "Sign-in activity",
				     NULL};

const struct ir_detection ir_det_attacker_ip = {
	.id = "attacker-ip",
	.title = "Another account used from an address the attacker used",
	.attack = "T1078.004",
	.operations = ai_ops,
	.start = ai_start,
	.event = ai_event,
	.finish = ai_finish,
	.free = ai_free,
	.late = true,
};
