/* SPDX-License-Identifier: MIT */
/*
 * log.c - --log FILE: one JSON object per request, for tests that check
 * what a client sent ("expect-requests" in STYLE.md §4.8).
 *
 * Fields: time, request_id, method, path, query (the raw query string or
 * null), body and status. A JSON body is logged as JSON, a form body or
 * anything else as a string, an empty one as null.
 *
 * Secrets never reach the file: in JSON bodies the value of any key named
 * below is replaced by "***" at any depth; in form bodies and query
 * strings the value of any such parameter is. The Authorization header is
 * never logged at all, so a bearer token cannot leak through it.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <strings.h>

#define MASK "***"

static const char *const secret_keys[] = {
	"client_secret", "client_assertion", "password", "newPassword",
	"secretText", "access_token", "refresh_token", "id_token",
	"device_code", "code", "assertion",
};

static bool
is_secret(const char *key, size_t len)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(secret_keys); i++)
		if (strlen(secret_keys[i]) == len &&
		    !strncasecmp(secret_keys[i], key, len))
			return true;
	return false;
}

static void
mask_json(yyjson_mut_doc *doc, yyjson_mut_val *v)
{
	yyjson_mut_val *k, *val;
	size_t i, n;

	if (yyjson_mut_is_arr(v)) {
		n = yyjson_mut_arr_size(v);
		for (i = 0; i < n; i++)
			mask_json(doc, yyjson_mut_arr_get(v, i));
		return;
	}
	if (!yyjson_mut_is_obj(v))
		return;
	{
		yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(v);

		while ((k = yyjson_mut_obj_iter_next(&it))) {
			val = yyjson_mut_obj_iter_get_val(k);
			if (is_secret(yyjson_mut_get_str(k),
				      yyjson_mut_get_len(k)))
				yyjson_mut_set_str(val, MASK);
			else
				mask_json(doc, val);
		}
	}
}

/* "a=1&client_secret=x" -> "a=1&client_secret=***". */
static char *
mask_form(const char *form)
{
	struct ir_buf out = IR_BUF_INIT;
	const char *p = form;

	while (*p) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);

		if (eq && is_secret(p, (size_t)(eq - p))) {
			ir_buf_add(&out, p, (size_t)(eq - p) + 1);
			ir_buf_addstr(&out, MASK);
		} else {
			ir_buf_add(&out, p, len);
		}
		if (!end)
			break;
		ir_buf_addch(&out, '&');
		p = end + 1;
	}
	return ir_buf_detach(&out, NULL);
}

static yyjson_mut_val *
body_val(yyjson_mut_doc *doc, const struct gs_req *req)
{
	yyjson_doc *in;
	yyjson_mut_val *v;
	char *masked;

	if (!req->body.len)
		return yyjson_mut_null(doc);
	in = yyjson_read(req->body.buf, req->body.len, 0);
	if (in) {
		v = yyjson_val_mut_copy(doc, yyjson_doc_get_root(in));
		yyjson_doc_free(in);
		mask_json(doc, v);
		return v;
	}
	masked = mask_form(req->body.buf);
	v = yyjson_mut_strcpy(doc, masked);
	free(masked);
	return v;
}

void
gs_log_request(struct gs_server *gs, const struct gs_req *req,
	       unsigned status)
{
	yyjson_mut_doc *doc;
	yyjson_mut_val *root;
	const char *q = strchr(req->uri, '?');
	char when[40], *line, *mq;

	if (!gs->log)
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	yyjson_mut_doc_set_root(doc, root);
	gs_format_time(when, gs_now());
	yyjson_mut_obj_add_strcpy(doc, root, "time", when);
	yyjson_mut_obj_add_strcpy(doc, root, "request_id", req->request_id);
	yyjson_mut_obj_add_strcpy(doc, root, "method", req->method);
	yyjson_mut_obj_add_strcpy(doc, root, "path", req->path);
	if (q) {
		mq = mask_form(q + 1);
		yyjson_mut_obj_add_strcpy(doc, root, "query", mq);
		free(mq);
	} else {
		yyjson_mut_obj_add_null(doc, root, "query");
	}
	yyjson_mut_obj_add_val(doc, root, "body", body_val(doc, req));
	yyjson_mut_obj_add_uint(doc, root, "status", status);
	line = yyjson_mut_write(doc, 0, NULL);
	if (line)
		fprintf(gs->log, "%s\n", line);
	fflush(gs->log);
	free(line);
	yyjson_mut_doc_free(doc);
}
