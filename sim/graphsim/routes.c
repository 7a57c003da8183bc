/* SPDX-License-Identifier: MIT */
/*
 * routes.c - the routing table: one line per route, in the order they are
 * tried. A route with a permission list takes a Graph bearer token from
 * the token endpoint and needs one of those application permissions
 * (api-map.md §F; each endpoint's "Permissions" table in the Graph docs).
 *
 * Adding a route: write the handler (one file per resource family, as
 * users.c), declare it in graphsim.h, add its line here, then a test in
 * tests/e2e/graphsim-*.sh and a line in docs/graphsim.md.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

/* user-get.md, user-list.md: least privileged User.Read.All. */
static const char *const user_read[] = {
	"User.Read.All", "User.ReadWrite.All", "Directory.Read.All",
	"Directory.ReadWrite.All", NULL,
};

/*
 * user-update.md, user-revokesigninsessions.md (api-map.md §B.1). Both
 * names are documented as delegated and application permissions; a
 * delegated passwordProfile change also takes Directory.AccessAsUser.All
 * (§B.1, user-update.md). "delegated:"/"app:" are explained in graphsim.h.
 */
static const char *const user_write[] = {
	"User.ReadWrite.All", "Directory.ReadWrite.All",
	"delegated:Directory.AccessAsUser.All", NULL,
};

/* mailfolder-list-messagerules.md, messagerule-get.md (§B.3). */
static const char *const rules_read[] = {
	"MailboxSettings.Read", "MailboxSettings.ReadWrite", NULL,
};

/* messagerule-update.md, messagerule-delete.md. */
static const char *const rules_write[] = {
	"MailboxSettings.ReadWrite", NULL,
};

/* authentication-list-methods.md and the typed lists (§B.5, §F). */
static const char *const authm_read[] = {
	"UserAuthenticationMethod.Read.All",
	"UserAuthenticationMethod.ReadWrite.All", NULL,
};

static const char *const authm_write[] = {
	"UserAuthenticationMethod.ReadWrite.All", NULL,
};

/* beta authentication-get.md / authentication-update.md (§B.5). */
static const char *const authreq_read[] = {
	"Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod", NULL,
};

static const char *const authreq_write[] = {
	"Policy.ReadWrite.AuthenticationMethod", NULL,
};

/* Office 365 Exchange Online app role (§C.2, §F). */
static const char *const exo_manage[] = {
	"Exchange.ManageAsApp", NULL,
};

/* directory (§B.T1, §B.T5, §F). domain-list.md. */
static const char *const domain_read[] = {
	"Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All",
	"Directory.ReadWrite.All", NULL,
};

/* directoryrole-list(-members).md, rbacapplication-list-roleassignments. */
static const char *const role_read[] = {
	"RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory",
	"RoleManagement.Read.All", "Directory.Read.All",
	"Directory.ReadWrite.All", NULL,
};

/* application-list.md, serviceprincipal-list.md (and -get). */
static const char *const app_read[] = {
	"Application.Read.All", "Application.ReadWrite.All",
	"Directory.Read.All", "Directory.ReadWrite.All", NULL,
};

/* application-addpassword.md, -removepassword.md, -removekey.md (the
 * OwnedBy permission is left out: graphsim does not track owners). */
static const char *const app_write[] = {
	"Application.ReadWrite.All", NULL,
};

/* oauth2permissiongrant-list.md, user-list-oauth2permissiongrants.md. */
static const char *const grant_read[] = {
	"DelegatedPermissionGrant.Read.All",
	"DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All",
	"Directory.ReadWrite.All", NULL,
};

/* oauth2permissiongrant-delete.md. */
static const char *const grant_write[] = {
	"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All",
	NULL,
};

/* conditionalaccessroot-list-policies.md, securitydefaults get. */
static const char *const policy_read[] = {
	"Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", NULL,
};

/* POST policies, PATCH security defaults: the handler checks the rest
 * of the documented "A and B" rule (policies.c). */
static const char *const ca_write[] = {
	"Policy.ReadWrite.ConditionalAccess", NULL,
};

/* authenticationmethodsroot-list-userregistrationdetails.md. */
static const char *const regdetails_read[] = {
	"AuditLog.Read.All", NULL,
};

/* riskyuser-list.md, riskyuser-confirmcompromised.md, -dismiss.md. */
static const char *const risky_read[] = {
	"IdentityRiskyUser.Read.All", "IdentityRiskyUser.ReadWrite.All", NULL,
};

static const char *const risky_write[] = {
	"IdentityRiskyUser.ReadWrite.All", NULL,
};

/*
 * audit logs: signin-list.md, directoryaudit-list.md (api-map.md §B.8).
 * The 2021 signIns page said "AuditLog.Read.All and Directory.Read.All";
 * the current one names AuditLog.Read.All alone, which is what we check.
 */
static const char *const auditlog_read[] = {
	"AuditLog.Read.All", NULL,
};

/* security-auditcoreroot-post-auditlogqueries.md, -get, -list-records. */
static const char *const auditquery_read[] = {
	"AuditLogsQuery.Read.All", "AuditLogsQuery-Exchange.Read.All",
	"AuditLogsQuery-Entra.Read.All", "AuditLogsQuery-SharePoint.Read.All",
	"AuditLogsQuery-OneDrive.Read.All", "AuditLogsQuery-Endpoint.Read.All",
	"AuditLogsQuery-CRM.Read.All", NULL,
};

/* mail: user-sendmail.md (delegated and application). */
static const char *const mail_send[] = {
	"Mail.Send", NULL,
};

const struct gs_route gs_routes[] = {
	{ "POST", "/{tenant}/oauth2/v2.0/token", gs_token_post, NULL },
	{ "POST", "/{tenant}/oauth2/v2.0/devicecode", gs_devicecode_post,
	  NULL },
	{ "GET", "/v1.0/users", gs_users_list, user_read },
	{ "GET", "/v1.0/users/{id}", gs_users_get, user_read },
	{ "PATCH", "/v1.0/users/{id}", gs_users_patch, user_write },
	{ "POST", "/v1.0/users/{id}/revokeSignInSessions", gs_users_revoke,
	  user_write },
	{ "GET", "/v1.0/users/{id}/mailFolders/inbox/messageRules",
	  gs_rules_list, rules_read },
	{ "GET", "/v1.0/users/{id}/mailFolders/inbox/messageRules/{rule}",
	  gs_rules_get, rules_read },
	{ "PATCH", "/v1.0/users/{id}/mailFolders/inbox/messageRules/{rule}",
	  gs_rules_patch, rules_write },
	{ "DELETE", "/v1.0/users/{id}/mailFolders/inbox/messageRules/{rule}",
	  gs_rules_delete, rules_write },
	{ "GET", "/v1.0/users/{id}/authentication/methods", gs_authm_list,
	  authm_read },
	{ "GET",
	  "/v1.0/users/{id}/authentication/microsoftAuthenticatorMethods",
	  gs_authm_list_authenticator, authm_read },
	{ "DELETE",
	  "/v1.0/users/{id}/authentication/microsoftAuthenticatorMethods/{m}",
	  gs_authm_delete_authenticator, authm_write },
	{ "GET", "/v1.0/users/{id}/authentication/phoneMethods",
	  gs_authm_list_phone, authm_read },
	{ "DELETE", "/v1.0/users/{id}/authentication/phoneMethods/{m}",
	  gs_authm_delete_phone, authm_write },
	{ "GET", "/beta/users/{id}/authentication/requirements",
	  gs_authreq_get, authreq_read },
	{ "PATCH", "/beta/users/{id}/authentication/requirements",
	  gs_authreq_patch, authreq_write },
	{ "POST", "/adminapi/beta/{tenant}/InvokeCommand", gs_exo_invoke,
	  exo_manage },
	/* knobs: JSON batching; items check their own permissions. */
	{ "POST", "/v1.0/$batch", gs_batch_post, NULL },
	{ "POST", "/beta/$batch", gs_batch_post, NULL },
	/* directory: directory.c, apps.c, policies.c */
	{ "GET", "/v1.0/domains", gs_domains_list, domain_read },
	{ "GET", "/v1.0/directoryRoles", gs_dirroles_list, role_read },
	{ "GET", "/v1.0/directoryRoles/{id}/members", gs_dirroles_members,
	  role_read },
	{ "GET", "/v1.0/roleManagement/directory/roleAssignments",
	  gs_roleassign_list, role_read },
	{ "GET", "/v1.0/applications", gs_apps_list, app_read },
	{ "GET", "/v1.0/applications/{id}", gs_apps_get, app_read },
	{ "POST", "/v1.0/applications/{id}/addPassword",
	  gs_apps_add_password, app_write },
	{ "POST", "/v1.0/applications/{id}/removePassword",
	  gs_apps_remove_password, app_write },
	{ "POST", "/v1.0/applications/{id}/removeKey", gs_apps_remove_key,
	  app_write },
	{ "GET", "/v1.0/servicePrincipals", gs_sps_list, app_read },
	{ "GET", "/v1.0/servicePrincipals/{id}", gs_sps_get, app_read },
	{ "POST", "/v1.0/servicePrincipals/{id}/removePassword",
	  gs_sps_remove_password, app_write },
	{ "POST", "/v1.0/servicePrincipals/{id}/removeKey", gs_sps_remove_key,
	  app_write },
	{ "GET", "/v1.0/oauth2PermissionGrants", gs_grants_list,
	  grant_read },
	{ "DELETE", "/v1.0/oauth2PermissionGrants/{id}", gs_grants_delete,
	  grant_write },
	{ "GET", "/v1.0/users/{id}/oauth2PermissionGrants",
	  gs_grants_user_list, grant_read },
	{ "GET", "/v1.0/identity/conditionalAccess/policies", gs_ca_list,
	  policy_read },
	{ "POST", "/v1.0/identity/conditionalAccess/policies", gs_ca_create,
	  ca_write },
	{ "GET", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
	  gs_secdef_get, policy_read },
	{ "PATCH", "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy",
	  gs_secdef_patch, ca_write },
	{ "GET", "/v1.0/reports/authenticationMethods/userRegistrationDetails",
	  gs_regdetails_list, regdetails_read },
	{ "GET", "/v1.0/identityProtection/riskyUsers", gs_risky_list,
	  risky_read },
	{ "POST", "/v1.0/identityProtection/riskyUsers/confirmCompromised",
	  gs_risky_confirm, risky_write },
	{ "POST", "/v1.0/identityProtection/riskyUsers/dismiss",
	  gs_risky_dismiss, risky_write },
	{ "GET", "/v1.0/identityProtection/riskyUsers/{id}", gs_risky_get,
	  risky_read },
	/* audit logs: auditlogs.c, auditquery.c ({v} is v1.0 or beta) */
	{ "GET", "/v1.0/auditLogs/signIns", gs_signins_list, auditlog_read },
	{ "GET", "/v1.0/auditLogs/signIns/{id}", gs_signins_get,
	  auditlog_read },
	{ "GET", "/v1.0/auditLogs/directoryAudits", gs_diraudits_list,
	  auditlog_read },
	{ "GET", "/v1.0/auditLogs/directoryAudits/{id}", gs_diraudits_get,
	  auditlog_read },
	{ "POST", "/{v}/security/auditLog/queries", gs_auditquery_create,
	  auditquery_read },
	{ "GET", "/{v}/security/auditLog/queries/{id}", gs_auditquery_get,
	  auditquery_read },
	{ "GET", "/{v}/security/auditLog/queries/{id}/records",
	  gs_auditquery_records, auditquery_read },
	/*
	 * audit logs: mgmtapi.c, the Management Activity API. Not Graph: it
	 * checks ActivityFeed.Read itself to answer in its own error shape.
	 */
	{ "POST", "/api/v1.0/{tenant}/activity/feed/subscriptions/start",
	  gs_mgmt_start, NULL },
	{ "POST", "/api/v1.0/{tenant}/activity/feed/subscriptions/stop",
	  gs_mgmt_stop, NULL },
	{ "GET", "/api/v1.0/{tenant}/activity/feed/subscriptions/list",
	  gs_mgmt_list, NULL },
	{ "GET", "/api/v1.0/{tenant}/activity/feed/subscriptions/content",
	  gs_mgmt_content, NULL },
	{ "GET", "/api/v1.0/{tenant}/activity/feed/audit/{id}", gs_mgmt_blob,
	  NULL },
	/* mail: mail.c (mailboxSettings: the messageRules lists) */
	{ "GET", "/v1.0/users/{id}/mailboxSettings", gs_mbxset_get,
	  rules_read },
	{ "PATCH", "/v1.0/users/{id}/mailboxSettings", gs_mbxset_patch,
	  rules_write },
	{ "POST", "/v1.0/users/{id}/sendMail", gs_sendmail_post, mail_send },
	{ "GET", "/_sim/state", gs_sim_state, NULL },
	{ "POST", "/_sim/reset", gs_sim_reset, NULL },
	{ "POST", "/_sim/devicecode/approve", gs_sim_devicecode_approve,
	  NULL },
	{ "POST", "/_sim/devicecode/decline", gs_sim_devicecode_decline,
	  NULL },
	{ "POST", "/_sim/devicecode/expire", gs_sim_devicecode_expire, NULL },
};

const size_t gs_routes_nr = IR_ARRAY_SIZE(gs_routes);
