/* SPDX-License-Identifier: MIT */
/*
 * authmethods.c - a user's registered authentication methods (v1.0) and
 * per-user MFA state (beta authentication/requirements); api-map.md §B.5.
 *
 * The fixture keeps each user's methods under users[].authenticationMethods
 * in the mixed-collection shape GET .../authentication/methods answers:
 * every element carries its "@odata.type" discriminator, which is also
 * how the typed lists (microsoftAuthenticatorMethods, phoneMethods) and
 * their DELETE pick their elements. Neither key is a user property, so
 * the users routes never show them.
 *
 * users[].perUserMfaState is the strongAuthenticationRequirements value
 * (disabled, enabled, enforced). As the resource page says, setting it to
 * "enabled" for a user who already has an MFA method registered makes it
 * "enforced" at once.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

#define T_AUTHENTICATOR \
	"#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
#define T_PHONE "#microsoft.graph.phoneAuthenticationMethod"
#define T_PASSWORD "#microsoft.graph.passwordAuthenticationMethod"

static yyjson_mut_val *
methods_of(yyjson_mut_val *user)
{
	return yyjson_mut_obj_get(user, "authenticationMethods");
}

static bool
has_type(yyjson_mut_val *m, const char *type)
{
	const char *t = yyjson_mut_get_str(yyjson_mut_obj_get(m,
							      "@odata.type"));

	return !type || (t && !strcmp(t, type));
}

/* The collection of the user's methods of `type` (NULL: all of them). */
static void
list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
     const char *type, const char *segment)
{
	yyjson_mut_val *user, *root, *arr, *m;
	yyjson_mut_arr_iter it;
	yyjson_mut_doc *doc;
	struct ir_buf ctx = IR_BUF_INIT;

	if (!gs_user_find(&user, gs, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	arr = yyjson_mut_arr(doc);
	ir_buf_addf(&ctx, GS_GRAPH_HOST "/v1.0/$metadata#users('%s')/"
		    "authentication/%s", req->params[0], segment);
	yyjson_mut_obj_add_strcpy(doc, root, "@odata.context", ctx.buf);
	it = yyjson_mut_arr_iter_with(methods_of(user));
	while ((m = yyjson_mut_arr_iter_next(&it)))
		if (has_type(m, type))
			yyjson_mut_arr_append(arr,
					yyjson_mut_val_mut_copy(doc, m));
	yyjson_mut_obj_add_val(doc, root, "value", arr);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
	ir_buf_release(&ctx);
}

void
gs_authm_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	list(gs, req, resp, NULL, "methods");
}

void
gs_authm_list_authenticator(struct gs_server *gs, struct gs_req *req,
			    struct gs_resp *resp)
{
	list(gs, req, resp, T_AUTHENTICATOR, "microsoftAuthenticatorMethods");
}

void
gs_authm_list_phone(struct gs_server *gs, struct gs_req *req,
		    struct gs_resp *resp)
{
	list(gs, req, resp, T_PHONE, "phoneMethods");
}

static void
delete(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
       const char *type)
{
	yyjson_mut_val *user, *arr;
	size_t n;

	if (!gs_user_find(&user, gs, req, resp))
		return;
	arr = methods_of(user);
	n = yyjson_mut_arr_size(arr);
	for (size_t i = 0; i < n; i++) {
		yyjson_mut_val *m = yyjson_mut_arr_get(arr, i);
		const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(m,
								     "id"));

		if (id && gs_str_eq_ci(id, req->params[1]) &&
		    has_type(m, type)) {
			yyjson_mut_arr_remove(arr, i);
			resp->status = 204;
			resp->content_type = NULL;
			return;
		}
	}
	gs_graph_error(resp, req, 404, "itemNotFound",
		       "The requested authentication method '%s' was not "
		       "found.", req->params[1]);
}

void
gs_authm_delete_authenticator(struct gs_server *gs, struct gs_req *req,
			      struct gs_resp *resp)
{
	delete(gs, req, resp, T_AUTHENTICATOR);
}

void
gs_authm_delete_phone(struct gs_server *gs, struct gs_req *req,
		      struct gs_resp *resp)
{
	delete(gs, req, resp, T_PHONE);
}

void
gs_authreq_get(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp)
{
	yyjson_mut_val *user, *root, *state;
	yyjson_mut_doc *doc;

	if (!gs_user_find(&user, gs, req, resp))
		return;
	state = yyjson_mut_obj_get(user, "perUserMfaState");
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	yyjson_mut_obj_add_strcpy(doc, root, "perUserMfaState",
				  yyjson_mut_is_str(state) ?
				  yyjson_mut_get_str(state) : "disabled");
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

/* Has the user an MFA method, i.e. any method but the password? */
static bool
has_mfa_method(yyjson_mut_val *user)
{
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(methods_of(user));
	yyjson_mut_val *m;

	while ((m = yyjson_mut_arr_iter_next(&it)))
		if (!has_type(m, T_PASSWORD))
			return true;
	return false;
}

/* The new state from the body, or NULL with a 400 in resp. */
static const char *
parse_state(struct gs_req *req, struct gs_resp *resp)
{
	static const char *const states[] = { "disabled", "enabled",
					      "enforced" };
	yyjson_doc *in = yyjson_read(req->body.buf, req->body.len, 0);
	yyjson_val *root = yyjson_doc_get_root(in);
	const char *s = yyjson_get_str(yyjson_obj_get(root,
						      "perUserMfaState"));
	const char *found = NULL;

	for (size_t i = 0; s && i < IR_ARRAY_SIZE(states); i++)
		if (!strcmp(s, states[i]))
			found = states[i];
	if (found && yyjson_obj_size(root) != 1)
		found = NULL;
	yyjson_doc_free(in);
	if (!found)
		gs_graph_error(resp, req, 400, "badRequest",
			       "Invalid request body: perUserMfaState must "
			       "be one of disabled, enabled, enforced.");
	return found;
}

void
gs_authreq_patch(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	yyjson_mut_val *user;
	const char *state;

	if (!gs_user_find(&user, gs, req, resp))
		return;
	state = parse_state(req, resp);
	if (!state)
		return;
	if (!strcmp(state, "enabled") && has_mfa_method(user))
		state = "enforced";
	yyjson_mut_obj_put(user, yyjson_mut_str(gs->state.doc,
						"perUserMfaState"),
			   yyjson_mut_str(gs->state.doc, state));
	resp->status = 204;
	resp->content_type = NULL;
}
