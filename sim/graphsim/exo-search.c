/* SPDX-License-Identifier: MIT */
/*
 * exo-search.c - Search-UnifiedAuditLog over InvokeCommand (api-map.md
 * §B.8 "Exchange fallback"), served from the fixture's unifiedAuditLog[]
 * (Management Activity API schema, as mgmtapi.c and auditquery.c read it).
 *
 * Parameters: StartDate and EndDate (required; CreationTime in
 * [StartDate, EndDate)), UserIds, Operations (a string, a comma list or
 * an array; any one matches, ignoring case), RecordType (the
 * AuditLogRecordType name), ResultSize (default 100, 1..5,000; more is
 * refused as PowerShell's ValidateRange does), SessionId and
 * SessionCommand.
 *
 * Results are newest first. Without a session one call answers the first
 * ResultSize. With SessionId and SessionCommand ReturnLargeSet (or
 * ReturnNextPreviewPage) each call with the same SessionId answers the
 * next ResultSize, until 50,000 (ReturnNextPreviewPage: 5,000) have been
 * given in all; past that the answer is empty. Every row carries
 * ResultIndex (1-based, across the session) and ResultCount, the number
 * of records that matched, so a client sees truncation as a last
 * ResultIndex below ResultCount. The caps come from the fixture's
 * simulator.exoSearchMaxResultSize and simulator.exoSearchSessionMax
 * when set, so tests can hit them with a small fixture.
 *
 * Sessions live in the live state under unifiedAuditLogSessions
 * ({SessionId: {"start","next"}}: the last call's window), so
 * /_sim/reset forgets them. InvokeCommand paging (exo.c) cuts a call's
 * rows into pages; re-POSTs carrying $skiptoken replay the window.
 */
#include "util/compat.h"

#include "sim/graphsim/exo.h"
#include "util/time.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <strings.h>

#define RESULT_SIZE_DEFAULT 100
#define RESULT_SIZE_MAX 5000
#define LARGE_SET_MAX 50000
#define SESSIONS_KEY "unifiedAuditLogSessions"

struct hit {
	yyjson_mut_val *rec;
	struct ir_time t;
};

static const struct {
	int num;
	const char *name;
} record_types[] = {
	{ 1, "ExchangeAdmin" }, { 2, "ExchangeItem" },
	{ 3, "ExchangeItemGroup" }, { 4, "SharePoint" },
	{ 6, "SharePointFileOperation" }, { 7, "OneDrive" },
	{ 8, "AzureActiveDirectory" },
	{ 9, "AzureActiveDirectoryAccountLogon" },
	{ 14, "SharePointSharingOperation" },
	{ 15, "AzureActiveDirectoryStsLogon" },
	{ 18, "SecurityComplianceCenterEOPCmdlet" }, { 20, "PowerBIAudit" },
	{ 25, "MicrosoftTeams" }, { 50, "ExchangeItemAggregated" },
};

static void
type_name(char out[24], yyjson_mut_val *rec)
{
	int64_t n = yyjson_mut_get_sint(yyjson_mut_obj_get(rec,
							   "RecordType"));

	for (size_t i = 0; i < IR_ARRAY_SIZE(record_types); i++)
		if (record_types[i].num == n) {
			snprintf(out, 24, "%s", record_types[i].name);
			return;
		}
	snprintf(out, 24, "%lld", (long long)n);
}

static bool
parse_time(struct ir_time *out, const char *s)
{
	struct ir_err e = IR_ERR_INIT;

	return s && !ir_time_parse(out, s, strlen(s), NULL, 0, &e);
}

/* Is `s` in the filter `f` (NULL: no filter; string, comma list, array)? */
static bool
in_filter(yyjson_val *f, const char *s)
{
	yyjson_arr_iter it;
	yyjson_val *v;
	const char *p, *q;
	size_t len;

	if (!f)
		return true;
	if (!s)
		return false;
	if (yyjson_is_arr(f)) {
		it = yyjson_arr_iter_with(f);
		while ((v = yyjson_arr_iter_next(&it)))
			if (in_filter(v, s))
				return true;
		return false;
	}
	len = strlen(s);
	for (p = yyjson_get_str(f); p && *p; p = *q ? q + 1 : q) {
		p += strspn(p, " ");
		q = p + strcspn(p, ",");
		if ((size_t)(q - p) == len && !strncasecmp(p, s, len))
			return true;
	}
	return false;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = ir_time_cmp(y->t, x->t);

	if (c)
		return c;
	return strcmp(exo_str(x->rec, "Id"), exo_str(y->rec, "Id"));
}

/* The matching records, newest first; *n of them. */
static struct hit *
matches(size_t *n, struct exo *x, struct ir_time from, struct ir_time to)
{
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(x->gs->state.doc), "unifiedAuditLog"));
	yyjson_val *rt = exo_param(x, "RecordType");
	struct hit *v = NULL, h;
	size_t alloc = 0;
	char name[24];

	*n = 0;
	while ((h.rec = yyjson_mut_arr_iter_next(&it))) {
		type_name(name, h.rec);
		if (!parse_time(&h.t, exo_str(h.rec, "CreationTime")) ||
		    ir_time_cmp(h.t, from) < 0 || ir_time_cmp(h.t, to) >= 0 ||
		    !in_filter(exo_param(x, "UserIds"),
			       exo_str(h.rec, "UserId")) ||
		    !in_filter(exo_param(x, "Operations"),
			       exo_str(h.rec, "Operation")) ||
		    !in_filter(rt, name))
			continue;
		IR_ALLOC_GROW(v, *n + 1, alloc);
		v[(*n)++] = h;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), hit_cmp);
	return v;
}

static void
result_row(struct exo *x, yyjson_mut_val *rec, size_t index, size_t count)
{
	yyjson_mut_doc *d = x->doc;
	yyjson_mut_val *row = yyjson_mut_obj(d);
	struct ir_time t;
	char when[IR_TIME_MAX], name[24];
	char *json = yyjson_mut_val_write(rec, 0, NULL);

	type_name(name, rec);
	yyjson_mut_obj_add_strcpy(d, row, "RecordType", name);
	if (parse_time(&t, exo_str(rec, "CreationTime")))
		ir_time_format(when, t);
	else
		snprintf(when, sizeof(when), "%s",
			 exo_str(rec, "CreationTime"));
	yyjson_mut_obj_add_strcpy(d, row, "CreationDate", when);
	yyjson_mut_obj_add_strcpy(d, row, "UserIds", exo_str(rec, "UserId"));
	yyjson_mut_obj_add_strcpy(d, row, "Operations",
				  exo_str(rec, "Operation"));
	yyjson_mut_obj_add_strcpy(d, row, "AuditData", json ? json : "{}");
	yyjson_mut_obj_add_uint(d, row, "ResultIndex", index);
	yyjson_mut_obj_add_uint(d, row, "ResultCount", count);
	yyjson_mut_obj_add_strcpy(d, row, "Identity", exo_str(rec, "Id"));
	yyjson_mut_obj_add_true(d, row, "IsValid");
	yyjson_mut_obj_add_str(d, row, "ObjectState", "Unchanged");
	yyjson_mut_arr_append(x->value, row);
	free(json);
}

/* ResultSize: 1..cap, default 100; false after a 400. */
static bool
result_size(size_t *out, struct exo *x)
{
	yyjson_val *v = exo_param(x, "ResultSize");
	size_t cap = exo_knob(x, "exoSearchMaxResultSize", RESULT_SIZE_MAX);
	int64_t n;

	*out = RESULT_SIZE_DEFAULT < cap ? RESULT_SIZE_DEFAULT : cap;
	if (!v)
		return true;
	if (!yyjson_is_int(v)) {
		exo_error(x, 400, T_BINDING, "Cannot process argument "
			  "transformation on parameter 'ResultSize'.");
		return false;
	}
	n = yyjson_get_sint(v);
	if (n < 1 || (uint64_t)n > cap) {
		exo_error(x, 400, T_BINDING, "Cannot validate argument on "
			  "parameter 'ResultSize'. The %lld argument is "
			  "outside the allowed range of 1 to %zu.",
			  (long long)n, cap);
		return false;
	}
	*out = (size_t)n;
	return true;
}

/*
 * The session's record {"start","next"}, made when new; NULL: no session.
 * A call starts where the last one ended; a re-POST to a nextLink
 * ($skiptoken) is the same call's next page, so it replays its window.
 */
static yyjson_mut_val *
session(size_t *cap, struct exo *x)
{
	yyjson_mut_doc *st = x->gs->state.doc;
	const char *id = yyjson_get_str(exo_param(x, "SessionId"));
	const char *cmd = yyjson_get_str(exo_param(x, "SessionCommand"));
	yyjson_mut_val *all, *c;

	if (!cmd)
		return NULL;
	if (!id || (strcasecmp(cmd, "ReturnLargeSet") &&
		    strcasecmp(cmd, "ReturnNextPreviewPage"))) {
		exo_error(x, 400, T_BINDING, id ? "Cannot convert value '%s' "
			  "to type SessionCommand." : "Cannot bind argument "
			  "to parameter 'SessionId' because it is %s.",
			  id ? cmd : "null or missing");
		return NULL;
	}
	*cap = strcasecmp(cmd, "ReturnLargeSet") ?
	       exo_knob(x, "exoSearchMaxResultSize", RESULT_SIZE_MAX) :
	       exo_knob(x, "exoSearchSessionMax", LARGE_SET_MAX);
	all = yyjson_mut_obj_get(yyjson_mut_doc_get_root(st), SESSIONS_KEY);
	if (!yyjson_mut_is_obj(all)) {
		all = yyjson_mut_obj(st);
		yyjson_mut_obj_put(yyjson_mut_doc_get_root(st),
				   yyjson_mut_str(st, SESSIONS_KEY), all);
	}
	c = yyjson_mut_obj_get(all, id);
	if (!c) {
		c = yyjson_mut_obj(st);
		yyjson_mut_obj_add_uint(st, c, "start", 0);
		yyjson_mut_obj_add_uint(st, c, "next", 0);
		yyjson_mut_obj_add(all, yyjson_mut_strcpy(st, id), c);
	}
	return c;
}

static size_t
session_get(yyjson_mut_val *sess, const char *key)
{
	return (size_t)yyjson_mut_get_uint(yyjson_mut_obj_get(sess, key));
}

static void
session_set(struct exo *x, yyjson_mut_val *sess, size_t start, size_t next)
{
	yyjson_mut_doc *st = x->gs->state.doc;

	yyjson_mut_obj_put(sess, yyjson_mut_str(st, "start"),
			   yyjson_mut_uint(st, start));
	yyjson_mut_obj_put(sess, yyjson_mut_str(st, "next"),
			   yyjson_mut_uint(st, next));
}

void
exo_search_ual(struct exo *x)
{
	struct ir_time from, to;
	struct hit *v;
	size_t n, size, cap = SIZE_MAX, off = 0, end;
	yyjson_mut_val *sess;
	bool replay;

	if (!parse_time(&from, yyjson_get_str(exo_param(x, "StartDate"))) ||
	    !parse_time(&to, yyjson_get_str(exo_param(x, "EndDate")))) {
		exo_error(x, 400, T_BINDING, "Cannot bind parameter '%s'. "
			  "StartDate and EndDate must be dates.",
			  exo_param(x, "StartDate") ? "EndDate" : "StartDate");
		return;
	}
	if (!result_size(&size, x))
		return;
	sess = session(&cap, x);
	if (x->failed)
		return;
	replay = !!gs_query(x->req, "$skiptoken");
	if (sess)
		off = session_get(sess, replay ? "start" : "next");
	v = matches(&n, x, from, to);
	end = off + size;
	if (end > n)
		end = n;
	if (end > cap)
		end = cap;
	for (size_t i = off; i < end; i++)
		result_row(x, v[i].rec, i + 1, n);
	if (end < off)
		end = off;
	if (sess && !replay)
		session_set(x, sess, off, end);
	free(v);
}
