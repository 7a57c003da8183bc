/* SPDX-License-Identifier: MIT */
/*
 * jwt.c - certificate client assertions: the signed JWT a confidential
 * client sends to the token endpoint instead of a client secret
 * (api-map.md D'.2; certificate-credentials.md; the decoded examples in
 * api-examples/identity/client_assertion.*.json).
 *
 * The header names the certificate by thumbprint: "x5t" is the base64url
 * SHA-1 of its DER (the older RS256 guidance, still what MSAL sends when it
 * only has a SHA-1 thumbprint), "x5t#S256" the SHA-256 (current guidance,
 * PS256). Either thumbprint is accepted with either algorithm; padding and
 * the standard alphabet are tolerated because MSAL Python pads its x5t.
 * The certificates are the app's keyCredentials, whose "key" holds the
 * certificate as PEM text; the thumbprints are computed from it on each
 * request (a fixture holds a handful, and the live state may change).
 *
 * Checks, in the order the service reports them, with the AADSTS codes
 * from Microsoft's troubleshooting table for certificate and assertion
 * credentials (learn.microsoft.com azure/developer/java/sdk/
 * troubleshooting-authentication-service-principal: 700027 invalid
 * signature, 700021 application id mismatch, 700023 audience mismatch)
 * and reference-error-codes.md (50027 invalid or malformed JWT, 700024
 * assertion outside its valid time range):
 *   the JWT is three base64url parts with JSON objects	  50027
 *   alg is RS256 or PS256				  50027
 *   a registered, unexpired certificate has the thumbprint  700027
 *   the signature verifies with its public key		  700027
 *   iss and sub are the client_id			  700021
 *   aud is this tenant's token URL (or the v2.0 issuer)	  700023
 *   exp is in the future, nbf not (5 minutes of skew)	  700024
 *   jti is present					  50027
 * All are 401 invalid_client, like the secret errors in token.c.
 *
 * NEEDSWORK: jti replay is not tracked, x5c (subject name/issuer auth) is
 * ignored, and the "key" is read only as PEM, not Graph's base64 DER.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <strings.h>

#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define LOGIN_HOST "https://login.microsoftonline.com"
/* Clock skew allowed on nbf and exp, as Entra allows about 5 minutes. */
#define SKEW 300
#define CERT_DOCS "Review the documentation at https://docs.microsoft.com/" \
	"en-us/azure/active-directory/develop/active-directory-certificate-" \
	"credentials ."

struct jwt {
	yyjson_doc *hdr, *claims;
	struct ir_buf input; /* "header.payload": the signed bytes */
	struct ir_buf sig;
};

static void
jwt_release(struct jwt *j)
{
	yyjson_doc_free(j->hdr);
	yyjson_doc_free(j->claims);
	ir_buf_release(&j->input);
	ir_buf_release(&j->sig);
}

static yyjson_doc *
decode_json(const char *s, size_t len)
{
	char *part = xstrndup(s, len);
	struct ir_buf raw = IR_BUF_INIT;
	yyjson_doc *doc = NULL;

	if (!gs_base64url_decode(&raw, part))
		doc = yyjson_read(raw.buf, raw.len, 0);
	if (doc && !yyjson_is_obj(yyjson_doc_get_root(doc))) {
		yyjson_doc_free(doc);
		doc = NULL;
	}
	ir_buf_release(&raw);
	free(part);
	return doc;
}

/* Split and decode a compact JWT; -1 when it is not one. */
static int
jwt_parse(struct jwt *j, const char *s)
{
	const char *d1 = strchr(s, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;

	memset(j, 0, sizeof(*j));
	ir_buf_init(&j->input);
	ir_buf_init(&j->sig);
	if (!d2 || strchr(d2 + 1, '.') || !d2[1])
		return -1;
	j->hdr = decode_json(s, (size_t)(d1 - s));
	j->claims = decode_json(d1 + 1, (size_t)(d2 - d1 - 1));
	ir_buf_add(&j->input, s, (size_t)(d2 - s));
	if (!j->hdr || !j->claims || gs_base64url_decode(&j->sig, d2 + 1))
		return -1;
	return 0;
}

static const char *
str_claim(yyjson_doc *doc, const char *name)
{
	return yyjson_get_str(yyjson_obj_get(yyjson_doc_get_root(doc), name));
}

/* Decode a thumbprint, tolerating padding and the standard alphabet. */
static int
thumb_decode(struct ir_buf *out, const char *t)
{
	char *s = xstrdup(t);
	size_t n = strlen(s);
	int ret;

	while (n && s[n - 1] == '=')
		s[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	ret = gs_base64url_decode(out, s);
	free(s);
	return ret;
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

struct want {
	const EVP_MD *md;
	struct ir_buf thumb;
	bool expired; /* the match found had its endDateTime passed */
};

/* The certificate of `app` with thumbprint `w`, or NULL. */
static X509 *
find_cert(yyjson_mut_val *app, struct want *w)
{
	yyjson_mut_val *kc = yyjson_mut_obj_get(app, "keyCredentials"), *c;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(kc);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	char now[40];

	gs_format_time(now, gs_now());
	while ((c = yyjson_mut_arr_iter_next(&it))) {
		const char *pem = yyjson_mut_get_str(
			yyjson_mut_obj_get(c, "key"));
		const char *end = yyjson_mut_get_str(
			yyjson_mut_obj_get(c, "endDateTime"));
		X509 *x = pem ? cert_from_pem(pem) : NULL;

		if (x && X509_digest(x, w->md, md, &mdlen) &&
		    mdlen == w->thumb.len && !memcmp(md, w->thumb.buf, mdlen)) {
			/* RFC 3339 UTC on both sides: text order is time. */
			if (!end || strcmp(end, now) > 0)
				return x;
			w->expired = true;
		}
		X509_free(x);
	}
	return NULL;
}

static bool
verify_sig(X509 *cert, bool pss, const struct jwt *j)
{
	EVP_PKEY *pkey = X509_get0_pubkey(cert);
	EVP_PKEY_CTX *pctx = NULL;
	EVP_MD_CTX *ctx;
	bool ok = false;

	if (!pkey || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
		return false;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		IR_BUG("out of memory in EVP_MD_CTX_new");
	/* PS256 (RFC 7518 3.5): PSS, MGF1 SHA-256, salt = digest length. */
	if (EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, pkey) == 1 &&
	    (!pss ||
	     (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
					       RSA_PSS_SALTLEN_DIGEST) == 1 &&
	      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1)))
		ok = EVP_DigestVerify(ctx, (const unsigned char *)j->sig.buf,
				      j->sig.len,
				      (const unsigned char *)j->input.buf,
				      j->input.len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

static bool
refuse(struct gs_resp *resp, const struct gs_req *req, long aadsts,
       const char *msg)
{
	gs_token_error(resp, req, 401, "invalid_client", aadsts, "%s", msg);
	return false;
}

static bool
malformed(struct gs_resp *resp, const struct gs_req *req, const char *why)
{
	gs_token_error(resp, req, 401, "invalid_client", 50027,
		       "JWT token is invalid or malformed. %s", why);
	return false;
}

static void
hex(char *out, size_t size, const struct ir_buf *b)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < b->len && 2 * i + 2 < size; i++)
		snprintf(out + 2 * i, 3, "%02X", (unsigned char)b->buf[i]);
}

/* The header's certificate, and the signature checked with it. */
static bool
check_signature(struct gs_resp *resp, const struct gs_req *req,
		yyjson_mut_val *app, const char *client_id,
		const struct jwt *j)
{
	const char *alg = str_claim(j->hdr, "alg");
	const char *s256 = str_claim(j->hdr, "x5t#S256");
	const char *s1 = str_claim(j->hdr, "x5t");
	struct want w = { s256 ? EVP_sha256() : EVP_sha1(), IR_BUF_INIT,
			  false };
	char thumb[2 * EVP_MAX_MD_SIZE + 1];
	X509 *cert = NULL;
	bool ok;

	if (!alg || (strcmp(alg, "RS256") && strcmp(alg, "PS256")))
		return malformed(resp, req, "The algorithm must be RS256 "
				 "or PS256.");
	if (!s256 && !s1)
		return malformed(resp, req, "The header names no x5t or "
				 "x5t#S256 thumbprint.");
	if (!thumb_decode(&w.thumb, s256 ? s256 : s1))
		cert = find_cert(app, &w);
	hex(thumb, sizeof(thumb), &w.thumb);
	if (!cert) {
		gs_token_error(resp, req, 401, "invalid_client", 700027,
			       "Client assertion contains an invalid "
			       "signature. [Reason - %s, Thumbprint of key "
			       "used by client: '%s', Please visit the Azure "
			       "Portal, Graph Explorer or directly use MS "
			       "Graph to see configured keys for app Id "
			       "'%s'.]", w.expired ? "The key used is "
			       "expired." : "The key was not found.", thumb,
			       client_id);
		ir_buf_release(&w.thumb);
		return false;
	}
	ok = verify_sig(cert, !strcmp(alg, "PS256"), j);
	X509_free(cert);
	ir_buf_release(&w.thumb);
	if (!ok)
		return refuse(resp, req, 700027, "Client assertion contains "
			      "an invalid signature. [Reason - The "
			      "signature does not verify with the key "
			      "registered for the thumbprint.]");
	return true;
}

/* Does `aud` name this tenant's token endpoint, here or at login? */
static bool
aud_ok(struct gs_server *gs, const struct gs_req *req, const char *aud)
{
	struct ir_buf base = IR_BUF_INIT;
	const char *p = NULL, *slash;
	char *tenant;
	bool ok;

	gs_request_base(&base, gs, req);
	if (!strncasecmp(aud, LOGIN_HOST "/", sizeof(LOGIN_HOST)))
		p = aud + sizeof(LOGIN_HOST);
	else if (!strncasecmp(aud, base.buf, base.len) && aud[base.len] == '/')
		p = aud + base.len + 1;
	ir_buf_release(&base);
	if (!p || !(slash = strchr(p, '/')))
		return false;
	tenant = xstrndup(p, (size_t)(slash - p));
	ok = gs_state_is_tenant(&gs->state, tenant) &&
	     (!strcmp(slash, "/oauth2/v2.0/token") || !strcmp(slash, "/v2.0"));
	free(tenant);
	return ok;
}

static bool
check_time(struct gs_resp *resp, const struct gs_req *req,
	   const struct jwt *j)
{
	yyjson_val *root = yyjson_doc_get_root(j->claims);
	yyjson_val *exp = yyjson_obj_get(root, "exp");
	yyjson_val *nbf = yyjson_obj_get(root, "nbf");
	int64_t now = gs_now();
	char t_now[40], t_nbf[40] = "", t_exp[40];

	if (!yyjson_is_int(exp) || (nbf && !yyjson_is_int(nbf)))
		return malformed(resp, req, "exp and nbf must be numbers.");
	if (yyjson_get_sint(exp) + SKEW > now &&
	    (!nbf || yyjson_get_sint(nbf) - SKEW <= now))
		return true;
	gs_format_time(t_now, now);
	gs_format_time(t_exp, yyjson_get_sint(exp));
	if (nbf)
		gs_format_time(t_nbf, yyjson_get_sint(nbf));
	gs_token_error(resp, req, 401, "invalid_client", 700024,
		       "Client assertion is not within its valid time range. "
		       "Current time: %s, assertion valid from %s, expiry "
		       "time of assertion %s. %s", t_now, t_nbf, t_exp,
		       CERT_DOCS);
	return false;
}

static bool
check_claims(struct gs_server *gs, struct gs_resp *resp,
	     const struct gs_req *req, const char *client_id,
	     const struct jwt *j)
{
	const char *iss = str_claim(j->claims, "iss");
	const char *sub = str_claim(j->claims, "sub");
	const char *aud = str_claim(j->claims, "aud");
	const char *jti = str_claim(j->claims, "jti");

	if (!iss || !sub || strcasecmp(iss, client_id) ||
	    strcasecmp(sub, client_id))
		return refuse(resp, req, 700021, "Client assertion "
			      "application identifier doesn't match "
			      "'client_id' parameter. " CERT_DOCS);
	if (!aud || !aud_ok(gs, req, aud))
		return refuse(resp, req, 700023, "Client assertion audience "
			      "claim does not match Realm issuer. " CERT_DOCS);
	if (!check_time(resp, req, j))
		return false;
	if (!jti || !*jti)
		return malformed(resp, req, "The assertion has no jti.");
	return true;
}

bool
gs_assertion_check(struct gs_server *gs, struct gs_req *req,
		   struct gs_resp *resp, yyjson_mut_val *app,
		   const char *client_id, const char *type,
		   const char *assertion)
{
	struct jwt j;
	bool ok;

	if (!type || !*type) {
		gs_token_error(resp, req, 400, "invalid_request", 900144,
			       "The request body must contain the following "
			       "parameter: 'client_assertion_type'.");
		return false;
	}
	/*
	 * The code for a wrong type is not documented; without the jwt-bearer
	 * type the service has no credential, hence the no-credential error.
	 */
	if (strcmp(type, ASSERTION_TYPE))
		return refuse(resp, req, 7000218, "The request body must "
			      "contain the following parameter: "
			      "'client_assertion' or 'client_secret'.");
	if (jwt_parse(&j, assertion)) {
		jwt_release(&j);
		return malformed(resp, req, "The client assertion is not a "
				 "compact JWS.");
	}
	ok = check_signature(resp, req, app, client_id, &j) &&
	     check_claims(gs, resp, req, client_id, &j);
	jwt_release(&j);
	return ok;
}
