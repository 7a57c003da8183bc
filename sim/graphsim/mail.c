/* SPDX-License-Identifier: MIT */
/*
 * mail.c - a user's mailbox settings and sending mail as the user:
 * GET and PATCH /v1.0/users/{id}/mailboxSettings (user-get-mailboxsettings
 * .md, user-update-mailboxsettings.md; api-map.md §B.3) and
 * POST /v1.0/users/{id}/sendMail (user-sendmail.md).
 *
 * Settings: every mailbox has the service's defaults (DEFAULTS below);
 * what was changed lives in the top-level fixture object "mailboxSettings"
 * keyed by user id, so a fixture can preset a user's automatic replies and
 * /_sim/state shows every PATCH. GET is the defaults overlaid with that.
 * mailboxSettings has no forwarding property (api-map.md: a confirmed gap;
 * forwarding is Get-Mailbox's ForwardingSmtpAddress in exo.c), so a PATCH
 * naming one is refused as an unknown property, as the service does.
 *
 * sendMail answers 202 with no body, as the service does; the message is
 * appended to the top-level "sentMail" array (created on first use) with
 * who sent it and when, so tests and the demo can see what m365ir sent.
 * Nothing is delivered anywhere.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

/* A fresh mailbox's settings, in the docs' property order. */
static const char DEFAULTS[] =
	"{\"archiveFolder\":\"AAMkAGI2TGuLAAA=\","
	"\"automaticRepliesSetting\":{\"status\":\"disabled\","
	"\"externalAudience\":\"all\","
	"\"scheduledStartDateTime\":{\"dateTime\":"
	"\"2024-01-01T00:00:00.0000000\",\"timeZone\":\"UTC\"},"
	"\"scheduledEndDateTime\":{\"dateTime\":"
	"\"2024-01-02T00:00:00.0000000\",\"timeZone\":\"UTC\"},"
	"\"internalReplyMessage\":\"\",\"externalReplyMessage\":\"\"},"
	"\"timeZone\":\"UTC\","
	"\"language\":{\"locale\":\"en-US\","
	"\"displayName\":\"English (United States)\"},"
	"\"workingHours\":{\"daysOfWeek\":[\"monday\",\"tuesday\","
	"\"wednesday\",\"thursday\",\"friday\"],"
	"\"startTime\":\"08:00:00.0000000\",\"endTime\":\"17:00:00.0000000\","
	"\"timeZone\":{\"name\":\"UTC\"}},"
	"\"dateFormat\":\"M/d/yyyy\",\"timeFormat\":\"h:mm tt\","
	"\"delegateMeetingMessageDeliveryOptions\":"
	"\"sendToDelegateAndInformationToPrincipal\"}";

/* The enumerations PATCH checks, in the service's spelling. */
static const char *const reply_status[] = {
	"disabled", "alwaysEnabled", "scheduled", NULL,
};
static const char *const reply_audience[] = {
	"none", "contactsOnly", "all", NULL,
};
static const char *const delegate_options[] = {
	"sendToDelegateAndInformationToPrincipal",
	"sendToDelegateAndPrincipal", "sendToDelegateOnly", NULL,
};

/* The user named by {id} and its id, or false with a 404 in resp. */
static bool
find_user(const char **id, struct gs_server *gs, struct gs_req *req,
	  struct gs_resp *resp)
{
	yyjson_mut_val *user;
	const char *upn;

	if (!gs_user_find(&user, gs, req, resp))
		return false;
	*id = yyjson_mut_get_str(yyjson_mut_obj_get(user, "id"));
	upn = yyjson_mut_get_str(yyjson_mut_obj_get(user,
						     "userPrincipalName"));
	if (*id && upn && gs_mailbox_find(&gs->state, upn))
		return true;
	gs_graph_error(resp, req, 404, "MailboxNotEnabledForRESTAPI",
		       "The mailbox is either inactive, soft-deleted, or is "
		       "hosted on-premise.");
	return false;
}

static void
add_context(yyjson_mut_doc *doc, yyjson_mut_val *root, const char *id)
{
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addf(&ctx, GS_GRAPH_HOST "/v1.0/$metadata#users('%s')/"
		    "mailboxSettings", id);
	yyjson_mut_obj_add_strcpy(doc, root, "@odata.context", ctx.buf);
	ir_buf_release(&ctx);
}

/* The user's settings: the defaults overlaid with the stored changes. */
static yyjson_mut_val *
settings(yyjson_mut_doc *doc, struct gs_server *gs, const char *id)
{
	yyjson_doc *def = yyjson_read(DEFAULTS, sizeof(DEFAULTS) - 1, 0);
	yyjson_mut_val *all, *out;

	all = yyjson_mut_obj_get(yyjson_mut_doc_get_root(gs->state.doc),
				 "mailboxSettings");
	out = gs_dir_overlay(doc, yyjson_doc_get_root(def),
			     yyjson_mut_obj_get(all, id), NULL);
	yyjson_doc_free(def);
	return out;
}

void
gs_mbxset_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_doc *doc;
	yyjson_mut_val *root, *ctx;
	const char *id;

	if (!find_user(&id, gs, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	ctx = yyjson_mut_obj(doc);
	add_context(doc, ctx, id);
	root = settings(doc, gs, id);
	/* @odata.context first, as the service sends it. */
	yyjson_mut_obj_insert(root, yyjson_mut_str(doc, "@odata.context"),
			      yyjson_mut_obj_get(ctx, "@odata.context"), 0);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

/* Rewrite the string `v` to its entry of `names` (case-insensitive). */
static bool
enum_fix(yyjson_mut_doc *doc, yyjson_mut_val *obj, const char *key,
	 const char *const *names)
{
	yyjson_mut_val *v = yyjson_mut_obj_get(obj, key);

	if (!v)
		return true;
	for (size_t i = 0; yyjson_mut_is_str(v) && names[i]; i++)
		if (gs_str_eq_ci(yyjson_mut_get_str(v), names[i])) {
			yyjson_mut_obj_put(obj, yyjson_mut_str(doc, key),
					   yyjson_mut_str(doc, names[i]));
			return true;
		}
	return false;
}

/* Is `name`'s value acceptable? Enumerations are respelled in place. */
static bool
patch_ok(yyjson_mut_doc *doc, yyjson_mut_val *body, const char *name,
	 yyjson_mut_val *v)
{
	if (!strncmp(name, "@odata.", 7))
		return true;
	if (!strcmp(name, "automaticRepliesSetting"))
		return yyjson_mut_is_obj(v) &&
		       enum_fix(doc, v, "status", reply_status) &&
		       enum_fix(doc, v, "externalAudience", reply_audience);
	if (!strcmp(name, "language") || !strcmp(name, "workingHours"))
		return yyjson_mut_is_obj(v);
	if (!strcmp(name, "delegateMeetingMessageDeliveryOptions"))
		return enum_fix(doc, body, name, delegate_options);
	return (!strcmp(name, "dateFormat") || !strcmp(name, "timeFormat") ||
		!strcmp(name, "timeZone")) && yyjson_mut_is_str(v);
}

static bool
check_patch(yyjson_mut_doc *doc, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *body = yyjson_mut_doc_get_root(doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(body);

	while ((k = yyjson_mut_obj_iter_next(&it))) {
		const char *name = yyjson_mut_get_str(k);

		if (patch_ok(doc, body, name, yyjson_mut_obj_iter_get_val(k)))
			continue;
		gs_graph_error(resp, req, 400, "RequestBodyRead",
			       "The property '%s' does not exist on type "
			       "'microsoft.graph.mailboxSettings' or its "
			       "value is not valid.", name);
		return false;
	}
	return true;
}

/* Merge `src` into the object `dst` of `doc`: objects key by key. */
static void
merge(yyjson_mut_doc *doc, yyjson_mut_val *dst, yyjson_mut_val *src)
{
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(src);
	yyjson_mut_val *k;

	while ((k = yyjson_mut_obj_iter_next(&it))) {
		const char *name = yyjson_mut_get_str(k);
		yyjson_mut_val *v = yyjson_mut_obj_iter_get_val(k);
		yyjson_mut_val *d = yyjson_mut_obj_get(dst, name);

		if (!strncmp(name, "@odata.", 7))
			continue;
		if (yyjson_mut_is_obj(v) && !yyjson_mut_is_obj(d)) {
			d = yyjson_mut_obj(doc);
			yyjson_mut_obj_put(dst, yyjson_mut_strcpy(doc, name),
					   d);
		}
		if (yyjson_mut_is_obj(v))
			merge(doc, d, v);
		else
			yyjson_mut_obj_put(dst, yyjson_mut_strcpy(doc, name),
					   yyjson_mut_val_mut_copy(doc, v));
	}
}

/* The stored changes of user `id`, made empty when absent. */
static yyjson_mut_val *
stored(struct gs_state *st, const char *id)
{
	yyjson_mut_doc *doc = st->doc;
	yyjson_mut_val *root = yyjson_mut_doc_get_root(doc);
	yyjson_mut_val *all = yyjson_mut_obj_get(root, "mailboxSettings");
	yyjson_mut_val *mine;

	if (!yyjson_mut_is_obj(all)) {
		all = yyjson_mut_obj(doc);
		yyjson_mut_obj_put(root, yyjson_mut_str(doc, "mailboxSettings"),
				   all);
	}
	mine = yyjson_mut_obj_get(all, id);
	if (!yyjson_mut_is_obj(mine)) {
		mine = yyjson_mut_obj(doc);
		yyjson_mut_obj_put(all, yyjson_mut_strcpy(doc, id), mine);
	}
	return mine;
}

/* The answer names the properties the request did, each in full. */
static void
answer_patch(struct gs_server *gs, struct gs_resp *resp, const char *id,
	     yyjson_mut_val *body)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc), *s, *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(body);

	add_context(doc, root, id);
	s = settings(doc, gs, id);
	while ((k = yyjson_mut_obj_iter_next(&it))) {
		const char *name = yyjson_mut_get_str(k);
		yyjson_mut_val *v = yyjson_mut_obj_get(s, name);

		if (v && strncmp(name, "@odata.", 7))
			yyjson_mut_obj_add(root, yyjson_mut_strcpy(doc, name),
					   yyjson_mut_val_mut_copy(doc, v));
	}
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

void
gs_mbxset_patch(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	yyjson_mut_doc *in;
	yyjson_doc *body;
	const char *id;

	if (!find_user(&id, gs, req, resp))
		return;
	body = gs_dir_body(req, resp);
	if (!body)
		return;
	in = yyjson_doc_mut_copy(body, NULL);
	yyjson_doc_free(body);
	if (check_patch(in, req, resp)) {
		merge(gs->state.doc, stored(&gs->state, id),
		      yyjson_mut_doc_get_root(in));
		answer_patch(gs, resp, id, yyjson_mut_doc_get_root(in));
	}
	yyjson_mut_doc_free(in);
}

/* Does `list` hold at least one recipient, each with an address? */
static bool
recipients_ok(yyjson_val *list, size_t *count)
{
	yyjson_arr_iter it = yyjson_arr_iter_with(list);
	yyjson_val *r;

	if (list && !yyjson_is_arr(list))
		return false;
	while ((r = yyjson_arr_iter_next(&it))) {
		if (!yyjson_is_str(yyjson_ptr_get(r, "/emailAddress/address")))
			return false;
		(*count)++;
	}
	return true;
}

static bool
check_message(yyjson_val *root, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_val *msg = yyjson_obj_get(root, "message");
	yyjson_val *save = yyjson_obj_get(root, "saveToSentItems");
	size_t n = 0;

	if (!yyjson_is_obj(msg) || (save && !yyjson_is_bool(save))) {
		gs_graph_error(resp, req, 400, "ErrorInvalidRequest",
			       "The request body must hold a 'message' object "
			       "and, optionally, a Boolean "
			       "'saveToSentItems'.");
		return false;
	}
	if (!recipients_ok(yyjson_obj_get(msg, "toRecipients"), &n) ||
	    !recipients_ok(yyjson_obj_get(msg, "ccRecipients"), &n) ||
	    !recipients_ok(yyjson_obj_get(msg, "bccRecipients"), &n) ||
	    !n) {
		gs_graph_error(resp, req, 400, "ErrorInvalidRecipients",
			       "At least one recipient is not valid., "
			       "Recipient is missing or has no address.");
		return false;
	}
	return true;
}

/* Append the message to the state's "sentMail" array. */
static void
record(struct gs_server *gs, const char *id, yyjson_val *root)
{
	yyjson_mut_doc *doc = gs->state.doc;
	yyjson_mut_val *sent = gs_dir_array(&gs->state, "sentMail", true);
	yyjson_mut_val *m = yyjson_mut_obj(doc);
	yyjson_val *save = yyjson_obj_get(root, "saveToSentItems");
	char guid[GS_GUID_LEN], when[40];

	gs_guid(gs, guid);
	gs_format_time(when, gs_now());
	yyjson_mut_obj_add_strcpy(doc, m, "id", guid);
	yyjson_mut_obj_add_strcpy(doc, m, "userId", id);
	yyjson_mut_obj_add_strcpy(doc, m, "sentDateTime", when);
	yyjson_mut_obj_add_bool(doc, m, "saveToSentItems",
				!save || yyjson_get_bool(save));
	yyjson_mut_obj_add_val(doc, m, "message",
			       yyjson_val_mut_copy(doc,
				       yyjson_obj_get(root, "message")));
	yyjson_mut_arr_append(sent, m);
}

void
gs_sendmail_post(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	yyjson_doc *body;
	const char *id;

	if (!find_user(&id, gs, req, resp))
		return;
	body = gs_dir_body(req, resp);
	if (!body)
		return;
	if (check_message(yyjson_doc_get_root(body), req, resp)) {
		record(gs, id, yyjson_doc_get_root(body));
		resp->status = 202;
		resp->content_type = NULL;
	}
	yyjson_doc_free(body);
}
