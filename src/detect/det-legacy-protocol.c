/* SPDX-License-Identifier: MIT */
/*
 * det-legacy-protocol.c - legacy mail protocols switched on, or used
 * (ATT&CK T1114.002, remote email collection).
 *
 * POP, IMAP, EWS, ActiveSync and SMTP AUTH with a password skip MFA where
 * basic authentication survives, and they let an attacker pull a whole
 * mailbox with an ordinary mail client. After a takeover attackers turn
 * them back on for the mailbox (blueteam0ps T1114.002 sample:
 * Set-CASMailbox -PopEnabled $true -ImapEnabled $true). Signals:
 *  - Set-CASMailbox with PopEnabled, ImapEnabled, ActiveSyncEnabled,
 *    EwsEnabled or MAPIEnabled True, or SmtpClientAuthenticationDisabled
 *    False: medium, reported under the mailbox (Identity);
 *  - Set-TransportConfig SmtpClientAuthenticationDisabled False: SMTP AUTH
 *    for the whole organisation, medium, under the admin who ran it;
 *  - successful sign-ins whose ClientApp is a legacy client (Entra's
 *    clientAppUsed: IMAP4, POP3, Authenticated SMTP, Exchange ActiveSync,
 *    Exchange Web Services, Other clients, ...): basic authentication is
 *    in use. IMAP4, POP3 and Authenticated SMTP are medium (the usual
 *    exfiltration and spam paths), the others low. One finding per user
 *    and client, counted.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

struct client {
	const char *name;
	enum ir_severity severity;
};

/* Entra sign-in log clientAppUsed values that mean legacy authentication. */
static const struct client legacy_clients[] = {
	{"Authenticated SMTP", IR_SEV_MEDIUM},
	{"IMAP4", IR_SEV_MEDIUM},
	{"POP3", IR_SEV_MEDIUM},
	{"AutoDiscover", IR_SEV_LOW},
	{"Exchange ActiveSync", IR_SEV_LOW},
	{"Exchange Online PowerShell", IR_SEV_LOW},
	{"Exchange Web Services", IR_SEV_LOW},
	{"MAPI Over HTTP", IR_SEV_LOW},
	{"Offline Address Book", IR_SEV_LOW},
	{"Other clients", IR_SEV_LOW},
	{"Outlook Anywhere (RPC over HTTP)", IR_SEV_LOW},
	{"Reporting Web Services", IR_SEV_LOW},
	{"Universal Outlook", IR_SEV_LOW},
};

static const char *const protocols[] = {
	"PopEnabled", "ImapEnabled", "ActiveSyncEnabled",
	"EwsEnabled", "MAPIEnabled",
};

static void *
legacy_start(const struct ir_detect_ctx *ctx)
{
	return NULL;
}

static const char *
actor(const struct ir_event *ev)
{
	return ev->user && *ev->user ? ev->user : "an unknown account";
}

static void
cas_mailbox(const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_buf list = IR_BUF_INIT, sum = IR_BUF_INIT;
	char user[320], *fix;
	bool on;
	struct ir_hit hit = {.det = &ir_det_legacy_protocol,
			     .severity = IR_SEV_MEDIUM,
			     .ev = ev};

	for (size_t i = 0; i < IR_ARRAY_SIZE(protocols); i++)
		if (ir_det_param_bool(ev, protocols[i], &on) && on)
			ir_buf_addf(&list, "%s%s", list.len ? ", " : "",
				    protocols[i]);
	if (ir_det_param_bool(ev, "SmtpClientAuthenticationDisabled", &on) &&
	    !on)
		ir_buf_addf(&list, "%sSMTP AUTH", list.len ? ", " : "");
	if (!list.len)
		goto out;
	ir_det_target(user, sizeof(user), ev, "Identity");
	ir_buf_addf(
		&sum,
		"legacy mail access (%s) was switched on for %s by "
		"%s: an attacker can now read the mailbox with a plain mail "
		"client; turn it off again with Set-CASMailbox unless the "
		"user needs it",
		list.buf, user, actor(ev));
	fix = ir_detect_remediation(user, "sessions-and-password");
	hit.user = user;
	hit.key = "Set-CASMailbox";
	hit.summary = sum.buf;
	hit.remediation = fix;
	ir_findings_hit(out, &hit);
	free(fix);
out:
	ir_buf_release(&list);
	ir_buf_release(&sum);
}

static void
transport_config(const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_buf sum = IR_BUF_INIT;
	bool on;
	struct ir_hit hit = {.det = &ir_det_legacy_protocol,
			     .severity = IR_SEV_MEDIUM,
			     .ev = ev,
			     .key = "Set-TransportConfig"};

	if (!ir_det_param_bool(ev, "SmtpClientAuthenticationDisabled", &on) ||
	    on)
		return;
	ir_buf_addf(&sum,
		    "SMTP AUTH (basic authentication) was switched on "
		    "for the whole organisation by %s: set "
		    "SmtpClientAuthenticationDisabled back to True with "
		    "Set-TransportConfig",
		    actor(ev));
	hit.user = ev->user;
	hit.summary = sum.buf;
	ir_findings_hit(out, &hit);
	ir_buf_release(&sum);
}

static void
legacy_signin(const struct ir_event *ev, struct ir_findings *out)
{
	const struct ir_str *app = ir_event_param_str(ev, "ClientApp");
	struct ir_buf sum = IR_BUF_INIT;
	struct ir_hit hit = {.det = &ir_det_legacy_protocol, .ev = ev};

	if (!app || ir_signin_classify(ev) != IR_SIGNIN_SUCCESS)
		return;
	for (size_t i = 0; i < IR_ARRAY_SIZE(legacy_clients); i++) {
		const struct client *c = &legacy_clients[i];

		if (!ir_str_eq_ci(*app, c->name))
			continue;
		ir_buf_addf(&sum,
			    "%s signed in with a legacy client (%s), "
			    "which uses basic authentication and skips MFA: "
			    "block legacy authentication with Conditional "
			    "Access or security defaults",
			    actor(ev), c->name);
		hit.severity = c->severity;
		hit.user = ev->user;
		hit.key = c->name;
		hit.summary = sum.buf;
		ir_findings_hit(out, &hit);
		break;
	}
	ir_buf_release(&sum);
}

static void
legacy_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	if (ir_signin_is(ev))
		legacy_signin(ev, out);
	else if (ir_det_failed(ev))
		return;
	else if (ir_det_op_is(ev->operation, "Set-CASMailbox"))
		cas_mailbox(ev, out);
	else if (ir_det_op_is(ev->operation, "Set-TransportConfig"))
		transport_config(ev, out);
}

static const char *const legacy_ops[] = {"Set-CASMailbox",
					 "Set-TransportConfig", "UserLoggedIn",
					 "Sign-in activity", NULL};

const struct ir_detection ir_det_legacy_protocol = {
	.id = "legacy-protocol",
	.title = "Legacy mail protocols enabled or used",
	.attack = "T1114.002",
	.operations = legacy_ops,
	.start = legacy_start,
	.event = legacy_event,
};
