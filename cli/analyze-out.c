/* SPDX-License-Identifier: MIT */
/*
 * analyze-out.c - `m365ir analyze --out DIR`: the report directory an
 * investigator keeps, and the stdin spool that makes it possible to read
 * standard input twice.
 *
 * DIR holds findings.jsonl, findings.csv, summary.txt, coverage.json and
 * timeline.csv, each written atomically (util/fs.h) so a crash never
 * leaves a short file that reads like a clean result. The directory is
 * 0700 and the files 0600: they name users, addresses and IPs.
 *
 * The timeline needs every event of the flagged users, which the first,
 * prefiltered pass skipped, so the inputs are read a second time. A pipe
 * cannot be read twice: standard input is copied to an unlinked temporary
 * file in DIR (so it never outlives the run, even after a crash) which
 * then becomes fd 0. Events keep naming their file "-", and a stdin that
 * is already a regular file is simply rewound.
 */
#include "util/compat.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "cli/analyze.h"

#define OUT_MODE 0600

static bool
reads_stdin(const struct analyze *a)
{
	for (size_t i = 0; i < a->nfiles; i++)
		if (!strcmp(a->files[i], "-"))
			return true;
	return false;
}

static int
copy_fd(int to, int from, const char *name, struct ir_err *err)
{
	char buf[1 << 16];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ir_err_set(err, IR_EIO, "standard input: %s",
					  strerror(errno));
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(to, buf + off, (size_t)(n - off))) < 0)
				return ir_err_set(err, IR_EIO, "%s: %s", name,
						  strerror(errno));
	}
	return 0;
}

int
analyze_spool_stdin(struct analyze *a, struct ir_err *err)
{
	struct ir_buf tmpl = IR_BUF_INIT;
	struct stat st;
	int fd = -1, ret;

	if (!a->out_dir || !reads_stdin(a))
		return 0;
	if (!fstat(STDIN_FILENO, &st) && S_ISREG(st.st_mode)) {
		a->stdin_offset = lseek(STDIN_FILENO, 0, SEEK_CUR);
		a->stdin_spooled = a->stdin_offset >= 0;
		if (a->stdin_spooled)
			return 0;
	}
	if ((ret = ir_mkdir(a->out_dir, 0700, err)) < 0)
		return ret;
	ir_buf_addf(&tmpl, "%s/.stdin-XXXXXX", a->out_dir);
	fd = mkstemp(tmpl.buf);
	if (fd < 0) {
		ret = ir_err_set(err, IR_EIO, "%s: %s", tmpl.buf,
				 strerror(errno));
		goto out;
	}
	unlink(tmpl.buf);
	if ((ret = copy_fd(fd, STDIN_FILENO, tmpl.buf, err)) < 0)
		goto out;
	if (dup2(fd, STDIN_FILENO) < 0) {
		ret = ir_err_set(err, IR_EIO, "dup2: %s", strerror(errno));
		goto out;
	}
	a->stdin_offset = 0;
	a->stdin_spooled = true;
out:
	if (fd >= 0)
		close(fd);
	ir_buf_release(&tmpl);
	return ret;
}

void
analyze_rewind_stdin(struct analyze *a)
{
	if (a->stdin_spooled)
		lseek(STDIN_FILENO, a->stdin_offset, SEEK_SET);
}

static char *
out_path(const struct analyze *a, const char *name)
{
	struct ir_buf b = IR_BUF_INIT;

	ir_buf_addf(&b, "%s/%s", a->out_dir, name);
	return ir_buf_detach(&b, NULL);
}

static void
timeline_note(struct analyze *a, const struct ir_timeline *tl, size_t users)
{
	struct ir_buf b = IR_BUF_INIT;

	ir_buf_addstr(&b, "Timeline: ");
	ir_report_count(&b, ir_timeline_rows(tl));
	ir_buf_addf(&b, " events of %zu flagged user%s in timeline.csv", users,
		    users == 1 ? "" : "s");
	if (ir_timeline_sorted(tl))
		ir_buf_addstr(&b, ", sorted by time");
	else
		ir_buf_addf(&b,
			    ", in file order: more than %d rows are too many "
			    "to sort in memory (sort by the time column)",
			    IR_TIMELINE_MAX_SORTED);
	ir_coverage_set_timeline_note(&a->cov, b.buf);
	ir_buf_release(&b);
}

static int
write_timeline(struct analyze *a, struct ir_err *err)
{
	struct ir_atomic_file af = IR_ATOMIC_FILE_INIT;
	char *path = out_path(a, "timeline.csv");
	struct ir_timeline *tl;
	size_t users = 0;
	int ret;

	if ((ret = ir_atomic_file_open(&af, path, OUT_MODE, err)) < 0)
		goto out;
	tl = ir_timeline_new(af.fp, IR_TIMELINE_MAX_SORTED);
	for (size_t i = 0; i < a->findings.n; i++) {
		const char *user = a->findings.v[i]->user;

		/* "(unknown)", "(tenant)": aggregates, not accounts */
		if (user[0] != '(' && !ir_timeline_has_user(tl, user)) {
			ir_timeline_add_user(tl, user);
			users++;
		}
	}
	if (users)
		analyze_timeline(a, tl);
	ir_timeline_finish(tl);
	timeline_note(a, tl, users);
	ir_timeline_free(tl);
	ret = ir_atomic_file_commit(&af, err);
out:
	free(path);
	return ret;
}

static int
write_one(const struct analyze *a, const char *name, const struct ir_buf *b,
	  struct ir_err *err)
{
	char *path = out_path(a, name);
	int ret = ir_write_file_atomic(path, b->buf, b->len, OUT_MODE, err);

	free(path);
	return ret;
}

int
analyze_write_out(struct analyze *a, struct ir_err *err)
{
	struct ir_buf b = IR_BUF_INIT;
	int ret;

	if ((ret = ir_mkdir(a->out_dir, 0700, err)) < 0 ||
	    (ret = write_timeline(a, err)) < 0)
		return ret;
	ir_report_jsonl(&b, &a->findings);
	if ((ret = write_one(a, "findings.jsonl", &b, err)) < 0)
		goto out;
	ir_buf_reset(&b);
	ir_report_csv(&b, &a->findings);
	if ((ret = write_one(a, "findings.csv", &b, err)) < 0)
		goto out;
	ir_buf_reset(&b);
	ir_report_summary(&b, &a->findings, &a->cov, 0);
	if ((ret = write_one(a, "summary.txt", &b, err)) < 0)
		goto out;
	ir_buf_reset(&b);
	ir_coverage_write_json(&b, &a->cov);
	ret = write_one(a, "coverage.json", &b, err);
out:
	ir_buf_release(&b);
	return ret;
}
