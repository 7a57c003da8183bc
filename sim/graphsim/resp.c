/* SPDX-License-Identifier: MIT */
/*
 * resp.c - building answers, and the two error shapes.
 *
 * Graph and the identity platform disagree on how an error looks, and a
 * client branches on these fields, so each shape is built in exactly one
 * place:
 *   Graph (concepts/errors.md; api-examples/graph/error.example.json):
 *     {"error":{"code","message","innerError":{"date","request-id",
 *     "client-request-id"}}}
 *   identity platform (v2-oauth2-client-creds-grant-flow.md;
 *   api-examples/identity/token.error.invalid_scope.response.json):
 *     {"error","error_description","error_codes":[n],"timestamp",
 *     "trace_id","correlation_id"}, the description ending in the
 *     "Trace ID / Correlation ID / Timestamp" lines the service appends.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <stdarg.h>

void
gs_resp_init(struct gs_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	ir_buf_init(&resp->body);
	resp->status = 500;
}

void
gs_resp_release(struct gs_resp *resp)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		free(resp->headers[i].value);
	ir_buf_release(&resp->body);
}

void
gs_resp_header(struct gs_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == GS_HEADERS_MAX)
		IR_BUG("more than %d response headers", GS_HEADERS_MAX);
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = xstrdup(value);
	resp->nheaders++;
}

void
gs_resp_json(struct gs_resp *resp, unsigned status, yyjson_mut_doc *doc,
	     yyjson_mut_val *root)
{
	size_t len;
	char *json = yyjson_mut_val_write(root, 0, &len);

	(void)doc;
	if (!json)
		IR_BUG("yyjson could not write a response");
	ir_buf_reset(&resp->body);
	ir_buf_add(&resp->body, json, len);
	free(json);
	resp->status = status;
	/* What Graph sends for a JSON body (OData minimal metadata). */
	resp->content_type = "application/json;odata.metadata=minimal;"
			     "odata.streaming=true;IEEE754Compatible=false;"
			     "charset=utf-8";
}

void
gs_graph_error(struct gs_resp *resp, const struct gs_req *req,
	       unsigned status, const char *code, const char *fmt, ...)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);
	yyjson_mut_val *e = yyjson_mut_obj(doc);
	yyjson_mut_val *inner = yyjson_mut_obj(doc);
	char date[40], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gs_format_time(date, gs_now());
	yyjson_mut_doc_set_root(doc, root);
	yyjson_mut_obj_add_val(doc, root, "error", e);
	yyjson_mut_obj_add_strcpy(doc, e, "code", code);
	yyjson_mut_obj_add_strcpy(doc, e, "message", msg);
	yyjson_mut_obj_add_val(doc, e, "innerError", inner);
	yyjson_mut_obj_add_strcpy(doc, inner, "date", date);
	yyjson_mut_obj_add_strcpy(doc, inner, "request-id", req->request_id);
	yyjson_mut_obj_add_strcpy(doc, inner, "client-request-id",
				  req->client_request_id);
	gs_resp_json(resp, status, doc, root);
	yyjson_mut_doc_free(doc);
}

/* "2016-01-09 02:02:12Z": the identity platform's own timestamp form. */
static void
token_timestamp(char out[40])
{
	char iso[40];

	gs_format_time(iso, gs_now());
	iso[10] = ' ';
	snprintf(out, 40, "%s", iso);
}

void
gs_token_error(struct gs_resp *resp, const struct gs_req *req,
	       unsigned status, const char *error, long aadsts,
	       const char *fmt, ...)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);
	yyjson_mut_val *codes = yyjson_mut_arr(doc);
	struct ir_buf desc = IR_BUF_INIT;
	char ts[40], tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	token_timestamp(ts);
	ir_buf_addf(&desc, "AADSTS%ld: %s\r\nTrace ID: %s\r\n"
		    "Correlation ID: %s\r\nTimestamp: %s", aadsts, tmp,
		    req->request_id, req->client_request_id, ts);
	yyjson_mut_doc_set_root(doc, root);
	yyjson_mut_obj_add_strcpy(doc, root, "error", error);
	yyjson_mut_obj_add_strcpy(doc, root, "error_description", desc.buf);
	yyjson_mut_arr_add_int(doc, codes, aadsts);
	yyjson_mut_obj_add_val(doc, root, "error_codes", codes);
	yyjson_mut_obj_add_strcpy(doc, root, "timestamp", ts);
	yyjson_mut_obj_add_strcpy(doc, root, "trace_id", req->request_id);
	yyjson_mut_obj_add_strcpy(doc, root, "correlation_id",
				  req->client_request_id);
	gs_resp_json(resp, status, doc, root);
	resp->content_type = "application/json; charset=utf-8";
	yyjson_mut_doc_free(doc);
	ir_buf_release(&desc);
}
