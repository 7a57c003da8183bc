/* SPDX-License-Identifier: MIT */
/*
 * graphsim.h - the pieces of graphsim and the one header they share.
 *
 * graphsim is a local stand-in for Microsoft Graph and the identity
 * platform's token endpoint (docs/graphsim.md). It serves the same URLs,
 * JSON field names and types, status codes and error shapes as the real
 * services, from a tenant fixture held in memory, so m365ir's online code
 * can be tested on a machine that cannot reach Microsoft.
 *
 * Threading: libmicrohttpd runs with one internal polling thread, so every
 * handler runs on that thread, one request at a time. Nothing here locks;
 * a change to MHD_USE_THREAD_PER_CONNECTION or a thread pool would need a
 * lock around the state, the token store, the log and the random stream.
 *
 * Calling sequence of a request (server.c):
 *	match a line of gs_routes[] (routes.c) by method and path pattern;
 *	if the route names permissions, gs_auth_check() wants a bearer token
 *	  issued by the token endpoint that carries one of them (401, 403);
 *	the handler fills a struct gs_resp; server.c sends it and logs it.
 *
 * A handler never fails: whatever goes wrong becomes an HTTP answer in the
 * shape the real service uses (gs_graph_error(), gs_token_error()).
 */
#ifndef GS_GRAPHSIM_H
#define GS_GRAPHSIM_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/err.h"

#include <yyjson.h>

/* Request bodies past this size are answered with 413. */
#define GS_BODY_MAX (1u << 20)
/* Captured {name} segments per route pattern. */
#define GS_PARAMS_MAX 4
/* Extra response headers per answer. */
#define GS_HEADERS_MAX 8
/* A GUID as text, with the NUL. */
#define GS_GUID_LEN 37

/* The public hosts that go into @odata.context and token claims. */
#define GS_GRAPH_HOST "https://graph.microsoft.com"
#define GS_GRAPH_RESOURCE "https://graph.microsoft.com"

/* The tenant fixture: the original as loaded, and the live copy. */
struct gs_state {
	char *path;
	yyjson_doc *fixture;
	yyjson_mut_doc *doc;
};

/*
 * Token audience: the resource a token was issued for, its "aud" claim.
 * Each API family accepts only its own (server.c picks it by path,
 * token.c checks).
 */
enum gs_aud {
	GS_AUD_GRAPH,	 /* https://graph.microsoft.com */
	GS_AUD_EXCHANGE, /* https://outlook.office365.com (/adminapi/) */
	GS_AUD_MANAGE,	 /* https://manage.office.com (/api/v1.0/) */
};

/* One access token the token endpoint issued. */
struct gs_token {
	char *value;
	char *app_id;
	char **roles;
	size_t nroles;
	int64_t expires; /* seconds since the epoch */
	char *scp;	 /* delegated: space-separated scopes; app: NULL */
	char *user_id;	 /* delegated: the signed-in user's id; app: NULL */
	enum gs_aud aud; /* TLS */
};

/* A refresh token from a delegated flow (devicecode.c). */
struct gs_refresh {
	char *value, *app_id, *user_id, *scope;
	int64_t expires;
};

enum gs_devcode_state {
	GS_DC_PENDING,
	GS_DC_APPROVED,
	GS_DC_DECLINED,
	GS_DC_REDEEMED,
};

/* One device code from /devicecode, until it is redeemed or forgotten. */
struct gs_devcode {
	char *device_code, *user_code, *app_id, *scope, *user_id;
	int64_t expires;      /* seconds since the epoch */
	int64_t last_poll_ms; /* 0: never polled */
	int64_t interval;     /* seconds */
	enum gs_devcode_state state;
};

/* Everything the token endpoint remembers; gs_tokens_release frees all. */
struct gs_tokens {
	struct gs_token *v;
	size_t nr, alloc;
	struct gs_refresh *rt;
	size_t nrt, alloc_rt;
	struct gs_devcode *dc;
	size_t ndc, alloc_dc;
};

struct gs_server {
	struct gs_state state;
	struct gs_tokens tokens;
	FILE *log;
	uint64_t rng;
	unsigned port;
	struct gs_knobs *knobs; /* knobs: --latency/--faults/--limits */
	struct gs_tls *tls;	/* TLS: --tls-cert/--tls-key, or NULL */
};

struct gs_header {
	const char *name;
	char *value;
};

/* What a handler answers; server.c turns it into an MHD response. */
struct gs_resp {
	unsigned status;
	const char *content_type; /* NULL: no body (204) */
	struct ir_buf body;
	struct gs_header headers[GS_HEADERS_MAX];
	size_t nheaders;
};

struct gs_req {
	struct MHD_Connection *conn;
	char *uri;	     /* as sent, with the query string */
	const char *method;  /* borrowed from libmicrohttpd */
	const char *path;    /* decoded, without the query */
	struct ir_buf body;
	bool started;
	char *params[GS_PARAMS_MAX]; /* the route's {name} segments */
	size_t nparams;
	char request_id[GS_GUID_LEN];
	char client_request_id[GS_GUID_LEN + 64];
	const struct gs_token *token; /* after gs_auth_check(), or NULL */
	/* knobs: a $batch item (conn NULL) and --latency/--faults state */
	const struct gs_sub *sub;
	struct gs_knob_req *knob;
};

typedef void gs_handler(struct gs_server *gs, struct gs_req *req,
			struct gs_resp *resp);

/*
 * One line of the routing table. `perms` lists the application
 * permissions any one of which lets a caller in (api-map.md §F, the
 * "least privileged" and "higher privileged" columns); NULL means the
 * route takes no Graph bearer token (the token endpoint, /_sim).
 */
struct gs_route {
	const char *method;
	const char *pattern; /* "/v1.0/users/{id}": {x} matches one segment */
	gs_handler *handler;
	const char *const *perms;
};

extern const struct gs_route gs_routes[];
extern const size_t gs_routes_nr;

/* common.c: time, ids, encodings */
int64_t gs_now(void);
/* RFC 3339 UTC with `Z`, no fraction (Graph's date-time form). */
void gs_format_time(char out[40], int64_t t);
uint64_t gs_rand(struct gs_server *gs);
void gs_guid(struct gs_server *gs, char out[GS_GUID_LEN]);
void gs_base64url(struct ir_buf *out, const void *data, size_t len);
/* Append the bytes `s` encodes to `out`; -1 when it is not base64url. */
int gs_base64url_decode(struct ir_buf *out, const char *s);
/* Decode application/x-www-form-urlencoded `s` in place; returns it. */
char *gs_form_unescape(char *s);
/*
 * Look up `name` in a form-encoded or query string; returns a malloc'd
 * decoded value the caller frees, or NULL when absent.
 */
char *gs_form_get(const char *form, const char *name);
bool gs_str_eq_ci(const char *a, const char *b);

/* resp.c: building answers */
void gs_resp_init(struct gs_resp *resp);
void gs_resp_release(struct gs_resp *resp);
void gs_resp_header(struct gs_resp *resp, const char *name,
		    const char *value);
/* Serialise `root` of `doc` as the JSON body with `status`. */
void gs_resp_json(struct gs_resp *resp, unsigned status, yyjson_mut_doc *doc,
		  yyjson_mut_val *root);
/* Graph's error body: {"error":{"code","message","innerError":{...}}}. */
void gs_graph_error(struct gs_resp *resp, const struct gs_req *req,
		    unsigned status, const char *code, const char *fmt, ...)
	IR_PRINTF(5, 6);
/* The identity platform's error body (error, error_codes, trace_id...). */
void gs_token_error(struct gs_resp *resp, const struct gs_req *req,
		    unsigned status, const char *error, long aadsts,
		    const char *fmt, ...) IR_PRINTF(6, 7);

/* state.c: the tenant */
int gs_state_load(struct gs_state *st, const char *path,
		  struct ir_err *err) IR_MUST_CHECK;
void gs_state_reset(struct gs_state *st);
void gs_state_release(struct gs_state *st);
/* The whole state as JSON with object keys sorted (bytewise). */
void gs_state_canonical(const struct gs_state *st, struct ir_buf *out);
yyjson_mut_val *gs_state_users(const struct gs_state *st);
/* A user by id or userPrincipalName (case-insensitive), or NULL. */
yyjson_mut_val *gs_state_user(const struct gs_state *st, const char *key);
/* An application by appId (client id), or NULL. */
yyjson_mut_val *gs_state_app(const struct gs_state *st, const char *app_id);
/* Is `name` this tenant's id or one of its verified domains? */
bool gs_state_is_tenant(const struct gs_state *st, const char *name);
const char *gs_state_tenant_id(const struct gs_state *st);

/* log.c: --log FILE, one JSON line per request, secrets masked */
void gs_log_request(struct gs_server *gs, const struct gs_req *req,
		    unsigned status);

/* token.c: the token endpoint and the tokens it issued */
void gs_tokens_release(struct gs_tokens *t);
/*
 * Check the request's bearer token and that it carries one of `perms`.
 * Returns true, or false with a 401 or 403 answer in `resp`.
 * An app-only token needs the name in its roles, a delegated token in
 * its scp. A name written "app:X" counts for roles only, "delegated:X"
 * for scp only; a plain name (documented in both columns) for either.
 */
bool gs_auth_check(struct gs_server *gs, struct gs_req *req,
		   const char *const *perms, struct gs_resp *resp);
/*
 * Mint and remember an access token for `app`: app-only when `user` is
 * NULL, else delegated for `user` with scopes `scp`. Returns it (borrowed).
 */
const char *gs_token_issue(struct gs_server *gs, yyjson_mut_val *app,
			   yyjson_mut_val *user, const char *scp);
/*
 * TLS: gs_token_issue() for resource `aud` (gs_token_issue() itself
 * issues Graph tokens). gs_aud_uri() is the "aud" claim's value;
 * gs_aud_of_path() the audience the API serving `path` accepts.
 */
const char *gs_token_issue_aud(struct gs_server *gs, yyjson_mut_val *app,
			       yyjson_mut_val *user, const char *scp,
			       enum gs_aud aud);
const char *gs_aud_uri(enum gs_aud aud);
enum gs_aud gs_aud_of_path(const char *path);
/* Cache-Control and Pragma, as the token endpoint sends on success. */
void gs_token_nocache(struct gs_resp *resp);

/*
 * jwt.c: a certificate client assertion (client_assertion_type and
 * client_assertion) checked against the app's keyCredentials. Returns
 * true, or false with the identity platform's error in `resp`.
 */
bool gs_assertion_check(struct gs_server *gs, struct gs_req *req,
			struct gs_resp *resp, yyjson_mut_val *app,
			const char *client_id, const char *type,
			const char *assertion);

/* devicecode.c: the device code and refresh token grants. */
void gs_delegated_grant(struct gs_server *gs, struct gs_req *req,
			struct gs_resp *resp, yyjson_mut_val *app,
			const char *grant);
void gs_delegated_release(struct gs_tokens *t);

/* users.c: the user named by {id}, or false with Graph's 404 in resp. */
bool gs_user_find(yyjson_mut_val **out, struct gs_server *gs,
		  struct gs_req *req, struct gs_resp *resp);

/* Handlers, one per route (routes.c has the table). */
gs_handler gs_token_post;
gs_handler gs_devicecode_post;
gs_handler gs_users_list;
gs_handler gs_users_get;
gs_handler gs_users_patch;
gs_handler gs_users_revoke;
gs_handler gs_sim_state;
gs_handler gs_sim_reset;
gs_handler gs_sim_devicecode_approve;
gs_handler gs_sim_devicecode_decline;
gs_handler gs_sim_devicecode_expire;
/* messagerules.c: Graph inbox rules (api-map.md §B.3) */
gs_handler gs_rules_list;
gs_handler gs_rules_get;
gs_handler gs_rules_patch;
gs_handler gs_rules_delete;
/* authmethods.c: authentication methods and requirements (§B.5) */
gs_handler gs_authm_list;
gs_handler gs_authm_list_authenticator;
gs_handler gs_authm_list_phone;
gs_handler gs_authm_delete_authenticator;
gs_handler gs_authm_delete_phone;
gs_handler gs_authreq_get;
gs_handler gs_authreq_patch;
/* exo.c: Exchange admin REST InvokeCommand (§C) */
gs_handler gs_exo_invoke;
/*
 * exo.c: a fixture mailbox by UserPrincipalName, PrimarySmtpAddress,
 * Alias, DisplayName or ExchangeGuid (case-insensitive), or NULL.
 */
yyjson_mut_val *gs_mailbox_find(const struct gs_state *st, const char *key);

/*
 * directory: directory.c, apps.c, policies.c (api-map.md §B.T1,
 * §B.T5). directory.c also holds the collection machinery the three
 * share: a top-level fixture array served with $filter (eq clauses),
 * $select and @odata.nextLink paging.
 */
/* The top-level fixture array `name`; made empty when absent and `create`,
 * else NULL. Borrowed from the live state. */
yyjson_mut_val *gs_dir_array(struct gs_state *st, const char *name,
			     bool create);
/* The element of `arr` whose string `key` equals `want` ignoring case;
 * its index goes to `idx` when not NULL. */
yyjson_mut_val *gs_dir_find(yyjson_mut_val *arr, const char *key,
			    const char *want, size_t *idx);
/* Render one element into `doc` for an answer (the list's `ctx`). */
typedef yyjson_mut_val *gs_dir_render(struct gs_server *gs,
				      struct gs_req *req, yyjson_mut_doc *doc,
				      yyjson_mut_val *item, void *ctx);
struct gs_dir_list {
	const char *context;   /* after "$metadata#" */
	const char *type;      /* "microsoft.graph.x", for $select errors */
	yyjson_mut_val *items; /* the fixture array; NULL: empty */
	gs_dir_render *render; /* NULL: a plain copy */
	bool (*keep)(yyjson_mut_val *item, void *ctx); /* NULL: all */
	void *ctx;
	bool unpaged; /* no $top/$skiptoken (directoryRoles) */
	bool expand;  /* the render handles $expand */
};
/* Answer a collection: $filter, $select, $top, $skiptoken, nextLink. */
void gs_dir_list(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp, const struct gs_dir_list *l);
/* Answer 200 with `obj` (in `doc`) and "@odata.context": …#ctx/$entity. */
void gs_dir_entity(struct gs_resp *resp, yyjson_mut_doc *doc,
		   const char *context, yyjson_mut_val *obj);
/* `tmpl`'s keys in its order, each from `given` when it has it (objects
 * merged recursively), then `given`'s other keys but those in `skip`. */
yyjson_mut_val *gs_dir_overlay(yyjson_mut_doc *doc, yyjson_val *tmpl,
			       yyjson_mut_val *given,
			       const char *const *skip);
/* The request body as a JSON object, or NULL with a 400 in resp. */
yyjson_doc *gs_dir_body(struct gs_req *req, struct gs_resp *resp);
void gs_dir_not_found(struct gs_resp *resp, const struct gs_req *req,
		      const char *id);
void gs_dir_no_content(struct gs_resp *resp);
gs_handler gs_domains_list;
gs_handler gs_dirroles_list;
gs_handler gs_dirroles_members;
gs_handler gs_roleassign_list;
gs_handler gs_apps_list;
gs_handler gs_apps_get;
gs_handler gs_apps_add_password;
gs_handler gs_apps_remove_password;
gs_handler gs_apps_remove_key;
gs_handler gs_sps_list;
gs_handler gs_sps_get;
gs_handler gs_sps_remove_password;
gs_handler gs_sps_remove_key;
gs_handler gs_grants_list;
gs_handler gs_grants_user_list;
gs_handler gs_grants_delete;
gs_handler gs_ca_list;
gs_handler gs_ca_create;
gs_handler gs_secdef_get;
gs_handler gs_secdef_patch;
gs_handler gs_regdetails_list;
gs_handler gs_risky_list;
gs_handler gs_risky_get;
gs_handler gs_risky_confirm;
gs_handler gs_risky_dismiss;

/*
 * knobs. batch.c: POST /{v1.0,beta}/$batch (api-map.md §D.1). An item
 * runs through gs_dispatch() as a request with no connection: its query
 * and headers come from `struct gs_sub`; Authorization and Host from the
 * outer request.
 */
struct gs_sub {
	char **query;	/* name, value, name, value... (decoded) */
	size_t nquery;
	char **headers; /* name, value, ... */
	size_t nheaders;
	const struct gs_req *outer;
};
gs_handler gs_batch_post;
const char *gs_sub_lookup(const struct gs_req *req, bool header,
			  const char *name);
/* server.c: route and answer a request (also a $batch item). */
void gs_dispatch(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp);
/*
 * faults.c: --latency, --faults, --limits (docs/graphsim.md "Realism
 * knobs"). gs_knobs_parse_* return 0 or -1 with a message in `err`.
 * The hooks run in server.c's answer(), in this order: hold (true: the
 * connection is suspended for --latency; answer() is called again),
 * before (true: the answer is a fault or a throttle, no dispatch),
 * after (edits a dispatched answer), reset (true: drop the connection),
 * response (a cut-short MHD response, or NULL), done (request freed).
 */
struct MHD_Response;
int gs_knobs_parse_latency(struct gs_server *gs, const char *spec,
			   struct ir_err *err);
int gs_knobs_parse_faults(struct gs_server *gs, const char *spec,
			  struct ir_err *err);
int gs_knobs_parse_limits(struct gs_server *gs, const char *spec,
			  struct ir_err *err);
void gs_knobs_start(struct gs_server *gs, uint64_t seed);
void gs_knobs_stop(struct gs_server *gs);
void gs_knobs_release(struct gs_server *gs);
bool gs_knobs_hold(struct gs_server *gs, struct gs_req *req);
bool gs_knobs_before(struct gs_server *gs, struct gs_req *req,
		     struct gs_resp *resp);
void gs_knobs_after(struct gs_server *gs, struct gs_req *req,
		    struct gs_resp *resp);
bool gs_knobs_reset(struct gs_req *req);
struct MHD_Response *gs_knobs_response(struct gs_req *req, char *body,
				       size_t len);
void gs_knobs_done(struct gs_server *gs, struct gs_req *req);

/*
 * audit logs: auditlogs.c (signIns, directoryAudits), auditquery.c (Purview
 * auditLog/queries), mgmtapi.c (Office 365 Management Activity API);
 * odata.h has the $filter evaluator and paging helpers they share.
 */
gs_handler gs_signins_list;
gs_handler gs_signins_get;
gs_handler gs_diraudits_list;
gs_handler gs_diraudits_get;
gs_handler gs_auditquery_create;
gs_handler gs_auditquery_get;
gs_handler gs_auditquery_records;
gs_handler gs_mgmt_start;
gs_handler gs_mgmt_stop;
gs_handler gs_mgmt_list;
gs_handler gs_mgmt_content;
gs_handler gs_mgmt_blob;

/* mail: mail.c, mailboxSettings and sendMail (user-*-mailboxsettings
 * .md, user-sendmail.md); sent mail is kept in the state's "sentMail". */
gs_handler gs_mbxset_get;
gs_handler gs_mbxset_patch;
gs_handler gs_sendmail_post;

/* server.c */
struct MHD_Daemon;
int gs_server_start(struct MHD_Daemon **out, struct gs_server *gs,
		    unsigned port, struct ir_err *err) IR_MUST_CHECK;
/* The base URL clients reach this request's server by (for nextLink). */
void gs_request_base(struct ir_buf *out, struct gs_server *gs,
		     const struct gs_req *req);
/* A query argument, decoded by libmicrohttpd; borrowed, or NULL. */
const char *gs_query(const struct gs_req *req, const char *name);
/* A request header, case-insensitive; borrowed, or NULL. */
const char *gs_header(const struct gs_req *req, const char *name);

/*
 * TLS: tls.c, --tls-cert FILE --tls-key FILE. The PEM texts are read
 * once at start-up and handed to libmicrohttpd (GnuTLS) in memory.
 */
struct gs_tls {
	char *cert, *key; /* PEM, NUL-terminated */
};
int gs_tls_load(struct gs_server *gs, const char *cert, const char *key,
		struct ir_err *err) IR_MUST_CHECK;
void gs_tls_release(struct gs_server *gs);
/* "https" when serving TLS, else "http". */
const char *gs_scheme(const struct gs_server *gs);

#endif
