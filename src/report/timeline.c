/* SPDX-License-Identifier: MIT */
/*
 * timeline.c - timeline.csv: every event of the users the findings name,
 * not only the matching ones, in time order, so an investigator sees
 * what the attacker did between the sign-in and the inbox rule.
 *
 * Input arrives in file order (several files, each in its export's
 * order, often newest first), so rows must be sorted. They are kept in
 * memory as finished CSV lines: the flagged users are few and their
 * events a small part of an export. Memory is still bounded: past
 * `max_sorted` rows the rows held so far are written in file order and
 * the rest streamed as they arrive; ir_timeline_sorted() then says so
 * and the summary tells the reader.
 *
 * Every field goes through ir_csv_quote() (operations, parameters and
 * user names are attacker-influenced). Params are one compact JSON
 * object: name -> string, or list of strings.
 */
#include "util/compat.h"

#include <yyjson.h>

#include "util/csv.h"
#include "util/hashset.h"
#include "util/xalloc.h"
#include "report/report.h"

struct tl_row {
	struct ir_time time;
	bool has_time;
	uint64_t seq; /* arrival order: ties keep file order */
	char *line;
	size_t len;
};

struct ir_timeline {
	FILE *fp;
	size_t max_sorted;
	struct ir_hashset user_hashes;
	char **users;
	size_t nusers, users_alloc;
	struct tl_row *rows;
	size_t nrows, rows_alloc;
	uint64_t seq, written;
	bool streaming, header_done;
	struct ir_buf line;
};

#define USER_SEED 0x74696d656c696e65ULL

struct ir_timeline *
ir_timeline_new(FILE *fp, size_t max_sorted)
{
	struct ir_timeline *tl = xcalloc(1, sizeof(*tl));

	tl->fp = fp;
	tl->max_sorted = max_sorted;
	ir_buf_init(&tl->line);
	return tl;
}

void
ir_timeline_free(struct ir_timeline *tl)
{
	if (!tl)
		return;
	for (size_t i = 0; i < tl->nusers; i++)
		free(tl->users[i]);
	for (size_t i = 0; i < tl->nrows; i++)
		free(tl->rows[i].line);
	free(tl->users);
	free(tl->rows);
	ir_hashset_release(&tl->user_hashes);
	ir_buf_release(&tl->line);
	free(tl);
}

void
ir_timeline_add_user(struct ir_timeline *tl, const char *user)
{
	if (ir_timeline_has_user(tl, user))
		return;
	ir_hashset_add(&tl->user_hashes,
		       ir_hash64(user, strlen(user), USER_SEED));
	IR_ALLOC_GROW(tl->users, tl->nusers + 1, tl->users_alloc);
	tl->users[tl->nusers++] = xstrdup(user);
}

bool
ir_timeline_has_user(const struct ir_timeline *tl, const char *user)
{
	if (!user ||
	    !ir_hashset_has(&tl->user_hashes,
			    ir_hash64(user, strlen(user), USER_SEED)))
		return false;
	for (size_t i = 0; i < tl->nusers; i++)
		if (!strcmp(tl->users[i], user))
			return true;
	return false;
}

static void
field(struct ir_buf *out, const char *s, size_t len, bool last)
{
	if (s)
		ir_csv_quote(out, s, len);
	ir_buf_addstr(out, last ? "\r\n" : ",");
}

static void
str_field(struct ir_buf *out, const char *s)
{
	field(out, s, s ? strlen(s) : 0, false);
}

static void
params_json(struct ir_buf *out, const struct ir_event *ev)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *o = yyjson_mut_obj(doc);
	size_t len;
	char *json;

	yyjson_mut_doc_set_root(doc, o);
	for (size_t i = 0; i < ev->nparams; i++) {
		const struct ir_param *p = &ev->params[i];
		yyjson_mut_val *v;

		if (p->is_list) {
			v = yyjson_mut_arr(doc);
			for (size_t j = 0; j < p->nitems; j++)
				yyjson_mut_arr_add_strncpy(doc, v,
							   p->items[j].ptr,
							   p->items[j].len);
		} else {
			v = yyjson_mut_strncpy(doc, p->value.ptr,
					       p->value.len);
		}
		yyjson_mut_obj_add(o, yyjson_mut_strcpy(doc, p->name), v);
	}
	json = yyjson_mut_write(doc, YYJSON_WRITE_ALLOW_INVALID_UNICODE, &len);
	if (!json)
		IR_BUG("yyjson could not write event params");
	ir_buf_add(out, json, len);
	free(json);
	yyjson_mut_doc_free(doc);
}

void
ir_timeline_header(struct ir_buf *out)
{
	/* If you add a column, add it to ir_timeline_row() and the man page. */
	ir_buf_addstr(out, "time,user,operation,client_ip,client_port,result,"
			   "failed,workload,record_type,source,file,record,"
			   "id,params\r\n");
}

void
ir_timeline_row(struct ir_buf *out, const struct ir_event *ev)
{
	struct ir_buf params = IR_BUF_INIT;
	char num[IR_TIME_MAX];

	if (ev->has_time)
		ir_time_format(num, ev->time);
	str_field(out, ev->has_time ? num : NULL);
	str_field(out, ev->user);
	str_field(out, ev->operation);
	str_field(out, ev->client_ip);
	if (ev->client_port >= 0)
		snprintf(num, sizeof(num), "%d", ev->client_port);
	str_field(out, ev->client_port >= 0 ? num : NULL);
	str_field(out, ev->result);
	/*
	 * `result` is the source's own word, and the UAL writes "Success" on
	 * UserLoginFailed records (the logging succeeded); `failed` is the
	 * outcome read from the result and the error code, so a timeline
	 * reader is not misled.
	 */
	str_field(out, ir_event_failed(ev) ? "true" : "false");
	str_field(out, ev->workload);
	str_field(out, ev->record_type);
	str_field(out, ev->source);
	str_field(out, ev->file);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ev->record);
	str_field(out, num);
	str_field(out, ev->id);
	params_json(&params, ev);
	field(out, params.buf, params.len, true);
	ir_buf_release(&params);
}

static void
write_header(struct ir_timeline *tl)
{
	struct ir_buf h = IR_BUF_INIT;

	if (tl->header_done)
		return;
	ir_timeline_header(&h);
	fwrite(h.buf, 1, h.len, tl->fp);
	ir_buf_release(&h);
	tl->header_done = true;
}

static void
flush_rows(struct ir_timeline *tl)
{
	write_header(tl);
	for (size_t i = 0; i < tl->nrows; i++) {
		fwrite(tl->rows[i].line, 1, tl->rows[i].len, tl->fp);
		free(tl->rows[i].line);
	}
	tl->written += tl->nrows;
	tl->nrows = 0;
}

void
ir_timeline_event(struct ir_timeline *tl, const struct ir_event *ev)
{
	struct tl_row *r;

	if (!ir_timeline_has_user(tl, ev->user))
		return;
	ir_buf_reset(&tl->line);
	ir_timeline_row(&tl->line, ev);
	if (tl->streaming) {
		fwrite(tl->line.buf, 1, tl->line.len, tl->fp);
		tl->written++;
		return;
	}
	IR_ALLOC_GROW(tl->rows, tl->nrows + 1, tl->rows_alloc);
	r = &tl->rows[tl->nrows++];
	r->time = ev->time;
	r->has_time = ev->has_time;
	r->seq = tl->seq++;
	r->line = xmemdupz(tl->line.buf, tl->line.len);
	r->len = tl->line.len;
	if (tl->nrows > tl->max_sorted) {
		/* Too many to sort in memory: give up order, keep every row. */
		tl->streaming = true;
		flush_rows(tl);
	}
}

static int
cmp_row(const void *pa, const void *pb)
{
	const struct tl_row *a = pa, *b = pb;
	int c;

	if (a->has_time != b->has_time)
		return a->has_time ? -1 : 1;
	if (a->has_time && (c = ir_time_cmp(a->time, b->time)))
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
ir_timeline_finish(struct ir_timeline *tl)
{
	if (!tl->streaming && tl->nrows > 1)
		qsort(tl->rows, tl->nrows, sizeof(*tl->rows), cmp_row);
	flush_rows(tl);
}

uint64_t
ir_timeline_rows(const struct ir_timeline *tl)
{
	return tl->written;
}

bool
ir_timeline_sorted(const struct ir_timeline *tl)
{
	return !tl->streaming;
}
