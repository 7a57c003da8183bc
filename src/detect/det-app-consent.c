/* SPDX-License-Identifier: MIT */
/*
 * det-app-consent.c - an application granted access to mail, files or the
 * directory (ATT&CK T1528, steal application access token).
 *
 * Illicit consent grants need no password at all: the user clicks "Accept"
 * on a phishing app asking for Mail.Read and offline_access, and the app
 * reads the mailbox for as long as the grant lives, through password
 * resets. Entra audit operations (UAL with a trailing period, Graph
 * without): "Consent to application.", "Add delegated permission grant.",
 * "Add app role assignment to service principal." (application
 * permissions: tenant-wide, admin only) and "Add app role assignment grant
 * to user.". The scopes are in ConsentAction.Permissions ("Scope: openid
 * Mail.Read ..."), DelegatedPermissionGrant.Scope or AppRole.Value; every
 * parameter is searched, token by token, for the scopes in risky_scopes.
 *
 * Severity: a risky scope granted by a user for themselves (no
 * ConsentContext.IsAdminConsent, ConsentType not AllPrincipals) is high:
 * that is the illicit-consent pattern. The same scopes granted by an admin
 * are medium: a deliberate act by a privileged account, usually a real
 * product, still worth a look. Consents without risky scopes are low.
 * Findings go under the account that consented, keyed by the application.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

/*
 * Graph and Exchange permissions that read or send mail, files or run the
 * directory (Microsoft's consent-phishing guidance, Analyzer-Suite list).
 */
static const char *const risky_scopes[] = {
	"Mail.Read",
	"Mail.ReadWrite",
	"Mail.Send",
	"Mail.Read.Shared",
	"Mail.ReadWrite.Shared",
	"Mail.Send.Shared",
	"MailboxSettings.ReadWrite",
	"Files.Read.All",
	"Files.ReadWrite.All",
	"Sites.Read.All",
	"Sites.ReadWrite.All",
	"Sites.FullControl.All",
	"Notes.Read.All",
	"Notes.ReadWrite.All",
	"Contacts.ReadWrite",
	"Directory.ReadWrite.All",
	"Directory.AccessAsUser.All",
	"User.ReadWrite.All",
	"Application.ReadWrite.All",
	"AppRoleAssignment.ReadWrite.All",
	"RoleManagement.ReadWrite.Directory",
	"full_access_as_user",
	"full_access_as_app",
	"EWS.AccessAsUser.All",
	"EAS.AccessAsUser.All",
	"IMAP.AccessAsUser.All",
	"POP.AccessAsUser.All",
	"SMTP.Send",
	"SMTP.SendAsApp",
	"Chat.Read",
	"Chat.ReadWrite",
};

static void *
consent_start(const struct ir_detect_ctx *ctx)
{
	return NULL;
}

/* The risky scopes any parameter of `ev` names, ", "-joined into `out`. */
static void
find_scopes(struct ir_buf *out, const struct ir_event *ev)
{
	for (size_t s = 0; s < IR_ARRAY_SIZE(risky_scopes); s++) {
		for (size_t i = 0; i < ev->nparams; i++) {
			if (ir_det_has_token(ev->params[i].value,
					     risky_scopes[s])) {
				ir_buf_addf(out, "%s%s", out->len ? ", " : "",
					    risky_scopes[s]);
				break;
			}
		}
	}
}

static bool
has_offline_access(const struct ir_event *ev)
{
	for (size_t i = 0; i < ev->nparams; i++)
		if (ir_det_has_token(ev->params[i].value, "offline_access"))
			return true;
	return false;
}

static bool
admin_consent(const struct ir_event *ev)
{
	const struct ir_str *type;
	bool admin;

	if (ir_det_op_is(ev->operation,
			 "Add app role assignment to service principal"))
		return true;
	if (ir_det_param_bool(ev, "ConsentContext.IsAdminConsent", &admin))
		return admin;
	type = ir_event_param_str(ev, "DelegatedPermissionGrant.ConsentType");
	return type && ir_det_has_token(*type, "AllPrincipals");
}

/* Parameter `name` without the JSON quotes Graph puts around values. */
static struct ir_str
unquoted(const struct ir_event *ev, const char *name)
{
	const struct ir_str *v = ir_event_param_str(ev, name);
	struct ir_str s = v ? *v : (struct ir_str){NULL, 0};

	while (s.len && (*s.ptr == '"' || *s.ptr == ' '))
		s.ptr++, s.len--;
	while (s.len && (s.ptr[s.len - 1] == '"' || s.ptr[s.len - 1] == ' '))
		s.len--;
	return s;
}

/*
 * The client application's name or id, for the summary and the key. The
 * event's object is the last resort: for "Add delegated permission grant"
 * it names the resource (Microsoft Graph), not the app that got access.
 */
static void
app_name(char *out, size_t size, const struct ir_event *ev)
{
	struct ir_str s = unquoted(ev, "ServicePrincipal.DisplayName");

	if (!s.len)
		s = unquoted(ev, "ServicePrincipal.ObjectID");
	if (s.len)
		snprintf(out, size, "%.*s", (int)(s.len > 200 ? 200 : s.len),
			 s.ptr);
	else
		snprintf(out, size, "%s",
			 ev->object && *ev->object ? ev->object
						   : "an application");
}

/*
 * "Update authorization policy." adding the legacy default grant policy to
 * PermissionGrantPolicyIdsAssignedToDefaultUserRole lets every user consent
 * to any application (blueteam0ps T1550.001 sample): consent phishing's
 * precondition, reported under the admin.
 */
static void
consent_policy(const struct ir_event *ev, struct ir_findings *out)
{
	const struct ir_str *v = ir_event_param_str(
		ev, "PermissionGrantPolicyIdsAssignedToDefaultUserRole");
	const char *who = ev->user && *ev->user ? ev->user
						: "an unknown account";
	struct ir_buf sum = IR_BUF_INIT;
	struct ir_hit hit = {.det = &ir_det_app_consent,
			     .severity = IR_SEV_MEDIUM,
			     .user = ev->user,
			     .key = "user-consent-policy",
			     .ev = ev};

	if (!v || !ir_det_has_token(*v, "ManagePermissionGrantsForSelf."
					"microsoft-user-default-legacy"))
		return;
	ir_buf_addf(&sum,
		    "%s let every user consent to any application "
		    "(user consent settings in Entra ID): switch it back to "
		    "verified publishers or admin approval unless intended",
		    who);
	hit.summary = sum.buf;
	ir_findings_hit(out, &hit);
	ir_buf_release(&sum);
}

/* Report one grant: severity from the scopes and who consented. */
static void
report_grant(const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_buf scopes = IR_BUF_INIT, sum = IR_BUF_INIT;
	const char *who = ev->user && *ev->user ? ev->user
						: "an unknown account";
	struct ir_hit hit = {
		.det = &ir_det_app_consent, .ev = ev, .user = ev->user};
	bool admin = admin_consent(ev);
	const char *how = admin ? "admin consent" : "user consent";
	char app[256], *fix = NULL;

	find_scopes(&scopes, ev);
	app_name(app, sizeof(app), ev);
	if (!scopes.len) {
		hit.severity = IR_SEV_LOW;
		ir_buf_addf(&sum,
			    "%s granted the application %s access (%s) "
			    "without mail, file "
			    "or directory permissions",
			    who, app, how);
	} else {
		hit.severity = admin ? IR_SEV_MEDIUM : IR_SEV_HIGH;
		ir_buf_addf(&sum,
			    "%s granted the application %s %s (%s%s): "
			    "remove the grant "
			    "under Enterprise applications > Permissions in "
			    "the Entra admin center unless it is known",
			    who, app, scopes.buf, how,
			    has_offline_access(ev) ? ", with offline_access"
						   : "");
		if (!admin)
			fix = ir_detect_remediation(ev->user,
						    "sessions-and-password");
	}
	hit.key = app;
	hit.summary = sum.buf;
	hit.remediation = fix;
	ir_findings_hit(out, &hit);
	free(fix);
	ir_buf_release(&scopes);
	ir_buf_release(&sum);
}

static void
consent_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	static const char *const ops[] = {
		"Consent to application",
		"Add delegated permission grant",
		"Add app role assignment to service principal",
		"Add app role assignment grant to user",
	};

	if (ir_det_failed(ev))
		return;
	if (ir_det_op_is(ev->operation, "Update authorization policy")) {
		consent_policy(ev, out);
		return;
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(ops); i++) {
		if (ir_det_op_is(ev->operation, ops[i])) {
			report_grant(ev, out);
			return;
		}
	}
}

static const char *const consent_ops[] = {
	"Consent to application.",
	"Consent to application",
	"Add delegated permission grant.",
	"Add delegated permission grant",
	"Add app role assignment to service principal.",
	"Add app role assignment to service principal",
	"Add app role assignment grant to user.",
	"Add app role assignment grant to user",
	"Update authorization policy.",
	"Update authorization policy",
	NULL};

const struct ir_detection ir_det_app_consent = {
	.id = "app-consent",
	.title = "Application granted access to mail, files or directory",
	.attack = "T1528",
	.operations = consent_ops,
	.start = consent_start,
	.event = consent_event,
};
