/* SPDX-License-Identifier: MIT */
/*
 * parse.c - checked decimal parsing of counted strings (parse.h).
 *
 * strtoll() needs a NUL-terminated string, skips leading spaces, accepts
 * "0x" under base 0 and lets unsigned parsing take a '-'. Our inputs are
 * slices of larger buffers and we want none of that leniency, so the digit
 * loop is written out here, with the overflow test done before each
 * multiply-add (so no signed overflow ever happens, which UBSan would flag).
 * Negative numbers are accumulated as their magnitude in uint64_t, which
 * makes INT64_MIN representable without special cases.
 */
#include "util/compat.h"

#include <limits.h>

#include "util/err.h"
#include "util/parse.h"

/* Longest piece of the offending text quoted in a message. */
#define QUOTE_MAX 40

static int
bad(struct ir_err *err, const char *what, const char *s, size_t len)
{
	int n = len > QUOTE_MAX ? QUOTE_MAX : (int)len;

	return ir_err_set(err, IR_EPARSE, "%s: '%.*s%s'", what, n, s,
			  len > QUOTE_MAX ? "..." : "");
}

/*
 * Digits only, at least one, value <= limit. Returns 0, or 1 for "not a
 * number", or 2 for "too large", so the callers can word the message.
 */
static int
digits(uint64_t *out, const char *s, size_t len, uint64_t limit)
{
	uint64_t v = 0;

	if (!len)
		return 1;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return 1;
		if (v > (limit - d) / 10)
			return 2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
ir_parse_uint64(uint64_t *out, const char *s, size_t len, struct ir_err *err)
{
	uint64_t v;
	int r = digits(&v, s, len, UINT64_MAX);

	if (r)
		return bad(err, r == 1 ? "not an unsigned number" :
			   "number out of range", s, len);
	*out = v;
	return 0;
}

int
ir_parse_int64(int64_t *out, const char *s, size_t len, struct ir_err *err)
{
	bool neg = len && s[0] == '-';
	bool sign = len && (s[0] == '-' || s[0] == '+');
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v;
	int r = digits(&v, s + sign, len - sign, limit);

	if (r)
		return bad(err, r == 1 ? "not a number" : "number out of range",
			   s, len);
	/* Two's complement: negating the magnitude in uint64_t is exact. */
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int
ir_parse_int(int *out, const char *s, size_t len, int min, int max,
	     struct ir_err *err)
{
	int64_t v;
	int ret = ir_parse_int64(&v, s, len, err);

	if (ret < 0)
		return ret;
	if (v < min || v > max) {
		int n = len > QUOTE_MAX ? QUOTE_MAX : (int)len;

		return ir_err_set(err, IR_EPARSE,
				  "number out of range %d..%d: '%.*s'", min,
				  max, n, s);
	}
	*out = (int)v;
	return 0;
}

bool
ir_strn_eq_ci(const char *a, size_t alen, const char *b)
{
	for (size_t i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i];
		unsigned char y = (unsigned char)b[i];

		/* b's NUL ends the comparison early: a is longer. */
		if (!y)
			return false;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return !b[alen];
}
