/* SPDX-License-Identifier: MIT */
/*
 * det-inbox-rule-forward.c - inbox rules that send mail outside the tenant
 * (MITRE ATT&CK T1114.003, Email Forwarding Rule).
 *
 * The first thing a business-email-compromise attacker does with a mailbox
 * is make it report to them: a rule forwarding (or redirecting, which
 * leaves no trace in Sent Items) mail to an address they read, often with
 * "and delete it". Rules come from PowerShell / Outlook on the web
 * (New-InboxRule, Set-InboxRule: ForwardTo, ForwardAsAttachmentTo,
 * RedirectTo) and from desktop Outlook (UpdateInboxRules, RuleActions JSON);
 * inboxrule.c reads both.
 *
 * Forwarding to a colleague is normal, so only recipients outside the
 * tenant's domains are reported, and those domains may be inferred from
 * every UPN in the stream: each rule's recipients are therefore kept (one
 * entry per rule) and judged in finish(). A bare alias or X.500 address
 * names a recipient object we cannot look up offline; it is reported at
 * lower severity and the summary says how to check it.
 *
 * False positives: forwarding to a personal address or a partner, set up
 * by the user on purpose. The summary names the address so that the admin
 * can tell at a glance.
 */
#include "util/compat.h"

#include "util/buf.h"
#include "detect/detect.h"
#include "detect/domains.h"
#include "detect/inboxrule.h"

enum {
	F_FORWARD = 1 << 0,
	F_ATTACH = 1 << 1,
	F_REDIRECT = 1 << 2,
};

/* What the rule does besides forwarding: " and deletes it". */
static void
also(struct ir_buf *b, const struct ir_rule *r)
{
	if (r->perm_del)
		ir_buf_addstr(b, " and permanently deletes it");
	else if (r->del)
		ir_buf_addstr(b, " and deletes it");
	else if (r->move_to && r->hide_folder)
		ir_buf_addf(b, " and moves it to \"%s\"", r->move_to);
	else if (r->mark_read)
		ir_buf_addstr(b, " and marks it as read");
}

static void
remember(struct ir_pending_item *it, const struct ir_rule *r,
	 const struct ir_event *ev)
{
	struct ir_buf b = IR_BUF_INIT;

	it->target_dropped += r->target_dropped;
	for (size_t i = 0; i < r->ntarget; i++) {
		ir_detect__pending_target(it, r->target[i],
					  strlen(r->target[i]));
		it->flags |= r->target_kind[i] == IR_FWD_ATTACH	    ? F_ATTACH
			     : r->target_kind[i] == IR_FWD_REDIRECT ? F_REDIRECT
								    : F_FORWARD;
	}
	/* The latest change describes the rule as it now stands. */
	ir_buf_addf(&b, "Inbox rule \"%s\"", r->name);
	free(it->text);
	it->text = ir_buf_detach(&b, NULL);
	/* condition, US, what else it does: split again in judge() */
	ir_detect__rule_condition(&b, r);
	ir_buf_addch(&b, '\x1f');
	also(&b, r);
	ir_detect__rule_set_by(&b, r, ev);
	free(it->detail);
	it->detail = ir_buf_detach(&b, NULL);
}

static void
event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_pending_det *st = state;
	struct ir_rule r;

	if (!ir_detect__rule_parse(&r, ev, st->names))
		return;
	if (r.ntarget)
		remember(ir_detect__pending_add(st->items, r.owner, r.key, ev),
			 &r, ev);
	ir_detect__rule_release(&r);
}

static const char *
verb(unsigned flags)
{
	if (flags == F_REDIRECT)
		return "redirects";
	return "forwards";
}

/* Append the recipients of `it` of class `want`; returns how many. */
static size_t
list_class(struct ir_buf *b, const struct ir_domains *d,
	   const struct ir_pending_item *it, enum ir_addr_class want)
{
	size_t n = 0;

	for (size_t i = 0; i < it->ntarget; i++) {
		const char *t = it->target[i];
		char addr[512];

		if (ir_domains_classify(d, t, strlen(t)) != want)
			continue;
		ir_buf_addstr(b, n++ ? ", " : "");
		if (ir_addr_normalize(addr, sizeof(addr), t, strlen(t)))
			ir_buf_addstr(b, addr);
		else
			ir_detect__safe(b, t, strlen(t), 80);
	}
	return n;
}

static void
recipients(struct ir_buf *s, const struct ir_buf *ext, size_t next,
	   const struct ir_buf *unres, size_t nunres, uint64_t dropped)
{
	if (next)
		ir_buf_addf(s, "%s (external)", ext->buf);
	if (nunres)
		ir_buf_addf(s,
			    "%s%s, which could not be resolved offline "
			    "(check with Get-Recipient)",
			    next ? " and to " : "", unres->buf);
	if (dropped)
		ir_buf_addf(s,
			    "%s%llu more recipients this report did not "
			    "examine (check the rule with Get-InboxRule)",
			    next || nunres ? " and to " : "",
			    (unsigned long long)dropped);
}

static bool
judge(struct ir_buf *s, struct ir_hit *hit, const struct ir_detect_ctx *ctx,
      const struct ir_pending_item *it)
{
	struct ir_buf ext = IR_BUF_INIT, unres = IR_BUF_INIT;
	size_t next = list_class(&ext, ctx->domains, it, IR_ADDR_EXTERNAL);
	size_t nunres =
		list_class(&unres, ctx->domains, it, IR_ADDR_UNRESOLVED);
	const char *us = strchr(it->detail, '\x1f');

	if (next || nunres || it->target_dropped) {
		ir_buf_addf(s, "%s %s %.*s%s to ", it->text, verb(it->flags),
			    (int)(us - it->detail), it->detail,
			    it->flags == F_ATTACH ? " as attachments" : "");
		recipients(s, &ext, next, &unres, nunres, it->target_dropped);
		ir_buf_addstr(s, us + 1);
		ir_detect__since(s, it->has_time, it->first);
		hit->severity = next ? IR_SEV_HIGH : IR_SEV_MEDIUM;
	}
	ir_buf_release(&ext);
	ir_buf_release(&unres);
	return next || nunres || it->target_dropped;
}

static const struct ir_pending_kind kind = {
	.det = &ir_det_inbox_rule_forward,
	.steps = "forwarding-rules",
	.rulenames = true,
	.judge = judge,
};

static void *
start(const struct ir_detect_ctx *ctx)
{
	return ir_detect__pending_det_start(ctx, &kind);
}

const struct ir_detection ir_det_inbox_rule_forward = {
	.id = "inbox-rule-forward",
	.title = "Inbox rule forwards mail outside the tenant",
	.attack = "T1114.003",
	.operations = ir_detect__rule_ops,
	.start = start,
	.event = event,
	.finish = ir_detect__pending_det_finish,
	.free = ir_detect__pending_det_free,
};
