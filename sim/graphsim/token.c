/* SPDX-License-Identifier: MIT */
/*
 * token.c - the identity platform's token endpoint, and the check every
 * Graph route makes on the bearer token it issued.
 *
 * POST /{tenant}/oauth2/v2.0/token, form-encoded: client credentials with
 * a client secret (v2-oauth2-client-creds-grant-flow.md; api-map.md D'.1)
 * or a certificate client assertion (jwt.c; D'.2), and the device code
 * and refresh token grants of the delegated flows (devicecode.c; D'.3).
 * Each refusal uses the status, "error" and AADSTS code the service sends
 * for it, in the body shape of token.error.invalid_scope.response.json.
 *
 * Tokens are JWTs with an "alg":"none" header and a random third part:
 * clients may decode the payload (aud, tid, appid, roles, exp) as they
 * would a real Graph token, but only tokens this process issued and still
 * remembers are accepted, so a hand-made payload gets nowhere. The roles
 * are copied from the app's fixture entry when the token is issued, as
 * the real service does: a later change to the app does not change them.
 * A delegated token carries scp (the scopes the user consented to) and
 * the user's oid/upn instead of roles.
 *
 * Audience: a client credentials token is for the one resource its scope
 * names (Graph, Exchange Online or the Management API; its "aud" claim
 * says which) and gs_auth_check() refuses it with 401 on another API's
 * paths, as each service rejects a token minted for someone else.
 * Delegated tokens are Graph's (devicecode.c keeps only Graph scopes).
 *
 * NEEDSWORK: HTTP Basic client authentication is not read.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <strings.h>

/* v2-oauth2-client-creds-grant-flow.md example: "expires_in": 3599. */
#define TOKEN_LIFETIME 3599
/* Tokens remembered at once; the oldest are forgotten first. */
#define TOKENS_MAX 10000

void
gs_tokens_release(struct gs_tokens *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		struct gs_token *k = &t->v[i];

		for (size_t j = 0; j < k->nroles; j++)
			free(k->roles[j]);
		free(k->roles);
		free(k->value);
		free(k->app_id);
		free(k->scp);
		free(k->user_id);
	}
	free(t->v);
	gs_delegated_release(t);
	memset(t, 0, sizeof(*t));
}

static void
forget_oldest(struct gs_tokens *t)
{
	struct gs_token *k = &t->v[0];

	for (size_t j = 0; j < k->nroles; j++)
		free(k->roles[j]);
	free(k->roles);
	free(k->value);
	free(k->app_id);
	free(k->scp);
	free(k->user_id);
	memmove(t->v, t->v + 1, (t->nr - 1) * sizeof(*t->v));
	t->nr--;
}

static void
add_part(struct ir_buf *tok, yyjson_mut_doc *doc, yyjson_mut_val *v)
{
	size_t len;
	char *json = yyjson_mut_val_write(v, 0, &len);

	if (!json)
		IR_BUG("yyjson could not write a token part");
	gs_base64url(tok, json, len);
	free(json);
}

static void
copy_claim(yyjson_mut_doc *doc, yyjson_mut_val *c, const char *name,
	   yyjson_mut_val *user, const char *prop)
{
	yyjson_mut_val *v = yyjson_mut_obj_get(user, prop);

	yyjson_mut_obj_add_val(doc, c, name, v ? yyjson_mut_val_mut_copy(doc, v)
					       : yyjson_mut_null(doc));
}

/* The user-only claims of a delegated token, after app_displayname. */
static void
user_claims(yyjson_mut_doc *doc, yyjson_mut_val *c, yyjson_mut_val *user,
	    const char *scp)
{
	yyjson_mut_obj_add_str(doc, c, "idtyp", "user");
	copy_claim(doc, c, "name", user, "displayName");
	copy_claim(doc, c, "oid", user, "id");
	yyjson_mut_obj_add_strcpy(doc, c, "scp", scp ? scp : "");
	copy_claim(doc, c, "sub", user, "id");
	copy_claim(doc, c, "unique_name", user, "userPrincipalName");
	copy_claim(doc, c, "upn", user, "userPrincipalName");
}

/*
 * The claims of a Graph access token (v1.0 token format): app-only with
 * roles when `user` is NULL, else delegated with scp.
 */
static yyjson_mut_val *
claims(yyjson_mut_doc *doc, struct gs_server *gs, yyjson_mut_val *app,
       yyjson_mut_val *user, const char *scp, int64_t now, enum gs_aud aud)
{
	yyjson_mut_val *c = yyjson_mut_obj(doc);
	const char *tid = gs_state_tenant_id(&gs->state);
	const char *app_id = yyjson_mut_get_str(
		yyjson_mut_obj_get(app, "appId"));
	const char *name = yyjson_mut_get_str(
		yyjson_mut_obj_get(app, "displayName"));
	yyjson_mut_val *roles = yyjson_mut_obj_get(app, "roles");
	struct ir_buf iss = IR_BUF_INIT;

	ir_buf_addf(&iss, "https://sts.windows.net/%s/", tid);
	yyjson_mut_obj_add_str(doc, c, "aud", gs_aud_uri(aud));
	yyjson_mut_obj_add_strcpy(doc, c, "iss", iss.buf);
	yyjson_mut_obj_add_int(doc, c, "iat", now);
	yyjson_mut_obj_add_int(doc, c, "nbf", now);
	yyjson_mut_obj_add_int(doc, c, "exp", now + TOKEN_LIFETIME);
	yyjson_mut_obj_add_strcpy(doc, c, "app_displayname", name ? name : "");
	yyjson_mut_obj_add_strcpy(doc, c, "appid", app_id);
	if (user) {
		user_claims(doc, c, user, scp);
		goto tail;
	}
	yyjson_mut_obj_add_str(doc, c, "idtyp", "app");
	yyjson_mut_obj_add_val(doc, c, "roles",
			       yyjson_mut_is_arr(roles) ?
			       yyjson_mut_val_mut_copy(doc, roles) :
			       yyjson_mut_arr(doc));
	yyjson_mut_obj_add_strcpy(doc, c, "sub", app_id);
tail:
	yyjson_mut_obj_add_strcpy(doc, c, "tid", tid);
	yyjson_mut_obj_add_str(doc, c, "ver", "1.0");
	ir_buf_release(&iss);
	return c;
}

/*
 * TLS: the audiences, by the resource named in the client credentials
 * scope (api-map.md §D′.1: one resource per token). The "aud" claim is
 * the resource URI without "/.default", as the v1.0 tokens these
 * resources get carry it.
 */
static const char *const aud_uris[] = {
	[GS_AUD_GRAPH] = GS_GRAPH_RESOURCE,
	[GS_AUD_EXCHANGE] = "https://outlook.office365.com",
	[GS_AUD_MANAGE] = "https://manage.office.com",
};

const char *
gs_aud_uri(enum gs_aud aud)
{
	return aud_uris[aud];
}

/* The API a path belongs to: Exchange admin REST, Management API, Graph. */
enum gs_aud
gs_aud_of_path(const char *path)
{
	if (!strncmp(path, "/adminapi/", 10))
		return GS_AUD_EXCHANGE;
	if (!strncmp(path, "/api/", 5))
		return GS_AUD_MANAGE;
	return GS_AUD_GRAPH;
}

/* The audience of a "{resource}/.default" scope check_scope() let by. */
static enum gs_aud
scope_aud(const char *scope)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(aud_uris); i++) {
		size_t n = strlen(aud_uris[i]);

		if (!strncasecmp(scope, aud_uris[i], n) && scope[n] == '/')
			return (enum gs_aud)i;
	}
	return GS_AUD_GRAPH;
}

const char *
gs_token_issue(struct gs_server *gs, yyjson_mut_val *app,
	       yyjson_mut_val *user, const char *scp)
{
	return gs_token_issue_aud(gs, app, user, scp, GS_AUD_GRAPH);
}

const char *
gs_token_issue_aud(struct gs_server *gs, yyjson_mut_val *app,
		   yyjson_mut_val *user, const char *scp, enum gs_aud aud)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *hdr = yyjson_mut_obj(doc);
	yyjson_mut_val *c, *roles, *r;
	struct ir_buf tok = IR_BUF_INIT;
	struct gs_tokens *t = &gs->tokens;
	struct gs_token *k;
	uint64_t sig[4];
	int64_t now = gs_now();

	yyjson_mut_obj_add_str(doc, hdr, "typ", "JWT");
	yyjson_mut_obj_add_str(doc, hdr, "alg", "none");
	c = claims(doc, gs, app, user, scp, now, aud);
	add_part(&tok, doc, hdr);
	ir_buf_addch(&tok, '.');
	add_part(&tok, doc, c);
	ir_buf_addch(&tok, '.');
	for (size_t i = 0; i < IR_ARRAY_SIZE(sig); i++)
		sig[i] = gs_rand(gs);
	gs_base64url(&tok, sig, sizeof(sig));

	if (t->nr == TOKENS_MAX)
		forget_oldest(t);
	if (t->nr == t->alloc) {
		t->alloc = ir_alloc_nr(t->nr + 1, t->alloc);
		t->v = xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	k = &t->v[t->nr++];
	memset(k, 0, sizeof(*k));
	k->value = ir_buf_detach(&tok, NULL);
	k->app_id = xstrdup(yyjson_mut_get_str(yyjson_mut_obj_get(c,
								  "appid")));
	k->expires = now + TOKEN_LIFETIME;
	k->aud = aud;
	if (user) {
		const char *oid = yyjson_mut_get_str(yyjson_mut_obj_get(c,
								       "oid"));

		k->scp = xstrdup(scp ? scp : "");
		k->user_id = xstrdup(oid ? oid : "");
	}
	roles = yyjson_mut_obj_get(c, "roles");
	k->roles = xcalloc(yyjson_mut_arr_size(roles) + 1,
			   sizeof(char *));
	{
		yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(roles);

		while ((r = yyjson_mut_arr_iter_next(&it)))
			if (yyjson_mut_is_str(r))
				k->roles[k->nroles++] =
					xstrdup(yyjson_mut_get_str(r));
	}
	yyjson_mut_doc_free(doc);
	return k->value;
}

void
gs_token_nocache(struct gs_resp *resp)
{
	gs_resp_header(resp, "Cache-Control", "no-store, no-cache");
	gs_resp_header(resp, "Pragma", "no-cache");
}

static void
token_ok(struct gs_resp *resp, const char *token)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);

	yyjson_mut_doc_set_root(doc, root);
	yyjson_mut_obj_add_str(doc, root, "token_type", "Bearer");
	yyjson_mut_obj_add_int(doc, root, "expires_in", TOKEN_LIFETIME);
	yyjson_mut_obj_add_strcpy(doc, root, "access_token", token);
	gs_resp_json(resp, 200, doc, root);
	resp->content_type = "application/json; charset=utf-8";
	gs_token_nocache(resp);
	yyjson_mut_doc_free(doc);
}

/* Every refusal below answers in `resp` and returns false. */
static bool
missing(struct gs_resp *resp, const struct gs_req *req, const char *name)
{
	gs_token_error(resp, req, 400, "invalid_request", 900144,
		       "The request body must contain the following "
		       "parameter: '%s'.", name);
	return false;
}

static bool
is_delegated_grant(const char *grant)
{
	return !strcmp(grant, "urn:ietf:params:oauth:grant-type:device_code") ||
	       !strcmp(grant, "refresh_token");
}

static bool
check_grant(struct gs_resp *resp, const struct gs_req *req,
	    const char *grant)
{
	if (!grant || !*grant)
		return missing(resp, req, "grant_type");
	if (strcmp(grant, "client_credentials") && !is_delegated_grant(grant)) {
		gs_token_error(resp, req, 400, "unsupported_grant_type",
			       70003, "The app requested an unsupported "
			       "grant type '%s'.", grant);
		return false;
	}
	return true;
}

/*
 * Client credentials take exactly one "{resource}/.default" scope, of
 * one of the three resources graphsim serves. The unknown-resource
 * answer follows the docs' example (AADSTS70011), the missing-/.default
 * one AADSTS1002012.
 */
static bool
check_scope(struct gs_resp *resp, const struct gs_req *req,
	    const char *scope)
{
	static const char dflt[] = "/.default";
	size_t len;

	if (!scope || !*scope)
		return missing(resp, req, "scope");
	len = strlen(scope);
	if (!strchr(scope, ' ') && (len < sizeof(dflt) ||
				    strcmp(scope + len - 9, dflt))) {
		gs_token_error(resp, req, 400, "invalid_scope", 1002012,
			       "The provided value for scope %s is not "
			       "valid. Client credential flows must have a "
			       "scope value with /.default suffixed to the "
			       "resource identifier (application ID URI).",
			       scope);
		return false;
	}
	if (strcasecmp(scope, GS_GRAPH_RESOURCE "/.default") &&
	    strcasecmp(scope, "https://outlook.office365.com/.default") &&
	    strcasecmp(scope, "https://manage.office.com/.default")) {
		gs_token_error(resp, req, 400, "invalid_scope", 70011,
			       "The provided value for the input parameter "
			       "'scope' is not valid. The scope %s is not "
			       "valid.", scope);
		return false;
	}
	return true;
}

/* A secret matches when one of the app's passwordCredentials has it. */
static bool
check_secret(struct gs_resp *resp, const struct gs_req *req,
	     yyjson_mut_val *app, const char *app_id, const char *secret)
{
	yyjson_mut_val *creds = yyjson_mut_obj_get(app, "passwordCredentials");
	yyjson_mut_val *c;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(creds);
	char now[40];
	bool expired = false;

	if (!secret || !*secret) {
		gs_token_error(resp, req, 401, "invalid_client", 7000218,
			       "The request body must contain the following "
			       "parameter: 'client_assertion' or "
			       "'client_secret'.");
		return false;
	}
	gs_format_time(now, gs_now());
	while ((c = yyjson_mut_arr_iter_next(&it))) {
		const char *text = yyjson_mut_get_str(
			yyjson_mut_obj_get(c, "secretText"));
		const char *end = yyjson_mut_get_str(
			yyjson_mut_obj_get(c, "endDateTime"));

		if (!text || strcmp(text, secret))
			continue;
		/* Both are RFC 3339 UTC, so text order is time order. */
		if (!end || strcmp(end, now) > 0)
			return true;
		expired = true;
	}
	if (expired)
		gs_token_error(resp, req, 401, "invalid_client", 7000222,
			       "The provided client secret keys for app '%s' "
			       "are expired.", app_id);
	else
		gs_token_error(resp, req, 401, "invalid_client", 7000215,
			       "Invalid client secret provided. Ensure the "
			       "secret being sent in the request is the "
			       "client secret value, not the client secret "
			       "ID, for a secret added to app '%s'.", app_id);
	return false;
}

struct token_form {
	char *grant, *client_id, *secret, *assertion, *scope, *assertion_type;
};

static void
form_release(struct token_form *f)
{
	free(f->grant);
	free(f->client_id);
	free(f->secret);
	free(f->assertion);
	free(f->scope);
	free(f->assertion_type);
}

static void
answer_form(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	    const struct token_form *f)
{
	const char *tenant = req->params[0];
	yyjson_mut_val *app;

	if (!gs_state_is_tenant(&gs->state, tenant)) {
		gs_token_error(resp, req, 400, "invalid_request", 90002,
			       "Tenant '%s' not found. Check to make sure "
			       "you have the correct tenant ID and are "
			       "signing into the correct cloud.", tenant);
		return;
	}
	if (!check_grant(resp, req, f->grant))
		return;
	if (!f->client_id || !*f->client_id) {
		missing(resp, req, "client_id");
		return;
	}
	app = gs_state_app(&gs->state, f->client_id);
	if (!app) {
		gs_token_error(resp, req, 400, "unauthorized_client", 700016,
			       "Application with identifier '%s' was not "
			       "found in the directory '%s'.", f->client_id,
			       tenant);
		return;
	}
	if (is_delegated_grant(f->grant)) {
		gs_delegated_grant(gs, req, resp, app, f->grant);
		return;
	}
	if (f->assertion ? !gs_assertion_check(gs, req, resp, app,
					       f->client_id,
					       f->assertion_type,
					       f->assertion) :
			   !check_secret(resp, req, app, f->client_id,
					 f->secret))
		return;
	if (!check_scope(resp, req, f->scope))
		return;
	token_ok(resp, gs_token_issue_aud(gs, app, NULL, NULL,
					  scope_aud(f->scope)));
}

void
gs_token_post(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	struct token_form f;
	const char *body = req->body.buf;

	f.grant = gs_form_get(body, "grant_type");
	f.client_id = gs_form_get(body, "client_id");
	f.secret = gs_form_get(body, "client_secret");
	f.assertion = gs_form_get(body, "client_assertion");
	f.scope = gs_form_get(body, "scope");
	f.assertion_type = gs_form_get(body, "client_assertion_type");
	answer_form(gs, req, resp, &f);
	if (f.secret)
		explicit_bzero(f.secret, strlen(f.secret));
	form_release(&f);
}

static const struct gs_token *
lookup(struct gs_tokens *t, const char *value)
{
	for (size_t i = t->nr; i-- > 0;)
		if (!strcmp(t->v[i].value, value))
			return &t->v[i];
	return NULL;
}

static bool
unauthorized(struct gs_resp *resp, const struct gs_req *req,
	     const char *msg)
{
	gs_graph_error(resp, req, 401, "InvalidAuthenticationToken", "%s",
		       msg);
	gs_resp_header(resp, "WWW-Authenticate",
		       "Bearer realm=\"\", authorization_uri=\"https://login."
		       "microsoftonline.com/common/oauth2/authorize\", "
		       "client_id=\"00000003-0000-0000-c000-000000000000\"");
	return false;
}

/* "app:X" and "delegated:X" limit a name to one kind (graphsim.h). */
static const char *
perm_name(const char *perm, bool delegated)
{
	if (!strncmp(perm, "app:", 4))
		return delegated ? NULL : perm + 4;
	if (!strncmp(perm, "delegated:", 10))
		return delegated ? perm + 10 : NULL;
	return perm;
}

static bool
has_role(const struct gs_token *k, const char *perm)
{
	const char *name = perm_name(perm, false);

	for (size_t j = 0; name && j < k->nroles; j++)
		if (!strcmp(name, k->roles[j]))
			return true;
	return false;
}

/* Scopes compare without case, as the service treats them. */
static bool
has_scp(const char *scp, const char *perm)
{
	const char *name = perm_name(perm, true);
	size_t n = name ? strlen(name) : 0;

	for (const char *p = scp; name && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && !strncasecmp(p, name, n))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

bool
gs_auth_check(struct gs_server *gs, struct gs_req *req,
	      const char *const *perms, struct gs_resp *resp)
{
	const char *h = gs_header(req, "Authorization");
	const struct gs_token *k;

	if (!h || strncasecmp(h, "Bearer ", 7) || !h[7])
		return unauthorized(resp, req, "Access token is empty.");
	k = lookup(&gs->tokens, h + 7);
	if (!k)
		return unauthorized(resp, req,
				    "Access token validation failure.");
	if (k->expires <= gs_now())
		return unauthorized(resp, req, "Lifetime validation failed, "
				    "the token is expired.");
	if (k->aud != gs_aud_of_path(req->path))
		return unauthorized(resp, req, "Access token validation "
				    "failure. Invalid audience.");
	req->token = k;
	for (size_t i = 0; perms[i]; i++)
		if (k->scp ? has_scp(k->scp, perms[i]) :
			     has_role(k, perms[i]))
			return true;
	gs_graph_error(resp, req, 403, "Authorization_RequestDenied",
		       "Insufficient privileges to complete the operation.");
	return false;
}
