/* SPDX-License-Identifier: MIT */
/*
 * t-csv.c - unit tests for the CSV reader and writer (src/util/csv.c).
 *
 * Most tests compare a transcript of the parse with an expected string:
 * one line per row, "<line>:" then the fields separated by '|', a quoted
 * field in [brackets], CR, LF and NUL written as \r \n \0, and an error as
 * "!<message>". check() produces that transcript with one big read and
 * again with reads of 1, 2, 3, 7 and 64 bytes, so every input here also
 * proves that chunk boundaries do not change the result. Real exports from
 * $SHARED are read at run time and skipped when absent.
 */
#include "util/compat.h"

#include <dirent.h>
#include <yyjson.h>

#include "tests/unit/test.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/xalloc.h"

struct src {
	const char *p;
	size_t len;
	size_t off;
	size_t chunk; /* 0: as much as asked for */
	bool fail;    /* -1 instead of end of input */
};

static long
src_read(void *payload, char *dst, size_t cap)
{
	struct src *s = payload;
	size_t n = s->len - s->off;

	if (!n && s->fail)
		return -1;
	if (s->chunk && n > s->chunk)
		n = s->chunk;
	if (n > cap)
		n = cap;
	memcpy(dst, s->p + s->off, n);
	s->off += n;
	return (long)n;
}

static void
add_escaped(struct ir_buf *t, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n')
			ir_buf_addstr(t, "\\n");
		else if (p[i] == '\r')
			ir_buf_addstr(t, "\\r");
		else if (!p[i])
			ir_buf_addstr(t, "\\0");
		else
			ir_buf_addch(t, p[i]);
	}
}

static void
add_row(struct ir_buf *t, const struct ir_csv_row *row)
{
	ir_buf_addf(t, "%llu:", (unsigned long long)row->line);
	for (size_t i = 0; i < row->n; i++) {
		const struct ir_csv_field *f = &row->field[i];

		if (i)
			ir_buf_addch(t, '|');
		if (f->quoted)
			ir_buf_addch(t, '[');
		add_escaped(t, f->ptr, f->len);
		if (f->quoted)
			ir_buf_addch(t, ']');
	}
	ir_buf_addch(t, '\n');
}

/* The transcript of parsing `p` in reads of `chunk` bytes; caller frees. */
static char *
transcript(const char *p, size_t len, size_t chunk, size_t max)
{
	struct src s = {p, len, 0, chunk, false};
	struct ir_buf t = IR_BUF_INIT;
	struct ir_err err = IR_ERR_INIT;
	struct ir_csv *csv;
	struct ir_csv_row row;
	int ret;

	assert_int_equal(ir_csv_new(&csv, src_read, &s, &err), 0);
	if (max)
		ir_csv_set_max_record(csv, max);
	for (;;) {
		ret = ir_csv_next(csv, &row, &err);
		if (!ret)
			break;
		assert_true(ret == 1 || ret == IR_EPARSE);
		if (ret == 1)
			add_row(&t, &row);
		else
			ir_buf_addf(&t, "!%s\n", err.msg);
	}
	assert_int_equal(ir_csv_bytes(csv), len);
	ir_csv_free(csv);
	return ir_buf_detach(&t, NULL);
}

static void
check_len(const char *in, size_t len, size_t max, const char *want)
{
	static const size_t chunks[] = {0, 1, 2, 3, 7, 64};

	for (size_t i = 0; i < IR_ARRAY_SIZE(chunks); i++) {
		char *got = transcript(in, len, chunks[i], max);

		if (strcmp(got, want))
			print_error("chunk %zu: input \"%s\"\n", chunks[i], in);
		assert_string_equal(got, want);
		free(got);
	}
}

static void
check(const char *in, size_t max, const char *want)
{
	check_len(in, strlen(in), max, want);
}

static void
test_csv__bom(void **state)
{
	check("\357\273\277a,b\n1,2\n", 0, "1:a|b\n2:1|2\n");
	check("\xEF\xBB\xBF", 0, "");
	check("\xEF\xBB\xBF\"a\"\n", 0, "1:[a]\n");
	/* Only a whole BOM at the very start is dropped. */
	check("\xEF\xBBx\n", 0, "1:\xEF\xBBx\n");
	check("a\n\357\273\277b\n", 0, "1:a\n2:\357\273\277b\n");
}

static void
test_csv__line_endings(void **state)
{
	check("a,b\r\nc,d\r\n", 0, "1:a|b\n2:c|d\n");
	check("a,b\nc,d\n", 0, "1:a|b\n2:c|d\n");
	check("a,b\nc,d", 0, "1:a|b\n2:c|d\n");
	check("a,b\r", 0, "1:a|b\n");
	check("a,b\r\r\n", 0, "1:a|b\\r\n");
	check("a\rb,c\n", 0, "1:a\\rb|c\n");
	check("a,\n,\n", 0, "1:a|\n2:|\n");
	check("a,", 0, "1:a|\n");
	check("\"a\"\r\n\"b\"\r", 0, "1:[a]\n2:[b]\n");
	check("\"a\",\"b\"\n", 0, "1:[a]|[b]\n");
}

static void
test_csv__empty_lines(void **state)
{
	check("\n\na,b\n\r\n\n c\n\"\"\n\n", 0, "3:a|b\n6: c\n7:[]\n");
	check("\r\n", 0, "");
	check("", 0, "");
}

static void
test_csv__multiline_cell(void **state)
{
	check("id,text\n1,\"line1\r\nline2\nline3\"\n2,x\n", 0,
	      "1:id|text\n2:1|[line1\\r\\nline2\\nline3]\n5:2|x\n");
	check("\"a\nb\",\"c\nd\"\nz\n", 0, "1:[a\\nb]|[c\\nd]\n4:z\n");
	check("\"\n\n\"\nz\n", 0, "1:[\\n\\n]\n4:z\n");
	check("\"x\r\"\r\n", 0, "1:[x\\r]\n");
}

static void
test_csv__doubled_quotes(void **state)
{
	check("\"a\"\"b\",\"\"\"\"\n\"\"\"x\"\"\"\n", 0,
	      "1:[a\"b]|[\"]\n2:[\"x\"]\n");
	check("\"\"\n", 0, "1:[]\n");
	check("\"{\"\"k\"\":\"\"v\"\"}\",,\n", 0, "1:[{\"k\":\"v\"}]||\n");
}

static void
test_csv__lenient(void **state)
{
	check("ab\"c,d\n", 0, "1:ab\"c|d\n");
	check("a\"\"b\n", 0, "1:a\"\"b\n");
	check("\"abc\"def,x\n", 0, "1:[abcdef]|x\n");
	check("\"a\"b\"c\",d\n", 0, "1:[ab\"c\"]|d\n");
	check("\"a\" \n", 0, "1:[a ]\n");
	check("\"a\"b", 0, "1:[ab]\n");
}

/* A whole file from $SHARED, or NULL (and a SKIP line) when absent. */
static char *
slurp_shared(const char *rel, size_t *len)
{
	const char *path = tshared(rel);
	struct ir_buf b = IR_BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f;

	if (!path) {
		print_message("SKIP: ../shared/corpus not present (%s)\n", rel);
		return NULL;
	}
	f = fopen(path, "rb");
	assert_non_null(f);
	do {
		n = fread(chunk, 1, sizeof(chunk), f);
		ir_buf_add(&b, chunk, n);
	} while (n);
	fclose(f);
	return ir_buf_detach(&b, len);
}

/* A reader over `p` in reads of `chunk` bytes, as in check(). */
static void
open_mem(struct ir_csv **csv, struct src *s, const char *p, size_t len,
	 size_t chunk)
{
	struct ir_err err = IR_ERR_INIT;

	s->p = p;
	s->len = len;
	s->off = 0;
	s->chunk = chunk;
	s->fail = false;
	assert_int_equal(ir_csv_new(csv, src_read, s, &err), 0);
}

static void
field_is(const struct ir_csv_field *f, const char *want)
{
	assert_int_equal(f->len, strlen(want));
	assert_memory_equal(f->ptr, want, f->len);
}

static const char case07_auditdata[] =
	"{\"CreationTime\":\"2023-11-15T09:00:00\","
	"\"Id\":\"5c0d3e9a-0000-4000-8000-000000007131\","
	"\"Operation\":\"UserLoggedIn\",\"RecordType\":15,"
	"\"UserId\":\"alice@contoso.com\",\"ClientIP\":\"203.0.113.5\"}";

static void
check_case07(const char *p, size_t len, size_t chunk)
{
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	yyjson_doc *doc;

	open_mem(&csv, &s, p, len, chunk);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.n, 8);
	field_is(&row.field[5], "AuditData");
	field_is(&row.field[7], "AssociatedAdminUnitsNames");
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.line, 2);
	assert_int_equal(row.n, 8);
	assert_true(row.field[5].quoted);
	field_is(&row.field[5], case07_auditdata);
	doc = yyjson_read(row.field[5].ptr, row.field[5].len, 0);
	assert_non_null(doc);
	assert_string_equal(yyjson_get_str(yyjson_obj_get(
				    yyjson_doc_get_root(doc), "CreationTime")),
			    "2023-11-15T09:00:00");
	yyjson_doc_free(doc);
	for (size_t i = 6; i < 8; i++) {
		assert_int_equal(row.field[i].len, 0);
		assert_false(row.field[i].quoted);
	}
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	ir_csv_free(csv);
}

static void
test_csv__case_07_doubled_quotes(void **state)
{
	const char *rel = "cases/07-csv-doubled-quotes-not-unescaped.input.csv";
	size_t len;
	char *p = slurp_shared(rel, &len);

	if (!p)
		skip();
	check_case07(p, len, 0);
	check_case07(p, len, 1);
	free(p);
}

static void
check_case13(const char *p, size_t len, size_t chunk)
{
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;

	open_mem(&csv, &s, p, len, chunk);
	/* The #TYPE line is an ordinary 1-field row; the caller skips it. */
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.n, 1);
	field_is(&row.field[0],
		 "#TYPE System.Management.Automation.PSCustomObject");
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.line, 2);
	assert_int_equal(row.n, 13);
	field_is(&row.field[0], "PSComputerName");
	field_is(&row.field[3], "RecordType");
	field_is(&row.field[7], "AuditData");
	field_is(&row.field[12], "ObjectState");
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.line, 3);
	assert_int_equal(row.n, 13);
	field_is(&row.field[3], "ExchangeAdmin");
	field_is(&row.field[7], "{\"CreationTime\":\"2018-07-18T09:15:00\","
				"\"Operation\":\"New-InboxRule\","
				"\"UserId\":\"alice@contoso.com\"}");
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	ir_csv_free(csv);
}

static void
test_csv__case_13_type_line(void **state)
{
	size_t len;
	char *p = slurp_shared("cases/13-fixed-column-index.input.csv", &len);

	if (!p)
		skip();
	check_case13(p, len, 0);
	check_case13(p, len, 1);
	free(p);
}

static void
test_csv__record_cap(void **state)
{
	check("a,b\n\"0123456789012345678901\",x\nc,d\n", 16,
	      "1:a|b\n!line 2: record over 16 bytes\n3:c|d\n");
	check("a,b\n0123456789abcdefghij,x\nc,d\n", 16,
	      "1:a|b\n!line 2: record over 16 bytes\n3:c|d\n");
	/* A missing closing quote costs one line, not the rest of the file. */
	check("a,\"untermin\nb,c\nd,e\n", 10,
	      "!line 1: record over 10 bytes\n2:b|c\n3:d|e\n");
	/* The cap counts the line end; it fires at the same byte always. */
	check("abc\nab\r\n", 4, "1:abc\n2:ab\n");
	check("abcd\nx\n", 4, "!line 1: record over 4 bytes\n2:x\n");
	check("abcd", 4, "!line 1: record over 4 bytes\n");
	/* Resync is at the next raw LF, even inside the quoted cell. */
	check("\"a\nb\nc\nd\ne\nf\"\nz,y\n", 8,
	      "!line 1: record over 8 bytes\n5:e\n6:f\"\n7:z|y\n");
}

/* "h\n" then a quoted cell of about `big` bytes with doubled quotes. */
static void
make_big(struct ir_buf *in, struct ir_buf *cell, size_t big)
{
	ir_buf_addstr(in, "h\n\"");
	for (size_t i = 0; i < big / 8; i++) {
		ir_buf_addstr(in, i % 9 ? "abcdefgh" : "ab\"\"cdef");
		ir_buf_addstr(cell, i % 9 ? "abcdefgh" : "ab\"cdef");
	}
	ir_buf_addstr(in, "\",2\nlast,row\n");
}

/* Past the 256 KiB buffer: it grows, up to the cap and no further. */
static void
test_csv__record_cap_big(void **state)
{
	struct ir_buf in = IR_BUF_INIT, cell = IR_BUF_INIT;
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	char *got;

	make_big(&in, &cell, 600u << 10);
	for (size_t chunk = 0; chunk < 8192; chunk += 4093) {
		open_mem(&csv, &s, in.buf, in.len, chunk);
		ir_csv_set_max_record(csv, 1u << 20);
		assert_int_equal(ir_csv_next(csv, &row, &err), 1);
		assert_int_equal(ir_csv_next(csv, &row, &err), 1);
		assert_int_equal(row.n, 2);
		assert_int_equal(row.field[0].len, cell.len);
		assert_memory_equal(row.field[0].ptr, cell.buf, cell.len);
		field_is(&row.field[1], "2");
		assert_int_equal(ir_csv_next(csv, &row, &err), 1);
		assert_int_equal(row.line, 3);
		assert_int_equal(ir_csv_next(csv, &row, &err), 0);
		ir_csv_free(csv);
	}
	got = transcript(in.buf, in.len, 4096, 1u << 19);
	assert_string_equal(got, "1:h\n!line 2: record over 512 KiB\n"
				 "3:last|row\n");
	free(got);
	got = transcript(in.buf, in.len, 0, 1u << 20);
	assert_true(strlen(got) > cell.len);
	free(got);
	in.buf[2] = 'q'; /* the same record unquoted: the same verdict */
	got = transcript(in.buf, in.len, 0, 1u << 19);
	assert_string_equal(got, "1:h\n!line 2: record over 512 KiB\n"
				 "3:last|row\n");
	free(got);
	ir_buf_release(&in);
	ir_buf_release(&cell);
}

static void
test_csv__too_many_fields(void **state)
{
	size_t n = 70000;
	struct ir_buf in = IR_BUF_INIT;
	char *got;

	ir_buf_addstr(&in, "a,b\n");
	for (size_t i = 0; i < n; i++)
		ir_buf_addch(&in, ',');
	ir_buf_addstr(&in, "\nc\n");
	got = transcript(in.buf, in.len, 0, 0);
	assert_string_equal(got, "1:a|b\n!line 2: more than 65536 fields\n"
				 "3:c\n");
	free(got);
	ir_buf_release(&in);
}

static void
test_csv__unterminated(void **state)
{
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	static const char in[] = "a,b\nx,\"ok\nok\",\"bad\nmore\n";

	check("a,b\nc,\"open\nmore\n", 0,
	      "1:a|b\n!line 2: unterminated quoted field\n");
	/* The line where the field began, not where its record did. */
	check("x,\"ok\nok\",\"bad\n", 0,
	      "!line 2: unterminated quoted field\n");
	check("\"", 0, "!line 1: unterminated quoted field\n");
	open_mem(&csv, &s, in, strlen(in), 0);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(ir_csv_next(csv, &row, &err), IR_EPARSE);
	assert_string_equal(err.msg, "line 3: unterminated quoted field");
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	ir_csv_free(csv);
}

static void
test_csv__nul(void **state)
{
	static const char in[] = "\"a\0b\",c\0d\n";
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;

	check_len(in, sizeof(in) - 1, 0, "1:[a\\0b]|c\\0d\n");
	open_mem(&csv, &s, in, sizeof(in) - 1, 0);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.field[0].len, 3);
	assert_memory_equal(row.field[0].ptr, "a\0b", 3);
	ir_csv_free(csv);
}

static void
test_csv__io_error(void **state)
{
	struct src s = {"a,b\nc", 5, 0, 0, true};
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;

	assert_int_equal(ir_csv_new(&csv, src_read, &s, &err), 0);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(ir_csv_next(csv, &row, &err), IR_EIO);
	assert_string_equal(err.msg, "line 2: read error");
	assert_int_equal(ir_csv_next(csv, &row, &err), IR_EIO);
	ir_csv_free(csv);
}

static void
test_csv__bytes(void **state)
{
	static const char in[] = "\357\273\277a,b\nc,d\n";
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;

	open_mem(&csv, &s, in, strlen(in), 1);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(ir_csv_bytes(csv), 7);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(ir_csv_bytes(csv), 11);
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	ir_csv_free(csv);
}

static long
file_read(void *payload, char *dst, size_t cap)
{
	FILE *f = payload;
	size_t n = fread(dst, 1, cap, f);

	return ferror(f) ? -1 : (long)n;
}

static yyjson_val *
json_at(yyjson_doc *doc, const char *ptr)
{
	return yyjson_doc_ptr_get(doc, ptr);
}

/* Row i of the fixture, checked before the next call invalidates it. */
static void
check_fixture_row(size_t i, const struct ir_csv_row *row)
{
	static const int lines[] = {1, 2, 3, 8};
	yyjson_doc *doc;

	assert_int_equal(row->n, 8);
	assert_int_equal(row->line, lines[i]);
	if (!i) {
		field_is(&row->field[0], "RecordId");
		return;
	}
	doc = yyjson_read(row->field[5].ptr, row->field[5].len, 0);
	assert_non_null(doc);
	assert_string_equal(yyjson_get_str(json_at(doc, "/CreationTime")),
			    i == 1   ? "2024-03-01T08:00:00"
			    : i == 2 ? "2024-03-01T08:05:00"
				     : "2024-03-01T08:10:00");
	if (i == 1)
		field_is(&row->field[5],
			 "{\"CreationTime\":\"2024-03-01T08:00:00\","
			 "\"Operation\":\"New-InboxRule\",\"Parameters\":["
			 "{\"Name\":\"Name\",\"Value\":\"=cmd|' /C calc'!A0\"},"
			 "{\"Name\":\"ForwardTo\","
			 "\"Value\":\"mallory@fabrikam.com\"}],"
			 "\"ClientIP\":\"203.0.113.7\"}");
	if (i == 2) {
		assert_string_equal(yyjson_get_str(json_at(doc, "/ClientIP")),
				    "[2001:db8::5]:443");
		assert_non_null(
			memchr(row->field[5].ptr, '\r', row->field[5].len));
	}
	if (i == 3)
		assert_string_equal(
			yyjson_get_str(json_at(doc, "/Item/Subject")),
			"Re: \"Q1\" invoice, final");
	/* A quoted empty field ("") stays apart from a bare one. */
	assert_int_equal(row->field[7].len, 0);
	assert_int_equal(row->field[7].quoted, i == 3);
	yyjson_doc_free(doc);
}

/* tests/fixtures/csv/purview-export.csv, read from a FILE. */
static void
test_csv__fixture_purview(void **state)
{
	static const char name[] = "=cmd|' /C calc'!A0";
	FILE *f = fopen(tfixture("csv/purview-export.csv"), "rb");
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	struct ir_buf b = IR_BUF_INIT;

	assert_non_null(f);
	assert_int_equal(ir_csv_new(&csv, file_read, f, &err), 0);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(ir_csv_next(csv, &row, &err), 1);
		check_fixture_row(i, &row);
	}
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	/* The attacker's rule name, written back out, is inert. */
	ir_csv_quote(&b, name, strlen(name));
	assert_string_equal(b.buf, "'=cmd|' /C calc'!A0");
	ir_buf_release(&b);
	ir_csv_free(csv);
	fclose(f);
}

/* Reads of every size give the same rows, on inputs built to be nasty. */
static void
test_csv__tiny_reads(void **state)
{
	static const char alphabet[] = "\"\",,\r\n\nab\0 ";
	uint32_t seed = 12345;
	char in[300];

	for (int round = 0; round < 300; round++) {
		size_t len = (size_t)round % sizeof(in);
		char *whole;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		whole = transcript(in, len, 0, round % 3 ? 0 : 24);
		check_len(in, len, round % 3 ? 0 : 24, whole);
		free(whole);
	}
}

struct quote_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *want;
};

static const struct quote_case quote_cases[] = {
	{"abc", 0, "abc"},
	{"", 0, ""},
	{"a,b", 0, "\"a,b\""},
	{"say \"hi\"", 0, "\"say \"\"hi\"\"\""},
	{"a\nb", 0, "\"a\nb\""},
	{"a\rb", 0, "\"a\rb\""},
	{" lead", 0, "\" lead\""},
	{"trail ", 0, "\"trail \""},
	{"in side", 0, "in side"},
	{"x=1", 0, "x=1"},
	{"=1+1", 0, "'=1+1"},
	{"+1", 0, "'+1"},
	{"@SUM(A1)", 0, "'@SUM(A1)"},
	{"\tx", 0, "\"'\tx\""},
	{"x;=1+1@contoso.com", 0, "\"x;=1+1@contoso.com\""},
	{"a\tb", 0, "\"a\tb\""},
	{"\rx", 0, "\"'\rx\""},
	{"=HYPERLINK(\"http://x\",\"y\")", 0,
	 "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
	{"-5", 0, "-5"},
	{"-0.5", 0, "-0.5"},
	{"-.5", 0, "-.5"},
	{"-", 0, "-"},
	{"-.", 0, "'-."},
	{"--5", 0, "'--5"},
	{"-5-3", 0, "'-5-3"},
	{"-1.2.3", 0, "'-1.2.3"},
	{"-1e5", 0, "'-1e5"},
	{"-2+3+cmd|' /C calc'!A0", 0, "'-2+3+cmd|' /C calc'!A0"},
	{"-5,", 0, "\"'-5,\""},
	{"a\0b", 3, "a\357\277\275b"},
	{"\0", 1, "\xEF\xBF\xBD"},
	{"\"\0", 2, "\"\"\"\xEF\xBF\xBD\""},
	{"\xEF\xBB\xBFx", 0, "\"\xEF\xBB\xBFx\""},
};

static void
test_csv__quote(void **state)
{
	struct ir_buf b = IR_BUF_INIT;

	for (size_t i = 0; i < IR_ARRAY_SIZE(quote_cases); i++) {
		const struct quote_case *c = &quote_cases[i];

		ir_buf_reset(&b);
		ir_csv_quote(&b, c->in, c->len ? c->len : strlen(c->in));
		assert_string_equal(b.buf, c->want);
	}
	ir_buf_release(&b);
}

/* What the writer writes, the reader reads back unchanged. */
static void
test_csv__quote_round_trip(void **state)
{
	static const char *fields[] = {
		"\357\273\277bom first",
		"plain",
		"",
		"a,b",
		"say \"hi\"",
		"multi\r\nline\n",
		" lead",
		"trail ",
		"\"",
		"\"\"",
		"-5",
		"x\ry",
		"ab\"c",
	};
	struct ir_buf b = IR_BUF_INIT;
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	size_t n = IR_ARRAY_SIZE(fields);

	for (size_t i = 0; i < n; i++) {
		ir_csv_quote(&b, fields[i], strlen(fields[i]));
		ir_buf_addstr(&b, i + 1 < n ? "," : "\r\n");
	}
	open_mem(&csv, &s, b.buf, b.len, 1);
	assert_int_equal(ir_csv_next(csv, &row, &err), 1);
	assert_int_equal(row.n, n);
	for (size_t i = 0; i < n; i++)
		field_is(&row.field[i], fields[i]);
	assert_int_equal(ir_csv_next(csv, &row, &err), 0);
	ir_csv_free(csv);
	ir_buf_release(&b);
}

/*
 * Parse a real export: every row has the header's field count; returns the
 * row count (header included) and the number of multi-line fields.
 */
static size_t
check_export(const char *p, size_t len, size_t *multiline, size_t *cols)
{
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	size_t rows = 0;
	int ret;

	*multiline = 0;
	open_mem(&csv, &s, p, len, 0);
	for (;;) {
		ret = ir_csv_next(csv, &row, &err);
		if (ret != 1)
			break;
		if (!rows++) {
			*cols = row.n;
			assert_true(row.field[0].len > 0);
			assert_int_not_equal((unsigned char)row.field[0].ptr[0],
					     0xEF);
		}
		if (row.n != *cols)
			print_error("line %llu: %zu fields, header has %zu\n",
				    (unsigned long long)row.line, row.n, *cols);
		assert_int_equal(row.n, *cols);
		for (size_t i = 0; i < row.n; i++)
			if (memchr(row.field[i].ptr, '\n', row.field[i].len) ||
			    memchr(row.field[i].ptr, '\r', row.field[i].len))
				(*multiline)++;
	}
	assert_int_equal(ret, 0);
	ir_csv_free(csv);
	return rows;
}

struct export_case {
	const char *rel;
	size_t rows; /* header included */
	size_t cols;
	size_t multiline;
};

static const struct export_case exports[] = {
	{"splunk-attack-data/copilot_prompt_logs.csv", 178, 166, 0},
	{"azure-sentinel-training-lab/AuditLogs_Hunting.csv", 6, 39, 0},
	{"azure-sentinel-training-lab/disable_accounts.csv", 5, 61, 8},
	{"azure-sentinel-training-lab/office_activity.csv", 267, 131, 36},
	{"azure-sentinel-training-lab/office_activity_inbox_rule.csv", 3, 129,
	 2},
	{"azure-sentinel-training-lab/sign-in_adelete.csv", 57, 71, 112},
	{"azure-sentinel-training-lab/signinLogs.csv", 2, 12, 0},
};

static void
check_export_file(const char *rel, const struct export_case *want)
{
	struct ir_buf path = IR_BUF_INIT;
	size_t len, multiline, cols, rows;
	char *p, *whole, *tiny;

	ir_buf_addf(&path, "corpus/%s", rel);
	p = slurp_shared(path.buf, &len);
	ir_buf_release(&path);
	assert_non_null(p);
	rows = check_export(p, len, &multiline, &cols);
	if (want) {
		assert_int_equal(rows, want->rows);
		assert_int_equal(cols, want->cols);
		assert_int_equal(multiline, want->multiline);
	}
	whole = transcript(p, len, 0, 0);
	tiny = transcript(p, len, 7, 0);
	assert_string_equal(whole, tiny);
	free(whole);
	free(tiny);
	free(p);
}

static void
test_csv__corpus_exports(void **state)
{
	DIR *d;
	struct dirent *de;
	size_t n = 0;
	const char *lab = tshared("corpus/azure-sentinel-training-lab");

	if (!lab || !tshared("corpus/splunk-attack-data/")) {
		print_message("SKIP: ../shared/corpus not present\n");
		skip();
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(exports); i++)
		check_export_file(exports[i].rel, &exports[i]);
	/* Any other Log Analytics export in that folder: counts must agree. */
	d = opendir(tshared("corpus/azure-sentinel-training-lab"));
	assert_non_null(d);
	for (de = readdir(d); de; de = readdir(d)) {
		struct ir_buf rel = IR_BUF_INIT;
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 4, ".csv"))
			continue;
		ir_buf_addf(&rel, "azure-sentinel-training-lab/%s", de->d_name);
		check_export_file(rel.buf, NULL);
		ir_buf_release(&rel);
		n++;
	}
	closedir(d);
	assert_true(n >= 6);
}

/* Case 07's note: a real Purview export; every AuditData is JSON. */
static void
test_csv__corpus_purview(void **state)
{
	size_t len, rows = 0;
	char *p = slurp_shared("corpus/huntress-ctf-2023-rogue-inbox/"
			       "purview.csv",
			       &len);
	struct src s;
	struct ir_csv *csv;
	struct ir_csv_row row;
	struct ir_err err = IR_ERR_INIT;
	yyjson_doc *doc;

	if (!p)
		skip();
	open_mem(&csv, &s, p, len, 0);
	while (ir_csv_next(csv, &row, &err) == 1) {
		assert_int_equal(row.n, 8);
		if (!rows++) {
			field_is(&row.field[5], "AuditData");
			continue;
		}
		doc = yyjson_read(row.field[5].ptr, row.field[5].len, 0);
		assert_non_null(doc);
		assert_true(yyjson_is_obj(yyjson_doc_get_root(doc)));
		yyjson_doc_free(doc);
	}
	assert_int_equal(rows, 220);
	ir_csv_free(csv);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv__bom),
		cmocka_unit_test(test_csv__line_endings),
		cmocka_unit_test(test_csv__empty_lines),
		cmocka_unit_test(test_csv__multiline_cell),
		cmocka_unit_test(test_csv__doubled_quotes),
		cmocka_unit_test(test_csv__lenient),
		cmocka_unit_test(test_csv__case_07_doubled_quotes),
		cmocka_unit_test(test_csv__case_13_type_line),
		cmocka_unit_test(test_csv__record_cap),
		cmocka_unit_test(test_csv__record_cap_big),
		cmocka_unit_test(test_csv__too_many_fields),
		cmocka_unit_test(test_csv__unterminated),
		cmocka_unit_test(test_csv__nul),
		cmocka_unit_test(test_csv__io_error),
		cmocka_unit_test(test_csv__bytes),
		cmocka_unit_test(test_csv__fixture_purview),
		cmocka_unit_test(test_csv__tiny_reads),
		cmocka_unit_test(test_csv__quote),
		cmocka_unit_test(test_csv__quote_round_trip),
		cmocka_unit_test(test_csv__corpus_exports),
		cmocka_unit_test(test_csv__corpus_purview),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
