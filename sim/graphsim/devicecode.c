/* SPDX-License-Identifier: MIT */
/*
 * devicecode.c - the delegated flows: the device code flow and the refresh
 * token grant, and the /_sim routes that play the user at the browser.
 *
 * POST /{tenant}/oauth2/v2.0/devicecode (v2-oauth2-device-code.md;
 * api-map.md D'.3) answers user_code, device_code, verification_uri,
 * expires_in, interval and message. The client then polls the token
 * endpoint with grant_type urn:ietf:params:oauth:grant-type:device_code.
 * Each poll answers, in this order of precedence:
 *   unknown device code		400 bad_verification_code  70018
 *   past expires_in			400 expired_token	   70019
 *   declined by the user		400 authorization_declined 70000
 *   already redeemed			400 invalid_grant	   70000
 *   approved				200 tokens (once)
 *   polled sooner than interval	400 slow_down		   70016
 *   otherwise				400 authorization_pending  70016
 * The AADSTS codes are reference-error-codes.md's: 70016 AuthorizationPending,
 * 70018 BadVerificationCode, 70019 CodeExpired, 70000 InvalidGrant. The
 * docs do not list slow_down; MSAL retries it and adds 5 s to its interval
 * (api-map.md D'.3), so it is sent with the pending code. Declining has no
 * documented code; 70000 is the invalid-grant family's.
 *
 * A test approves or declines with POST /_sim/devicecode/approve or
 * /decline, body {"user_code": ..., "user": UPN or id}, and can make a code
 * expire at once with /_sim/devicecode/expire {"user_code": ...}, so no
 * test waits out expires_in. The optional fixture object "simulator" sets
 * deviceCodeExpiresIn (default 900, the docs' 15 minutes) and
 * deviceCodeInterval (default 5, MSAL's default).
 *
 * Scopes: Graph delegated scopes, bare ("User.Read.All") or with the
 * resource ("https://graph.microsoft.com/User.Read.All"), plus openid,
 * profile, email and offline_access. Approval stands for the user's
 * consent to all of them. The access token's scp holds the Graph ones;
 * refresh_token comes back only with offline_access and id_token only
 * with openid, as the docs say. A refresh token is good for 90 days and
 * is not spent by use (Entra's default); each use returns a new one too.
 *
 * NEEDSWORK: "/.default" in a delegated request is refused (graphsim has
 * no record of prior consent to resolve it); other resources are refused
 * as in client credentials; the refresh grant ignores a narrower scope.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <strings.h>
#include <time.h>

#define VERIFY_URI "https://microsoft.com/devicelogin"
#define EXPIRES_DEFAULT 900
#define INTERVAL_DEFAULT 5
#define REFRESH_LIFETIME (90 * 24 * 3600)
/* Codes kept at once; the oldest are forgotten first. */
#define CODES_MAX 1000
#define GRAPH_PREFIX GS_GRAPH_RESOURCE "/"

static const char *const oidc_scopes[] = {
	"openid", "profile", "email", "offline_access",
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
devcode_free(struct gs_devcode *d)
{
	free(d->device_code);
	free(d->user_code);
	free(d->app_id);
	free(d->scope);
	free(d->user_id);
}

static void
refresh_free(struct gs_refresh *r)
{
	free(r->value);
	free(r->app_id);
	free(r->user_id);
	free(r->scope);
}

void
gs_delegated_release(struct gs_tokens *t)
{
	for (size_t i = 0; i < t->ndc; i++)
		devcode_free(&t->dc[i]);
	for (size_t i = 0; i < t->nrt; i++)
		refresh_free(&t->rt[i]);
	free(t->dc);
	free(t->rt);
	t->dc = NULL;
	t->rt = NULL;
	t->ndc = t->alloc_dc = t->nrt = t->alloc_rt = 0;
}

static bool
has_scope(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncasecmp(p, name, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static bool
is_oidc(const char *s, size_t len)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(oidc_scopes); i++)
		if (strlen(oidc_scopes[i]) == len &&
		    !strncasecmp(oidc_scopes[i], s, len))
			return true;
	return false;
}

/*
 * Normalise a requested scope list into `out` (Graph prefix dropped,
 * single spaces). Returns NULL, or the offending scope (malloc'd).
 */
static char *
norm_scopes(struct ir_buf *out, const char *scope)
{
	for (const char *p = scope; *p;) {
		const char *e;
		size_t len;

		while (*p == ' ')
			p++;
		e = strchr(p, ' ');
		len = e ? (size_t)(e - p) : strlen(p);
		if (!len)
			break;
		if (len > strlen(GRAPH_PREFIX) &&
		    !strncasecmp(p, GRAPH_PREFIX, strlen(GRAPH_PREFIX))) {
			p += strlen(GRAPH_PREFIX);
			len -= strlen(GRAPH_PREFIX);
		}
		if (memchr(p, '/', len) || memchr(p, ':', len) ||
		    (len == 8 && !strncasecmp(p, ".default", 8)))
			return xstrndup(p, len);
		if (out->len)
			ir_buf_addch(out, ' ');
		ir_buf_add(out, p, len);
		p += len;
	}
	return NULL;
}

/* The Graph scopes of a normalised list: what goes into scp. */
static void
graph_scopes(struct ir_buf *out, const char *list, bool keep_oidc)
{
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!is_oidc(p, len) || (keep_oidc && (len != 14 ||
		    strncasecmp(p, "offline_access", 14)))) {
			if (out->len)
				ir_buf_addch(out, ' ');
			ir_buf_add(out, p, len);
		}
		p = e ? e + 1 : NULL;
	}
}

static void
random_code(struct gs_server *gs, struct ir_buf *out, size_t words)
{
	uint64_t v[16];

	for (size_t i = 0; i < words && i < IR_ARRAY_SIZE(v); i++)
		v[i] = gs_rand(gs);
	gs_base64url(out, v, words * sizeof(v[0]));
}

/* Nine characters from an alphabet with no look-alikes, like Entra's. */
static void
user_code(struct gs_server *gs, char out[10])
{
	static const char tab[] = "BCDFGHJKLMNPQRSTVWXZ23456789";
	uint64_t r = gs_rand(gs);

	for (int i = 0; i < 9; i++) {
		out[i] = tab[r % (sizeof(tab) - 1)];
		r /= sizeof(tab) - 1;
	}
	out[9] = '\0';
}

static int64_t
setting(struct gs_server *gs, const char *name, int64_t dflt)
{
	yyjson_mut_val *sim = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(gs->state.doc), "simulator");
	yyjson_mut_val *v = yyjson_mut_obj_get(sim, name);

	return yyjson_mut_is_int(v) && yyjson_mut_get_sint(v) > 0 ?
	       yyjson_mut_get_sint(v) : dflt;
}

static struct gs_devcode *
devcode_new(struct gs_tokens *t)
{
	struct gs_devcode *d;

	if (t->ndc == CODES_MAX) {
		devcode_free(&t->dc[0]);
		memmove(t->dc, t->dc + 1, (t->ndc - 1) * sizeof(*t->dc));
		t->ndc--;
	}
	if (t->ndc == t->alloc_dc) {
		t->alloc_dc = ir_alloc_nr(t->ndc + 1, t->alloc_dc);
		t->dc = xrealloc(t->dc, t->alloc_dc * sizeof(*t->dc));
	}
	d = &t->dc[t->ndc++];
	memset(d, 0, sizeof(*d));
	return d;
}

static void
devicecode_ok(struct gs_resp *resp, const struct gs_devcode *d,
	      int64_t expires_in)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);
	struct ir_buf msg = IR_BUF_INIT;

	ir_buf_addf(&msg, "To sign in, use a web browser to open the page "
		    VERIFY_URI " and enter the code %s to authenticate.",
		    d->user_code);
	yyjson_mut_doc_set_root(doc, root);
	yyjson_mut_obj_add_strcpy(doc, root, "user_code", d->user_code);
	yyjson_mut_obj_add_strcpy(doc, root, "device_code", d->device_code);
	yyjson_mut_obj_add_str(doc, root, "verification_uri", VERIFY_URI);
	yyjson_mut_obj_add_int(doc, root, "expires_in", expires_in);
	yyjson_mut_obj_add_int(doc, root, "interval", d->interval);
	yyjson_mut_obj_add_strcpy(doc, root, "message", msg.buf);
	gs_resp_json(resp, 200, doc, root);
	resp->content_type = "application/json; charset=utf-8";
	gs_token_nocache(resp);
	yyjson_mut_doc_free(doc);
	ir_buf_release(&msg);
}

/* The form's client and scope; false with the error in `resp`. */
static bool
devicecode_check(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp, const char *client_id,
		 const char *scope)
{
	const char *tenant = req->params[0];

	if (!gs_state_is_tenant(&gs->state, tenant)) {
		gs_token_error(resp, req, 400, "invalid_request", 90002,
			       "Tenant '%s' not found. Check to make sure "
			       "you have the correct tenant ID and are "
			       "signing into the correct cloud.", tenant);
		return false;
	}
	if (!client_id || !*client_id || !scope || !*scope) {
		gs_token_error(resp, req, 400, "invalid_request", 900144,
			       "The request body must contain the following "
			       "parameter: '%s'.", client_id && *client_id ?
			       "scope" : "client_id");
		return false;
	}
	if (!gs_state_app(&gs->state, client_id)) {
		gs_token_error(resp, req, 400, "unauthorized_client", 700016,
			       "Application with identifier '%s' was not "
			       "found in the directory '%s'.", client_id,
			       tenant);
		return false;
	}
	return true;
}

void
gs_devicecode_post(struct gs_server *gs, struct gs_req *req,
		   struct gs_resp *resp)
{
	char *client_id = gs_form_get(req->body.buf, "client_id");
	char *scope = gs_form_get(req->body.buf, "scope");
	struct ir_buf norm = IR_BUF_INIT, code = IR_BUF_INIT;
	struct gs_devcode *d;
	char *bad = NULL, uc[10];
	int64_t expires_in = setting(gs, "deviceCodeExpiresIn",
				     EXPIRES_DEFAULT);

	if (!devicecode_check(gs, req, resp, client_id, scope))
		goto out;
	bad = norm_scopes(&norm, scope);
	if (bad) {
		gs_token_error(resp, req, 400, "invalid_scope", 70011,
			       "The provided value for the input parameter "
			       "'scope' is not valid. The scope %s is not "
			       "valid. graphsim serves Graph delegated "
			       "scopes, named one by one.", bad);
		goto out;
	}
	d = devcode_new(&gs->tokens);
	user_code(gs, uc);
	ir_buf_addstr(&code, "DAQABAAEAAAD");
	random_code(gs, &code, 12);
	d->device_code = ir_buf_detach(&code, NULL);
	d->user_code = xstrdup(uc);
	d->app_id = xstrdup(client_id);
	d->scope = ir_buf_detach(&norm, NULL);
	d->expires = gs_now() + expires_in;
	d->interval = setting(gs, "deviceCodeInterval", INTERVAL_DEFAULT);
	d->state = GS_DC_PENDING;
	devicecode_ok(resp, d, expires_in);
out:
	free(bad);
	free(client_id);
	free(scope);
	ir_buf_release(&norm);
}

static const char *
remember_refresh(struct gs_server *gs, const char *app_id,
		 const char *user_id, const char *scope)
{
	struct gs_tokens *t = &gs->tokens;
	struct ir_buf v = IR_BUF_INIT;
	struct gs_refresh *r;

	if (t->nrt == t->alloc_rt) {
		t->alloc_rt = ir_alloc_nr(t->nrt + 1, t->alloc_rt);
		t->rt = xrealloc(t->rt, t->alloc_rt * sizeof(*t->rt));
	}
	ir_buf_addstr(&v, "1.AQ");
	random_code(gs, &v, 16);
	r = &t->rt[t->nrt++];
	r->value = ir_buf_detach(&v, NULL);
	r->app_id = xstrdup(app_id);
	r->user_id = xstrdup(user_id);
	r->scope = xstrdup(scope);
	r->expires = gs_now() + REFRESH_LIFETIME;
	return r->value;
}

static void
add_jwt_part(struct ir_buf *out, yyjson_mut_val *v)
{
	size_t len;
	char *json = yyjson_mut_val_write(v, 0, &len);

	if (!json)
		IR_BUG("yyjson could not write an id_token part");
	gs_base64url(out, json, len);
	free(json);
}

/* An unsigned v2.0 id_token for `user`, audience the client. */
static char *
id_token(struct gs_server *gs, const char *app_id, yyjson_mut_val *user)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *h = yyjson_mut_obj(doc), *c = yyjson_mut_obj(doc);
	const char *tid = gs_state_tenant_id(&gs->state);
	struct ir_buf tok = IR_BUF_INIT, iss = IR_BUF_INIT;
	int64_t now = gs_now();

	ir_buf_addf(&iss, "https://login.microsoftonline.com/%s/v2.0", tid);
	yyjson_mut_obj_add_str(doc, h, "typ", "JWT");
	yyjson_mut_obj_add_str(doc, h, "alg", "none");
	yyjson_mut_obj_add_strcpy(doc, c, "aud", app_id);
	yyjson_mut_obj_add_strcpy(doc, c, "iss", iss.buf);
	yyjson_mut_obj_add_int(doc, c, "iat", now);
	yyjson_mut_obj_add_int(doc, c, "nbf", now);
	yyjson_mut_obj_add_int(doc, c, "exp", now + 3599);
	yyjson_mut_obj_add_val(doc, c, "name", yyjson_mut_val_mut_copy(doc,
			       yyjson_mut_obj_get(user, "displayName")));
	yyjson_mut_obj_add_val(doc, c, "oid", yyjson_mut_val_mut_copy(doc,
			       yyjson_mut_obj_get(user, "id")));
	yyjson_mut_obj_add_val(doc, c, "preferred_username",
			       yyjson_mut_val_mut_copy(doc,
			       yyjson_mut_obj_get(user, "userPrincipalName")));
	yyjson_mut_obj_add_val(doc, c, "sub", yyjson_mut_val_mut_copy(doc,
			       yyjson_mut_obj_get(user, "id")));
	yyjson_mut_obj_add_strcpy(doc, c, "tid", tid);
	yyjson_mut_obj_add_str(doc, c, "ver", "2.0");
	add_jwt_part(&tok, h);
	ir_buf_addch(&tok, '.');
	add_jwt_part(&tok, c);
	ir_buf_addch(&tok, '.');
	yyjson_mut_doc_free(doc);
	ir_buf_release(&iss);
	return ir_buf_detach(&tok, NULL);
}

/* The delegated token answer (token.device_code.success.response.json). */
static void
delegated_ok(struct gs_server *gs, struct gs_resp *resp,
	     yyjson_mut_val *app, yyjson_mut_val *user, const char *scope)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);
	const char *app_id = yyjson_mut_get_str(yyjson_mut_obj_get(app,
								   "appId"));
	const char *user_id = yyjson_mut_get_str(yyjson_mut_obj_get(user,
								    "id"));
	struct ir_buf scp = IR_BUF_INIT, granted = IR_BUF_INIT;
	char *idt = NULL;

	graph_scopes(&scp, scope, false);
	graph_scopes(&granted, scope, true);
	yyjson_mut_doc_set_root(doc, root);
	yyjson_mut_obj_add_str(doc, root, "token_type", "Bearer");
	yyjson_mut_obj_add_strcpy(doc, root, "scope", granted.buf);
	yyjson_mut_obj_add_int(doc, root, "expires_in", 3599);
	yyjson_mut_obj_add_strcpy(doc, root, "access_token",
				  gs_token_issue(gs, app, user, scp.buf));
	if (has_scope(scope, "offline_access"))
		yyjson_mut_obj_add_strcpy(doc, root, "refresh_token",
					  remember_refresh(gs, app_id,
							   user_id, scope));
	if (has_scope(scope, "openid")) {
		idt = id_token(gs, app_id, user);
		yyjson_mut_obj_add_strcpy(doc, root, "id_token", idt);
	}
	gs_resp_json(resp, 200, doc, root);
	resp->content_type = "application/json; charset=utf-8";
	gs_token_nocache(resp);
	yyjson_mut_doc_free(doc);
	ir_buf_release(&scp);
	ir_buf_release(&granted);
	free(idt);
}

static struct gs_devcode *
find_devcode(struct gs_tokens *t, const char *key, bool by_user_code)
{
	for (size_t i = 0; i < t->ndc; i++) {
		struct gs_devcode *d = &t->dc[i];

		if (by_user_code ? !strcasecmp(d->user_code, key) :
				   !strcmp(d->device_code, key))
			return d;
	}
	return NULL;
}

/* The pending answers; true when the code is approved and unspent. */
static bool
poll_state(struct gs_resp *resp, const struct gs_req *req,
	   struct gs_devcode *d)
{
	int64_t ms = now_ms(), last = d->last_poll_ms;

	d->last_poll_ms = ms;
	if (d->expires <= gs_now())
		gs_token_error(resp, req, 400, "expired_token", 70019,
			       "Verification code expired.");
	else if (d->state == GS_DC_DECLINED)
		gs_token_error(resp, req, 400, "authorization_declined",
			       70000, "The end user denied the "
			       "authorization request.");
	else if (d->state == GS_DC_REDEEMED)
		gs_token_error(resp, req, 400, "invalid_grant", 70000,
			       "The provided value for the 'device_code' "
			       "has already been redeemed.");
	else if (d->state == GS_DC_APPROVED)
		return true;
	else if (last && ms - last < d->interval * 1000)
		gs_token_error(resp, req, 400, "slow_down", 70016,
			       "OAuth 2.0 device flow error. Polled sooner "
			       "than the interval of %lld seconds.",
			       (long long)d->interval);
	else
		gs_token_error(resp, req, 400, "authorization_pending",
			       70016, "OAuth 2.0 device flow error. "
			       "Authorization is pending. Continue polling.");
	return false;
}

static void
redeem(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
       yyjson_mut_val *app, struct gs_devcode *d)
{
	yyjson_mut_val *user = gs_state_user(&gs->state, d->user_id);

	d->state = GS_DC_REDEEMED;
	if (!user)
		gs_token_error(resp, req, 400, "invalid_grant", 70000,
			       "Provided grant is invalid or malformed. The "
			       "user who approved it no longer exists.");
	else
		delegated_ok(gs, resp, app, user, d->scope);
}

static void
device_grant(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	     yyjson_mut_val *app, const char *app_id)
{
	char *code = gs_form_get(req->body.buf, "device_code");
	struct gs_devcode *d = code && *code ?
		find_devcode(&gs->tokens, code, false) : NULL;

	if (!code || !*code)
		gs_token_error(resp, req, 400, "invalid_request", 900144,
			       "The request body must contain the following "
			       "parameter: 'device_code'.");
	else if (!d || strcasecmp(d->app_id, app_id))
		gs_token_error(resp, req, 400, "bad_verification_code",
			       70018, "The device_code sent to the /token "
			       "endpoint wasn't recognized.");
	else if (poll_state(resp, req, d))
		redeem(gs, req, resp, app, d);
	free(code);
}

static void
refresh_grant(struct gs_server *gs, struct gs_req *req,
	      struct gs_resp *resp, yyjson_mut_val *app, const char *app_id)
{
	char *value = gs_form_get(req->body.buf, "refresh_token");
	struct gs_refresh *r = NULL;
	yyjson_mut_val *user = NULL;
	char *scope;

	for (size_t i = 0; value && i < gs->tokens.nrt; i++)
		if (!strcmp(gs->tokens.rt[i].value, value))
			r = &gs->tokens.rt[i];
	if (r)
		user = gs_state_user(&gs->state, r->user_id);
	if (!value || !*value)
		gs_token_error(resp, req, 400, "invalid_request", 900144,
			       "The request body must contain the following "
			       "parameter: 'refresh_token'.");
	else if (!r || !user)
		gs_token_error(resp, req, 400, "invalid_grant", 9002313,
			       "Invalid request. Request is malformed or "
			       "invalid.");
	else if (strcasecmp(r->app_id, app_id))
		gs_token_error(resp, req, 400, "invalid_grant", 70000,
			       "Provided grant is invalid or malformed. The "
			       "refresh token was issued to another client.");
	else if (r->expires <= gs_now())
		gs_token_error(resp, req, 400, "invalid_grant", 700082,
			       "The refresh token has expired due to "
			       "inactivity.");
	else {
		/* delegated_ok may grow the array r points into. */
		scope = xstrdup(r->scope);
		delegated_ok(gs, resp, app, user, scope);
		free(scope);
	}
	free(value);
}

void
gs_delegated_grant(struct gs_server *gs, struct gs_req *req,
		   struct gs_resp *resp, yyjson_mut_val *app,
		   const char *grant)
{
	const char *app_id = yyjson_mut_get_str(yyjson_mut_obj_get(app,
								   "appId"));

	if (!strcmp(grant, "refresh_token"))
		refresh_grant(gs, req, resp, app, app_id);
	else
		device_grant(gs, req, resp, app, app_id);
}

/* /_sim/devicecode/...: the pending code named by the JSON body. */
static struct gs_devcode *
sim_devcode(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	    yyjson_doc **doc)
{
	const char *uc;
	struct gs_devcode *d = NULL;

	*doc = yyjson_read(req->body.buf, req->body.len, 0);
	uc = yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(*doc),
					   "user_code"));
	if (!uc)
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "The body must be a JSON object with a string "
			       "\"user_code\".");
	else if (!(d = find_devcode(&gs->tokens, uc, true)))
		gs_graph_error(resp, req, 404, "Request_ResourceNotFound",
			       "No device code has user code '%s'.", uc);
	return d;
}

static bool
sim_pending(struct gs_req *req, struct gs_resp *resp,
	    const struct gs_devcode *d)
{
	if (d->state == GS_DC_PENDING && d->expires > gs_now())
		return true;
	gs_graph_error(resp, req, 400, "Request_BadRequest",
		       "User code '%s' is not pending (expired, or already "
		       "approved, declined or redeemed).", d->user_code);
	return false;
}

static void
no_content(struct gs_resp *resp)
{
	ir_buf_reset(&resp->body);
	resp->status = 204;
	resp->content_type = NULL;
}

void
gs_sim_devicecode_approve(struct gs_server *gs, struct gs_req *req,
			  struct gs_resp *resp)
{
	yyjson_doc *doc;
	struct gs_devcode *d = sim_devcode(gs, req, resp, &doc);
	const char *who = yyjson_get_str(yyjson_obj_get(
		yyjson_doc_get_root(doc), "user"));
	yyjson_mut_val *user = who ? gs_state_user(&gs->state, who) : NULL;

	if (!d || !sim_pending(req, resp, d))
		goto out;
	if (!user) {
		gs_graph_error(resp, req, 404, "Request_ResourceNotFound",
			       "No user '%s' to sign in.", who ? who : "");
		goto out;
	}
	/* A disabled account cannot sign in (AADSTS50057). */
	if (yyjson_mut_is_false(yyjson_mut_obj_get(user, "accountEnabled"))) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "User '%s' is disabled and cannot sign in.",
			       who);
		goto out;
	}
	free(d->user_id);
	d->user_id = xstrdup(yyjson_mut_get_str(yyjson_mut_obj_get(user,
								   "id")));
	d->state = GS_DC_APPROVED;
	no_content(resp);
out:
	yyjson_doc_free(doc);
}

void
gs_sim_devicecode_decline(struct gs_server *gs, struct gs_req *req,
			  struct gs_resp *resp)
{
	yyjson_doc *doc;
	struct gs_devcode *d = sim_devcode(gs, req, resp, &doc);

	if (d && sim_pending(req, resp, d)) {
		d->state = GS_DC_DECLINED;
		no_content(resp);
	}
	yyjson_doc_free(doc);
}

void
gs_sim_devicecode_expire(struct gs_server *gs, struct gs_req *req,
			 struct gs_resp *resp)
{
	yyjson_doc *doc;
	struct gs_devcode *d = sim_devcode(gs, req, resp, &doc);

	if (d) {
		d->expires = gs_now() - 1;
		no_content(resp);
	}
	yyjson_doc_free(doc);
}
