/* SPDX-License-Identifier: MIT */
/*
 * apps.c - Graph v1.0 applications and servicePrincipals (list, get and
 * their credentials: addPassword, removePassword, removeKey) and the
 * delegated consent grants, oauth2PermissionGrants (api-map.md §B.T5).
 *
 * Fixture applications carry graphsim-only data the token endpoint uses:
 * `roles` (the app's consented application permissions) and each
 * password credential's `secretText`. Graph never shows either: a read
 * renders the object over a template of the resource's properties in
 * the service's order (application-get.md, serviceprincipal-get.md),
 * leaves `roles` out, and gives every passwordCredential `secretText`
 * null and every keyCredential `key` null, as the service does without
 * $select=keyCredentials. addPassword (application-addpassword.md) is
 * the one answer that holds the secret: it is generated here, kept in the
 * state so the token endpoint accepts it at once, and shown only as its
 * three-character `hint` afterwards.
 *
 * removeKey wants a `proof` (application-removekey.md): an RS256 JWT
 * signed with the private key of one of the object's certificates that
 * has not expired, aud 00000002-0000-0000-c000-000000000000, iss the
 * object's id, valid for at most 10 minutes. Like jwt.c, graphsim keeps
 * certificates as PEM in `key`; the signature is checked against each in
 * turn (the proof's header need not name one).
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* application-get.md's answer, every property at its empty value. */
static const char app_template[] =
	"{\"id\":null,\"deletedDateTime\":null,\"isFallbackPublicClient\":"
	"null,\"appId\":null,\"applicationTemplateId\":null,"
	"\"identifierUris\":[],\"createdDateTime\":null,"
	"\"disabledByMicrosoftStatus\":null,\"displayName\":null,"
	"\"isDeviceOnlyAuthSupported\":null,\"groupMembershipClaims\":null,"
	"\"optionalClaims\":null,\"addIns\":[],\"publisherDomain\":null,"
	"\"samlMetadataUrl\":null,\"signInAudience\":\"AzureADMyOrg\","
	"\"verifiedPublisher\":{\"displayName\":null,"
	"\"verifiedPublisherId\":null,\"addedDateTime\":null},"
	"\"certification\":null,\"tags\":[],\"tokenEncryptionKeyId\":null,"
	"\"api\":{\"requestedAccessTokenVersion\":null,"
	"\"acceptMappedClaims\":null,\"knownClientApplications\":[],"
	"\"oauth2PermissionScopes\":[],\"preAuthorizedApplications\":[]},"
	"\"appRoles\":[],\"publicClient\":{\"redirectUris\":[]},"
	"\"info\":{\"termsOfServiceUrl\":null,\"supportUrl\":null,"
	"\"privacyStatementUrl\":null,\"marketingUrl\":null,"
	"\"logoUrl\":null},\"keyCredentials\":[],"
	"\"parentalControlSettings\":{\"countriesBlockedForMinors\":[],"
	"\"legalAgeGroupRule\":\"Allow\"},\"passwordCredentials\":[],"
	"\"requiredResourceAccess\":[],\"web\":{\"redirectUris\":[],"
	"\"homePageUrl\":null,\"logoutUrl\":null,\"implicitGrantSettings\":"
	"{\"enableIdTokenIssuance\":false,"
	"\"enableAccessTokenIssuance\":false}}}";

/* serviceprincipal-get.md's answer. */
static const char sp_template[] =
	"{\"accountEnabled\":true,\"addIns\":[],\"alternativeNames\":[],"
	"\"appDisplayName\":null,\"appId\":null,"
	"\"appOwnerOrganizationId\":null,\"appRoleAssignmentRequired\":false,"
	"\"appRoles\":[],\"disabledByMicrosoftStatus\":null,"
	"\"displayName\":null,\"endpoints\":[],\"homepage\":null,\"id\":null,"
	"\"verifiedPublisher\":{\"displayName\":null,"
	"\"verifiedPublisherId\":null,\"addedDateTime\":null},"
	"\"info\":{\"termsOfServiceUrl\":null,\"supportUrl\":null,"
	"\"privacyStatementUrl\":null,\"marketingUrl\":null,"
	"\"logoUrl\":null},\"keyCredentials\":[],\"logoutUrl\":null,"
	"\"oauth2PermissionScopes\":[],\"passwordCredentials\":[],"
	"\"publisherName\":null,\"replyUrls\":[],"
	"\"resourceSpecificApplicationPermissions\":[],"
	"\"servicePrincipalNames\":[],\"servicePrincipalType\":null,"
	"\"signInAudience\":null,\"tags\":[],\"tokenEncryptionKeyId\":null}";

/* resources/passwordcredential.md and keycredential.md. */
static const char pwd_template[] =
	"{\"customKeyIdentifier\":null,\"displayName\":null,"
	"\"endDateTime\":null,\"hint\":null,\"keyId\":null,"
	"\"secretText\":null,\"startDateTime\":null}";

static const char key_template[] =
	"{\"customKeyIdentifier\":null,\"displayName\":null,"
	"\"endDateTime\":null,\"key\":null,\"keyId\":null,"
	"\"startDateTime\":null,\"type\":null,\"usage\":null}";

/* graphsim-only keys of a fixture application (docs/graphsim.md). */
static const char *const hidden_keys[] = { "roles", NULL };

/* removeKey's proof audience: the AAD Graph app id the docs name. */
#define PROOF_AUD "00000002-0000-0000-c000-000000000000"
#define PROOF_SKEW 300

/* Which collection a route serves: its fixture key and its names. */
struct kind {
	const char *array, *context, *type;
	const char *tmpl;
};

static const struct kind k_app = {
	"applications", "applications", "microsoft.graph.application",
	app_template,
};

static const struct kind k_sp = {
	"servicePrincipals", "servicePrincipals",
	"microsoft.graph.servicePrincipal", sp_template,
};

/* Each credential over `tmpl`, with the secret field `blank` set null. */
static yyjson_mut_val *
render_creds(yyjson_mut_doc *doc, yyjson_mut_val *creds, const char *tmpl,
	     const char *blank)
{
	yyjson_doc *t = yyjson_read(tmpl, strlen(tmpl), 0);
	yyjson_mut_val *out = yyjson_mut_arr(doc), *c;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(creds);

	while ((c = yyjson_mut_arr_iter_next(&it))) {
		yyjson_mut_val *r = gs_dir_overlay(doc, yyjson_doc_get_root(t),
						   c, NULL);

		yyjson_mut_obj_put(r, yyjson_mut_str(doc, blank),
				   yyjson_mut_null(doc));
		yyjson_mut_arr_append(out, r);
	}
	yyjson_doc_free(t);
	return out;
}

static yyjson_mut_val *
render_object(struct gs_server *gs, struct gs_req *req, yyjson_mut_doc *doc,
	      yyjson_mut_val *obj, void *ctx)
{
	const struct kind *k = ctx;
	yyjson_doc *t = yyjson_read(k->tmpl, strlen(k->tmpl), 0);
	yyjson_mut_val *out;

	(void)gs;
	(void)req;
	if (!t)
		IR_BUG("bad %s template", k->type);
	out = gs_dir_overlay(doc, yyjson_doc_get_root(t), obj, hidden_keys);
	yyjson_doc_free(t);
	yyjson_mut_obj_put(out, yyjson_mut_str(doc, "passwordCredentials"),
			   render_creds(doc, yyjson_mut_obj_get(obj,
					"passwordCredentials"), pwd_template,
					"secretText"));
	yyjson_mut_obj_put(out, yyjson_mut_str(doc, "keyCredentials"),
			   render_creds(doc, yyjson_mut_obj_get(obj,
					"keyCredentials"), key_template,
					"key"));
	return out;
}

static void
list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
     const struct kind *k)
{
	struct gs_dir_list l = {
		.context = k->context, .type = k->type,
		.items = gs_dir_array(&gs->state, k->array, false),
		.render = render_object, .ctx = (void *)k,
	};

	gs_dir_list(gs, req, resp, &l);
}

/* The object named by {id} (its object id), or NULL with a 404. */
static yyjson_mut_val *
find(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
     const struct kind *k)
{
	yyjson_mut_val *o = gs_dir_find(gs_dir_array(&gs->state, k->array,
						     false),
					"id", req->params[0], NULL);

	if (!o)
		gs_dir_not_found(resp, req, req->params[0]);
	return o;
}

static void
get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
    const struct kind *k)
{
	yyjson_mut_val *o = find(gs, req, resp, k);
	yyjson_mut_doc *doc;

	if (!o)
		return;
	doc = yyjson_mut_doc_new(NULL);
	gs_dir_entity(resp, doc, k->context,
		      render_object(gs, req, doc, o, (void *)k));
	yyjson_mut_doc_free(doc);
}

void
gs_apps_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	list(gs, req, resp, &k_app);
}

void
gs_apps_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	get(gs, req, resp, &k_app);
}

void
gs_sps_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	list(gs, req, resp, &k_sp);
}

void
gs_sps_get(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	get(gs, req, resp, &k_sp);
}

/* addPassword ---------------------------------------------------------- */

/*
 * A client secret in the service's alphabet and length (40): three
 * characters, "8Q~" as the service's current secrets have, then 34 more.
 */
static void
new_secret(struct gs_server *gs, char out[41])
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				  "opqrstuvwxyz0123456789~._-";

	for (size_t i = 0; i < 40; i++)
		out[i] = abc[gs_rand(gs) % (sizeof(abc) - 1)];
	memcpy(out + 3, "8Q~", 3);
	out[40] = '\0';
}

/* A string or null member of `o`; false when it has another type. */
static bool
opt_str(const char **out, yyjson_val *o, const char *name)
{
	yyjson_val *v = yyjson_obj_get(o, name);

	*out = yyjson_get_str(v);
	return !v || yyjson_is_str(v) || yyjson_is_null(v);
}

/*
 * Fill `cred` from the body's passwordCredential `pc` (NULL: defaults)
 * up to the secret, and its displayName into `name`; false on a bad one.
 */
static bool
read_password_body(const char **name, yyjson_mut_doc *sd,
		   yyjson_mut_val *cred, yyjson_val *pc, struct gs_server *gs)
{
	const char *start, *end;
	char now[40], later[40], keyid[GS_GUID_LEN];

	if (pc && !yyjson_is_obj(pc))
		return false;
	if (!opt_str(name, pc, "displayName") ||
	    !opt_str(&start, pc, "startDateTime") ||
	    !opt_str(&end, pc, "endDateTime"))
		return false;
	gs_format_time(now, gs_now());
	/* The service's default lifetime is two years. */
	gs_format_time(later, gs_now() + 2 * 365 * 86400 + 86400);
	gs_guid(gs, keyid);
	yyjson_mut_obj_add_null(sd, cred, "customKeyIdentifier");
	yyjson_mut_obj_add_strcpy(sd, cred, "endDateTime", end ? end : later);
	yyjson_mut_obj_add_strcpy(sd, cred, "keyId", keyid);
	yyjson_mut_obj_add_strcpy(sd, cred, "startDateTime",
				  start ? start : now);
	return true;
}

static void
append_cred(yyjson_mut_doc *sd, yyjson_mut_val *app, yyjson_mut_val *cred)
{
	yyjson_mut_val *creds = yyjson_mut_obj_get(app, "passwordCredentials");

	if (!yyjson_mut_is_arr(creds)) {
		creds = yyjson_mut_arr(sd);
		yyjson_mut_obj_put(app, yyjson_mut_str(sd,
				   "passwordCredentials"), creds);
	}
	yyjson_mut_arr_append(creds, cred);
}

void
gs_apps_add_password(struct gs_server *gs, struct gs_req *req,
		     struct gs_resp *resp)
{
	yyjson_mut_val *app = find(gs, req, resp, &k_app), *cred;
	yyjson_mut_doc *sd = gs->state.doc, *doc;
	yyjson_doc *in = NULL;
	const char *name = NULL;
	char secret[41], hint[4];

	if (!app)
		return;
	/* An empty body takes every default. */
	if (req->body.len && !(in = gs_dir_body(req, resp)))
		return;
	cred = yyjson_mut_obj(sd);
	if (!read_password_body(&name, sd, cred, yyjson_obj_get(
			yyjson_doc_get_root(in), "passwordCredential"), gs)) {
		yyjson_doc_free(in);
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "Invalid value for passwordCredential.");
		return;
	}
	new_secret(gs, secret);
	memcpy(hint, secret, 3);
	hint[3] = '\0';
	yyjson_mut_obj_add_strcpy(sd, cred, "secretText", secret);
	yyjson_mut_obj_add_strcpy(sd, cred, "hint", hint);
	if (name)
		yyjson_mut_obj_add_strcpy(sd, cred, "displayName", name);
	else
		yyjson_mut_obj_add_null(sd, cred, "displayName");
	yyjson_doc_free(in);
	append_cred(sd, app, cred);
	/* The one answer that shows secretText (application-addpassword). */
	doc = yyjson_mut_doc_new(NULL);
	gs_dir_entity(resp, doc, "microsoft.graph.passwordCredential",
		      yyjson_mut_val_mut_copy(doc, cred));
	yyjson_mut_doc_free(doc);
}

/* removePassword, removeKey -------------------------------------------- */

/* The body's keyId, or NULL with a 400; `in` holds the parsed body. */
static const char *
body_key_id(yyjson_doc **in, struct gs_req *req, struct gs_resp *resp)
{
	const char *id;

	*in = gs_dir_body(req, resp);
	if (!*in)
		return NULL;
	id = yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(*in),
					   "keyId"));
	if (!id)
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "The keyId property is required.");
	return id;
}

static void
remove_cred(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	    const struct kind *k, const char *array, bool proof);

static void
remove_password(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp, const struct kind *k)
{
	remove_cred(gs, req, resp, k, "passwordCredentials", false);
}

void
gs_apps_remove_password(struct gs_server *gs, struct gs_req *req,
			struct gs_resp *resp)
{
	remove_password(gs, req, resp, &k_app);
}

void
gs_sps_remove_password(struct gs_server *gs, struct gs_req *req,
		       struct gs_resp *resp)
{
	remove_password(gs, req, resp, &k_sp);
}

void
gs_apps_remove_key(struct gs_server *gs, struct gs_req *req,
		   struct gs_resp *resp)
{
	remove_cred(gs, req, resp, &k_app, "keyCredentials", true);
}

void
gs_sps_remove_key(struct gs_server *gs, struct gs_req *req,
		  struct gs_resp *resp)
{
	remove_cred(gs, req, resp, &k_sp, "keyCredentials", true);
}

/* One part of a compact JWT decoded as a JSON object, or NULL. */
static yyjson_doc *
jwt_part(const char *s, size_t len)
{
	struct ir_buf b = IR_BUF_INIT;
	char *part = xstrndup(s, len);
	yyjson_doc *d = NULL;

	if (!gs_base64url_decode(&b, part))
		d = yyjson_read(b.buf ? b.buf : "", b.len, 0);
	free(part);
	ir_buf_release(&b);
	if (d && !yyjson_is_obj(yyjson_doc_get_root(d))) {
		yyjson_doc_free(d);
		d = NULL;
	}
	return d;
}

/* Do the proof's claims fit application-removekey.md for `id`? */
static bool
proof_claims_ok(yyjson_val *c, const char *id)
{
	const char *aud = yyjson_get_str(yyjson_obj_get(c, "aud"));
	const char *iss = yyjson_get_str(yyjson_obj_get(c, "iss"));
	yyjson_val *nbf = yyjson_obj_get(c, "nbf"), *exp;
	int64_t now = gs_now(), e;

	exp = yyjson_obj_get(c, "exp");
	if (!aud || strcmp(aud, PROOF_AUD) || !iss || !gs_str_eq_ci(iss, id) ||
	    !yyjson_is_int(exp) || !yyjson_is_int(nbf))
		return false;
	e = yyjson_get_sint(exp);
	return e > now - PROOF_SKEW && yyjson_get_sint(nbf) <= now +
	       PROOF_SKEW && e - yyjson_get_sint(nbf) <= 600;
}

static X509 *
cert_from_pem(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x;

	if (!bio)
		IR_BUG("out of memory in BIO_new_mem_buf");
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return x;
}

/* RSASSA-PKCS1-v1_5 with SHA-256 (RS256) of `input` by `cert`? */
static bool
rs256_ok(X509 *cert, const char *input, size_t len, const struct ir_buf *sig)
{
	EVP_PKEY *pkey = X509_get0_pubkey(cert);
	EVP_MD_CTX *ctx;
	bool ok = false;

	if (!pkey || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
		return false;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		IR_BUG("out of memory in EVP_MD_CTX_new");
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1)
		ok = EVP_DigestVerify(ctx, (const unsigned char *)sig->buf,
				      sig->len, (const unsigned char *)input,
				      len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* Is `sig` over `input` made by one of `obj`'s unexpired certificates? */
static bool
signed_by_cert(yyjson_mut_val *obj, const char *input, size_t len,
	       const char *sig64)
{
	yyjson_mut_val *kc = yyjson_mut_obj_get(obj, "keyCredentials"), *c;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(kc);
	struct ir_buf sig = IR_BUF_INIT;
	bool ok = false;
	char now[40];

	gs_format_time(now, gs_now());
	if (gs_base64url_decode(&sig, sig64))
		goto out;
	while (!ok && (c = yyjson_mut_arr_iter_next(&it))) {
		const char *pem = yyjson_mut_get_str(yyjson_mut_obj_get(c,
								      "key"));
		const char *end = yyjson_mut_get_str(yyjson_mut_obj_get(c,
							"endDateTime"));
		X509 *x = pem ? cert_from_pem(pem) : NULL;

		/* RFC 3339 UTC on both sides: text order is time order. */
		if (x && (!end || strcmp(end, now) > 0))
			ok = rs256_ok(x, input, len, &sig);
		X509_free(x);
	}
out:
	ir_buf_release(&sig);
	return ok;
}

static bool
proof_ok(const char *proof, const char *id, yyjson_mut_val *obj)
{
	const char *d1 = proof ? strchr(proof, '.') : NULL;
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	yyjson_doc *h, *c;
	const char *alg;
	bool ok;

	if (!d2 || d1 == proof || d2 == d1 + 1 || !d2[1] ||
	    strchr(d2 + 1, '.'))
		return false;
	h = jwt_part(proof, (size_t)(d1 - proof));
	c = jwt_part(d1 + 1, (size_t)(d2 - d1 - 1));
	alg = yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(h), "alg"));
	ok = h && c && alg && !strcmp(alg, "RS256") &&
	     proof_claims_ok(yyjson_doc_get_root(c), id) &&
	     signed_by_cert(obj, proof, (size_t)(d2 - proof), d2 + 1);
	yyjson_doc_free(h);
	yyjson_doc_free(c);
	return ok;
}

static void
remove_cred(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	    const struct kind *k, const char *array, bool proof)
{
	yyjson_mut_val *o = find(gs, req, resp, k), *creds;
	yyjson_doc *in = NULL;
	const char *key_id, *pf;
	size_t idx;

	if (!o || !(key_id = body_key_id(&in, req, resp)))
		goto out;
	pf = yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(in), "proof"));
	if (proof && !proof_ok(pf, req->params[0], o)) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "The proof of possession is missing or "
			       "invalid.");
		goto out;
	}
	creds = yyjson_mut_obj_get(o, array);
	if (!gs_dir_find(creds, "keyId", key_id, &idx)) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "No credential found with keyId '%s'.",
			       key_id);
		goto out;
	}
	yyjson_mut_arr_remove(creds, idx);
	gs_dir_no_content(resp);
out:
	yyjson_doc_free(in);
}

/* oauth2PermissionGrants ----------------------------------------------- */

/* oauth2permissiongrant-list.md: each grant names itself by @odata.id. */
static yyjson_mut_val *
render_grant(struct gs_server *gs, struct gs_req *req, yyjson_mut_doc *doc,
	     yyjson_mut_val *g, void *ctx)
{
	yyjson_mut_val *out = yyjson_mut_obj(doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(g);
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(g, "id"));
	struct ir_buf u = IR_BUF_INIT;

	(void)req;
	(void)ctx;
	ir_buf_addf(&u, GS_GRAPH_HOST "/v2/%s/oauth2PermissionGrants/%s",
		    gs_state_tenant_id(&gs->state), id ? id : "");
	yyjson_mut_obj_add_strcpy(doc, out, "@odata.id", u.buf);
	ir_buf_release(&u);
	while ((k = yyjson_mut_obj_iter_next(&it)))
		yyjson_mut_obj_add(out, yyjson_mut_val_mut_copy(doc, k),
				   yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	return out;
}

void
gs_grants_list(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp)
{
	struct gs_dir_list l = {
		.context = "oauth2PermissionGrants",
		.type = "microsoft.graph.oAuth2PermissionGrant",
		.items = gs_dir_array(&gs->state, "oauth2PermissionGrants",
				      false),
		.render = render_grant,
	};

	gs_dir_list(gs, req, resp, &l);
}

static bool
granted_by(yyjson_mut_val *g, void *user_id)
{
	const char *p = yyjson_mut_get_str(yyjson_mut_obj_get(g,
							     "principalId"));

	return p && gs_str_eq_ci(p, user_id);
}

void
gs_grants_user_list(struct gs_server *gs, struct gs_req *req,
		    struct gs_resp *resp)
{
	yyjson_mut_val *user;
	struct ir_buf ctx = IR_BUF_INIT;
	struct gs_dir_list l = {
		.type = "microsoft.graph.oAuth2PermissionGrant",
		.items = gs_dir_array(&gs->state, "oauth2PermissionGrants",
				      false),
		.keep = granted_by,
	};

	if (!gs_user_find(&user, gs, req, resp))
		return;
	l.ctx = (void *)yyjson_mut_get_str(yyjson_mut_obj_get(user, "id"));
	ir_buf_addf(&ctx, "users('%s')/oauth2PermissionGrants",
		    req->params[0]);
	l.context = ctx.buf;
	if (l.ctx)
		gs_dir_list(gs, req, resp, &l);
	else
		gs_dir_not_found(resp, req, req->params[0]);
	ir_buf_release(&ctx);
}

void
gs_grants_delete(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	yyjson_mut_val *arr = gs_dir_array(&gs->state,
					   "oauth2PermissionGrants", false);
	size_t idx;

	/* Grant ids are case-sensitive base64url: compare exactly. */
	for (idx = 0; idx < yyjson_mut_arr_size(arr); idx++) {
		const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(
			yyjson_mut_arr_get(arr, idx), "id"));

		if (id && !strcmp(id, req->params[0])) {
			yyjson_mut_arr_remove(arr, idx);
			gs_dir_no_content(resp);
			return;
		}
	}
	gs_dir_not_found(resp, req, req->params[0]);
}
