/* SPDX-License-Identifier: MIT */
/*
 * norm.h - what normalize.c shares with its norm-*.c helpers, params.c and
 * recordtype.c. Private to the normalizer: framing code uses
 * logs-internal.h only.
 *
 * The normalizer looks at a record through a *field index*: one pass over
 * the object's keys fills `struct norm_fields`, a slot per field name the
 * normalizer knows (CreationTime, createdDateTime, TimeGenerated [UTC],
 * ...). Names match ignoring ASCII case, trailing spaces and a " [UTC]"
 * suffix, so Panther's `operation`, legacy `UserPrincipalName`, Graph's
 * `userPrincipalName` and a Log Analytics `TimeGenerated [UTC] ` column all
 * land in one slot. Keys the normalizer does not know are never merged:
 * `EventName` and `eventName` stay two members of the raw object.
 *
 * Wrappers (Purview CSV, Search-UnifiedAuditLog rows, Graph auditLogRecord,
 * Event Hub records) have two indexes: `in` for the primary record (the
 * inner AuditData / properties) and `out` for the wrapper; pick() looks in
 * `in` first and falls back to `out`.
 *
 * Memory: strings the normalizer makes (lower-cased users, addresses,
 * parameter values) come from a chunked arena that is reset, not freed,
 * for every record; JSON parsed out of strings comes from one yyjson
 * dynamic allocator whose blocks are reused. After the first few records
 * nothing is allocated per record.
 */
#ifndef IR_LOGS_NORM_H
#define IR_LOGS_NORM_H

#include "util/compat.h"

#include <yyjson.h>

#include "util/err.h"
#include "util/time.h"
#include "logs/event.h"
#include "logs/logs-internal.h"

/*
 * Field slots. If you add one, add its spellings to the table in
 * normalize.c (any order: it is hashed at first use).
 */
enum norm_field {
	F_ACTIVITYDATETIME,
	F_ACTIVITYDISPLAYNAME,
	F_ACTORIPADDRESS,
	F_ADDITIONALDETAILS,
	F_APPDISPLAYNAME,
	F_APPID,
	F_APPLICATIONID,
	F_AUDITDATA,
	F_AUDITLOGRECORDTYPE,
	F_CALLERIPADDRESS,
	F_CATEGORY,
	F_CLIENT_IPADDRESS,
	F_CLIENTAPPUSED,
	F_CLIENTIP,
	F_CLIENTIPADDRESS,
	F_CREATEDDATETIME,
	F_CREATIONDATE,
	F_CREATIONTIME,
	F_ERRORNUMBER,
	F_EXTENDEDPROPERTIES,
	F_ID,
	F_IDENTITY,
	F_INITIATEDBY,
	F_IPADDRESS,
	F_ISINTERACTIVE,
	F_LOCATION,
	F_LOCATIONDETAILS,
	F_LOGGEDBYSERVICE,
	F_LOGONERROR,
	F_MODIFIEDPROPERTIES,
	F_OBJECTID,
	F_OFFICEOBJECTID,
	F_OFFICEWORKLOAD,
	F_OPERATION,
	F_OPERATIONNAME,
	F_OPERATIONPROPERTIES,
	F_OPERATIONS,
	F_PARAMETERS,
	F_PROPERTIES,
	F_RECORDID,
	F_RECORDTYPE,
	F_RESULT,
	F_RESULTDESCRIPTION,
	F_RESULTREASON,
	F_RESULTSTATUS,
	F_RESULTTYPE,
	F_RISKLEVELDURINGSIGNIN,
	F_SERVICE,
	F_SOURCERECORDID,
	F_STATUS,
	F_TARGETRESOURCES,
	F_TIME,
	F_TIMEGENERATED,
	F_TYPE,
	F_USERAGENT,
	F_USERID,
	F_USERIDS,
	F_USERPRINCIPALNAME,
	F_WORKLOAD,
	F__N
};

struct norm_fields {
	yyjson_val *v[F__N];
	const char *key[F__N]; /* the key as the record spells it */
};

struct norm_chunk;

struct ir_norm {
	const char *file;
	struct ir_time_hint hint;
	struct norm_chunk *chunks; /* arena: kept across records */
	struct norm_chunk *cur;
	struct ir_param *params;
	size_t nparams, aparams;
	struct ir_str *items; /* list items being collected */
	size_t nitems, aitems;
	struct ir_buf scratch; /* PowerShell-string unescaping */
	yyjson_alc *alc;
	yyjson_doc **docs; /* JSON parsed out of strings, this record */
	size_t ndocs, adocs;
	bool from_csv;
	struct norm_fields store[2];
	struct norm_fields *in;	 /* the primary record */
	struct norm_fields *out; /* the wrapper, or NULL */
};

/* Arena: `len` bytes (8-aligned), valid until the next record. */
void *ir_norm__alloc(struct ir_norm *n, size_t len);
/* A NUL-terminated arena copy of `len` bytes (embedded NULs kept). */
char *ir_norm__dup(struct ir_norm *n, const char *s, size_t len);

/* Fill `f` from the members of `obj` (an object; anything else: empty). */
void ir_norm__scan(struct norm_fields *f, yyjson_val *obj);

/* in->v[F] if set, else out->v[F]. */
static inline yyjson_val *
pick(const struct ir_norm *n, enum norm_field f)
{
	if (n->in->v[f])
		return n->in->v[f];
	return n->out ? n->out->v[f] : NULL;
}

/* The spelling of the key that pick() would use, for messages. */
const char *ir_norm__key(const struct ir_norm *n, enum norm_field f,
			 const char *dflt);

/*
 * `v` as text: a string as is (borrowed), a number or boolean formatted
 * into the arena ("True"/"False" as PowerShell writes them), an array or
 * object as compact JSON. False for NULL, JSON null and a blank string.
 */
bool ir_norm__text(struct ir_norm *n, yyjson_val *v, struct ir_str *out);
/* Same, NUL-terminated C string or NULL. */
const char *ir_norm__cstr(struct ir_norm *n, yyjson_val *v);

/* Member `name` of object `obj`: exact spelling first, then ignoring case. */
yyjson_val *ir_norm__get(yyjson_val *obj, const char *name);

/*
 * Parse JSON text held in a string (AuditData, LocationDetails, a property
 * bag); the document lives until the next record. IR_EPARSE names `what`
 * and the byte offset.
 */
int ir_norm__parse_json(struct ir_norm *n, yyjson_val **out, const char *s,
			size_t len, const char *what, struct ir_err *err);

/*
 * A JSON value that may arrive as JSON text in a CSV cell or a Sentinel
 * column: a string starting with `{` or `[` is parsed (failure: NULL, not
 * an error, the value is then simply absent); anything else is returned.
 */
yyjson_val *ir_norm__maybe_json(struct ir_norm *n, yyjson_val *v);

/* Set ev->time from `v` (string, /Date()/ or {"value":...}); IR_EPARSE. */
int ir_norm__time(struct ir_norm *n, struct ir_event *ev, yyjson_val *v,
		  const char *key, struct ir_err *err);
/*
 * The first of the fields `fs` (pick() order) that holds a timestamp sets
 * ev->time: a malformed one is passed over when a later one parses (an
 * Event Hub record's `time` beside a bad `activityDateTime`); if none
 * parses, the first one's IR_EPARSE. No field at all: 0, time null.
 */
int ir_norm__time_any(struct ir_norm *n, struct ir_event *ev,
		      const enum norm_field *fs, size_t cnt,
		      struct ir_err *err);
/* Lower-case a UPN (text with '@' and no blank); anything else as is. */
const char *ir_norm__user(struct ir_norm *n, yyjson_val *v);
/* ev->client_ip / client_port from the first parseable of the values. */
void ir_norm__ip(struct ir_norm *n, struct ir_event *ev, yyjson_val *v);

/*
 * Parameters. add() copies nothing: name and value must live as long as
 * the event (yyjson strings of the record, or arena copies). set() adds
 * or replaces (case-insensitive name), used for the canonical sign-in
 * params that may already have come in with ExtendedProperties.
 */
void ir_norm__param(struct ir_norm *n, const char *name, struct ir_str val);
void ir_norm__param_set(struct ir_norm *n, const char *name, struct ir_str val);
const struct ir_param *ir_norm__param_find(const struct ir_norm *n,
					   const char *name);

/* Items joined with ';' (the scalar form of a list), in the arena. */
struct ir_str ir_norm__join(struct ir_norm *n, const struct ir_str *items,
			    size_t nitems);

/* Flatten a property bag in any of its shapes (params.c). */
int ir_norm__bag(struct ir_norm *n, yyjson_val *bag, const char *what,
		 struct ir_err *err);

/* The AuditLogRecordType member name of `v`, or NULL (recordtype.c). */
const char *ir_logs__record_type_name(int64_t v);

/* Per-schema mappers (norm-*.c). Each returns 1, 0 (declined) or <0. */
struct norm_call {
	struct ir_event *ev;
	ir_want_fn want;
	void *payload;
	bool asked; /* want() already said yes */
};
bool ir_norm__want(const struct norm_call *c, const char *op);
int ir_norm__ual(struct ir_norm *n, const struct norm_call *c,
		 struct ir_err *err);
int ir_norm__signin(struct ir_norm *n, const struct norm_call *c,
		    struct ir_err *err);
int ir_norm__diraudit(struct ir_norm *n, const struct norm_call *c,
		      struct ir_err *err);
/* Canonical params for UAL UserLoggedIn / UserLoginFailed. */
void ir_norm__ual_signin(struct ir_norm *n, struct ir_event *ev);

#endif
