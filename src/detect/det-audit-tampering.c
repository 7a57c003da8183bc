/* SPDX-License-Identifier: MIT */
/*
 * det-audit-tampering.c - audit logging switched off or cut short
 * (ATT&CK T1562.008, disable cloud logs).
 *
 * An attacker with admin rights blinds the responders before acting; the
 * blueteam0ps T1562 samples show each move. Signals (Exchange admin audit,
 * RecordType ExchangeAdmin):
 *  - Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled False:
 *    the tenant's unified audit log stops (critical);
 *  - Set-OrganizationConfig -AuditDisabled True: mailbox auditing off for
 *    the whole organisation (critical);
 *  - Set-MailboxAuditBypassAssociation or Set-Mailbox with
 *    -AuditBypassEnabled True: nothing that account does in any mailbox is
 *    logged (high);
 *  - Set-Mailbox -AuditEnabled False (high);
 *  - Set-Mailbox -AuditLogAgeLimit under 90 days (the default): records
 *    age out before anyone looks; zero is high, the rest medium. The value
 *    is a .NET TimeSpan, "d.hh:mm:ss" ("00:00:00", "1.00:00:00") or a bare
 *    number of days.
 * Tenant-wide changes are reported under the admin who made them, with no
 * remediation command (no per-user step restores them) and "run m365ir
 * audit enable" in the summary; per-mailbox changes under the mailbox, with
 * the mailbox-audit step.
 *
 * NEEDSWORK: the removal of the M365_ADVANCED_AUDITING service plan from a
 * user's licence ("Update user.", deep inside additionalDetails) is not
 * read yet.
 */
#include "util/compat.h"

#include "util/parse.h"
#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

#define AUDIT_DEFAULT_AGE (90 * 86400)

static void *
audit_start(const struct ir_detect_ctx *ctx)
{
	return NULL;
}

static const char *
actor(const struct ir_event *ev)
{
	return ev->user && *ev->user ? ev->user : "an unknown account";
}

/* Report a tenant-wide change under the admin who made it. */
static void
tenant_hit(struct ir_findings *out, const struct ir_event *ev,
	   enum ir_severity sev, const char *key, const char *what)
{
	struct ir_buf sum = IR_BUF_INIT;
	struct ir_hit hit = {.det = &ir_det_audit_tampering,
			     .severity = sev,
			     .user = ev->user,
			     .key = key,
			     .ev = ev};

	ir_buf_addf(&sum,
		    "%s by %s: activity after this is not being "
		    "recorded; run m365ir audit enable",
		    what, actor(ev));
	hit.summary = sum.buf;
	ir_findings_hit(out, &hit);
	ir_buf_release(&sum);
}

/* Report a change to one mailbox's auditing under that mailbox. */
static void
mailbox_hit(struct ir_findings *out, const struct ir_event *ev,
	    enum ir_severity sev, const char *key, const char *what)
{
	struct ir_buf sum = IR_BUF_INIT;
	char user[320], *fix;
	struct ir_hit hit = {.det = &ir_det_audit_tampering,
			     .severity = sev,
			     .key = key,
			     .ev = ev};

	ir_det_target(user, sizeof(user), ev, "Identity");
	ir_buf_addf(&sum, "%s for %s by %s", what, user, actor(ev));
	fix = ir_detect_remediation(user, "mailbox-audit");
	hit.user = user;
	hit.summary = sum.buf;
	hit.remediation = fix;
	ir_findings_hit(out, &hit);
	ir_buf_release(&sum);
	free(fix);
}

/* A day count as TimeSpan writes it: 0 to 99999. */
static bool
parse_days(int64_t *out, const char *p, const char *end)
{
	return ir_parse_int64(out, p, (size_t)(end - p), NULL) == 0 &&
	       *out >= 0 && *out < 100000;
}

/* Parse a .NET TimeSpan ("d.hh:mm:ss[.fffffff]" or days) into seconds. */
static bool
parse_timespan(int64_t *out, struct ir_str v)
{
	int64_t part[3] = {0, 0, 0}, days = 0;
	const char *p = v.ptr, *end = v.ptr + v.len, *dot, *colon;
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '"'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '"'))
		end--;
	if (!(colon = memchr(p, ':', (size_t)(end - p)))) {
		if (!parse_days(&days, p, end))
			return false;
		*out = days * 86400;
		return true;
	}
	if ((dot = memchr(p, '.', (size_t)(colon - p)))) {
		if (!parse_days(&days, p, dot))
			return false;
		p = dot + 1;
	}
	while (p < end && n < 3) {
		const char *q = p;

		while (q < end && *q != ':' && *q != '.')
			q++;
		if (ir_parse_int64(&part[n], p, (size_t)(q - p), NULL) < 0 ||
		    part[n] < 0 || part[n] > 59)
			return false;
		n++;
		if (q < end && *q == '.')
			break; /* fractional seconds do not matter here */
		p = q + 1;
	}
	*out = days * 86400 + part[0] * 3600 + part[1] * 60 + part[2];
	return n == 3;
}

static void
age_limit(struct ir_findings *out, const struct ir_event *ev)
{
	const struct ir_str *v = ir_event_param_str(ev, "AuditLogAgeLimit");
	int64_t secs;
	char what[128];

	if (!v || !parse_timespan(&secs, *v) || secs >= AUDIT_DEFAULT_AGE)
		return;
	snprintf(what, sizeof(what),
		 "mailbox audit records are now kept for "
		 "%lld days only (AuditLogAgeLimit %.*s)",
		 (long long)(secs / 86400), (int)(v->len > 40 ? 40 : v->len),
		 v->ptr);
	mailbox_hit(out, ev, secs < 86400 ? IR_SEV_HIGH : IR_SEV_MEDIUM,
		    "AuditLogAgeLimit", what);
}

static void
set_mailbox(struct ir_findings *out, const struct ir_event *ev)
{
	bool on;

	if (ir_det_param_bool(ev, "AuditBypassEnabled", &on) && on)
		mailbox_hit(out, ev, IR_SEV_HIGH, "AuditBypassEnabled",
			    "mailbox audit bypass was switched on (nothing "
			    "this account does in any mailbox is logged)");
	if (ir_det_param_bool(ev, "AuditEnabled", &on) && !on)
		mailbox_hit(out, ev, IR_SEV_HIGH, "AuditEnabled",
			    "mailbox auditing was switched off");
	age_limit(out, ev);
}

static void
audit_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	const char *op = ev->operation;
	bool on;

	if (!op || ir_det_failed(ev))
		return;
	if (ir_det_op_is(op, "Set-AdminAuditLogConfig")) {
		if (ir_det_param_bool(ev, "UnifiedAuditLogIngestionEnabled",
				      &on) &&
		    !on)
			tenant_hit(out, ev, IR_SEV_CRITICAL,
				   "UnifiedAuditLogIngestionEnabled",
				   "the unified audit log was switched off");
	} else if (ir_det_op_is(op, "Set-OrganizationConfig")) {
		if (ir_det_param_bool(ev, "AuditDisabled", &on) && on)
			tenant_hit(out, ev, IR_SEV_CRITICAL, "AuditDisabled",
				   "mailbox auditing was switched off for the "
				   "whole organisation");
	} else if (ir_det_op_is(op, "Set-Mailbox") ||
		   ir_det_op_is(op, "Set-MailboxAuditBypassAssociation")) {
		set_mailbox(out, ev);
	}
}

static const char *const audit_ops[] = {"Set-AdminAuditLogConfig",
					"Set-OrganizationConfig", "Set-Mailbox",
					"Set-MailboxAuditBypassAssociation",
					NULL};

const struct ir_detection ir_det_audit_tampering = {
	.id = "audit-tampering",
	.title = "Audit logging switched off or shortened",
	.attack = "T1562.008",
	.operations = audit_ops,
	.start = audit_start,
	.event = audit_event,
};
