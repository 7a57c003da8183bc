/* SPDX-License-Identifier: MIT */
/*
 * users.c - Graph v1.0 users: list, get, update, revokeSignInSessions.
 *
 * Contracts (api-examples/graph/SOURCES.md): user-list.md (paged by
 * @odata.nextLink carrying $skiptoken; $top 1..999, default page 100),
 * user-get.md (by id or userPrincipalName; $select), user-update.md
 * (204 No Content), user-revokesigninsessions.md (200 with
 * {"@odata.context":...#Edm.Boolean,"value":true}; api-map.md §B.1).
 *
 * Without $select Graph v1.0 returns a fixed default set of properties in
 * a fixed order (default_props); with it, the named ones, null for a known
 * property the user has no value for, and 400 for an unknown name.
 * passwordProfile is write-only: it reads back as null, as on the service.
 *
 * $count=true takes ConsistencyLevel: eventual (parse_count).
 *
 * NEEDSWORK: $filter, $orderby, $search and $expand are answered
 * with 400 so a client never mistakes an unfiltered list for a filtered
 * one; the $filter forms m365ir sends are the next step.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "sim/graphsim/odata.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define USERS_PAGE_DEFAULT 100
#define USERS_PAGE_MAX 999

static const char *const default_props[] = {
	"businessPhones", "displayName", "givenName", "jobTitle", "mail",
	"mobilePhone", "officeLocation", "preferredLanguage", "surname",
	"userPrincipalName", "id",
};

/* Properties $select may name besides the defaults (user resource). */
static const char *const other_props[] = {
	"accountEnabled", "ageGroup", "city", "companyName", "country",
	"createdDateTime", "creationType", "department", "employeeId",
	"externalUserState", "identities", "lastPasswordChangeDateTime",
	"mailNickname", "onPremisesImmutableId", "onPremisesSyncEnabled",
	"otherMails", "passwordPolicies", "passwordProfile", "proxyAddresses",
	"signInSessionsValidFromDateTime", "state", "usageLocation",
	"userType",
};

static const char *const unsupported_options[] = {
	"$filter", "$orderby", "$search", "$expand",
};

/*
 * knobs: $count=true on the list needs "ConsistencyLevel: eventual"
 * (advanced queries); without it the service answers 400
 * Request_BadRequest "$count is not currently supported." (as reported
 * in microsoftgraph/microsoft-graph-docs#13226). @odata.count is on the
 * first page only (paging.md), so not with $skiptoken.
 */
static bool
parse_count(bool *out, struct gs_req *req, struct gs_resp *resp)
{
	const char *s = gs_query(req, "$count");
	const char *cl = gs_header(req, "ConsistencyLevel");

	*out = false;
	if (!s || !strcmp(s, "false"))
		return true;
	if (strcmp(s, "true")) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "Invalid value '%s' for $count.", s);
		return false;
	}
	if (!cl || !gs_str_eq_ci(cl, "eventual")) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "$count is not currently supported.");
		return false;
	}
	*out = !gs_query(req, "$skiptoken");
	return true;
}

/* The property's canonical name, or NULL when users have no such one. */
static const char *
canonical_prop(const char *name, size_t len)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(default_props); i++)
		if (ir_strn_eq_ci(name, len, default_props[i]))
			return default_props[i];
	for (size_t i = 0; i < IR_ARRAY_SIZE(other_props); i++)
		if (ir_strn_eq_ci(name, len, other_props[i]))
			return other_props[i];
	return NULL;
}

struct select {
	const char *props[IR_ARRAY_SIZE(default_props) +
			  IR_ARRAY_SIZE(other_props)];
	size_t nr;
	bool given;
};

/* Parse $select into `sel`; false with a 400 answer on a bad name. */
static bool
parse_select(struct select *sel, struct gs_req *req, struct gs_resp *resp)
{
	const char *s = gs_query(req, "$select"), *end, *p;
	size_t len;

	memset(sel, 0, sizeof(*sel));
	if (!s) {
		for (size_t i = 0; i < IR_ARRAY_SIZE(default_props); i++)
			sel->props[sel->nr++] = default_props[i];
		return true;
	}
	sel->given = true;
	for (; *s; s = *end ? end + 1 : end) {
		end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		while (s < end && *s == ' ')
			s++;
		len = (size_t)(end - s);
		while (len && s[len - 1] == ' ')
			len--;
		p = canonical_prop(s, len);
		if (!p) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "Could not find a property named '%.*s'"
				       " on type 'microsoft.graph.user'.",
				       (int)len, s);
			return false;
		}
		if (sel->nr < IR_ARRAY_SIZE(sel->props))
			sel->props[sel->nr++] = p;
	}
	return true;
}

static bool
check_options(struct gs_req *req, struct gs_resp *resp)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(unsupported_options); i++)
		if (gs_query(req, unsupported_options[i])) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "graphsim does not implement %s on "
				       "users yet.", unsupported_options[i]);
			return false;
		}
	return true;
}

static void
add_context(yyjson_mut_doc *doc, yyjson_mut_val *root,
	    const struct select *sel, bool entity)
{
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addstr(&ctx, GS_GRAPH_HOST "/v1.0/$metadata#users");
	if (sel->given) {
		ir_buf_addch(&ctx, '(');
		for (size_t i = 0; i < sel->nr; i++)
			ir_buf_addf(&ctx, "%s%s", i ? "," : "",
				    sel->props[i]);
		ir_buf_addch(&ctx, ')');
	}
	if (entity)
		ir_buf_addstr(&ctx, "/$entity");
	yyjson_mut_obj_add_strcpy(doc, root, "@odata.context", ctx.buf);
	ir_buf_release(&ctx);
}

/* Add the selected properties of `user` to the object `out`. */
static yyjson_mut_val *
render(yyjson_mut_doc *doc, yyjson_mut_val *out, yyjson_mut_val *user,
       const struct select *sel)
{
	yyjson_mut_val *v;

	for (size_t i = 0; i < sel->nr; i++) {
		v = yyjson_mut_obj_get(user, sel->props[i]);
		if (!v || !strcmp(sel->props[i], "passwordProfile"))
			v = yyjson_mut_null(doc);
		else
			v = yyjson_mut_val_mut_copy(doc, v);
		yyjson_mut_obj_add_val(doc, out, sel->props[i], v);
	}
	return out;
}

bool
gs_user_find(yyjson_mut_val **out, struct gs_server *gs, struct gs_req *req,
	  struct gs_resp *resp)
{
	*out = gs_state_user(&gs->state, req->params[0]);
	if (*out)
		return true;
	gs_graph_error(resp, req, 404, "Request_ResourceNotFound",
		       "Resource '%s' does not exist or one of its queried "
		       "reference-property objects are not present.",
		       req->params[0]);
	return false;
}

void
gs_users_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	struct select sel;
	yyjson_mut_val *user, *root;
	yyjson_mut_doc *doc;

	if (!check_options(req, resp) || !parse_select(&sel, req, resp) ||
	    !gs_user_find(&user, gs, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	add_context(doc, root, &sel, true);
	render(doc, root, user, &sel);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

/* $top: 1..999 (user-list.md); 400 otherwise. */
static bool
parse_top(size_t *out, struct gs_req *req, struct gs_resp *resp)
{
	const char *s = gs_query(req, "$top");
	int top;

	*out = USERS_PAGE_DEFAULT;
	if (!s)
		return true;
	if (ir_parse_int(&top, s, strlen(s), 1, USERS_PAGE_MAX, NULL)) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "Invalid page size specified: '%s'. Must be "
			       "between 1 and %d inclusive.", s,
			       USERS_PAGE_MAX);
		return false;
	}
	*out = (size_t)top;
	return true;
}

void
gs_users_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *users = gs_state_users(&gs->state), *root, *arr;
	yyjson_mut_doc *doc;
	struct select sel;
	size_t top, off, n = yyjson_mut_arr_size(users);
	yyjson_mut_arr_iter it;
	bool count;

	if (!check_options(req, resp) || !parse_select(&sel, req, resp) ||
	    !parse_top(&top, req, resp) ||
	    !gs_odata_skiptoken(&off, req, resp, "Request_BadRequest") ||
	    !parse_count(&count, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	arr = yyjson_mut_arr(doc);
	add_context(doc, root, &sel, false);
	if (count)
		yyjson_mut_obj_add_uint(doc, root, "@odata.count", n);
	/*
	 * yyjson_mut_arr_get() walks from the head, so indexing each user
	 * made a page cost O(offset * top); walk once instead.
	 */
	it = yyjson_mut_arr_iter_with(users);
	for (size_t i = 0; i < off && yyjson_mut_arr_iter_next(&it); i++)
		;
	for (size_t i = off; i < n && i < off + top; i++)
		yyjson_mut_arr_append(arr, render(doc, yyjson_mut_obj(doc),
					       yyjson_mut_arr_iter_next(&it),
					       &sel));
	/* paging.md: nextLink only while more results remain. */
	if (off + top < n) {
		struct ir_buf link = IR_BUF_INIT;

		gs_odata_next_link(&link, gs, req, off + top);
		yyjson_mut_obj_add_strcpy(doc, root, "@odata.nextLink",
					  link.buf);
		ir_buf_release(&link);
	}
	yyjson_mut_obj_add_val(doc, root, "value", arr);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

void
gs_users_revoke(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	yyjson_mut_val *user, *root;
	yyjson_mut_doc *doc;
	char now[40];

	if (!gs_user_find(&user, gs, req, resp))
		return;
	gs_format_time(now, gs_now());
	yyjson_mut_obj_put(user, yyjson_mut_strcpy(gs->state.doc,
			   "signInSessionsValidFromDateTime"),
			   yyjson_mut_strcpy(gs->state.doc, now));
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	yyjson_mut_obj_add_str(doc, root, "@odata.context",
			       GS_GRAPH_HOST "/v1.0/$metadata#Edm.Boolean");
	yyjson_mut_obj_add_true(doc, root, "value");
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}
