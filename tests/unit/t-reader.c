/* SPDX-License-Identifier: MIT */
/*
 * t-reader.c - the framing side of src/logs: format sniffing, every JSON
 * framing, CSV rows as objects, record numbering, error messages, bounded
 * memory, and duplicate removal in ir_ingest.
 *
 * These tests are about *finding* records, so they link a small stand-in
 * normalizer (below) instead of the real one: its behaviour is fixed here,
 * and a change in normalization cannot make a framing test pass or fail.
 * The static library's normalize.o is never pulled in, because every
 * symbol it would provide to reader.c is defined in this file.
 */
#include "tests/unit/test.h"

#include <inttypes.h>
#include <yyjson.h>

#include "util/buf.h"
#include "logs/input.h"
#include "logs/logs-internal.h"

/* --- stand-in normalizer ------------------------------------------------ */

struct ir_norm {
	int unused;
};

static struct ir_norm the_norm;

struct ir_norm *
ir_logs__norm_new(const char *file)
{
	return &the_norm;
}

void
ir_logs__norm_free(struct ir_norm *n)
{
}

static const char *
str_of(yyjson_val *obj, const char *a, const char *b)
{
	const char *s = yyjson_get_str(yyjson_obj_get(obj, a));

	return s ? s : yyjson_get_str(yyjson_obj_get(obj, b));
}

enum ir_rec_kind
ir_logs__classify(yyjson_val *obj)
{
	yyjson_obj_iter it;
	yyjson_val *k;

	if (yyjson_obj_get(obj, "Id") || yyjson_obj_get(obj, "id") ||
	    yyjson_obj_get(obj, "Operation"))
		return IR_REC_RECORD;
	yyjson_obj_iter_init(obj, &it);
	while ((k = yyjson_obj_iter_next(&it)))
		if (yyjson_is_arr(yyjson_obj_iter_get_val(k)))
			return IR_REC_CONTAINER;
	return IR_REC_UNKNOWN;
}

int
ir_logs__normalize(struct ir_norm *n, struct ir_event *out,
		   const struct ir_norm_input *in, ir_want_fn want,
		   void *want_payload, struct ir_err *err)
{
	const char *op = str_of(in->obj, "Operation", "activityDisplayName");

	if (in->from_csv)
		op = str_of(in->obj, "Operations", "Operation");
	if (yyjson_obj_get(in->obj, "Broken"))
		return ir_err_set(err, IR_EPARSE, "Broken: not a date");
	if (want && op && !want(op, strlen(op), want_payload))
		return 0;
	out->id = str_of(in->obj, "Id", "id");
	out->operation = op;
	out->source = in->from_csv ? "ps-csv" : "ual-json";
	out->raw = in->obj;
	return 1;
}

/* --- helpers ------------------------------------------------------------ */

struct run {
	struct ir_buf ids;    /* "id@record," for each event */
	struct ir_buf errors; /* one message per line */
	struct ir_file_stats stats;
	int last;
};

static void
drain(struct run *out, struct ir_reader *r)
{
	const struct ir_event *ev;
	struct ir_err err = IR_ERR_INIT;
	int ret;

	while ((ret = ir_reader_next(r, &ev, &err)) != 0) {
		if (ret == 1) {
			ir_buf_addf(&out->ids, "%s@%" PRIu64 ",",
				    ev->id ? ev->id : "-", ev->record);
			continue;
		}
		ir_buf_addf(&out->errors, "%s\n", err.msg);
		if (ret != IR_EPARSE) {
			out->last = ret;
			break;
		}
	}
	out->stats = *ir_reader_stats(r);
}

static void
read_file(struct run *out, const char *rel, enum ir_format format)
{
	struct ir_reader_opts opts = IR_READER_OPTS_INIT;
	struct ir_reader *r;
	struct ir_err err = IR_ERR_INIT;

	memset(out, 0, sizeof(*out));
	ir_buf_init(&out->ids);
	ir_buf_init(&out->errors);
	opts.format = format;
	assert_int_equal(ir_reader_open(&r, tfixture(rel), &opts, &err), 0);
	drain(out, r);
	ir_reader_free(r);
}

static int
read_mem(struct run *out, const char *data, size_t len, size_t chunk,
	 size_t max_record, struct ir_err *err)
{
	struct ir_reader *r;
	int ret;

	memset(out, 0, sizeof(*out));
	ir_buf_init(&out->ids);
	ir_buf_init(&out->errors);
	ret = ir_logs__reader_open_ex(&r, "mem", data, len, chunk, max_record,
				      NULL, err);
	if (ret < 0)
		return ret;
	drain(out, r);
	ir_reader_free(r);
	return 0;
}

static void
run_release(struct run *r)
{
	ir_buf_release(&r->ids);
	ir_buf_release(&r->errors);
}

static void
assert_counts(const struct run *r, uint64_t events, uint64_t failed,
	      uint64_t skipped)
{
	assert_int_equal(r->stats.events, events);
	assert_int_equal(r->stats.failed, failed);
	assert_int_equal(r->stats.skipped, skipped);
	assert_int_equal(r->stats.records, events + failed + skipped);
}

/* --- framing ------------------------------------------------------------ */

static void
test_reader__jsonl_bad_line_is_one_record(void **state)
{
	struct run r;

	read_file(&r, "logs/jsonl-crlf-bad-line.jsonl", IR_FORMAT_AUTO);
	assert_counts(&r, 3, 1, 0);
	assert_string_equal(r.ids.buf, "1@1,3@3,4@4,");
	assert_string_equal(r.stats.format, "jsonl");
	assert_non_null(strstr(r.errors.buf,
			       "jsonl-crlf-bad-line.jsonl: record 2 (line 3): "
			       "invalid JSON"));
	run_release(&r);
}

static void
test_reader__blank_input_is_empty_not_json(void **state)
{
	struct ir_err err = IR_ERR_INIT;
	struct run r;

	assert_int_equal(read_mem(&r, "", 0, 0, 0, &err), 0);
	assert_counts(&r, 0, 0, 0);
	assert_string_equal(r.stats.format, "empty");
	run_release(&r);
	assert_int_equal(read_mem(&r, " \r\n\t\n", 5, 0, 0, &err), 0);
	assert_counts(&r, 0, 0, 0);
	assert_string_equal(r.stats.format, "empty");
	run_release(&r);
	assert_int_equal(read_mem(&r, "{\"a\":1}\n", 8, 0, 0, &err), 0);
	assert_string_equal(r.stats.format, "jsonl");
	run_release(&r);
}

static void
test_reader__array_elements_one_by_one(void **state)
{
	struct run r;

	read_file(&r, "logs/array-pretty.json", IR_FORMAT_AUTO);
	/* The third element has a trailing comma, as Graph docs do. */
	assert_counts(&r, 3, 0, 0);
	assert_string_equal(r.ids.buf, "a1@1,a2@2,a3@3,");
	assert_string_equal(r.stats.format, "json");
	run_release(&r);
}

static void
test_reader__concatenated_documents(void **state)
{
	struct run r;

	read_file(&r, "logs/concatenated.json", IR_FORMAT_AUTO);
	assert_counts(&r, 3, 0, 0);
	assert_string_equal(r.ids.buf, "c1@1,c2@2,c3@3,");
	run_release(&r);
}

static void
test_reader__pretty_printed_object(void **state)
{
	struct run r;

	read_file(&r, "logs/pretty-object.json", IR_FORMAT_AUTO);
	assert_counts(&r, 1, 0, 0);
	assert_string_equal(r.ids.buf, "p1@1,");
	assert_string_equal(r.stats.format, "json");
	run_release(&r);
}

static void
test_reader__bom_skipped(void **state)
{
	struct run r;

	read_file(&r, "logs/bom.jsonl", IR_FORMAT_AUTO);
	assert_counts(&r, 2, 0, 0);
	assert_string_equal(r.ids.buf, "b1@1,b2@2,");
	run_release(&r);
}

static void
test_reader__graph_page_container(void **state)
{
	struct run r;

	read_file(&r, "logs/graph-page.json", IR_FORMAT_AUTO);
	assert_counts(&r, 2, 0, 0);
	assert_string_equal(r.ids.buf, "g1@1,g2@2,");
	run_release(&r);
}

static void
assert_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	assert_true(n >= m);
	assert_string_equal(s + n - m, suffix);
}

static void
test_reader__unknown_object_names_its_keys(void **state)
{
	struct run r;

	read_file(&r, "logs/unknown-record.jsonl", IR_FORMAT_AUTO);
	assert_counts(&r, 1, 1, 0);
	/* The whole message: file, record, line, reason, keys. */
	assert_ends_with(r.errors.buf, "/tests/fixtures/logs/"
				       "unknown-record.jsonl: record 2 (line "
				       "2): not an audit or sign-in record "
				       "(keys: foo, bar, baz)\n");
	run_release(&r);
}

/*
 * Every chunk size from 1 byte up puts record boundaries, escapes and
 * CRLFs across reads; the result must not depend on where reads end.
 */
static void
test_reader__tiny_chunks_same_result(void **state)
{
	static const char *inputs[] = {
		"{\"Id\":\"x\\\"}\",\"Operation\":\"a\"}\r\n\r\n"
		"{\"Id\":\"y\",\"Operation\":\"b\\\\\"}\n{\"Id\":\"z\"}",
		" [ {\"Id\":\"x\\\"]\"} ,\n{\"Id\":\"y\",\"P\":[1,{}]},"
		"{\"Id\":\"z\"} ]  [{\"Id\":\"w\"}]",
		"{\n \"Id\": \"x\",\n \"S\": \"}{\"\n}\n{\"Id\":\"y\"}\n",
	};
	static const char *want[] = {
		"x\"}@1,y@2,z@3,",
		"x\"]@1,y@2,z@3,w@4,",
		"x@1,y@2,",
	};
	struct ir_err err = IR_ERR_INIT;
	struct run r;

	for (size_t i = 0; i < IR_ARRAY_SIZE(inputs); i++) {
		for (size_t chunk = 1; chunk < 80; chunk++) {
			assert_int_equal(read_mem(&r, inputs[i],
						  strlen(inputs[i]), chunk, 0,
						  &err),
					 0);
			assert_string_equal(r.ids.buf, want[i]);
			assert_int_equal(r.stats.failed, 0);
			assert_int_equal(r.stats.bytes, strlen(inputs[i]));
			run_release(&r);
		}
	}
}

/*
 * A 20 MB array read with a 4 KiB chunk and a 1 KiB record cap: if the
 * framer ever held the array (or more than one element) it would fail on
 * the cap instead of delivering every element.
 */
static void
test_reader__huge_array_bounded_memory(void **state)
{
	struct ir_buf big = IR_BUF_INIT;
	struct ir_err err = IR_ERR_INIT;
	struct run r;
	size_t n = 200000;

	ir_buf_addch(&big, '[');
	for (size_t i = 0; i < n; i++)
		ir_buf_addf(&big, "%s{\"Id\":\"%zu\",\"Operation\":\"Set\","
				  "\"Pad\":\"%060zu\"}\n",
			    i ? "," : "", i, i);
	ir_buf_addch(&big, ']');
	assert_true(big.len > 20000000);
	assert_int_equal(read_mem(&r, big.buf, big.len, 4096, 1024, &err), 0);
	assert_counts(&r, n, 0, 0);
	run_release(&r);
	ir_buf_release(&big);
}

static void
test_reader__oversized_record_skipped(void **state)
{
	struct ir_buf in = IR_BUF_INIT;
	struct ir_err err = IR_ERR_INIT;
	struct run r;

	/* JSON Lines: the long line fails, the next one is read. */
	ir_buf_addstr(&in, "{\"Id\":\"1\"}\n{\"Id\":\"");
	for (int i = 0; i < 5000; i++)
		ir_buf_addch(&in, 'x');
	ir_buf_addstr(&in, "\"}\n{\"Id\":\"3\"}\n");
	assert_int_equal(read_mem(&r, in.buf, in.len, 256, 1024, &err), 0);
	assert_counts(&r, 2, 1, 0);
	assert_string_equal(r.ids.buf, "1@1,3@3,");
	assert_string_equal(r.errors.buf, "mem: record 2 (line 2): line "
					  "longer than 1024 bytes\n");
	run_release(&r);

	/* An array: the long element fails, the next element is read. */
	ir_buf_reset(&in);
	ir_buf_addstr(&in, "[{\"Id\":\"1\"},\n{\"Id\":\"");
	for (int i = 0; i < 5000; i++)
		ir_buf_addch(&in, 'x');
	ir_buf_addstr(&in, "\"},\n{\"Id\":\"3\"}]");
	assert_int_equal(read_mem(&r, in.buf, in.len, 256, 1024, &err), 0);
	assert_counts(&r, 2, 1, 0);
	assert_string_equal(r.ids.buf, "1@1,3@3,");
	run_release(&r);
	ir_buf_release(&in);
}

static void
test_reader__truncated_and_garbage(void **state)
{
	static const char trunc[] = "[{\"Id\":\"1\"},{\"Id\":\"2\",\"Op";
	static const char junk[] = "{\"Id\":\"1\"}\n}\n{\"Id\":\"2\"} x\n";
	struct ir_err err = IR_ERR_INIT;
	struct run r;

	assert_int_equal(read_mem(&r, trunc, strlen(trunc), 0, 0, &err), 0);
	assert_counts(&r, 1, 1, 0);
	assert_string_equal(r.errors.buf, "mem: record 2 (line 1): the file "
					  "ends inside this value\n");
	run_release(&r);

	/* Stray bytes are failed records and never stall the reader. */
	assert_int_equal(read_mem(&r, junk, strlen(junk), 0, 0, &err), 0);
	assert_int_equal(r.stats.events, 1);
	assert_int_equal(r.stats.failed, 2);
	run_release(&r);
}

static void
test_reader__array_of_scalars_fails_each(void **state)
{
	static const char in[] = "[{\"Id\":\"1\"}, 42, \"s\"]";
	struct ir_err err = IR_ERR_INIT;
	struct run r;

	assert_int_equal(read_mem(&r, in, strlen(in), 0, 0, &err), 0);
	assert_counts(&r, 1, 2, 0);
	assert_string_equal(r.errors.buf,
			    "mem: record 2 (line 1): not a JSON object but "
			    "a number\nmem: record 3 (line 1): not a JSON "
			    "object but a string\n");
	run_release(&r);
}

static void
test_reader__sniff_refuses_what_is_not_a_log(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		const char *msg;
	} cases[] = {
		{ "PK\x03\x04xxxx", 8, "mem: looks like a zip archive" },
		{ "\xff\xfe{\0", 4, "mem: looks like UTF-16 text" },
		{ "\x1f\x8b\x08\x00", 4, "mem: looks like gzip" },
		{ "\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0", 16,
		  "mem: looks like binary data" },
		{ "HTTP/1.1 200 OK\r\nA: b\r\n", 24,
		  "mem: not a JSON or CSV log export (first line: "
		  "\"HTTP/1.1 200 OK\")" },
	};
	struct ir_err err = IR_ERR_INIT;
	struct run r;

	for (size_t i = 0; i < IR_ARRAY_SIZE(cases); i++) {
		assert_int_equal(read_mem(&r, cases[i].data, cases[i].len, 0,
					  0, &err),
				 IR_EPARSE);
		if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)))
			fail_msg("case %zu: %s", i, err.msg);
	}
	/* Empty and blank files hold no records and are not errors. */
	assert_int_equal(read_mem(&r, " \n\n", 3, 0, 0, &err), 0);
	assert_counts(&r, 0, 0, 0);
	run_release(&r);
}

static void
test_reader__open_errors(void **state)
{
	struct ir_reader *r = NULL;
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_reader_open(&r, "/nonexistent/x.json", NULL, &err),
			 IR_ENOTFOUND);
	assert_string_equal(err.msg, "/nonexistent/x.json: no such file");
	assert_int_equal(ir_reader_open(&r, tfixture("logs"), NULL, &err),
			 IR_EIO);
	assert_non_null(strstr(err.msg, "is a directory"));
}

/* --- CSV ---------------------------------------------------------------- */

static const char *
raw_str(const struct ir_event *ev, const char *key)
{
	return yyjson_get_str(yyjson_obj_get(ev->raw, key));
}

static void
test_reader__csv_rows_become_objects(void **state)
{
	struct ir_reader *r;
	const struct ir_event *ev;
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_reader_open(&r, tfixture("logs/ps-export.csv"),
					NULL, &err),
			 0);
	assert_int_equal(ir_reader_next(r, &ev, &err), 1);
	assert_int_equal(ev->record, 1);
	assert_string_equal(raw_str(ev, "RecordType"), "ExchangeAdmin");
	assert_string_equal(raw_str(ev, "CreationDate"), "6/1/2023 1:12:18 PM");
	/* The cell is unquoted (RFC 4180) and stays a string. */
	assert_string_equal(raw_str(ev, "AuditData"),
			    "{\"Id\":\"r1\",\"Operation\":\"New-InboxRule\"}");
	assert_int_equal(ir_reader_next(r, &ev, &err), IR_EPARSE);
	assert_ends_with(err.msg, "/tests/fixtures/logs/ps-export.csv: "
				  "record 2 (line 4): row has 4 fields, the "
				  "header has 5");
	assert_int_equal(ir_reader_next(r, &ev, &err), 1);
	assert_int_equal(ev->record, 3);
	assert_string_equal(raw_str(ev, "AuditData"),
			    "{\"Id\":\"r3\",\r\n\"Operation\":"
			    "\"UserLoggedIn\"}");
	assert_int_equal(ir_reader_next(r, &ev, &err), 0);
	assert_string_equal(ir_reader_stats(r)->format, "csv");
	assert_int_equal(ir_reader_stats(r)->records, 3);
	ir_reader_free(r);
}

static void
test_reader__csv_cells_escaped_exactly(void **state)
{
	/* Header names kept as written; cells with every awkward byte. */
	static const char in[] = "TimeGenerated [UTC],Name ,Operation\n"
				 "\"a\"\"b\\c\",\"x\0y\ttab\x01\",Op\n";
	struct ir_reader *r;
	const struct ir_event *ev;
	struct ir_err err = IR_ERR_INIT;
	yyjson_val *v;

	assert_int_equal(ir_logs__reader_open_mem(&r, "m.csv", in,
						  sizeof(in) - 1, NULL, &err),
			 0);
	assert_int_equal(ir_reader_next(r, &ev, &err), 1);
	assert_string_equal(raw_str(ev, "TimeGenerated [UTC]"), "a\"b\\c");
	v = yyjson_obj_get(ev->raw, "Name ");
	assert_int_equal(yyjson_get_len(v), 8);
	assert_memory_equal(yyjson_get_str(v), "x\0y\ttab\x01", 8);
	assert_string_equal(ev->operation, "Op");
	assert_int_equal(ir_reader_next(r, &ev, &err), 0);
	ir_reader_free(r);
}

static bool
want_set_only(const char *op, size_t len, void *payload)
{
	(*(int *)payload)++;
	return len == 11 && !memcmp(op, "Set-Mailbox", 11);
}

static void
test_reader__csv_prefilter_skips_rows(void **state)
{
	static const char in[] = "Id,Operation\n1,New-InboxRule\n"
				 "2,Set-Mailbox\n3,UserLoggedIn\n";
	struct ir_reader_opts opts = IR_READER_OPTS_INIT;
	struct ir_reader *r;
	const struct ir_event *ev;
	struct ir_err err = IR_ERR_INIT;
	int calls = 0;

	opts.want = want_set_only;
	opts.want_payload = &calls;
	assert_int_equal(ir_logs__reader_open_mem(&r, "m.csv", in,
						  sizeof(in) - 1, &opts, &err),
			 0);
	assert_int_equal(ir_reader_next(r, &ev, &err), 1);
	assert_string_equal(ev->id, "2");
	assert_int_equal(ev->record, 2);
	assert_int_equal(ir_reader_next(r, &ev, &err), 0);
	/* Declined rows were never built: want ran once per row only. */
	assert_int_equal(calls, 3);
	assert_int_equal(ir_reader_stats(r)->skipped, 2);
	assert_int_equal(ir_reader_stats(r)->records, 3);
	ir_reader_free(r);
}

static void
test_reader__format_override(void **state)
{
	static const char in[] = "{\"Id\":\"1\"}\n";
	struct ir_reader_opts opts = IR_READER_OPTS_INIT;
	struct ir_reader *r;
	struct ir_err err = IR_ERR_INIT;
	enum ir_format f;

	opts.format = IR_FORMAT_CSV;
	assert_int_equal(ir_logs__reader_open_mem(&r, "m", in, sizeof(in) - 1,
						  &opts, &err),
			 0);
	assert_string_equal(ir_reader_stats(r)->format, "csv");
	ir_reader_free(r);
	assert_int_equal(ir_format_parse(&f, "json", &err), 0);
	assert_int_equal(f, IR_FORMAT_JSON);
	assert_int_equal(ir_format_parse(&f, "xml", &err), IR_EUSAGE);
	assert_string_equal(err.msg,
			    "unknown format 'xml' (choose auto, csv or json)");
}

/* --- ingest ------------------------------------------------------------- */

static int
count_event(const struct ir_event *ev, void *payload)
{
	(*(int *)payload)++;
	return 0;
}

static void
test_reader__ingest_drops_redelivered_duplicates(void **state)
{
	const char *path = tshared("cases/04-mgmt-api-redelivered-duplicates"
				   ".input.json");
	struct ir_ingest *ing;
	struct ir_ingest_cb cb = { count_event, NULL, NULL };
	struct ir_err err = IR_ERR_INIT;
	const struct ir_file_stats *st;
	char copy[4096];
	size_t n;
	int events = 0;

	if (!path) {
		printf("SKIP: ../shared/cases not present\n");
		skip();
	}
	snprintf(copy, sizeof(copy), "%s", path);
	cb.payload = &events;
	assert_int_equal(ir_ingest_new(&ing, NULL, &err), 0);
	assert_int_equal(ir_ingest_file(ing, copy, &cb, &err), 0);
	/* The same file again: every record is now a duplicate. */
	assert_int_equal(ir_ingest_file(ing, copy, &cb, &err), 0);
	st = ir_ingest_stats(ing, &n);
	assert_int_equal(n, 2);
	assert_int_equal(events, 2);
	assert_int_equal(st[0].records, 3);
	assert_int_equal(st[0].events, 3);
	assert_int_equal(st[0].duplicates, 1);
	assert_int_equal(st[1].duplicates, 3);
	ir_ingest_free(ing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader__jsonl_bad_line_is_one_record),
		cmocka_unit_test(test_reader__blank_input_is_empty_not_json),
		cmocka_unit_test(test_reader__array_elements_one_by_one),
		cmocka_unit_test(test_reader__concatenated_documents),
		cmocka_unit_test(test_reader__pretty_printed_object),
		cmocka_unit_test(test_reader__bom_skipped),
		cmocka_unit_test(test_reader__graph_page_container),
		cmocka_unit_test(test_reader__unknown_object_names_its_keys),
		cmocka_unit_test(test_reader__tiny_chunks_same_result),
		cmocka_unit_test(test_reader__huge_array_bounded_memory),
		cmocka_unit_test(test_reader__oversized_record_skipped),
		cmocka_unit_test(test_reader__truncated_and_garbage),
		cmocka_unit_test(test_reader__array_of_scalars_fails_each),
		cmocka_unit_test(test_reader__sniff_refuses_what_is_not_a_log),
		cmocka_unit_test(test_reader__open_errors),
		cmocka_unit_test(test_reader__csv_rows_become_objects),
		cmocka_unit_test(test_reader__csv_cells_escaped_exactly),
		cmocka_unit_test(test_reader__csv_prefilter_skips_rows),
		cmocka_unit_test(test_reader__format_override),
		cmocka_unit_test(
			test_reader__ingest_drops_redelivered_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
