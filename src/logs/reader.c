/* SPDX-License-Identifier: MIT */
/*
 * reader.c - ir_reader: one file in, normalized events out (logs.h).
 *
 * Glue between the framing (input.c sniffs the format, jsonframe.c and
 * csvrec.c find the records) and the normalizer (logs-internal.h). The
 * reader owns the numbering: a record is every object that could be an
 * event, so each element of a container (a Graph page's `value`, the
 * per-blob arrays of a Management API pull) counts as one record, and
 * records = events + failed + skipped always holds.
 *
 * Every problem with a record comes out as IR_EPARSE with the message
 * "FILE: record N (line L): reason" and reading goes on; only an I/O error
 * ends a file early (stats.truncated).
 */
#include "util/compat.h"

#include <inttypes.h>

#include "util/xalloc.h"
#include "logs/input.h"
#include "logs/logs-internal.h"

#define KEYS_SHOWN 6

struct ir_reader {
	struct ir_input in;
	enum ir_format format;
	struct ir_jframe *jf;
	struct ir_csvrec *cr;
	struct ir_norm *norm;
	struct ir_reader_opts opts;
	struct ir_file_stats stats;
	uint64_t csv_base;   /* bytes consumed before the CSV reader began */
	struct ir_event ev;
	/* Elements of the current container or array, one per call. */
	yyjson_obj_iter oit;
	yyjson_arr_iter ait;
	bool obj_active, arr_active;
	bool classify_elems; /* a plain array: elements may be anything */
	uint64_t elem_line;
	bool done;
};

int
ir_format_parse(enum ir_format *out, const char *name, struct ir_err *err)
{
	if (!strcmp(name, "auto"))
		*out = IR_FORMAT_AUTO;
	else if (!strcmp(name, "csv"))
		*out = IR_FORMAT_CSV;
	else if (!strcmp(name, "json"))
		*out = IR_FORMAT_JSON;
	else
		return ir_err_set(err, IR_EUSAGE,
				  "unknown format '%s' (choose auto, csv or "
				  "json)", name);
	return 0;
}

/*
 * Nothing but white space (a search that matched no records): say
 * "empty" rather than name a format the file never showed.
 */
static bool
input_blank(const struct ir_input *in)
{
	if (!in->eof)
		return false;
	for (size_t i = in->pos; i < in->end; i++)
		if (!memchr(" \t\r\n", in->buf[i], 4))
			return false;
	return true;
}

static int
start_framer(struct ir_reader *r, struct ir_err *err)
{
	uint64_t skipped;
	int ret;

	ret = ir_input_sniff(&r->format, &r->in, r->opts.format, &skipped,
			     err);
	if (ret < 0)
		return ret;
	if (r->format == IR_FORMAT_JSON) {
		r->jf = ir_jframe_new(&r->in);
		r->stats.format = input_blank(&r->in) ? "empty" : "json";
		return 0;
	}
	r->stats.format = "csv";
	r->csv_base = ir_input_consumed(&r->in);
	return ir_csvrec_new(&r->cr, &r->in, skipped, r->opts.want,
			     r->opts.want_payload, err);
}

int
ir_logs__reader_open_ex(struct ir_reader **out, const char *path,
			const void *mem, size_t memlen, size_t chunk,
			size_t max_record, const struct ir_reader_opts *opts,
			struct ir_err *err)
{
	struct ir_reader *r = xcalloc(1, sizeof(*r));
	int ret;

	if (mem)
		ir_input_open_mem(&r->in, path, mem, memlen);
	else if ((ret = ir_input_open(&r->in, path, err)) < 0)
		goto fail;
	if (chunk)
		r->in.chunk = chunk;
	if (max_record)
		r->in.max_record = max_record;
	if (opts)
		r->opts = *opts;
	r->stats.file = path;
	if ((ret = start_framer(r, err)) < 0)
		goto fail;
	r->norm = ir_logs__norm_new(path);
	*out = r;
	return 0;
fail:
	ir_reader_free(r);
	return ret;
}

int
ir_reader_open(struct ir_reader **out, const char *path,
	       const struct ir_reader_opts *opts, struct ir_err *err)
{
	return ir_logs__reader_open_ex(out, path, NULL, 0, 0, 0, opts, err);
}

int
ir_logs__reader_open_mem(struct ir_reader **out, const char *name,
			 const void *data, size_t len,
			 const struct ir_reader_opts *opts, struct ir_err *err)
{
	return ir_logs__reader_open_ex(out, name, data ? data : "", len, 0, 0,
				       opts, err);
}

void
ir_reader_free(struct ir_reader *r)
{
	if (!r)
		return;
	ir_jframe_free(r->jf);
	ir_csvrec_free(r->cr);
	if (r->norm)
		ir_logs__norm_free(r->norm);
	ir_input_release(&r->in);
	free(r);
}

const struct ir_file_stats *
ir_reader_stats(const struct ir_reader *r)
{
	return &r->stats;
}

/* Count a failed record and put "FILE: record N (line L): " in front. */
static int
fail_record(struct ir_reader *r, uint64_t line, struct ir_err *err)
{
	r->stats.failed++;
	if (line)
		ir_err_prefix(err, "%s: record %" PRIu64 " (line %" PRIu64
			      "): ", r->stats.file, r->stats.records, line);
	else
		ir_err_prefix(err, "%s: record %" PRIu64 ": ", r->stats.file,
			      r->stats.records);
	if (err)
		err->code = IR_EPARSE;
	return IR_EPARSE;
}

/* Normalize one record: 1 event, 0 declined by the prefilter, IR_EPARSE. */
static int
deliver(struct ir_reader *r, yyjson_val *obj, uint64_t line,
	const struct ir_event **out, struct ir_err *err)
{
	struct ir_norm_input ni = {
		.obj = obj,
		.from_csv = r->format == IR_FORMAT_CSV,
		.record = r->stats.records,
		.line = line,
	};
	ir_want_fn want = r->opts.want;
	int ret;

	/* A CSV row that passed the prefilter needs no second opinion. */
	if (r->cr && ir_csvrec_prefiltered(r->cr))
		want = NULL;
	memset(&r->ev, 0, sizeof(r->ev));
	r->ev.client_port = -1;
	ret = ir_logs__normalize(r->norm, &r->ev, &ni, want,
				 r->opts.want_payload, err);
	if (ret < 0)
		return fail_record(r, line, err);
	if (!ret) {
		r->stats.skipped++;
		return 0;
	}
	r->ev.file = r->stats.file;
	r->ev.record = r->stats.records;
	r->stats.events++;
	*out = &r->ev;
	return 1;
}

static const char *
json_kind(yyjson_val *v)
{
	switch (yyjson_get_type(v)) {
	case YYJSON_TYPE_ARR:
		return "an array";
	case YYJSON_TYPE_STR:
		return "a string";
	case YYJSON_TYPE_NUM:
		return "a number";
	case YYJSON_TYPE_BOOL:
		return "a boolean";
	case YYJSON_TYPE_NULL:
		return "null";
	default:
		return "an object";
	}
}

/* "not an audit or sign-in record (keys: a, b, c...)" */
static int
unknown_record(struct ir_reader *r, yyjson_val *v, uint64_t line,
	       struct ir_err *err)
{
	struct ir_buf keys = IR_BUF_INIT;
	yyjson_obj_iter it;
	yyjson_val *k;
	size_t n = 0;

	if (!yyjson_is_obj(v)) {
		ir_err_set(err, IR_EPARSE, "not a JSON object but %s",
			   json_kind(v));
		return fail_record(r, line, err);
	}
	yyjson_obj_iter_init(v, &it);
	while ((k = yyjson_obj_iter_next(&it)) && n < KEYS_SHOWN) {
		ir_buf_addf(&keys, "%s%.40s", n++ ? ", " : "",
			    yyjson_get_str(k));
	}
	if (k)
		ir_buf_addstr(&keys, "...");
	ir_err_set(err, IR_EPARSE,
		   "not an audit or sign-in record (%s%s)",
		   n ? "keys: " : "no keys", keys.buf);
	ir_buf_release(&keys);
	return fail_record(r, line, err);
}

static bool
has_object(yyjson_val *arr)
{
	yyjson_arr_iter it;
	yyjson_val *v;

	yyjson_arr_iter_init(arr, &it);
	while ((v = yyjson_arr_iter_next(&it)))
		if (yyjson_is_obj(v))
			return true;
	return false;
}

/*
 * The next element of the container or array being walked, or NULL. In a
 * container only members that are arrays holding objects count: the
 * others (`@odata.nextLink`, a count) are paging data, not records.
 */
static yyjson_val *
next_element(struct ir_reader *r)
{
	yyjson_val *k, *v;

	for (;;) {
		if (r->arr_active) {
			if ((v = yyjson_arr_iter_next(&r->ait)))
				return v;
			r->arr_active = false;
		}
		if (!r->obj_active)
			return NULL;
		if (!(k = yyjson_obj_iter_next(&r->oit))) {
			r->obj_active = false;
			return NULL;
		}
		v = yyjson_obj_iter_get_val(k);
		if (yyjson_is_arr(v) && has_object(v)) {
			yyjson_arr_iter_init(v, &r->ait);
			r->arr_active = true;
		}
	}
}

/* A record candidate: classify when it could be anything, then normalize. */
static int
take(struct ir_reader *r, yyjson_val *v, uint64_t line, bool classify,
     const struct ir_event **out, struct ir_err *err)
{
	enum ir_rec_kind kind = IR_REC_RECORD;

	if (!yyjson_is_obj(v)) {
		r->stats.records++;
		return unknown_record(r, v, line, err);
	}
	if (classify)
		kind = ir_logs__classify(v);
	if (kind == IR_REC_CONTAINER && !r->arr_active && !r->obj_active) {
		yyjson_obj_iter_init(v, &r->oit);
		r->obj_active = true;
		r->classify_elems = false;
		r->elem_line = line;
		return 0;
	}
	r->stats.records++;
	if (kind != IR_REC_RECORD)
		return unknown_record(r, v, line, err);
	return deliver(r, v, line, out, err);
}

/* A top-level JSON value: a record, a container, or an array of them. */
static int
take_top(struct ir_reader *r, yyjson_val *v, uint64_t line,
	 const struct ir_event **out, struct ir_err *err)
{
	if (yyjson_is_arr(v)) {
		yyjson_arr_iter_init(v, &r->ait);
		r->arr_active = true;
		r->classify_elems = true;
		r->elem_line = line;
		return 0;
	}
	return take(r, v, line, true, out, err);
}

static int
next_value(struct ir_reader *r, yyjson_val **v, uint64_t *line,
	   struct ir_err *err)
{
	int ret;

	if (r->jf) {
		ret = ir_jframe_next(r->jf, v, line, err);
		if (strcmp(r->stats.format, "empty"))
			r->stats.format = ir_jframe_format(r->jf);
		r->stats.bytes = ir_input_consumed(&r->in);
		return ret;
	}
	ret = ir_csvrec_next(r->cr, v, line, err);
	r->stats.bytes = r->csv_base + ir_csvrec_bytes(r->cr);
	return ret;
}

static int
end_of_input(struct ir_reader *r, int ret)
{
	r->done = true;
	if (ret == IR_EIO)
		r->stats.truncated = true;
	return ret;
}

/* One record's worth of work: 1 event, 0 nothing to return yet, <0. */
static int
step(struct ir_reader *r, const struct ir_event **out, struct ir_err *err)
{
	yyjson_val *v;
	uint64_t line = 0;
	int ret;

	if ((v = next_element(r)))
		return take(r, v, r->elem_line, r->classify_elems, out, err);
	ret = next_value(r, &v, &line, err);
	switch (ret) {
	case 1:
		if (r->jf)
			return take_top(r, v, line, out, err);
		r->stats.records++;
		return deliver(r, v, line, out, err);
	case 2:
		r->stats.records++;
		r->stats.skipped++;
		return 0;
	case IR_EPARSE:
		r->stats.records++;
		return fail_record(r, line, err);
	default:
		return end_of_input(r, ret);
	}
}

int
ir_reader_next(struct ir_reader *r, const struct ir_event **out,
	       struct ir_err *err)
{
	int ret;

	while (!r->done)
		if ((ret = step(r, out, err)) != 0)
			return ret;
	return 0;
}
