/* SPDX-License-Identifier: MIT */
/*
 * parse.h - checked number parsing and counted-string comparison.
 *
 * atoi() and friends are banned (banned.h) because they cannot say "that
 * was not a number" and silently wrap on overflow. Log fields reach us as
 * counted slices of a bigger buffer (a CSV cell, a JSON string, a piece of
 * a timestamp), not as NUL-terminated strings, so every parser here takes
 * `s` and `len` and never reads past `s[len - 1]`.
 *
 * Rules shared by all the number parsers:
 *  - base 10 only, ASCII digits only;
 *  - the whole slice must be the number: no leading or trailing spaces, no
 *    trailing junk ("12abc", "12 ", " 12" and "" are all IR_EPARSE); trim
 *    first if your field may be padded;
 *  - the signed parsers accept one optional leading '-' or '+', the
 *    unsigned parser accepts neither (strtoull's "-1" = 2^64-1 is exactly
 *    the bug these exist to prevent);
 *  - leading zeros are fine ("007" is 7);
 *  - overflow and range violations are IR_EPARSE, never a clamped value;
 *  - on failure *out is left untouched and `err` (which may be NULL) gets a
 *    one-line message quoting the offending text.
 *
 * Example:
 *
 *	int64_t ms;
 *	if (ir_parse_int64(&ms, cell, cell_len, err) < 0)
 *		return IR_EPARSE;	// message already says why
 *	int port;
 *	if (ir_parse_int(&port, p, n, 0, 65535, NULL) < 0)
 *		port = -1;
 */
#ifndef IR_PARSE_H
#define IR_PARSE_H

#include "util/compat.h"

#include "util/err.h"

/*
 * Parse `len` bytes at `s` as a signed decimal in [INT64_MIN, INT64_MAX]
 * (both ends included). Returns 0 or IR_EPARSE.
 */
int ir_parse_int64(int64_t *out, const char *s, size_t len,
		   struct ir_err *err) IR_MUST_CHECK;

/*
 * Parse `len` bytes at `s` as an unsigned decimal in [0, UINT64_MAX]. No
 * sign is accepted. Returns 0 or IR_EPARSE.
 */
int ir_parse_uint64(uint64_t *out, const char *s, size_t len,
		    struct ir_err *err) IR_MUST_CHECK;

/*
 * Parse `len` bytes at `s` as a signed decimal that must lie in
 * [min, max] (both included; pass INT_MIN/INT_MAX for "any int"). Use it
 * for ports, months, hours: the range check is the point. Returns 0 or
 * IR_EPARSE (the message gives the allowed range when that is the fault).
 */
int ir_parse_int(int *out, const char *s, size_t len, int min, int max,
		 struct ir_err *err) IR_MUST_CHECK;

/*
 * True when the `alen` bytes at `a` equal the NUL-terminated `b`, ignoring
 * ASCII case only (no locale: "I" and "i" match, nothing else folds). The
 * lengths must match exactly: ("AMX", 2, "am") is true, ("A", 1, "am")
 * is false. `a` need not be NUL-terminated; an embedded NUL in `a` never
 * matches. Typical use: enum-like log values ("Success", "success").
 */
bool ir_strn_eq_ci(const char *a, size_t alen, const char *b);

#endif
