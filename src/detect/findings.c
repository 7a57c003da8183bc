/* SPDX-License-Identifier: MIT */
/*
 * findings.c - folding detection hits into findings.
 *
 * A real export can hold thousands of hits for one attack (a spray is
 * thousands of failed sign-ins), so hits are folded on arrival into one
 * finding per (detection, user, key) through a small open-addressing index,
 * and each finding keeps at most IR_FINDING_MAX_EVIDENCE pieces of evidence.
 * Memory therefore grows with distinct subjects, never with events.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/findings.h"

static uint64_t
hash_str(uint64_t h, const char *s)
{
	/* FNV-1a: tiny, and keys here are short. */
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static uint64_t
key_hash(const struct ir_detection *det, const char *user, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = hash_str(h, det->id);
	h = hash_str(h, user);
	return hash_str(h, key);
}

static bool
same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool
matches(const struct ir_finding *fd, const struct ir_detection *det,
	const char *user, const char *key)
{
	return fd->det == det && !strcmp(fd->user, user) &&
	       same_str(fd->key, key);
}

static void
reindex(struct ir_findings *f)
{
	size_t size = f->index_size ? f->index_size * 2 : 64;

	free(f->index);
	f->index = xcalloc(size, sizeof(*f->index));
	f->index_size = size;
	for (size_t i = 0; i < f->n; i++) {
		const struct ir_finding *fd = f->v[i];
		size_t slot = key_hash(fd->det, fd->user, fd->key) & (size - 1);

		while (f->index[slot])
			slot = (slot + 1) & (size - 1);
		f->index[slot] = i + 1; /* 0 marks an empty slot */
	}
}

/* The slot holding (det, user, key), or the empty slot where it would go. */
static size_t *
lookup(struct ir_findings *f, const struct ir_detection *det, const char *user,
       const char *key)
{
	size_t mask = f->index_size - 1;
	size_t slot = key_hash(det, user, key) & mask;

	while (f->index[slot] &&
	       !matches(f->v[f->index[slot] - 1], det, user, key))
		slot = (slot + 1) & mask;
	return &f->index[slot];
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void
add_evidence(struct ir_finding *fd, const struct ir_event *ev)
{
	struct ir_evidence *e;

	if (fd->nevidence >= IR_FINDING_MAX_EVIDENCE) {
		fd->evidence_dropped++;
		return;
	}
	IR_ALLOC_GROW(fd->evidence, fd->nevidence + 1, fd->evidence_alloc);
	e = &fd->evidence[fd->nevidence++];
	e->file = xstrdup(ev->file ? ev->file : "-");
	e->record = ev->record;
	e->id = dup_or_null(ev->id);
	e->time = ev->time;
	e->has_time = ev->has_time;
	e->operation = dup_or_null(ev->operation);
	e->client_ip = dup_or_null(ev->client_ip);
}

static void
note_time(struct ir_finding *fd, const struct ir_event *ev)
{
	if (!ev || !ev->has_time)
		return;
	if (!fd->has_time || ir_time_cmp(ev->time, fd->first_seen) < 0)
		fd->first_seen = ev->time;
	if (!fd->has_time || ir_time_cmp(ev->time, fd->last_seen) > 0)
		fd->last_seen = ev->time;
	fd->has_time = true;
}

static struct ir_finding *
new_finding(const struct ir_hit *hit, const char *user)
{
	struct ir_finding *fd = xcalloc(1, sizeof(*fd));

	fd->det = hit->det;
	fd->severity = hit->severity;
	fd->user = xstrdup(user);
	fd->key = dup_or_null(hit->key);
	fd->summary = xstrdup(hit->summary ? hit->summary : hit->det->title);
	fd->remediation = dup_or_null(hit->remediation);
	return fd;
}

void
ir_findings_hit(struct ir_findings *f, const struct ir_hit *hit)
{
	const char *user = hit->user && *hit->user ? hit->user : "(unknown)";
	struct ir_finding *fd;
	size_t *slot;

	if (!hit->det)
		IR_BUG("hit without a detection");
	if ((f->n + 1) * 2 > f->index_size)
		reindex(f);
	slot = lookup(f, hit->det, user, hit->key);
	if (!*slot) {
		IR_ALLOC_GROW(f->v, f->n + 1, f->alloc);
		f->v[f->n++] = new_finding(hit, user);
		*slot = f->n;
	}
	fd = f->v[*slot - 1];
	if (hit->severity > fd->severity) {
		fd->severity = hit->severity;
		free(fd->summary);
		fd->summary =
			xstrdup(hit->summary ? hit->summary : hit->det->title);
	}
	if (!fd->remediation && hit->remediation)
		fd->remediation = xstrdup(hit->remediation);
	fd->count++;
	note_time(fd, hit->ev);
	if (hit->ev)
		add_evidence(fd, hit->ev);
}

const char *
ir_severity_name(enum ir_severity s)
{
	static const char *const names[] = {"info", "low", "medium", "high",
					    "critical"};

	if ((unsigned)s >= IR_ARRAY_SIZE(names))
		IR_BUG("severity %d", (int)s);
	return names[s];
}

static void
finding_free(struct ir_finding *fd)
{
	for (size_t i = 0; i < fd->nevidence; i++) {
		free(fd->evidence[i].file);
		free(fd->evidence[i].id);
		free(fd->evidence[i].operation);
		free(fd->evidence[i].client_ip);
	}
	free(fd->evidence);
	free(fd->user);
	free(fd->key);
	free(fd->summary);
	free(fd->remediation);
	free(fd);
}

void
ir_findings_release(struct ir_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		finding_free(f->v[i]);
	free(f->v);
	free(f->index);
	memset(f, 0, sizeof(*f));
}
