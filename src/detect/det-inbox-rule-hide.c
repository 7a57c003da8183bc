/* SPDX-License-Identifier: MIT */
/*
 * det-inbox-rule-hide.c - inbox rules that hide mail from the mailbox
 * owner (MITRE ATT&CK T1564.008, Hide Artifacts: Email Hiding Rules).
 *
 * While an attacker works a payment thread from a compromised mailbox, the
 * replies, the bank's questions and the colleague's "did you really send
 * this?" must not reach the owner. So they add a rule that deletes such
 * mail, moves it where nobody looks (RSS Feeds, Conversation History,
 * Archive, Junk, Deleted Items, and their localized names) or marks it
 * read, usually filtered on words like "invoice", "payment" or "hacked",
 * and often named ".", " " or a single letter so it does not stand out in
 * the rule list.
 *
 * Severity comes from the combination: a hiding action with a BEC keyword,
 * a meaningless name or applied to all mail is high; a hiding action alone
 * is medium; marking read alone is low; a meaningless name with no hiding
 * action is still medium, because legitimate rules have names.
 *
 * Hits are held until finish() and grouped per mailbox by what the rule
 * does, its name aside (ir_detect__rule_signature). One rule alone is one
 * finding keyed by its name, as it always was. Several rules doing the
 * same thing are one attack told once: the Huntress "Rogue Inbox" attacker
 * made 38 rules named by one character each, spelling a flag in the order
 * they were made, all moving the same sender's mail away. So a group is
 * one finding keyed by the signature, saying how many rules, over what
 * time, from which addresses, their names in time order (run together
 * when each is one character: that is the message, or plain churn) and
 * what each does. Exports are not in time order, so a group keeps its
 * rules and evidence sorted by event time.
 *
 * Memory is per mailbox per signature: the earliest MAX_RULES rules (a
 * rule re-edited after that many is counted again), the earliest evidence
 * plus the latest, MAX_IPS addresses; the names shown are cut at
 * MAX_NAMES bytes. A rule name used twice by New-InboxRule is two rules,
 * kept apart by the key (inboxrule.c).
 *
 * False positives: users who file newsletters to Archive or delete
 * notifications, which is why "moves to Archive" alone is medium, not high.
 */
#include "util/compat.h"

#include "util/buf.h"
#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/inboxrule.h"

#define MAX_RULES 256
#define MAX_HELD IR_FINDING_MAX_EVIDENCE
#define MAX_IPS 16
#define MAX_NAMES 256
#define LISTED 5
#define MAX_BEHAVIOURS 8

/* The key of a group of rules with meaningless names, whatever they do. */
#define BY_NAME_KEY "(rules with one-character or meaningless names)"

enum {
	A_PERM_DEL = 1 << 0,
	A_DEL = 1 << 1,
	A_MOVE = 1 << 2,
	A_READ = 1 << 3,
	A_STOP = 1 << 4,
};

/* What some rules of a group by name do, and how many do it. */
struct behaviour {
	char *cond;    /* "mail from \"x\"" */
	char *move_to; /* safe, or NULL */
	unsigned acts;
	uint64_t n;
	size_t first; /* order first seen */
};

/* One event of a group, copied: the evidence. */
struct held {
	struct ir_evcopy e;
	uint64_t seq;
};

/* One rule of a group, by the hash of its key. */
struct member {
	uint64_t key;
	char *name; /* safe */
	bool has_name, one_char;
	uint64_t seq;
	struct ir_time time; /* its earliest hit */
	bool has_time;
};

struct address {
	char *ip;
	uint64_t seq;
	struct ir_time time;
	bool has_time;
};

struct group {
	char *user, *sig;
	char *key, *summary; /* the first rule's, for a group of one */
	int severity;	     /* the first most severe hit's */
	char *what;	     /* "moving mail ...", from the first hit */
	char *by;	     /* " (set by ...)" or "" */
	struct member *m;    /* in time order, grown up to MAX_RULES + 1 */
	size_t nm, malloc;
	uint64_t nrules, nhits;
	struct held *h; /* in time order, grown up to MAX_HELD + 1 */
	size_t nh, halloc;
	struct address ip[MAX_IPS];
	size_t nip;
	bool more_ips, all_one, all_created, any_created;
	bool by_name; /* grouped by meaningless names: behaviours vary */
	struct behaviour b[MAX_BEHAVIOURS];
	size_t nb;
	uint64_t other; /* rules whose behaviour did not fit in b */
};

struct state {
	struct ir_rulenames *names;
	struct group **g;
	size_t n, alloc;
	struct ir_keymap index; /* (user, sig) to position + 1 */
	uint64_t seq;
};

static void *
start(const struct ir_detect_ctx *ctx)
{
	struct state *st = xcalloc(1, sizeof(*st));

	st->names = ir_detect__rulenames_new();
	return st;
}

/* The severity of `r`, or -1 when it hides nothing. */
static int
severity(const struct ir_rule *r)
{
	bool hides = r->del || r->perm_del || r->hide_folder;
	int sev = -1;

	if (hides)
		sev = r->keyword || r->odd_name || r->all_mail || r->perm_del
			      ? IR_SEV_HIGH
			      : IR_SEV_MEDIUM;
	else if (r->mark_read)
		sev = r->odd_name  ? IR_SEV_HIGH
		      : r->keyword ? IR_SEV_MEDIUM
				   : IR_SEV_LOW;
	else if (r->move_to && r->keyword)
		sev = IR_SEV_MEDIUM;
	if (r->odd_name && sev < IR_SEV_MEDIUM)
		sev = IR_SEV_MEDIUM;
	return sev;
}

/* ---- words ---- */

/* One rule "moves ... and stops", or each of a group "moving ... stopping" */
struct words {
	const char *perm_del, *del, *move, *mark, *read, *stop;
};

static const struct words one_rule = {
	.perm_del = "permanently deletes",
	.del = "deletes",
	.move = "moves",
	.mark = "marks",
	.read = " as read",
	.stop = " and stops processing other rules",
};

static const struct words each_rule = {
	.perm_del = "permanently deleting",
	.del = "deleting",
	.move = "moving",
	.mark = "marking",
	.read = " read",
	.stop = " and stopping other rules",
};

/*
 * One action, "<verb> <object><rest>": the first action's object is the
 * mail the rule matches, the others say "it".
 */
static void
action(struct ir_buf *b, const char *verb, const char *rest, const char *cond,
       size_t *n, size_t total)
{
	if (*n)
		ir_buf_addstr(b, *n + 1 == total ? " and " : ", ");
	ir_buf_addf(b, "%s %s%s", verb, *n ? "it" : cond, rest);
	(*n)++;
}

/* The actions of `r` in `w`'s words; returns how many were written. */
static size_t
actions(struct ir_buf *b, const struct ir_rule *r, const char *cond,
	const struct words *w)
{
	size_t total =
		!!(r->del || r->perm_del) + !!r->move_to + !!r->mark_read;
	size_t n = 0;
	struct ir_buf to = IR_BUF_INIT;

	if (r->stop && total)
		total++;
	if (r->move_to)
		ir_buf_addf(&to, " to \"%s\"", r->move_to);
	if (r->perm_del)
		action(b, w->perm_del, "", cond, &n, total);
	else if (r->del)
		action(b, w->del, "", cond, &n, total);
	if (r->move_to)
		action(b, w->move, to.buf, cond, &n, total);
	if (r->mark_read)
		action(b, w->mark, w->read, cond, &n, total);
	if (r->stop && n) {
		ir_buf_addstr(b, w->stop);
		n++;
	}
	ir_buf_release(&to);
	return n;
}

static void
describe(struct ir_buf *b, const struct ir_rule *r, const struct ir_event *ev)
{
	struct ir_buf cond = IR_BUF_INIT;

	ir_detect__rule_condition(&cond, r);
	ir_buf_addf(b, "Inbox rule \"%s\" ", r->name);
	if (r->odd_name)
		ir_buf_addf(b, "(its name %s) ", r->odd_why);
	if (!actions(b, r, cond.buf, &one_rule))
		ir_buf_addf(b, "was %s", r->created ? "created" : "changed");
	ir_detect__since(b, ev->has_time, ev->time);
	ir_detect__rule_set_by(b, r, ev);
	ir_buf_release(&cond);
}

/* "moving mail from x to y and stopping other rules", for a group. */
static char *
describe_each(const struct ir_rule *r)
{
	struct ir_buf b = IR_BUF_INIT;
	struct ir_buf cond = IR_BUF_INIT;

	ir_detect__rule_condition(&cond, r);
	if (!actions(&b, r, cond.buf, &each_rule))
		ir_buf_addf(&b, "matching %s", cond.buf);
	ir_buf_release(&cond);
	return ir_buf_detach(&b, NULL);
}

/* ---- groups ---- */

static uint64_t
hash(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

/* Event-time order; events without a time last; then arrival order. */
static int
when_cmp(bool ha, struct ir_time a, uint64_t sa, bool hb, struct ir_time b,
	 uint64_t sb)
{
	int c;

	if (ha != hb)
		return ha ? -1 : 1;
	if (ha && (c = ir_time_cmp(a, b)))
		return c;
	return sa < sb ? -1 : sa > sb;
}

static struct group *
group_new(const struct ir_rule *r, const struct ir_event *ev, char *sig,
	  bool by_name)
{
	struct group *g = xcalloc(1, sizeof(*g));
	struct ir_buf by = IR_BUF_INIT;

	g->user = xstrdup(r->owner && *r->owner ? r->owner : "(unknown)");
	g->sig = sig;
	g->key = xstrdup(r->key);
	g->severity = -1;
	g->what = describe_each(r);
	ir_detect__rule_set_by(&by, r, ev);
	g->by = ir_buf_detach(&by, NULL);
	g->all_one = g->all_created = true;
	g->by_name = by_name;
	return g;
}

/* The group of `r`, made when new; takes `sig`. */
static struct group *
group_of(struct state *st, const struct ir_rule *r, const struct ir_event *ev,
	 char *sig, bool by_name)
{
	const char *user = r->owner && *r->owner ? r->owner : "(unknown)";
	size_t *slot = ir_detect__keymap_at(&st->index, user, sig);

	if (*slot) {
		free(sig);
		return st->g[*slot - 1];
	}
	IR_ALLOC_GROW(st->g, st->n + 1, st->alloc);
	st->g[st->n++] = group_new(r, ev, sig, by_name);
	*slot = st->n;
	return st->g[st->n - 1];
}

/*
 * Keep the earliest MAX_HELD-1 events and the latest, in time order, so
 * first_seen and last_seen stay right however many there are.
 */
static void
hold(struct group *g, const struct ir_event *ev, uint64_t seq)
{
	struct held h = {0};
	size_t i = g->nh;

	ir_detect__evcopy_set(&h.e, ev);
	h.seq = seq;
	IR_ALLOC_GROW(g->h, g->nh + 1, g->halloc);
	for (; i > 0 && when_cmp(h.e.has_time, h.e.time, h.seq,
				 g->h[i - 1].e.has_time, g->h[i - 1].e.time,
				 g->h[i - 1].seq) < 0;
	     i--)
		g->h[i] = g->h[i - 1];
	g->h[i] = h;
	if (++g->nh <= MAX_HELD)
		return;
	ir_detect__evcopy_release(&g->h[MAX_HELD - 1].e);
	g->h[MAX_HELD - 1] = g->h[MAX_HELD];
	g->nh = MAX_HELD;
}

/* Insert `m` in time order, keeping the earliest MAX_RULES. */
static void
member_insert(struct group *g, struct member m)
{
	size_t i = g->nm;

	IR_ALLOC_GROW(g->m, g->nm + 1, g->malloc);
	for (;
	     i > 0 && when_cmp(m.has_time, m.time, m.seq, g->m[i - 1].has_time,
			       g->m[i - 1].time, g->m[i - 1].seq) < 0;
	     i--)
		g->m[i] = g->m[i - 1];
	g->m[i] = m;
	if (++g->nm > MAX_RULES)
		free(g->m[--g->nm].name);
}

/*
 * Note the rule `r` in `g`: a new member, or an earlier time for one.
 * Returns true when the rule is new to the group.
 */
static bool
member_note(struct group *g, const struct ir_rule *r, const struct ir_event *ev,
	    uint64_t seq)
{
	struct member m = {.key = hash(0xcbf29ce484222325ULL, r->key),
			   .has_name = r->has_name,
			   .one_char = r->has_name && r->one_char,
			   .seq = seq,
			   .time = ev->time,
			   .has_time = ev->has_time};

	for (size_t i = 0; i < g->nm; i++) {
		if (g->m[i].key != m.key)
			continue;
		if (when_cmp(m.has_time, m.time, m.seq, g->m[i].has_time,
			     g->m[i].time, g->m[i].seq) >= 0)
			return false;
		m.name = g->m[i].name;
		memmove(&g->m[i], &g->m[i + 1],
			(g->nm - i - 1) * sizeof(*g->m));
		g->nm--;
		member_insert(g, m);
		return false;
	}
	g->nrules++;
	m.name = xstrdup(r->name);
	member_insert(g, m);
	return true;
}

static unsigned
acts_of(const struct ir_rule *r)
{
	return (r->perm_del ? A_PERM_DEL : r->del ? A_DEL : 0) |
	       (r->move_to ? A_MOVE : 0) | (r->mark_read ? A_READ : 0) |
	       (r->stop ? A_STOP : 0);
}

static bool
same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Count the new rule `r` under its behaviour (its actions, folder and
 * conditions as described); MAX_BEHAVIOURS kinds, the rest as "other".
 */
static void
behaviour_note(struct group *g, const struct ir_rule *r)
{
	struct ir_buf cond = IR_BUF_INIT;
	struct behaviour *b = NULL;
	unsigned acts = acts_of(r);

	ir_detect__rule_condition(&cond, r);
	for (size_t i = 0; i < g->nb && !b; i++)
		if (g->b[i].acts == acts &&
		    same_str(g->b[i].move_to, r->move_to) &&
		    !strcmp(g->b[i].cond, cond.buf))
			b = &g->b[i];
	if (!b && g->nb == MAX_BEHAVIOURS) {
		g->other++;
	} else if (!b) {
		b = &g->b[g->nb];
		b->cond = ir_buf_detach(&cond, NULL);
		b->move_to = r->move_to ? xstrdup(r->move_to) : NULL;
		b->acts = acts;
		b->first = g->nb++;
	}
	if (b)
		b->n++;
	ir_buf_release(&cond);
}

/* Note the source address of `ev`, keeping each one's earliest time. */
static void
address_note(struct group *g, const struct ir_event *ev, uint64_t seq)
{
	struct address *a = NULL;

	if (!ev->client_ip || !*ev->client_ip)
		return;
	for (size_t i = 0; i < g->nip && !a; i++)
		if (!strcmp(g->ip[i].ip, ev->client_ip))
			a = &g->ip[i];
	if (!a && g->nip == MAX_IPS) {
		g->more_ips = true;
		return;
	}
	if (!a) {
		a = &g->ip[g->nip++];
		a->ip = xstrdup(ev->client_ip);
	} else if (when_cmp(ev->has_time, ev->time, seq, a->has_time, a->time,
			    a->seq) >= 0) {
		return;
	}
	a->seq = seq;
	a->time = ev->time;
	a->has_time = ev->has_time;
}

static void
group_add(struct group *g, const struct ir_rule *r, const struct ir_event *ev,
	  int sev, uint64_t seq)
{
	struct ir_buf s = IR_BUF_INIT;

	if (sev > g->severity) {
		describe(&s, r, ev);
		free(g->summary);
		g->summary = ir_buf_detach(&s, NULL);
		g->severity = sev;
	}
	g->nhits++;
	g->all_one &= r->has_name && r->one_char;
	g->all_created &= r->created;
	g->any_created |= r->created;
	hold(g, ev, seq);
	if (member_note(g, r, ev, seq) && g->by_name)
		behaviour_note(g, r);
	address_note(g, ev, seq);
}

static void
event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct state *st = state;
	struct ir_buf sig = IR_BUF_INIT;
	struct ir_rule r;
	bool by_name;
	int sev;

	if (!ir_detect__rule_parse(&r, ev, st->names))
		return;
	/*
	 * Meaningless names are the pattern: they group whatever each rule
	 * does, so a message spelled by the names is never split.
	 */
	by_name = r.has_name && r.odd_name;
	if ((sev = severity(&r)) >= 0) {
		if (by_name)
			ir_buf_addstr(&sig, BY_NAME_KEY);
		else
			ir_detect__rule_signature(&sig, &r, ev);
		group_add(group_of(st, &r, ev, ir_buf_detach(&sig, NULL),
				   by_name),
			  &r, ev, sev, st->seq++);
	}
	ir_buf_release(&sig);
	ir_detect__rule_release(&r);
}

/* ---- reporting ---- */

/* "in 12 minutes": how long the group's events span. */
static void
span(struct ir_buf *b, const struct group *g)
{
	int64_t d;

	if (!g->nh || !g->h[0].e.has_time || !g->h[g->nh - 1].e.has_time)
		return;
	d = g->h[g->nh - 1].e.time.sec - g->h[0].e.time.sec;
	if (d < 1)
		ir_buf_addstr(b, " within one second");
	else if (d < 120)
		ir_buf_addf(b, " in %lld seconds", (long long)d);
	else if (d < 2 * 3600)
		ir_buf_addf(b, " in %lld minutes", (long long)(d + 30) / 60);
	else if (d < 2 * 86400)
		ir_buf_addf(b, " in %lld hours", (long long)(d + 1800) / 3600);
	else
		ir_buf_addf(b, " in %lld days", (long long)(d + 43200) / 86400);
}

/* "from a, b and c" in the order each was first seen. */
static void
addresses(struct ir_buf *b, struct group *g)
{
	for (size_t i = 1; i < g->nip; i++)
		for (size_t j = i;
		     j > 0 && when_cmp(g->ip[j].has_time, g->ip[j].time,
				       g->ip[j].seq, g->ip[j - 1].has_time,
				       g->ip[j - 1].time, g->ip[j - 1].seq) < 0;
		     j--) {
			struct address t = g->ip[j];

			g->ip[j] = g->ip[j - 1];
			g->ip[j - 1] = t;
		}
	for (size_t i = 0; i < g->nip; i++) {
		const char *sep = !i				    ? " from "
				  : i + 1 == g->nip && !g->more_ips ? " and "
								    : ", ";

		ir_buf_addf(b, "%s%s", sep, g->ip[i].ip);
	}
	if (g->more_ips)
		ir_buf_addstr(b, " and other addresses");
}

/* Every name is one character: run them together, as they were typed. */
static void
names_joined(struct ir_buf *b, const struct group *g)
{
	size_t start = b->len;
	size_t i = 0;

	ir_buf_addch(b, '"');
	for (; i < g->nm; i++) {
		if (b->len - start + strlen(g->m[i].name) > MAX_NAMES)
			break;
		ir_buf_addstr(b, g->m[i].name);
	}
	if (i < g->nm || g->nrules > g->nm)
		ir_buf_addstr(b, "\xe2\x80\xa6");
	ir_buf_addch(b, '"');
}

/* The first few names, then "and N more". */
static void
names_listed(struct ir_buf *b, const struct group *g)
{
	size_t start = b->len;
	size_t i = 0;

	for (; i < g->nm && i < LISTED; i++) {
		if (i && b->len - start + strlen(g->m[i].name) > MAX_NAMES)
			break;
		if (i)
			ir_buf_addstr(b, i + 1 == g->nrules ? " and " : ", ");
		ir_buf_addf(b, g->m[i].has_name ? "\"%s\"" : "%s",
			    g->m[i].name);
	}
	if (i < g->nrules)
		ir_buf_addf(b, " and %llu more",
			    (unsigned long long)(g->nrules - i));
}

/*
 * The actions `acts` in the present tense, singular or plural, the first
 * acting on `obj`: "move mail from x to \"F\" and mark it read".
 */
static void
acts_text(struct ir_buf *b, unsigned acts, const char *move_to,
	  const char *obj, bool plural)
{
	const char *s = plural ? "" : "s";
	size_t total = 0, n = 0;

	for (unsigned bit = 1; bit <= A_STOP; bit <<= 1)
		total += !!(acts & bit);
	for (unsigned bit = 1; bit <= A_STOP; bit <<= 1) {
		if (!(acts & bit))
			continue;
		if (n)
			ir_buf_addstr(b, n + 1 == total ? " and " : ", ");
		obj = n ? "it" : obj;
		if (bit == A_PERM_DEL)
			ir_buf_addf(b, "permanently delete%s %s", s, obj);
		else if (bit == A_DEL)
			ir_buf_addf(b, "delete%s %s", s, obj);
		else if (bit == A_MOVE)
			ir_buf_addf(b, "move%s %s to \"%s\"", s, obj, move_to);
		else if (bit == A_READ)
			ir_buf_addf(b, "mark%s %s read", s, obj);
		else
			ir_buf_addf(b, "stop%s other rules", s);
		n++;
	}
	if (!n)
		ir_buf_addf(b, "appl%s to %s", plural ? "y" : "ies", obj);
}

static int
behaviour_cmp(const void *a, const void *b)
{
	const struct behaviour *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * ": 37 move mail from x to \"A\", 1 moves it to \"B\"; all mark it
 * read", most common first; what every rule does is said once, at the end.
 */
static void
behaviours(struct ir_buf *b, struct group *g)
{
	unsigned common = A_READ | A_STOP;

	qsort(g->b, g->nb, sizeof(*g->b), behaviour_cmp);
	for (size_t i = 0; i < g->nb; i++)
		common &= g->b[i].acts;
	if (g->nb < 2 || g->other)
		common = 0;
	for (size_t i = 0; i < g->nb; i++) {
		const struct behaviour *x = &g->b[i];
		bool same = i && !strcmp(x->cond, g->b[i - 1].cond);

		ir_buf_addf(b, "%s%llu ", i ? ", " : ": ",
			    (unsigned long long)x->n);
		acts_text(b, x->acts & ~common, x->move_to,
			  same ? "it" : x->cond, x->n > 1);
	}
	if (g->other)
		ir_buf_addf(b, ", %llu do other things",
			    (unsigned long long)g->other);
	if (common) {
		ir_buf_addstr(b, "; all ");
		acts_text(b, common, NULL, "it", true);
	}
}

static char *
group_summary(struct group *g)
{
	struct ir_buf b = IR_BUF_INIT;
	const char *verb = g->all_created   ? "created"
			   : g->any_created ? "created or changed"
					    : "changed";

	ir_buf_addf(&b, "%llu inbox rules%s were %s",
		    (unsigned long long)g->nrules,
		    g->all_one	   ? " with one-character names"
		    : g->by_name ? " with meaningless names"
				 : "",
		    verb);
	span(&b, g);
	addresses(&b, g);
	ir_buf_addf(&b, " (names in %s order: ",
		    g->all_created ? "creation" : "time");
	if (g->all_one)
		names_joined(&b, g);
	else
		names_listed(&b, g);
	ir_buf_addch(&b, ')');
	if (g->by_name)
		behaviours(&b, g);
	else
		ir_buf_addf(&b, ", each %s", g->what);
	ir_buf_addstr(&b, g->by);
	return ir_buf_detach(&b, NULL);
}

static int
arrival_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct held *)a)->seq;
	uint64_t y = ((const struct held *)b)->seq;

	return x < y ? -1 : x > y;
}

/* A group of one in arrival order, as each hit would have been reported. */
static void
report_one(struct ir_findings *out, struct ir_hit *hit, struct group *g)
{
	if (g->nh)
		qsort(g->h, g->nh, sizeof(*g->h), arrival_cmp);
	for (size_t i = 0; i < g->nh; i++)
		ir_detect__evcopy_hit(out, hit, &g->h[i].e, g->user);
}

static void
report(struct ir_findings *out, struct group *g)
{
	struct ir_hit hit = {.det = &ir_det_inbox_rule_hide,
			     .severity = (enum ir_severity)g->severity,
			     .user = g->user};
	char *summary = NULL;

	/*
	 * No step removes a hiding rule by itself: the breached-account
	 * playbook (password, sessions, forwarding) is the response, and the
	 * doc page says how to remove the rule.
	 */
	hit.remediation = ir_detect_remediation(g->user, NULL);
	if (g->nrules == 1) {
		hit.key = g->key;
		hit.summary = g->summary;
		report_one(out, &hit, g);
	} else {
		hit.key = g->sig;
		hit.summary = summary = group_summary(g);
		for (size_t i = 0; i < g->nh; i++)
			ir_detect__evcopy_hit(out, &hit, &g->h[i].e,
					      g->user);
	}
	for (uint64_t i = g->nh; i < g->nhits; i++)
		ir_findings_hit(out, &hit);
	free(summary);
	free((char *)hit.remediation);
}

static void
finish(void *state, struct ir_findings *out)
{
	struct state *st = state;

	for (size_t i = 0; i < st->n; i++)
		report(out, st->g[i]);
}

static void
group_free(struct group *g)
{
	for (size_t i = 0; i < g->nh; i++)
		ir_detect__evcopy_release(&g->h[i].e);
	for (size_t i = 0; i < g->nm; i++)
		free(g->m[i].name);
	for (size_t i = 0; i < g->nip; i++)
		free(g->ip[i].ip);
	for (size_t i = 0; i < g->nb; i++) {
		free(g->b[i].cond);
		free(g->b[i].move_to);
	}
	free(g->h);
	free(g->m);
	free(g->user);
	free(g->sig);
	free(g->key);
	free(g->summary);
	free(g->what);
	free(g->by);
	free(g);
}

static void
release(void *state)
{
	struct state *st = state;

	for (size_t i = 0; i < st->n; i++)
		group_free(st->g[i]);
	free(st->g);
	ir_detect__keymap_release(&st->index);
	ir_detect__rulenames_free(st->names);
	free(st);
}

const struct ir_detection ir_det_inbox_rule_hide = {
	.id = "inbox-rule-hide",
	.title = "Inbox rule hides mail from its owner",
	.attack = "T1564.008",
	.operations = ir_detect__rule_ops,
	.start = start,
	.event = event,
	.finish = finish,
	.free = release,
};
