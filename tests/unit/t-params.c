/* SPDX-License-Identifier: MIT */
/*
 * t-params.c - the PowerShell parameter-string parser (src/logs/params.c).
 *
 * Each case renders what the parser reported as `Name=value;` or
 * `Name=[a|b];` for lists, so one string comparison checks names, values,
 * list-ness and order at once.
 */
#include "util/compat.h"

#include "tests/unit/test.h"

#include "logs/params.h"

struct render {
	struct ir_buf out;
	bool list, open, first;
};

static void
close_param(struct render *r)
{
	if (!r->open)
		return;
	ir_buf_addstr(&r->out, r->list ? "];" : ";");
	r->open = false;
}

static void
on_param(void *payload, const char *name, size_t len, bool is_list)
{
	struct render *r = payload;

	close_param(r);
	ir_buf_add(&r->out, name, len);
	ir_buf_addstr(&r->out, is_list ? "=[" : "=");
	r->list = is_list;
	r->open = true;
	r->first = true;
}

static void
on_value(void *payload, const char *s, size_t len)
{
	struct render *r = payload;

	if (!r->first)
		ir_buf_addch(&r->out, '|');
	r->first = false;
	ir_buf_add(&r->out, s, len);
}

static struct ir_buf scratch = IR_BUF_INIT;

/* Parse `in`, compare the rendering with `want`, return the count. */
static size_t
check(const char *in, const char *want)
{
	struct render r = {IR_BUF_INIT, false, false, false};
	struct ir_ps_cb cb = {on_param, on_value, &r};
	size_t n = ir_ps_parse(in, strlen(in), &cb, &scratch);

	close_param(&r);
	assert_string_equal(r.out.buf, want);
	ir_buf_release(&r.out);
	return n;
}

/* Like check() but with a length, for inputs that hold NUL bytes. */
static void
check_len(const char *in, size_t len, const char *want, size_t wantlen)
{
	struct render r = {IR_BUF_INIT, false, false, false};
	struct ir_ps_cb cb = {on_param, on_value, &r};

	ir_ps_parse(in, len, &cb, &scratch);
	close_param(&r);
	assert_int_equal(r.out.len, wantlen);
	assert_memory_equal(r.out.buf, want, wantlen);
	ir_buf_release(&r.out);
}

/*
 * A NUL byte once made every bare word end before it began, and the
 * parser looped forever on a single record (found by review).
 */
static void
test_params__nul_bytes_end(void **state)
{
	check_len("-Name x \0 y", 11, "Name=x;", 7);
	check_len("-Name a\0b -Z c", 14, "Name=a\0b;Z=c;", 13);
	check_len("-Identity (\0)", 13, "Identity=[\0];", 13);
	check_len("\0\0\0", 3, "", 0);
}

static void
test_params__quoted_values(void **state)
{
	assert_int_equal(check("-Identity \"alice@contoso.com\" "
			       "-DisplayName \"Alice  Smith\"",
			       "Identity=alice@contoso.com;"
			       "DisplayName=Alice  Smith;"),
			 2);
	check("-Name 'it''s' -Path 'C:\\x y'", "Name=it's;Path=C:\\x y;");
	check("-Empty \"\" -Next x", "Empty=;Next=x;");
}

static void
test_params__escaped_quotes(void **state)
{
	check("-Subject \"say \"\"hi\"\"\"", "Subject=say \"hi\";");
	check("-Subject \"a `\"b`\" c\"", "Subject=a \"b\" c;");
	check("-Subject \"a \\\"b\\\"\"", "Subject=a \"b\";");
	check("-User \"CONTOSO\\alice\"", "User=CONTOSO\\alice;");
}

static void
test_params__lists(void **state)
{
	check("-QuarantineTypes (\"Bulk\",\"Spam\")",
	      "QuarantineTypes=[Bulk|Spam];");
	check("-X @('a', 'b' , \"c d\")", "X=[a|b|c d];");
	check("-HoldNames () -Y (bare1,bare2)",
	      "HoldNames=[];Y=[bare1|bare2];");
	check("-Flags ($true, $false)", "Flags=[True|False];");
	check("-ExchangeLocation (\"All\") -Force \"True\"",
	      "ExchangeLocation=[All];Force=True;");
}

static void
test_params__switches_and_booleans(void **state)
{
	assert_int_equal(check("-Force -Confirm", "Force=True;Confirm=True;"),
			 2);
	check("-Enabled $false -On $TRUE", "Enabled=False;On=True;");
	check("-Enabled:$false -Name:'x'", "Enabled=False;Name=x;");
	check("-Count -5 -Last", "Count=-5;Last=True;");
}

static void
test_params__bare_words_and_junk(void **state)
{
	check("-PageSize 100 -Page 1", "PageSize=100;Page=1;");
	check("positional -A b stray -C d", "A=b;C=d;");
	check("  \r\n -A\tb\r\n", "A=b;");
	assert_int_equal(check("", ""), 0);
	assert_int_equal(check("- -- -9", ""), 0);
}

static void
test_params__malformed_never_crashes(void **state)
{
	uint32_t seed = 12345;
	char buf[64];
	static const char alphabet[] = "-\"'()@,$`\\ aZ:tT";

	check("-A \"unterminated", "A=unterminated;");
	check("-A ('x', \"y", "A=[x|y];");
	check("-A 'open", "A=open;");
	check("-A (", "A=[];");
	check("(((", "");
	for (int i = 0; i < 20000; i++) {
		size_t len = (seed >> 3) % sizeof(buf);
		struct ir_ps_cb cb = {NULL, NULL, NULL};

		for (size_t j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[j] =
				alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		assert_true(ir_ps_parse(buf, len, &cb, &scratch) <= len);
	}
}

static void
test_params__looks_like(void **state)
{
	assert_true(ir_ps_looks_like(" -Identity x", 12));
	assert_false(ir_ps_looks_like("-5", 2));
	assert_false(ir_ps_looks_like("[{\"Name\":1}]", 12));
	assert_false(ir_ps_looks_like("-", 1));
	assert_false(ir_ps_looks_like("", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params__nul_bytes_end),
		cmocka_unit_test(test_params__quoted_values),
		cmocka_unit_test(test_params__escaped_quotes),
		cmocka_unit_test(test_params__lists),
		cmocka_unit_test(test_params__switches_and_booleans),
		cmocka_unit_test(test_params__bare_words_and_junk),
		cmocka_unit_test(test_params__malformed_never_crashes),
		cmocka_unit_test(test_params__looks_like),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	ir_buf_release(&scratch);
	return ret;
}
