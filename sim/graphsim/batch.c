/* SPDX-License-Identifier: MIT */
/*
 * batch.c - JSON batching: POST /v1.0/$batch and /beta/$batch
 * (concepts/json-batching.md; api-map.md §D.1; api-examples/graph/
 * batch.POST.v1.request.json and .response.json).
 *
 * Each item runs through the same routing table as a request off the
 * wire (gs_dispatch), as a struct gs_req with no connection: its query
 * and headers come from the item, its Authorization (and Host, for
 * nextLinks) from the outer request, so every item is checked against
 * the same permissions. The whole batch is checked before any item runs,
 * so a malformed batch (not JSON, no "requests", more than 20 items, a
 * missing or repeated id, a body without a Content-Type header, a
 * dependsOn naming an unknown id or a cycle) is one 400 and changes
 * nothing. Then items run in an order that honours dependsOn; an item
 * whose dependency did not succeed (2xx) is not run and gets 424.
 *
 * The service "might" answer out of order and clients must match by id,
 * so the answers come back out of order on purpose, but always the same
 * way: the items at odd positions (1, 3, ...) first, then the even ones.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <ctype.h>

#define BATCH_MAX 20

struct item {
	const char *id;
	yyjson_val *v;
	yyjson_val *deps;
	bool done;
	unsigned status;
	yyjson_mut_val *out;
};

const char *
gs_sub_lookup(const struct gs_req *req, bool header, const char *name)
{
	const struct gs_sub *s = req->sub;
	char **kv = header ? s->headers : s->query;
	size_t n = header ? s->nheaders : s->nquery;

	if (header && gs_str_eq_ci(name, "Authorization"))
		return gs_header(s->outer, name);
	for (size_t i = 0; i + 1 < 2 * n; i += 2)
		if (header ? gs_str_eq_ci(kv[i], name) : !strcmp(kv[i], name))
			return kv[i + 1];
	return header && gs_str_eq_ci(name, "Host") ? gs_header(s->outer, name)
						    : NULL;
}

static bool
bad(struct gs_resp *resp, const struct gs_req *req, const char *msg)
{
	gs_graph_error(resp, req, 400, "BadRequest", "%s", msg);
	return false;
}

static struct item *
find(struct item *it, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(it[i].id, id))
			return &it[i];
	return NULL;
}

/* One item's own shape (json-batching.md "Request format"). */
static bool
check_item(struct item *it, size_t i, yyjson_val *v, struct gs_resp *resp,
	   const struct gs_req *req)
{
	yyjson_val *h;

	if (!yyjson_is_obj(v) || !yyjson_is_str(yyjson_obj_get(v, "id")) ||
	    !*yyjson_get_str(yyjson_obj_get(v, "id")))
		return bad(resp, req, "Every request in a batch needs an id.");
	it[i].id = yyjson_get_str(yyjson_obj_get(v, "id"));
	it[i].v = v;
	it[i].deps = yyjson_obj_get(v, "dependsOn");
	if (find(it, i, it[i].id))
		return bad(resp, req, "Request ids must be unique in a batch.");
	if (!yyjson_is_str(yyjson_obj_get(v, "method")) ||
	    !yyjson_is_str(yyjson_obj_get(v, "url")))
		return bad(resp, req, "Every request in a batch needs a method "
			   "and a url.");
	h = yyjson_obj_get(v, "headers");
	if (yyjson_obj_get(v, "body") &&
	    !yyjson_is_str(yyjson_obj_get(h, "Content-Type")) &&
	    !yyjson_is_str(yyjson_obj_get(h, "content-type")))
		return bad(resp, req, "A request with a body needs a "
			   "Content-Type header.");
	if (it[i].deps && !yyjson_is_arr(it[i].deps))
		return bad(resp, req, "dependsOn must be an array of ids.");
	return true;
}

static bool
deps_done(struct item *it, size_t n, const struct item *x)
{
	size_t i, max;
	yyjson_val *d;

	yyjson_arr_foreach(x->deps, i, max, d) {
		struct item *y = find(it, n, yyjson_get_str(d));

		if (!y->done)
			return false;
	}
	return true;
}

/* Every dependsOn names a known id and there is no cycle. */
static bool
check_deps(struct item *it, size_t n, struct gs_resp *resp,
	   const struct gs_req *req)
{
	size_t i, max, left = n;
	yyjson_val *d;
	bool progress = true;

	for (size_t k = 0; k < n; k++)
		yyjson_arr_foreach(it[k].deps, i, max, d)
			if (!yyjson_is_str(d) ||
			    !find(it, n, yyjson_get_str(d)) ||
			    !strcmp(yyjson_get_str(d), it[k].id))
				return bad(resp, req, "dependsOn names a "
					   "request that is not in the batch.");
	while (left && progress) {
		progress = false;
		for (size_t k = 0; k < n; k++)
			if (!it[k].done && deps_done(it, n, &it[k])) {
				it[k].done = progress = true;
				left--;
			}
	}
	for (size_t k = 0; k < n; k++)
		it[k].done = false;
	return left ? bad(resp, req, "The dependsOn of the batch has a "
			  "cycle.") : true;
}

/* Split "a=1&b=2" into decoded name, value pairs. */
static void
split_query(struct gs_sub *s, const char *q)
{
	while (q && *q) {
		size_t len = strcspn(q, "&"), nlen = strcspn(q, "=&");
		char *name = xstrndup(q, nlen);
		char *val = xstrndup(q + (nlen < len ? nlen + 1 : len),
				     nlen < len ? len - nlen - 1 : 0);

		s->query = xrealloc(s->query,
				    2 * (s->nquery + 1) * sizeof(*s->query));
		s->query[2 * s->nquery] = gs_form_unescape(name);
		s->query[2 * s->nquery + 1] = gs_form_unescape(val);
		s->nquery++;
		q += len;
		if (*q)
			q++;
	}
}

static void
take_headers(struct gs_sub *s, yyjson_val *h)
{
	size_t i, max;
	yyjson_val *k, *v;

	if (!yyjson_is_obj(h))
		return;
	yyjson_obj_foreach(h, i, max, k, v) {
		if (!yyjson_is_str(v))
			continue;
		s->headers = xrealloc(s->headers, 2 * (s->nheaders + 1) *
						     sizeof(*s->headers));
		s->headers[2 * s->nheaders] = xstrdup(yyjson_get_str(k));
		s->headers[2 * s->nheaders + 1] = xstrdup(yyjson_get_str(v));
		s->nheaders++;
	}
}

/* %XX-decode a path in place ('+' stays: it is literal in a path). */
static char *
path_unescape(char *s)
{
	char *w = s, hex[3] = { 0 };

	for (char *r = s; *r; r++) {
		if (*r == '%' && isxdigit((unsigned char)r[1]) &&
		    isxdigit((unsigned char)r[2])) {
			hex[0] = r[1];
			hex[1] = r[2];
			*w++ = (char)strtol(hex, NULL, 16);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

static void
sub_release(struct gs_sub *s, struct gs_req *sub, char *path)
{
	for (size_t i = 0; i < 2 * s->nquery; i++)
		free(s->query[i]);
	for (size_t i = 0; i < 2 * s->nheaders; i++)
		free(s->headers[i]);
	free(s->query);
	free(s->headers);
	for (size_t i = 0; i < sub->nparams; i++)
		free(sub->params[i]);
	ir_buf_release(&sub->body);
	free(sub->uri);
	free(path);
}

/* The item's body as the handler reads it: JSON text, or the string. */
static void
take_body(struct ir_buf *out, yyjson_val *body)
{
	char *json;

	ir_buf_init(out);
	if (yyjson_is_str(body)) {
		ir_buf_addstr(out, yyjson_get_str(body));
	} else if (body) {
		json = yyjson_val_write(body, 0, NULL);
		ir_buf_addstr(out, json ? json : "");
		free(json);
	}
}

/* Run one item through the routing table; its answer in `r`. */
static void
run(struct gs_server *gs, struct gs_req *outer, const char *version,
    const struct item *x, struct gs_resp *r)
{
	struct gs_sub s = { .outer = outer };
	struct gs_req sub = { 0 };
	const char *url = yyjson_get_str(yyjson_obj_get(x->v, "url"));
	char *path, method[16];
	size_t i;

	while (*url == '/')
		url++;
	sub.sub = &s;
	sub.uri = xmalloc(strlen(version) + strlen(url) + 3);
	snprintf(sub.uri, strlen(version) + strlen(url) + 3, "/%s/%s",
		 version, url);
	path = xstrndup(sub.uri, strcspn(sub.uri, "?"));
	sub.path = path_unescape(path);
	split_query(&s, strchr(sub.uri, '?') ? strchr(sub.uri, '?') + 1 : "");
	take_headers(&s, yyjson_obj_get(x->v, "headers"));
	snprintf(method, sizeof(method), "%s",
		 yyjson_get_str(yyjson_obj_get(x->v, "method")));
	for (i = 0; method[i]; i++)
		method[i] = (char)toupper((unsigned char)method[i]);
	sub.method = method;
	take_body(&sub.body, yyjson_obj_get(x->v, "body"));
	gs_guid(gs, sub.request_id);
	snprintf(sub.client_request_id, sizeof(sub.client_request_id), "%s",
		 outer->client_request_id);
	if (strstr(sub.path, "$batch"))
		gs_graph_error(r, &sub, 400, "BadRequest",
			       "A batch cannot contain another batch.");
	else
		gs_dispatch(gs, &sub, r);
	sub_release(&s, &sub, path);
}

/*
 * x-ms-resource-unit, the identity-and-access cost (api-map.md §D.3):
 * base 1, 2 for a users or applications list; $select -1, $top under 20
 * -1; at least 1. Outlook and Exchange paths have no such header.
 */
static unsigned
resource_unit(const char *url)
{
	size_t plen = strcspn(url, "?");
	const char *q = url + plen;
	char *path = xstrndup(url, plen);
	int cost = 1;
	bool outlook = strstr(path, "mailFolders") || strstr(path, "adminapi");

	free(path);
	if (outlook)
		return 0;
	if ((plen >= 5 && !memcmp(url + plen - 5, "users", 5)) ||
	    (plen >= 12 && !memcmp(url + plen - 12, "applications", 12)))
		cost = 2;
	if (strstr(q, "$select="))
		cost--;
	if (strstr(q, "$top=") && strtol(strstr(q, "$top=") + 5, NULL, 10) < 20)
		cost--;
	return cost < 1 ? 1 : (unsigned)cost;
}

/*
 * {"id","status","headers","body"} from a handler's answer, with the
 * headers the example's items carry (batch.POST.v1.response.json).
 */
static yyjson_mut_val *
item_json(yyjson_mut_doc *doc, const struct item *x, struct gs_resp *r)
{
	yyjson_mut_val *o = yyjson_mut_obj(doc), *h = yyjson_mut_obj(doc);
	unsigned ru = resource_unit(yyjson_get_str(yyjson_obj_get(x->v,
								 "url")));
	yyjson_doc *b;
	char num[16];

	yyjson_mut_obj_add_strcpy(doc, o, "id", x->id);
	yyjson_mut_obj_add_uint(doc, o, "status", r->status);
	yyjson_mut_obj_add_str(doc, h, "Cache-Control", "no-cache");
	if (ru) {
		snprintf(num, sizeof(num), "%u", ru);
		yyjson_mut_obj_add_strcpy(doc, h, "x-ms-resource-unit", num);
	}
	if (r->content_type && r->status < 300)
		yyjson_mut_obj_add_str(doc, h, "OData-Version", "4.0");
	if (r->content_type)
		yyjson_mut_obj_add_strcpy(doc, h, "Content-Type",
					  r->content_type);
	for (size_t i = 0; i < r->nheaders; i++)
		yyjson_mut_obj_add_strcpy(doc, h, r->headers[i].name,
					  r->headers[i].value);
	yyjson_mut_obj_add_val(doc, o, "headers", h);
	if (!r->content_type)
		return o;
	b = yyjson_read(r->body.buf, r->body.len, 0);
	if (b)
		yyjson_mut_obj_add_val(doc, o, "body", yyjson_val_mut_copy(doc,
				       yyjson_doc_get_root(b)));
	else
		yyjson_mut_obj_add_strncpy(doc, o, "body", r->body.buf,
					   r->body.len);
	yyjson_doc_free(b);
	return o;
}

static bool
dep_failed(struct item *it, size_t n, const struct item *x)
{
	size_t i, max;
	yyjson_val *d;

	yyjson_arr_foreach(x->deps, i, max, d) {
		const struct item *y = find(it, n, yyjson_get_str(d));

		if (y->status < 200 || y->status > 299)
			return true;
	}
	return false;
}

static void
run_one(struct gs_server *gs, struct gs_req *req, const char *version,
	struct item *it, size_t n, struct item *x, yyjson_mut_doc *doc)
{
	struct gs_resp r;

	gs_resp_init(&r);
	if (dep_failed(it, n, x))
		gs_graph_error(&r, req, 424, "FailedDependency",
			       "A request this request depends on failed.");
	else
		run(gs, req, version, x, &r);
	x->status = r.status;
	x->out = item_json(doc, x, &r);
	x->done = true;
	gs_resp_release(&r);
}

static void
run_all(struct gs_server *gs, struct gs_req *req, struct item *it,
	size_t n, struct gs_resp *resp)
{
	const char *version = strncmp(req->path, "/beta/", 6) ? "v1.0" : "beta";
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc), *arr = yyjson_mut_arr(doc);
	size_t left = n;

	/* check_deps() showed this terminates. */
	while (left)
		for (size_t k = 0; k < n; k++)
			if (!it[k].done && deps_done(it, n, &it[k])) {
				run_one(gs, req, version, it, n, &it[k], doc);
				left--;
			}
	for (size_t k = 1; k < n; k += 2)
		yyjson_mut_arr_append(arr, it[k].out);
	for (size_t k = 0; k < n; k += 2)
		yyjson_mut_arr_append(arr, it[k].out);
	yyjson_mut_obj_add_val(doc, root, "responses", arr);
	gs_resp_json(resp, 200, doc, root);
	yyjson_mut_doc_free(doc);
}

void
gs_batch_post(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_doc *in = yyjson_read(req->body.buf, req->body.len, 0);
	yyjson_val *reqs = yyjson_obj_get(yyjson_doc_get_root(in), "requests");
	size_t n = yyjson_arr_size(reqs), i, max;
	struct item *it = NULL;
	yyjson_val *v;
	bool ok = true;

	if (!yyjson_is_arr(reqs))
		ok = bad(resp, req, "Invalid batch payload format.");
	else if (n > BATCH_MAX)
		ok = bad(resp, req, "Limit of 20 requests exceeded in a "
			 "batch.");
	if (ok) {
		it = xcalloc(n ? n : 1, sizeof(*it));
		yyjson_arr_foreach(reqs, i, max, v)
			if (!(ok = check_item(it, i, v, resp, req)))
				break;
	}
	if (ok && check_deps(it, n, resp, req))
		run_all(gs, req, it, n, resp);
	free(it);
	yyjson_doc_free(in);
}
