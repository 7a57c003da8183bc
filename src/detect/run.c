/* SPDX-License-Identifier: MIT */
/*
 * run.c - one pass of the selected detections over an event stream.
 *
 * Besides fanning events out, the runner answers the ingest prefilter: the
 * union of the operations the running detections read is kept in a small
 * hash table, so that `analyze` can skip normalizing the bulk of a real
 * export (file access, mail reads) at the cost of one hash lookup.
 */
#include "util/compat.h"

#include <strings.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "detect/detect.h"

struct ir_detect_run {
	const struct ir_detection **det;
	void **state;
	size_t n;
	bool want_all;
	char **ops; /* open-addressing set of lower-cased operation names */
	size_t ops_size;
};

static uint64_t
hash_ci(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return h;
}

static void
add_op(struct ir_detect_run *run, const char *op)
{
	size_t len = strlen(op);
	size_t slot = hash_ci(op, len) & (run->ops_size - 1);

	while (run->ops[slot]) {
		if (!strcasecmp(run->ops[slot], op))
			return;
		slot = (slot + 1) & (run->ops_size - 1);
	}
	run->ops[slot] = xstrdup(op);
}

static void
build_ops(struct ir_detect_run *run)
{
	size_t total = 0;

	for (size_t i = 0; i < run->n; i++) {
		const char *const *op = run->det[i]->operations;

		run->want_all |= run->det[i]->all_operations;
		for (; op && *op; op++)
			total++;
	}
	for (run->ops_size = 16; run->ops_size < total * 2; run->ops_size *= 2)
		;
	run->ops = xcalloc(run->ops_size, sizeof(*run->ops));
	for (size_t i = 0; i < run->n; i++) {
		const char *const *op = run->det[i]->operations;

		for (; op && *op; op++)
			add_op(run, *op);
	}
}

static int
select_detections(struct ir_detect_run *run, const char *const *only,
		  size_t nonly, struct ir_err *err)
{
	size_t all = 0;

	while (ir_detections[all])
		all++;
	run->det = xcalloc(all + nonly, sizeof(*run->det));
	if (!nonly) {
		for (size_t i = 0; i < all; i++)
			run->det[run->n++] = ir_detections[i];
		return 0;
	}
	for (size_t i = 0; i < nonly; i++) {
		const struct ir_detection *d = ir_detection_lookup(only[i]);

		if (!d)
			return ir_err_set(
				err, IR_EUSAGE,
				"no detection named '%s' (see 'm365ir "
				"analyze --list')",
				only[i]);
		run->det[run->n++] = d;
	}
	return 0;
}

int
ir_detect_run_new(struct ir_detect_run **out, const struct ir_detect_ctx *ctx,
		  const char *const *only, size_t nonly, struct ir_err *err)
{
	struct ir_detect_run *run = xcalloc(1, sizeof(*run));
	int ret;

	*out = NULL;
	if ((ret = select_detections(run, only, nonly, err)) < 0) {
		ir_detect_run_free(run);
		return ret;
	}
	run->state = xcalloc(run->n ? run->n : 1, sizeof(*run->state));
	for (size_t i = 0; i < run->n; i++)
		run->state[i] = run->det[i]->start ? run->det[i]->start(ctx)
						   : NULL;
	build_ops(run);
	*out = run;
	return 0;
}

bool
ir_detect_run_wants(const struct ir_detect_run *run, const char *operation,
		    size_t len)
{
	size_t slot;

	if (run->want_all)
		return true;
	slot = hash_ci(operation, len) & (run->ops_size - 1);
	for (; run->ops[slot]; slot = (slot + 1) & (run->ops_size - 1))
		if (!strncasecmp(run->ops[slot], operation, len) &&
		    !run->ops[slot][len])
			return true;
	return false;
}

void
ir_detect_run_event(struct ir_detect_run *run, const struct ir_event *ev,
		    struct ir_findings *out)
{
	for (size_t i = 0; i < run->n; i++)
		run->det[i]->event(run->state[i], ev, out);
}

/* Late detections read the others' findings, so they finish last. */
void
ir_detect_run_finish(struct ir_detect_run *run, struct ir_findings *out)
{
	for (int late = 0; late <= 1; late++)
		for (size_t i = 0; i < run->n; i++)
			if (run->det[i]->finish && run->det[i]->late == late)
				run->det[i]->finish(run->state[i], out);
}

void
ir_detect_run_free(struct ir_detect_run *run)
{
	if (!run)
		return;
	for (size_t i = 0; run->state && i < run->n; i++)
		if (run->det[i]->free)
			run->det[i]->free(run->state[i]);
	for (size_t i = 0; i < run->ops_size; i++)
		free(run->ops[i]);
	free(run->ops);
	free(run->state);
	free(run->det);
	free(run);
}

char *
ir_detect_remediation(const char *user, const char *steps)
{
	struct ir_buf b = IR_BUF_INIT;

	/*
	 * Not a UPN, or one that would read as an option ("-rf@x" from an
	 * attacker's failed sign-in): no command to paste, the summary still
	 * names the account.
	 */
	if (!user || !strchr(user, '@') || user[0] == '-')
		return NULL;
	/*
	 * The user name comes from the log, so it is attacker-influenced:
	 * quote it for a POSIX shell unless it is plainly safe.
	 */
	ir_buf_addstr(&b, "m365ir remediate ");
	if (strspn(user, "abcdefghijklmnopqrstuvwxyz0123456789@._-+") ==
	    strlen(user)) {
		ir_buf_addstr(&b, user);
	} else {
		ir_buf_addch(&b, '\'');
		for (const char *p = user; *p; p++)
			if (*p == '\'')
				ir_buf_addstr(&b, "'\\''");
			else
				ir_buf_addch(&b, *p);
		ir_buf_addch(&b, '\'');
	}
	if (steps)
		ir_buf_addf(&b, " --steps %s", steps);
	return ir_buf_detach(&b, NULL);
}
