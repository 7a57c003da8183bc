/* SPDX-License-Identifier: MIT */
/*
 * t-time.c - timestamp parsing and formatting (util/time.h).
 *
 * Every test compares the RFC 3339 text we print, so a wrong instant shows
 * up as a readable diff. Inline vectors cover each spelling family so the
 * tests mean something without ../shared; the known-fault cases (08, 09,
 * 11, 26) and the Elastic corner-case file are then read at run time from
 * $SHARED when present. ctest runs us under TZ=Europe/Amsterdam, which is
 * what makes the "naive time is UTC" assertions bite.
 */
#include "util/compat.h"

#include <time.h>
#include <yyjson.h>

#include "tests/unit/test.h"
#include "util/err.h"
#include "util/time.h"

struct vec {
	const char *in;
	const char *want;
};

/* Formatted result of parsing `in`, or "ERR: <message>". */
static const char *
fmt(const char *in, struct ir_time_hint *hint, unsigned flags)
{
	static char out[IR_TIME_MAX + 600];
	struct ir_time t;
	struct ir_err err = IR_ERR_INIT;
	size_t n;

	if (ir_time_parse(&t, in, strlen(in), hint, flags, &err) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	n = ir_time_format(out, t);
	assert_int_equal(n, strlen(out));
	return out;
}

static void
check(const struct vec *v, size_t n, unsigned flags)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = fmt(v[i].in, NULL, flags);

		if (strcmp(got, v[i].want))
			print_error("input '%s'\n", v[i].in);
		assert_string_equal(got, v[i].want);
	}
}

static void
test_time__iso(void **state)
{
	static const struct vec v[] = {
		{ "2014-01-01T00:00:00Z", "2014-01-01T00:00:00Z" },
		{ "2020-03-13T19:15:41.6195833Z",
		  "2020-03-13T19:15:41.6195833Z" },
		{ "2025-11-12T13:59:29.848568+00:00",
		  "2025-11-12T13:59:29.848568Z" },
		{ "2007-01-09T09:41:00.535404056Z",
		  "2007-01-09T09:41:00.535404056Z" },
		{ "2023-09-20T04:05:03", "2023-09-20T04:05:03Z" },
		{ "2024-11-19T13:27:59.0000000Z ", "2024-11-19T13:27:59Z" },
		{ " \t2023-09-20t04:05:03z\r\n", "2023-09-20T04:05:03Z" },
		{ "2023-09-20 04:05:03", "2023-09-20T04:05:03Z" },
		{ "2023-10-26T5:32:08.107Z", "2023-10-26T05:32:08.107Z" },
		{ "2023-09-20T04:05:03.5-05:30", "2023-09-20T09:35:03.5Z" },
		{ "2023-09-20T04:05:03+0100", "2023-09-20T03:05:03Z" },
		{ "2023-09-20T04:05+01", "2023-09-20T03:05:00Z" },
		{ "2023-09-20T04:05:03 +02:00", "2023-09-20T02:05:03Z" },
		{ "2023-12-31T23:30:00-01:00", "2024-01-01T00:30:00Z" },
		{ "2023-09-20", "2023-09-20T00:00:00Z" },
		{ "2023-09-20T24:00:00Z", "2023-09-21T00:00:00Z" },
		{ "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z" },
		{ "0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z" },
		{ "9999-12-31T23:59:59.999999999Z",
		  "9999-12-31T23:59:59.999999999Z" },
		{ "2024-02-29T12:00:00.000000001Z",
		  "2024-02-29T12:00:00.000000001Z" },
		{ "2000-02-29", "2000-02-29T00:00:00Z" },
		{ "2023-09-20 04:05:03 UTC", "2023-09-20T04:05:03Z" },
		{ "2023-09-20T04:05:03GMT", "2023-09-20T04:05:03Z" },
	};

	check(v, IR_ARRAY_SIZE(v), 0);
}

static void
test_time__civil(void **state)
{
	static const struct vec v[] = {
		{ "9/20/2023 4:05:03 AM", "2023-09-20T04:05:03Z" },
		{ "4/28/2021, 3:05:26.000 PM", "2021-04-28T15:05:26Z" },
		{ "20/09/2023 16:05:03", "2023-09-20T16:05:03Z" },
		{ "11/19/2024 1:27:59 PM", "2024-11-19T13:27:59Z" },
		{ "12/1/2024 12:00:00 AM", "2024-12-01T00:00:00Z" },
		{ "12/1/2024 12:00:00 PM", "2024-12-01T12:00:00Z" },
		{ "12/1/2024 12:30 am", "2024-12-01T00:30:00Z" },
		{ "1/1/2024 11:59:59 PM", "2024-01-01T23:59:59Z" },
		{ "01/01/2024 01:00:00 PM", "2024-01-01T13:00:00Z" },
		{ "1/9/2007 10:41:00 AM +01:00", "2007-01-09T09:41:00Z" },
		{ "1/9/2007 9:41:00 PM -0230", "2007-01-10T00:11:00Z" },
		{ "20.09.2023 16:05", "2023-09-20T16:05:00Z" },
		{ "9/20/2023", "2023-09-20T00:00:00Z" },
		{ "9/20/2023 16:05:03.1234567",
		  "2023-09-20T16:05:03.1234567Z" },
		{ "2/29/2024 0:00", "2024-02-29T00:00:00Z" },
	};

	check(v, IR_ARRAY_SIZE(v), 0);
}

static void
test_time__epoch(void **state)
{
	static const struct vec v[] = {
		{ "/Date(1720919582928)/", "2024-07-14T01:13:02.928Z" },
		{ "\\/Date(1728364117000)\\/", "2024-10-08T05:08:37Z" },
		{ "/Date(1720919582928+0100)/", "2024-07-14T01:13:02.928Z" },
		{ "\\/Date(1720919582928-0500)\\/",
		  "2024-07-14T01:13:02.928Z" },
		{ "/Date(0)/", "1970-01-01T00:00:00Z" },
		{ "/Date(-1)/", "1969-12-31T23:59:59.999Z" },
		{ " /Date(1)/ ", "1970-01-01T00:00:00.001Z" },
	};
	static const struct vec bare[] = {
		{ "1720919582", "2024-07-14T01:13:02Z" },
		{ "1720919582928", "2024-07-14T01:13:02.928Z" },
		{ "-86400", "1969-12-31T00:00:00Z" },
		{ "2023-09-20T04:05:03", "2023-09-20T04:05:03Z" },
	};

	check(v, IR_ARRAY_SIZE(v), 0);
	check(bare, IR_ARRAY_SIZE(bare), IR_TIME_EPOCH);
	/* Without IR_TIME_EPOCH a bare number is not a timestamp. */
	assert_int_equal(strncmp(fmt("1720919582", NULL, 0), "ERR: ", 5), 0);
}

static void
test_time__rejects(void **state)
{
	static const char *const bad[] = {
		"", "   ", "garbage", "2023-02-30T00:00:00Z", "2023-13-01",
		"2023-00-10", "2023-09-00", "2023-09-20T25:00:00Z",
		"2023-09-20T24:01:00Z", "2023-09-20T23:60:00Z",
		"2023-09-20T23:59:60Z", "2/29/2023", "13/13/2023",
		"9/31/2023", "9/20/2023 13:05 PM", "9/20/2023 0:05 AM",
		"2023-09-20T04:05:03.Z", "2023-09-20T04:05:03.1234567890Z",
		"2023-09-20T04:05:03+25:00", "2023-09-20T04:05:03+01:60",
		"2023-09-20T04:05:03Zjunk", "2023-09-20X", "2023-09-20T",
		"2023-9-20", "024-11-19T13:27:59.",
		"/Date(abc)/", "/Date(1)", "\\/Date(1)/", "/Date()/",
		"/Date(1+01)/", "/Date(99999999999999999)/", "9/20/23",
		"9/20/2023 4:05:03 AM PM", "9/20/2023T04:05",
		"0000-01-01T00:00:00+01:00", "9999-12-31T24:00:00Z",
		"2100-02-29", "1900-02-29", "2023-09-20T04:05:03 AM",
		"12345678901234567890", "2023-09-20T04:05:03 UTC+1",
		"2023-09-20T04:05:03 utc", "9/20/2023,", "9/20/2023 ,4:05",
	};
	struct ir_time t = { 7, 7 };
	struct ir_err err = IR_ERR_INIT;

	for (size_t i = 0; i < IR_ARRAY_SIZE(bad); i++) {
		int ret = ir_time_parse(&t, bad[i], strlen(bad[i]), NULL,
					IR_TIME_EPOCH, &err);

		if (ret != IR_EPARSE)
			print_error("accepted '%s'\n", bad[i]);
		assert_int_equal(ret, IR_EPARSE);
		assert_true(err.msg[0]);
		/* *out is only written on success. */
		assert_int_equal(t.sec, 7);
		assert_int_equal(t.nsec, 7);
		ir_err_clear(&err);
	}
}

static void
test_time__messages(void **state)
{
	assert_string_equal(fmt("2023-02-30T00:00:00Z", NULL, 0),
			    "ERR: bad timestamp '2023-02-30T00:00:00Z': "
			    "no such day in that month");
	assert_string_equal(fmt("2023-13-01", NULL, 0),
			    "ERR: bad timestamp '2023-13-01': "
			    "month out of range");
	assert_string_equal(fmt("2023-09-20T25:00:00Z", NULL, 0),
			    "ERR: bad timestamp '2023-09-20T25:00:00Z': "
			    "hour out of range");
	assert_string_equal(fmt("  ", NULL, 0), "ERR: empty timestamp");
}

static void
test_time__days_from_civil(void **state)
{
	assert_int_equal(ir_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(ir_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(ir_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ir_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(ir_days_from_civil(9999, 12, 31), 2932896);
	assert_int_equal(ir_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(ir_days_from_civil(0, 1, 1), -719528);
}

static void
test_time__format(void **state)
{
	static const struct {
		struct ir_time t;
		const char *want;
	} v[] = {
		{ { 0, 0 }, "1970-01-01T00:00:00Z" },
		{ { 1720919582, 928000000 }, "2024-07-14T01:13:02.928Z" },
		{ { 1732022879, 0 }, "2024-11-19T13:27:59Z" },
		{ { 1732022879, 1 }, "2024-11-19T13:27:59.000000001Z" },
		{ { 1732022879, 100000000 }, "2024-11-19T13:27:59.1Z" },
		{ { -1, 0 }, "1969-12-31T23:59:59Z" },
		{ { -86401, 500000000 }, "1969-12-30T23:59:59.5Z" },
		{ { 951782400, 0 }, "2000-02-29T00:00:00Z" },
	};
	char out[IR_TIME_MAX];
	struct ir_time big = { INT64_MAX, 999999999 };
	struct ir_time small = { INT64_MIN, 999999999 };
	size_t n;

	for (size_t i = 0; i < IR_ARRAY_SIZE(v); i++) {
		n = ir_time_format(out, v[i].t);
		assert_string_equal(out, v[i].want);
		assert_int_equal(n, strlen(v[i].want));
	}
	/* The extremes of int64_t still fit in IR_TIME_MAX, untruncated. */
	n = ir_time_format(out, big);
	assert_string_equal(out, "292277026596-12-04T15:30:07.999999999Z");
	assert_int_equal(n, strlen(out));
	n = ir_time_format(out, small);
	assert_string_equal(out, "-292277022657-01-27T08:29:52.999999999Z");
	assert_int_equal(n, strlen(out));
}

static void
test_time__cmp(void **state)
{
	struct ir_time a = { 100, 5 }, b = { 100, 6 }, c = { 101, 0 };
	struct ir_time n = { -1, 999999999 };

	assert_int_equal(ir_time_cmp(a, b), -1);
	assert_int_equal(ir_time_cmp(b, a), 1);
	assert_int_equal(ir_time_cmp(a, a), 0);
	assert_int_equal(ir_time_cmp(b, c), -1);
	assert_int_equal(ir_time_cmp(c, a), 1);
	assert_int_equal(ir_time_cmp(n, (struct ir_time){ 0, 0 }), -1);
}

static void
test_time__duration(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} good[] = {
		{ "30d", 2592000 }, { "12h", 43200 }, { "90m", 5400 },
		{ "45s", 45 }, { "2w", 1209600 }, { "0s", 0 },
		{ "9223372036854775807s", INT64_MAX },
	};
	static const char *const bad[] = {
		"", "d", "-5d", "+5d", "5", "5x", "5 d", " 5d", "5d ",
		"5dd", "1.5h", "99999999999999w", "9223372036854775808s",
		"5D",
	};
	struct ir_err err = IR_ERR_INIT;
	int64_t v;

	for (size_t i = 0; i < IR_ARRAY_SIZE(good); i++) {
		assert_int_equal(ir_duration_parse(&v, good[i].in, &err), 0);
		assert_true(v == good[i].want);
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(bad); i++) {
		v = 99;
		if (ir_duration_parse(&v, bad[i], &err) != IR_EPARSE)
			print_error("accepted duration '%s'\n", bad[i]);
		assert_int_equal(ir_duration_parse(&v, bad[i], &err),
				 IR_EPARSE);
		assert_int_equal(v, 99);
	}
	assert_int_equal(ir_duration_parse(&v, "-5d", &err), IR_EPARSE);
	assert_string_equal(err.msg, "bad duration '-5d': want a number and "
				     "one of s, m, h, d, w");
}

/* First unambiguous order wins for the file; ambiguous defaults to US. */
static void
test_time__hint(void **state)
{
	struct ir_time_hint h = { 0 };

	assert_string_equal(fmt("1/9/2007", &h, 0), "2007-01-09T00:00:00Z");
	assert_int_equal(h.order, IR_TIME_ORDER_UNKNOWN);
	/* A row that fails teaches nothing. */
	assert_string_equal(fmt("31/2/2023", &h, 0),
			    "ERR: bad timestamp '31/2/2023': "
			    "no such day in that month");
	assert_int_equal(h.order, IR_TIME_ORDER_UNKNOWN);
	assert_string_equal(fmt("20/09/2023 16:05", &h, 0),
			    "2023-09-20T16:05:00Z");
	assert_int_equal(h.order, IR_TIME_ORDER_DMY);
	assert_string_equal(fmt("1/9/2007", &h, 0), "2007-09-01T00:00:00Z");
	/* An unambiguous row is read as written but does not flip the hint. */
	assert_string_equal(fmt("9/20/2023", &h, 0), "2023-09-20T00:00:00Z");
	assert_int_equal(h.order, IR_TIME_ORDER_DMY);
	assert_string_equal(fmt("3/4/2024 1:00 PM", &h, 0),
			    "2024-04-03T13:00:00Z");

	memset(&h, 0, sizeof(h));
	assert_string_equal(fmt("9/20/2023 4:05:03 AM", &h, 0),
			    "2023-09-20T04:05:03Z");
	assert_int_equal(h.order, IR_TIME_ORDER_MDY);
	assert_string_equal(fmt("20/09/2023", &h, 0), "2023-09-20T00:00:00Z");
	assert_int_equal(h.order, IR_TIME_ORDER_MDY);
	assert_string_equal(fmt("3/4/2024", &h, 0), "2024-03-04T00:00:00Z");
	/* ISO rows never touch the hint. */
	memset(&h, 0, sizeof(h));
	assert_string_equal(fmt("2024-03-04", &h, 0), "2024-03-04T00:00:00Z");
	assert_int_equal(h.order, IR_TIME_ORDER_UNKNOWN);
}

/*
 * Case 11: a naive time is UTC whatever the host's zone. ctest sets
 * TZ=Europe/Amsterdam; set it here too so a direct run checks the same.
 */
static void
test_time__naive_is_utc(void **state)
{
	struct ir_time a, b;

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	assert_int_equal(ir_time_parse(&a, "2025-07-10 00:00", 16, NULL, 0,
				       NULL), 0);
	assert_int_equal(ir_time_parse(&b, "2025-07-11 00:00", 16, NULL, 0,
				       NULL), 0);
	assert_int_equal(a.sec, 1752105600);
	assert_int_equal(b.sec - a.sec, 86400);
	assert_string_equal(fmt("2025-07-10 00:00", NULL, 0),
			    "2025-07-10T00:00:00Z");
	assert_string_equal(fmt("7/10/2025", NULL, 0), "2025-07-10T00:00:00Z");
	assert_string_equal(fmt("2025-07-10", NULL, 0), "2025-07-10T00:00:00Z");
}

/* ---- shared cases and corpus, read at run time ---- */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The next line of *rest, NUL-terminated in place; NULL at the end. */
static char *
next_line(char **rest)
{
	char *l = *rest;
	size_t n;

	if (!*l)
		return NULL;
	n = strcspn(l, "\n");
	*rest = l[n] ? l + n + 1 : l + n;
	l[n] = '\0';
	if (n && l[n - 1] == '\r')
		l[n - 1] = '\0';
	return l;
}

static const char *
need(const char *rel)
{
	const char *path = tshared(rel);

	if (!path) {
		print_message("SKIP: ../shared/%s not present\n", rel);
		skip();
	}
	return path;
}

/* The first JSON value in a file that may continue with # notes. */
static yyjson_doc *
read_json(const char *rel)
{
	char *text = slurp(need(rel));
	yyjson_doc *doc = yyjson_read(text, strlen(text),
				      YYJSON_READ_STOP_WHEN_DONE);

	free(text);
	assert_non_null(doc);
	return doc;
}

/* Value of `"Key"":""` ... `""` in a CSV line (doubled quotes). */
static void
csv_json_field(char *out, size_t outsz, const char *line, const char *key)
{
	const char *p = strstr(line, key);
	const char *q;

	assert_non_null(p);
	p += strlen(key);
	q = strstr(p, "\"\"");
	assert_non_null(q);
	snprintf(out, outsz, "%.*s", (int)(q - p), p);
}

static void
test_time__case08_creationdate(void **state)
{
	yyjson_doc *exp = read_json("cases/08-creationdate-layout-change."
				    "expected.txt");
	char *csv = slurp(need("cases/08-creationdate-layout-change."
			       "input.csv"));
	char *rest = csv, *line;
	char key[32], ct[64], got[IR_TIME_MAX];
	const char *want;
	int row = 0;

	assert_non_null(next_line(&rest)); /* the header */
	for (line = next_line(&rest); line; line = next_line(&rest)) {
		char *c1 = strchr(line, ','), *c2;

		assert_non_null(c1);
		c2 = strchr(c1 + 1, ',');
		assert_non_null(c2);
		*c2 = '\0';
		snprintf(key, sizeof(key), "row%d.time", ++row);
		want = yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(exp),
						     key));
		assert_non_null(want);
		snprintf(got, sizeof(got), "%s", fmt(c1 + 1, NULL, 0));
		assert_string_equal(got, want);
		/* Cross-check with AuditData.CreationTime (UTC, no zone). */
		csv_json_field(ct, sizeof(ct), c2 + 1,
			       "\"\"CreationTime\"\":\"\"");
		assert_string_equal(fmt(ct, NULL, 0), got);
	}
	assert_int_equal(row, 2);
	free(csv);
	yyjson_doc_free(exp);
}

/* createdDateTime.value or a plain string field: the /Date()/ text. */
static const char *
ps51_value(yyjson_val *rec)
{
	yyjson_val *v = yyjson_obj_get(rec, "createdDateTime");

	if (yyjson_is_obj(v))
		return yyjson_get_str(yyjson_obj_get(v, "value"));
	return yyjson_get_str(yyjson_obj_get(rec, "CreationDate"));
}

static void
test_time__case09_ps51_date(void **state)
{
	yyjson_doc *in = read_json("cases/09-ps51-datetime-json.input.json");
	yyjson_doc *exp = read_json("cases/09-ps51-datetime-json.expected.txt");
	yyjson_val *ins = yyjson_doc_get_root(in);
	yyjson_val *exps = yyjson_doc_get_root(exp);
	size_t n = yyjson_arr_size(ins);

	assert_int_equal(n, 2);
	assert_int_equal(yyjson_arr_size(exps), n);
	for (size_t i = 0; i < n; i++) {
		const char *s = ps51_value(yyjson_arr_get(ins, i));
		yyjson_val *want = yyjson_obj_get(yyjson_arr_get(exps, i),
						  "time");

		assert_non_null(s);
		assert_string_equal(fmt(s, NULL, 0), yyjson_get_str(want));
	}
	yyjson_doc_free(in);
	yyjson_doc_free(exp);
}

/* Each expected line is the instant, then optionally a note. */
static void
test_time__case26_fractions(void **state)
{
	char *in = slurp(need("cases/26-fractional-seconds-vary.input.txt"));
	char *exp = slurp(need("cases/26-fractional-seconds-vary."
			       "expected.txt"));
	char *ir = in, *er = exp, *il, *el;
	int n = 0;

	for (il = next_line(&ir); il; il = next_line(&ir)) {
		el = next_line(&er);
		assert_non_null(el);
		el[strcspn(el, " ")] = '\0';
		assert_string_equal(fmt(il, NULL, 0), el);
		n++;
	}
	assert_int_equal(n, 5);
	free(in);
	free(exp);
}

/* Case 11's command lines: the quoted --start/--end values. */
static void
test_time__case11_window(void **state)
{
	char *in = slurp(need("cases/11-naive-times-local-vs-utc.input.txt"));
	char *exp = slurp(need("cases/11-naive-times-local-vs-utc."
			       "expected.txt"));
	char want[2][64], got[IR_TIME_MAX], val[64];
	const char *w = strstr(exp, "window ");
	static const char *const opt[2] = { "--start \"", "--end \"" };
	char *rest = in, *l;
	int lines = 0;

	assert_non_null(w);
	assert_int_equal(sscanf(w, "window %63s .. %63s", want[0], want[1]), 2);
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	for (l = next_line(&rest); l; l = next_line(&rest)) {
		for (int k = 0; k < 2; k++) {
			const char *p = strstr(l, opt[k]);

			assert_non_null(p);
			p += strlen(opt[k]);
			snprintf(val, sizeof(val), "%.*s",
				 (int)strcspn(p, "\""), p);
			snprintf(got, sizeof(got), "%s", fmt(val, NULL, 0));
			assert_string_equal(got, want[k]);
		}
		lines++;
	}
	assert_int_equal(lines, 2);
	free(in);
	free(exp);
}

/* Eleven spellings of 2007-01-09T09:41:00Z, read with one file hint. */
static void
test_time__corpus_corner_cases(void **state)
{
	char *text = slurp(need("corpus/elastic-integrations/azure-signinlogs-"
				"test-time-formats-corner-cases.log"));
	struct ir_time_hint hint = { 0 };
	struct ir_err err = IR_ERR_INIT;
	char *rest = text, *l;
	int n = 0;

	for (l = next_line(&rest); l; l = next_line(&rest)) {
		yyjson_doc *doc = yyjson_read(l, strlen(l), 0);
		const char *s = yyjson_get_str(
			yyjson_obj_get(yyjson_doc_get_root(doc), "time"));
		struct ir_time t;

		assert_non_null(s);
		if (ir_time_parse(&t, s, strlen(s), &hint, 0, &err) < 0)
			print_error("%s\n", err.msg);
		assert_int_equal(err.code, IR_OK);
		/* Same second; only the written fraction may differ. */
		assert_int_equal(t.sec, 1168335660);
		if (!strchr(s, '.'))
			assert_int_equal(t.nsec, 0);
		yyjson_doc_free(doc);
		n++;
	}
	assert_int_equal(n, 11);
	/* 01/09/2007 and 1/9/2007 are ambiguous: US order, nothing learned. */
	assert_int_equal(hint.order, IR_TIME_ORDER_UNKNOWN);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time__iso),
		cmocka_unit_test(test_time__civil),
		cmocka_unit_test(test_time__epoch),
		cmocka_unit_test(test_time__rejects),
		cmocka_unit_test(test_time__messages),
		cmocka_unit_test(test_time__days_from_civil),
		cmocka_unit_test(test_time__format),
		cmocka_unit_test(test_time__cmp),
		cmocka_unit_test(test_time__duration),
		cmocka_unit_test(test_time__hint),
		cmocka_unit_test(test_time__naive_is_utc),
		cmocka_unit_test(test_time__case08_creationdate),
		cmocka_unit_test(test_time__case09_ps51_date),
		cmocka_unit_test(test_time__case26_fractions),
		cmocka_unit_test(test_time__case11_window),
		cmocka_unit_test(test_time__corpus_corner_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
