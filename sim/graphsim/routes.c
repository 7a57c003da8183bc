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
	{ "GET", "/_sim/state", gs_sim_state, NULL },
	{ "POST", "/_sim/reset", gs_sim_reset, NULL },
	{ "POST", "/_sim/devicecode/approve", gs_sim_devicecode_approve,
	  NULL },
	{ "POST", "/_sim/devicecode/decline", gs_sim_devicecode_decline,
	  NULL },
	{ "POST", "/_sim/devicecode/expire", gs_sim_devicecode_expire, NULL },
};

const size_t gs_routes_nr = IR_ARRAY_SIZE(gs_routes);
