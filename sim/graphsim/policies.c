/* SPDX-License-Identifier: MIT */
/*
 * policies.c - the tenant-wide MFA switches and the risk and registration
 * reports (api-map.md §B.T1, §B.T5): Conditional Access policies (list,
 * create), security defaults (get, update), the authentication methods
 * userRegistrationDetails report, and Identity Protection's riskyUsers
 * (list, get, confirmCompromised, dismiss).
 *
 * Security defaults and Conditional Access exclude each other: the
 * service won't turn security defaults on while Conditional Access
 * policies are on ("If you're using Conditional Access and have
 * Conditional Access policies enabled in your environment, security
 * defaults won't be available to you", security-defaults.md). graphsim
 * counts a policy as on unless its state is "disabled": report-only
 * policies are on too. That answer is a 400 in Graph's error shape; the
 * real error code is not documented.
 *
 * Two documented permission rules are conjunctions (api-map.md §B.T1):
 * creating a policy wants Policy.Read.All and Policy.ReadWrite.
 * ConditionalAccess and Application.Read.All; updating security defaults
 * wants Policy.Read.All and Policy.ReadWrite.ConditionalAccess. The
 * routing table checks the write permission; the handler checks the rest.
 *
 * A created policy is stored as the service answers it
 * (conditionalaccessroot-post-policies.md example 1): every condition set
 * filled in with its empty value, in the service's order, and the state
 * the body asked for (enabled, disabled or
 * enabledForReportingButNotEnforced).
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

#define CA_ARRAY "conditionalAccessPolicies"
#define SD_KEY "identitySecurityDefaultsEnforcementPolicy"

/* conditionalaccessroot-post-policies.md, example 1's answer. */
static const char ca_template[] =
	"{\"id\":null,\"displayName\":null,\"createdDateTime\":null,"
	"\"modifiedDateTime\":null,\"state\":null,\"sessionControls\":null,"
	"\"conditions\":{\"signInRiskLevels\":[],\"clientAppTypes\":[],"
	"\"platforms\":null,\"locations\":null,"
	"\"applications\":{\"includeApplications\":[],"
	"\"excludeApplications\":[],\"includeUserActions\":[]},"
	"\"users\":{\"includeUsers\":[],\"excludeUsers\":[],"
	"\"includeGroups\":[],\"excludeGroups\":[],\"includeRoles\":[],"
	"\"excludeRoles\":[]}},"
	"\"grantControls\":{\"operator\":\"OR\",\"builtInControls\":[],"
	"\"customAuthenticationFactors\":[],\"termsOfUse\":[]}}";

static const char *const ca_states[] = {
	"enabled", "disabled", "enabledForReportingButNotEnforced",
};

/* The second half of a documented "A and B" permission rule. */
static bool
also_needs(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	   const char *const *perms)
{
	return gs_auth_check(gs, req, perms, resp);
}

void
gs_ca_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	struct gs_dir_list l = {
		.context = "conditionalAccess/policies",
		.type = "microsoft.graph.conditionalAccessPolicy",
		.items = gs_dir_array(&gs->state, CA_ARRAY, false),
	};

	gs_dir_list(gs, req, resp, &l);
}

static bool
is_str_array(yyjson_val *v)
{
	yyjson_val *e;
	yyjson_arr_iter it = yyjson_arr_iter_with(v);

	if (!yyjson_is_arr(v))
		return false;
	while ((e = yyjson_arr_iter_next(&it)))
		if (!yyjson_is_str(e))
			return false;
	return true;
}

/* NULL when the body can be a policy; else what is wrong with it. */
static const char *
check_policy(yyjson_val *b)
{
	const char *state = yyjson_get_str(yyjson_obj_get(b, "state"));
	yyjson_val *c = yyjson_obj_get(b, "conditions");
	yyjson_val *g = yyjson_obj_get(b, "grantControls");
	bool known = false;

	if (!yyjson_is_str(yyjson_obj_get(b, "displayName")))
		return "displayName is required";
	for (size_t i = 0; state && i < IR_ARRAY_SIZE(ca_states); i++)
		known |= !strcmp(state, ca_states[i]);
	if (!known)
		return "state must be enabled, disabled or "
		       "enabledForReportingButNotEnforced";
	if (yyjson_obj_get(b, "id"))
		return "id is read-only";
	if (!yyjson_is_obj(c) ||
	    !yyjson_is_obj(yyjson_obj_get(c, "users")) ||
	    !yyjson_is_obj(yyjson_obj_get(c, "applications")))
		return "conditions.users and conditions.applications are "
		       "required";
	if (yyjson_obj_get(c, "clientAppTypes") &&
	    !is_str_array(yyjson_obj_get(c, "clientAppTypes")))
		return "conditions.clientAppTypes must be a string array";
	if (!yyjson_is_obj(g) &&
	    !yyjson_is_obj(yyjson_obj_get(b, "sessionControls")))
		return "grantControls or sessionControls is required";
	if (g && !is_str_array(yyjson_obj_get(g, "builtInControls")))
		return "grantControls.builtInControls must be a string array";
	return NULL;
}

/* The stored policy for body `b`: template, then body, then the ids. */
static yyjson_mut_val *
make_policy(struct gs_server *gs, yyjson_val *b)
{
	yyjson_mut_doc *sd = gs->state.doc;
	yyjson_doc *t = yyjson_read(ca_template, strlen(ca_template), 0);
	yyjson_mut_val *given = yyjson_val_mut_copy(sd, b), *p;
	char id[GS_GUID_LEN], now[40];

	if (!t)
		IR_BUG("bad conditionalAccessPolicy template");
	p = gs_dir_overlay(sd, yyjson_doc_get_root(t), given, NULL);
	yyjson_doc_free(t);
	gs_guid(gs, id);
	gs_format_time(now, gs_now());
	yyjson_mut_obj_put(p, yyjson_mut_str(sd, "id"),
			   yyjson_mut_strcpy(sd, id));
	yyjson_mut_obj_put(p, yyjson_mut_str(sd, "createdDateTime"),
			   yyjson_mut_strcpy(sd, now));
	yyjson_mut_obj_put(p, yyjson_mut_str(sd, "modifiedDateTime"),
			   yyjson_mut_null(sd));
	return p;
}

void
gs_ca_create(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	static const char *const policy_read[] = { "Policy.Read.All", NULL };
	static const char *const app_read[] = {
		"Application.Read.All", "Application.ReadWrite.All", NULL,
	};
	yyjson_doc *in;
	yyjson_mut_val *p;
	yyjson_mut_doc *doc;
	const char *why;

	if (!also_needs(gs, req, resp, policy_read) ||
	    !also_needs(gs, req, resp, app_read) ||
	    !(in = gs_dir_body(req, resp)))
		return;
	why = check_policy(yyjson_doc_get_root(in));
	if (why) {
		gs_graph_error(resp, req, 400, "BadRequest",
			       "Invalid policy: %s.", why);
		yyjson_doc_free(in);
		return;
	}
	p = make_policy(gs, yyjson_doc_get_root(in));
	yyjson_doc_free(in);
	yyjson_mut_arr_append(gs_dir_array(&gs->state, CA_ARRAY, true), p);
	doc = yyjson_mut_doc_new(NULL);
	gs_dir_entity(resp, doc, "conditionalAccess/policies",
		      yyjson_mut_val_mut_copy(doc, p));
	resp->status = 201;
	yyjson_mut_doc_free(doc);
}

/* Security defaults ---------------------------------------------------- */

static yyjson_mut_val *
security_defaults(struct gs_state *st)
{
	return yyjson_mut_obj_get(yyjson_mut_doc_get_root(st->doc), SD_KEY);
}

void
gs_secdef_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *sd = security_defaults(&gs->state), *root, *k;
	yyjson_mut_doc *doc;
	yyjson_mut_obj_iter it;

	if (!yyjson_mut_is_obj(sd)) {
		gs_dir_not_found(resp, req, SD_KEY);
		return;
	}
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	/* Not "/$entity": the docs' answer names the singleton itself. */
	yyjson_mut_obj_add_str(doc, root, "@odata.context", GS_GRAPH_HOST
			       "/v1.0/$metadata#policies/" SD_KEY);
	it = yyjson_mut_obj_iter_with(sd);
	while ((k = yyjson_mut_obj_iter_next(&it)))
		yyjson_mut_obj_add(root, yyjson_mut_val_mut_copy(doc, k),
				   yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

/* The first Conditional Access policy that is on, or NULL. */
static const char *
policy_on(struct gs_state *st)
{
	yyjson_mut_val *arr = gs_dir_array(st, CA_ARRAY, false), *p;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(arr);

	while ((p = yyjson_mut_arr_iter_next(&it))) {
		const char *s = yyjson_mut_get_str(yyjson_mut_obj_get(p,
								    "state"));
		const char *n = yyjson_mut_get_str(yyjson_mut_obj_get(p,
							"displayName"));

		if (!s || strcmp(s, "disabled"))
			return n ? n : "(unnamed)";
	}
	return NULL;
}

void
gs_secdef_patch(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	static const char *const policy_read[] = { "Policy.Read.All", NULL };
	yyjson_mut_val *sd = security_defaults(&gs->state);
	yyjson_doc *in;
	yyjson_val *root, *on;
	const char *blocker;

	if (!also_needs(gs, req, resp, policy_read) ||
	    !(in = gs_dir_body(req, resp)))
		return;
	root = yyjson_doc_get_root(in);
	on = yyjson_obj_get(root, "isEnabled");
	if (!yyjson_is_bool(on) || yyjson_obj_size(root) != 1) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "Only isEnabled (a Boolean) can be updated.");
	} else if (yyjson_get_bool(on) &&
		   (blocker = policy_on(&gs->state))) {
		gs_graph_error(resp, req, 400, "BadRequest",
			       "Security defaults cannot be enabled while "
			       "Conditional Access policies are enabled "
			       "('%s').", blocker);
	} else if (!yyjson_mut_is_obj(sd)) {
		gs_dir_not_found(resp, req, SD_KEY);
	} else {
		yyjson_mut_obj_put(sd, yyjson_mut_str(gs->state.doc,
						      "isEnabled"),
				   yyjson_mut_bool(gs->state.doc,
						   yyjson_get_bool(on)));
		gs_dir_no_content(resp);
	}
	yyjson_doc_free(in);
}

/* Registration details ------------------------------------------------- */

void
gs_regdetails_list(struct gs_server *gs, struct gs_req *req,
		   struct gs_resp *resp)
{
	struct gs_dir_list l = {
		.context = "reports/authenticationMethods/"
			   "userRegistrationDetails",
		.type = "microsoft.graph.userRegistrationDetails",
		.items = gs_dir_array(&gs->state, "userRegistrationDetails",
				      false),
	};

	gs_dir_list(gs, req, resp, &l);
}

/* Risky users ---------------------------------------------------------- */

/* riskyuser-list.md: each element names its type. */
static yyjson_mut_val *
render_risky(struct gs_server *gs, struct gs_req *req, yyjson_mut_doc *doc,
	     yyjson_mut_val *ru, void *ctx)
{
	yyjson_mut_val *out = yyjson_mut_obj(doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(ru);

	(void)gs;
	(void)req;
	(void)ctx;
	yyjson_mut_obj_add_str(doc, out, "@odata.type",
			       "#microsoft.graph.riskyUser");
	while ((k = yyjson_mut_obj_iter_next(&it)))
		yyjson_mut_obj_add(out, yyjson_mut_val_mut_copy(doc, k),
				   yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	return out;
}

void
gs_risky_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	struct gs_dir_list l = {
		.context = "identityProtection/riskyUsers",
		.type = "microsoft.graph.riskyUser",
		.items = gs_dir_array(&gs->state, "riskyUsers", false),
		.render = render_risky,
	};

	gs_dir_list(gs, req, resp, &l);
}

void
gs_risky_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *ru = gs_dir_find(gs_dir_array(&gs->state,
						"riskyUsers", false),
					 "id", req->params[0], NULL);
	yyjson_mut_doc *doc;

	if (!ru) {
		gs_dir_not_found(resp, req, req->params[0]);
		return;
	}
	doc = yyjson_mut_doc_new(NULL);
	gs_dir_entity(resp, doc, "identityProtection/riskyUsers",
		      render_risky(gs, req, doc, ru, NULL));
	yyjson_mut_doc_free(doc);
}

/* What an admin action leaves in a riskyUser (resources/riskyuser.md). */
struct verdict {
	const char *level, *state, *detail;
	bool create; /* may a user with no risk record get one? */
};

static const struct verdict v_compromised = {
	"high", "confirmedCompromised", "adminConfirmedUserCompromised", true,
};

static const struct verdict v_dismissed = {
	"none", "dismissed", "adminDismissedAllRiskForUser", false,
};

static void
put_str(yyjson_mut_doc *d, yyjson_mut_val *o, const char *k, const char *v)
{
	yyjson_mut_obj_put(o, yyjson_mut_strcpy(d, k),
			   v ? yyjson_mut_strcpy(d, v) : yyjson_mut_null(d));
}

/* The riskyUser record of `user`, made when the verdict allows it. */
static yyjson_mut_val *
risky_record(struct gs_state *st, yyjson_mut_val *user, bool create)
{
	yyjson_mut_val *arr = gs_dir_array(st, "riskyUsers", create), *ru;
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(user, "id"));

	ru = gs_dir_find(arr, "id", id, NULL);
	if (ru || !create)
		return ru;
	ru = yyjson_mut_obj(st->doc);
	put_str(st->doc, ru, "id", id);
	yyjson_mut_obj_add_false(st->doc, ru, "isDeleted");
	yyjson_mut_obj_add_false(st->doc, ru, "isProcessing");
	put_str(st->doc, ru, "userDisplayName", yyjson_mut_get_str(
			yyjson_mut_obj_get(user, "displayName")));
	put_str(st->doc, ru, "userPrincipalName", yyjson_mut_get_str(
			yyjson_mut_obj_get(user, "userPrincipalName")));
	yyjson_mut_arr_append(arr, ru);
	return ru;
}

/* Every userIds element is a known user; else a 400 naming the first. */
static bool
check_user_ids(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp, yyjson_val *ids)
{
	yyjson_arr_iter it = yyjson_arr_iter_with(ids);
	yyjson_val *v;

	if (!yyjson_is_arr(ids) || !yyjson_arr_size(ids)) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "userIds must be a non-empty array of user "
			       "ids.");
		return false;
	}
	while ((v = yyjson_arr_iter_next(&it))) {
		if (yyjson_is_str(v) && !strchr(yyjson_get_str(v), '@') &&
		    gs_state_user(&gs->state, yyjson_get_str(v)))
			continue;
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "userIds holds an unknown user id.");
		return false;
	}
	return true;
}

static void
judge(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
      const struct verdict *vd)
{
	yyjson_doc *in = gs_dir_body(req, resp);
	yyjson_val *ids = yyjson_obj_get(yyjson_doc_get_root(in), "userIds");
	yyjson_arr_iter it;
	yyjson_val *v;
	char now[40];

	if (!in || !check_user_ids(gs, req, resp, ids))
		goto out;
	gs_format_time(now, gs_now());
	it = yyjson_arr_iter_with(ids);
	while ((v = yyjson_arr_iter_next(&it))) {
		yyjson_mut_val *user = gs_state_user(&gs->state,
						     yyjson_get_str(v));
		yyjson_mut_val *ru = risky_record(&gs->state, user,
						  vd->create);

		if (!ru)
			continue;
		put_str(gs->state.doc, ru, "riskLevel", vd->level);
		put_str(gs->state.doc, ru, "riskState", vd->state);
		put_str(gs->state.doc, ru, "riskDetail", vd->detail);
		put_str(gs->state.doc, ru, "riskLastUpdatedDateTime", now);
	}
	gs_dir_no_content(resp);
out:
	yyjson_doc_free(in);
}

void
gs_risky_confirm(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	judge(gs, req, resp, &v_compromised);
}

void
gs_risky_dismiss(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	judge(gs, req, resp, &v_dismissed);
}
