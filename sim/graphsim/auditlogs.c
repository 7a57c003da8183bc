/* SPDX-License-Identifier: MIT */
/*
 * auditlogs.c - Graph v1.0 auditLogs: signIns and directoryAudits, list
 * and get (api-map.md §B.8; signin-list.md, directoryaudit-list.md).
 *
 * Both serve a fixture array (`signIns[]`, `directoryAudits[]`) as is,
 * newest first: the docs say the sign-in list comes "in descending order
 * based on createdDateTime", and the directory audit list is observed to
 * do the same by activityDateTime. Ties keep fixture order.
 *
 * $filter goes through odata.c with the properties and operators each
 * list documents (the tables below); anything else is a 400, never
 * silently ignored, because an investigation that asked for one user's
 * sign-ins and got everyone's would draw wrong conclusions. $top and
 * $skiptoken page as users.c does. The other query options are refused.
 *
 * NEEDSWORK: $select; the per-app throttle of the identity reports
 * (5 requests per 10 s, api-map.md §D.3); the beta signIns shape.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "sim/graphsim/odata.h"
#include "util/time.h"
#include "util/xalloc.h"

/* signin-list.md: "$top ... up to 1000"; 1000 is also the default. */
#define AUDIT_PAGE_DEFAULT 1000
#define AUDIT_PAGE_MAX 1000

#define EQ GS_ODATA_EQ
#define EQSW (GS_ODATA_EQ | GS_ODATA_STARTSWITH)
#define TIME (GS_ODATA_EQ | GS_ODATA_ORDER)

/* signin-list.md, "Optional query parameters" / the filterable ones. */
static const struct gs_odata_prop signin_props[] = {
	{ "id", GS_ODATA_STRING, EQ },
	{ "createdDateTime", GS_ODATA_DATETIME, TIME },
	{ "userId", GS_ODATA_STRING, EQ },
	{ "userDisplayName", GS_ODATA_STRING, EQSW },
	{ "userPrincipalName", GS_ODATA_STRING, EQSW },
	{ "appId", GS_ODATA_STRING, EQ },
	{ "appDisplayName", GS_ODATA_STRING, EQSW },
	{ "ipAddress", GS_ODATA_STRING, EQSW },
	{ "clientAppUsed", GS_ODATA_STRING, EQ },
	{ "conditionalAccessStatus", GS_ODATA_STRING, EQ },
	{ "correlationId", GS_ODATA_STRING, EQ },
	{ "isInteractive", GS_ODATA_BOOL, EQ },
	{ "resourceId", GS_ODATA_STRING, EQ },
	{ "resourceDisplayName", GS_ODATA_STRING, EQSW },
	{ "riskLevelDuringSignIn", GS_ODATA_STRING, EQ },
	{ "riskState", GS_ODATA_STRING, EQ },
	{ "status/errorCode", GS_ODATA_NUMBER, EQ | GS_ODATA_NE },
	{ "location/city", GS_ODATA_STRING, EQSW },
	{ "location/state", GS_ODATA_STRING, EQSW },
	{ "location/countryOrRegion", GS_ODATA_STRING, EQSW },
	{ "deviceDetail/browser", GS_ODATA_STRING, EQSW },
	{ "deviceDetail/operatingSystem", GS_ODATA_STRING, EQSW },
};

/* directoryaudit-list.md (api-map.md §B.8 lists the same). */
static const struct gs_odata_prop audit_props[] = {
	{ "id", GS_ODATA_STRING, EQ },
	{ "activityDisplayName", GS_ODATA_STRING, EQSW },
	{ "activityDateTime", GS_ODATA_DATETIME, TIME },
	{ "category", GS_ODATA_STRING, EQ },
	{ "correlationId", GS_ODATA_STRING, EQ },
	{ "loggedByService", GS_ODATA_STRING, EQ },
	{ "operationType", GS_ODATA_STRING, EQ },
	{ "result", GS_ODATA_STRING, EQ },
	{ "initiatedBy/user/id", GS_ODATA_STRING, EQ },
	{ "initiatedBy/user/displayName", GS_ODATA_STRING, EQ },
	{ "initiatedBy/user/userPrincipalName", GS_ODATA_STRING, EQSW },
	{ "initiatedBy/app/appId", GS_ODATA_STRING, EQ },
	{ "initiatedBy/app/displayName", GS_ODATA_STRING, EQ },
};

/* One audit collection: where its rows live and how they are read. */
struct audit_coll {
	const char *key;	/* fixture array */
	const char *time_prop;	/* newest first by this */
	const char *context;	/* after $metadata# */
	const struct gs_odata_prop *props;
	size_t nprops;
};

static const struct audit_coll signins = {
	"signIns", "createdDateTime", "auditLogs/signIns",
	signin_props, IR_ARRAY_SIZE(signin_props),
};

static const struct audit_coll dir_audits = {
	"directoryAudits", "activityDateTime", "auditLogs/directoryAudits",
	audit_props, IR_ARRAY_SIZE(audit_props),
};

static const char *const refused[] = {
	"$select", "$orderby", "$search", "$count", "$expand", "$skip", NULL,
};

struct row {
	yyjson_mut_val *v;
	struct ir_time t;
	size_t index;
};

/* Newest first; rows without a readable time last; then fixture order. */
static int
cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = ir_time_cmp(y->t, x->t);

	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

static yyjson_mut_val *
coll_array(struct gs_server *gs, const struct audit_coll *c)
{
	yyjson_mut_val *arr = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(gs->state.doc), c->key);

	return yyjson_mut_is_arr(arr) ? arr : NULL;
}

/* The rows of `c` that pass `f`, sorted; *out is malloc'd. */
static size_t
select_rows(struct row **out, struct gs_server *gs,
	    const struct audit_coll *c, const struct gs_odata_filter *f)
{
	yyjson_mut_val *arr = coll_array(gs, c), *v;
	size_t n = 0, i = 0;
	struct row *rows = xcalloc(yyjson_mut_arr_size(arr) + 1,
				   sizeof(*rows));
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(arr);

	while ((v = yyjson_mut_arr_iter_next(&it))) {
		const char *s = yyjson_mut_get_str(
			yyjson_mut_obj_get(v, c->time_prop));
		struct ir_err e = IR_ERR_INIT;
		struct row *r = &rows[n];

		i++;
		if (!gs_odata_match(f, v))
			continue;
		r->v = v;
		r->index = i;
		if (!s || ir_time_parse(&r->t, s, strlen(s), NULL, 0, &e))
			r->t.sec = INT64_MIN;
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	*out = rows;
	return n;
}

static void
add_context(yyjson_mut_doc *doc, yyjson_mut_val *obj,
	    const struct audit_coll *c, const char *suffix)
{
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addf(&ctx, GS_GRAPH_HOST "/v1.0/$metadata#%s%s", c->context,
		    suffix);
	yyjson_mut_obj_add_strcpy(doc, obj, "@odata.context", ctx.buf);
	ir_buf_release(&ctx);
}

static void
list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
     const struct audit_coll *c)
{
	struct gs_odata_filter *f = NULL;
	yyjson_mut_doc *doc;
	yyjson_mut_val *root, *arr;
	struct row *rows;
	size_t top, off, n;

	if (!gs_odata_refuse(req, resp, refused) ||
	    !gs_odata_top(&top, req, resp, AUDIT_PAGE_DEFAULT,
			  AUDIT_PAGE_MAX) ||
	    !gs_odata_skiptoken(&off, req, resp, "BadRequest") ||
	    !gs_odata_filter_query(&f, req, resp, c->props, c->nprops))
		return;
	n = select_rows(&rows, gs, c, f);
	gs_odata_filter_free(f);
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	arr = yyjson_mut_arr(doc);
	add_context(doc, root, c, "");
	for (size_t i = off; i < n && i < off + top; i++)
		yyjson_mut_arr_append(arr, yyjson_mut_val_mut_copy(doc,
								   rows[i].v));
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
	free(rows);
}

static void
get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
    const struct audit_coll *c)
{
	yyjson_mut_val *arr = coll_array(gs, c), *v, *out;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(arr);
	yyjson_mut_doc *doc;

	while ((v = yyjson_mut_arr_iter_next(&it))) {
		const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(v,
								      "id"));

		if (id && !strcmp(id, req->params[0]))
			break;
	}
	if (!v) {
		gs_graph_error(resp, req, 404, "Request_ResourceNotFound",
			       "Resource '%s' does not exist or one of its "
			       "queried reference-property objects are not "
			       "present.", req->params[0]);
		return;
	}
	doc = yyjson_mut_doc_new(NULL);
	out = yyjson_mut_obj(doc);
	add_context(doc, out, c, "/$entity");
	{
		yyjson_mut_val *k;
		yyjson_mut_obj_iter oi = yyjson_mut_obj_iter_with(v);

		/* Copies, so the live state's own nodes are never relinked. */
		while ((k = yyjson_mut_obj_iter_next(&oi)))
			yyjson_mut_obj_add(out,
				yyjson_mut_val_mut_copy(doc, k),
				yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	}
	gs_resp_json(resp, 200, doc, out);
	yyjson_mut_doc_free(doc);
}

void
gs_signins_list(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	list(gs, req, resp, &signins);
}

void
gs_signins_get(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp)
{
	get(gs, req, resp, &signins);
}

void
gs_diraudits_list(struct gs_server *gs, struct gs_req *req,
		  struct gs_resp *resp)
{
	list(gs, req, resp, &dir_audits);
}

void
gs_diraudits_get(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	get(gs, req, resp, &dir_audits);
}
