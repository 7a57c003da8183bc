/* SPDX-License-Identifier: MIT */
/*
 * csvrec.c - CSV exports as one JSON object per row, for the normalizer.
 *
 * util/csv splits the rows; here each data row becomes an object keyed by
 * the header's names exactly as written, every value a string. The row is
 * written as JSON text into one reused buffer (header names escaped once,
 * up front) and parsed in place by yyjson with a reused allocator: one
 * pass over the bytes and no allocation per row, cheaper than building a
 * mutable document and copying it.
 *
 * The analyze prefilter runs before any of that: when the header has an
 * operation column, a row whose operation nobody wants is counted and
 * dropped without building its object, which on a Purview export of a
 * busy tenant is most rows.
 *
 * The AuditData cell (most of a Purview row, and dense with quotes) is not
 * escaped into the row's JSON text only for yyjson to unescape it again:
 * its member is written empty and, after the parse, pointed at a plain
 * NUL-terminated copy of the cell, which is exactly the string the
 * round trip would have produced.
 */
#include "util/compat.h"

#include "util/csv.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "logs/input.h"

struct ir_csvrec {
	struct ir_input *in;
	struct ir_csv *csv;
	uint64_t line_base; /* lines consumed before the CSV reader started */
	bool have_header;
	size_t ncols;
	struct ir_buf keys; /* `"name":"` for every column, back to back */
	size_t *key_off;    /* ncols + 1 offsets into `keys` */
	long op_col;	    /* the operation column, or -1 */
	long ad_col;	    /* the AuditData column passed raw, or -1 */
	struct ir_buf cell; /* that cell of the last row built */
	ir_want_fn want;
	void *want_payload;
	struct ir_buf json;
	yyjson_alc *alc;
	yyjson_doc *doc;
};

/* 1 for the bytes a JSON string cannot hold as they are. */
static const unsigned char needs_escape[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1,
	[0x05] = 1, [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1,
	[0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1,
	[0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1,
	[0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1,
	[0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

/*
 * Append the bytes as the inside of a JSON string. Invalid UTF-8 is left
 * as it is: the parse allows it and the event writer replaces it.
 */
static char *
escape_byte(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	if (c == '"' || c == '\\') {
		*o++ = (char)c;
		return o;
	}
	memcpy(o, "u00", 3);
	o[3] = hex[c >> 4];
	o[4] = hex[c & 15];
	return o + 5;
}

static void
add_escaped(struct ir_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, j;
	char *o;

	if (!ir_buf_grow(b, len * 6))
		return;
	o = b->buf + b->len;
	while (i < len) {
		for (j = i; j < len && !needs_escape[u[j]]; j++)
			;
		memcpy(o, s + i, j - i);
		o += j - i;
		if (j == len)
			break;
		o = escape_byte(o, u[j]);
		i = j + 1;
	}
	b->len = (size_t)(o - b->buf);
	b->buf[b->len] = '\0';
}

int
ir_csvrec_new(struct ir_csvrec **out, struct ir_input *in, uint64_t line_base,
	      ir_want_fn want, void *want_payload, struct ir_err *err)
{
	struct ir_csvrec *c = xcalloc(1, sizeof(*c));
	int ret;

	if ((ret = ir_csv_new(&c->csv, ir_input_read, in, err)) < 0) {
		free(c);
		return ret;
	}
	ir_csv_set_max_record(c->csv, in->max_record);
	c->in = in;
	c->line_base = line_base;
	c->op_col = -1;
	c->ad_col = -1;
	c->want = want;
	c->want_payload = want_payload;
	ir_buf_init(&c->keys);
	ir_buf_init(&c->json);
	ir_buf_init(&c->cell);
	ir_buf_limit(&c->cell, in->max_record + 1);
	ir_buf_limit(&c->json, in->max_record * 6 + 4096);
	c->alc = yyjson_alc_dyn_new();
	if (!c->alc)
		IR_BUG("out of memory for the JSON allocator");
	*out = c;
	return 0;
}

void
ir_csvrec_free(struct ir_csvrec *c)
{
	if (!c)
		return;
	ir_csv_free(c->csv);
	ir_buf_release(&c->keys);
	ir_buf_release(&c->json);
	ir_buf_release(&c->cell);
	free(c->key_off);
	yyjson_doc_free(c->doc);
	yyjson_alc_dyn_free(c->alc);
	free(c);
}

uint64_t
ir_csvrec_bytes(const struct ir_csvrec *c)
{
	return ir_csv_bytes(c->csv);
}

bool
ir_csvrec_prefiltered(const struct ir_csvrec *c)
{
	return c->have_header && c->want && c->op_col >= 0;
}

static bool
is_blank_row(const struct ir_csv_row *row)
{
	return row->n == 1 && !row->field[0].len && !row->field[0].quoted;
}

/* Search-UnifiedAuditLog: Operations; Purview: Operation; LA: OperationName */
static bool
is_operation_column(const struct ir_csv_field *f)
{
	return ir_strn_eq_ci(f->ptr, f->len, "Operation") ||
	       ir_strn_eq_ci(f->ptr, f->len, "Operations") ||
	       ir_strn_eq_ci(f->ptr, f->len, "OperationName");
}

/*
 * The column whose text goes to the normalizer raw: the one header named
 * AuditData (any case). With two candidates ("AuditData" and
 * "auditdata ", which the normalizer folds together and then picks one
 * of) nothing is passed raw and both stay in the object.
 */
static long
audit_data_column(const struct ir_csv_row *row)
{
	long col = -1;

	for (size_t i = 0; i < row->n; i++) {
		const struct ir_csv_field *f = &row->field[i];

		if (f->len < 9 || !ir_strn_eq_ci(f->ptr, 9, "AuditData"))
			continue;
		if (col >= 0 || f->len != 9)
			return -1;
		col = (long)i;
	}
	return col;
}

static void
take_header(struct ir_csvrec *c, const struct ir_csv_row *row)
{
	c->ncols = row->n;
	c->ad_col = audit_data_column(row);
	c->key_off = xcalloc(row->n + 1, sizeof(*c->key_off));
	for (size_t i = 0; i < row->n; i++) {
		c->key_off[i] = c->keys.len;
		ir_buf_addch(&c->keys, '"');
		add_escaped(&c->keys, row->field[i].ptr, row->field[i].len);
		ir_buf_add(&c->keys, "\":\"", 3);
		if (c->op_col < 0 && is_operation_column(&row->field[i]))
			c->op_col = (long)i;
	}
	c->key_off[row->n] = c->keys.len;
	c->have_header = true;
}

/* Point the row's (empty) AuditData member at a copy of the cell. */
static int
fill_raw_cell(struct ir_csvrec *c, const struct ir_csv_row *row,
	      yyjson_val *obj, struct ir_err *err)
{
	const struct ir_csv_field *f = &row->field[c->ad_col];
	yyjson_obj_iter it;
	yyjson_val *k = NULL;

	ir_buf_reset(&c->cell);
	ir_buf_add(&c->cell, f->ptr, f->len);
	if (c->cell.len != f->len)
		return ir_err_set(err, IR_EPARSE, "row too large");
	yyjson_obj_iter_init(obj, &it);
	for (long i = 0; i <= c->ad_col; i++)
		k = yyjson_obj_iter_next(&it);
	if (!k || !yyjson_set_strn(yyjson_obj_iter_get_val(k),
				   c->cell.len ? c->cell.buf : "", c->cell.len))
		IR_BUG("AuditData column %ld not in the row", c->ad_col);
	return 1;
}

static int
build(struct ir_csvrec *c, const struct ir_csv_row *row, yyjson_val **out,
      struct ir_err *err)
{
	struct ir_buf *j = &c->json;
	yyjson_read_err rerr;

	ir_buf_reset(j);
	ir_buf_addch(j, '{');
	for (size_t i = 0; i < row->n; i++) {
		if (i)
			ir_buf_addch(j, ',');
		ir_buf_add(j, c->keys.buf + c->key_off[i],
			   c->key_off[i + 1] - c->key_off[i]);
		if ((long)i != c->ad_col)
			add_escaped(j, row->field[i].ptr, row->field[i].len);
		ir_buf_addch(j, '"');
	}
	ir_buf_addch(j, '}');
	if (!ir_buf_grow(j, YYJSON_PADDING_SIZE))
		return ir_err_set(err, IR_EPARSE, "row too large");
	memset(j->buf + j->len, 0, YYJSON_PADDING_SIZE);
	yyjson_doc_free(c->doc);
	c->doc = yyjson_read_opts(j->buf, j->len,
				  YYJSON_READ_INSITU |
					  YYJSON_READ_ALLOW_INVALID_UNICODE,
				  c->alc, &rerr);
	if (!c->doc)
		IR_BUG("row JSON did not parse: %s", rerr.msg);
	*out = yyjson_doc_get_root(c->doc);
	if (c->ad_col >= 0)
		return fill_raw_cell(c, row, *out, err);
	return 1;
}

int
ir_csvrec_next(struct ir_csvrec *c, yyjson_val **out, uint64_t *line,
	       struct ir_err *err)
{
	struct ir_csv_row row;
	int ret;

	for (;;) {
		*line = 0;
		ret = ir_csv_next(c->csv, &row, err);
		if (ret <= 0)
			return ret;
		*line = row.line + c->line_base;
		if (is_blank_row(&row))
			continue;
		if (!c->have_header) {
			take_header(c, &row);
			continue;
		}
		break;
	}
	if (row.n != c->ncols)
		return ir_err_set(err, IR_EPARSE,
				  "row has %zu fields, the header has %zu",
				  row.n, c->ncols);
	if (c->want && c->op_col >= 0 &&
	    !c->want(row.field[c->op_col].ptr, row.field[c->op_col].len,
		     c->want_payload))
		return 2;
	return build(c, &row, out, err);
}
