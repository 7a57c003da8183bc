/* SPDX-License-Identifier: MIT */
/*
 * time.c - timestamps of Microsoft 365 exports into UTC instants (time.h).
 *
 * One entry point, three paths chosen by the first bytes of the text:
 * `/Date(ms)/` (PowerShell 5.1 JSON) goes to the epoch path, four digits
 * and a '-' to the ISO 8601 path, anything else to the civil path
 * (`9/20/2023 4:05:03 AM`, `20/09/2023 16:05`). Each path fills a `struct
 * fields` with the broken-down wall clock and zone offset; one function,
 * finish(), validates it (Feb 30, hour 25) and turns it into an instant.
 *
 * Deliberately no libc time functions: mktime() and friends consult the
 * host's TZ, which is the bug this module exists to avoid (a naive
 * `2025-07-10 00:00` is UTC even on a host in Amsterdam). Dates go through
 * Howard Hinnant's days_from_civil/civil_from_days, which are exact for
 * the proleptic Gregorian calendar.
 *
 * Every accepted instant lies in years 0000-9999, so ir_time_format()
 * output can always be read back (the fuzz harness checks that).
 */
#include "util/compat.h"

#include "util/err.h"
#include "util/parse.h"
#include "util/time.h"

#define NSEC_PER_SEC 1000000000
#define SEC_PER_DAY 86400
/* 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z as epoch seconds. */
#define MIN_SEC (-62167219200LL)
#define END_SEC 253402300800LL
/* Quote at most this much of a bad timestamp in the message. */
#define QUOTE_MAX 64

/* A cursor over the trimmed text, and what to quote when it is bad. */
struct tp {
	const char *s;
	const char *p;
	const char *end;
	struct ir_err *err;
};

/* The wall clock as written, before validation. */
struct fields {
	int64_t year;
	int mon, day;
	int hour, min, sec;
	int32_t nsec;
	int off; /* seconds east of UTC */
};

static int
fail(struct tp *t, const char *why)
{
	size_t len = (size_t)(t->end - t->s);
	int n = len > QUOTE_MAX ? QUOTE_MAX : (int)len;

	return ir_err_set(t->err, IR_EPARSE, "bad timestamp '%.*s%s': %s", n,
			  t->s, len > QUOTE_MAX ? "..." : "", why);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
at_end(const struct tp *t)
{
	return t->p == t->end;
}

static bool
eat(struct tp *t, char c)
{
	if (at_end(t) || *t->p != c)
		return false;
	t->p++;
	return true;
}

static void
skip_space(struct tp *t)
{
	while (!at_end(t) && is_space(*t->p))
		t->p++;
}

/* True when the rest of the text starts with `lit` (exact case). */
static bool
eat_lit(struct tp *t, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(t->end - t->p) < n || memcmp(t->p, lit, n))
		return false;
	t->p += n;
	return true;
}

/*
 * Read `lo` to `hi` digits into *out, stopping after `hi` (so `+0100`
 * reads as 01 and 00). False when there are fewer than `lo`; a digit left
 * over is caught by whatever the caller expects next.
 */
static bool
num(struct tp *t, int lo, int hi, int *out)
{
	int n = 0, v = 0;

	while (n < hi && !at_end(t) && is_digit(*t->p)) {
		v = v * 10 + (*t->p++ - '0');
		n++;
	}
	*out = v;
	return n >= lo;
}

/* `.digits`, 1-9 of them, scaled to nanoseconds; absent is zero. */
static int
frac(struct tp *t, int32_t *out)
{
	int32_t v = 0;
	int n = 0;

	*out = 0;
	if (!eat(t, '.'))
		return 0;
	while (!at_end(t) && is_digit(*t->p)) {
		if (++n > 9)
			return fail(t, "more than 9 fractional digits");
		v = v * 10 + (*t->p++ - '0');
	}
	if (!n)
		return fail(t, "no digits after the decimal point");
	for (; n < 9; n++)
		v *= 10;
	*out = v;
	return 0;
}

/* H:MM[:SS[.f]] with `hlo` (1 or 2) to 2 hour digits. */
static int
daytime(struct tp *t, int hlo, struct fields *f)
{
	if (!num(t, hlo, 2, &f->hour) || !eat(t, ':') ||
	    !num(t, 2, 2, &f->min))
		return fail(t, "bad time of day");
	if (!eat(t, ':'))
		return 0;
	if (!num(t, 2, 2, &f->sec))
		return fail(t, "bad seconds");
	return frac(t, &f->nsec);
}

/*
 * An optional zone after optional spaces: `Z`, `+hh:mm`, `+hhmm`, `+hh`.
 * Whatever follows must be the end of the text.
 */
static int
zone(struct tp *t, struct fields *f)
{
	int sign, hh, mm = 0;

	skip_space(t);
	if (at_end(t))
		return 0;
	/* Some exports spell the zone out; both names mean offset zero. */
	if (eat(t, 'Z') || eat(t, 'z') || eat_lit(t, "UTC") ||
	    eat_lit(t, "GMT"))
		goto end;
	if (eat(t, '+'))
		sign = 1;
	else if (eat(t, '-'))
		sign = -1;
	else
		return fail(t, "unexpected text after the time");
	if (!num(t, 2, 2, &hh))
		return fail(t, "bad zone offset");
	if (!at_end(t) && (eat(t, ':') || is_digit(*t->p)) &&
	    !num(t, 2, 2, &mm))
		return fail(t, "bad zone offset");
	if (hh > 23 || mm > 59)
		return fail(t, "zone offset out of range");
	f->off = sign * (hh * 3600 + mm * 60);
end:
	if (!at_end(t))
		return fail(t, "unexpected text after the zone");
	return 0;
}

static bool
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

/* An instant outside years 0000-9999 could not be formatted back. */
static int
store(struct tp *t, struct ir_time *out, int64_t sec, int32_t nsec)
{
	if (sec < MIN_SEC || sec >= END_SEC)
		return fail(t, "outside the years 0000-9999");
	out->sec = sec;
	out->nsec = nsec;
	return 0;
}

/* Validate the wall clock and turn it into an instant. */
static int
finish(struct tp *t, const struct fields *f, struct ir_time *out)
{
	int64_t sec;
	/* ISO 8601 allows 24:00:00 for the end of a day; nothing later. */
	bool eod = f->hour == 24 && !f->min && !f->sec && !f->nsec;

	if (f->mon < 1 || f->mon > 12)
		return fail(t, "month out of range");
	if (f->day < 1 || f->day > days_in_month(f->year, f->mon))
		return fail(t, "no such day in that month");
	if (f->hour > 23 && !eod)
		return fail(t, "hour out of range");
	if (f->min > 59)
		return fail(t, "minute out of range");
	if (f->sec > 59)
		return fail(t, "second out of range");
	sec = ir_days_from_civil(f->year, (unsigned)f->mon, (unsigned)f->day) *
	      SEC_PER_DAY;
	sec += f->hour * 3600 + f->min * 60 + f->sec - f->off;
	return store(t, out, sec, f->nsec);
}

/* 2023-09-20, then optionally T or a space and a time and a zone. */
static int
iso_path(struct tp *t, struct ir_time *out)
{
	struct fields f = { 0 };
	int y, ret;

	if (!num(t, 4, 4, &y) || !eat(t, '-') || !num(t, 2, 2, &f.mon) ||
	    !eat(t, '-') || !num(t, 2, 2, &f.day))
		return fail(t, "bad date");
	f.year = y;
	if (!at_end(t)) {
		if (!eat(t, 'T') && !eat(t, 't') && !eat(t, ' '))
			return fail(t, "unexpected text after the date");
		/*
		 * One hour digit is not ISO 8601, but Entra records carry it
		 * (`2023-10-26T5:32:08.107Z` in a real activityDateTime) and
		 * the instant is unambiguous, so accept it.
		 */
		ret = daytime(t, 1, &f);
		if (!ret)
			ret = zone(t, &f);
		if (ret)
			return ret;
	}
	return finish(t, &f, out);
}

/* An optional AM/PM marker, which turns a 1-12 hour into 0-23. */
static int
ampm(struct tp *t, struct fields *f)
{
	const char *save = t->p;
	bool pm;

	skip_space(t);
	if (t->end - t->p >= 2 && ir_strn_eq_ci(t->p, 2, "am"))
		pm = false;
	else if (t->end - t->p >= 2 && ir_strn_eq_ci(t->p, 2, "pm"))
		pm = true;
	else {
		t->p = save;
		return 0;
	}
	t->p += 2;
	if (f->hour < 1 || f->hour > 12)
		return fail(t, "hour out of range for AM/PM");
	/* 12 AM is midnight and 12 PM is noon. */
	if (f->hour == 12)
		f->hour = 0;
	if (pm)
		f->hour += 12;
	return 0;
}

/*
 * Which of the two leading fields is the month (time.h): a field over 12
 * cannot be one; otherwise the file's hint, otherwise US order. *learned
 * says whether this text settled the question by itself.
 */
static int
order(struct tp *t, int a, int b, const struct ir_time_hint *hint,
      enum ir_time_order *out, bool *learned)
{
	*learned = true;
	if (a > 12 && b > 12)
		return fail(t, "neither of the first two fields is a month");
	if (a > 12)
		*out = IR_TIME_ORDER_DMY;
	else if (b > 12)
		*out = IR_TIME_ORDER_MDY;
	else {
		*learned = false;
		*out = hint && hint->order ? hint->order : IR_TIME_ORDER_MDY;
	}
	return 0;
}

/*
 * What may follow a civil date: nothing, or an optional comma (the Log
 * Analytics portal writes one), spaces, a time, AM/PM and a zone.
 */
static int
civil_time(struct tp *t, struct fields *f)
{
	const char *mark = t->p;
	int ret;

	eat(t, ',');
	skip_space(t);
	/* The text is trimmed, so anything eaten here was a comma. */
	if (at_end(t))
		return t->p == mark ? 0 : fail(t, "nothing after the comma");
	if (t->p == mark)
		return fail(t, "unexpected text after the date");
	ret = daytime(t, 1, f);
	if (!ret)
		ret = ampm(t, f);
	if (!ret)
		ret = zone(t, f);
	return ret;
}

/* 9/20/2023 4:05:03 AM, 20.09.2023 16:05, 4/28/2021, 3:05:26.000 PM */
static int
civil_path(struct tp *t, struct ir_time_hint *hint, struct ir_time *out)
{
	struct fields f = { 0 };
	int a, b, y, ret;
	char sep;
	enum ir_time_order o = IR_TIME_ORDER_MDY;
	bool learned = false;

	if (!num(t, 1, 2, &a) || at_end(t) || (*t->p != '/' && *t->p != '.'))
		return fail(t, "not a recognised date");
	sep = *t->p++;
	if (!num(t, 1, 2, &b) || !eat(t, sep) || !num(t, 4, 4, &y))
		return fail(t, "bad date");
	f.year = y;
	ret = civil_time(t, &f);
	if (!ret)
		ret = order(t, a, b, hint, &o, &learned);
	if (ret)
		return ret;
	f.mon = o == IR_TIME_ORDER_MDY ? a : b;
	f.day = o == IR_TIME_ORDER_MDY ? b : a;
	ret = finish(t, &f, out);
	/* Only a row that parsed may teach the rest of the file. */
	if (!ret && learned && hint && !hint->order)
		hint->order = o;
	return ret;
}

static int
from_ms(struct tp *t, int64_t ms, struct ir_time *out)
{
	int64_t sec = ms / 1000;
	int64_t rem = ms % 1000;

	/* C division truncates; instants before 1970 need the floor. */
	if (rem < 0) {
		rem += 1000;
		sec--;
	}
	return store(t, out, sec, (int32_t)rem * 1000000);
}

/*
 * /Date(1720919582928)/, \/Date(...)\/, /Date(1720919582928+0100)/. The
 * milliseconds are UTC already; the suffix only says which zone the
 * writer was in, so it is checked and otherwise ignored.
 */
static int
epoch_path(struct tp *t, struct ir_time *out)
{
	bool bs = eat(t, '\\');
	const char *digits;
	int64_t ms;
	int zz;

	if (!eat_lit(t, "/Date("))
		return fail(t, "not a recognised date");
	digits = t->p;
	eat(t, '-');
	while (!at_end(t) && is_digit(*t->p))
		t->p++;
	if (ir_parse_int64(&ms, digits, (size_t)(t->p - digits), NULL) < 0)
		return fail(t, "bad epoch milliseconds");
	if ((eat(t, '+') || eat(t, '-')) && !num(t, 4, 4, &zz))
		return fail(t, "bad zone suffix");
	if (!eat(t, ')') || (bs && !eat(t, '\\')) || !eat(t, '/') ||
	    !at_end(t))
		return fail(t, "bad /Date()/ form");
	return from_ms(t, ms, out);
}

static bool
is_integer(const char *s, size_t len)
{
	size_t i = len && s[0] == '-';

	if (i == len)
		return false;
	for (; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Bare epoch seconds, or milliseconds when too large to be seconds. */
static int
bare_epoch(struct tp *t, struct ir_time *out)
{
	int64_t v;

	if (ir_parse_int64(&v, t->p, (size_t)(t->end - t->p), NULL) < 0)
		return fail(t, "epoch number out of range");
	if (v > 100000000000LL)
		return from_ms(t, v, out);
	return store(t, out, v, 0);
}

int
ir_time_parse(struct ir_time *out, const char *s, size_t len,
	      struct ir_time_hint *hint, unsigned flags, struct ir_err *err)
{
	struct tp t;

	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	if (!len)
		return ir_err_set(err, IR_EPARSE, "empty timestamp");
	t.s = t.p = s;
	t.end = s + len;
	t.err = err;
	if (s[0] == '/' || s[0] == '\\')
		return epoch_path(&t, out);
	if ((flags & IR_TIME_EPOCH) && is_integer(s, len))
		return bare_epoch(&t, out);
	if (len > 4 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
	    is_digit(s[3]) && s[4] == '-')
		return iso_path(&t, out);
	return civil_path(&t, hint, out);
}

/* Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
int64_t
ir_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of ir_days_from_civil(), from the same paper. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

size_t
ir_time_format(char *out, struct ir_time t)
{
	int64_t days = t.sec / SEC_PER_DAY, sod = t.sec % SEC_PER_DAY, y;
	unsigned m, d;
	int n, digits = 9;
	int32_t f = t.nsec;

	if (f < 0 || f >= NSEC_PER_SEC)
		IR_BUG("nsec out of range: %ld", (long)f);
	if (sod < 0) {
		sod += SEC_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	n = snprintf(out, IR_TIME_MAX, "%04lld-%02u-%02uT%02d:%02d:%02d",
		     (long long)y, m, d, (int)(sod / 3600),
		     (int)(sod / 60 % 60), (int)(sod % 60));
	if (f) {
		while (f % 10 == 0) {
			f /= 10;
			digits--;
		}
		n += snprintf(out + n, IR_TIME_MAX - n, ".%0*d", digits,
			      (int)f);
	}
	n += snprintf(out + n, IR_TIME_MAX - n, "Z");
	return (size_t)n;
}

int
ir_time_cmp(struct ir_time a, struct ir_time b)
{
	if (a.sec != b.sec)
		return a.sec < b.sec ? -1 : 1;
	if (a.nsec != b.nsec)
		return a.nsec < b.nsec ? -1 : 1;
	return 0;
}

static int64_t
unit_seconds(char u)
{
	switch (u) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return SEC_PER_DAY;
	case 'w': return 7 * SEC_PER_DAY;
	default: return 0;
	}
}

int
ir_duration_parse(int64_t *out, const char *s, struct ir_err *err)
{
	size_t len = strlen(s);
	int64_t mult = len ? unit_seconds(s[len - 1]) : 0;
	uint64_t v;
	int n = len > QUOTE_MAX ? QUOTE_MAX : (int)len;

	/* The digit check also refuses "-5d" and "+5d" (no sign allowed). */
	if (!mult || len < 2 || !is_digit(s[0]) ||
	    ir_parse_uint64(&v, s, len - 1, NULL) < 0)
		return ir_err_set(err, IR_EPARSE,
				  "bad duration '%.*s': want a number and "
				  "one of s, m, h, d, w", n, s);
	if (v > (uint64_t)(INT64_MAX / mult))
		return ir_err_set(err, IR_EPARSE, "duration too long: '%.*s'",
				  n, s);
	*out = (int64_t)v * mult;
	return 0;
}
