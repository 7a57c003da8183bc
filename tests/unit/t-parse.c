/* SPDX-License-Identifier: MIT */
/*
 * t-parse.c - the checked number parsers and ir_strn_eq_ci (util/parse.h).
 *
 * The edges are the point: both ends of each range, one past them, every
 * kind of junk atoi() would have swallowed, and slices that are not
 * NUL-terminated (a parser that reads past `len` fails the "counted" cases).
 */
#include "util/compat.h"

#include <limits.h>

#include "tests/unit/test.h"
#include "util/err.h"
#include "util/parse.h"

/* Sentinel: a failed parse must leave *out alone. */
#define UNTOUCHED 4242

static int64_t
ok64(const char *s)
{
	int64_t v = UNTOUCHED;
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_parse_int64(&v, s, strlen(s), &err), 0);
	assert_int_equal(err.code, IR_OK);
	return v;
}

static void
bad64(const char *s)
{
	int64_t v = UNTOUCHED;
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_parse_int64(&v, s, strlen(s), &err), IR_EPARSE);
	assert_int_equal(err.code, IR_EPARSE);
	assert_true(err.msg[0]);
	assert_int_equal(v, UNTOUCHED);
}

static void
test_parse__int64_values(void **state)
{
	assert_int_equal(ok64("0"), 0);
	assert_int_equal(ok64("-0"), 0);
	assert_int_equal(ok64("+7"), 7);
	assert_int_equal(ok64("007"), 7);
	assert_int_equal(ok64("-1720919582928"), -1720919582928LL);
	assert_true(ok64("9223372036854775807") == INT64_MAX);
	assert_true(ok64("-9223372036854775808") == INT64_MIN);
}

static void
test_parse__int64_rejects(void **state)
{
	static const char *const junk[] = {
		"", "-", "+", "--1", "+-1", " 1", "1 ", "12abc", "0x10",
		"1e3", "1.0", "\xd9\xa1", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999999",
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(junk); i++)
		bad64(junk[i]);
}

static void
test_parse__message_quotes_input(void **state)
{
	int64_t v;
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_parse_int64(&v, "12abc", 5, &err), IR_EPARSE);
	assert_string_equal(err.msg, "not a number: '12abc'");
	assert_int_equal(ir_parse_int64(&v, "99999999999999999999", 20, &err),
			 IR_EPARSE);
	assert_string_equal(err.msg,
			    "number out of range: '99999999999999999999'");
	/* A NULL err is allowed: the caller only wants the code. */
	assert_int_equal(ir_parse_int64(&v, "x", 1, NULL), IR_EPARSE);
}

static void
test_parse__counted_slices(void **state)
{
	const char cell[] = "123456";
	int64_t v;
	uint64_t u;
	int i;

	assert_int_equal(ir_parse_int64(&v, cell, 3, NULL), 0);
	assert_int_equal(v, 123);
	assert_int_equal(ir_parse_uint64(&u, cell + 3, 2, NULL), 0);
	assert_int_equal(u, 45);
	assert_int_equal(ir_parse_int(&i, cell + 5, 1, 0, 9, NULL), 0);
	assert_int_equal(i, 6);
	assert_int_equal(ir_parse_int64(&v, cell, 0, NULL), IR_EPARSE);
}

static void
test_parse__uint64(void **state)
{
	uint64_t u = UNTOUCHED;

	assert_int_equal(ir_parse_uint64(&u, "18446744073709551615", 20, NULL),
			 0);
	assert_true(u == UINT64_MAX);
	u = UNTOUCHED;
	assert_int_equal(ir_parse_uint64(&u, "18446744073709551616", 20, NULL),
			 IR_EPARSE);
	/* strtoull("-1") is UINT64_MAX: exactly what must not happen. */
	assert_int_equal(ir_parse_uint64(&u, "-1", 2, NULL), IR_EPARSE);
	assert_int_equal(ir_parse_uint64(&u, "+1", 2, NULL), IR_EPARSE);
	assert_int_equal(u, UNTOUCHED);
}

static void
test_parse__int_range(void **state)
{
	struct ir_err err = IR_ERR_INIT;
	int v = UNTOUCHED;

	assert_int_equal(ir_parse_int(&v, "65535", 5, 0, 65535, &err), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(ir_parse_int(&v, "0", 1, 0, 65535, &err), 0);
	assert_int_equal(v, 0);
	v = UNTOUCHED;
	assert_int_equal(ir_parse_int(&v, "65536", 5, 0, 65535, &err),
			 IR_EPARSE);
	assert_string_equal(err.msg, "number out of range 0..65535: '65536'");
	assert_int_equal(ir_parse_int(&v, "-1", 2, 0, 65535, &err), IR_EPARSE);
	assert_int_equal(v, UNTOUCHED);
	assert_int_equal(ir_parse_int(&v, "-2147483648", 11, INT_MIN, INT_MAX,
				      NULL), 0);
	assert_int_equal(v, INT_MIN);
	assert_int_equal(ir_parse_int(&v, "2147483648", 10, INT_MIN, INT_MAX,
				      NULL), IR_EPARSE);
}

static void
test_parse__strn_eq_ci(void **state)
{
	assert_true(ir_strn_eq_ci("Success", 7, "success"));
	assert_true(ir_strn_eq_ci("AMX", 2, "am"));
	assert_true(ir_strn_eq_ci("", 0, ""));
	assert_false(ir_strn_eq_ci("A", 1, "am"));
	assert_false(ir_strn_eq_ci("am", 2, "a"));
	assert_false(ir_strn_eq_ci("pm", 2, "am"));
	/* An embedded NUL never matches the end of b. */
	assert_false(ir_strn_eq_ci("a\0", 2, "a"));
	/* ASCII only: no locale folding of Latin-1 or UTF-8 bytes. */
	assert_false(ir_strn_eq_ci("\xc4", 1, "\xe4"));
	/* '@' and '`' sit next to the letters and must not fold. */
	assert_false(ir_strn_eq_ci("@", 1, "`"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse__int64_values),
		cmocka_unit_test(test_parse__int64_rejects),
		cmocka_unit_test(test_parse__message_quotes_input),
		cmocka_unit_test(test_parse__counted_slices),
		cmocka_unit_test(test_parse__uint64),
		cmocka_unit_test(test_parse__int_range),
		cmocka_unit_test(test_parse__strn_eq_ci),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
