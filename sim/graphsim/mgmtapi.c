/* SPDX-License-Identifier: MIT */
/*
 * mgmtapi.c - the Office 365 Management Activity API, the export path
 * for the unified audit log (api-map.md §B.T2; api-examples/
 * mgmt-activity-api/; the API reference in corpus/microsoft-docs-office-
 * 365-management-api/). Root: /api/v1.0/{tenant GUID}/activity/feed/.
 *	POST subscriptions/start?contentType=    200 the subscription
 *	POST subscriptions/stop?contentType=     200, no body
 *	GET  subscriptions/list                  200 bare JSON array
 *	GET  subscriptions/content?contentType=&startTime=&endTime=
 *	     200 array of blobs; more pages ONLY by the NextPageUri header
 *	GET  audit/{contentId}                   200 array of records
 *
 * This is not Graph and does not answer like it: bodies are bare arrays,
 * errors are {"error":{"code":"AFnnnnn","message":…}} with no innerError,
 * and the next page is a response header, never a body field (case 03
 * in ../shared/cases is a client that missed it). So the routes take no
 * permission list in routes.c; mgmt_begin() runs gs_auth_check() itself
 * and re-words its refusals in this API's shape.
 *
 * Data: the fixture's `managementActivity.contentBlobs[]` lists blobs
 * ({contentType, contentId, contentCreated, recordIds[]}); recordIds name
 * records of `unifiedAuditLog[]` by Id, so one record may sit in two
 * blobs, as the service re-delivers (case 04). Subscriptions live in
 * `managementActivity.subscriptions[]` of the live state.
 *
 * Deliberately not enforced: "start time no more than 7 days in the past"
 * and the 7-day content expiry (AF20051), since fixture data has fixed
 * dates; the 15-minute wait between start requests. The page size is
 * `simulator.mgmtContentPageSize` (default 2), so small fixtures page.
 * Statuses are undocumented: 400 for every AF2xxxx (what clients report
 * for AF20022-24), 401 for AF10001.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/parse.h"
#include "util/time.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>

#define MGMT_PAGE_DEFAULT 2
#define MGMT_WINDOW_MAX (24 * 3600)
#define MGMT_EXPIRY (7 * 24 * 3600)
#define NEXTPAGE_PREFIX "graphsimR"

static const char *const activity_feed_read[] = { "ActivityFeed.Read", NULL };

static const char *const content_types[] = {
	"Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint",
	"Audit.General", "DLP.All",
};

static void
mgmt_json(struct gs_resp *resp, unsigned status, yyjson_mut_doc *doc,
	  yyjson_mut_val *root)
{
	gs_resp_json(resp, status, doc, root);
	resp->content_type = "application/json; charset=utf-8";
}

static bool
mgmt_error(struct gs_resp *resp, unsigned status, const char *code,
	   const char *fmt, ...) IR_PRINTF(4, 5);

/* The API's own error body; always returns false for the caller. */
static bool
mgmt_error(struct gs_resp *resp, unsigned status, const char *code,
	   const char *fmt, ...)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc), *e = yyjson_mut_obj(doc);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yyjson_mut_obj_add_strcpy(doc, e, "code", code);
	yyjson_mut_obj_add_strcpy(doc, e, "message", msg);
	yyjson_mut_obj_add_val(doc, root, "error", e);
	mgmt_json(resp, status, doc, root);
	yyjson_mut_doc_free(doc);
	return false;
}

static bool
is_guid(const char *s)
{
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return !s[36];
}

/* The token's app roles, comma-separated, for AF10001's message. */
static void
role_list(struct ir_buf *out, const struct gs_token *k)
{
	for (size_t i = 0; k && i < k->nroles; i++)
		ir_buf_addf(out, "%s%s", i ? "," : "", k->roles[i]);
	if (k && k->scp)
		ir_buf_addstr(out, k->scp);
}

/* Token, permission and tenant checks every route makes first. */
static bool
mgmt_begin(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	struct gs_resp scratch;
	struct ir_buf roles = IR_BUF_INIT;
	const char *tid = gs_state_tenant_id(&gs->state);
	bool ok;

	gs_resp_init(&scratch);
	ok = gs_auth_check(gs, req, activity_feed_read, &scratch);
	if (!ok && scratch.status == 401) {
		/* The service's ASP.NET front door answers a bad token so. */
		yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
		yyjson_mut_val *root = yyjson_mut_obj(doc);

		yyjson_mut_obj_add_str(doc, root, "Message", "Authorization "
				       "has been denied for this request.");
		mgmt_json(resp, 401, doc, root);
		yyjson_mut_doc_free(doc);
	} else if (!ok) {
		role_list(&roles, req->token);
		mgmt_error(resp, 401, "AF10001", "The permission set (%s) sent "
			   "in the request did not include the expected "
			   "permission ActivityFeed.Read.", roles.buf);
	}
	gs_resp_release(&scratch);
	ir_buf_release(&roles);
	if (!ok)
		return false;
	if (!is_guid(req->params[0]))
		return mgmt_error(resp, 400, "AF20013", "The tenant ID passed "
				  "in the URL (%s) is not a valid GUID.",
				  req->params[0]);
	if (strcasecmp(req->params[0], tid))
		return mgmt_error(resp, 400, "AF20010", "The tenant ID passed "
				  "in the URL (%s) does not match the tenant "
				  "ID passed in the access token (%s).",
				  req->params[0], tid);
	return true;
}

/* ?contentType= as its canonical spelling, or false with the error. */
static bool
content_type(const char **out, struct gs_req *req, struct gs_resp *resp)
{
	const char *s = gs_query(req, "contentType");

	if (!s || !*s)
		return mgmt_error(resp, 400, "AF20001",
				  "Missing parameter: contentType.");
	for (size_t i = 0; i < IR_ARRAY_SIZE(content_types); i++)
		if (!strcasecmp(s, content_types[i])) {
			*out = content_types[i];
			return true;
		}
	return mgmt_error(resp, 400, "AF20020",
			  "The specified content type is not valid.");
}

static yyjson_mut_val *
activity(struct gs_server *gs, const char *key, bool create)
{
	yyjson_mut_doc *d = gs->state.doc;
	yyjson_mut_val *root = yyjson_mut_doc_get_root(d);
	yyjson_mut_val *ma = yyjson_mut_obj_get(root, "managementActivity");
	yyjson_mut_val *arr;

	if (!yyjson_mut_is_obj(ma)) {
		if (!create)
			return NULL;
		ma = yyjson_mut_obj(d);
		yyjson_mut_obj_put(root, yyjson_mut_str(d,
					 "managementActivity"), ma);
	}
	arr = yyjson_mut_obj_get(ma, key);
	if (!yyjson_mut_is_arr(arr) && create) {
		arr = yyjson_mut_arr(d);
		yyjson_mut_obj_put(ma, yyjson_mut_strcpy(d, key), arr);
	}
	return yyjson_mut_is_arr(arr) ? arr : NULL;
}

static yyjson_mut_val *
find_sub(struct gs_server *gs, const char *type)
{
	yyjson_mut_val *s;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(
		activity(gs, "subscriptions", false));

	while ((s = yyjson_mut_arr_iter_next(&it))) {
		const char *t = yyjson_mut_get_str(
			yyjson_mut_obj_get(s, "contentType"));

		if (t && !strcasecmp(t, type))
			return s;
	}
	return NULL;
}

static bool
sub_enabled(yyjson_mut_val *s)
{
	const char *st = yyjson_mut_get_str(yyjson_mut_obj_get(s, "status"));

	return !st || !strcmp(st, "enabled");
}

/*
 * The webhook of a start request body as the service echoes it:
 * status enabled, "expiration": "" read as null. NULL for no webhook;
 * false with AF20021 when the address is not https.
 */
static bool
read_webhook(yyjson_mut_val **out, yyjson_mut_doc *d, struct gs_req *req,
	     struct gs_resp *resp)
{
	yyjson_doc *body;
	yyjson_val *w, *addr, *exp;
	yyjson_mut_val *o;

	*out = NULL;
	if (!req->body.len)
		return true;
	body = yyjson_read(req->body.buf, req->body.len, 0);
	w = yyjson_obj_get(yyjson_doc_get_root(body), "webhook");
	if (!body || !yyjson_is_obj(yyjson_doc_get_root(body)) ||
	    (w && !yyjson_is_obj(w) && !yyjson_is_null(w))) {
		yyjson_doc_free(body);
		return mgmt_error(resp, 400, "AF20002", "Invalid parameter "
				  "type: webhook. Expected type: object");
	}
	addr = yyjson_obj_get(w, "address");
	if (w && yyjson_is_obj(w) &&
	    (!yyjson_is_str(addr) ||
	     strncasecmp(yyjson_get_str(addr), "https://", 8))) {
		yyjson_doc_free(body);
		return mgmt_error(resp, 400, "AF20021", "The webhook endpoint "
				  "could not be validated. The address must "
				  "begin with HTTPS.");
	}
	if (yyjson_is_obj(w)) {
		exp = yyjson_obj_get(w, "expiration");
		o = *out = yyjson_mut_obj(d);
		yyjson_mut_obj_add_str(d, o, "status", "enabled");
		yyjson_mut_obj_add_val(d, o, "address",
				       yyjson_val_mut_copy(d, addr));
		yyjson_mut_obj_add_val(d, o, "authId", yyjson_obj_get(w,
				"authId") ? yyjson_val_mut_copy(d,
				yyjson_obj_get(w, "authId")) :
				yyjson_mut_null(d));
		yyjson_mut_obj_add_val(d, o, "expiration",
				       yyjson_is_str(exp) &&
				       *yyjson_get_str(exp) ?
				       yyjson_val_mut_copy(d, exp) :
				       yyjson_mut_null(d));
	}
	yyjson_doc_free(body);
	return true;
}

static void
send_copy(struct gs_resp *resp, yyjson_mut_val *v)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);

	mgmt_json(resp, 200, doc, yyjson_mut_val_mut_copy(doc, v));
	yyjson_mut_doc_free(doc);
}

void
gs_mgmt_start(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_doc *d = gs->state.doc;
	yyjson_mut_val *sub, *hook;
	const char *type;

	if (!mgmt_begin(gs, req, resp) || !content_type(&type, req, resp) ||
	    !read_webhook(&hook, d, req, resp))
		return;
	sub = find_sub(gs, type);
	if (sub && sub_enabled(sub) && !hook) {
		mgmt_error(resp, 400, "AF20024", "The subscription is already "
			   "enabled. No property change.");
		return;
	}
	if (!sub) {
		sub = yyjson_mut_obj(d);
		yyjson_mut_obj_add_str(d, sub, "contentType", type);
		yyjson_mut_arr_append(activity(gs, "subscriptions", true),
				      sub);
	}
	yyjson_mut_obj_put(sub, yyjson_mut_str(d, "status"),
			   yyjson_mut_str(d, "enabled"));
	yyjson_mut_obj_put(sub, yyjson_mut_str(d, "webhook"),
			   hook ? hook : yyjson_mut_null(d));
	send_copy(resp, sub);
}

void
gs_mgmt_stop(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_doc *d = gs->state.doc;
	yyjson_mut_val *sub;
	const char *type;

	if (!mgmt_begin(gs, req, resp) || !content_type(&type, req, resp))
		return;
	sub = find_sub(gs, type);
	if (!sub || !sub_enabled(sub)) {
		mgmt_error(resp, 400, "AF20022", "No subscription found for "
			   "the specified content type.");
		return;
	}
	yyjson_mut_obj_put(sub, yyjson_mut_str(d, "status"),
			   yyjson_mut_str(d, "disabled"));
	resp->status = 200;
	resp->content_type = NULL;
}

void
gs_mgmt_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_doc *doc;
	yyjson_mut_val *subs;

	if (!mgmt_begin(gs, req, resp))
		return;
	subs = activity(gs, "subscriptions", false);
	if (subs) {
		send_copy(resp, subs);
		return;
	}
	doc = yyjson_mut_doc_new(NULL);
	mgmt_json(resp, 200, doc, yyjson_mut_arr(doc));
	yyjson_mut_doc_free(doc);
}

/* "2015-05-23T17:35:00.000Z": the blob listing's own time form. */
static void
format_ms(char out[IR_TIME_MAX], struct ir_time t)
{
	char s[IR_TIME_MAX];

	t.nsec = t.nsec / 1000000 * 1000000;
	gs_format_time(s, t.sec);
	snprintf(out, IR_TIME_MAX, "%.19s.%03dZ", s, (int)(t.nsec / 1000000));
}

struct window {
	struct ir_time start, end;
	size_t offset;
};

static bool
parse_time(struct ir_time *out, const char *s)
{
	struct ir_err e = IR_ERR_INIT;

	/* YYYY-MM-DD[THH:MM[:SS]]: the documented forms, read as UTC. */
	return s && strlen(s) >= 10 && s[4] == '-' &&
	       !ir_time_parse(out, s, strlen(s), NULL, 0, &e);
}

/* startTime/endTime/nextPage into `w`, or false with AF20055/AF20031. */
static bool
read_window(struct window *w, struct gs_req *req, struct gs_resp *resp)
{
	const char *a = gs_query(req, "startTime");
	const char *b = gs_query(req, "endTime");
	const char *np = gs_query(req, "nextPage");
	size_t plen = strlen(NEXTPAGE_PREFIX);
	uint64_t off = 0;

	memset(w, 0, sizeof(*w));
	if (!a && !b) {
		w->end.sec = gs_now();
		w->start.sec = w->end.sec - MGMT_WINDOW_MAX;
	} else if (!parse_time(&w->start, a) || !parse_time(&w->end, b) ||
		   ir_time_cmp(w->start, w->end) >= 0 ||
		   w->end.sec - w->start.sec > MGMT_WINDOW_MAX) {
		return mgmt_error(resp, 400, "AF20055", "Start time and end "
				  "time must both be specified (or both "
				  "omitted) and must be less than or equal to "
				  "24 hours apart, with the start time prior "
				  "to end time and start time no more than 7 "
				  "days in the past.");
	}
	if (np && (strncmp(np, NEXTPAGE_PREFIX, plen) || !np[plen] ||
		   ir_parse_uint64(&off, np + plen, strlen(np + plen), NULL)))
		return mgmt_error(resp, 400, "AF20031", "Invalid nextPage "
				  "Input: %s.", np);
	w->offset = (size_t)off;
	return true;
}

static size_t
page_size(struct gs_server *gs)
{
	yyjson_mut_val *sim = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(gs->state.doc), "simulator");
	yyjson_mut_val *v = yyjson_mut_obj_get(sim, "mgmtContentPageSize");

	if (yyjson_mut_is_int(v) && yyjson_mut_get_sint(v) > 0)
		return (size_t)yyjson_mut_get_sint(v);
	return MGMT_PAGE_DEFAULT;
}

static void
blob_uri(struct ir_buf *out, struct gs_server *gs, struct gs_req *req,
	 const char *id)
{
	gs_request_base(out, gs, req);
	ir_buf_addf(out, "/api/v1.0/%s/activity/feed/audit/%s",
		    req->params[0], id);
}

/* One listing entry for blob `b`, or NULL when it is not in `w`. */
static yyjson_mut_val *
blob_entry(yyjson_mut_doc *doc, struct gs_server *gs, struct gs_req *req,
	   yyjson_mut_val *b, const char *type, const struct window *w)
{
	const char *t = yyjson_mut_get_str(yyjson_mut_obj_get(b,
							      "contentType"));
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(b,
							       "contentId"));
	const char *c = yyjson_mut_get_str(yyjson_mut_obj_get(b,
							      "contentCreated"));
	struct ir_buf uri = IR_BUF_INIT;
	struct ir_time created, exp;
	char when[IR_TIME_MAX];
	yyjson_mut_val *o;

	/* startTime <= contentCreated < endTime (the reference's rule). */
	if (!t || !id || strcasecmp(t, type) || !parse_time(&created, c) ||
	    ir_time_cmp(created, w->start) < 0 ||
	    ir_time_cmp(created, w->end) >= 0)
		return NULL;
	o = yyjson_mut_obj(doc);
	yyjson_mut_obj_add_str(doc, o, "contentType", type);
	yyjson_mut_obj_add_strcpy(doc, o, "contentId", id);
	blob_uri(&uri, gs, req, id);
	yyjson_mut_obj_add_strcpy(doc, o, "contentUri", uri.buf);
	format_ms(when, created);
	yyjson_mut_obj_add_strcpy(doc, o, "contentCreated", when);
	exp = created;
	exp.sec += MGMT_EXPIRY;
	format_ms(when, exp);
	yyjson_mut_obj_add_strcpy(doc, o, "contentExpiration", when);
	ir_buf_release(&uri);
	return o;
}

static void
next_page_uri(struct gs_resp *resp, struct gs_server *gs, struct gs_req *req,
	      const char *type, const struct window *w, size_t offset)
{
	struct ir_buf uri = IR_BUF_INIT;
	const char *pub = gs_query(req, "PublisherIdentifier");
	char a[IR_TIME_MAX], b[IR_TIME_MAX];

	/* The same window, spelled out even when the client omitted it. */
	gs_format_time(a, w->start.sec);
	gs_format_time(b, w->end.sec);
	gs_request_base(&uri, gs, req);
	ir_buf_addf(&uri, "/api/v1.0/%s/activity/feed/subscriptions/content"
		    "?contentType=%s&startTime=%.19s&endTime=%.19s",
		    req->params[0], type, a, b);
	if (pub && is_guid(pub))
		ir_buf_addf(&uri, "&PublisherIdentifier=%s", pub);
	ir_buf_addf(&uri, "&nextPage=" NEXTPAGE_PREFIX "%zu", offset);
	gs_resp_header(resp, "NextPageUri", uri.buf);
	ir_buf_release(&uri);
}

static bool
check_subscribed(struct gs_server *gs, struct gs_resp *resp,
		 const char *type)
{
	yyjson_mut_val *sub = find_sub(gs, type);

	if (!sub)
		return mgmt_error(resp, 400, "AF20022", "No subscription "
				  "found for the specified content type.");
	if (!sub_enabled(sub))
		return mgmt_error(resp, 400, "AF20023", "The subscription was "
				  "disabled by a tenant admin.");
	return true;
}

void
gs_mgmt_content(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	yyjson_mut_doc *doc;
	yyjson_mut_val *arr, *b, *e;
	yyjson_mut_arr_iter it;
	struct window w;
	const char *type;
	size_t n = 0, per = page_size(gs);

	if (!mgmt_begin(gs, req, resp) || !content_type(&type, req, resp) ||
	    !check_subscribed(gs, resp, type) || !read_window(&w, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	arr = yyjson_mut_arr(doc);
	it = yyjson_mut_arr_iter_with(activity(gs, "contentBlobs", false));
	while ((b = yyjson_mut_arr_iter_next(&it))) {
		e = blob_entry(doc, gs, req, b, type, &w);
		if (!e)
			continue;
		if (n >= w.offset && n < w.offset + per)
			yyjson_mut_arr_append(arr, e);
		n++;
	}
	if (w.offset + per < n)
		next_page_uri(resp, gs, req, type, &w, w.offset + per);
	mgmt_json(resp, 200, doc, arr);
	yyjson_mut_doc_free(doc);
}

static yyjson_mut_val *
find_record(struct gs_server *gs, const char *id)
{
	yyjson_mut_val *r, *ual = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(gs->state.doc), "unifiedAuditLog");
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(ual);

	while ((r = yyjson_mut_arr_iter_next(&it))) {
		const char *s = yyjson_mut_get_str(yyjson_mut_obj_get(r,
								      "Id"));

		if (s && !strcasecmp(s, id))
			return r;
	}
	return NULL;
}

void
gs_mgmt_blob(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *b, *ids, *id, *r, *arr;
	yyjson_mut_arr_iter it;
	yyjson_mut_doc *doc;

	if (!mgmt_begin(gs, req, resp))
		return;
	it = yyjson_mut_arr_iter_with(activity(gs, "contentBlobs", false));
	while ((b = yyjson_mut_arr_iter_next(&it))) {
		const char *s = yyjson_mut_get_str(yyjson_mut_obj_get(
			b, "contentId"));

		if (s && !strcmp(s, req->params[1]))
			break;
	}
	if (!b) {
		mgmt_error(resp, 400, "AF20050", "The specified content (%s) "
			   "does not exist.", req->params[1]);
		return;
	}
	doc = yyjson_mut_doc_new(NULL);
	arr = yyjson_mut_arr(doc);
	ids = yyjson_mut_obj_get(b, "recordIds");
	it = yyjson_mut_arr_iter_with(ids);
	while ((id = yyjson_mut_arr_iter_next(&it)))
		if (yyjson_mut_get_str(id) &&
		    (r = find_record(gs, yyjson_mut_get_str(id))))
			yyjson_mut_arr_append(arr,
					      yyjson_mut_val_mut_copy(doc, r));
	mgmt_json(resp, 200, doc, arr);
	yyjson_mut_doc_free(doc);
}
