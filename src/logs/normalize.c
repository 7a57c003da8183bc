/* SPDX-License-Identifier: MIT */
/*
 * normalize.c - one record of any schema m365ir knows -> struct ir_event.
 *
 * The schema is recognised from the record's keys (never the file name):
 * one pass over the members fills a field index (norm.h), and dispatch()
 * decides from which slots are set. Each schema has a mapper in a
 * norm-*.c file; this file holds the shared machinery: the per-norm arena,
 * the field table, classification, and the wrapper shapes (Purview CSV,
 * Search-UnifiedAuditLog as CSV or PowerShell 5.1 JSON, Graph
 * auditLogRecord, Event Hub records) whose inner record is the primary one.
 *
 * Hot path: exports run to gigabytes and most records are declined by the
 * caller's prefilter, so the operation is looked up by its exact key
 * before the index is even built, and want() is asked before anything is
 * parsed or copied.
 */
#include "util/compat.h"

#include <threads.h>

#include "util/parse.h"
#include "util/xalloc.h"
#include "logs/norm.h"

#define CHUNK_SIZE (64u << 10)

struct norm_chunk {
	struct norm_chunk *next;
	size_t size, used;
	max_align_t data[];
};

/* Lower-case spellings (hashed below); `canon` wins a case tie. */
static const struct field_name {
	const char *lower;
	const char *canon;
	enum norm_field f;
} fields[] = {
	{"activitydatetime", "activityDateTime", F_ACTIVITYDATETIME},
	{"activitydisplayname", "activityDisplayName", F_ACTIVITYDISPLAYNAME},
	{"actoripaddress", "ActorIpAddress", F_ACTORIPADDRESS},
	{"additionaldetails", "AdditionalDetails", F_ADDITIONALDETAILS},
	{"appdisplayname", "appDisplayName", F_APPDISPLAYNAME},
	{"appid", "appId", F_APPID},
	{"applicationid", "ApplicationId", F_APPLICATIONID},
	{"auditdata", "AuditData", F_AUDITDATA},
	{"auditlogrecordtype", "auditLogRecordType", F_AUDITLOGRECORDTYPE},
	{"calleripaddress", "callerIpAddress", F_CALLERIPADDRESS},
	{"category", "category", F_CATEGORY},
	{"client_ipaddress", "Client_IPAddress", F_CLIENT_IPADDRESS},
	{"clientappused", "clientAppUsed", F_CLIENTAPPUSED},
	{"clientip", "ClientIP", F_CLIENTIP},
	{"clientipaddress", "ClientIPAddress", F_CLIENTIPADDRESS},
	{"createddatetime", "createdDateTime", F_CREATEDDATETIME},
	{"creationdate", "CreationDate", F_CREATIONDATE},
	{"creationtime", "CreationTime", F_CREATIONTIME},
	{"errornumber", "ErrorNumber", F_ERRORNUMBER},
	{"extendedproperties", "ExtendedProperties", F_EXTENDEDPROPERTIES},
	{"id", "Id", F_ID},
	{"identity", "Identity", F_IDENTITY},
	{"initiatedby", "initiatedBy", F_INITIATEDBY},
	{"ipaddress", "ipAddress", F_IPADDRESS},
	{"isinteractive", "isInteractive", F_ISINTERACTIVE},
	{"location", "location", F_LOCATION},
	{"locationdetails", "LocationDetails", F_LOCATIONDETAILS},
	{"locationdetails_dynamic", "LocationDetails", F_LOCATIONDETAILS},
	{"locationdetails_string", "LocationDetails", F_LOCATIONDETAILS},
	{"loggedbyservice", "loggedByService", F_LOGGEDBYSERVICE},
	{"logonerror", "LogonError", F_LOGONERROR},
	{"modifiedproperties", "ModifiedProperties", F_MODIFIEDPROPERTIES},
	{"objectid", "ObjectId", F_OBJECTID},
	{"officeid", "OfficeId", F_SOURCERECORDID},
	{"officeobjectid", "OfficeObjectId", F_OFFICEOBJECTID},
	{"officeworkload", "OfficeWorkload", F_OFFICEWORKLOAD},
	{"operation", "Operation", F_OPERATION},
	{"operationname", "operationName", F_OPERATIONNAME},
	{"operationproperties", "OperationProperties", F_OPERATIONPROPERTIES},
	{"operations", "Operations", F_OPERATIONS},
	{"parameters", "Parameters", F_PARAMETERS},
	{"properties", "properties", F_PROPERTIES},
	{"recordid", "RecordId", F_RECORDID},
	{"recordtype", "RecordType", F_RECORDTYPE},
	{"result", "result", F_RESULT},
	{"resultdescription", "ResultDescription", F_RESULTDESCRIPTION},
	{"resultreason", "resultReason", F_RESULTREASON},
	{"resultstatus", "ResultStatus", F_RESULTSTATUS},
	{"resulttype", "resultType", F_RESULTTYPE},
	{"risklevelduringsignin", "riskLevelDuringSignIn",
	 F_RISKLEVELDURINGSIGNIN},
	{"service", "service", F_SERVICE},
	{"sourcerecordid", "SourceRecordId", F_SOURCERECORDID},
	{"status", "status", F_STATUS},
	{"status_dynamic", "Status", F_STATUS},
	{"status_string", "Status", F_STATUS},
	{"targetresources", "targetResources", F_TARGETRESOURCES},
	{"time", "time", F_TIME},
	{"timegenerated", "TimeGenerated", F_TIMEGENERATED},
	{"type", "Type", F_TYPE},
	{"useragent", "userAgent", F_USERAGENT},
	{"userid", "UserId", F_USERID},
	{"userids", "UserIds", F_USERIDS},
	{"userprincipalname", "userPrincipalName", F_USERPRINCIPALNAME},
	{"workload", "Workload", F_WORKLOAD},
};

struct ir_norm *
ir_logs__norm_new(const char *file)
{
	struct ir_norm *n = xcalloc(1, sizeof(*n));

	n->file = file;
	ir_buf_init(&n->scratch);
	ir_buf_limit(&n->scratch, IR_LOGS_MAX_RECORD);
	n->alc = yyjson_alc_dyn_new();
	if (!n->alc)
		IR_BUG("out of memory");
	n->in = &n->store[0];
	return n;
}

/* JSON parsed out of strings; the allocator keeps the blocks for reuse. */
static void
free_docs(struct ir_norm *n)
{
	for (size_t i = 0; i < n->ndocs; i++)
		yyjson_doc_free(n->docs[i]);
	n->ndocs = 0;
}

void
ir_logs__norm_free(struct ir_norm *n)
{
	struct norm_chunk *c, *next;

	if (!n)
		return;
	free_docs(n);
	for (c = n->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(n->docs);
	free(n->params);
	free(n->items);
	ir_buf_release(&n->scratch);
	yyjson_alc_dyn_free(n->alc);
	free(n);
}

/* Forget the previous record; keep every block of memory for the next. */
static void
reset(struct ir_norm *n)
{
	for (struct norm_chunk *c = n->chunks; c; c = c->next)
		c->used = 0;
	n->cur = n->chunks;
	n->nparams = 0;
	n->nitems = 0;
	free_docs(n);
	n->in = &n->store[0];
	n->out = NULL;
}

/*
 * Bump allocation over chunks that survive reset(): a record's strings are
 * all dropped together, so nothing is freed one by one, and after the
 * largest record the arena never grows again.
 */
void *
ir_norm__alloc(struct ir_norm *n, size_t len)
{
	struct norm_chunk *c;
	size_t need = (len + 7) & ~(size_t)7;

	for (c = n->cur; c && c->size - c->used < need; c = c->next)
		;
	if (!c) {
		size_t size = need > CHUNK_SIZE ? need : CHUNK_SIZE;

		/* A new chunk goes at the head: it is found first next time. */
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = n->chunks;
		n->chunks = c;
	}
	n->cur = c;
	c->used += need;
	return (char *)c->data + c->used - need;
}

char *
ir_norm__dup(struct ir_norm *n, const char *s, size_t len)
{
	char *p = ir_norm__alloc(n, len + 1);

	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/*
 * The field table as an open-addressing hash of the folded spelling, built
 * once: every top-level record is classified and every accepted one is
 * indexed, so this lookup runs for each key of gigabytes of records. A
 * miss (most UAL keys) costs one hash and usually one empty slot.
 */
#define FIELD_HASH_SIZE 256u /* power of two, well over 2x the table */

static unsigned char field_slot[FIELD_HASH_SIZE]; /* fields[] index + 1 */
static unsigned char field_len[IR_ARRAY_SIZE(fields)];
static once_flag field_once = ONCE_FLAG_INIT;

static uint32_t
field_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h ^ (h >> 15);
}

static void
field_hash_init(void)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(fields); i++) {
		size_t len = strlen(fields[i].lower);
		uint32_t h = field_hash(fields[i].lower, len);

		field_len[i] = (unsigned char)len;
		while (field_slot[h & (FIELD_HASH_SIZE - 1)])
			h++;
		field_slot[h & (FIELD_HASH_SIZE - 1)] = (unsigned char)(i + 1);
	}
}

static const struct field_name *
field_find(const char *low, size_t len)
{
	uint32_t h = field_hash(low, len);
	unsigned s;

	while ((s = field_slot[h++ & (FIELD_HASH_SIZE - 1)])) {
		if (field_len[s - 1] == len &&
		    !memcmp(fields[s - 1].lower, low, len))
			return &fields[s - 1];
	}
	return NULL;
}

/* "TimeGenerated [UTC] " -> "timegenerated"; 0 when empty or too long. */
static size_t
fold_key(char *out, size_t cap, const char *k, size_t len)
{
	static const char utc[] = " [utc]";

	if (len >= cap)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)k[i];

		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	while (len && out[len - 1] == ' ')
		len--;
	if (len >= sizeof(utc) - 1 &&
	    !memcmp(out + len - (sizeof(utc) - 1), utc, sizeof(utc) - 1))
		len -= sizeof(utc) - 1;
	while (len && out[len - 1] == ' ')
		len--;
	return len;
}

/* The known field key `k` (a yyjson key) stands for, or NULL. */
static const struct field_name *
field_of(yyjson_val *k)
{
	char low[48];
	size_t len = fold_key(low, sizeof(low), yyjson_get_str(k),
			      yyjson_get_len(k));

	return len ? field_find(low, len) : NULL;
}

void
ir_norm__scan(struct norm_fields *f, yyjson_val *obj)
{
	yyjson_obj_iter it;
	yyjson_val *k;

	memset(f->v, 0, sizeof(f->v));
	if (!yyjson_is_obj(obj))
		return;
	call_once(&field_once, field_hash_init);
	yyjson_obj_iter_init(obj, &it);
	while ((k = yyjson_obj_iter_next(&it))) {
		const struct field_name *fn = field_of(k);
		const char *ks = yyjson_get_str(k);

		if (!fn)
			continue;
		/*
		 * Two keys that differ only in case for one known field: the
		 * first wins unless the later one is the documented spelling.
		 */
		if (f->v[fn->f] && strcmp(ks, fn->canon) != 0)
			continue;
		f->v[fn->f] = yyjson_obj_iter_get_val(k);
		f->key[fn->f] = ks;
	}
}

const char *
ir_norm__key(const struct ir_norm *n, enum norm_field f, const char *dflt)
{
	if (n->in->v[f])
		return n->in->key[f];
	if (n->out && n->out->v[f])
		return n->out->key[f];
	return dflt;
}

bool
ir_norm__want(const struct norm_call *c, const char *op)
{
	if (c->asked || !c->want || !op)
		return true;
	return c->want(op, strlen(op), c->payload);
}

/*
 * Looks like one record, as opposed to a container or something else. Any
 * time or operation key will do: records without a time (some Log
 * Analytics exports) are still records, and a Graph page has neither.
 * Every top-level value is asked this, so it stops at the first telling
 * key (a UAL record's first key, CreationTime) instead of indexing them all.
 */
static bool
is_record(yyjson_val *obj)
{
	bool time = false, category = false;
	yyjson_obj_iter it;
	yyjson_val *k;

	call_once(&field_once, field_hash_init);
	yyjson_obj_iter_init(obj, &it);
	while ((k = yyjson_obj_iter_next(&it))) {
		const struct field_name *fn = field_of(k);

		if (!fn)
			continue;
		switch (fn->f) {
		case F_CREATIONTIME:
		case F_CREATIONDATE:
		case F_CREATEDDATETIME:
		case F_ACTIVITYDATETIME:
		case F_TIMEGENERATED:
		case F_OPERATION:
		case F_OPERATIONS:
		case F_OPERATIONNAME:
		case F_ACTIVITYDISPLAYNAME:
		case F_AUDITDATA:
			return true;
		case F_TIME:
			time = true;
			break;
		case F_CATEGORY:
			category = true;
			break;
		default:
			break;
		}
	}
	return time && category;
}

enum ir_rec_kind
ir_logs__classify(yyjson_val *obj)
{
	yyjson_obj_iter it;
	yyjson_val *k;

	if (!yyjson_is_obj(obj))
		return IR_REC_UNKNOWN;
	if (is_record(obj))
		return IR_REC_RECORD;
	yyjson_obj_iter_init(obj, &it);
	while ((k = yyjson_obj_iter_next(&it))) {
		yyjson_val *v = yyjson_obj_iter_get_val(k);

		if (yyjson_is_arr(v) && yyjson_is_obj(yyjson_arr_get_first(v)))
			return IR_REC_CONTAINER;
	}
	return IR_REC_UNKNOWN;
}

/* The exact-key operation, for the prefilter before any other work. */
static bool
early_decline(struct norm_call *c, yyjson_val *obj)
{
	yyjson_val *op = yyjson_obj_get(obj, "Operation");

	if (!op)
		op = yyjson_obj_get(obj, "Operations");
	if (!c->want || !yyjson_is_str(op))
		return false;
	if (!c->want(yyjson_get_str(op), yyjson_get_len(op), c->payload))
		return true;
	c->asked = true;
	return false;
}

static bool
str_is(yyjson_val *v, const char *lit)
{
	return yyjson_is_str(v) &&
	       ir_strn_eq_ci(yyjson_get_str(v), yyjson_get_len(v), lit);
}

/*
 * Search-UnifiedAuditLog objects (CSV or ConvertTo-Json), the Purview CSV
 * and Graph auditLogRecord: the inner AuditData is the record, the outer
 * columns are the fallback.
 */
static int
wrapper(struct ir_norm *n, struct norm_call *c, struct ir_err *err)
{
	struct norm_fields *outer = n->in;
	yyjson_val *ad = outer->v[F_AUDITDATA];
	yyjson_val *op = outer->v[F_OPERATION] ? outer->v[F_OPERATION]
					       : outer->v[F_OPERATIONS];

	if (outer->v[F_AUDITLOGRECORDTYPE] || outer->v[F_SERVICE])
		c->ev->source = IR_SRC_GRAPH_AUDIT;
	else if (n->from_csv)
		c->ev->source = outer->v[F_RECORDID] ? IR_SRC_PURVIEW_CSV
						     : IR_SRC_PS_CSV;
	else
		c->ev->source = IR_SRC_PS_JSON;
	if (!op && yyjson_is_obj(ad))
		op = ir_norm__get(ad, "Operation");
	if (yyjson_is_str(op) && !ir_norm__want(c, yyjson_get_str(op)))
		return 0;
	c->asked = true;

	/* Export-Csv and Purview give AuditData as text; 5.1 JSON nests it. */
	if (yyjson_is_str(ad)) {
		const char *s = yyjson_get_str(ad);
		size_t len = yyjson_get_len(ad);

		while (len &&
		       (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
			s++;
			len--;
		}
		ad = NULL;
		if (len &&
		    ir_norm__parse_json(n, &ad, s, len, outer->key[F_AUDITDATA],
					err) < 0)
			return IR_EPARSE;
		if (ad && !yyjson_is_obj(ad))
			return ir_err_set(err, IR_EPARSE,
					  "%s: not a JSON object",
					  outer->key[F_AUDITDATA]);
	}
	n->out = outer;
	n->in = &n->store[1];
	ir_norm__scan(n->in, ad);
	if (ad)
		c->ev->raw = ad;
	return ir_norm__ual(n, c, err);
}

/* Diagnostic-settings record: properties.* is a Graph object. */
static int
eventhub(struct ir_norm *n, struct norm_call *c, struct ir_err *err)
{
	yyjson_val *props = ir_norm__maybe_json(n, n->in->v[F_PROPERTIES]);

	c->ev->source = IR_SRC_EVENTHUB;
	n->out = n->in;
	n->in = &n->store[1];
	ir_norm__scan(n->in, props);
	if (n->in->v[F_ACTIVITYDATETIME] || n->in->v[F_ACTIVITYDISPLAYNAME] ||
	    n->in->v[F_INITIATEDBY])
		return ir_norm__diraudit(n, c, err);
	if (n->in->v[F_CREATEDDATETIME] || n->in->v[F_USERPRINCIPALNAME] ||
	    n->in->v[F_STATUS])
		return ir_norm__signin(n, c, err);
	return ir_norm__ual(n, c, err);
}

/*
 * Log Analytics rows are Graph objects under other clothes: a CSV row, a
 * TimeGenerated column or Sentinel's Type column tells them apart.
 */
static bool
is_la(const struct ir_norm *n, const struct norm_fields *f)
{
	return n->from_csv || f->v[F_TIMEGENERATED] || f->v[F_TYPE];
}

static int
dispatch(struct ir_norm *n, struct norm_call *c, struct ir_err *err)
{
	struct norm_fields *f = n->in;

	if (f->v[F_AUDITDATA] || f->v[F_AUDITLOGRECORDTYPE] ||
	    f->v[F_USERIDS] || f->v[F_OPERATIONS])
		return wrapper(n, c, err);
	if (f->v[F_PROPERTIES] && (f->v[F_CATEGORY] || f->v[F_OPERATIONNAME]))
		return eventhub(n, c, err);
	if (f->v[F_ACTIVITYDATETIME] || f->v[F_ACTIVITYDISPLAYNAME] ||
	    (f->v[F_INITIATEDBY] && f->v[F_TARGETRESOURCES])) {
		c->ev->source =
			is_la(n, f) || yyjson_is_str(f->v[F_INITIATEDBY])
				? IR_SRC_LA_AUDIT
				: IR_SRC_GRAPH_DIRAUDIT;
		return ir_norm__diraudit(n, c, err);
	}
	if (f->v[F_OFFICEWORKLOAD] || str_is(f->v[F_TYPE], "OfficeActivity") ||
	    (f->v[F_TIMEGENERATED] && f->v[F_OPERATION])) {
		c->ev->source = IR_SRC_LA_OFFICE;
		return ir_norm__ual(n, c, err);
	}
	if (f->v[F_CREATEDDATETIME] || str_is(f->v[F_TYPE], "SigninLogs") ||
	    (f->v[F_USERPRINCIPALNAME] &&
	     (f->v[F_IPADDRESS] || f->v[F_STATUS] || f->v[F_RESULTTYPE]))) {
		c->ev->source = is_la(n, f) || f->v[F_OPERATIONNAME]
					? IR_SRC_LA_SIGNIN
					: IR_SRC_GRAPH_SIGNIN;
		return ir_norm__signin(n, c, err);
	}
	if (f->v[F_CREATIONTIME] || f->v[F_OPERATION]) {
		c->ev->source = IR_SRC_UAL_JSON;
		return ir_norm__ual(n, c, err);
	}
	return ir_err_set(err, IR_EPARSE,
			  "not a record of any known schema (no time or "
			  "operation field)");
}

int
ir_logs__normalize(struct ir_norm *n, struct ir_event *out,
		   const struct ir_norm_input *in, ir_want_fn want,
		   void *want_payload, struct ir_err *err)
{
	struct norm_call c = {out, want, want_payload, false};
	int ret;

	if (!n || !out || !in)
		IR_BUG("ir_logs__normalize: NULL argument");
	reset(n);
	memset(out, 0, sizeof(*out));
	out->file = n->file;
	out->record = in->record;
	out->client_port = -1;
	out->raw = in->obj;
	if (!yyjson_is_obj(in->obj))
		return ir_err_set(err, IR_EPARSE,
				  "record is not a JSON object");
	/* Most records of a big export are declined: before any other work. */
	if (early_decline(&c, in->obj))
		return 0;
	n->from_csv = in->from_csv;
	ir_norm__scan(n->in, in->obj);
	ret = dispatch(n, &c, err);
	if (ret <= 0)
		return ret;
	out->params = n->params;
	out->nparams = n->nparams;
	return 1;
}
