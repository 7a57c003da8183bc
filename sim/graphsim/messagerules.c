/* SPDX-License-Identifier: MIT */
/*
 * messagerules.c - Graph v1.0 inbox rules of a user's mailbox:
 * GET .../mailFolders/inbox/messageRules, and GET, PATCH, DELETE of one
 * (api-map.md §B.3; api-examples/graph/users-mailFolders-inbox-*).
 *
 * Rules live in the fixture under mailboxes[].inboxRules[], in Graph's
 * messageRule shape, so the same object is what Graph serves and what
 * exo.c turns into Get-InboxRule rows: a change made through one API
 * shows in the other, as on the service. A rule with the graphsim-only
 * "hidden": true is one Graph cannot see (§B.3 caveat 3): it is left out
 * of the list and answers 404 by id; only Get-InboxRule -IncludeHidden
 * shows it. A user without a mailbox gets the Outlook REST error the
 * service gives for one (MailboxNotEnabledForRESTAPI).
 *
 * PATCH replaces each property it names, whole: the docs' example sends
 * "actions" with only markImportance and gets back exactly that.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

/* messageRule properties Graph returns, in the docs' order. */
static const char *const rule_props[] = {
	"id", "displayName", "sequence", "isEnabled", "hasError",
	"isReadOnly", "conditions", "actions", "exceptions",
};

/* The mailbox of the user named by {id}, or false with 404 in resp. */
static bool
find_mailbox(yyjson_mut_val **out, struct gs_server *gs, struct gs_req *req,
	     struct gs_resp *resp)
{
	yyjson_mut_val *user;
	const char *upn;

	if (!gs_user_find(&user, gs, req, resp))
		return false;
	upn = yyjson_mut_get_str(yyjson_mut_obj_get(user,
						     "userPrincipalName"));
	*out = upn ? gs_mailbox_find(&gs->state, upn) : NULL;
	if (*out)
		return true;
	gs_graph_error(resp, req, 404, "MailboxNotEnabledForRESTAPI",
		       "The mailbox is either inactive, soft-deleted, or is "
		       "hosted on-premise.");
	return false;
}

static bool
rule_hidden(yyjson_mut_val *rule)
{
	return yyjson_mut_is_true(yyjson_mut_obj_get(rule, "hidden"));
}

/* The visible rule named by {rule}, its index in *idx; or 404. */
static yyjson_mut_val *
find_rule(size_t *idx, yyjson_mut_val *mbx, struct gs_req *req,
	  struct gs_resp *resp)
{
	yyjson_mut_val *rules = yyjson_mut_obj_get(mbx, "inboxRules");
	size_t n = yyjson_mut_arr_size(rules);

	for (size_t i = 0; i < n; i++) {
		yyjson_mut_val *r = yyjson_mut_arr_get(rules, i);
		const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(r,
								     "id"));

		if (id && !strcmp(id, req->params[1]) && !rule_hidden(r)) {
			*idx = i;
			return r;
		}
	}
	gs_graph_error(resp, req, 404, "ErrorItemNotFound",
		       "The specified object was not found in the store.");
	return NULL;
}

static yyjson_mut_val *
render(yyjson_mut_doc *doc, yyjson_mut_val *out, yyjson_mut_val *rule)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(rule_props); i++) {
		yyjson_mut_val *v = yyjson_mut_obj_get(rule, rule_props[i]);

		if (v)
			yyjson_mut_obj_add_val(doc, out, rule_props[i],
					yyjson_mut_val_mut_copy(doc, v));
	}
	return out;
}

static void
add_context(yyjson_mut_doc *doc, yyjson_mut_val *root,
	    const struct gs_req *req, bool entity)
{
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addf(&ctx, GS_GRAPH_HOST "/v1.0/$metadata#users('%s')/"
		    "mailFolders('inbox')/messageRules%s", req->params[0],
		    entity ? "/$entity" : "");
	yyjson_mut_obj_add_strcpy(doc, root, "@odata.context", ctx.buf);
	ir_buf_release(&ctx);
}

static void
answer_rule(struct gs_resp *resp, const struct gs_req *req,
	    yyjson_mut_val *rule)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);

	add_context(doc, root, req, true);
	render(doc, root, rule);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

void
gs_rules_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *mbx, *root, *arr, *r;
	yyjson_mut_arr_iter it;
	yyjson_mut_doc *doc;

	if (!find_mailbox(&mbx, gs, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	arr = yyjson_mut_arr(doc);
	add_context(doc, root, req, false);
	it = yyjson_mut_arr_iter_with(yyjson_mut_obj_get(mbx, "inboxRules"));
	while ((r = yyjson_mut_arr_iter_next(&it)))
		if (!rule_hidden(r))
			yyjson_mut_arr_append(arr, render(doc,
						yyjson_mut_obj(doc), r));
	yyjson_mut_obj_add_val(doc, root, "value", arr);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

void
gs_rules_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *mbx, *rule;
	size_t idx;

	if (!find_mailbox(&mbx, gs, req, resp))
		return;
	rule = find_rule(&idx, mbx, req, resp);
	if (rule)
		answer_rule(resp, req, rule);
}

/* The JSON type each writable property must have (messagerule-update.md). */
static bool
patch_type_ok(const char *name, yyjson_mut_val *v)
{
	if (!strcmp(name, "displayName"))
		return yyjson_mut_is_str(v);
	if (!strcmp(name, "sequence"))
		return yyjson_mut_is_int(v);
	if (!strcmp(name, "isEnabled") || !strcmp(name, "isReadOnly"))
		return yyjson_mut_is_bool(v);
	if (!strcmp(name, "conditions") || !strcmp(name, "actions") ||
	    !strcmp(name, "exceptions"))
		return yyjson_mut_is_obj(v) || yyjson_mut_is_null(v);
	return false;
}

static bool
check_patch(yyjson_mut_val *body, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(body);
	yyjson_mut_val *k;

	while ((k = yyjson_mut_obj_iter_next(&it))) {
		const char *name = yyjson_mut_get_str(k);

		if (patch_type_ok(name, yyjson_mut_obj_iter_get_val(k)))
			continue;
		gs_graph_error(resp, req, 400, "ErrorInvalidRequest",
			       "Property '%s' is read-only, unknown or has a "
			       "value of the wrong type on type "
			       "'microsoft.graph.messageRule'.", name);
		return false;
	}
	return true;
}

/* The request body as a JSON object, or NULL with a 400 in resp. */
static yyjson_mut_doc *
read_body(struct gs_req *req, struct gs_resp *resp)
{
	yyjson_doc *in = yyjson_read(req->body.buf, req->body.len, 0);
	yyjson_mut_doc *m;

	if (!in || !yyjson_is_obj(yyjson_doc_get_root(in))) {
		yyjson_doc_free(in);
		gs_graph_error(resp, req, 400, "BadRequest",
			       "Unable to read JSON request payload. Please "
			       "ensure Content-Type header is set and "
			       "payload is of valid JSON format.");
		return NULL;
	}
	m = yyjson_doc_mut_copy(in, NULL);
	yyjson_doc_free(in);
	return m;
}

static bool
writable(yyjson_mut_val *rule, struct gs_req *req, struct gs_resp *resp)
{
	if (!yyjson_mut_is_true(yyjson_mut_obj_get(rule, "isReadOnly")))
		return true;
	gs_graph_error(resp, req, 400, "ErrorInvalidRequest",
		       "The rule is read-only and cannot be modified or "
		       "deleted by the rules REST API.");
	return false;
}

void
gs_rules_patch(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp)
{
	yyjson_mut_val *mbx, *rule, *body, *k;
	yyjson_mut_obj_iter it;
	yyjson_mut_doc *in;
	size_t idx;

	if (!find_mailbox(&mbx, gs, req, resp))
		return;
	rule = find_rule(&idx, mbx, req, resp);
	if (!rule || !writable(rule, req, resp))
		return;
	in = read_body(req, resp);
	if (!in)
		return;
	body = yyjson_mut_doc_get_root(in);
	if (check_patch(body, req, resp)) {
		it = yyjson_mut_obj_iter_with(body);
		while ((k = yyjson_mut_obj_iter_next(&it)))
			yyjson_mut_obj_put(rule,
				yyjson_mut_strcpy(gs->state.doc,
						  yyjson_mut_get_str(k)),
				yyjson_mut_val_mut_copy(gs->state.doc,
					yyjson_mut_obj_iter_get_val(k)));
		answer_rule(resp, req, rule);
	}
	yyjson_mut_doc_free(in);
}

void
gs_rules_delete(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	yyjson_mut_val *mbx, *rule;
	size_t idx;

	if (!find_mailbox(&mbx, gs, req, resp))
		return;
	rule = find_rule(&idx, mbx, req, resp);
	if (!rule || !writable(rule, req, resp))
		return;
	yyjson_mut_arr_remove(yyjson_mut_obj_get(mbx, "inboxRules"), idx);
	resp->status = 204;
	resp->content_type = NULL;
}
