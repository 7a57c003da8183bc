/* SPDX-License-Identifier: MIT */
/*
 * coverage.c - the ledger of what each input file gave us: counters from
 * the reader, the first problems, the reason a file could not be read,
 * and the tenant domains in effect. The text and JSON renderings of the
 * ledger live in coverage-text.c and coverage-json.c; this file only
 * records, so that "was anything lost?" has one answer
 * (ir_coverage_incomplete()).
 *
 * Problems arrive as the reader's one-line messages. Record and line
 * numbers are taken back out of the text ("record 12", "line 40") so that
 * coverage.json can carry them as numbers; a message in another shape is
 * still kept whole as the reason.
 */
#include "util/compat.h"

#include "util/parse.h"
#include "util/xalloc.h"
#include "report/report.h"

void
ir_coverage_init(struct ir_coverage *cov)
{
	memset(cov, 0, sizeof(*cov));
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
file_cov_release(struct ir_file_cov *fc)
{
	for (size_t i = 0; i < fc->nproblems; i++) {
		free(fc->problems[i].reason);
		free(fc->problems[i].msg);
	}
	free(fc->problems);
	free(fc->file);
	free(fc->format);
	free(fc->error);
}

void
ir_coverage_release(struct ir_coverage *cov)
{
	for (size_t i = 0; i < cov->nfiles; i++)
		file_cov_release(&cov->files[i]);
	free(cov->files);
	free_strv(cov->checked, cov->nchecked);
	free_strv(cov->domains, cov->ndomains);
	free(cov->timeline_note);
	memset(cov, 0, sizeof(*cov));
}

struct ir_file_cov *
ir_coverage_file(struct ir_coverage *cov, const char *path)
{
	struct ir_file_cov *fc;

	IR_ALLOC_GROW(cov->files, cov->nfiles + 1, cov->files_alloc);
	fc = &cov->files[cov->nfiles++];
	memset(fc, 0, sizeof(*fc));
	fc->file = xstrdup(path);
	return fc;
}

/*
 * The number after `word` in `msg` ("record 12" -> 12), searching from
 * the end so that a file name containing "record 3" does not fool us; the
 * offset just past the number goes to *end.
 */
static uint64_t
number_after(const char *msg, const char *word, size_t *end)
{
	size_t wlen = strlen(word), mlen = strlen(msg);

	for (size_t i = mlen; i-- > 0;) {
		size_t d = i + wlen;
		uint64_t v;

		if (strncmp(msg + i, word, wlen) ||
		    !(msg[d] >= '0' && msg[d] <= '9'))
			continue;
		while (msg[d] >= '0' && msg[d] <= '9')
			d++;
		if (ir_parse_uint64(&v, msg + i + wlen, d - i - wlen, NULL) < 0)
			return 0;
		*end = d;
		return v;
	}
	return 0;
}

/* The reason: what follows "record N ... : ", or the whole message. */
static const char *
reason_of(const char *msg, size_t after)
{
	const char *colon = after ? strstr(msg + after, ": ") : NULL;

	return colon ? colon + 2 : msg;
}

void
ir_coverage_problem(struct ir_file_cov *fc, const char *msg)
{
	struct ir_problem *p;
	size_t rec_end = 0, line_end = 0;

	fc->problems_total++;
	if (fc->nproblems >= IR_COVERAGE_MAX_PROBLEMS)
		return;
	IR_ALLOC_GROW(fc->problems, fc->nproblems + 1, fc->problems_alloc);
	p = &fc->problems[fc->nproblems++];
	p->record = number_after(msg, "record ", &rec_end);
	p->line = number_after(msg, "line ", &line_end);
	p->reason = xstrdup(reason_of(msg, rec_end > line_end ? rec_end
							      : line_end));
	p->msg = xstrdup(msg);
}

void
ir_coverage_file_done(struct ir_file_cov *fc, const struct ir_file_stats *st,
		      const char *error)
{
	if (st) {
		fc->st = *st;
		fc->st.file = NULL;
		fc->st.format = NULL;
		free(fc->format);
		fc->format = st->format ? xstrdup(st->format) : NULL;
	}
	free(fc->error);
	fc->error = NULL;
	if (!error)
		return;
	/* Readers name the file; the report already does. */
	if (!strncmp(error, fc->file, strlen(fc->file)) &&
	    !strncmp(error + strlen(fc->file), ": ", 2))
		error += strlen(fc->file) + 2;
	fc->error = xstrdup(error);
}

static char **
copy_strv(const char *const *v, size_t n)
{
	char **out = xcalloc(n ? n : 1, sizeof(*out));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

void
ir_coverage_set_checked(struct ir_coverage *cov, const char *const *slugs,
			size_t n)
{
	free_strv(cov->checked, cov->nchecked);
	cov->checked = copy_strv(slugs, n);
	cov->nchecked = n;
}

void
ir_coverage_set_domains(struct ir_coverage *cov, const struct ir_domains *d,
			uint64_t users_seen)
{
	size_t n = 0;
	const char *const *list = ir_domains_list(d, &n);

	free_strv(cov->domains, cov->ndomains);
	cov->domains = copy_strv(list, n);
	cov->ndomains = n;
	cov->domains_inferred = ir_domains_inferred(d);
	cov->users_seen = users_seen;
}

void
ir_coverage_set_timeline_note(struct ir_coverage *cov, const char *note)
{
	free(cov->timeline_note);
	cov->timeline_note = note ? xstrdup(note) : NULL;
}

bool
ir_coverage_incomplete(const struct ir_coverage *cov)
{
	for (size_t i = 0; i < cov->nfiles; i++)
		if (ir_file_cov_incomplete(&cov->files[i]))
			return true;
	return false;
}

bool
ir_file_cov_incomplete(const struct ir_file_cov *fc)
{
	/*
	 * A file with no records at all is usually a search that went wrong
	 * (wrong dates, wrong user); "nothing found" in it proves nothing.
	 */
	return fc->error || fc->st.failed || fc->st.truncated ||
	       fc->problems_total || !fc->st.records;
}

uint64_t
ir_coverage_events(const struct ir_coverage *cov)
{
	uint64_t n = 0;

	for (size_t i = 0; i < cov->nfiles; i++) {
		const struct ir_file_stats *st = &cov->files[i].st;
		uint64_t bad = st->failed + st->duplicates;

		n += st->records > bad ? st->records - bad : 0;
	}
	return n;
}
