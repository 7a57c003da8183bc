/* SPDX-License-Identifier: MIT */
/*
 * t-normalize.c - one record of each schema -> the exact event fields
 * (src/logs/normalize.c and norm-*.c).
 *
 * Records are inline synthetic JSON (contoso/fabrikam, documentation
 * addresses); CSV rows are built as objects of strings, as the CSV framing
 * hands them over. Then the known-fault cases that concern normalization
 * ($SHARED/cases 05, 07, 08, 09, 13, 16, 17, 27, 29) and runs over the
 * real-format corpus, read at run time and skipped when absent.
 */
#include "util/compat.h"

#include "tests/unit/test.h"

#include "util/csv.h"
#include "logs/event.h"
#include "logs/logs-internal.h"

struct fx {
	yyjson_doc *doc;
	struct ir_norm *n;
	struct ir_event ev;
	struct ir_err err;
	int ret;
};

static struct fx F;

static int
setup(void **state)
{
	memset(&F, 0, sizeof(F));
	F.n = ir_logs__norm_new("test.json");
	return 0;
}

static int
teardown(void **state)
{
	yyjson_doc_free(F.doc);
	ir_logs__norm_free(F.n);
	return 0;
}

static int
norm_val(yyjson_val *obj, bool csv, ir_want_fn want, void *payload)
{
	struct ir_norm_input in = {obj, csv, 7, 0};

	ir_err_clear(&F.err);
	F.ret = ir_logs__normalize(F.n, &F.ev, &in, want, payload, &F.err);
	return F.ret;
}

/* Normalize inline JSON; `csv` marks an object of strings from a CSV row. */
static int
norm_ex(const char *json, bool csv, ir_want_fn want, void *payload)
{
	yyjson_doc_free(F.doc);
	F.doc = yyjson_read(json, strlen(json), 0);
	assert_non_null(F.doc);
	return norm_val(yyjson_doc_get_root(F.doc), csv, want, payload);
}

static int
norm(const char *json)
{
	return norm_ex(json, false, NULL, NULL);
}

static void
assert_time(const char *want)
{
	char buf[IR_TIME_MAX];

	assert_true(F.ev.has_time);
	ir_time_format(buf, F.ev.time);
	assert_string_equal(buf, want);
}

static void
assert_param(const char *name, const char *want)
{
	const struct ir_param *p = ir_event_param(&F.ev, name);

	if (!p)
		fail_msg("param %s missing", name);
	assert_int_equal(p->value.len, strlen(want));
	assert_memory_equal(p->value.ptr, want, p->value.len);
}

#define assert_str_or_null(got, want)                       \
	do {                                                \
		if (want)                                   \
			assert_string_equal((got), (want)); \
		else                                        \
			assert_null(got);                   \
	} while (0)

/* ---- unified audit log ------------------------------------------------ */

static void
test_normalize__ual_fields(void **state)
{
	assert_int_equal(norm("{\"CreationTime\":\"2021-06-01T10:00:00\","
			      "\"Id\":\"11111111-0000-4000-8000-000000000001\","
			      "\"Operation\":\"Set-Mailbox\",\"RecordType\":1,"
			      "\"Workload\":\"Exchange\","
			      "\"UserId\":\"Alice@Contoso.COM\","
			      "\"ClientIP\":\"[203.0.113.7]:50123\","
			      "\"ResultStatus\":\"True\","
			      "\"ObjectId\":\"alice\","
			      "\"Parameters\":[{\"Name\":\"Identity\","
			      "\"Value\":\"alice@contoso.com\"},"
			      "{\"Name\":\"ForwardingSmtpAddress\","
			      "\"Value\":\"smtp:exfil@fabrikam.com\"}]}"),
			 1);
	assert_string_equal(F.ev.source, "ual-json");
	assert_string_equal(F.ev.file, "test.json");
	assert_int_equal(F.ev.record, 7);
	assert_time("2021-06-01T10:00:00Z");
	assert_string_equal(F.ev.id, "11111111-0000-4000-8000-000000000001");
	assert_string_equal(F.ev.operation, "Set-Mailbox");
	assert_string_equal(F.ev.record_type, "ExchangeAdmin");
	assert_string_equal(F.ev.workload, "Exchange");
	assert_string_equal(F.ev.user, "alice@contoso.com");
	assert_string_equal(F.ev.client_ip, "203.0.113.7");
	assert_int_equal(F.ev.client_port, 50123);
	assert_string_equal(F.ev.result, "True");
	assert_string_equal(F.ev.object, "alice");
	assert_int_equal(F.ev.nparams, 2);
	assert_param("identity", "alice@contoso.com");
	assert_param("ForwardingSmtpAddress", "smtp:exfil@fabrikam.com");
}

static void
test_normalize__ual_raw_actor_and_ipv6(void **state)
{
	assert_int_equal(
		norm("{\"CreationTime\":\"2020-02-07T20:49:49\","
		     "\"Operation\":\"Set-Mailbox\",\"RecordType\":1,"
		     "\"UserId\":\"NT AUTHORITY\\\\SYSTEM "
		     "(Microsoft.Exchange.ServiceHost)\","
		     "\"ClientIP\":\"\",\"ActorIpAddress\":\"2001:db8::17\"}"),
		1);
	assert_string_equal(
		F.ev.user,
		"NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)");
	assert_string_equal(F.ev.client_ip, "2001:db8::17");
	assert_int_equal(F.ev.client_port, -1);
	assert_null(F.ev.id);
	assert_null(F.ev.workload);
	assert_null(F.ev.object);
}

/* A NUL must not cut the user short into someone else's name. */
static void
test_normalize__user_with_nul_stays_distinct(void **state)
{
	assert_int_equal(norm("{\"CreationTime\":\"2024-01-01T00:00:00\","
			      "\"Operation\":\"Set-Mailbox\","
			      "\"UserId\":\"Alice@contoso.com\\u0000x\"}"),
			 1);
	assert_string_equal(F.ev.user, "Alice@contoso.com\xEF\xBF\xBDx");
}

static void
test_normalize__ual_ps_string_params(void **state)
{
	const struct ir_param *p;

	assert_int_equal(
		norm("{\"CreationTime\":\"2021-06-01T10:05:00\","
		     "\"Operation\":\"Set-Mailbox\",\"UserId\":\"alice@contoso."
		     "com\","
		     "\"Parameters\":\"-Identity \\\"alice@contoso.com\\\" "
		     "-ForwardingSmtpAddress \\\"smtp:exfil@fabrikam.com\\\" "
		     "-DeliverToMailboxAndForward $false -Force "
		     "-QuarantineTypes (\\\"Bulk\\\",\\\"Spam\\\")\"}"),
		1);
	assert_param("Identity", "alice@contoso.com");
	assert_param("ForwardingSmtpAddress", "smtp:exfil@fabrikam.com");
	assert_param("DeliverToMailboxAndForward", "False");
	assert_param("Force", "True");
	p = ir_event_param(&F.ev, "QuarantineTypes");
	assert_non_null(p);
	assert_true(p->is_list);
	assert_int_equal(p->nitems, 2);
	assert_memory_equal(p->items[1].ptr, "Spam", 4);
	assert_param("QuarantineTypes", "Bulk;Spam");
	p = ir_event_param(&F.ev, "_raw");
	assert_non_null(p);
	assert_int_equal(p->value.ptr[0], '-');
}

static void
test_normalize__ual_bags(void **state)
{
	assert_int_equal(
		norm("{\"CreationTime\":\"2024-10-28T10:34:13\","
		     "\"Operation\":\"UpdateInboxRules\",\"RecordType\":2,"
		     "\"OperationProperties\":\"[{\\\"Name\\\":\\\"RuleName\\\""
		     "},"
		     "{\\\"Name\\\":\\\"RuleState\\\",\\\"Value\\\":\\\"Enable"
		     "d\\\"}]\","
		     "\"ModifiedProperties\":[{\"Name\":\"StrongAuthenticationR"
		     "equirement\","
		     "\"NewValue\":\"[]\",\"OldValue\":\"[{\\\"State\\\":1}]\"}"
		     "],"
		     "\"ExtendedProperties\":[{\"Name\":\"Count\",\"Value\":3},"
		     "{\"Name\":\"Flag\",\"Value\":true}]}"),
		1);
	assert_string_equal(F.ev.record_type, "ExchangeItem");
	assert_param("RuleName", "");
	assert_param("RuleState", "Enabled");
	assert_param("StrongAuthenticationRequirement", "[]");
	assert_param("StrongAuthenticationRequirement.OldValue",
		     "[{\"State\":1}]");
	assert_param("Count", "3");
	assert_param("Flag", "True");
}

static void
test_normalize__ual_lowercase_keys(void **state)
{
	assert_int_equal(
		norm("{\"clientip\":\"198.51.100.4\","
		     "\"creationtime\":\"2022-12-12 22:19:00\","
		     "\"id\":\"111-22-33\",\"operation\":\"Set-Mailbox\","
		     "\"parameters\":[{\"Name\":\"DeliverToMailboxAndForward\","
		     "\"Value\":\"False\"}],\"recordtype\":1,"
		     "\"resultstatus\":\"True\",\"userid\":\"Bob@Fabrikam.com\""
		     ","
		     "\"workload\":\"Exchange\"}"),
		1);
	assert_time("2022-12-12T22:19:00Z");
	assert_string_equal(F.ev.operation, "Set-Mailbox");
	assert_string_equal(F.ev.user, "bob@fabrikam.com");
	assert_string_equal(F.ev.client_ip, "198.51.100.4");
	assert_string_equal(F.ev.record_type, "ExchangeAdmin");
	assert_param("DeliverToMailboxAndForward", "False");
}

static void
test_normalize__no_time_is_not_an_error(void **state)
{
	assert_int_equal(norm("{\"Operation\":\"New-InboxRule\","
			      "\"UserId\":\"alice@contoso.com\"}"),
			 1);
	assert_false(F.ev.has_time);
	assert_string_equal(F.ev.operation, "New-InboxRule");
}

static void
test_normalize__bad_time_names_field(void **state)
{
	assert_int_equal(norm("{\"CreationTime\":\"2023-13-45\","
			      "\"Operation\":\"Set-Mailbox\"}"),
			 IR_EPARSE);
	assert_string_equal(F.err.msg,
			    "CreationTime: not a timestamp: '2023-13-45'");
}

static void
test_normalize__unknown_schema(void **state)
{
	assert_int_equal(norm("{\"foo\":1,\"bar\":[1]}"), IR_EPARSE);
	assert_non_null(strstr(F.err.msg, "not a record"));
	assert_int_equal(norm("[1,2]"), IR_EPARSE);
}

static void
test_normalize__unknown_record_type_is_null(void **state)
{
	assert_int_equal(norm("{\"CreationTime\":\"2024-01-01T00:00:00\","
			      "\"Operation\":\"X\",\"RecordType\":99999}"),
			 1);
	assert_null(F.ev.record_type);
	assert_int_equal(norm("{\"CreationTime\":\"2024-01-01T00:00:00\","
			      "\"Operation\":\"X\",\"RecordType\":15}"),
			 1);
	assert_string_equal(F.ev.record_type, "AzureActiveDirectoryStsLogon");
}

static void
test_normalize__ual_signin(void **state)
{
	assert_int_equal(
		norm("{\"CreationTime\":\"2023-06-01T13:12:18\","
		     "\"Operation\":\"UserLoginFailed\",\"RecordType\":15,"
		     "\"UserId\":\"alice@contoso.com\",\"ClientIP\":\"203.0.113"
		     ".9\","
		     "\"ApplicationId\":\"app-1\",\"ErrorNumber\":\"50126\","
		     "\"LogonError\":\"InvalidUserNameOrPassword\","
		     "\"ExtendedProperties\":[{\"Name\":\"UserAgent\","
		     "\"Value\":\"python-requests/2.31\"}]}"),
		1);
	assert_param("ErrorCode", "50126");
	assert_param("FailureReason", "InvalidUserNameOrPassword");
	assert_param("UserAgent", "python-requests/2.31");
	assert_param("AppId", "app-1");
	assert_true(ir_event_failed(&F.ev));
	assert_int_equal(
		norm("{\"CreationTime\":\"2023-06-01T13:12:18\","
		     "\"Operation\":\"UserLoggedIn\",\"RecordType\":15,"
		     "\"ResultStatus\":\"Success\"}"),
		1);
	assert_param("ErrorCode", "0");
	assert_int_equal(F.ev.nparams, 1);
}

/* ---- wrappers --------------------------------------------------------- */

#define AUDITDATA_15                                                    \
	"{\\\"CreationTime\\\":\\\"2023-11-15T09:00:00\\\","            \
	"\\\"Id\\\":\\\"5c0d3e9a-0000-4000-8000-000000000001\\\","      \
	"\\\"Operation\\\":\\\"UserLoggedIn\\\",\\\"RecordType\\\":15," \
	"\\\"UserId\\\":\\\"alice@contoso.com\\\","                     \
	"\\\"ClientIP\\\":\\\"203.0.113.5\\\"}"

static void
test_normalize__purview_csv(void **state)
{
	assert_int_equal(
		norm_ex("{\"RecordId\":\"5c0d3e9a-0000-4000-8000-000000000001\""
			","
			"\"CreationDate\":\"11/15/2023 9:00:00 AM\","
			"\"RecordType\":\"15\",\"Operation\":\"UserLoggedIn\","
			"\"UserId\":\"alice@contoso.com\","
			"\"AuditData\":\"" AUDITDATA_15 "\","
			"\"AssociatedAdminUnits\":\"\"}",
			true, NULL, NULL),
		1);
	assert_string_equal(F.ev.source, "purview-csv");
	assert_time("2023-11-15T09:00:00Z");
	assert_string_equal(F.ev.record_type, "AzureActiveDirectoryStsLogon");
	assert_string_equal(F.ev.client_ip, "203.0.113.5");
	assert_string_equal(F.ev.id, "5c0d3e9a-0000-4000-8000-000000000001");
	/* raw is the inner AuditData, not the CSV row */
	assert_non_null(yyjson_obj_get(F.ev.raw, "ClientIP"));
	assert_null(yyjson_obj_get(F.ev.raw, "AuditData"));
}

static void
test_normalize__auditdata_invalid_json(void **state)
{
	assert_int_equal(
		norm_ex("{\"RecordId\":\"r1\",\"CreationDate\":"
			"\"11/15/2023 9:00:00 AM\",\"RecordType\":\"15\","
			"\"Operation\":\"UserLoggedIn\","
			"\"AuditData\":\"{\\\"CreationTime\\\" x\"}",
			true, NULL, NULL),
		IR_EPARSE);
	assert_true(
		!strncmp(F.err.msg, "AuditData: invalid JSON at byte 16", 34));
}

static void
test_normalize__ps_csv_fallbacks(void **state)
{
	assert_int_equal(
		norm_ex("{\"PSComputerName\":\"outlook.office365.com\","
			"\"RecordType\":\"ExchangeAdmin\","
			"\"CreationDate\":\"7/18/2018 9:15:00 AM\","
			"\"UserIds\":\"Alice@contoso.com\","
			"\"Operations\":\"New-InboxRule\","
			"\"AuditData\":\"{\\\"Operation\\\":\\\"New-InboxRul"
			"e\\\"}\","
			"\"ResultIndex\":\"1\",\"Identity\":\"id-aa\"}",
			true, NULL, NULL),
		1);
	assert_string_equal(F.ev.source, "ps-csv");
	assert_time("2018-07-18T09:15:00Z");
	assert_string_equal(F.ev.id, "id-aa");
	assert_string_equal(F.ev.user, "alice@contoso.com");
	assert_string_equal(F.ev.record_type, "ExchangeAdmin");
}

static void
test_normalize__ps_json_nested_auditdata(void **state)
{
	assert_int_equal(
		norm("{\"RecordType\":\"ExchangeAdmin\","
		     "\"CreationDate\":\"\\/Date(1728364117000)\\/\","
		     "\"UserIds\":\"adam@contoso.com\",\"Operations\":\"New-Inb"
		     "oxRule\","
		     "\"AuditData\":{\"CreationTime\":\"2024-10-08T05:08:37\","
		     "\"Id\":\"80ab29e3-0000-4000-8000-000000000001\","
		     "\"Operation\":\"New-InboxRule\",\"RecordType\":1,"
		     "\"ClientIP\":\"198.51.100.199:28491\","
		     "\"Parameters\":[{\"Name\":\"ForwardTo\","
		     "\"Value\":\"x@fabrikam.com\"}]},"
		     "\"Identity\":\"80ab29e3-0000-4000-8000-000000000001\"}"),
		1);
	assert_string_equal(F.ev.source, "ps-json");
	assert_time("2024-10-08T05:08:37Z");
	assert_int_equal(F.ev.client_port, 28491);
	assert_param("ForwardTo", "x@fabrikam.com");
	/* without AuditData: the outer columns alone */
	assert_int_equal(
		norm("{\"UserIds\":\"bob@contoso.com\","
		     "\"CreationDate\":{\"value\":\"\\/Date(1720919582928)\\/\""
		     ","
		     "\"DisplayHint\":2,\"DateTime\":\"Sunday 14 July 2024 "
		     "02:13:02\"},\"Operations\":\"New-InboxRule\"}"),
		1);
	assert_time("2024-07-14T01:13:02.928Z");
	assert_string_equal(F.ev.operation, "New-InboxRule");
}

static void
test_normalize__graph_auditlog(void **state)
{
	assert_int_equal(
		norm("{\"id\":\"g-1\",\"createdDateTime\":\"2024-05-01T08:00:00"
			"Z\","
		     "\"auditLogRecordType\":\"exchangeAdmin\",\"operation\":"
		     "\"Set-Mailbox\",\"service\":\"Exchange\","
		     "\"userPrincipalName\":\"Carol@Contoso.com\",\"userId\":\""
		     "x\","
		     "\"clientIp\":\"192.0.2.10\",\"objectId\":\"carol\","
		     "\"auditData\":{\"Parameters\":[{\"Name\":\"Identity\","
		     "\"Value\":\"carol\"}]}}"),
		1);
	assert_string_equal(F.ev.source, "graph-auditlog");
	assert_time("2024-05-01T08:00:00Z");
	assert_string_equal(F.ev.id, "g-1");
	assert_string_equal(F.ev.operation, "Set-Mailbox");
	assert_string_equal(F.ev.workload, "Exchange");
	assert_string_equal(F.ev.record_type, "exchangeAdmin");
	assert_string_equal(F.ev.client_ip, "192.0.2.10");
	assert_string_equal(F.ev.object, "carol");
	assert_param("Identity", "carol");
}

/* ---- sign-ins ---------------------------------------------------------- */

static const char graph_signin[] =
	"{\"id\":\"s-1\",\"createdDateTime\":\"2024-09-25T10:00:00Z\","
	"\"userPrincipalName\":\"Alice@Contoso.com\",\"userId\":\"u-1\","
	"\"appId\":\"a-1\",\"appDisplayName\":\"Office 365 Exchange Online\","
	"\"ipAddress\":\"203.0.113.20\",\"clientAppUsed\":\"IMAP4\","
	"\"userAgent\":\"BAV2ROPC\",\"isInteractive\":false,"
	"\"riskLevelDuringSignIn\":\"high\","
	"\"status\":{\"errorCode\":50126,\"failureReason\":\"Invalid "
	"username or password\"},\"location\":{\"city\":\"Redmond\","
	"\"state\":\"Washington\",\"countryOrRegion\":\"US\","
	"\"geoCoordinates\":{\"latitude\":47.68050003051758,"
	"\"longitude\":-122.12}}}";

static void
test_normalize__graph_signin(void **state)
{
	assert_int_equal(norm(graph_signin), 1);
	assert_string_equal(F.ev.source, "graph-signin");
	assert_string_equal(F.ev.operation, "Sign-in activity");
	assert_time("2024-09-25T10:00:00Z");
	assert_string_equal(F.ev.id, "s-1");
	assert_string_equal(F.ev.user, "alice@contoso.com");
	assert_string_equal(F.ev.client_ip, "203.0.113.20");
	assert_string_equal(F.ev.result, "Failure");
	assert_null(F.ev.workload);
	assert_null(F.ev.record_type);
	assert_param("ErrorCode", "50126");
	assert_param("FailureReason", "Invalid username or password");
	assert_param("Country", "US");
	assert_param("City", "Redmond");
	assert_param("State", "Washington");
	assert_param("Latitude", "47.68050003051758");
	assert_param("Longitude", "-122.12");
	assert_param("ClientApp", "IMAP4");
	assert_param("UserAgent", "BAV2ROPC");
	assert_param("App", "Office 365 Exchange Online");
	assert_param("AppId", "a-1");
	assert_param("RiskLevel", "high");
}

static void
test_normalize__legacy_upper_camel_signin(void **state)
{
	assert_int_equal(norm("{\"CreatedDateTime\":\"2024-09-25T10:00:00Z\","
			      "\"UserPrincipalName\":\"alice@contoso.com\","
			      "\"IpAddress\":\"203.0.113.20\","
			      "\"Status\":{\"ErrorCode\":0}}"),
			 1);
	assert_string_equal(F.ev.source, "graph-signin");
	assert_string_equal(F.ev.result, "Success");
	assert_param("ErrorCode", "0");
	assert_string_equal(F.ev.client_ip, "203.0.113.20");
}

static void
test_normalize__eventhub_signin(void **state)
{
	assert_int_equal(
		norm("{\"time\":\"2022-04-05T13:07:16.7796535Z\","
		     "\"operationName\":\"Sign-in activity\","
		     "\"category\":\"NonInteractiveUserSignInLogs\","
		     "\"resultType\":\"0\",\"callerIpAddress\":\"2001:db8::5\","
		     "\"identity\":\"Jean Dupont\",\"properties\":{"
		     "\"id\":\"p-1\",\"userPrincipalName\":\"jean@contoso.com\""
		     ","
		     "\"appDisplayName\":\"Teams\",\"location\":{\"geoCoordinat"
		     "es\":{}}}}"),
		1);
	assert_string_equal(F.ev.source, "eventhub");
	assert_string_equal(F.ev.operation, "Sign-in activity");
	assert_time("2022-04-05T13:07:16.7796535Z");
	assert_string_equal(F.ev.id, "p-1");
	assert_string_equal(F.ev.user, "jean@contoso.com");
	assert_string_equal(F.ev.client_ip, "2001:db8::5");
	assert_string_equal(F.ev.result, "Success");
	assert_param("ErrorCode", "0");
	assert_param("App", "Teams");
	assert_null(ir_event_param(&F.ev, "Country"));
}

static void
test_normalize__eventhub_auditlogs(void **state)
{
	assert_int_equal(
		norm("{\"time\":\"2019-06-24T09:21:27.3694184Z\","
		     "\"operationName\":\"Add member to group\","
		     "\"category\":\"AuditLogs\",\"callerIpAddress\":\"<null>\""
		     ","
		     "\"properties\":{\"id\":\"Directory_1\","
		     "\"category\":\"GroupManagement\",\"result\":\"success\","
		     "\"activityDisplayName\":\"Add member to group\","
		     "\"activityDateTime\":\"2019-06-24T09:21:27.3694184+00:0"
		     "0\","
		     "\"loggedByService\":\"Core Directory\","
		     "\"initiatedBy\":{\"app\":{\"displayName\":\"Sync Agent\"}"
		     "},"
		     "\"targetResources\":[{\"displayName\":null,\"id\":\"u1\","
		     "\"userPrincipalName\":\"Dan@contoso.com\","
		     "\"modifiedProperties\":[{\"displayName\":\"Group.DisplayN"
		     "ame\","
		     "\"newValue\":\"\\\"Admins\\\"\",\"oldValue\":null}]}],"
		     "\"additionalDetails\":[{\"key\":\"User-Agent\","
		     "\"value\":\"ua/1\"}]}}"),
		1);
	assert_string_equal(F.ev.source, "eventhub");
	assert_string_equal(F.ev.operation, "Add member to group");
	assert_string_equal(F.ev.user, "Sync Agent");
	assert_null(F.ev.client_ip);
	assert_string_equal(F.ev.object, "Dan@contoso.com");
	assert_string_equal(F.ev.workload, "Core Directory");
	assert_string_equal(F.ev.result, "success");
	assert_param("Group.DisplayName", "\"Admins\"");
	assert_null(ir_event_param(&F.ev, "Group.DisplayName.OldValue"));
	assert_param("User-Agent", "ua/1");
	assert_param("Category", "GroupManagement");
}

static void
test_normalize__graph_directoryaudit(void **state)
{
	assert_int_equal(
		norm("{\"id\":\"d-1\",\"category\":\"UserManagement\","
		     "\"result\":\"success\",\"activityDisplayName\":"
		     "\"Update application \xe2\x80\x93 Certificates and secret"
		     "s "
		     "management \",\"activityDateTime\":\"2018-01-09T21:20:02."
		     "7215374Z\","
		     "\"loggedByService\":\"Core Directory\",\"initiatedBy\":{"
		     "\"user\":{\"userPrincipalName\":\"Admin@Contoso.com\","
		     "\"ipAddress\":\"198.51.100.8\"},\"app\":null},"
		     "\"targetResources\":[{\"displayName\":\"App1\","
		     "\"modifiedProperties\":[]},{\"userPrincipalName\":\"x@y\""
		     "}],"
		     "\"additionalDetails\":[]}"),
		1);
	assert_string_equal(F.ev.source, "graph-directoryaudit");
	assert_string_equal(F.ev.operation,
			    "Update application \xe2\x80\x93 "
			    "Certificates and secrets management ");
	assert_time("2018-01-09T21:20:02.7215374Z");
	assert_string_equal(F.ev.user, "admin@contoso.com");
	assert_string_equal(F.ev.client_ip, "198.51.100.8");
	assert_string_equal(F.ev.object, "App1");
	assert_string_equal(F.ev.id, "d-1");
}

/* ---- Log Analytics ------------------------------------------------------ */

static void
test_normalize__la_signinlogs_csv(void **state)
{
	assert_int_equal(
		norm_ex("{\"TimeGenerated [UTC]\":\"4/28/2021, 3:05:26.000 PM\""
			","
			"\"OperationName\":\"Sign-in activity\","
			"\"Category\":\"SignInLogs\",\"ResultType\":\"50126\","
			"\"ResultDescription\":\"Invalid username or password\""
			","
			"\"Identity\":\"Adele Vance\",\"Location \":\"IL\","
			"\"UserPrincipalName\":\"AdeleV@contoso.com\","
			"\"IPAddress\":\"203.0.113.66\","
			"\"LocationDetails\":\"{\\\"city\\\":\\\"Haifa\\\","
			"\\\"countryOrRegion\\\":\\\"IL\\\"}\","
			"\"AppDisplayName\":\"Azure Portal\","
			"\"ClientAppUsed\":\"Browser\",\"Id\":\"la-1\"}",
			true, NULL, NULL),
		1);
	assert_string_equal(F.ev.source, "la-signinlogs");
	assert_time("2021-04-28T15:05:26Z");
	assert_string_equal(F.ev.user, "adelev@contoso.com");
	assert_string_equal(F.ev.result, "Failure");
	assert_param("ErrorCode", "50126");
	assert_param("FailureReason", "Invalid username or password");
	assert_param("City", "Haifa");
	assert_param("Country", "IL");
	assert_param("App", "Azure Portal");
}

static void
test_normalize__la_auditlogs_csv(void **state)
{
	assert_int_equal(
		norm_ex("{\"OperationName\":\"Add service principal\","
			"\"Category\":\"ApplicationManagement\","
			"\"Result\":\"success\",\"Id\":\"Directory_2\","
			"\"InitiatedBy\":\"{\\\"user\\\":{\\\"userPrincipalNam"
			"e\\\":"
			"\\\"Victim@contoso.com\\\",\\\"ipAddress\\\":"
			"\\\"192.0.2.44\\\"}}\","
			"\"TargetResources\":\"[{\\\"displayName\\\":\\\"rclon"
			"e\\\"}]\","
			"\"AdditionalDetails\":\"[{\\\"key\\\":\\\"AppId\\\","
			"\\\"value\\\":\\\"a-2\\\"}]\",\"Type\":\"AuditLogs\"}",
			true, NULL, NULL),
		1);
	assert_string_equal(F.ev.source, "la-auditlogs");
	assert_false(F.ev.has_time);
	assert_string_equal(F.ev.operation, "Add service principal");
	assert_string_equal(F.ev.user, "victim@contoso.com");
	assert_string_equal(F.ev.client_ip, "192.0.2.44");
	assert_string_equal(F.ev.object, "rclone");
	assert_param("AppId", "a-2");
}

static void
test_normalize__la_officeactivity(void **state)
{
	assert_int_equal(
		norm_ex("{\"RecordType\":\"50\",\"TimeGenerated [UTC]\":"
			"\"4/19/2021, 12:13:19.483 PM\",\"Operation\":"
			"\"New-InboxRule\",\"OfficeWorkload\":\"Exchange\","
			"\"ResultStatus\":\"True\",\"OfficeObjectId\":\"r1\","
			"\"UserId\":\"Eve@Contoso.com\",\"ClientIP\":"
			"\"[2001:db8::1]:36185\",\"OfficeId\":\"o-1\","
			"\"Parameters\":\"[\\r\\n {\\\"Name\\\":\\\"MoveToFolde"
			"r\\\","
			"\\\"Value\\\":\\\"Junk Email\\\"}]\"}",
			true, NULL, NULL),
		1);
	assert_string_equal(F.ev.source, "la-officeactivity");
	assert_time("2021-04-19T12:13:19.483Z");
	assert_string_equal(F.ev.record_type, "ExchangeItemAggregated");
	assert_string_equal(F.ev.workload, "Exchange");
	assert_string_equal(F.ev.object, "r1");
	assert_string_equal(F.ev.id, "o-1");
	assert_string_equal(F.ev.client_ip, "2001:db8::1");
	assert_int_equal(F.ev.client_port, 36185);
	assert_param("MoveToFolder", "Junk Email");
}

/* ---- prefilter, classify, reuse ---------------------------------------- */

struct want_log {
	int calls;
	char last[64];
	bool answer;
};

static bool
want_cb(const char *op, size_t len, void *payload)
{
	struct want_log *w = payload;

	w->calls++;
	snprintf(w->last, sizeof(w->last), "%.*s", (int)len, op);
	return w->answer;
}

static void
test_normalize__prefilter(void **state)
{
	struct want_log w = {0, "", false};

	/* declined before AuditData (invalid here) is even parsed */
	assert_int_equal(
		norm_ex("{\"RecordId\":\"r\",\"Operation\":\"FileAccessed\","
			"\"AuditData\":\"{broken\"}",
			true, want_cb, &w),
		0);
	assert_int_equal(w.calls, 1);
	assert_string_equal(w.last, "FileAccessed");
	assert_int_equal(norm_ex(graph_signin, false, want_cb, &w), 0);
	assert_string_equal(w.last, "Sign-in activity");
	w.answer = true;
	w.calls = 0;
	assert_int_equal(norm_ex("{\"CreationTime\":\"2021-06-01T10:00:00\","
				 "\"Operation\":\"Set-Mailbox\"}",
				 false, want_cb, &w),
			 1);
	assert_int_equal(w.calls, 1);
	assert_int_equal(norm_ex("{\"activityDisplayName\":\"Add user\"}",
				 false, want_cb, &w),
			 1);
	assert_string_equal(w.last, "Add user");
}

static void
test_normalize__classify(void **state)
{
	yyjson_doc *d;
	static const struct {
		const char *json;
		enum ir_rec_kind kind;
	} cases[] = {
		{"{\"CreationTime\":\"x\"}", IR_REC_RECORD},
		{"{\"operationname\":\"x\"}", IR_REC_RECORD},
		{"{\"time\":\"x\",\"category\":\"SignInLogs\"}", IR_REC_RECORD},
		{"{\"time\":\"x\"}", IR_REC_UNKNOWN},
		{"{\"@odata.context\":\"u\",\"value\":[{\"id\":1}]}",
		 IR_REC_CONTAINER},
		{"{\"value\":[]}", IR_REC_UNKNOWN},
		{"{\"a\":[1,2]}", IR_REC_UNKNOWN},
		{"[]", IR_REC_UNKNOWN},
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(cases); i++) {
		d = yyjson_read(cases[i].json, strlen(cases[i].json), 0);
		assert_int_equal(ir_logs__classify(yyjson_doc_get_root(d)),
				 cases[i].kind);
		yyjson_doc_free(d);
	}
}

static void
test_normalize__reuse_between_records(void **state)
{
	for (int i = 0; i < 200; i++) {
		assert_int_equal(norm(graph_signin), 1);
		assert_int_equal(F.ev.nparams, 13);
		assert_int_equal(
			norm("{\"CreationTime\":\"2021-06-01T10:00:00\","
			     "\"Operation\":\"X\",\"Parameters\":"
			     "[{\"Name\":\"A\",\"Value\":\"1\"}]}"),
			1);
		assert_int_equal(F.ev.nparams, 1);
		assert_null(F.ev.client_ip);
	}
}

/* ---- $SHARED/cases ------------------------------------------------------ */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static const char *
need_shared(const char *rel)
{
	const char *p = tshared(rel);

	if (!p) {
		print_message(
			"SKIP: ../shared/corpus not present; %s not run\n",
			rel);
		skip();
	}
	return p;
}

/* Normalize every JSON document in the file (JSON Lines or one value). */
typedef void (*each_fn)(yyjson_val *v, int ret, void *payload);

static int
each_json(const char *path, each_fn fn, void *payload)
{
	size_t len, pos = 0;
	char *buf = slurp(path, &len);
	int count = 0;

	assert_non_null(buf);
	while (pos < len) {
		yyjson_read_err rerr;
		yyjson_doc *d = yyjson_read_opts(buf + pos, len - pos,
						 YYJSON_READ_STOP_WHEN_DONE,
						 NULL, &rerr);
		yyjson_val *root, *v;
		size_t i, max;

		if (!d)
			break;
		pos += yyjson_doc_get_read_size(d);
		root = yyjson_doc_get_root(d);
		if (yyjson_is_arr(root)) {
			yyjson_arr_foreach(root, i, max, v)
			{
				fn(v, norm_val(v, false, NULL, NULL), payload);
				count++;
			}
		} else {
			fn(root, norm_val(root, false, NULL, NULL), payload);
			count++;
		}
		/* the last event stays valid for the caller's asserts */
		yyjson_doc_free(F.doc);
		F.doc = d;
		while (pos < len && strchr(" \t\r\n", buf[pos]))
			pos++;
	}
	free(buf);
	return count;
}

static void
collect_first(yyjson_val *v, int ret, void *payload)
{
	char(*out)[IR_TIME_MAX] = payload;
	int idx = 0;

	assert_int_equal(ret, 1);
	while (out[idx][0])
		idx++;
	ir_time_format(out[idx], F.ev.time);
}

static void
test_normalize__case09_ps51_dates(void **state)
{
	char times[4][IR_TIME_MAX] = {"", "", "", ""};
	const char *p = need_shared("cases/09-ps51-datetime-json.input.json");

	assert_int_equal(each_json(p, collect_first, times), 2);
	assert_string_equal(times[0], "2024-07-14T01:13:02.928Z");
	assert_string_equal(times[1], "2024-10-08T05:08:37Z");
}

static void
ok_event(yyjson_val *v, int ret, void *payload)
{
	if (ret != 1)
		fail_msg("record not normalized: %d %s", ret, F.err.msg);
}

static void
test_normalize__case05_case_distinct_keys(void **state)
{
	const char *p =
		need_shared("cases/05-case-only-duplicate-keys.input.json");
	yyjson_val *ald;

	assert_int_equal(each_json(p, ok_event, NULL), 1);
	ald = yyjson_obj_get(F.ev.raw, "ActivityLogData");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(ald, "EventName")),
			    "Write StorageAccounts");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(ald, "eventName")),
			    "EndRequest");
	assert_string_equal(F.ev.operation, "Write StorageAccounts");
}

static void
check16(yyjson_val *v, int ret, void *payload)
{
	int *n = payload;
	const struct ir_param *p;

	assert_int_equal(ret, 1);
	assert_param("Identity", "alice@contoso.com");
	assert_param("ForwardingSmtpAddress", "smtp:exfil@fabrikam.com");
	assert_param("DeliverToMailboxAndForward", "False");
	p = ir_event_param(&F.ev, "QuarantineTypes");
	if (++*n == 2) {
		assert_non_null(p);
		assert_true(p->is_list);
		assert_int_equal(p->nitems, 2);
		assert_non_null(ir_event_param(&F.ev, "_raw"));
	} else {
		assert_null(p);
	}
}

static void
test_normalize__case16_string_parameters(void **state)
{
	const char *p =
		need_shared("cases/16-parameters-string-not-array.input.jsonl");
	int n = 0;

	assert_int_equal(each_json(p, check16, &n), 2);
}

static void
test_normalize__case17_updateinboxrules(void **state)
{
	const char *p =
		need_shared("cases/17-updateinboxrules-missed.input.json");

	assert_int_equal(each_json(p, ok_event, NULL), 1);
	assert_string_equal(F.ev.operation, "UpdateInboxRules");
	assert_param("RuleOperation", "AddMailboxRule");
	assert_param("RuleName", "");
	assert_param("RuleCondition", "{(Exists(ItemClass))}");
	assert_non_null(strstr(ir_event_param(&F.ev, "RuleActions")->value.ptr,
			       "exfil@fabrikam.com"));
}

static void
check27(yyjson_val *v, int ret, void *payload)
{
	assert_int_equal(ret, 1);
	assert_time("2024-09-25T10:00:00Z");
	assert_string_equal(F.ev.user, "alice@contoso.com");
	assert_string_equal(F.ev.client_ip, "203.0.113.20");
	assert_param("ErrorCode", "0");
	++*(int *)payload;
}

static void
test_normalize__case27_key_casing(void **state)
{
	const char *p =
		need_shared("cases/27-legacy-vs-graph-key-casing.input.jsonl");
	int n = 0;

	assert_int_equal(each_json(p, check27, &n), 2);
	assert_int_equal(n, 2);
}

static void
test_normalize__case29_pretty_object(void **state)
{
	const char *p =
		need_shared("cases/29-timestamp-key-and-framing.input.json");

	assert_int_equal(each_json(p, ok_event, NULL), 1);
	assert_time("2023-07-23T12:32:53Z");
	assert_string_equal(F.ev.operation, "Add-MailboxPermission");
	assert_param("AccessRights", "FullAccess");
}

/* CSV: rows become objects of strings keyed by header, as framing does. */
static long
read_file(void *payload, char *dst, size_t cap)
{
	size_t n = fread(dst, 1, cap, payload);

	return ferror((FILE *)payload) ? -1 : (long)n;
}

typedef void (*row_fn)(int row, void *payload);

static int
each_csv(const char *path, row_fn fn, void *payload)
{
	FILE *f = fopen(path, "rb");
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	char **hdr = NULL;
	size_t nhdr = 0;
	int rows = 0;

	assert_non_null(f);
	assert_int_equal(ir_csv_new(&csv, read_file, f, &err), 0);
	while (ir_csv_next(csv, &row, &err) > 0) {
		yyjson_mut_doc *m;
		yyjson_mut_val *obj;

		if (row.n && row.field[0].len && row.field[0].ptr[0] == '#')
			continue;
		if (!hdr) {
			nhdr = row.n;
			hdr = calloc(nhdr, sizeof(*hdr));
			for (size_t i = 0; i < nhdr; i++)
				hdr[i] = strndup(row.field[i].ptr,
						 row.field[i].len);
			continue;
		}
		m = yyjson_mut_doc_new(NULL);
		obj = yyjson_mut_obj(m);
		yyjson_mut_doc_set_root(m, obj);
		for (size_t i = 0; i < row.n && i < nhdr; i++)
			yyjson_mut_obj_add_strncpy(m, obj, hdr[i],
						   row.field[i].ptr,
						   row.field[i].len);
		yyjson_doc_free(F.doc);
		F.doc = yyjson_mut_doc_imut_copy(m, NULL);
		yyjson_mut_doc_free(m);
		norm_val(yyjson_doc_get_root(F.doc), true, NULL, NULL);
		fn(++rows, payload);
	}
	ir_csv_free(csv);
	for (size_t i = 0; i < nhdr; i++)
		free(hdr[i]);
	free(hdr);
	fclose(f);
	return rows;
}

static void
row_ok(int row, void *payload)
{
	if (F.ret != 1)
		fail_msg("row %d: %d %s", row, F.ret, F.err.msg);
}

static void
test_normalize__case07_purview_csv(void **state)
{
	const char *p = need_shared(
		"cases/07-csv-doubled-quotes-not-unescaped.input.csv");

	assert_int_equal(each_csv(p, row_ok, NULL), 1);
	assert_string_equal(F.ev.source, "purview-csv");
	assert_string_equal(F.ev.operation, "UserLoggedIn");
	assert_string_equal(F.ev.client_ip, "203.0.113.5");
	assert_string_equal(F.ev.record_type, "AzureActiveDirectoryStsLogon");
	assert_time("2023-11-15T09:00:00Z");
}

static void
row08(int row, void *payload)
{
	row_ok(row, payload);
	assert_time("2024-11-19T13:27:59Z");
}

static void
test_normalize__case08_creationdate_layouts(void **state)
{
	const char *p =
		need_shared("cases/08-creationdate-layout-change.input.csv");

	assert_int_equal(each_csv(p, row08, NULL), 2);
}

static void
test_normalize__case13_ps_columns(void **state)
{
	const char *p = need_shared("cases/13-fixed-column-index.input.csv");

	assert_int_equal(each_csv(p, row_ok, NULL), 1);
	assert_string_equal(F.ev.source, "ps-csv");
	assert_string_equal(F.ev.operation, "New-InboxRule");
	assert_string_equal(F.ev.record_type, "ExchangeAdmin");
	assert_time("2018-07-18T09:15:00Z");
	assert_string_equal(F.ev.id, "0b7f8c1e-0000-4000-8000-0000000000aa");
}

/* ---- tests/fixtures/normalize ------------------------------------------ */

static void
record_source(yyjson_val *v, int ret, void *payload)
{
	struct ir_buf *b = payload;

	assert_int_equal(ret, 1);
	assert_time("2024-03-01T08:00:00Z");
	ir_buf_addf(b, "%s ", F.ev.source);
}

static void
test_normalize__fixture_every_source(void **state)
{
	struct ir_buf b = IR_BUF_INIT;

	assert_int_equal(each_json(tfixture("normalize/every-source.jsonl"),
				   record_source, &b),
			 9);
	assert_string_equal(b.buf, "ual-json ps-json graph-auditlog "
				   "graph-signin eventhub graph-directoryaudit "
				   "la-officeactivity la-signinlogs "
				   "la-auditlogs ");
	assert_string_equal(F.ev.user, "admin@contoso.com");
	assert_string_equal(F.ev.object, "rclone");
	ir_buf_release(&b);
}

static void
purview_row(int row, void *payload)
{
	row_ok(row, payload);
	assert_string_equal(F.ev.source, "purview-csv");
	if (row == 1) {
		assert_time("2024-03-01T08:00:00Z");
		assert_param("ErrorCode", "50126");
		assert_param("FailureReason", "InvalidUserNameOrPassword");
		assert_param("UserAgent", "python-requests/2.31");
		assert_string_equal(F.ev.client_ip, "203.0.113.40");
	} else {
		assert_time("2024-03-01T08:00:01Z");
		assert_string_equal(F.ev.id,
				    "a0000000-0000-4000-8000-000000000011");
		assert_param("ForwardingSmtpAddress", "smtp:x@fabrikam.com");
		assert_string_equal(F.ev.record_type, "ExchangeAdmin");
	}
}

static void
test_normalize__fixture_csv(void **state)
{
	assert_int_equal(each_csv(tfixture("normalize/purview.csv"),
				  purview_row, NULL),
			 2);
	assert_int_equal(
		each_csv(tfixture("normalize/ps-export.csv"), row_ok, NULL), 1);
	assert_string_equal(F.ev.source, "ps-csv");
	assert_string_equal(F.ev.user, "alice@contoso.com");
	assert_string_equal(F.ev.id, "a0000000-0000-4000-8000-000000000020");
	assert_param("DeleteMessage", "True");
}

/* ---- corpus ------------------------------------------------------------ */

struct tally {
	int ok, timed, failed;
	char first_err[600];
};

static void
tally(yyjson_val *v, int ret, void *payload)
{
	struct tally *t = payload;

	if (ret == 1) {
		t->ok++;
		t->timed += F.ev.has_time && F.ev.operation;
	} else if (!t->failed++) {
		snprintf(t->first_err, sizeof(t->first_err), "%s", F.err.msg);
	}
}

static void
test_normalize__corpus_blueteam_json(void **state)
{
	static const char *const files[] = {
		"t1114.003_rule_mail_forward_same_dest.json",
		"t1564.008_rule_mark_as_read_move.json",
		"t1110.003_msolspray-powershell.json",
		"t1098.002_user-reset_mailbox_full_access.json",
		"t1531_mass_delete_users.json",
		"t1550.001_default_rclone_app_registration.json",
	};
	static const int counts[] = {2, 1, 11, 5, 10, 1};
	char rel[256];

	for (size_t i = 0; i < IR_ARRAY_SIZE(files); i++) {
		struct tally t = {0, 0, 0, ""};

		snprintf(rel, sizeof(rel),
			 "corpus/blueteam0ps-det-eng-samples/dataset/%s",
			 files[i]);
		each_json(need_shared(rel), tally, &t);
		if (t.failed)
			fail_msg("%s: %s", files[i], t.first_err);
		assert_int_equal(t.ok, counts[i]);
		assert_int_equal(t.timed, counts[i]);
	}
}

static void
test_normalize__corpus_sekoia(void **state)
{
	static const char *const files[] = {
		"o365_management_api_records.jsonl",
		"azure_ad_eventhub_diagnostic_records.jsonl",
		"entraid_graph_api_records.jsonl",
	};
	char rel[256];

	for (size_t i = 0; i < IR_ARRAY_SIZE(files); i++) {
		struct tally t = {0, 0, 0, ""};

		snprintf(rel, sizeof(rel),
			 "corpus/sekoia-intake-formats/_extracted/%s",
			 files[i]);
		each_json(need_shared(rel), tally, &t);
		if (t.failed)
			fail_msg("%s: %d failed: %s", files[i], t.failed,
				 t.first_err);
		assert_true(t.ok > 20);
		assert_int_equal(t.timed, t.ok);
	}
}

static void
str_params(yyjson_val *v, int ret, void *payload)
{
	assert_int_equal(ret, 1);
	if (!strcmp(F.ev.operation, "Set-Mailbox")) {
		assert_string_equal(F.ev.user,
				    "NT AUTHORITY\\SYSTEM "
				    "(Microsoft.Exchange.ServiceHost)");
		assert_param("StartReceivedDate", "4/25/2021 7:00:00 AM");
		assert_param("QuarantineTypes", "Bulk;Spam;Phish");
	} else {
		assert_param("ExchangeLocation", "All");
		assert_param("ContentMatchQuery",
			     "(c:c)(senderauthor=abc@foo.com)");
		assert_param("ErrorCode", "0");
		assert_int_equal(ir_event_param(&F.ev, "HoldNames")->nitems, 0);
	}
}

static void
test_normalize__corpus_beats_strings(void **state)
{
	const char *p = need_shared("corpus/elastic-beats-o365/str-params.log");

	assert_int_equal(each_json(p, str_params, NULL), 2);
	p = need_shared("corpus/elastic-beats-o365/stringly-json.log");
	assert_int_equal(each_json(p, ok_event, NULL), 1);
	assert_param("SystemArtifactType", "None");
	assert_string_equal(F.ev.record_type, "PowerBIAudit");
}

struct csv_tally {
	int ok, timed, failed;
	const char *source;
	char first_err[600];
};

static void
csv_tally(int row, void *payload)
{
	struct csv_tally *t = payload;

	if (F.ret != 1) {
		if (!t->failed++)
			snprintf(t->first_err, sizeof(t->first_err),
				 "row %d: %s", row, F.err.msg);
		return;
	}
	t->ok++;
	t->timed += F.ev.has_time;
	if (t->source && strcmp(F.ev.source, t->source))
		fail_msg("row %d: source %s, want %s", row, F.ev.source,
			 t->source);
}

static void
csv_file(const char *rel, const char *source, int rows, int timed)
{
	struct csv_tally t = {0, 0, 0, source, ""};

	each_csv(need_shared(rel), csv_tally, &t);
	if (t.failed)
		fail_msg("%s: %d failed, first: %s", rel, t.failed,
			 t.first_err);
	assert_int_equal(t.ok, rows);
	assert_int_equal(t.timed, timed);
}

static void
test_normalize__corpus_csv(void **state)
{
	csv_file("corpus/huntress-ctf-2023-rogue-inbox/purview.csv",
		 "purview-csv", 219, 219);
	csv_file("corpus/blueteam0ps-det-eng-samples/dataset/"
		 "t1110.003_msolspraywithsuccess_1.csv",
		 "ps-csv", 9, 9);
	csv_file("corpus/blueteam0ps-det-eng-samples/dataset/"
		 "t1114_Set-Mailbox-ForwardSMTPAddress.csv",
		 "ps-csv", 1, 1);
	csv_file("corpus/azure-sentinel-training-lab/office_activity.csv",
		 "la-officeactivity", 266, 266);
	csv_file("corpus/azure-sentinel-training-lab/"
		 "office_activity_inbox_rule.csv",
		 "la-officeactivity", 2, 0);
	csv_file("corpus/azure-sentinel-training-lab/sign-in_adelete.csv",
		 "la-signinlogs", 56, 56);
	csv_file("corpus/azure-sentinel-training-lab/disable_accounts.csv",
		 "la-signinlogs", 4, 0);
	csv_file("corpus/azure-sentinel-training-lab/AuditLogs_Hunting.csv",
		 "la-auditlogs", 5, 0);
}

/* Panther wraps each test event: {"rule_id":..., "log":{the event}}. */
static void
test_normalize__corpus_panther(void **state)
{
	const char *p = need_shared(
		"corpus/panther-analysis/extracted_test_events.jsonl");
	size_t len = 0;
	char *buf = slurp(p, &len), *line, *end;
	int ok = 0, microsoft = 0;

	for (line = buf; line < buf + len; line = end + 1) {
		yyjson_doc *d;
		yyjson_val *log;
		const char *lt;

		end = strchr(line, '\n');
		if (!end)
			end = buf + len;
		d = yyjson_read(line, (size_t)(end - line), 0);
		log = yyjson_obj_get(yyjson_doc_get_root(d), "log");
		lt = yyjson_get_str(yyjson_arr_get_first(
			yyjson_obj_get(yyjson_doc_get_root(d), "log_types")));

		if (lt && (!strncmp(lt, "Microsoft365", 12) ||
			   !strcmp(lt, "Azure.Audit"))) {
			microsoft++;
			if (norm_val(log, false, NULL, NULL) == 1 &&
			    F.ev.operation)
				ok++;
			else
				print_message("panther: %s: %s\n", lt,
					      F.err.msg);
		}
		yyjson_doc_free(d);
	}
	free(buf);
	assert_true(microsoft > 30);
	assert_int_equal(ok, microsoft);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) \
	cmocka_unit_test_setup_teardown(test_normalize__##name, setup, teardown)
		T(ual_fields),
		T(user_with_nul_stays_distinct),
		T(ual_raw_actor_and_ipv6),
		T(ual_ps_string_params),
		T(ual_bags),
		T(ual_lowercase_keys),
		T(no_time_is_not_an_error),
		T(bad_time_names_field),
		T(unknown_schema),
		T(unknown_record_type_is_null),
		T(ual_signin),
		T(purview_csv),
		T(auditdata_invalid_json),
		T(ps_csv_fallbacks),
		T(ps_json_nested_auditdata),
		T(graph_auditlog),
		T(graph_signin),
		T(legacy_upper_camel_signin),
		T(eventhub_signin),
		T(eventhub_auditlogs),
		T(graph_directoryaudit),
		T(la_signinlogs_csv),
		T(la_auditlogs_csv),
		T(la_officeactivity),
		T(prefilter),
		T(classify),
		T(reuse_between_records),
		T(case05_case_distinct_keys),
		T(case09_ps51_dates),
		T(case16_string_parameters),
		T(case17_updateinboxrules),
		T(case27_key_casing),
		T(case29_pretty_object),
		T(case07_purview_csv),
		T(case08_creationdate_layouts),
		T(case13_ps_columns),
		T(fixture_every_source),
		T(fixture_csv),
		T(corpus_blueteam_json),
		T(corpus_sekoia),
		T(corpus_beats_strings),
		T(corpus_panther),
		T(corpus_csv),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
