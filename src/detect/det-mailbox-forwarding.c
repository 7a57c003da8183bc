/* SPDX-License-Identifier: MIT */
/*
 * det-mailbox-forwarding.c - mailbox-level forwarding outside the tenant
 * (MITRE ATT&CK T1114.003, Email Forwarding Rule).
 *
 * Besides inbox rules, a mailbox can forward everything through two
 * Set-Mailbox properties: ForwardingSmtpAddress (any SMTP address, often
 * written "smtp:x@y") and ForwardingAddress (a recipient object in the
 * directory: an address, or an alias / display name of a mail contact the
 * attacker created). DeliverToMailboxAndForward False means the owner no
 * longer sees the mail at all. Detections that read only inbox rules miss
 * all of this (cases/19).
 *
 * As for rules, "external" depends on the tenant's domains, which may be
 * inferred from the whole stream: addresses are kept per mailbox and judged
 * in finish(). An alias cannot be looked up offline and is reported at
 * medium severity with the Get-Recipient hint. Clearing the forwarding
 * ($null or an empty value) is not a finding; DeliverToMailboxAndForward
 * True on its own is not either.
 *
 * Whose mailbox: the Identity parameter when it is a UPN, the actor's own
 * alias or display name; otherwise the Identity as given (a GUID, another
 * person's display name), never the admin who ran the cmdlet, whose own
 * mailbox was not touched; the summary says it could not be resolved.
 *
 * False positives: a leaver's mail forwarded to a manager's personal
 * address, or a shared mailbox forwarded to a partner, on purpose.
 */
#include "util/compat.h"

#include <strings.h>

#include "util/buf.h"
#include "util/parse.h"
#include "detect/detect.h"
#include "detect/domains.h"
#include "detect/inboxrule.h"

enum {
	F_NOCOPY = 1 << 0,
};

static bool
cleared(const struct ir_str *v)
{
	size_t len = v->len;
	const char *p = v->ptr;

	while (len && (*p == ' ' || *p == '"' || *p == '\'')) {
		p++;
		len--;
	}
	while (len &&
	       (p[len - 1] == ' ' || p[len - 1] == '"' || p[len - 1] == '\''))
		len--;
	return !len || ir_strn_eq_ci(p, len, "$null") ||
	       ir_strn_eq_ci(p, len, "null");
}

static void
note(struct ir_pending_item *it, const struct ir_event *ev, const char *id,
     size_t idlen, bool guess)
{
	struct ir_buf b = IR_BUF_INIT;

	if (guess) {
		ir_buf_addstr(&b, " (the mailbox was given as \"");
		ir_detect__safe(&b, id, idlen, 60);
		ir_buf_addf(&b,
			    "\", not a UPN, and could not be resolved "
			    "offline: check it with Get-Recipient; set by %s)",
			    ev->user ? ev->user : "an unknown actor");
	} else if (ev->user && strcmp(ev->user, it->user)) {
		ir_buf_addf(&b, " (set by %s)", ev->user);
	}
	free(it->detail);
	it->detail = ir_buf_detach(&b, NULL);
}

static void
forwarding(struct ir_pending_det *st, const struct ir_event *ev,
	   const char *param, const char *owner, bool nocopy, bool guess)
{
	const struct ir_str *v = ir_event_param_str(ev, param);
	const struct ir_str *id = ir_event_param_str(ev, "Identity");
	struct ir_pending_item *it;
	char *key;

	if (!v || cleared(v))
		return;
	key = ir_detect__addr_key(v->ptr, v->len);
	it = ir_detect__pending_add(st->items, owner, key, ev);
	ir_detect__pending_target(it, v->ptr, v->len);
	if (nocopy)
		it->flags |= F_NOCOPY;
	note(it, ev, id ? id->ptr : "", id ? id->len : 0, guess);
	free(key);
}

static void
event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_pending_det *st = state;
	const struct ir_str *id, *keep;
	bool guess, nocopy;
	char *owner;

	if (!ev->operation || strcasecmp(ev->operation, "Set-Mailbox") ||
	    ir_detect__failed(ev))
		return;
	if (!ir_event_param(ev, "ForwardingSmtpAddress") &&
	    !ir_event_param(ev, "ForwardingAddress"))
		return;
	id = ir_event_param_str(ev, "Identity");
	keep = ir_event_param_str(ev, "DeliverToMailboxAndForward");
	nocopy = keep &&
		 (ir_str_eq_ci(*keep, "false") ||
		  ir_str_eq_ci(*keep, "$false") || ir_str_eq_ci(*keep, "0"));
	owner = ir_detect__owner(ev, id ? id->ptr : "", id ? id->len : 0,
				 &guess);
	forwarding(st, ev, "ForwardingSmtpAddress", owner, nocopy, guess);
	forwarding(st, ev, "ForwardingAddress", owner, nocopy, guess);
	free(owner);
}

static bool
judge(struct ir_buf *s, struct ir_hit *hit, const struct ir_detect_ctx *ctx,
      const struct ir_pending_item *it)
{
	const char *t = it->target[0];
	enum ir_addr_class c = ir_domains_classify(ctx->domains, t, strlen(t));

	if (c == IR_ADDR_INTERNAL)
		return false;
	ir_buf_addf(s, "Mailbox %s forwards all mail to ", it->user);
	if (c == IR_ADDR_EXTERNAL)
		ir_buf_addf(s, "%s (external)", it->key);
	else
		ir_buf_addf(s,
			    "\"%s\", a recipient that could not be "
			    "resolved offline (check with Get-Recipient)",
			    it->key);
	if (it->flags & F_NOCOPY)
		ir_buf_addstr(s, " and keeps no copy");
	ir_detect__since(s, it->has_time, it->first);
	ir_buf_addstr(s, it->detail ? it->detail : "");
	hit->severity = c == IR_ADDR_EXTERNAL ? IR_SEV_HIGH : IR_SEV_MEDIUM;
	return true;
}

static const struct ir_pending_kind kind = {
	.det = &ir_det_mailbox_forwarding,
	.steps = "mailbox-forwarding",
	.judge = judge,
};

static void *
start(const struct ir_detect_ctx *ctx)
{
	return ir_detect__pending_det_start(ctx, &kind);
}

static const char *const operations[] = {
	"Set-Mailbox",
	NULL,
};

const struct ir_detection ir_det_mailbox_forwarding = {
	.id = "mailbox-forwarding",
	.title = "Mailbox forwards all mail outside the tenant",
	.attack = "T1114.003",
	.operations = operations,
	.start = start,
	.event = event,
	.finish = ir_detect__pending_det_finish,
	.free = ir_detect__pending_det_free,
};
