/* SPDX-License-Identifier: MIT */
/*
 * directory.c - Graph v1.0 domains, directoryRoles (+ members) and
 * roleManagement/directory/roleAssignments (api-map.md §B.T5), and the
 * collection machinery apps.c and policies.c share with them.
 *
 * Every directory collection is a top-level fixture array served through
 * gs_dir_list(): render each element (a copy, or the family's own view
 * of it), keep those that match $filter, cut $select, then page with
 * @odata.nextLink carrying an opaque $skiptoken, as users.c does
 * (paging.md). directoryRoles and their members do not page (paging.md:
 * "directoryRoles does not support paging"), so $top there is a 400
 * rather than a silently ignored option.
 *
 * $filter takes what m365ir sends to these collections: one or more
 * "property eq literal" clauses joined by "and", literal a quoted string
 * (compared case-insensitively, as the directory compares ids and names),
 * true, false or null. Anything else is a 400, never an unfiltered list.
 *
 * Role membership has one source: the roleAssignments array. A
 * directoryRole's members are the principals assigned its roleTemplateId
 * at directory scope "/", so a test that changes an assignment sees both
 * views change together.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "sim/graphsim/odata.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 999
#define FILTER_MAX 8

yyjson_mut_val *
gs_dir_array(struct gs_state *st, const char *name, bool create)
{
	yyjson_mut_val *root = yyjson_mut_doc_get_root(st->doc);
	yyjson_mut_val *arr = yyjson_mut_obj_get(root, name);

	if (yyjson_mut_is_arr(arr) || !create)
		return yyjson_mut_is_arr(arr) ? arr : NULL;
	arr = yyjson_mut_arr(st->doc);
	yyjson_mut_obj_put(root, yyjson_mut_strcpy(st->doc, name), arr);
	return arr;
}

yyjson_mut_val *
gs_dir_find(yyjson_mut_val *arr, const char *key, const char *want,
	    size_t *idx)
{
	size_t n = yyjson_mut_arr_size(arr);

	for (size_t i = 0; i < n; i++) {
		yyjson_mut_val *v = yyjson_mut_arr_get(arr, i);
		const char *s = yyjson_mut_get_str(yyjson_mut_obj_get(v, key));

		if (s && gs_str_eq_ci(s, want)) {
			if (idx)
				*idx = i;
			return v;
		}
	}
	return NULL;
}

void
gs_dir_not_found(struct gs_resp *resp, const struct gs_req *req,
		 const char *id)
{
	gs_graph_error(resp, req, 404, "Request_ResourceNotFound",
		       "Resource '%s' does not exist or one of its queried "
		       "reference-property objects are not present.", id);
}

void
gs_dir_no_content(struct gs_resp *resp)
{
	ir_buf_reset(&resp->body);
	resp->status = 204;
	resp->content_type = NULL;
}

yyjson_doc *
gs_dir_body(struct gs_req *req, struct gs_resp *resp)
{
	yyjson_doc *in = yyjson_read(req->body.buf ? req->body.buf : "",
				     req->body.len, 0);

	if (in && yyjson_is_obj(yyjson_doc_get_root(in)))
		return in;
	yyjson_doc_free(in);
	gs_graph_error(resp, req, 400, "Request_BadRequest",
		       "The request body must be a JSON object.");
	return NULL;
}

static yyjson_mut_val *
overlay_given(yyjson_mut_doc *doc, yyjson_val *t, yyjson_mut_val *g)
{
	if (yyjson_is_obj(t) && yyjson_mut_is_obj(g))
		return gs_dir_overlay(doc, t, g, NULL);
	return yyjson_mut_val_mut_copy(doc, g);
}

static bool
skipped(const char *key, const char *const *skip)
{
	for (size_t i = 0; skip && skip[i]; i++)
		if (!strcmp(key, skip[i]))
			return true;
	return false;
}

yyjson_mut_val *
gs_dir_overlay(yyjson_mut_doc *doc, yyjson_val *tmpl, yyjson_mut_val *given,
	       const char *const *skip)
{
	yyjson_mut_val *out = yyjson_mut_obj(doc), *g, *k;
	yyjson_obj_iter it = yyjson_obj_iter_with(tmpl);
	yyjson_mut_obj_iter mit;
	yyjson_val *tk;

	/* The template's keys first, in its order: Graph's own order. */
	while ((tk = yyjson_obj_iter_next(&it))) {
		const char *name = yyjson_get_str(tk);
		yyjson_val *tv = yyjson_obj_iter_get_val(tk);

		g = yyjson_mut_obj_get(given, name);
		yyjson_mut_obj_add(out, yyjson_mut_strcpy(doc, name),
				   g ? overlay_given(doc, tv, g) :
				   yyjson_val_mut_copy(doc, tv));
	}
	if (!yyjson_mut_is_obj(given))
		return out;
	mit = yyjson_mut_obj_iter_with(given);
	while ((k = yyjson_mut_obj_iter_next(&mit))) {
		const char *name = yyjson_mut_get_str(k);

		if (yyjson_obj_get(tmpl, name) || skipped(name, skip))
			continue;
		yyjson_mut_obj_add(out, yyjson_mut_strcpy(doc, name),
				   yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	}
	return out;
}

/* One "property eq literal" clause of $filter. */
struct clause {
	char *prop;
	yyjson_val *lit;
};

struct filter {
	struct clause c[FILTER_MAX];
	size_t nr;
	yyjson_doc *lits; /* the literals, as one JSON array */
};

static void
filter_release(struct filter *f)
{
	for (size_t i = 0; i < f->nr; i++)
		free(f->c[i].prop);
	yyjson_doc_free(f->lits);
	memset(f, 0, sizeof(*f));
}

/* The OData literal at `s` as JSON into `out`; its length, or 0. */
static size_t
literal(struct ir_buf *out, const char *s)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i;

	for (i = 0; i < IR_ARRAY_SIZE(words); i++)
		if (!strncmp(s, words[i], strlen(words[i]))) {
			ir_buf_addstr(out, words[i]);
			return strlen(words[i]);
		}
	if (*s != '\'')
		return 0;
	ir_buf_addch(out, '"');
	for (i = 1; s[i]; i++) {
		if (s[i] == '\'' && s[i + 1] != '\'')
			break;
		if (s[i] == '\'')
			i++;
		if (s[i] == '"' || s[i] == '\\')
			ir_buf_addch(out, '\\');
		if ((unsigned char)s[i] < 0x20)
			return 0;
		ir_buf_addch(out, s[i]);
	}
	if (s[i] != '\'')
		return 0;
	ir_buf_addch(out, '"');
	return i + 1;
}

/* Parse one clause at `s`; returns the rest of the string, or NULL. */
static const char *
parse_clause(struct filter *f, struct ir_buf *lits, const char *s)
{
	size_t plen = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	size_t llen;

	if (!plen || strncmp(s + plen, " eq ", 4) || f->nr == FILTER_MAX)
		return NULL;
	if (f->nr)
		ir_buf_addch(lits, ',');
	llen = literal(lits, s + plen + 4);
	if (!llen)
		return NULL;
	f->c[f->nr++].prop = xstrndup(s, plen);
	s += plen + 4 + llen;
	if (!strncmp(s, " and ", 5))
		return s + 5;
	return *s ? NULL : s;
}

static bool
parse_filter(struct filter *f, struct gs_req *req, struct gs_resp *resp)
{
	const char *s = gs_query(req, "$filter");
	struct ir_buf lits = IR_BUF_INIT;
	yyjson_val *arr;

	memset(f, 0, sizeof(*f));
	if (!s)
		return true;
	ir_buf_addch(&lits, '[');
	while (s && *s)
		s = parse_clause(f, &lits, s);
	ir_buf_addch(&lits, ']');
	if (s && f->nr)
		f->lits = yyjson_read(lits.buf, lits.len, 0);
	ir_buf_release(&lits);
	arr = yyjson_doc_get_root(f->lits);
	if (!arr) {
		filter_release(f);
		gs_graph_error(resp, req, 400, "Request_UnsupportedQuery",
			       "Unsupported or invalid query filter clause "
			       "specified: '%s'.", gs_query(req, "$filter"));
		return false;
	}
	for (size_t i = 0; i < f->nr; i++)
		f->c[i].lit = yyjson_arr_get(arr, i);
	return true;
}

static bool
filter_match(const struct filter *f, yyjson_mut_val *item)
{
	for (size_t i = 0; i < f->nr; i++) {
		yyjson_mut_val *v = yyjson_mut_obj_get(item, f->c[i].prop);
		yyjson_val *l = f->c[i].lit;

		if (yyjson_is_null(l)) {
			if (v && !yyjson_mut_is_null(v))
				return false;
		} else if (yyjson_is_str(l)) {
			if (!yyjson_mut_is_str(v) ||
			    !gs_str_eq_ci(yyjson_mut_get_str(v),
					  yyjson_get_str(l)))
				return false;
		} else if (!yyjson_mut_is_bool(v) ||
			   yyjson_mut_get_bool(v) != yyjson_get_bool(l)) {
			return false;
		}
	}
	return true;
}

/* $select: a copy of `item` with just the named properties, or NULL. */
static yyjson_mut_val *
select_props(yyjson_mut_doc *doc, yyjson_mut_val *item, const char *sel,
	     const char **bad, size_t *badlen)
{
	yyjson_mut_val *out = yyjson_mut_obj(doc), *t;
	const char *s = sel, *end;

	/* A derived type keeps its discriminator, as the service does. */
	t = yyjson_mut_obj_get(item, "@odata.type");
	if (t)
		yyjson_mut_obj_add_val(doc, out, "@odata.type",
				       yyjson_mut_val_mut_copy(doc, t));
	for (; *s; s = *end ? end + 1 : end) {
		size_t len;
		yyjson_mut_val *v;

		end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		while (s < end && *s == ' ')
			s++;
		len = (size_t)(end - s);
		v = yyjson_mut_obj_getn(item, s, len);
		if (!v) {
			*bad = s;
			*badlen = len;
			return NULL;
		}
		yyjson_mut_obj_add(out, yyjson_mut_strncpy(doc, s, len),
				   yyjson_mut_val_mut_copy(doc, v));
	}
	return out;
}

static bool
parse_top(size_t *out, const struct gs_dir_list *l, struct gs_req *req,
	  struct gs_resp *resp)
{
	const char *s = gs_query(req, "$top");
	int top;

	*out = l->unpaged ? SIZE_MAX : PAGE_DEFAULT;
	if (!s && !(l->unpaged && gs_query(req, "$skiptoken")))
		return true;
	if (l->unpaged) {
		gs_graph_error(resp, req, 400, "Request_UnsupportedQuery",
			       "Paging is not supported for %s.", l->context);
		return false;
	}
	if (ir_parse_int(&top, s, strlen(s), 1, PAGE_MAX, NULL)) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "Invalid page size specified: '%s'. Must be "
			       "between 1 and %d inclusive.", s, PAGE_MAX);
		return false;
	}
	*out = (size_t)top;
	return true;
}

static bool
check_options(const struct gs_dir_list *l, struct gs_req *req,
	      struct gs_resp *resp)
{
	static const char *const unsupported[] = {
		"$orderby", "$search", "$count", "$expand", "$skip",
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(unsupported); i++) {
		if (!gs_query(req, unsupported[i]) ||
		    (l->expand && !strcmp(unsupported[i], "$expand")))
			continue;
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "graphsim does not implement %s on %s.",
			       unsupported[i], l->context);
		return false;
	}
	return true;
}

static void
add_context(yyjson_mut_doc *doc, yyjson_mut_val *root, const char *context,
	    const char *sel, bool entity)
{
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addf(&ctx, GS_GRAPH_HOST "/v1.0/$metadata#%s", context);
	if (sel)
		ir_buf_addf(&ctx, "(%s)", sel);
	if (entity)
		ir_buf_addstr(&ctx, "/$entity");
	yyjson_mut_obj_add_strcpy(doc, root, "@odata.context", ctx.buf);
	ir_buf_release(&ctx);
}

/* The window of a page, and how many elements match in all. */
struct window {
	size_t off, top, matched;
};

/*
 * Render, filter and select each element, appending those in the page's
 * window to `arr`; false on a 400. Every element is rendered, since a
 * filter may look at properties the render computes.
 */
static bool
collect(yyjson_mut_val *arr, struct window *w, yyjson_mut_doc *doc,
	struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	const struct gs_dir_list *l, const struct filter *f)
{
	const char *sel = gs_query(req, "$select"), *bad = NULL;
	size_t n = yyjson_mut_arr_size(l->items), badlen = 0;

	for (size_t i = 0; i < n; i++) {
		yyjson_mut_val *v = yyjson_mut_arr_get(l->items, i);

		if (l->keep && !l->keep(v, l->ctx))
			continue;
		v = l->render ? l->render(gs, req, doc, v, l->ctx) :
				yyjson_mut_val_mut_copy(doc, v);
		if (!filter_match(f, v))
			continue;
		if (sel && !(v = select_props(doc, v, sel, &bad, &badlen))) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "Could not find a property named "
				       "'%.*s' on type '%s'.", (int)badlen,
				       bad, l->type);
			return false;
		}
		if (w->matched >= w->off && w->matched - w->off < w->top)
			yyjson_mut_arr_append(arr, v);
		w->matched++;
	}
	return true;
}

void
gs_dir_list(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp,
	    const struct gs_dir_list *l)
{
	yyjson_mut_doc *doc;
	yyjson_mut_val *root, *page;
	struct window w = { 0, 0, 0 };
	struct filter f;

	if (!check_options(l, req, resp) ||
	    !parse_top(&w.top, l, req, resp) ||
	    !gs_odata_skiptoken(&w.off, req, resp, "Request_BadRequest") ||
	    !parse_filter(&f, req, resp))
		return;
	doc = yyjson_mut_doc_new(NULL);
	root = yyjson_mut_obj(doc);
	page = yyjson_mut_arr(doc);
	if (!collect(page, &w, doc, gs, req, resp, l, &f))
		goto out;
	add_context(doc, root, l->context, gs_query(req, "$select"), false);
	/* paging.md: nextLink only while more results remain. */
	if (w.off < w.matched && w.matched - w.off > w.top) {
		struct ir_buf link = IR_BUF_INIT;

		gs_odata_next_link(&link, gs, req, w.off + w.top);
		yyjson_mut_obj_add_strcpy(doc, root, "@odata.nextLink",
					  link.buf);
		ir_buf_release(&link);
	}
	yyjson_mut_obj_add_val(doc, root, "value", page);
	gs_resp_json(resp, 200, doc, root);
out:
	yyjson_mut_doc_free(doc);
	filter_release(&f);
}

void
gs_dir_entity(struct gs_resp *resp, yyjson_mut_doc *doc, const char *context,
	      yyjson_mut_val *obj)
{
	yyjson_mut_val *root = yyjson_mut_obj(doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(obj);

	add_context(doc, root, context, NULL, true);
	/* Copies: a node can't sit in two objects' lists at once. */
	while ((k = yyjson_mut_obj_iter_next(&it)))
		yyjson_mut_obj_add(root, yyjson_mut_val_mut_copy(doc, k),
				   yyjson_mut_val_mut_copy(doc,
					yyjson_mut_obj_iter_get_val(k)));
	gs_resp_json(resp, 200, doc, root);
}

/* Domains -------------------------------------------------------------- */

void
gs_domains_list(struct gs_server *gs, struct gs_req *req,
		struct gs_resp *resp)
{
	struct gs_dir_list l = {
		.context = "domains", .type = "microsoft.graph.domain",
		.items = gs_dir_array(&gs->state, "domains", false),
	};

	gs_dir_list(gs, req, resp, &l);
}

/* Principals ----------------------------------------------------------- */

/* user-list.md: the properties a user has without $select. */
static const char *const user_props[] = {
	"businessPhones", "displayName", "givenName", "jobTitle", "mail",
	"mobilePhone", "officeLocation", "preferredLanguage", "surname",
	"userPrincipalName", "id",
};

static void
add_copy(yyjson_mut_doc *doc, yyjson_mut_val *out, yyjson_mut_val *from,
	 const char *name, yyjson_mut_val *dflt)
{
	yyjson_mut_val *v = yyjson_mut_obj_get(from, name);

	yyjson_mut_obj_add_val(doc, out, name,
			       v ? yyjson_mut_val_mut_copy(doc, v) :
			       dflt ? dflt : yyjson_mut_null(doc));
}

/* A directoryObject as a members list shows it (@odata.type first). */
static yyjson_mut_val *
render_member(yyjson_mut_doc *doc, yyjson_mut_val *user, yyjson_mut_val *sp)
{
	yyjson_mut_val *out = yyjson_mut_obj(doc);

	if (user) {
		yyjson_mut_obj_add_str(doc, out, "@odata.type",
				       "#microsoft.graph.user");
		for (size_t i = 0; i < IR_ARRAY_SIZE(user_props); i++)
			add_copy(doc, out, user, user_props[i], NULL);
		return out;
	}
	yyjson_mut_obj_add_str(doc, out, "@odata.type",
			       "#microsoft.graph.servicePrincipal");
	add_copy(doc, out, sp, "id", NULL);
	add_copy(doc, out, sp, "appId", NULL);
	add_copy(doc, out, sp, "displayName", NULL);
	add_copy(doc, out, sp, "servicePrincipalType", NULL);
	return out;
}

/* The UPN's local part: what mailNickname defaults to. */
static yyjson_mut_val *
nickname(yyjson_mut_doc *doc, yyjson_mut_val *user)
{
	const char *upn = yyjson_mut_get_str(yyjson_mut_obj_get(user,
						"userPrincipalName"));

	if (!upn)
		return NULL;
	return yyjson_mut_strncpy(doc, upn, strcspn(upn, "@"));
}

/* $expand=principal: the properties rbacapplication-list-roleassignments
 * shows for an expanded user. */
static yyjson_mut_val *
render_principal(yyjson_mut_doc *doc, yyjson_mut_val *user,
		 yyjson_mut_val *sp)
{
	yyjson_mut_val *out;

	if (!user)
		return render_member(doc, NULL, sp);
	out = yyjson_mut_obj(doc);
	yyjson_mut_obj_add_str(doc, out, "@odata.type",
			       "#microsoft.graph.user");
	add_copy(doc, out, user, "id", NULL);
	add_copy(doc, out, user, "accountEnabled", NULL);
	add_copy(doc, out, user, "displayName", NULL);
	add_copy(doc, out, user, "imAddresses", yyjson_mut_arr(doc));
	add_copy(doc, out, user, "mail", NULL);
	add_copy(doc, out, user, "mailNickname", nickname(doc, user));
	add_copy(doc, out, user, "userType", yyjson_mut_str(doc, "Member"));
	return out;
}

/* A member or expanded principal by object id; NULL if it is gone. */
static yyjson_mut_val *
principal(struct gs_server *gs, yyjson_mut_doc *doc, const char *id,
	  bool expanded)
{
	yyjson_mut_val *user = gs_state_user(&gs->state, id), *sp = NULL;

	if (!user)
		sp = gs_dir_find(gs_dir_array(&gs->state, "servicePrincipals",
					      false), "id", id, NULL);
	if (!user && !sp)
		return NULL;
	return expanded ? render_principal(doc, user, sp) :
			  render_member(doc, user, sp);
}

/* Directory roles ------------------------------------------------------ */

void
gs_dirroles_list(struct gs_server *gs, struct gs_req *req,
		 struct gs_resp *resp)
{
	struct gs_dir_list l = {
		.context = "directoryRoles",
		.type = "microsoft.graph.directoryRole",
		.items = gs_dir_array(&gs->state, "directoryRoles", false),
		.unpaged = true,
	};

	gs_dir_list(gs, req, resp, &l);
}

/* Is `ra` a tenant-wide assignment of the role template `tmpl`? */
static bool
is_member_assignment(yyjson_mut_val *ra, void *tmpl)
{
	const char *rd = yyjson_mut_get_str(yyjson_mut_obj_get(ra,
						"roleDefinitionId"));
	const char *scope = yyjson_mut_get_str(yyjson_mut_obj_get(ra,
						"directoryScopeId"));

	return rd && gs_str_eq_ci(rd, tmpl) && (!scope || !strcmp(scope, "/"));
}

static yyjson_mut_val *
render_assigned(struct gs_server *gs, struct gs_req *req,
		yyjson_mut_doc *doc, yyjson_mut_val *ra, void *ctx)
{
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(ra,
						"principalId"));
	yyjson_mut_val *m = id ? principal(gs, doc, id, false) : NULL;

	(void)req;
	(void)ctx;
	/* A dangling assignment shows as a bare directoryObject. */
	if (!m) {
		m = yyjson_mut_obj(doc);
		yyjson_mut_obj_add_str(doc, m, "@odata.type",
				       "#microsoft.graph.directoryObject");
		yyjson_mut_obj_add_strcpy(doc, m, "id", id ? id : "");
	}
	return m;
}

void
gs_dirroles_members(struct gs_server *gs, struct gs_req *req,
		    struct gs_resp *resp)
{
	yyjson_mut_val *role = gs_dir_find(gs_dir_array(&gs->state,
						"directoryRoles", false),
					   "id", req->params[0], NULL);
	const char *tmpl;
	struct gs_dir_list l = {
		.context = "directoryObjects",
		.type = "microsoft.graph.directoryObject",
		.items = gs_dir_array(&gs->state, "roleAssignments", false),
		.render = render_assigned,
		.keep = is_member_assignment,
		.unpaged = true,
	};

	if (!role) {
		gs_dir_not_found(resp, req, req->params[0]);
		return;
	}
	tmpl = yyjson_mut_get_str(yyjson_mut_obj_get(role, "roleTemplateId"));
	l.ctx = (void *)(tmpl ? tmpl : "");
	gs_dir_list(gs, req, resp, &l);
}

/* Role assignments ----------------------------------------------------- */

static yyjson_mut_val *
render_assignment(struct gs_server *gs, struct gs_req *req,
		  yyjson_mut_doc *doc, yyjson_mut_val *ra, void *ctx)
{
	yyjson_mut_val *out = yyjson_mut_val_mut_copy(doc, ra), *p;
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(ra,
						"principalId"));

	(void)req;
	if (!ctx || !id)
		return out;
	p = principal(gs, doc, id, true);
	yyjson_mut_obj_add_val(doc, out, "principal",
			       p ? p : yyjson_mut_null(doc));
	return out;
}

void
gs_roleassign_list(struct gs_server *gs, struct gs_req *req,
		   struct gs_resp *resp)
{
	const char *expand = gs_query(req, "$expand");
	struct gs_dir_list l = {
		.context = "roleManagement/directory/roleAssignments",
		.type = "microsoft.graph.unifiedRoleAssignment",
		.items = gs_dir_array(&gs->state, "roleAssignments", false),
		.render = render_assignment,
		.expand = true,
	};

	if (expand && strcmp(expand, "principal")) {
		gs_graph_error(resp, req, 400, "Request_BadRequest",
			       "graphsim expands only 'principal' on "
			       "roleAssignments, not '%s'.", expand);
		return;
	}
	if (expand) {
		l.context = "roleManagement/directory/roleAssignments"
			    "(principal())";
		l.ctx = (void *)expand;
	}
	gs_dir_list(gs, req, resp, &l);
}
