/* SPDX-License-Identifier: MIT */
/*
 * tls.c - graphsim over HTTPS: --tls-cert FILE --tls-key FILE (PEM).
 *
 * The real services are HTTPS only, and a client's certificate checks
 * (a pinned CA bundle, a refusal to talk to an unverified host) can only
 * be tested against a server that speaks TLS. libmicrohttpd does the
 * TLS itself (GnuTLS in Debian's build) and wants the certificate and
 * key as PEM text in memory, so both files are read here, once, before
 * the daemon starts; server.c passes them on with MHD_USE_TLS.
 *
 * Nothing here makes or ships a key: tests/e2e/graphsim-tls.sh makes a
 * throw-away CA and server certificate at test time.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

#include <errno.h>

/* PEM files past this size are not a certificate or a key. */
#define PEM_MAX (1u << 20)

static int
read_pem(char **out, const char *path, const char *what,
	 struct ir_err *err)
{
	struct ir_buf b = IR_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return ir_err_set(err, IR_EIO, "cannot open %s %s: %s", what,
				  path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
	       b.len <= PEM_MAX)
		ir_buf_add(&b, chunk, n);
	if (ferror(f) || b.len > PEM_MAX || !b.len ||
	    !strstr(b.buf, "-----BEGIN ")) {
		fclose(f);
		ir_buf_release(&b);
		return ir_err_set(err, IR_EIO, "%s %s is not a PEM file", what,
				  path);
	}
	fclose(f);
	*out = ir_buf_detach(&b, NULL);
	return 0;
}

int
gs_tls_load(struct gs_server *gs, const char *cert, const char *key,
	    struct ir_err *err)
{
	struct gs_tls *t = xcalloc(1, sizeof(*t));

	if (read_pem(&t->cert, cert, "--tls-cert", err) ||
	    read_pem(&t->key, key, "--tls-key", err)) {
		gs->tls = t;
		gs_tls_release(gs);
		return IR_EIO;
	}
	gs->tls = t;
	return 0;
}

void
gs_tls_release(struct gs_server *gs)
{
	struct gs_tls *t = gs->tls;

	if (!t)
		return;
	free(t->cert);
	if (t->key) {
		explicit_bzero(t->key, strlen(t->key));
		free(t->key);
	}
	free(t);
	gs->tls = NULL;
}

const char *
gs_scheme(const struct gs_server *gs)
{
	return gs->tls ? "https" : "http";
}
