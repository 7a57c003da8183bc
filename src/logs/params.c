/* SPDX-License-Identifier: MIT */
/*
 * params.c - property bags in every shape they arrive in, flattened into
 * the event's one list of name -> value (event.h, "Params"):
 *
 *  - Name/Value arrays (`Parameters`, `ExtendedProperties`,
 *    `OperationProperties`), also `{"Name":"RuleName"}` with no Value
 *    (-> ""), and values that are numbers, booleans, lists or objects;
 *  - `ModifiedProperties` {Name, NewValue, OldValue} and Graph
 *    `modifiedProperties` {displayName, newValue, oldValue}: the new value
 *    under the name, the old one under "<name>.OldValue";
 *  - Graph `additionalDetails` {key, value};
 *  - JSON inside a string (`"OperationProperties":"[{\"Name\":...}]"`,
 *    Log Analytics dynamic columns);
 *  - PowerShell command-line strings, parsed here (params.h) and also kept
 *    whole under "_raw".
 * A bag that is none of these is kept whole under its own name rather than
 * dropped: nothing is silently lost.
 */
#include "util/compat.h"

#include "util/parse.h"
#include "util/xalloc.h"
#include "logs/norm.h"
#include "logs/params.h"

/* ---- PowerShell parameter strings ------------------------------------ */

struct ps {
	const char *s;
	size_t len, i;
	struct ir_buf *b;
	const struct ir_ps_cb *cb;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static void
skip_blanks(struct ps *p)
{
	while (p->i < p->len && is_blank(p->s[p->i]))
		p->i++;
}

/* `-Name` starts a parameter; `-5` and a lone `-` are values. */
static bool
at_param(const struct ps *p)
{
	return p->i + 1 < p->len && p->s[p->i] == '-' &&
	       is_name_start(p->s[p->i + 1]);
}

/* "..." with "" `" \" as quotes inside; p->i is on the opening quote. */
static void
dquoted(struct ps *p)
{
	for (p->i++; p->i < p->len; p->i++) {
		char c = p->s[p->i];
		char next = p->i + 1 < p->len ? p->s[p->i + 1] : '\0';

		if (c == '"' && next == '"') {
			ir_buf_addch(p->b, '"');
			p->i++;
		} else if (c == '"') {
			p->i++;
			return;
		} else if ((c == '`' || c == '\\') && next == '"') {
			ir_buf_addch(p->b, '"');
			p->i++;
		} else if (c == '`' && next == '`') {
			ir_buf_addch(p->b, '`');
			p->i++;
		} else {
			ir_buf_addch(p->b, c);
		}
	}
}

static void
squoted(struct ps *p)
{
	for (p->i++; p->i < p->len; p->i++) {
		char c = p->s[p->i];

		if (c == '\'' && p->i + 1 < p->len && p->s[p->i + 1] == '\'') {
			ir_buf_addch(p->b, '\'');
			p->i++;
		} else if (c == '\'') {
			p->i++;
			return;
		} else {
			ir_buf_addch(p->b, c);
		}
	}
}

/* $true / $false as PowerShell prints them; other words as written. */
static void
emit_word(struct ps *p, const char *w, size_t len)
{
	if (ir_strn_eq_ci(w, len, "$true"))
		ir_buf_addstr(p->b, "True");
	else if (ir_strn_eq_ci(w, len, "$false"))
		ir_buf_addstr(p->b, "False");
	else
		ir_buf_add(p->b, w, len);
}

/* One scalar into p->b; `stop` ends a bare word (",)" inside lists). */
static void
scalar(struct ps *p, const char *stop)
{
	size_t start = p->i;

	ir_buf_reset(p->b);
	if (p->i < p->len && p->s[p->i] == '"') {
		dquoted(p);
		return;
	}
	if (p->i < p->len && p->s[p->i] == '\'') {
		squoted(p);
		return;
	}
	/*
	 * strchr() finds the terminator of `stop` too, so a NUL in the text
	 * would end every word before it began and the parser would spin:
	 * only a non-NUL byte can be a stop character.
	 */
	while (p->i < p->len && !is_blank(p->s[p->i]) &&
	       !(p->s[p->i] && strchr(stop, p->s[p->i])))
		p->i++;
	emit_word(p, p->s + start, p->i - start);
}

static void
emit(struct ps *p)
{
	if (p->cb && p->cb->value)
		p->cb->value(p->cb->payload, p->b->buf, p->b->len);
}

/* ( item , item ... ); p->i is on '('. */
static void
list(struct ps *p, bool report)
{
	for (p->i++;;) {
		skip_blanks(p);
		if (p->i >= p->len)
			return;
		if (p->s[p->i] == ')') {
			p->i++;
			return;
		}
		if (p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		scalar(p, ",)");
		if (report)
			emit(p);
	}
}

static bool
at_list(const struct ps *p)
{
	if (p->i < p->len && p->s[p->i] == '(')
		return true;
	return p->i + 1 < p->len && p->s[p->i] == '@' && p->s[p->i + 1] == '(';
}

/* The value after a parameter name, or the switch's implicit True. */
static void
param_value(struct ps *p, const char *name, size_t nlen)
{
	bool report = p->cb && p->cb->param;
	bool is_list;

	skip_blanks(p);
	is_list = at_list(p);
	if (report)
		p->cb->param(p->cb->payload, name, nlen, is_list);
	if (is_list) {
		if (p->s[p->i] == '@')
			p->i++;
		list(p, report);
		return;
	}
	if (p->i >= p->len || at_param(p)) {
		ir_buf_reset(p->b);
		ir_buf_addstr(p->b, "True");
	} else {
		scalar(p, "");
	}
	if (report)
		emit(p);
}

size_t
ir_ps_parse(const char *s, size_t len, const struct ir_ps_cb *cb,
	    struct ir_buf *scratch)
{
	struct ps p = {s, len, 0, scratch, cb};
	size_t count = 0;

	for (;;) {
		size_t start, nlen;

		skip_blanks(&p);
		if (p.i >= p.len)
			return count;
		if (!at_param(&p)) {
			/* Positional value or junk: read, not reported. */
			if (at_list(&p)) {
				p.i += p.s[p.i] == '@';
				list(&p, false);
			} else {
				scalar(&p, "");
			}
			continue;
		}
		start = ++p.i;
		while (p.i < p.len && is_name_char(p.s[p.i]))
			p.i++;
		nlen = p.i - start;
		if (p.i < p.len && p.s[p.i] == ':')
			p.i++;
		param_value(&p, s + start, nlen);
		count++;
	}
}

bool
ir_ps_looks_like(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_blank(s[i]))
		i++;
	return i + 1 < len && s[i] == '-' && is_name_start(s[i + 1]);
}

/* ---- bags ------------------------------------------------------------- */

/* Collects one PowerShell parameter at a time into the norm. */
struct collect {
	struct ir_norm *n;
	const char *name;
	bool is_list, open;
};

/*
 * Values arrive one at a time while a parameter is open; its list (or
 * scalar) is only known complete at the next parameter or the end.
 */
static void
flush(struct collect *c)
{
	struct ir_norm *n = c->n;
	struct ir_param *p;
	struct ir_str val = {"", 0};

	if (!c->open)
		return;
	c->open = false;
	if (!c->is_list) {
		if (n->nitems)
			val = n->items[0];
		ir_norm__param(n, c->name, val);
		return;
	}
	ir_norm__param(n, c->name, val);
	p = &n->params[n->nparams - 1];
	p->is_list = true;
	p->nitems = n->nitems;
	p->items = ir_norm__alloc(n, n->nitems * sizeof(*p->items));
	if (n->nitems)
		memcpy(p->items, n->items, n->nitems * sizeof(*p->items));
	p->value = ir_norm__join(n, p->items, p->nitems);
}

static void
on_param(void *payload, const char *name, size_t len, bool is_list)
{
	struct collect *c = payload;

	flush(c);
	c->name = ir_norm__dup(c->n, name, len);
	c->is_list = is_list;
	c->open = true;
	c->n->nitems = 0;
}

static void
on_value(void *payload, const char *s, size_t len)
{
	struct collect *c = payload;
	struct ir_norm *n = c->n;

	IR_ALLOC_GROW(n->items, n->nitems + 1, n->aitems);
	n->items[n->nitems].ptr = ir_norm__dup(n, s, len);
	n->items[n->nitems].len = len;
	n->nitems++;
}

/*
 * The whole string is kept as "_raw" too: a parser of somebody else's
 * command line can be wrong, and the analyst must be able to check it.
 */
static void
ps_string(struct ir_norm *n, const char *s, size_t len)
{
	struct collect c = {n, NULL, false, false};
	struct ir_ps_cb cb = {on_param, on_value, &c};
	struct ir_str raw = {s, len};

	ir_buf_reset(&n->scratch);
	ir_ps_parse(s, len, &cb, &n->scratch);
	flush(&c);
	ir_norm__param(n, "_raw", raw);
}

/* A JSON array of scalars as a list parameter; false if it is not one. */
static bool
json_list(struct ir_norm *n, const char *name, yyjson_val *arr)
{
	struct ir_param *p;
	yyjson_arr_iter it;
	yyjson_val *v;
	size_t i = 0, cnt = yyjson_arr_size(arr);

	yyjson_arr_iter_init(arr, &it);
	while ((v = yyjson_arr_iter_next(&it)))
		if (yyjson_is_ctn(v))
			return false;
	ir_norm__param(n, name, (struct ir_str){"", 0});
	p = &n->params[n->nparams - 1];
	p->is_list = true;
	p->items = ir_norm__alloc(n, cnt * sizeof(*p->items));
	yyjson_arr_iter_init(arr, &it);
	while ((v = yyjson_arr_iter_next(&it))) {
		if (!ir_norm__text(n, v, &p->items[i]) && !yyjson_is_str(v))
			p->items[i] = (struct ir_str){"", 0};
		i++;
	}
	p->nitems = cnt;
	p->value = ir_norm__join(n, p->items, cnt);
	return true;
}

static void
value_param(struct ir_norm *n, const char *name, yyjson_val *v)
{
	struct ir_str s = {"", 0};

	if (yyjson_is_arr(v) && json_list(n, name, v))
		return;
	if (!ir_norm__text(n, v, &s) && yyjson_is_str(v))
		s = (struct ir_str){yyjson_get_str(v), yyjson_get_len(v)};
	ir_norm__param(n, name, s);
}

static yyjson_val *
first_of(yyjson_val *obj, const char *const *names)
{
	yyjson_val *v;

	for (; *names; names++)
		if ((v = ir_norm__get(obj, *names)))
			return v;
	return NULL;
}

/* {Name, Value} / {Name, NewValue, OldValue} / {displayName, ...} / {key}. */
static bool
bag_entry(struct ir_norm *n, yyjson_val *e)
{
	static const char *const names[] = {"Name", "displayName", "key", NULL};
	static const char *const values[] = {"Value", "NewValue", "New", NULL};
	static const char *const olds[] = {"OldValue", "Old", NULL};
	const char *name = yyjson_get_str(first_of(e, names));
	yyjson_val *old;

	if (!name)
		return false;
	value_param(n, name, first_of(e, values));
	old = first_of(e, olds);
	/* A null old value (Graph: "created") is absence, not "". */
	if (old && !yyjson_is_null(old)) {
		size_t len = strlen(name);
		char *oname = ir_norm__alloc(n, len + sizeof(".OldValue"));

		memcpy(oname, name, len);
		memcpy(oname + len, ".OldValue", sizeof(".OldValue"));
		value_param(n, oname, old);
	}
	return true;
}

static int bag_value(struct ir_norm *n, yyjson_val *bag, const char *what,
		     int depth, struct ir_err *err);

static void
bag_string(struct ir_norm *n, yyjson_val *bag, const char *what, int depth)
{
	const char *s = yyjson_get_str(bag);
	size_t len = yyjson_get_len(bag);
	yyjson_val *parsed = NULL;

	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	if (!len)
		return;
	if (ir_ps_looks_like(s, len)) {
		ps_string(n, s, len);
		return;
	}
	/* depth: JSON in a string in JSON stops after two levels. */
	if ((*s == '[' || *s == '{') && depth < 2 &&
	    ir_norm__parse_json(n, &parsed, s, len, what, NULL) == 0) {
		bag_value(n, parsed, what, depth + 1, NULL);
		return;
	}
	/* Neither shape: keep it whole under the bag's own name. */
	ir_norm__param(n, what, (struct ir_str){s, len});
}

static int
bag_value(struct ir_norm *n, yyjson_val *bag, const char *what, int depth,
	  struct ir_err *err)
{
	yyjson_val *e, *k;
	size_t i, max;

	if (yyjson_is_str(bag)) {
		bag_string(n, bag, what, depth);
	} else if (yyjson_is_arr(bag)) {
		yyjson_arr_foreach(bag, i, max, e)
		{
			if (yyjson_is_obj(e))
				bag_entry(n, e);
		}
	} else if (yyjson_is_obj(bag) && !bag_entry(n, bag)) {
		yyjson_obj_foreach(bag, i, max, k, e)
		{
			value_param(n, yyjson_get_str(k), e);
		}
	}
	return 0;
}

int
ir_norm__bag(struct ir_norm *n, yyjson_val *bag, const char *what,
	     struct ir_err *err)
{
	return bag_value(n, bag, what, 0, err);
}
