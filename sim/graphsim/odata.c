/* SPDX-License-Identifier: MIT */
/*
 * odata.c - $filter parsing and evaluation, and $top / $skiptoken paging,
 * for every collection route that wants them (odata.h has the grammar).
 *
 * The parser is recursive descent over a tiny tokenizer; the tree it
 * builds is evaluated once per object. Filters are short (Graph caps the
 * URL at a few KB and libmicrohttpd at less), so nothing here bothers
 * about speed, but nesting is capped so a hostile "((((..." cannot run
 * the stack out.
 *
 * Parse errors are reported with the byte offset, as Graph's messages
 * name the position ("syntax error at position 23").
 */
#include "util/compat.h"

#include "sim/graphsim/odata.h"
#include "util/parse.h"
#include "util/time.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <strings.h>

#define DEPTH_MAX 32
#define SKIPTOKEN_PREFIX "graphsim1:"

enum node_kind { N_AND, N_OR, N_CMP };

enum lit_kind { L_NULL, L_STRING, L_NUMBER, L_BOOL, L_DATETIME };

struct literal {
	enum lit_kind kind;
	char *str;
	double num;
	bool b;
	struct ir_time t;
};

struct node {
	enum node_kind kind;
	struct node *l, *r;
	char *path;
	enum gs_odata_op op;
	struct literal lit;
};

struct gs_odata_filter {
	struct node *root;
};

enum tok_kind { T_END, T_LPAREN, T_RPAREN, T_COMMA, T_STRING, T_WORD };

struct parser {
	const char *s;
	size_t pos;
	/* The current token: its kind, its start, and its text. */
	enum tok_kind tok;
	size_t tok_pos;
	struct ir_buf text;
	const struct gs_odata_prop *props;
	size_t nprops;
	int depth;
	struct ir_err *err;
};

static bool
word_char(int c)
{
	return c && !isspace(c) && !strchr("(),'", c);
}

/* Read the next token into p->tok / p->text; IR_EPARSE on a bad quote. */
static int
next(struct parser *p)
{
	const char *s = p->s;

	ir_buf_reset(&p->text);
	while (isspace((unsigned char)s[p->pos]))
		p->pos++;
	p->tok_pos = p->pos;
	switch (s[p->pos]) {
	case '\0':
		p->tok = T_END;
		return 0;
	case '(':
	case ')':
	case ',':
		p->tok = s[p->pos] == '(' ? T_LPAREN :
			 s[p->pos] == ')' ? T_RPAREN : T_COMMA;
		p->pos++;
		return 0;
	case '\'':
		p->tok = T_STRING;
		for (p->pos++;; p->pos++) {
			if (!s[p->pos])
				return ir_err_set(p->err, IR_EPARSE,
						  "Invalid filter clause: "
						  "unterminated string literal "
						  "at position %zu.",
						  p->tok_pos);
			if (s[p->pos] == '\'' && s[p->pos + 1] != '\'')
				break;
			if (s[p->pos] == '\'')
				p->pos++; /* '' is one quote */
			ir_buf_addch(&p->text, s[p->pos]);
		}
		p->pos++;
		return 0;
	}
	p->tok = T_WORD;
	while (word_char((unsigned char)s[p->pos]))
		ir_buf_addch(&p->text, s[p->pos++]);
	return 0;
}

static int
syntax(struct parser *p, const char *what)
{
	return ir_err_set(p->err, IR_EPARSE,
			  "Invalid filter clause: %s at position %zu.", what,
			  p->tok_pos);
}

static bool
is_word(const struct parser *p, const char *w)
{
	return p->tok == T_WORD && !strcmp(p->text.buf, w);
}

static void
node_free(struct node *n)
{
	if (!n)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->path);
	free(n->lit.str);
	free(n);
}

static const struct {
	const char *name;
	enum gs_odata_op op;
} ops[] = {
	{ "eq", GS_ODATA_EQ }, { "ne", GS_ODATA_NE }, { "gt", GS_ODATA_GT },
	{ "ge", GS_ODATA_GE }, { "lt", GS_ODATA_LT }, { "le", GS_ODATA_LE },
};

static const char *
op_name(enum gs_odata_op op)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(ops); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "startswith";
}

/* DateTimeOffset literals: yyyy-mm-ddThh:mm[:ss[.f]](Z|±hh:mm). */
static bool
looks_like_datetime(const char *s)
{
	for (size_t i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
				       !isdigit((unsigned char)s[i]))
			return false;
	return s[10] == 'T';
}

/* The current token as a literal in *lit; IR_EPARSE when it is none. */
static int
literal(struct literal *lit, struct parser *p)
{
	const char *w = p->text.buf;
	struct ir_err e = IR_ERR_INIT;
	char *end;

	memset(lit, 0, sizeof(*lit));
	if (p->tok == T_STRING) {
		lit->kind = L_STRING;
		lit->str = xstrdup(w);
		return 0;
	}
	if (p->tok != T_WORD)
		return syntax(p, "expected a literal");
	if (!strcmp(w, "null"))
		return 0;
	if (!strcmp(w, "true") || !strcmp(w, "false")) {
		lit->kind = L_BOOL;
		lit->b = w[0] == 't';
		return 0;
	}
	if (looks_like_datetime(w)) {
		lit->kind = L_DATETIME;
		if (ir_time_parse(&lit->t, w, strlen(w), NULL, 0, &e))
			return syntax(p, "invalid DateTimeOffset literal");
		return 0;
	}
	lit->num = strtod(w, &end);
	if (end == w || *end || !isfinite(lit->num))
		return syntax(p, "expected a literal");
	lit->kind = L_NUMBER;
	return 0;
}

static const struct gs_odata_prop *
find_prop(const struct parser *p, const char *path)
{
	for (size_t i = 0; i < p->nprops; i++)
		if (!strcmp(p->props[i].path, path))
			return &p->props[i];
	return NULL;
}

static bool
lit_fits(enum lit_kind k, enum gs_odata_type t)
{
	switch (t) {
	case GS_ODATA_STRING:
		return k == L_STRING;
	case GS_ODATA_NUMBER:
		return k == L_NUMBER;
	case GS_ODATA_BOOL:
		return k == L_BOOL;
	case GS_ODATA_DATETIME:
		return k == L_DATETIME;
	}
	return false;
}

/* Is `path op lit` something this route supports? IR_ERROR if not. */
static int
check_supported(struct parser *p, const struct node *n)
{
	const struct gs_odata_prop *prop;

	if (!p->props)
		return 0;
	prop = find_prop(p, n->path);
	if (!prop)
		return ir_err_set(p->err, IR_ERROR,
				  "Invalid filter clause: property '%s' is "
				  "not supported in a filter on this "
				  "resource.", n->path);
	if (!(prop->ops & n->op))
		return ir_err_set(p->err, IR_ERROR,
				  "Invalid filter clause: operator '%s' is "
				  "not supported on property '%s'.",
				  op_name(n->op), n->path);
	if (n->lit.kind != L_NULL && !lit_fits(n->lit.kind, prop->type))
		return ir_err_set(p->err, IR_ERROR,
				  "Invalid filter clause: a binary operator "
				  "with incompatible types was detected for "
				  "property '%s'.", n->path);
	return 0;
}

static int parse_or(struct node **out, struct parser *p);

/* startswith(path, 'literal'); the name and "(" are already read. */
static int
parse_startswith(struct node *n, struct parser *p)
{
	int ret;

	n->op = GS_ODATA_STARTSWITH;
	if ((ret = next(p)))
		return ret;
	if (p->tok != T_WORD)
		return syntax(p, "expected a property");
	n->path = xstrdup(p->text.buf);
	if ((ret = next(p)))
		return ret;
	if (p->tok != T_COMMA)
		return syntax(p, "expected ','");
	if ((ret = next(p)) || (ret = literal(&n->lit, p)))
		return ret;
	if (n->lit.kind != L_STRING)
		return syntax(p, "startswith takes a string");
	if ((ret = next(p)))
		return ret;
	if (p->tok != T_RPAREN)
		return syntax(p, "expected ')'");
	return next(p);
}

/* path op literal; the path is the current token. */
static int
parse_cmp(struct node *n, struct parser *p)
{
	int ret;

	n->path = xstrdup(p->text.buf);
	if ((ret = next(p)))
		return ret;
	for (size_t i = 0; i < IR_ARRAY_SIZE(ops); i++)
		if (is_word(p, ops[i].name))
			n->op = ops[i].op;
	if (!n->op)
		return p->tok == T_WORD ?
		       ir_err_set(p->err, IR_ERROR, "Invalid filter clause: "
				  "operator '%s' is not supported.",
				  p->text.buf) :
		       syntax(p, "expected an operator");
	if ((ret = next(p)) || (ret = literal(&n->lit, p)))
		return ret;
	return next(p);
}

static int
parse_primary(struct node **out, struct parser *p)
{
	struct node *n;
	int ret;

	if (p->tok == T_LPAREN) {
		if (++p->depth > DEPTH_MAX)
			return syntax(p, "nesting too deep");
		if ((ret = next(p)) || (ret = parse_or(out, p)))
			return ret;
		p->depth--;
		if (p->tok != T_RPAREN)
			return syntax(p, "expected ')'");
		return next(p);
	}
	if (p->tok != T_WORD)
		return syntax(p, "expected a property or function");
	if (is_word(p, "not") || is_word(p, "has"))
		return ir_err_set(p->err, IR_ERROR, "Invalid filter clause: "
				  "'%s' is not supported.", p->text.buf);
	n = *out = xcalloc(1, sizeof(*n));
	n->kind = N_CMP;
	if (p->s[p->pos] == '(') {
		if (strcmp(p->text.buf, "startswith"))
			return ir_err_set(p->err, IR_ERROR, "Invalid filter "
					  "clause: '%s' is not supported.",
					  p->text.buf);
		if ((ret = next(p)) || (ret = parse_startswith(n, p)))
			return ret;
	} else if ((ret = parse_cmp(n, p))) {
		return ret;
	}
	return check_supported(p, n);
}

/* One left-associative level: "and" over primaries, "or" over ands. */
static int
parse_level(struct node **out, struct parser *p, bool is_or)
{
	struct node *n;
	int ret = is_or ? parse_level(out, p, false) :
			  parse_primary(out, p);

	while (!ret && is_word(p, is_or ? "or" : "and")) {
		n = xcalloc(1, sizeof(*n));
		n->kind = is_or ? N_OR : N_AND;
		n->l = *out;
		*out = n;
		if (!(ret = next(p)))
			ret = is_or ? parse_level(&n->r, p, false) :
				      parse_primary(&n->r, p);
	}
	return ret;
}

static int
parse_or(struct node **out, struct parser *p)
{
	return parse_level(out, p, true);
}

int
gs_odata_parse(struct gs_odata_filter **out, const char *text,
	       const struct gs_odata_prop *props, size_t nprops,
	       struct ir_err *err)
{
	struct parser p;
	struct node *root = NULL;
	int ret;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.s = text;
	p.props = props;
	p.nprops = nprops;
	p.err = err;
	ir_buf_init(&p.text);
	ret = next(&p);
	if (!ret)
		ret = parse_or(&root, &p);
	if (!ret && p.tok != T_END)
		ret = syntax(&p, "unexpected text");
	ir_buf_release(&p.text);
	if (ret) {
		node_free(root);
		return ret;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->root = root;
	return 0;
}

void
gs_odata_filter_free(struct gs_odata_filter *f)
{
	if (!f)
		return;
	node_free(f->root);
	free(f);
}

/* The value at "a/b/c" inside `obj`, or NULL. */
static yyjson_mut_val *
lookup(yyjson_mut_val *obj, const char *path)
{
	const char *s = path;

	while (obj && *s) {
		size_t len = strcspn(s, "/");

		if (!yyjson_mut_is_obj(obj))
			return NULL;
		obj = yyjson_mut_obj_getn(obj, s, len);
		s += len;
		if (*s == '/')
			s++;
	}
	return obj;
}

static bool
ordered(enum gs_odata_op op, int c)
{
	switch (op) {
	case GS_ODATA_EQ:
		return c == 0;
	case GS_ODATA_NE:
		return c != 0;
	case GS_ODATA_GT:
		return c > 0;
	case GS_ODATA_GE:
		return c >= 0;
	case GS_ODATA_LT:
		return c < 0;
	case GS_ODATA_LE:
		return c <= 0;
	case GS_ODATA_STARTSWITH:
		break;
	}
	return false;
}

/* Compare the value with the literal: -1/0/1, or 2 when incomparable. */
static int
compare(yyjson_mut_val *v, const struct literal *lit)
{
	struct ir_err e = IR_ERR_INIT;
	struct ir_time t;
	const char *s = yyjson_mut_get_str(v);
	double d;
	int c;

	switch (lit->kind) {
	case L_STRING:
		if (!s)
			return 2;
		c = strcasecmp(s, lit->str);
		return (c > 0) - (c < 0);
	case L_DATETIME:
		if (!s || ir_time_parse(&t, s, strlen(s), NULL, 0, &e))
			return 2;
		return ir_time_cmp(t, lit->t);
	case L_NUMBER:
		if (!yyjson_mut_is_num(v))
			return 2;
		d = yyjson_mut_get_num(v);
		return (d > lit->num) - (d < lit->num);
	case L_BOOL:
		if (!yyjson_mut_is_bool(v))
			return 2;
		return yyjson_mut_get_bool(v) == lit->b ? 0 : 1;
	case L_NULL:
		break;
	}
	return 2;
}

static bool
match_cmp(const struct node *n, yyjson_mut_val *obj)
{
	yyjson_mut_val *v = lookup(obj, n->path);
	bool is_null = !v || yyjson_mut_is_null(v);
	const char *s;
	int c;

	if (n->lit.kind == L_NULL || is_null) {
		bool both = n->lit.kind == L_NULL && is_null;

		if (n->op == GS_ODATA_EQ)
			return both;
		return n->op == GS_ODATA_NE && !both;
	}
	if (n->op == GS_ODATA_STARTSWITH) {
		s = yyjson_mut_get_str(v);
		return s && !strncasecmp(s, n->lit.str, strlen(n->lit.str));
	}
	c = compare(v, &n->lit);
	if (c == 2)
		return n->op == GS_ODATA_NE;
	return ordered(n->op, c);
}

static bool
match_node(const struct node *n, yyjson_mut_val *obj)
{
	switch (n->kind) {
	case N_AND:
		return match_node(n->l, obj) && match_node(n->r, obj);
	case N_OR:
		return match_node(n->l, obj) || match_node(n->r, obj);
	case N_CMP:
		break;
	}
	return match_cmp(n, obj);
}

bool
gs_odata_match(const struct gs_odata_filter *f, yyjson_mut_val *obj)
{
	return !f || match_node(f->root, obj);
}

bool
gs_odata_filter_query(struct gs_odata_filter **out, struct gs_req *req,
		      struct gs_resp *resp,
		      const struct gs_odata_prop *props, size_t nprops)
{
	const char *s = gs_query(req, "$filter");
	struct ir_err err = IR_ERR_INIT;

	*out = NULL;
	if (!s)
		return true;
	if (!gs_odata_parse(out, s, props, nprops, &err))
		return true;
	gs_graph_error(resp, req, 400, "BadRequest", "%s", err.msg);
	return false;
}

bool
gs_odata_refuse(struct gs_req *req, struct gs_resp *resp,
		const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (gs_query(req, names[i])) {
			gs_graph_error(resp, req, 400, "BadRequest",
				       "Query option '%s' is not supported "
				       "on this resource (graphsim).",
				       names[i]);
			return false;
		}
	return true;
}

bool
gs_odata_top(size_t *out, struct gs_req *req, struct gs_resp *resp,
	     size_t def, size_t max)
{
	const char *s = gs_query(req, "$top");
	int top;

	*out = def;
	if (!s)
		return true;
	if (ir_parse_int(&top, s, strlen(s), 1, (int)max, NULL)) {
		gs_graph_error(resp, req, 400, "BadRequest",
			       "Invalid page size specified: '%s'. Must be "
			       "between 1 and %zu inclusive.", s, max);
		return false;
	}
	*out = (size_t)top;
	return true;
}

/* $skiptoken is opaque (paging.md); ours is base64url("graphsim1:N"). */
bool
gs_odata_skiptoken(size_t *out, struct gs_req *req, struct gs_resp *resp,
		   const char *code)
{
	const char *s = gs_query(req, "$skiptoken");
	struct ir_buf plain = IR_BUF_INIT;
	size_t plen = strlen(SKIPTOKEN_PREFIX);
	uint64_t off = 0;
	bool ok;

	*out = 0;
	if (!s)
		return true;
	ok = !gs_base64url_decode(&plain, s) && plain.len > plen &&
	     !memcmp(plain.buf, SKIPTOKEN_PREFIX, plen) &&
	     !ir_parse_uint64(&off, plain.buf + plen, plain.len - plen, NULL);
	ir_buf_release(&plain);
	if (!ok) {
		gs_graph_error(resp, req, 400, code,
			       "Specified paging token is invalid.");
		return false;
	}
	*out = (size_t)off;
	return true;
}

void
gs_odata_next_link(struct ir_buf *out, struct gs_server *gs,
		   struct gs_req *req, size_t offset)
{
	const char *q = strchr(req->uri, '?');
	char plain[64];
	int n;

	gs_request_base(out, gs, req);
	ir_buf_addstr(out, req->path);
	ir_buf_addch(out, '?');
	for (q = q ? q + 1 : ""; *q;) {
		const char *end = strchr(q, '&');
		size_t len = end ? (size_t)(end - q) : strlen(q);
		char *name = xstrndup(q, strcspn(q, "=&"));

		if (strcmp(gs_form_unescape(name), "$skiptoken")) {
			ir_buf_add(out, q, len);
			ir_buf_addch(out, '&');
		}
		free(name);
		q = end ? end + 1 : q + len;
	}
	n = snprintf(plain, sizeof(plain), SKIPTOKEN_PREFIX "%zu", offset);
	ir_buf_addstr(out, "$skiptoken=");
	gs_base64url(out, plain, (size_t)n);
}
