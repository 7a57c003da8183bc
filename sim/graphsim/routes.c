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

/* user-update.md, user-revokesigninsessions.md (api-map.md §B.1). */
static const char *const user_write[] = {
	"User.ReadWrite.All", "Directory.ReadWrite.All", NULL,
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
	{ "GET", "/_sim/state", gs_sim_state, NULL },
	{ "POST", "/_sim/reset", gs_sim_reset, NULL },
};

const size_t gs_routes_nr = IR_ARRAY_SIZE(gs_routes);
