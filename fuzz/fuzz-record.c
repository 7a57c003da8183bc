/* SPDX-License-Identifier: MIT */
/*
 * fuzz-record.c - the normalizer on arbitrary JSON: the input is parsed
 * with yyjson and every object in it (the root, or each element of a root
 * array, through one normalizer so per-record reuse is exercised) is
 * classified and normalized, once as JSON and once as if from a CSV row.
 * Must not crash, and the event must keep its contract: known return
 * codes, a message on IR_EPARSE, strings readable where set, a port in
 * -1..65535, list params whose items join to their value. The event is
 * also written as JSON, which touches every pointer it holds.
 */
#include "util/compat.h"

#include "util/err.h"
#include "logs/event.h"
#include "logs/logs-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_event(const struct ir_event *ev, struct ir_buf *out)
{
	const char *s[] = {ev->source,	 ev->file,	  ev->id,
			   ev->workload, ev->record_type, ev->operation,
			   ev->user,	 ev->client_ip,	  ev->result,
			   ev->object};
	size_t sum = 0;

	if (!ev->source || !ev->file || ev->client_port < -1 ||
	    ev->client_port > 65535)
		abort();
	for (size_t i = 0; i < IR_ARRAY_SIZE(s); i++)
		sum += s[i] ? strlen(s[i]) : 0;
	for (size_t i = 0; i < ev->nparams; i++) {
		const struct ir_param *p = &ev->params[i];
		size_t len = 0;

		if (!p->name || !p->value.ptr || (p->nitems && !p->items))
			abort();
		for (size_t j = 0; j < p->nitems; j++)
			len += p->items[j].len + (j > 0);
		if (p->is_list && len != p->value.len)
			abort();
	}
	ir_buf_reset(out);
	ir_event_write_json(out, ev);
	(void)sum;
}

static void
one(struct ir_norm *n, yyjson_val *obj, bool csv, struct ir_buf *out)
{
	struct ir_norm_input in = {obj, csv, 1, 0};
	struct ir_err err = IR_ERR_INIT;
	struct ir_event ev;
	int ret;

	(void)ir_logs__classify(obj);
	ret = ir_logs__normalize(n, &ev, &in, NULL, NULL, &err);
	if (ret == 1)
		check_event(&ev, out);
	else if (ret != IR_EPARSE || !err.msg[0])
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yyjson_doc *doc = yyjson_read((const char *)data, size, 0);
	struct ir_norm *n = ir_logs__norm_new("fuzz.json");
	struct ir_buf out = IR_BUF_INIT;
	yyjson_val *root = yyjson_doc_get_root(doc), *v;
	size_t i, max;

	if (yyjson_is_arr(root)) {
		yyjson_arr_foreach(root, i, max, v)
		{
			one(n, v, false, &out);
			one(n, v, true, &out);
		}
	} else if (root) {
		one(n, root, false, &out);
		one(n, root, true, &out);
	}
	ir_buf_release(&out);
	ir_logs__norm_free(n);
	yyjson_doc_free(doc);
	return 0;
}
