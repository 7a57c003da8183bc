/* SPDX-License-Identifier: MIT */
/*
 * norm-diraudit.c - Entra ID directory audits -> event: Graph
 * directoryAudit (v1.0 /auditLogs/directoryAudits), the same object under
 * `properties` of an Event Hub AuditLogs record, and the Log Analytics
 * AuditLogs table, where InitiatedBy, TargetResources and
 * AdditionalDetails are JSON text.
 *
 *   activityDisplayName -> operation   activityDateTime -> time
 *   loggedByService -> workload        result -> result
 *   initiatedBy.user.userPrincipalName (else initiatedBy.app.displayName)
 *   -> user; initiatedBy.user.ipAddress -> client_ip
 *   targetResources[0].userPrincipalName (else displayName) -> object
 *   targetResources[*].modifiedProperties, additionalDetails -> params
 *
 * Activity names are kept as Entra spells them, trailing space and en
 * dash included ("Update application – Certificates and secrets
 * management "): detections match them, so they are not "cleaned".
 */
#include "util/compat.h"

#include "logs/norm.h"

static void
initiator(struct ir_norm *n, struct ir_event *ev)
{
	yyjson_val *ib = ir_norm__maybe_json(n, pick(n, F_INITIATEDBY));
	yyjson_val *user = ir_norm__get(ib, "user");
	yyjson_val *app = ir_norm__get(ib, "app");

	ev->user = ir_norm__user(n, ir_norm__get(user, "userPrincipalName"));
	if (!ev->user)
		ev->user = ir_norm__user(n, ir_norm__get(app, "displayName"));
	if (!ev->user)
		ev->user = ir_norm__user(
			n, ir_norm__get(app, "servicePrincipalName"));
	if (!ev->user && n->out)
		ev->user = ir_norm__user(n, n->out->v[F_IDENTITY]);
	ir_norm__ip(n, ev, ir_norm__get(user, "ipAddress"));
	if (n->out)
		ir_norm__ip(n, ev, n->out->v[F_CALLERIPADDRESS]);
}

static int
targets(struct ir_norm *n, struct ir_event *ev, struct ir_err *err)
{
	yyjson_val *tr = ir_norm__maybe_json(n, pick(n, F_TARGETRESOURCES));
	yyjson_val *t;
	size_t i, max;

	yyjson_arr_foreach(tr, i, max, t)
	{
		if (!ev->object)
			ev->object = ir_norm__cstr(
				n, ir_norm__get(t, "userPrincipalName"));
		if (!ev->object)
			ev->object = ir_norm__cstr(
				n, ir_norm__get(t, "displayName"));
		if (ir_norm__bag(n, ir_norm__get(t, "modifiedProperties"),
				 "modifiedProperties", err) < 0)
			return IR_EPARSE;
	}
	return 0;
}

static void
extra(struct ir_norm *n, const char *name, enum norm_field f)
{
	struct ir_str s;

	if (ir_norm__text(n, pick(n, f), &s))
		ir_norm__param(n, name, s);
}

int
ir_norm__diraudit(struct ir_norm *n, const struct norm_call *c,
		  struct ir_err *err)
{
	struct ir_event *ev = c->ev;
	static const enum norm_field order[] = {
		F_ACTIVITYDATETIME,
		F_TIMEGENERATED,
		F_TIME,
	};

	ev->operation = ir_norm__cstr(n, pick(n, F_ACTIVITYDISPLAYNAME));
	if (!ev->operation)
		ev->operation = ir_norm__cstr(n, pick(n, F_OPERATIONNAME));
	if (!ir_norm__want(c, ev->operation))
		return 0;
	if (ir_norm__time_any(n, ev, order, IR_ARRAY_SIZE(order), err) < 0)
		return IR_EPARSE;
	ev->id = ir_norm__cstr(n, pick(n, F_ID));
	ev->workload = ir_norm__cstr(n, pick(n, F_LOGGEDBYSERVICE));
	ev->result = ir_norm__cstr(n, pick(n, F_RESULT));
	if (!ev->result)
		ev->result = ir_norm__cstr(n, pick(n, F_RESULTTYPE));
	initiator(n, ev);
	if (targets(n, ev, err) < 0)
		return IR_EPARSE;
	if (ir_norm__bag(n,
			 ir_norm__maybe_json(n, pick(n, F_ADDITIONALDETAILS)),
			 "additionalDetails", err) < 0)
		return IR_EPARSE;
	extra(n, "Category", F_CATEGORY);
	extra(n, "ResultReason", F_RESULTREASON);
	return 1;
}
