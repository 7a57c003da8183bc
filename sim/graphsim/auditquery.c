/* SPDX-License-Identifier: MIT */
/*
 * auditquery.c - the Purview audit log query API (api-map.md §B.8):
 *	POST {ver}/security/auditLog/queries             201, notStarted
 *	GET  {ver}/security/auditLog/queries/{id}        running, succeeded
 *	GET  {ver}/security/auditLog/queries/{id}/records  paged records
 * for {ver} v1.0 and beta (m365ir calls beta; the examples are v1.0).
 *
 * The real search runs for minutes; a client must poll. graphsim makes
 * that visible and deterministic: a new query is notStarted, the first
 * GET of it says running, every later GET succeeded. Records are refused
 * (400) until a GET has said succeeded, so a client that skips the poll
 * fails here as it would against the service.
 *
 * Queries live in the live state under `auditLogQueries` (so /_sim/state
 * shows them and /_sim/reset forgets them), each with a graphsim-only
 * `graphsimPolls` counter that is never served. Records come from the
 * fixture's `unifiedAuditLog[]`, written in the Management Activity API
 * schema (CreationTime, Id, Operation, RecordType, UserId, Workload...),
 * the same records mgmtapi.c serves in content blobs, mapped here onto
 * microsoft.graph.security.auditLogRecord with the whole record as
 * auditData.
 *
 * The security-auditLog-queries-id.GET example wraps the entity in
 * "value"; SOURCES.md calls that a probable docs error, so the entity is
 * sent unwrapped, as every other entity GET is.
 *
 * NEEDSWORK: the per-workload permissions (AuditLogsQuery-Exchange.Read.All
 * and so on) admit a caller but do not yet narrow the records to that
 * workload; listing queries (GET .../queries) is not served.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "sim/graphsim/odata.h"
#include "util/time.h"
#include "util/xalloc.h"

#include <strings.h>

#define RECORDS_PAGE_DEFAULT 100
#define RECORDS_PAGE_MAX 1000
#define QUERIES_KEY "auditLogQueries"
#define POLLS_KEY "graphsimPolls"

static const char *const array_filters[] = {
	"recordTypeFilters", "operationFilters", "userPrincipalNameFilters",
	"ipAddressFilters", "objectIdFilters", "administrativeUnitIdFilters",
};

static const char *const string_props[] = {
	"displayName", "keywordFilter", "serviceFilter",
};

/*
 * RecordType numbers (Management Activity API schema, AuditLogRecordType)
 * and their names in Graph's security.auditLogRecordType enum.
 */
static const char *const record_types[] = {
	[1] = "exchangeAdmin",
	[2] = "exchangeItem",
	[3] = "exchangeItemGroup",
	[4] = "sharePoint",
	[5] = "syntheticProbe",
	[6] = "sharePointFileOperation",
	[7] = "oneDrive",
	[8] = "azureActiveDirectory",
	[9] = "azureActiveDirectoryAccountLogon",
	[10] = "dataCenterSecurityCmdlet",
	[11] = "complianceDLPSharePoint",
	[12] = "sway",
	[13] = "complianceDLPExchange",
	[14] = "sharePointSharingOperation",
	[15] = "azureActiveDirectoryStsLogon",
	[18] = "securityComplianceCenterEOPCmdlet",
	[20] = "powerBIAudit",
	[25] = "microsoftTeams",
	[28] = "threatIntelligence",
	[40] = "securityComplianceAlerts",
	[50] = "exchangeItemAggregated",
};

/* UserType numbers and Graph's security.auditLogUserType names. */
static const char *const user_types[] = {
	"regular", "reserved", "admin", "dcAdmin", "system", "application",
	"servicePrincipal", "customPolicy", "systemPolicy",
};

static const char *
enum_name(const char *const *tab, size_t n, yyjson_mut_val *v)
{
	int64_t i = yyjson_mut_is_int(v) ? yyjson_mut_get_sint(v) : -1;

	if (i >= 0 && (uint64_t)i < n && tab[i])
		return tab[i];
	return "unknownFutureValue";
}

static bool
check_version(struct gs_req *req, struct gs_resp *resp)
{
	if (!strcmp(req->params[0], "v1.0") || !strcmp(req->params[0], "beta"))
		return true;
	gs_graph_error(resp, req, 400, "BadRequest",
		       "Invalid version: %s", req->params[0]);
	return false;
}

static yyjson_mut_val *
queries(struct gs_server *gs, bool create)
{
	yyjson_mut_doc *d = gs->state.doc;
	yyjson_mut_val *root = yyjson_mut_doc_get_root(d);
	yyjson_mut_val *arr = yyjson_mut_obj_get(root, QUERIES_KEY);

	if (!yyjson_mut_is_arr(arr) && create) {
		arr = yyjson_mut_arr(d);
		yyjson_mut_obj_put(root, yyjson_mut_str(d, QUERIES_KEY), arr);
	}
	return yyjson_mut_is_arr(arr) ? arr : NULL;
}

static yyjson_mut_val *
find_query(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *q;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(queries(gs, false));

	while ((q = yyjson_mut_arr_iter_next(&it))) {
		const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(q,
								      "id"));

		if (id && !strcmp(req->params[1], id))
			return q;
	}
	gs_graph_error(resp, req, 404, "NotFound",
		       "The audit log query '%s' was not found.",
		       req->params[1]);
	return NULL;
}

/* The query as served: everything but graphsim's counter. */
static void
send_query(struct gs_resp *resp, struct gs_req *req, yyjson_mut_val *q,
	   unsigned status)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *out = yyjson_mut_obj(doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(q);
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addf(&ctx, GS_GRAPH_HOST "/%s/$metadata#security/auditLog/"
		    "queries/$entity", req->params[0]);
	yyjson_mut_obj_add_strcpy(doc, out, "@odata.context", ctx.buf);
	while ((k = yyjson_mut_obj_iter_next(&it)))
		if (strcmp(yyjson_mut_get_str(k), POLLS_KEY))
			yyjson_mut_obj_add(out, yyjson_mut_val_mut_copy(doc, k),
				yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	gs_resp_json(resp, status, doc, out);
	yyjson_mut_doc_free(doc);
	ir_buf_release(&ctx);
}

static bool
bad_body(struct gs_resp *resp, struct gs_req *req, const char *what)
{
	gs_graph_error(resp, req, 400, "BadRequest",
		       "Invalid audit log query: %s.", what);
	return false;
}

static bool
is_time(yyjson_val *v)
{
	struct ir_err e = IR_ERR_INIT;
	struct ir_time t;
	const char *s = yyjson_get_str(v);

	return s && !ir_time_parse(&t, s, strlen(s), NULL, 0, &e);
}

static bool
known_prop(const char *k)
{
	static const char *const other[] = {
		"@odata.type", "status", "filterStartDateTime",
		"filterEndDateTime",
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(array_filters); i++)
		if (!strcmp(k, array_filters[i]))
			return true;
	for (size_t i = 0; i < IR_ARRAY_SIZE(string_props); i++)
		if (!strcmp(k, string_props[i]))
			return true;
	for (size_t i = 0; i < IR_ARRAY_SIZE(other); i++)
		if (!strcmp(k, other[i]))
			return true;
	return false;
}

/* The POST body: known properties of the documented types only. */
static bool
check_body(struct gs_resp *resp, struct gs_req *req, yyjson_val *b)
{
	yyjson_val *k, *v;
	yyjson_obj_iter it = yyjson_obj_iter_with(b);

	if (!yyjson_is_obj(b))
		return bad_body(resp, req, "the body is not a JSON object");
	while ((k = yyjson_obj_iter_next(&it)))
		if (!known_prop(yyjson_get_str(k)))
			return bad_body(resp, req, "unknown property");
	if (!is_time(yyjson_obj_get(b, "filterStartDateTime")) ||
	    !is_time(yyjson_obj_get(b, "filterEndDateTime")))
		return bad_body(resp, req, "filterStartDateTime and "
				"filterEndDateTime must be date-times");
	for (size_t i = 0; i < IR_ARRAY_SIZE(string_props); i++) {
		v = yyjson_obj_get(b, string_props[i]);
		if (v && !yyjson_is_str(v) && !yyjson_is_null(v))
			return bad_body(resp, req, "a string property is not "
					"a string");
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(array_filters); i++) {
		yyjson_val *e;
		yyjson_arr_iter ai;

		v = yyjson_obj_get(b, array_filters[i]);
		if (v && !yyjson_is_arr(v) && !yyjson_is_null(v))
			return bad_body(resp, req, "a filter list is not an "
					"array");
		ai = yyjson_arr_iter_with(v);
		while ((e = yyjson_arr_iter_next(&ai)))
			if (!yyjson_is_str(e))
				return bad_body(resp, req, "a filter list "
						"holds a non-string");
	}
	return true;
}

/* Copy the body into a new stored query, in the documented order. */
static yyjson_mut_val *
new_query(struct gs_server *gs, yyjson_val *b)
{
	yyjson_mut_doc *d = gs->state.doc;
	yyjson_mut_val *q = yyjson_mut_obj(d), *v;
	char id[GS_GUID_LEN];
	const char *const times[] = { "filterStartDateTime",
				      "filterEndDateTime" };

	gs_guid(gs, id);
	yyjson_mut_obj_add_str(d, q, "@odata.type",
			       "#microsoft.graph.security.auditLogQuery");
	yyjson_mut_obj_add_strcpy(d, q, "id", id);
	v = yyjson_val_mut_copy(d, yyjson_obj_get(b, "displayName"));
	yyjson_mut_obj_add_val(d, q, "displayName",
			       v ? v : yyjson_mut_null(d));
	for (size_t i = 0; i < 2; i++)
		yyjson_mut_obj_add_val(d, q, times[i], yyjson_val_mut_copy(
					       d, yyjson_obj_get(b, times[i])));
	for (size_t i = 0; i < IR_ARRAY_SIZE(array_filters); i++) {
		v = yyjson_obj_get(b, array_filters[i]) ?
		    yyjson_val_mut_copy(d, yyjson_obj_get(b,
							  array_filters[i])) :
		    NULL;
		yyjson_mut_obj_add_val(d, q, array_filters[i],
				       yyjson_mut_is_arr(v) ? v :
				       yyjson_mut_arr(d));
		if (i == 0) {
			/* keyword and service sit after recordTypeFilters */
			for (size_t j = 1; j < 3; j++) {
				v = yyjson_val_mut_copy(d, yyjson_obj_get(
						b, string_props[j]));
				yyjson_mut_obj_add_val(d, q, string_props[j],
					v ? v : yyjson_mut_null(d));
			}
		}
	}
	yyjson_mut_obj_add_str(d, q, "status", "notStarted");
	yyjson_mut_obj_add_int(d, q, POLLS_KEY, 0);
	return q;
}

void
gs_auditquery_create(struct gs_server *gs, struct gs_req *req,
		     struct gs_resp *resp)
{
	yyjson_doc *body;
	yyjson_mut_val *q;

	if (!check_version(req, resp))
		return;
	body = yyjson_read(req->body.buf ? req->body.buf : "",
			   req->body.len, 0);
	if (!check_body(resp, req, yyjson_doc_get_root(body))) {
		yyjson_doc_free(body);
		return;
	}
	q = new_query(gs, yyjson_doc_get_root(body));
	yyjson_doc_free(body);
	yyjson_mut_arr_append(queries(gs, true), q);
	send_query(resp, req, q, 201);
}

void
gs_auditquery_get(struct gs_server *gs, struct gs_req *req,
		  struct gs_resp *resp)
{
	yyjson_mut_doc *d = gs->state.doc;
	yyjson_mut_val *q;
	int64_t polls;

	if (!check_version(req, resp) || !(q = find_query(gs, req, resp)))
		return;
	polls = yyjson_mut_get_sint(yyjson_mut_obj_get(q, POLLS_KEY)) + 1;
	yyjson_mut_obj_put(q, yyjson_mut_str(d, POLLS_KEY),
			   yyjson_mut_sint(d, polls));
	yyjson_mut_obj_put(q, yyjson_mut_str(d, "status"),
			   yyjson_mut_str(d, polls == 1 ? "running" :
						       "succeeded"));
	send_query(resp, req, q, 200);
}

static bool
in_list(yyjson_mut_val *list, const char *s)
{
	yyjson_mut_val *e;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(list);

	if (!yyjson_mut_arr_size(list))
		return true;
	while ((e = yyjson_mut_arr_iter_next(&it)))
		if (s && yyjson_mut_get_str(e) &&
		    !strcasecmp(s, yyjson_mut_get_str(e)))
			return true;
	return false;
}

static const char *
rec_str(yyjson_mut_val *r, const char *k)
{
	return yyjson_mut_get_str(yyjson_mut_obj_get(r, k));
}

static bool
time_in_range(yyjson_mut_val *q, yyjson_mut_val *r)
{
	struct ir_err e = IR_ERR_INIT;
	struct ir_time t, lo, hi;
	const char *s = rec_str(r, "CreationTime");
	const char *a = rec_str(q, "filterStartDateTime");
	const char *b = rec_str(q, "filterEndDateTime");

	if (!s || !a || !b || ir_time_parse(&t, s, strlen(s), NULL, 0, &e) ||
	    ir_time_parse(&lo, a, strlen(a), NULL, 0, &e) ||
	    ir_time_parse(&hi, b, strlen(b), NULL, 0, &e))
		return false;
	return ir_time_cmp(t, lo) >= 0 && ir_time_cmp(t, hi) <= 0;
}

static bool
keyword_match(yyjson_mut_val *q, yyjson_mut_val *r)
{
	const char *kw = rec_str(q, "keywordFilter");
	char *json;
	bool hit;

	if (!kw || !*kw)
		return true;
	json = yyjson_mut_val_write(r, 0, NULL);
	hit = false;
	for (const char *p = json; p && *p && !hit; p++)
		hit = !strncasecmp(p, kw, strlen(kw));
	free(json);
	return hit;
}

/* Does the UAL record `r` pass every filter of query `q`? */
static bool
record_matches(yyjson_mut_val *q, yyjson_mut_val *r)
{
	const char *svc = rec_str(q, "serviceFilter");
	const char *rt = enum_name(record_types, IR_ARRAY_SIZE(record_types),
				   yyjson_mut_obj_get(r, "RecordType"));

	if (!time_in_range(q, r) || !keyword_match(q, r))
		return false;
	if (svc && *svc && (!rec_str(r, "Workload") ||
			    strcasecmp(svc, rec_str(r, "Workload"))))
		return false;
	return in_list(yyjson_mut_obj_get(q, "recordTypeFilters"), rt) &&
	       in_list(yyjson_mut_obj_get(q, "operationFilters"),
		       rec_str(r, "Operation")) &&
	       in_list(yyjson_mut_obj_get(q, "userPrincipalNameFilters"),
		       rec_str(r, "UserId")) &&
	       in_list(yyjson_mut_obj_get(q, "ipAddressFilters"),
		       rec_str(r, "ClientIP")) &&
	       in_list(yyjson_mut_obj_get(q, "objectIdFilters"),
		       rec_str(r, "ObjectId")) &&
	       !yyjson_mut_arr_size(yyjson_mut_obj_get(
		       q, "administrativeUnitIdFilters"));
}

static void
add_str(yyjson_mut_doc *doc, yyjson_mut_val *o, const char *k,
	yyjson_mut_val *r, const char *rk)
{
	const char *s = rec_str(r, rk);

	yyjson_mut_obj_add_val(doc, o, k, s ? yyjson_mut_strcpy(doc, s) :
					      yyjson_mut_null(doc));
}

/* One UAL record as a security.auditLogRecord. */
static yyjson_mut_val *
to_record(yyjson_mut_doc *doc, yyjson_mut_val *r)
{
	yyjson_mut_val *o = yyjson_mut_obj(doc), *data, *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(r);
	struct ir_err e = IR_ERR_INIT;
	const char *ct = rec_str(r, "CreationTime");
	struct ir_time t;
	char when[IR_TIME_MAX];

	yyjson_mut_obj_add_str(doc, o, "@odata.type",
			       "#microsoft.graph.security.auditLogRecord");
	add_str(doc, o, "id", r, "Id");
	if (ct && !ir_time_parse(&t, ct, strlen(ct), NULL, 0, &e)) {
		ir_time_format(when, t);
		yyjson_mut_obj_add_strcpy(doc, o, "createdDateTime", when);
	} else {
		yyjson_mut_obj_add_null(doc, o, "createdDateTime");
	}
	yyjson_mut_obj_add_str(doc, o, "auditLogRecordType",
			       enum_name(record_types,
					 IR_ARRAY_SIZE(record_types),
					 yyjson_mut_obj_get(r, "RecordType")));
	add_str(doc, o, "operation", r, "Operation");
	add_str(doc, o, "organizationId", r, "OrganizationId");
	yyjson_mut_obj_add_str(doc, o, "userType",
			       enum_name(user_types, IR_ARRAY_SIZE(user_types),
					 yyjson_mut_obj_get(r, "UserType")));
	add_str(doc, o, "userId", r, "UserId");
	add_str(doc, o, "service", r, "Workload");
	add_str(doc, o, "objectId", r, "ObjectId");
	add_str(doc, o, "userPrincipalName", r, "UserId");
	add_str(doc, o, "clientIp", r, "ClientIP");
	yyjson_mut_obj_add_val(doc, o, "administrativeUnits",
			       yyjson_mut_arr(doc));
	data = yyjson_mut_obj(doc);
	yyjson_mut_obj_add_str(doc, data, "@odata.type",
			       "#microsoft.graph.security.auditData");
	while ((k = yyjson_mut_obj_iter_next(&it)))
		yyjson_mut_obj_add(data, yyjson_mut_val_mut_copy(doc, k),
				   yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	yyjson_mut_obj_add_val(doc, o, "auditData", data);
	return o;
}

static yyjson_mut_val *
ual(struct gs_server *gs)
{
	yyjson_mut_val *a = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(gs->state.doc), "unifiedAuditLog");

	return yyjson_mut_is_arr(a) ? a : NULL;
}

static bool
query_done(struct gs_req *req, struct gs_resp *resp, yyjson_mut_val *q)
{
	const char *st = rec_str(q, "status");

	if (st && !strcmp(st, "succeeded"))
		return true;
	gs_graph_error(resp, req, 400, "BadRequest",
		       "The audit log query '%s' has not completed (status "
		       "'%s').", req->params[1], st ? st : "unknown");
	return false;
}

void
gs_auditquery_records(struct gs_server *gs, struct gs_req *req,
		      struct gs_resp *resp)
{
	static const char *const refused[] = {
		"$filter", "$select", "$orderby", "$search", "$count",
		"$expand", "$skip", NULL,
	};
	yyjson_mut_val *q, *r, *root, *arr;
	yyjson_mut_arr_iter it;
	yyjson_mut_doc *doc;
	size_t top, off, n = 0;
	struct ir_buf ctx = IR_BUF_INIT;

	if (!check_version(req, resp) || !(q = find_query(gs, req, resp)) ||
	    !query_done(req, resp, q) || !gs_odata_refuse(req, resp, refused) ||
	    !gs_odata_top(&top, req, resp, RECORDS_PAGE_DEFAULT,
			  RECORDS_PAGE_MAX) ||
	    !gs_odata_skiptoken(&off, req, resp, "BadRequest"))
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	arr = yyjson_mut_arr(doc);
	ir_buf_addf(&ctx, GS_GRAPH_HOST "/%s/$metadata#security/auditLog/"
		    "queries('%s')/records", req->params[0], req->params[1]);
	yyjson_mut_obj_add_strcpy(doc, root, "@odata.context", ctx.buf);
	it = yyjson_mut_arr_iter_with(ual(gs));
	while ((r = yyjson_mut_arr_iter_next(&it))) {
		if (!record_matches(q, r))
			continue;
		if (n >= off && n < off + top)
			yyjson_mut_arr_append(arr, to_record(doc, r));
		n++;
	}
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
	ir_buf_release(&ctx);
}
