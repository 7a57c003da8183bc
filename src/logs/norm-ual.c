/* SPDX-License-Identifier: MIT */
/*
 * norm-ual.c - the unified audit log record (Management Activity API
 * common schema, office-365-management-activity-api-schema.md) -> event.
 *
 * Used for bare AuditData records (ual-json), for the inner record of the
 * wrappers (Purview CSV, Search-UnifiedAuditLog CSV/JSON, Graph
 * auditLogRecord: the outer columns are the fallback through pick()), and
 * for the Log Analytics OfficeActivity table, whose columns are the same
 * fields under a few other names (TimeGenerated, OfficeWorkload,
 * OfficeObjectId, Client_IPAddress, OfficeId).
 */
#include "util/compat.h"

#include "util/parse.h"
#include "logs/norm.h"

/* The first of `fs` that is set, in the primary record then the wrapper. */
static yyjson_val *
pick_any(const struct ir_norm *n, const enum norm_field *fs, size_t cnt,
	 enum norm_field *which)
{
	for (size_t i = 0; i < cnt; i++) {
		yyjson_val *v = pick(n, fs[i]);

		if (v && !yyjson_is_null(v)) {
			if (which)
				*which = fs[i];
			return v;
		}
	}
	return NULL;
}
#define PICK_ANY(n, which, ...)                                   \
	pick_any((n), (const enum norm_field[]){__VA_ARGS__},     \
		 sizeof((const enum norm_field[]){__VA_ARGS__}) / \
			 sizeof(enum norm_field),                 \
		 (which))

/* RecordType: 15, "15" or a name ("ExchangeAdmin", Graph "exchangeAdmin"). */
static const char *
record_type(struct ir_norm *n, yyjson_val *v)
{
	int64_t num;
	struct ir_str s;

	if (yyjson_is_int(v))
		return ir_logs__record_type_name(yyjson_get_sint(v));
	if (!ir_norm__text(n, v, &s))
		return NULL;
	if (ir_parse_int64(&num, s.ptr, s.len, NULL) == 0)
		return ir_logs__record_type_name(num);
	return s.ptr;
}

static int
ual_time(struct ir_norm *n, struct ir_event *ev, struct ir_err *err)
{
	static const enum norm_field order[] = {
		F_CREATIONTIME,
		F_CREATIONDATE,
		F_TIMEGENERATED,
		F_CREATEDDATETIME,
	};

	return ir_norm__time_any(n, ev, order, IR_ARRAY_SIZE(order), err);
}

static void
ual_ip(struct ir_norm *n, struct ir_event *ev)
{
	static const enum norm_field ips[] = {
		F_CLIENTIP,
		F_CLIENTIPADDRESS,
		F_ACTORIPADDRESS,
		F_CLIENT_IPADDRESS,
	};
	const struct norm_fields *sets[] = {n->in, n->out};

	for (size_t s = 0; s < 2 && sets[s]; s++)
		for (size_t i = 0; i < IR_ARRAY_SIZE(ips); i++)
			ir_norm__ip(n, ev, sets[s]->v[ips[i]]);
}

/* Property bags of the primary record, in the documented order. */
static int
ual_params(struct ir_norm *n, struct ir_err *err)
{
	static const enum norm_field bags[] = {
		F_PARAMETERS,	      F_EXTENDEDPROPERTIES,
		F_MODIFIEDPROPERTIES, F_OPERATIONPROPERTIES,
		F_ADDITIONALDETAILS,
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(bags); i++) {
		yyjson_val *v = n->in->v[bags[i]];

		if (v && ir_norm__bag(n, v, n->in->key[bags[i]], err) < 0)
			return IR_EPARSE;
	}
	return 0;
}

static const char *
ual_id(struct ir_norm *n, const struct ir_event *ev)
{
	yyjson_val *v = PICK_ANY(n, NULL, F_ID, F_RECORDID, F_SOURCERECORDID);

	/* Search-UnifiedAuditLog's Identity is the record Id; elsewhere not. */
	if (!v && (!strcmp(ev->source, IR_SRC_PS_CSV) ||
		   !strcmp(ev->source, IR_SRC_PS_JSON)))
		v = pick(n, F_IDENTITY);
	return ir_norm__cstr(n, v);
}

int
ir_norm__ual(struct ir_norm *n, const struct norm_call *c, struct ir_err *err)
{
	struct ir_event *ev = c->ev;

	ev->operation =
		ir_norm__cstr(n, PICK_ANY(n, NULL, F_OPERATION, F_OPERATIONS,
					  F_OPERATIONNAME));
	if (!ir_norm__want(c, ev->operation))
		return 0;
	if (ual_time(n, ev, err) < 0)
		return IR_EPARSE;
	ev->id = ual_id(n, ev);
	ev->record_type = record_type(n, PICK_ANY(n, NULL, F_RECORDTYPE,
						  F_AUDITLOGRECORDTYPE));
	ev->workload = ir_norm__cstr(n, PICK_ANY(n, NULL, F_WORKLOAD,
						 F_OFFICEWORKLOAD, F_SERVICE));
	ev->user = ir_norm__user(n, PICK_ANY(n, NULL, F_USERID, F_USERIDS,
					     F_USERPRINCIPALNAME));
	/* Diagnostic records name the caller in `identity`. */
	if (!ev->user && !strcmp(ev->source, IR_SRC_EVENTHUB))
		ev->user = ir_norm__user(n, pick(n, F_IDENTITY));
	ual_ip(n, ev);
	ev->result = ir_norm__cstr(n, PICK_ANY(n, NULL, F_RESULTSTATUS,
					       F_RESULTTYPE));
	ev->object = ir_norm__cstr(n, PICK_ANY(n, NULL, F_OBJECTID,
					       F_OFFICEOBJECTID));
	if (ual_params(n, err) < 0)
		return IR_EPARSE;
	if (ev->operation && (!strcmp(ev->operation, "UserLoggedIn") ||
			      !strcmp(ev->operation, "UserLoginFailed")))
		ir_norm__ual_signin(n, ev);
	return 1;
}
