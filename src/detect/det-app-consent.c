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
 *
 * One consent is usually in two exports: the unified audit log's "Consent
 * to application." and the Entra directory audit's "Consent to
 * application". The first names the app by its AppId (ObjectId,
 * TargetId.ServicePrincipalNames, additionalDetails) and its service
 * principal in Target ("ServicePrincipal_<id>", the name as a Type 1
 * entry); the second by display name (targetResources[0]) with the
 * service principal id beside it and the AppId in additionalDetails. Both
 * carry ConsentAction.Permissions, whose ClientId is the service
 * principal. So grants are kept (up to CONSENT_MAX_GRANTS; later ones are
 * reported at once) and judged in finish(): grants by one account that
 * share the AppId, the service principal id or the display name are one
 * application, keyed by its AppId (else the service principal id, else
 * the name) and named by its display name when any copy has it. Copies
 * from two sources within IR_ATTEMPT_SKEW seconds are one consent.
 */
#include "util/compat.h"

#include <strings.h>

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

#define CONSENT_MAX_GRANTS 4096
#define ID_MAX 64
#define APP_NAME_MAX 201

/* One grant as reported, kept until finish() merges the copies. */
struct grant {
	char *user;
	char appid[ID_MAX], spid[ID_MAX];
	char name[APP_NAME_MAX], fallback[APP_NAME_MAX];
	char *scopes; /* risky scopes, ", "-joined; "" for none */
	bool admin, offline;
	char *source;
	struct ir_snap snap;
	size_t root; /* union-find parent, an index into grants */
};

struct consent {
	struct grant *v;
	size_t n, alloc;
};

static void *
consent_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct consent));
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

static bool
is_guid(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c != '-'
			 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			     (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

/* Copy (ptr,len) lower-cased into `out` unless it is empty or "null". */
static void
set_id(char *out, size_t size, struct ir_str s)
{
	if (*out || !s.len || ir_str_eq_ci(s, "null"))
		return;
	ir_det_lower(out, size, s);
}

/* The GUID after `label` ("ClientId:", "\"AppId\":\"") in `s`. */
static struct ir_str
guid_after(struct ir_str s, const char *label)
{
	size_t n = strlen(label);

	for (size_t i = 0; s.len >= n && i + n <= s.len; i++) {
		const char *p = s.ptr + i + n;
		size_t left = s.len - i - n;

		if (strncasecmp(s.ptr + i, label, n))
			continue;
		while (left && (*p == ' ' || *p == '"'))
			p++, left--;
		if (left >= 36 && is_guid(p, 36))
			return (struct ir_str){p, 36};
	}
	return (struct ir_str){NULL, 0};
}

static struct ir_str
raw_str(yyjson_val *obj, const char *key)
{
	yyjson_val *v = yyjson_obj_get(obj, key);

	if (!yyjson_is_str(v))
		return (struct ir_str){NULL, 0};
	return (struct ir_str){yyjson_get_str(v), yyjson_get_len(v)};
}

/* UAL Target: "ServicePrincipal_<id>" and the name as a Type 1 entry. */
static void
ids_from_ual_target(struct grant *g, yyjson_val *target)
{
	static const char sp[] = "ServicePrincipal_";
	yyjson_val *t;
	size_t i, max;

	yyjson_arr_foreach(target, i, max, t) {
		struct ir_str id = raw_str(t, "ID");
		yyjson_val *type = yyjson_obj_get(t, "Type");

		if (id.len == sizeof(sp) - 1 + 36 &&
		    !strncmp(id.ptr, sp, sizeof(sp) - 1))
			set_id(g->spid, sizeof(g->spid),
			       (struct ir_str){id.ptr + sizeof(sp) - 1, 36});
		else if (yyjson_is_int(type) && yyjson_get_int(type) == 1 &&
			 id.len && !g->name[0])
			snprintf(g->name, sizeof(g->name), "%.*s",
				 (int)(id.len > 200 ? 200 : id.len), id.ptr);
	}
}

/* Directory audit: targetResources[0] is the app's service principal. */
static void
ids_from_targets(struct grant *g, const struct ir_event *ev, bool consent)
{
	yyjson_val *raw = ev->raw, *tr, *first;
	struct ir_str id, name;

	if (!yyjson_is_obj(raw))
		return;
	if (yyjson_is_arr(tr = yyjson_obj_get(raw, "Target")))
		ids_from_ual_target(g, tr);
	tr = yyjson_obj_get(raw, "targetResources");
	if (!consent || !(first = yyjson_arr_get_first(tr)))
		return;
	id = raw_str(first, "id");
	name = raw_str(first, "displayName");
	if (is_guid(id.ptr ? id.ptr : "", id.len))
		set_id(g->spid, sizeof(g->spid), id);
	if (name.len && !g->name[0])
		snprintf(g->name, sizeof(g->name), "%.*s",
			 (int)(name.len > 200 ? 200 : name.len), name.ptr);
}

/*
 * The application's ids and name. For "Add delegated permission grant"
 * the object and TargetId.ServicePrincipalNames name the resource
 * (Microsoft Graph), not the app that got access, so they are read only
 * for "Consent to application".
 */
static void
grant_ids(struct grant *g, const struct ir_event *ev)
{
	bool consent = ir_det_op_is(ev->operation, "Consent to application");
	const struct ir_str *v;
	struct ir_str s = unquoted(ev, "ServicePrincipal.DisplayName");
	size_t olen = ev->object ? strlen(ev->object) : 0;

	if (s.len && !ir_str_eq_ci(s, "null"))
		snprintf(g->name, sizeof(g->name), "%.*s",
			 (int)(s.len > 200 ? 200 : s.len), s.ptr);
	set_id(g->appid, ID_MAX, unquoted(ev, "AppId"));
	set_id(g->appid, ID_MAX, unquoted(ev, "ServicePrincipal.AppId"));
	if ((v = ir_event_param_str(ev, "additionalDetails")))
		set_id(g->appid, ID_MAX, guid_after(*v, "\"AppId\":"));
	s = unquoted(ev, "ServicePrincipal.ObjectID");
	if (is_guid(s.ptr ? s.ptr : "", s.len))
		set_id(g->spid, sizeof(g->spid), s);
	if ((v = ir_event_param_str(ev, "ConsentAction.Permissions")))
		set_id(g->spid, sizeof(g->spid), guid_after(*v, "ClientId:"));
	ids_from_targets(g, ev, consent);
	if (consent && is_guid(ev->object ? ev->object : "", olen))
		set_id(g->appid, sizeof(g->appid),
		       (struct ir_str){ev->object, olen});
	else if (consent && olen && !g->name[0])
		snprintf(g->name, sizeof(g->name), "%.200s", ev->object);
	snprintf(g->fallback, sizeof(g->fallback), "%.200s",
		 olen ? ev->object : "an application");
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

/* The root of `i`'s group, halving the path on the way. */
static size_t
root_of(struct grant *v, size_t i)
{
	while (v[i].root != i) {
		v[i].root = v[v[i].root].root;
		i = v[i].root;
	}
	return i;
}

/* Are `a` and `b`, by one account, grants to one application? */
static bool
same_app(const struct grant *a, const struct grant *b)
{
	if (strcmp(a->user, b->user))
		return false;
	return (a->appid[0] && !strcmp(a->appid, b->appid)) ||
	       (a->spid[0] && !strcmp(a->spid, b->spid)) ||
	       (a->name[0] && !strcasecmp(a->name, b->name));
}

/* Is v[i] a copy, from another source, of an earlier grant in its group? */
static bool
is_copy(const struct grant *v, const size_t *grp, size_t k)
{
	const struct grant *g = &v[grp[k]];

	for (size_t j = 0; j < k; j++) {
		const struct grant *h = &v[grp[j]];
		int64_t d = g->snap.time.sec - h->snap.time.sec;

		if (strcmp(g->source, h->source) && d <= IR_ATTEMPT_SKEW &&
		    d >= -IR_ATTEMPT_SKEW)
			return true;
	}
	return false;
}

/* The summary and severity of a group from its worst grant `w`. */
static enum ir_severity
group_summary(struct ir_buf *sum, const struct grant *w, const char *app,
	      bool offline)
{
	const char *how = w->admin ? "admin consent" : "user consent";

	if (!*w->scopes) {
		ir_buf_addf(sum,
			    "%s granted the application %s access (%s) "
			    "without mail, file or directory permissions",
			    w->user, app, how);
		return IR_SEV_LOW;
	}
	ir_buf_addf(sum,
		    "%s granted the application %s %s (%s%s): remove the "
		    "grant under Enterprise applications > Permissions in "
		    "the Entra admin center unless it is known",
		    w->user, app, w->scopes, how,
		    offline ? ", with offline_access" : "");
	return w->admin ? IR_SEV_MEDIUM : IR_SEV_HIGH;
}

static enum ir_severity
grant_sev(const struct grant *g)
{
	return !*g->scopes ? IR_SEV_LOW : g->admin ? IR_SEV_MEDIUM
						   : IR_SEV_HIGH;
}

/* Report the grants grp[0..n) to one application as one finding. */
static void
report_group(struct ir_findings *out, const struct grant *v,
	     const size_t *grp, size_t n)
{
	const struct grant *w = &v[grp[0]];
	const char *key = NULL, *spid = NULL, *name = NULL;
	struct ir_buf sum = IR_BUF_INIT;
	struct ir_hit hit = {.det = &ir_det_app_consent, .user = w->user};
	struct ir_event ev;
	bool offline = false;
	char *fix = NULL;

	for (size_t k = 0; k < n; k++) {
		const struct grant *g = &v[grp[k]];

		if (grant_sev(g) > grant_sev(w))
			w = g;
		key = key ? key : g->appid[0] ? g->appid : NULL;
		spid = spid ? spid : g->spid[0] ? g->spid : NULL;
		name = name ? name : g->name[0] ? g->name : NULL;
		offline |= g->offline;
	}
	key = key ? key : spid ? spid : name ? name : w->fallback;
	hit.severity = group_summary(&sum, w, name ? name : key, offline);
	if (hit.severity == IR_SEV_HIGH)
		fix = ir_detect_remediation(w->user, "sessions-and-password");
	hit.key = key;
	hit.summary = sum.buf;
	hit.remediation = fix;
	for (size_t k = 0; k < n; k++) {
		if (is_copy(v, grp, k))
			continue;
		ir_snap_event(&ev, &v[grp[k]].snap);
		hit.ev = &ev;
		ir_findings_hit(out, &hit);
	}
	free(fix);
	ir_buf_release(&sum);
}

static void
grant_release(struct grant *g)
{
	free(g->user);
	free(g->scopes);
	free(g->source);
	ir_snap_release(&g->snap);
}

/* Keep one grant; past CONSENT_MAX_GRANTS, report it alone at once. */
static void
keep_grant(struct consent *st, const struct ir_event *ev,
	   struct ir_findings *out)
{
	struct ir_buf scopes = IR_BUF_INIT;
	struct grant one, *g = &one;
	size_t self = 0;

	if (st->n < CONSENT_MAX_GRANTS) {
		IR_ALLOC_GROW(st->v, st->n + 1, st->alloc);
		g = &st->v[st->n];
	}
	memset(g, 0, sizeof(*g));
	find_scopes(&scopes, ev);
	g->scopes = scopes.buf ? ir_buf_detach(&scopes, NULL) : xstrdup("");
	g->user = xstrdup(ev->user && *ev->user ? ev->user : "(unknown)");
	g->admin = admin_consent(ev);
	g->offline = has_offline_access(ev);
	g->source = xstrdup(ev->source ? ev->source : "");
	ir_snap_set(&g->snap, ev);
	grant_ids(g, ev);
	if (g != &one) {
		g->root = st->n++;
		return;
	}
	report_group(out, g, &self, 1);
	grant_release(g);
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
			keep_grant(state, ev, out);
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

/* Merge the grants to one application, then report each group. */
static void
consent_finish(void *state, struct ir_findings *out)
{
	struct consent *st = state;
	size_t *grp = xcalloc(st->n + 1, sizeof(*grp));

	for (size_t i = 0; i < st->n; i++)
		for (size_t j = 0; j < i; j++)
			if (same_app(&st->v[i], &st->v[j]))
				st->v[root_of(st->v, i)].root =
					root_of(st->v, j);
	for (size_t r = 0; r < st->n; r++) {
		size_t n = 0;

		if (root_of(st->v, r) != r)
			continue;
		for (size_t i = r; i < st->n; i++)
			if (root_of(st->v, i) == r)
				grp[n++] = i;
		report_group(out, st->v, grp, n);
	}
	free(grp);
}

static void
consent_free(void *state)
{
	struct consent *st = state;

	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		grant_release(&st->v[i]);
	free(st->v);
	free(st);
}

const struct ir_detection ir_det_app_consent = {
	.id = "app-consent",
	.title = "Application granted access to mail, files or directory",
	.attack = "T1528",
	.operations = consent_ops,
	.start = consent_start,
	.event = consent_event,
	.finish = consent_finish,
	.free = consent_free,
};
