/* SPDX-License-Identifier: MIT */
/*
 * norm-signin.c - Entra ID sign-ins in every shape -> one event with the
 * canonical sign-in params of event.h (ErrorCode, FailureReason, Country,
 * City, State, Latitude, Longitude, ClientApp, UserAgent, App, AppId,
 * RiskLevel), so detections need not know where a sign-in came from:
 *
 *  - Graph signIn (v1.0 and beta /auditLogs/signIns), and the older
 *    AzureAD-module export of the same object with UpperCamel keys;
 *  - Event Hub / diagnostic-settings records: the Graph object under
 *    `properties`, with time, resultType, callerIpAddress, identity outside;
 *  - Log Analytics SigninLogs (CSV or JSON), where Status, LocationDetails
 *    are JSON text and ResultType is the error code;
 *  - unified audit log UserLoggedIn / UserLoginFailed (RecordType 15,
 *    AzureActiveDirectoryStsLogon), mapped from ExtendedProperties and
 *    ErrorNumber / LogonError.
 * Entra sign-ins get operation "Sign-in activity" (Entra's own exports use
 * that name) and result Success or Failure from the error code.
 */
#include "util/compat.h"

#include "util/parse.h"
#include "logs/norm.h"

static void
canon(struct ir_norm *n, const char *name, yyjson_val *v)
{
	struct ir_str s;

	if (ir_norm__text(n, v, &s))
		ir_norm__param_set(n, name, s);
}

/* location {city, state, countryOrRegion, geoCoordinates} (Graph). */
static void
location(struct ir_norm *n)
{
	yyjson_val *loc = ir_norm__maybe_json(n, pick(n, F_LOCATIONDETAILS));
	yyjson_val *geo;

	if (!yyjson_is_obj(loc))
		loc = ir_norm__maybe_json(n, pick(n, F_LOCATION));
	if (yyjson_is_str(loc)) {
		/* Log Analytics `Location`: the country code alone. */
		canon(n, "Country", loc);
		return;
	}
	if (!yyjson_is_obj(loc))
		return;
	canon(n, "Country", ir_norm__get(loc, "countryOrRegion"));
	canon(n, "City", ir_norm__get(loc, "city"));
	canon(n, "State", ir_norm__get(loc, "state"));
	geo = ir_norm__get(loc, "geoCoordinates");
	canon(n, "Latitude", ir_norm__get(geo, "latitude"));
	canon(n, "Longitude", ir_norm__get(geo, "longitude"));
}

/* status {errorCode, failureReason}, else resultType / ResultDescription. */
static void
status(struct ir_norm *n, struct ir_event *ev)
{
	yyjson_val *st = ir_norm__maybe_json(n, pick(n, F_STATUS));
	yyjson_val *code = ir_norm__get(st, "errorCode");
	yyjson_val *why = ir_norm__get(st, "failureReason");
	const struct ir_param *p;

	if (!code || yyjson_is_null(code))
		code = pick(n, F_RESULTTYPE);
	if (!why || yyjson_is_null(why))
		why = pick(n, F_RESULTDESCRIPTION);
	canon(n, "ErrorCode", code);
	canon(n, "FailureReason", why);
	p = ir_norm__param_find(n, "ErrorCode");
	if (p)
		ev->result = ir_strn_eq_ci(p->value.ptr, p->value.len, "0")
				     ? "Success"
				     : "Failure";
}

static int
signin_time(struct ir_norm *n, struct ir_event *ev, struct ir_err *err)
{
	static const enum norm_field order[] = {
		F_CREATEDDATETIME,
		F_TIMEGENERATED,
		F_TIME,
	};

	return ir_norm__time_any(n, ev, order, IR_ARRAY_SIZE(order), err);
}

int
ir_norm__signin(struct ir_norm *n, const struct norm_call *c,
		struct ir_err *err)
{
	struct ir_event *ev = c->ev;

	ev->operation = ir_norm__cstr(n, pick(n, F_OPERATIONNAME));
	if (!ev->operation)
		ev->operation = "Sign-in activity";
	if (!ir_norm__want(c, ev->operation))
		return 0;
	if (signin_time(n, ev, err) < 0)
		return IR_EPARSE;
	ev->id = ir_norm__cstr(n, pick(n, F_ID));
	ev->user = ir_norm__user(n, pick(n, F_USERPRINCIPALNAME));
	if (!ev->user)
		ev->user = ir_norm__user(n, pick(n, F_IDENTITY));
	ir_norm__ip(n, ev, pick(n, F_IPADDRESS));
	ir_norm__ip(n, ev, pick(n, F_CALLERIPADDRESS));
	status(n, ev);
	location(n);
	canon(n, "ClientApp", pick(n, F_CLIENTAPPUSED));
	canon(n, "UserAgent", pick(n, F_USERAGENT));
	canon(n, "App", pick(n, F_APPDISPLAYNAME));
	canon(n, "AppId", pick(n, F_APPID));
	canon(n, "RiskLevel", pick(n, F_RISKLEVELDURINGSIGNIN));
	canon(n, "IsInteractive", pick(n, F_ISINTERACTIVE));
	return 1;
}

/*
 * UserLoggedIn / UserLoginFailed (AzureActiveDirectoryStsLogon): the user
 * agent is in ExtendedProperties already; the error is ErrorNumber for a
 * failure (LogonError names it) and "0" for a success.
 */
void
ir_norm__ual_signin(struct ir_norm *n, struct ir_event *ev)
{
	yyjson_val *num = pick(n, F_ERRORNUMBER);
	struct ir_str zero = {"0", 1};

	if (!strcmp(ev->operation, "UserLoggedIn"))
		ir_norm__param_set(n, "ErrorCode", zero);
	else
		canon(n, "ErrorCode", num);
	canon(n, "FailureReason", pick(n, F_LOGONERROR));
	canon(n, "AppId", pick(n, F_APPLICATIONID));
}
