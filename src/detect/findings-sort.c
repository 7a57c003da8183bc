/* SPDX-License-Identifier: MIT */
/*
 * findings-sort.c - the order people read findings in: the user at most
 * risk first. A user's rank is their worst severity, then their number of
 * findings, then who was hit first (the original victim before the
 * accounts the attacker moved on to), then their name, so equal inputs
 * always give equal output.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/findings.h"

struct user_rank {
	const char *user;
	enum ir_severity worst;
	size_t n;
	struct ir_time first; /* earliest first_seen among their findings */
	bool has_first;
};

/* qsort has no payload argument; the ranks live here during one sort. */
static struct user_rank *ranks;
static size_t nranks;

static const struct user_rank *
rank_of(const char *user)
{
	for (size_t i = 0; i < nranks; i++)
		if (!strcmp(ranks[i].user, user))
			return &ranks[i];
	IR_BUG("user %s has no rank", user);
}

static int
cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int
cmp_finding(const void *pa, const void *pb)
{
	const struct ir_finding *a = *(const struct ir_finding *const *)pa;
	const struct ir_finding *b = *(const struct ir_finding *const *)pb;
	const struct user_rank *ra = rank_of(a->user), *rb = rank_of(b->user);
	int c;

	if (ra->worst != rb->worst)
		return ra->worst > rb->worst ? -1 : 1;
	if (ra->n != rb->n)
		return ra->n > rb->n ? -1 : 1;
	if (ra->has_first != rb->has_first)
		return ra->has_first ? -1 : 1;
	if (ra->has_first && (c = ir_time_cmp(ra->first, rb->first)))
		return c;
	if ((c = strcmp(a->user, b->user)))
		return c;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->has_time && b->has_time &&
	    (c = ir_time_cmp(a->first_seen, b->first_seen)))
		return c;
	if ((c = strcmp(a->det->id, b->det->id)))
		return c;
	return cmp_str(a->key, b->key);
}

static void
build_ranks(const struct ir_findings *f)
{
	size_t alloc = 0;

	nranks = 0;
	ranks = NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct ir_finding *fd = f->v[i];
		size_t j;

		for (j = 0; j < nranks && strcmp(ranks[j].user, fd->user); j++)
			;
		if (j == nranks) {
			IR_ALLOC_GROW(ranks, nranks + 1, alloc);
			ranks[nranks++] = (struct user_rank){
				.user = fd->user, .worst = fd->severity};
		}
		if (fd->severity > ranks[j].worst)
			ranks[j].worst = fd->severity;
		ranks[j].n++;
		if (fd->has_time &&
		    (!ranks[j].has_first ||
		     ir_time_cmp(fd->first_seen, ranks[j].first) < 0)) {
			ranks[j].first = fd->first_seen;
			ranks[j].has_first = true;
		}
	}
}

void
ir_findings_sort(struct ir_findings *f)
{
	if (f->n < 2)
		return;
	build_ranks(f);
	qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
	free(ranks);
	ranks = NULL;
	nranks = 0;
	/* Positions moved: the index must be rebuilt before the next hit. */
	free(f->index);
	f->index = NULL;
	f->index_size = 0;
}
