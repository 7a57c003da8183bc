/* SPDX-License-Identifier: MIT */
/*
 * t-event.c - the normalized event's helpers and its JSON form, which is a
 * public contract (event.h): exact strings, key order, escaping.
 */
#include "tests/unit/test.h"

#include <yyjson.h>

#include "util/err.h" /* NEEDSWORK: util/time.h should include it */
#include "logs/event.h"

static const struct ir_str rule_items[] = {
	{ "DeleteMessage", 13 },
	{ "MarkAsRead", 10 },
};

static const struct ir_param params[] = {
	{ "Name", { "\0", 1 }, NULL, 0, false },
	{ "ErrorCode", { "50126", 5 }, NULL, 0, false },
	{ "Actions", { "DeleteMessage;MarkAsRead", 24 },
	  (struct ir_str *)rule_items, 2, true },
};

static struct ir_event
sample(void)
{
	struct ir_event ev = { 0 };

	ev.time.sec = 1721005982; /* 2024-07-15T01:13:02.928Z */
	ev.time.nsec = 928000000;
	ev.has_time = true;
	ev.source = "ual-json";
	ev.file = "a \"b\".json";
	ev.record = 7;
	ev.id = "id-1";
	ev.workload = "Exchange";
	ev.record_type = "ExchangeItem";
	ev.operation = "New-InboxRule";
	ev.user = "alice@contoso.com";
	ev.client_ip = "192.0.2.10";
	ev.client_port = 443;
	ev.result = "Failed";
	ev.params = params;
	ev.nparams = 3;
	return ev;
}

static void
test_event__write_json_exact(void **state)
{
	struct ir_buf b = IR_BUF_INIT;
	struct ir_event ev = sample();

	ir_event_write_json(&b, &ev);
	assert_string_equal(
		b.buf,
		"{\"time\":\"2024-07-15T01:13:02.928Z\","
		"\"source\":\"ual-json\","
		"\"file\":\"a \\\"b\\\".json\",\"record\":7,\"id\":\"id-1\","
		"\"workload\":\"Exchange\",\"record_type\":\"ExchangeItem\","
		"\"operation\":\"New-InboxRule\","
		"\"user\":\"alice@contoso.com\",\"client_ip\":\"192.0.2.10\","
		"\"client_port\":443,\"result\":\"Failed\","
		"\"params\":{\"Name\":\"\\u0000\",\"ErrorCode\":\"50126\","
		"\"Actions\":[\"DeleteMessage\",\"MarkAsRead\"]},"
		"\"object\":null}");
	ir_buf_release(&b);
}

static void
test_event__write_json_nulls(void **state)
{
	struct ir_buf b = IR_BUF_INIT;
	struct ir_event ev = { 0 };

	ev.client_port = -1;
	ev.record = 18446744073709551615ull;
	ir_event_write_json(&b, &ev);
	assert_string_equal(b.buf,
			    "{\"time\":null,\"source\":null,\"file\":null,"
			    "\"record\":18446744073709551615,\"id\":null,"
			    "\"workload\":null,\"record_type\":null,"
			    "\"operation\":null,\"user\":null,"
			    "\"client_ip\":null,\"client_port\":null,"
			    "\"result\":null,\"params\":{},\"object\":null}");
	ir_buf_release(&b);
}

/* Control bytes escaped, valid UTF-8 kept, invalid bytes -> U+FFFD. */
static void
test_event__escapes_and_invalid_utf8(void **state)
{
	static const char obj[] = "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f "
				  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
				  "bad:\xff\xc3(\xed\xa0\x80\xc0\xaf\xf4\x90"
				  "\x80\x80|\xe2\x82";
	struct ir_buf b = IR_BUF_INIT;
	struct ir_event ev = { 0 };
	yyjson_doc *doc;
	const char *want;

	ev.client_port = -1;
	ev.object = obj;
	ir_event_write_json(&b, &ev);
	want = strstr(b.buf, "\"object\":");
	assert_non_null(want);
	assert_string_equal(
		want,
		"\"object\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\x7f "
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
		"bad:\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd"
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		"\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd"
		"\"}");
	/* One U+FFFD per bad byte; a strict parser accepts the line. */
	doc = yyjson_read(b.buf, b.len, 0);
	assert_non_null(doc);
	yyjson_doc_free(doc);
	ir_buf_release(&b);
}

static void
test_event__param_lookup_ignores_case(void **state)
{
	struct ir_event ev = sample();
	const struct ir_str *s;

	assert_ptr_equal(ir_event_param(&ev, "errorcode"), &params[1]);
	assert_ptr_equal(ir_event_param(&ev, "ACTIONS"), &params[2]);
	assert_null(ir_event_param(&ev, "Error"));
	assert_null(ir_event_param(&ev, "ErrorCodeX"));
	s = ir_event_param_str(&ev, "actions");
	assert_non_null(s);
	assert_int_equal(s->len, 24);
	assert_null(ir_event_param_str(&ev, "missing"));
	assert_true(ir_str_eq_ci(params[2].items[1], "markasread"));
	assert_false(ir_str_eq_ci(params[2].items[1], "markasrea"));
	assert_false(ir_str_eq_ci(params[0].value, ""));
}

static void
test_event__failed(void **state)
{
	struct ir_param ok_code = { "errorCode", { "0", 1 }, NULL, 0, false };
	struct ir_event ev = { 0 };

	assert_false(ir_event_failed(&ev));
	ev.result = "Succeeded";
	assert_false(ir_event_failed(&ev));
	ev.result = "PartiallyFailed";
	assert_true(ir_event_failed(&ev));
	ev.result = "FAILURE";
	assert_true(ir_event_failed(&ev));
	ev.result = "False"; /* an Exchange cmdlet that threw */
	assert_true(ir_event_failed(&ev));
	ev.result = "True";
	assert_false(ir_event_failed(&ev));
	ev.result = "Success";
	ev.params = &ok_code;
	ev.nparams = 1;
	assert_false(ir_event_failed(&ev));
	ok_code.value.ptr = "50126";
	ok_code.value.len = 5;
	assert_true(ir_event_failed(&ev));
	ok_code.value.len = 0;
	assert_false(ir_event_failed(&ev));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event__write_json_exact),
		cmocka_unit_test(test_event__write_json_nulls),
		cmocka_unit_test(test_event__escapes_and_invalid_utf8),
		cmocka_unit_test(test_event__param_lookup_ignores_case),
		cmocka_unit_test(test_event__failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
