/* SPDX-License-Identifier: MIT */
/*
 * signin.c - sign-in classification, evidence snapshots, a string map and
 * the small parameter readers the identity detections share (signin.h).
 *
 * The error-code families follow Microsoft's AADSTS reference
 * (learn.microsoft.com/entra/identity-platform/reference-error-codes).
 * Only codes whose meaning for a password is certain are sorted; the rest
 * are OTHER_FAILURE, so an unknown interrupt never counts as a guess.
 */
#include "util/compat.h"

#include <ctype.h>

#include <strings.h>

#include "util/parse.h"
#include "util/xalloc.h"
#include "detect/signin.h"

/* --- operation names and parameters --- */

/* Copy `s` into `out` trimmed, dashes folded, trailing period dropped. */
static size_t
op_norm(char *out, size_t size, const char *s)
{
	size_t n = 0, len = strlen(s);

	while (len && (unsigned char)*s <= ' ')
		s++, len--;
	while (len && (unsigned char)s[len - 1] <= ' ')
		len--;
	if (len && s[len - 1] == '.')
		len--;
	for (size_t i = 0; i < len && n + 1 < size; i++) {
		/* U+2013 EN DASH and U+2014 EM DASH: E2 80 93 / E2 80 94. */
		if ((unsigned char)s[i] == 0xe2 && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0x93 ||
		     (unsigned char)s[i + 2] == 0x94)) {
			out[n++] = '-';
			i += 2;
			continue;
		}
		out[n++] = s[i];
	}
	out[n] = '\0';
	return n;
}

bool
ir_det_op_is(const char *op, const char *name)
{
	char a[256], b[256];

	if (!op)
		return false;
	/*
	 * Every detection asks this of every event, and most pairs differ
	 * in their first letter: reject those before copying anything.
	 */
	while (*op && (unsigned char)*op <= ' ')
		op++;
	while (*name && (unsigned char)*name <= ' ')
		name++;
	if (tolower((unsigned char)*op) != tolower((unsigned char)*name))
		return false;
	op_norm(a, sizeof(a), op);
	op_norm(b, sizeof(b), name);
	return !strcasecmp(a, b);
}

/* `s` without surrounding white space and double quotes. */
static struct ir_str
str_trim(struct ir_str s)
{
	while (s.len && ((unsigned char)*s.ptr <= ' ' || *s.ptr == '"'))
		s.ptr++, s.len--;
	while (s.len && ((unsigned char)s.ptr[s.len - 1] <= ' ' ||
			 s.ptr[s.len - 1] == '"'))
		s.len--;
	return s;
}

bool
ir_det_param_bool(const struct ir_event *ev, const char *name, bool *out)
{
	const struct ir_str *v = ir_event_param_str(ev, name);
	struct ir_str s;

	if (!v)
		return false;
	s = str_trim(*v);
	if (s.len && *s.ptr == '$')
		s.ptr++, s.len--;
	if (ir_str_eq_ci(s, "true") || ir_str_eq_ci(s, "1")) {
		*out = true;
		return true;
	}
	if (ir_str_eq_ci(s, "false") || ir_str_eq_ci(s, "0")) {
		*out = false;
		return true;
	}
	return false;
}

static bool
is_tok_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool
ir_det_has_token(struct ir_str s, const char *tok)
{
	size_t tlen = strlen(tok), i = 0;

	while (i < s.len) {
		size_t start;

		while (i < s.len && !is_tok_char(s.ptr[i]))
			i++;
		start = i;
		while (i < s.len && is_tok_char(s.ptr[i]))
			i++;
		/* "Mail.Read." at the end of a sentence is still Mail.Read. */
		if (i - start == tlen + 1 && s.ptr[i - 1] == '.' &&
		    !strncasecmp(s.ptr + start, tok, tlen))
			return true;
		if (i - start == tlen && !strncasecmp(s.ptr + start, tok, tlen))
			return true;
	}
	return false;
}

char *
ir_det_lower(char *out, size_t size, struct ir_str s)
{
	size_t n = 0;

	s = str_trim(s);
	for (size_t i = 0; i < s.len && n + 1 < size; i++) {
		char c = s.ptr[i];

		out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 'a' - 'A') : c;
	}
	out[n] = '\0';
	return out;
}

char *
ir_det_target(char *out, size_t size, const struct ir_event *ev,
	      const char *param)
{
	const struct ir_str *v = param ? ir_event_param_str(ev, param) : NULL;

	if (v && str_trim(*v).len)
		return ir_det_lower(out, size, *v);
	if (ev->object && strchr(ev->object, '@')) {
		struct ir_str o = {ev->object, strlen(ev->object)};

		return ir_det_lower(out, size, o);
	}
	snprintf(out, size, "%s",
		 ev->user && *ev->user ? ev->user : "(unknown)");
	return out;
}

bool
ir_det_failed(const struct ir_event *ev)
{
	return ir_event_failed(ev) ||
	       (ev->result && !strcasecmp(ev->result, "False"));
}

/* --- sign-ins --- */

bool
ir_signin_is(const struct ir_event *ev)
{
	const char *op = ev->operation;

	return op && (!strcasecmp(op, "UserLoggedIn") ||
		      !strcasecmp(op, "UserLoginFailed") ||
		      !strcasecmp(op, "Sign-in activity"));
}

long
ir_signin_error_code(const struct ir_event *ev)
{
	const struct ir_str *v = ir_event_param_str(ev, "ErrorCode");
	int64_t code;
	struct ir_str s;

	if (!v)
		v = ir_event_param_str(ev, "ErrorNumber");
	if (!v)
		return -1;
	s = str_trim(*v);
	if (ir_parse_int64(&code, s.ptr, s.len, NULL) < 0 || code < 0 ||
	    code > 99999999)
		return -1;
	return (long)code;
}

static enum ir_signin_kind
kind_of_code(long code)
{
	switch (code) {
	case 0:
		return IR_SIGNIN_SUCCESS;
	case 50126:
	case 50056:
	case 50064:
	case 50055:
		return IR_SIGNIN_BAD_PASSWORD;
	case 50053:
		return IR_SIGNIN_LOCKED;
	case 50034:
	case 50057:
	case 50059:
		return IR_SIGNIN_UNKNOWN_USER;
	case 50072:
	case 50074:
	case 50076:
	case 50079:
	case 50158:
	case 53003:
		return IR_SIGNIN_PASSWORD_OK;
	default:
		return IR_SIGNIN_OTHER_FAILURE;
	}
}

enum ir_signin_kind
ir_signin_classify(const struct ir_event *ev)
{
	long code;

	if (!ir_signin_is(ev))
		return IR_SIGNIN_NONE;
	code = ir_signin_error_code(ev);
	if (code >= 0)
		return kind_of_code(code);
	/* No code: UAL's operation name says it, else the result does. */
	if (!strcasecmp(ev->operation, "UserLoginFailed"))
		return IR_SIGNIN_BAD_PASSWORD;
	if (!strcasecmp(ev->operation, "UserLoggedIn"))
		return IR_SIGNIN_SUCCESS;
	return ir_event_failed(ev) ? IR_SIGNIN_OTHER_FAILURE
				   : IR_SIGNIN_SUCCESS;
}

bool
ir_signin_is_guess(enum ir_signin_kind kind)
{
	return kind == IR_SIGNIN_BAD_PASSWORD || kind == IR_SIGNIN_LOCKED ||
	       kind == IR_SIGNIN_UNKNOWN_USER;
}

/* --- evidence kept across events --- */

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void
ir_snap_set(struct ir_snap *s, const struct ir_event *ev)
{
	ir_snap_release(s);
	s->file = xstrdup(ev->file ? ev->file : "-");
	s->record = ev->record;
	s->id = dup_or_null(ev->id);
	s->time = ev->time;
	s->has_time = ev->has_time;
	s->operation = dup_or_null(ev->operation);
	s->client_ip = dup_or_null(ev->client_ip);
	s->user = dup_or_null(ev->user);
}

void
ir_snap_event(struct ir_event *out, const struct ir_snap *s)
{
	memset(out, 0, sizeof(*out));
	out->file = s->file;
	out->record = s->record;
	out->id = s->id;
	out->time = s->time;
	out->has_time = s->has_time;
	out->operation = s->operation;
	out->client_ip = s->client_ip;
	out->user = s->user;
	out->client_port = -1;
}

void
ir_snap_release(struct ir_snap *s)
{
	free(s->file);
	free(s->id);
	free(s->operation);
	free(s->client_ip);
	free(s->user);
	memset(s, 0, sizeof(*s));
}

void
ir_det_hit_n(struct ir_findings *out, const struct ir_hit *tmpl,
	     const struct ir_snap *const *snaps, size_t nsnaps, uint64_t total)
{
	struct ir_hit hit = *tmpl;
	struct ir_event ev;
	uint64_t done = 0;

	for (size_t i = 0; i < nsnaps && done < total; i++) {
		if (!snaps[i] || !ir_snap_valid(snaps[i]))
			continue;
		ir_snap_event(&ev, snaps[i]);
		hit.ev = &ev;
		ir_findings_hit(out, &hit);
		done++;
	}
	hit.ev = NULL;
	for (; done < total; done++)
		ir_findings_hit(out, &hit);
}

/* --- one attempt seen in two exports --- */

static uint32_t
ip_hash(const char *ip)
{
	uint32_t h = 2166136261u;

	if (!ip || !*ip)
		return 0;
	for (; *ip; ip++)
		h = (h ^ (unsigned char)*ip) * 16777619u;
	return h ? h : 1;
}

/* Which log the sign-in came from: Entra writes "Sign-in activity". */
static uint8_t
log_of(const struct ir_event *ev)
{
	return ev->operation && !strcasecmp(ev->operation, "Sign-in activity");
}

bool
ir_attempts_pair(struct ir_attempts *a, const struct ir_event *ev)
{
	uint32_t ip = ip_hash(ev->client_ip);
	uint8_t log = log_of(ev);

	if (!ev->has_time)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		struct ir_attempt *t = &a->v[i];
		int64_t d = t->sec - ev->time.sec;

		if (!t->paired && t->log != log && t->ip == ip &&
		    d <= IR_ATTEMPT_SKEW && d >= -IR_ATTEMPT_SKEW) {
			t->paired = true;
			a->paired++;
			return true;
		}
	}
	return false;
}

bool
ir_attempts_add(struct ir_attempts *a, const struct ir_event *ev,
		size_t cap)
{
	struct ir_attempt *t;

	if (!ev->has_time) {
		a->untimed++;
		return true;
	}
	if (ir_attempts_pair(a, ev))
		return false;
	if (a->n >= cap) {
		a->over[log_of(ev)]++;
		return true;
	}
	if (a->n == a->alloc) {
		a->alloc = a->alloc ? a->alloc * 2 : 4;
		if (a->alloc > cap)
			a->alloc = cap;
		a->v = xrealloc(a->v, a->alloc * sizeof(*a->v));
	}
	t = &a->v[a->n++];
	t->sec = ev->time.sec;
	t->ip = ip_hash(ev->client_ip);
	t->log = log_of(ev);
	t->paired = false;
	return true;
}

uint64_t
ir_attempts_count(const struct ir_attempts *a)
{
	uint64_t over = a->over[0] > a->over[1] ? a->over[0] : a->over[1];

	return a->n + over + a->untimed;
}

void
ir_attempts_release(struct ir_attempts *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* --- string-keyed map --- */

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static size_t
slot_of(char *const *keys, size_t size, const char *key)
{
	size_t slot = str_hash(key) & (size - 1);

	while (keys[slot] && strcmp(keys[slot], key))
		slot = (slot + 1) & (size - 1);
	return slot;
}

static void
strmap_grow(struct ir_strmap *m)
{
	size_t size = m->size ? m->size * 2 : 16;
	char **keys = xcalloc(size, sizeof(*keys));
	void **vals = xcalloc(size, sizeof(*vals));

	for (size_t i = 0; i < m->size; i++) {
		size_t slot;

		if (!m->keys[i])
			continue;
		slot = slot_of(keys, size, m->keys[i]);
		keys[slot] = m->keys[i];
		vals[slot] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->size = size;
}

void **
ir_strmap_find(const struct ir_strmap *m, const char *key)
{
	size_t slot;

	if (!m->size)
		return NULL;
	slot = slot_of(m->keys, m->size, key);
	return m->keys[slot] ? &m->vals[slot] : NULL;
}

void **
ir_strmap_put(struct ir_strmap *m, const char *key, bool *added)
{
	size_t slot;

	if ((m->n + 1) * 2 > m->size)
		strmap_grow(m);
	slot = slot_of(m->keys, m->size, key);
	if (added)
		*added = !m->keys[slot];
	if (!m->keys[slot]) {
		m->keys[slot] = xstrdup(key);
		m->n++;
	}
	return &m->vals[slot];
}

void
ir_strmap_release(struct ir_strmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->size; i++) {
		if (!m->keys[i])
			continue;
		free(m->keys[i]);
		if (free_val)
			free_val(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
