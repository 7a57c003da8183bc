/* SPDX-License-Identifier: MIT */
/*
 * time.h - every spelling of a timestamp that Microsoft 365 exports use,
 * read into one UTC instant; RFC 3339 with `Z` out.
 *
 * Accepted (whitespace around the value is trimmed):
 *  - ISO 8601 / RFC 3339: `2023-09-20T04:05:03`, `...03Z`, `...03.6195833Z`,
 *    0-9 fractional digits, `+00:00` / `-05:30` / `+0100` offsets, a space
 *    instead of `T`. No zone means UTC: the unified audit log's
 *    CreationTime has none and is UTC.
 *  - US and day-first civil dates as Purview, Export-Csv and the Log
 *    Analytics portal write them: `9/20/2023 4:05:03 AM`,
 *    `4/28/2021, 3:05:26.000 PM`, `20/09/2023 16:05:03`, with or without
 *    seconds, AM/PM, a trailing offset.
 *  - `/Date(1720919582928)/` and `\/Date(...)\/` (PowerShell 5.1 JSON,
 *    epoch milliseconds, optional `+0100` suffix that does not change the
 *    instant), and bare epoch seconds or milliseconds when the caller asks
 *    for them with IR_TIME_EPOCH.
 *
 * Month/day order: a first field over 12 means day-first, a second field
 * over 12 means month-first; otherwise the hint decides. A hint (one per
 * file) remembers the first unambiguous order seen, so the rows of one
 * export are read consistently; with no hint yet, month-first (US) wins,
 * which is what Purview and en-US PowerShell write.
 *
 * Instants are seconds since the Unix epoch plus nanoseconds, UTC; no
 * function here consults the host's time zone.
 */
#ifndef IR_TIME_H
#define IR_TIME_H

#include "util/compat.h"
#include "util/err.h"

struct ir_time {
	int64_t sec;  /* seconds since 1970-01-01T00:00:00Z */
	int32_t nsec; /* 0..999999999 */
};

enum ir_time_order {
	IR_TIME_ORDER_UNKNOWN = 0,
	IR_TIME_ORDER_MDY,
	IR_TIME_ORDER_DMY,
};

/* Per-file memory of the month/day order; zero-initialise. */
struct ir_time_hint {
	enum ir_time_order order;
};

enum ir_time_parse_flags {
	/* Also accept a bare integer: epoch seconds, or ms if > 1e11. */
	IR_TIME_EPOCH = (1 << 0),
};

/* Longest output of ir_time_format(), with the NUL. */
#define IR_TIME_MAX 40

/*
 * Parse `len` bytes at `s` (not necessarily NUL-terminated) into *out.
 * `hint` may be NULL; when given it is read and updated. Returns 0, or
 * IR_EPARSE with a message naming the problem when the text is not a
 * timestamp or names an impossible date (Feb 30, hour 24:01).
 */
int ir_time_parse(struct ir_time *out, const char *s, size_t len,
		  struct ir_time_hint *hint, unsigned flags,
		  struct ir_err *err) IR_MUST_CHECK;

/*
 * Write `t` as RFC 3339 UTC into `out` (IR_TIME_MAX bytes): fractional
 * seconds with trailing zeros removed, none when zero, always `Z`:
 * 2024-07-14T01:13:02.928Z, 2024-11-19T13:27:59Z. Returns the length.
 */
size_t ir_time_format(char *out, struct ir_time t);

/* -1, 0, 1 as a is before, equal to, after b. */
int ir_time_cmp(struct ir_time a, struct ir_time b);

/* Days since 1970-01-01 of a proleptic Gregorian date (no libc, no TZ). */
int64_t ir_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Parse a duration such as `30d`, `12h`, `90m`, `45s`, `2w` into seconds.
 * Returns 0 or IR_EPARSE.
 */
int ir_duration_parse(int64_t *out, const char *s, struct ir_err *err)
	IR_MUST_CHECK;

#endif
