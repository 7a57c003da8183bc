/* SPDX-License-Identifier: MIT */
/*
 * analyze-run.c - the reading passes of `m365ir analyze`: files through
 * the ingest (duplicates removed) into the detections, the coverage
 * ledger and, for --out, the timeline.
 *
 * The prefilter and domain inference pull in opposite directions. The
 * prefilter skips normalizing every record no detection reads (most of a
 * real export), but inferring the tenant's domains wants every user name.
 * Inference only needs a fair sample of the tenant's UPNs, so it observes
 * the users of the events that are delivered, and the prefilter also
 * accepts sign-in operations while inferring: every active account signs
 * in, so its domain is seen. NEEDSWORK: a tenant domain used only by
 * accounts that neither signed in nor did anything a detection reads is
 * missed; the report says the list was inferred and from how many users,
 * and --tenant-domain is the fix.
 */
#include "util/compat.h"

#include <sys/stat.h>

#include "util/parse.h"
#include "util/xalloc.h"
#include "cli/analyze.h"

#define USER_SEED 0x616e616c797a6531ULL

/* Sign-in operations (UAL UserLoggedIn/UserLoginFailed, Entra sign-ins). */
static bool
is_signin(const char *op, size_t len)
{
	return ir_strn_eq_ci(op, len, "UserLoggedIn") ||
	       ir_strn_eq_ci(op, len, "UserLoginFailed") ||
	       ir_strn_eq_ci(op, len, "Sign-in activity");
}

/* Bytes read so far: finished files plus the current one's counter. */
static void
tick_progress(struct analyze *a)
{
	const struct ir_file_stats *st;
	size_t n;

	if (!a->progress.active || (++a->tick & 1023))
		return;
	st = ir_ingest_stats(a->ing, &n);
	cli_progress_update(&a->progress,
			    a->bytes_done + (n ? st[n - 1].bytes : 0));
}

/*
 * The prefilter sees nearly every record, including those later skipped
 * or dropped as duplicates, so it also drives the progress line.
 */
static bool
want_detect(const char *op, size_t len, void *payload)
{
	struct analyze *a = payload;

	tick_progress(a);
	return ir_detect_run_wants(a->run, op, len) ||
	       (a->infer && is_signin(op, len));
}

static void
observe_user(struct analyze *a, const char *user)
{
	if (!a->infer || !user || !*user)
		return;
	if (ir_hashset_add(&a->users_seen,
			   ir_hash64(user, strlen(user), USER_SEED)))
		ir_domains_observe_user(a->domains, user);
}

static int
on_event(const struct ir_event *ev, void *payload)
{
	struct analyze *a = payload;
	const char *op = ev->operation;

	observe_user(a, ev->user);
	/* Sign-ins let in only for inference must not reach detections. */
	if (!op || ir_detect_run_wants(a->run, op, strlen(op)))
		ir_detect_run_event(a->run, ev, &a->findings);
	tick_progress(a);
	return 0;
}

/* "m365ir: MSG" on stderr, control bytes shown, progress line erased. */
static void
print_problem(struct analyze *a, const char *msg)
{
	struct ir_buf b = IR_BUF_INIT;
	bool active = a->progress.active;

	cli_progress_end(&a->progress);
	a->progress.active = active;
	ir_report_text(&b, msg, strlen(msg));
	fprintf(stderr, "m365ir: %s\n", b.buf);
	ir_buf_release(&b);
}

static void
on_problem(const struct ir_err *err, void *payload)
{
	struct analyze *a = payload;

	ir_coverage_problem(a->cur, err->msg);
	if (a->problems++ < ANALYZE_MAX_PRINTED_PROBLEMS)
		print_problem(a, err->msg);
}

static void
read_file(struct analyze *a, const char *path)
{
	struct ir_ingest_cb cb = { on_event, on_problem, a };
	struct ir_err err = IR_ERR_INIT;
	const struct ir_file_stats *st;
	size_t n;
	int ret;

	a->cur = ir_coverage_file(&a->cov, path);
	if (!strcmp(path, "-"))
		analyze_rewind_stdin(a);
	ret = ir_ingest_file(a->ing, path, &cb, &err);
	st = ir_ingest_stats(a->ing, &n);
	ir_coverage_file_done(a->cur, n ? &st[n - 1] : NULL,
			      ret < 0 ? err.msg : NULL);
	if (ret < 0)
		print_problem(a, err.msg);
	a->bytes_done += n ? st[n - 1].bytes : 0;
}

static void
finish_coverage(struct analyze *a)
{
	const char **slugs = a->only;
	size_t n = a->nonly;

	if (!n) {
		while (ir_detections[n])
			n++;
		slugs = xcalloc(n ? n : 1, sizeof(*slugs));
		for (size_t i = 0; i < n; i++)
			slugs[i] = ir_detections[i]->id;
	}
	ir_coverage_set_checked(&a->cov, slugs, n);
	if (slugs != a->only)
		free(slugs);
	ir_coverage_set_domains(&a->cov, a->domains, a->users_seen.n);
}

void
analyze_detect(struct analyze *a)
{
	struct ir_reader_opts opts = { a->format, want_detect, a };
	struct ir_err err = IR_ERR_INIT;

	if (ir_ingest_new(&a->ing, &opts, &err) < 0)
		IR_BUG("ir_ingest_new: %s", err.msg);
	cli_progress_start(&a->progress, a->ctx->err_tty,
			   analyze_input_bytes(a), "reading");
	for (size_t i = 0; i < a->nfiles; i++)
		read_file(a, a->files[i]);
	cli_progress_end(&a->progress);
	if (a->problems > ANALYZE_MAX_PRINTED_PROBLEMS)
		fprintf(stderr, "m365ir: ... and %llu more unreadable records "
				"(see the coverage report)\n",
			(unsigned long long)(a->problems -
					     ANALYZE_MAX_PRINTED_PROBLEMS));
	ir_detect_run_finish(a->run, &a->findings);
	ir_findings_sort(&a->findings);
	ir_ingest_free(a->ing);
	a->ing = NULL;
	finish_coverage(a);
}

static int
on_timeline_event(const struct ir_event *ev, void *payload)
{
	struct ir_timeline *tl = payload;

	ir_timeline_event(tl, ev);
	return 0;
}

void
analyze_timeline(struct analyze *a, struct ir_timeline *tl)
{
	struct ir_reader_opts opts = { a->format, NULL, NULL };
	struct ir_ingest_cb cb = { on_timeline_event, NULL, tl };
	struct ir_err err = IR_ERR_INIT;
	struct ir_ingest *ing;

	if (ir_ingest_new(&ing, &opts, &err) < 0)
		IR_BUG("ir_ingest_new: %s", err.msg);
	for (size_t i = 0; i < a->nfiles; i++) {
		if (!strcmp(a->files[i], "-"))
			analyze_rewind_stdin(a);
		/* Failures were reported by the first pass. */
		(void)ir_ingest_file(ing, a->files[i], &cb, &err);
	}
	ir_ingest_free(ing);
}

uint64_t
analyze_input_bytes(const struct analyze *a)
{
	uint64_t total = 0;
	struct stat st;

	for (size_t i = 0; i < a->nfiles; i++) {
		int ok = strcmp(a->files[i], "-") ? stat(a->files[i], &st)
						  : fstat(0, &st);

		if (!ok && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	return total;
}
