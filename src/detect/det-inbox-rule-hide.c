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
 * Reported at once (nothing here depends on the tenant's domains), one
 * finding per rule. A rule name used twice by New-InboxRule is two rules,
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

struct state {
	struct ir_rulenames *names;
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

static void
actions(struct ir_buf *b, const struct ir_rule *r, const char *cond)
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
		action(b, "permanently deletes", "", cond, &n, total);
	else if (r->del)
		action(b, "deletes", "", cond, &n, total);
	if (r->move_to)
		action(b, "moves", to.buf, cond, &n, total);
	if (r->mark_read)
		action(b, "marks", " as read", cond, &n, total);
	if (r->stop && n) {
		ir_buf_addstr(b, " and stops processing other rules");
		n++;
	}
	if (!n)
		ir_buf_addf(b, "was %s", r->created ? "created" : "changed");
	ir_buf_release(&to);
}

static void
describe(struct ir_buf *b, const struct ir_rule *r, const struct ir_event *ev)
{
	struct ir_buf cond = IR_BUF_INIT;
	char when[IR_TIME_MAX];

	ir_detect__rule_condition(&cond, r);
	ir_buf_addf(b, "Inbox rule \"%s\" ", r->name);
	if (r->odd_name)
		ir_buf_addf(b, "(its name %s) ", r->odd_why);
	actions(b, r, cond.buf);
	if (ev->has_time) {
		ir_time_format(when, ev->time);
		ir_buf_addf(b, ", since %s", when);
	}
	if (r->owner_guess)
		ir_buf_addf(b,
			    " (the mailbox was not named by UPN; shown "
			    "under %s, who made the change)",
			    ev->user ? ev->user : "the actor");
	else if (r->by_other && ev->user)
		ir_buf_addf(b, " (set by %s)", ev->user);
	ir_buf_release(&cond);
}

static void
event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct state *st = state;
	struct ir_buf s = IR_BUF_INIT;
	struct ir_rule r;
	struct ir_hit hit = {.det = &ir_det_inbox_rule_hide, .ev = ev};
	int sev;

	if (!ir_detect__rule_parse(&r, ev, st->names))
		return;
	if ((sev = severity(&r)) >= 0) {
		describe(&s, &r, ev);
		hit.severity = (enum ir_severity)sev;
		hit.user = r.owner;
		hit.key = r.key;
		hit.summary = s.buf;
		/*
		 * No step removes a hiding rule by itself: the breached-account
		 * playbook (password, sessions, forwarding) is the response,
		 * and the doc page says how to remove the rule.
		 */
		hit.remediation = ir_detect_remediation(r.owner, NULL);
		ir_findings_hit(out, &hit);
		free((char *)hit.remediation);
	}
	ir_buf_release(&s);
	ir_detect__rule_release(&r);
}

static void
release(void *state)
{
	struct state *st = state;

	ir_detect__rulenames_free(st->names);
	free(st);
}

static const char *const operations[] = {
	"New-InboxRule",
	"Set-InboxRule",
	"UpdateInboxRules",
	NULL,
};

const struct ir_detection ir_det_inbox_rule_hide = {
	.id = "inbox-rule-hide",
	.title = "Inbox rule hides mail from its owner",
	.attack = "T1564.008",
	.operations = operations,
	.start = start,
	.event = event,
	.free = release,
};
