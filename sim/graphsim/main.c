/* SPDX-License-Identifier: MIT */
/*
 * main.c - graphsim's command line (DESIGN.md):
 *
 *   graphsim --tenant FIXTURE.json [--port N] [--latency MS]
 *            [--limits documented|off] [--faults SPEC] [--seed N]
 *            [--log FILE] [--tls-cert FILE --tls-key FILE]
 *
 * It loads the fixture, listens on 127.0.0.1, prints
 * "graphsim: listening on http://127.0.0.1:PORT" on stdout (tests read the
 * port from it, so it is flushed at once) and serves until SIGTERM or
 * SIGINT, which stop it cleanly with exit status 0.
 *
 * The signals are blocked before libmicrohttpd starts its thread, so that
 * thread inherits the mask and only the main thread, waiting in
 * sigwait(), ever sees them: no handler, no async-signal-safety worries.
 *
 * --latency MS[:JITTER], --limits documented|off and --faults SPEC are
 * the realism knobs (faults.c); a malformed value is exit 2 with a
 * message, never silently ignored by a test that relies on it.
 *
 * --tls-cert and --tls-key (PEM, both or neither; tls.c) make it serve
 * HTTPS and print an https:// URL instead.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/parse.h"

#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: graphsim --tenant FIXTURE.json [--port N] "
	"[--latency MS[:JITTER]]\n"
	"                [--limits documented|off] [--faults SPEC] "
	"[--seed N]\n"
	"                [--log FILE] [--tls-cert FILE --tls-key FILE]\n";

struct opts {
	const char *tenant, *log;
	const char *latency, *limits, *faults;
	const char *tls_cert, *tls_key;
	unsigned port;
	uint64_t seed;
	bool seeded;
};

static int die_usage(const char *fmt, ...) IR_PRINTF(1, 2);

static int
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "graphsim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return 2;
}

static int
parse_value(struct opts *o, const char *opt, const char *val)
{
	int port;

	if (!strcmp(opt, "--tenant"))
		o->tenant = val;
	else if (!strcmp(opt, "--log"))
		o->log = val;
	else if (!strcmp(opt, "--port")) {
		if (ir_parse_int(&port, val, strlen(val), 0, 65535, NULL))
			return die_usage("bad --port '%s'", val);
		o->port = (unsigned)port;
	} else if (!strcmp(opt, "--seed")) {
		if (ir_parse_uint64(&o->seed, val, strlen(val), NULL))
			return die_usage("bad --seed '%s'", val);
		o->seeded = true;
	} else if (!strcmp(opt, "--latency")) {
		o->latency = val;
	} else if (!strcmp(opt, "--limits")) {
		o->limits = val;
	} else if (!strcmp(opt, "--faults")) {
		o->faults = val;
	} else if (!strcmp(opt, "--tls-cert")) {
		o->tls_cert = val;
	} else if (!strcmp(opt, "--tls-key")) {
		o->tls_key = val;
	} else {
		return die_usage("unknown option '%s'", opt);
	}
	return 0;
}

static int
parse_args(struct opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		char opt[32];
		int ret;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		}
		if (strncmp(a, "--", 2))
			return die_usage("unexpected argument '%s'", a);
		if (eq) {
			snprintf(opt, sizeof(opt), "%.*s", (int)(eq - a), a);
			ret = parse_value(o, opt, eq + 1);
		} else if (i + 1 < argc) {
			ret = parse_value(o, a, argv[++i]);
		} else {
			return die_usage("%s needs a value", a);
		}
		if (ret)
			return ret;
	}
	if (!o->tenant)
		return die_usage("%s", "--tenant is required");
	if (!o->tls_cert != !o->tls_key)
		return die_usage("%s", "--tls-cert and --tls-key go together");
	return 0;
}

/* The knobs are parsed once every option is known (faults.c). */
static int
parse_knobs(struct gs_server *gs, const struct opts *o)
{
	struct ir_err err = IR_ERR_INIT;

	if ((o->latency && gs_knobs_parse_latency(gs, o->latency, &err)) ||
	    (o->limits && gs_knobs_parse_limits(gs, o->limits, &err)) ||
	    (o->faults && gs_knobs_parse_faults(gs, o->faults, &err))) {
		gs_knobs_release(gs);
		return die_usage("%s", err.msg);
	}
	return 0;
}

static int
serve(struct gs_server *gs, unsigned port)
{
	struct MHD_Daemon *d;
	struct ir_err err = IR_ERR_INIT;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (gs_server_start(&d, gs, port, &err)) {
		fprintf(stderr, "graphsim: %s\n", err.msg);
		return 1;
	}
	printf("graphsim: listening on %s://127.0.0.1:%u\n", gs_scheme(gs),
	       gs->port);
	fflush(stdout);
	sigwait(&set, &sig);
	gs_knobs_stop(gs);
	MHD_stop_daemon(d);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct gs_server gs = { 0 };
	struct ir_err err = IR_ERR_INIT;
	int ret;

	ret = parse_args(&o, argc, argv);
	if (!ret)
		ret = parse_knobs(&gs, &o);
	if (ret)
		return ret;
	if (o.tls_cert && gs_tls_load(&gs, o.tls_cert, o.tls_key, &err)) {
		fprintf(stderr, "graphsim: %s\n", err.msg);
		gs_knobs_release(&gs);
		return 2;
	}
	if (gs_state_load(&gs.state, o.tenant, &err)) {
		fprintf(stderr, "graphsim: %s\n", err.msg);
		gs_knobs_release(&gs);
		gs_tls_release(&gs);
		return 2;
	}
	gs.rng = o.seeded ? o.seed :
			    (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	if (o.log) {
		gs.log = fopen(o.log, "a");
		if (!gs.log) {
			fprintf(stderr, "graphsim: cannot open %s\n", o.log);
			gs_state_release(&gs.state);
			gs_knobs_release(&gs);
			gs_tls_release(&gs);
			return 2;
		}
	}
	gs_knobs_start(&gs, gs.rng);
	ret = serve(&gs, o.port);
	gs_knobs_stop(&gs);
	gs_knobs_release(&gs);
	if (gs.log)
		fclose(gs.log);
	gs_tokens_release(&gs.tokens);
	gs_state_release(&gs.state);
	gs_tls_release(&gs);
	return ret;
}
