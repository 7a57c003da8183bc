/* SPDX-License-Identifier: MIT */
/*
 * norm-value.c - reading one field value the way every mapper needs it:
 * as text whatever its JSON type, as a timestamp in any spelling, as a
 * user (lower-cased only when it is a UPN), as an address and port, or as
 * JSON that arrived inside a string (Log Analytics dynamic columns, CSV
 * cells). Also the parameter list the event points at.
 *
 * Nothing here allocates per record once the arena and the yyjson
 * allocator have grown to the size of the largest record seen.
 */
#include "util/compat.h"

#include <math.h>

#include "util/ip.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "logs/norm.h"

/*
 * Exact spelling first: it is the common case and cheap. The fallback scan
 * is what makes legacy UpperCamel exports (Status.ErrorCode) and Panther's
 * lower-case keys read like the Graph spelling.
 */
yyjson_val *
ir_norm__get(yyjson_val *obj, const char *name)
{
	yyjson_obj_iter it;
	yyjson_val *k;
	yyjson_val *v = yyjson_obj_get(obj, name);

	if (v || !yyjson_is_obj(obj))
		return v;
	yyjson_obj_iter_init(obj, &it);
	while ((k = yyjson_obj_iter_next(&it)))
		if (ir_strn_eq_ci(yyjson_get_str(k), yyjson_get_len(k), name))
			return yyjson_obj_iter_get_val(k);
	return NULL;
}

/*
 * Shortest text that reads back as the same double: latitudes print as the
 * source wrote them (47.68050003051758), not as %g's 47.6805.
 */
static size_t
fmt_real(char *buf, size_t cap, double d)
{
	int len;

	if (!isfinite(d))
		return (size_t)snprintf(buf, cap, "%s",
					d > 0	? "Infinity"
					: d < 0 ? "-Infinity"
						: "NaN");
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(buf, cap, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return (size_t)len;
}

static bool
container_text(struct ir_norm *n, yyjson_val *v, struct ir_str *out)
{
	size_t len = 0;
	char *js = yyjson_val_write_opts(v, 0, n->alc, &len, NULL);

	if (!js)
		return false;
	out->ptr = ir_norm__dup(n, js, len);
	out->len = len;
	n->alc->free(n->alc->ctx, js);
	return true;
}

bool
ir_norm__text(struct ir_norm *n, yyjson_val *v, struct ir_str *out)
{
	char num[40];

	switch (yyjson_get_type(v)) {
	case YYJSON_TYPE_STR:
		out->ptr = yyjson_get_str(v);
		out->len = yyjson_get_len(v);
		for (size_t i = 0; i < out->len; i++)
			if (out->ptr[i] != ' ' && out->ptr[i] != '\t')
				return true;
		return false;
	case YYJSON_TYPE_BOOL:
		/* PowerShell prints booleans so; string bags already say so. */
		out->ptr = yyjson_get_bool(v) ? "True" : "False";
		out->len = strlen(out->ptr);
		return true;
	case YYJSON_TYPE_NUM:
		if (yyjson_is_uint(v))
			out->len = (size_t)snprintf(
				num, sizeof(num), "%llu",
				(unsigned long long)yyjson_get_uint(v));
		else if (yyjson_is_sint(v))
			out->len =
				(size_t)snprintf(num, sizeof(num), "%lld",
						 (long long)yyjson_get_sint(v));
		else
			out->len =
				fmt_real(num, sizeof(num), yyjson_get_real(v));
		out->ptr = ir_norm__dup(n, num, out->len);
		return true;
	case YYJSON_TYPE_RAW:
		out->ptr = yyjson_get_raw(v);
		out->len = yyjson_get_len(v);
		return true;
	case YYJSON_TYPE_ARR:
	case YYJSON_TYPE_OBJ:
		return container_text(n, v, out);
	default:
		return false;
	}
}

const char *
ir_norm__cstr(struct ir_norm *n, yyjson_val *v)
{
	struct ir_str s;

	return ir_norm__text(n, v, &s) ? s.ptr : NULL;
}

int
ir_norm__parse_json(struct ir_norm *n, yyjson_val **out, const char *s,
		    size_t len, const char *what, struct ir_err *err)
{
	yyjson_read_err rerr;
	yyjson_doc *doc;

	/*
	 * Not in situ: the text belongs to the caller's document. Invalid
	 * UTF-8 is let through, as Exchange writes rule names byte-wise.
	 */
	doc = yyjson_read_opts((char *)s, len,
			       YYJSON_READ_ALLOW_INVALID_UNICODE, n->alc,
			       &rerr);
	if (!doc)
		return ir_err_set(err, IR_EPARSE,
				  "%s: invalid JSON at byte %zu: %s", what,
				  rerr.pos, rerr.msg);
	IR_ALLOC_GROW(n->docs, n->ndocs + 1, n->adocs);
	n->docs[n->ndocs++] = doc;
	*out = yyjson_doc_get_root(doc);
	return 0;
}

yyjson_val *
ir_norm__maybe_json(struct ir_norm *n, yyjson_val *v)
{
	const char *s = yyjson_get_str(v);
	size_t len = yyjson_get_len(v);
	yyjson_val *parsed = NULL;

	if (!s)
		return v;
	while (len && (*s == ' ' || *s == '\r' || *s == '\n' || *s == '\t')) {
		s++;
		len--;
	}
	if (!len || (*s != '{' && *s != '['))
		return v;
	/*
	 * Not an error: a dynamic column that is not JSON has nothing for us,
	 * and the row itself is still a record (its raw text stays in `raw`).
	 */
	if (ir_norm__parse_json(n, &parsed, s, len, "", NULL) < 0)
		return NULL;
	return parsed;
}

static int
bad_time(const char *key, const char *s, size_t len, struct ir_err *err)
{
	return ir_err_set(err, IR_EPARSE, "%s: not a timestamp: '%.*s%s'", key,
			  (int)(len > 64 ? 64 : len), s, len > 64 ? "..." : "");
}

int
ir_norm__time(struct ir_norm *n, struct ir_event *ev, yyjson_val *v,
	      const char *key, struct ir_err *err)
{
	struct ir_str s;
	unsigned flags = 0;

	/* PowerShell 5.1: {"value":"/Date(ms)/","DateTime":"<local prose>"} */
	if (yyjson_is_obj(v))
		v = ir_norm__get(v, "value");
	if (yyjson_is_num(v))
		flags = IR_TIME_EPOCH;
	else if (!yyjson_is_str(v))
		return 0;
	if (!ir_norm__text(n, v, &s))
		return 0;
	if (ir_time_parse(&ev->time, s.ptr, s.len, &n->hint, flags, NULL) < 0)
		return bad_time(key, s.ptr, s.len, err);
	ev->has_time = true;
	return 0;
}

int
ir_norm__time_any(struct ir_norm *n, struct ir_event *ev,
		  const enum norm_field *fs, size_t cnt, struct ir_err *err)
{
	int first = 0;

	for (size_t i = 0; i < cnt && !ev->has_time; i++) {
		yyjson_val *v = pick(n, fs[i]);
		const char *key = ir_norm__key(n, fs[i], "");
		int ret;

		if (!v || yyjson_is_null(v))
			continue;
		/* Only the first failure is reported: it names the field. */
		ret = ir_norm__time(n, ev, v, key, first ? NULL : err);
		if (ret < 0 && !first)
			first = ret;
	}
	if (ev->has_time)
		ir_err_clear(err);
	return ev->has_time ? 0 : first;
}

/*
 * `user` is a C string everywhere after this, so a NUL inside it would
 * silently make "alice@contoso.com\0x" into alice: NULs become U+FFFD and
 * the name stays visibly different.
 */
static const char *
nul_safe(struct ir_norm *n, struct ir_str s)
{
	struct ir_buf b = IR_BUF_INIT;
	const char *out;

	for (size_t i = 0; i < s.len; i++)
		if (s.ptr[i])
			ir_buf_addch(&b, s.ptr[i]);
		else
			ir_buf_addstr(&b, "\xEF\xBF\xBD");
	out = ir_norm__dup(n, b.buf, b.len);
	ir_buf_release(&b);
	return out;
}

const char *
ir_norm__user(struct ir_norm *n, yyjson_val *v)
{
	struct ir_str s;
	bool upn = false;
	char *low;

	if (!ir_norm__text(n, v, &s))
		return NULL;
	if (memchr(s.ptr, '\0', s.len))
		return nul_safe(n, s);
	/* A blank or backslash marks an actor (NT AUTHORITY\\SYSTEM ...). */
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == ' ' || s.ptr[i] == '\\')
			return s.ptr;
		if (s.ptr[i] == '@')
			upn = true;
	}
	if (!upn)
		return s.ptr;
	low = ir_norm__dup(n, s.ptr, s.len);
	for (size_t i = 0; i < s.len; i++)
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] += 'a' - 'A';
	return low;
}

void
ir_norm__ip(struct ir_norm *n, struct ir_event *ev, yyjson_val *v)
{
	struct ir_ip ip;

	if (ev->client_ip || !yyjson_is_str(v))
		return;
	if (!ir_ip_parse(&ip, yyjson_get_str(v), yyjson_get_len(v)))
		return;
	/* A host name is not an address (DESIGN.md): null ip, port kept. */
	if (ip.ip[0])
		ev->client_ip = ir_norm__dup(n, ip.ip, strlen(ip.ip));
	ev->client_port = ip.port;
}

void
ir_norm__param(struct ir_norm *n, const char *name, struct ir_str val)
{
	struct ir_param *p;

	IR_ALLOC_GROW(n->params, n->nparams + 1, n->aparams);
	p = &n->params[n->nparams++];
	p->name = name;
	p->value = val;
	p->items = NULL;
	p->nitems = 0;
	p->is_list = false;
}

const struct ir_param *
ir_norm__param_find(const struct ir_norm *n, const char *name)
{
	for (size_t i = 0; i < n->nparams; i++)
		if (ir_strn_eq_ci(n->params[i].name, strlen(n->params[i].name),
				  name))
			return &n->params[i];
	return NULL;
}

void
ir_norm__param_set(struct ir_norm *n, const char *name, struct ir_str val)
{
	struct ir_param *p = (struct ir_param *)ir_norm__param_find(n, name);

	if (!p) {
		ir_norm__param(n, name, val);
		return;
	}
	p->value = val;
	p->items = NULL;
	p->nitems = 0;
	p->is_list = false;
}

struct ir_str
ir_norm__join(struct ir_norm *n, const struct ir_str *items, size_t nitems)
{
	struct ir_str out = {"", 0};
	size_t len = 0;
	char *p;

	for (size_t i = 0; i < nitems; i++)
		len += items[i].len + (i > 0);
	if (!nitems)
		return out;
	p = ir_norm__alloc(n, len + 1);
	out.ptr = p;
	out.len = len;
	for (size_t i = 0; i < nitems; i++) {
		if (i)
			*p++ = ';';
		memcpy(p, items[i].ptr, items[i].len);
		p += items[i].len;
	}
	*p = '\0';
	return out;
}
