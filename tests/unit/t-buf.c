/* SPDX-License-Identifier: MIT */
/*
 * t-buf.c - the growable buffer and the error record: the two things every
 * other module leans on, so their edge cases (caps, NUL bytes, truncation)
 * are pinned here.
 */
#include "tests/unit/test.h"

#include "util/buf.h"
#include "util/err.h"

static void
test_buf__add_keeps_nul_and_terminates(void **state)
{
	struct ir_buf b = IR_BUF_INIT;

	assert_string_equal(b.buf, "");
	ir_buf_add(&b, "a\0b", 3);
	ir_buf_addf(&b, "%d-%s", 42, "x");
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.buf, "a\0b42-x", 8);
	ir_buf_release(&b);
}

static void
test_buf__limit_drops_and_sticks(void **state)
{
	struct ir_buf b = IR_BUF_INIT;

	ir_buf_limit(&b, 8);
	ir_buf_addstr(&b, "12345");
	ir_buf_addstr(&b, "6789");
	assert_true(b.toobig);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.buf, "12345");
	ir_buf_addch(&b, 'x'); /* still refused: the error is sticky */
	assert_int_equal(b.len, 5);
	ir_buf_reset(&b);
	assert_false(b.toobig);
	ir_buf_addstr(&b, "abcdefgh");
	assert_int_equal(b.len, 8);
	ir_buf_release(&b);
}

static void
test_buf__addf_grows_past_first_guess(void **state)
{
	struct ir_buf b = IR_BUF_INIT;
	char big[3000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ir_buf_addstr(&b, "<");
	ir_buf_addf(&b, "%s>", big);
	assert_int_equal(b.len, 3001);
	assert_int_equal(b.buf[3000], '>');
	assert_int_equal(b.buf[3001], '\0');
	ir_buf_release(&b);
}

static void
test_buf__detach_hands_over_and_resets(void **state)
{
	struct ir_buf b = IR_BUF_INIT;
	size_t len;
	char *s;

	s = ir_buf_detach(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	ir_buf_addstr(&b, "hello");
	s = ir_buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	free(s);
}

static void
test_err__set_returns_code_and_prefix_prepends(void **state)
{
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_err_set(&err, IR_EPARSE, "record %d: bad", 3),
			 IR_EPARSE);
	ir_err_prefix(&err, "%s: ", "x.csv");
	assert_string_equal(err.msg, "x.csv: record 3: bad");
	assert_int_equal(err.code, IR_EPARSE);
	assert_int_equal(ir_err_set(NULL, IR_EIO, "ignored"), IR_EIO);
	ir_err_clear(&err);
	assert_int_equal(err.code, IR_OK);
	assert_string_equal(err.msg, "");
}

static void
test_err__long_message_is_truncated_not_overflowed(void **state)
{
	struct ir_err err = IR_ERR_INIT;
	char big[1000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ir_err_set(&err, IR_ERROR, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	ir_err_prefix(&err, "prefix: ");
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, "prefix: qqq", 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf__add_keeps_nul_and_terminates),
		cmocka_unit_test(test_buf__limit_drops_and_sticks),
		cmocka_unit_test(test_buf__addf_grows_past_first_guess),
		cmocka_unit_test(test_buf__detach_hands_over_and_resets),
		cmocka_unit_test(
			test_err__set_returns_code_and_prefix_prepends),
		cmocka_unit_test(
			test_err__long_message_is_truncated_not_overflowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
