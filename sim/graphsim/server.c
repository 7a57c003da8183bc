/* SPDX-License-Identifier: MIT */
/*
 * server.c - libmicrohttpd glue: accept a request, gather its body, find
 * its route, check its token, run its handler, send and log the answer.
 *
 * The daemon binds 127.0.0.1 only (the simulator holds a whole tenant's
 * worth of secrets and answers anyone who asks) and runs one internal
 * polling thread (epoll where the platform has it), which keeps every
 * handler single-threaded; see graphsim.h.
 *
 * libmicrohttpd calls the access handler several times per request: once
 * when the headers are in, then once per chunk of body, then once more
 * with no data, which is when we answer. The raw URI with its query
 * string only reaches us through the URI log callback, which is also
 * where the per-request struct is born.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void *
req_new(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct gs_server *gs = cls;
	struct gs_req *req = xcalloc(1, sizeof(*req));

	req->conn = conn;
	req->uri = xstrdup(uri);
	ir_buf_init(&req->body);
	ir_buf_limit(&req->body, GS_BODY_MAX);
	gs_guid(gs, req->request_id);
	return req;
}

static void
req_free(void *cls, struct MHD_Connection *conn, void **con_cls,
	 enum MHD_RequestTerminationCode toe)
{
	struct gs_req *req = *con_cls;

	if (!req)
		return;
	gs_knobs_done(cls, req);
	for (size_t i = 0; i < req->nparams; i++)
		free(req->params[i]);
	ir_buf_release(&req->body);
	free(req->uri);
	free(req);
	*con_cls = NULL;
}

const char *
gs_query(const struct gs_req *req, const char *name)
{
	if (req->sub)
		return gs_sub_lookup(req, false, name);
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

const char *
gs_header(const struct gs_req *req, const char *name)
{
	if (req->sub)
		return gs_sub_lookup(req, true, name);
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

void
gs_request_base(struct ir_buf *out, struct gs_server *gs,
		const struct gs_req *req)
{
	const char *host = gs_header(req, "Host");

	/*
	 * nextLink must bring the client back here, so it names the host
	 * the client used (which may be "localhost" or a test's alias).
	 */
	if (host && *host && !strpbrk(host, "/\"\\ "))
		ir_buf_addf(out, "%s://%s", gs_scheme(gs), host);
	else
		ir_buf_addf(out, "%s://127.0.0.1:%u", gs_scheme(gs), gs->port);
}

/* Match `path` against a pattern, capturing the {name} segments. */
static bool
match(struct gs_req *req, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;

	req->nparams = 0;
	while (*p && *s) {
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);

		if (*p == '{') {
			if (!sl || req->nparams == GS_PARAMS_MAX)
				return false;
			req->params[req->nparams++] = xstrndup(s, sl);
		} else if (pl != sl || memcmp(p, s, pl)) {
			return false;
		}
		p += pl;
		s += sl;
		if (*p != *s)
			return false;
		if (*p == '/') {
			p++;
			s++;
		}
	}
	return !*p && !*s;
}

static void
clear_params(struct gs_req *req)
{
	for (size_t i = 0; i < req->nparams; i++)
		free(req->params[i]);
	req->nparams = 0;
}

void
gs_dispatch(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	bool path_known = false;

	for (size_t i = 0; i < gs_routes_nr; i++) {
		const struct gs_route *r = &gs_routes[i];

		if (!match(req, r->pattern, req->path)) {
			clear_params(req);
			continue;
		}
		if (strcmp(r->method, req->method)) {
			path_known = true;
			clear_params(req);
			continue;
		}
		if (r->perms && !gs_auth_check(gs, req, r->perms, resp))
			return;
		r->handler(gs, req, resp);
		return;
	}
	if (path_known)
		gs_graph_error(resp, req, 405, "Request_BadRequest",
			       "The HTTP method '%s' is not allowed for the "
			       "requested resource.", req->method);
	else
		gs_graph_error(resp, req, 400, "BadRequest",
			       "Resource not found for the segment '%s'.",
			       req->path);
}

static enum MHD_Result
send_resp(struct gs_req *req, struct gs_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0;
	char *body = ir_buf_detach(&resp->body, &len);

	r = gs_knobs_response(req, body, len);
	if (!r)
		r = MHD_create_response_from_buffer(len, body,
						    MHD_RESPMEM_MUST_FREE);
	if (resp->content_type)
		MHD_add_response_header(r, "Content-Type",
					resp->content_type);
	MHD_add_response_header(r, "request-id", req->request_id);
	MHD_add_response_header(r, "client-request-id",
				req->client_request_id);
	for (size_t i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name,
					resp->headers[i].value);
	ret = MHD_queue_response(req->conn, resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
set_client_request_id(struct gs_req *req)
{
	const char *c = gs_header(req, "client-request-id");

	/* Echoed when sane; otherwise the service makes its own. */
	if (c && strlen(c) < sizeof(req->client_request_id) &&
	    !strpbrk(c, "\"\\\r\n"))
		snprintf(req->client_request_id,
			 sizeof(req->client_request_id), "%s", c);
	else
		snprintf(req->client_request_id,
			 sizeof(req->client_request_id), "%s",
			 req->request_id);
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload,
       size_t *upload_size, void **con_cls)
{
	struct gs_server *gs = cls;
	struct gs_req *req = *con_cls;
	struct gs_resp resp;
	enum MHD_Result ret;

	if (!req->started) {
		req->started = true;
		req->method = method;
		req->path = url;
		return MHD_YES;
	}
	if (*upload_size) {
		ir_buf_add(&req->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (gs_knobs_hold(gs, req))
		return MHD_YES;
	set_client_request_id(req);
	gs_resp_init(&resp);
	if (req->body.toobig)
		gs_graph_error(&resp, req, 413, "Request_BadRequest",
			       "The request body is larger than %u bytes.",
			       GS_BODY_MAX);
	else if (!gs_knobs_before(gs, req, &resp))
		gs_dispatch(gs, req, &resp);
	gs_knobs_after(gs, req, &resp);
	gs_log_request(gs, req, resp.status);
	if (gs_knobs_reset(req)) {
		gs_resp_release(&resp);
		return MHD_NO;
	}
	ret = send_resp(req, &resp);
	gs_resp_release(&resp);
	return ret;
}

int
gs_server_start(struct MHD_Daemon **out, struct gs_server *gs,
		unsigned port, struct ir_err *err)
{
	struct sockaddr_in sin;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	/* TLS: --tls-cert/--tls-key (tls.c), else no options. */
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0,
		  gs->tls ? gs->tls->cert : NULL },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, gs->tls ? gs->tls->key : NULL },
		{ MHD_OPTION_END, 0, NULL },
	};

	if (!gs->tls)
		tls[0].option = MHD_OPTION_END;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* --latency suspends connections (faults.c). */
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
			     MHD_ALLOW_SUSPEND_RESUME |
			     (gs->tls ? MHD_USE_TLS : 0), (uint16_t)port,
			     NULL, NULL, answer, gs,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
			     MHD_OPTION_URI_LOG_CALLBACK, req_new, gs,
			     MHD_OPTION_NOTIFY_COMPLETED, req_free, gs,
			     MHD_OPTION_ARRAY, tls,
			     MHD_OPTION_END);
	if (!d)
		return ir_err_set(err, IR_EIO,
				  gs->tls ? "cannot listen on 127.0.0.1:%u "
				  "with TLS (is the key the certificate's?)" :
				  "cannot listen on 127.0.0.1:%u", port);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	gs->port = info ? info->port : port;
	*out = d;
	return 0;
}
