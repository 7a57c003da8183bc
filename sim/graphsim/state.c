/* SPDX-License-Identifier: MIT */
/*
 * state.c - the tenant: the fixture as loaded, and the live copy that
 * writes change.
 *
 * The fixture is one JSON document (schema in docs/graphsim.md). It is
 * parsed once, checked for what the routes rely on (ids present, unique
 * and strings), and kept read-only; the live state is a mutable copy of
 * it, and POST /_sim/reset simply makes a fresh copy. Keeping the parsed
 * original rather than re-reading the file means a reset always restores
 * what the run started with, even if the file changed on disk since.
 *
 * GET /_sim/state wants canonical JSON: the same state must give the same
 * bytes whatever order writes added keys in, so objects are written with
 * their keys sorted bytewise (arrays keep their order: it is meaningful).
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/xalloc.h"

struct id_ref {
	const char *s;
	size_t i;
};

static int
cmp_id_ref(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * Every element of `arr` has a string `key`, and no two are equal. Sorted
 * rather than compared pairwise: yyjson_arr_get() walks the array, so a
 * pairwise check is cubic and a 100,000-user fixture never loads.
 */
static int
check_ids(yyjson_val *arr, const char *what, const char *key,
	  struct ir_err *err)
{
	size_t i = 0, n, idx, max;
	yyjson_val *el, *a;
	struct id_ref *refs;
	int ret = 0;

	if (!arr)
		return 0;
	if (!yyjson_is_arr(arr))
		return ir_err_set(err, IR_EPARSE, "%s is not an array", what);
	n = yyjson_arr_size(arr);
	refs = xcalloc(n ? n : 1, sizeof(*refs));
	yyjson_arr_foreach(arr, idx, max, el) {
		a = yyjson_obj_get(el, key);
		if (!yyjson_is_str(a)) {
			free(refs);
			return ir_err_set(err, IR_EPARSE,
					  "%s[%zu]: no string \"%s\"", what,
					  idx, key);
		}
		refs[i].s = yyjson_get_str(a);
		refs[i].i = i;
		i++;
	}
	qsort(refs, n, sizeof(*refs), cmp_id_ref);
	for (i = 1; i < n && !ret; i++)
		if (!strcmp(refs[i - 1].s, refs[i].s))
			ret = ir_err_set(err, IR_EPARSE,
					 "%s[%zu]: %s \"%s\" repeats %s[%zu]",
					 what, refs[i].i, key, refs[i].s, what,
					 refs[i - 1].i);
	free(refs);
	return ret;
}

static int
check_fixture(yyjson_val *root, struct ir_err *err)
{
	yyjson_val *tenant = yyjson_obj_get(root, "tenant");
	int ret;

	if (!yyjson_is_obj(root))
		return ir_err_set(err, IR_EPARSE, "not a JSON object");
	if (!yyjson_is_str(yyjson_obj_get(tenant, "id")))
		return ir_err_set(err, IR_EPARSE, "no string tenant.id");
	ret = check_ids(yyjson_obj_get(tenant, "verifiedDomains"),
			"tenant.verifiedDomains", "name", err);
	if (!ret)
		ret = check_ids(yyjson_obj_get(root, "users"), "users", "id",
				err);
	if (!ret)
		ret = check_ids(yyjson_obj_get(root, "users"), "users",
				"userPrincipalName", err);
	if (!ret)
		ret = check_ids(yyjson_obj_get(root, "applications"),
				"applications", "appId", err);
	return ret;
}

int
gs_state_load(struct gs_state *st, const char *path, struct ir_err *err)
{
	yyjson_read_err rerr;
	yyjson_doc *doc;
	int ret;

	memset(st, 0, sizeof(*st));
	doc = yyjson_read_file(path, 0, NULL, &rerr);
	if (!doc)
		return ir_err_set(err, IR_EPARSE, "%s: %s at byte %zu", path,
				  rerr.msg, rerr.pos);
	ret = check_fixture(yyjson_doc_get_root(doc), err);
	if (ret) {
		yyjson_doc_free(doc);
		ir_err_prefix(err, "%s: ", path);
		return ret;
	}
	st->path = xstrdup(path);
	st->fixture = doc;
	gs_state_reset(st);
	return 0;
}

void
gs_state_reset(struct gs_state *st)
{
	yyjson_mut_doc_free(st->doc);
	st->doc = yyjson_doc_mut_copy(st->fixture, NULL);
	if (!st->doc)
		IR_BUG("out of memory copying the fixture");
}

void
gs_state_release(struct gs_state *st)
{
	yyjson_mut_doc_free(st->doc);
	yyjson_doc_free(st->fixture);
	free(st->path);
	memset(st, 0, sizeof(*st));
}

static int
cmp_keys(const void *a, const void *b)
{
	yyjson_mut_val *const *ka = a, *const *kb = b;
	size_t la = yyjson_mut_get_len(*ka), lb = yyjson_mut_get_len(*kb);
	int c = memcmp(yyjson_mut_get_str(*ka), yyjson_mut_get_str(*kb),
		       la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* A deep copy of `v` into `doc` with every object's keys sorted. */
static yyjson_mut_val *
sorted_copy(yyjson_mut_doc *doc, yyjson_mut_val *v)
{
	yyjson_mut_val *out, *k, **keys;
	size_t i, n;

	if (yyjson_mut_is_arr(v)) {
		out = yyjson_mut_arr(doc);
		n = yyjson_mut_arr_size(v);
		for (i = 0; i < n; i++)
			yyjson_mut_arr_append(out, sorted_copy(doc,
				yyjson_mut_arr_get(v, i)));
		return out;
	}
	if (!yyjson_mut_is_obj(v))
		return yyjson_mut_val_mut_copy(doc, v);
	out = yyjson_mut_obj(doc);
	n = yyjson_mut_obj_size(v);
	keys = xcalloc(n ? n : 1, sizeof(*keys));
	i = 0;
	{
		yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(v);

		while ((k = yyjson_mut_obj_iter_next(&it)))
			keys[i++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_keys);
	for (i = 0; i < n; i++)
		yyjson_mut_obj_add(out, yyjson_mut_val_mut_copy(doc, keys[i]),
				   sorted_copy(doc,
					       yyjson_mut_obj_get(v,
						yyjson_mut_get_str(keys[i]))));
	free(keys);
	return out;
}

void
gs_state_canonical(const struct gs_state *st, struct ir_buf *out)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = sorted_copy(doc, yyjson_mut_doc_get_root(
							 st->doc));
	size_t len;
	char *json;

	yyjson_mut_doc_set_root(doc, root);
	json = yyjson_mut_write(doc, YYJSON_WRITE_PRETTY_TWO_SPACES, &len);
	if (!json)
		IR_BUG("yyjson could not write the state");
	ir_buf_add(out, json, len);
	ir_buf_addch(out, '\n');
	free(json);
	yyjson_mut_doc_free(doc);
}

yyjson_mut_val *
gs_state_users(const struct gs_state *st)
{
	return yyjson_mut_obj_get(yyjson_mut_doc_get_root(st->doc), "users");
}

static yyjson_mut_val *
find(yyjson_mut_val *arr, const char *key, const char *want, bool ci)
{
	yyjson_mut_val *v;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(arr);

	while ((v = yyjson_mut_arr_iter_next(&it))) {
		const char *s = yyjson_mut_get_str(yyjson_mut_obj_get(v, key));

		if (s && (ci ? gs_str_eq_ci(s, want) : !strcmp(s, want)))
			return v;
	}
	return NULL;
}

yyjson_mut_val *
gs_state_user(const struct gs_state *st, const char *key)
{
	yyjson_mut_val *users = gs_state_users(st);

	/* Graph takes an object id or a UPN in the same slot. */
	if (!yyjson_mut_is_arr(users))
		return NULL;
	if (strchr(key, '@'))
		return find(users, "userPrincipalName", key, true);
	return find(users, "id", key, true);
}

yyjson_mut_val *
gs_state_app(const struct gs_state *st, const char *app_id)
{
	yyjson_mut_val *apps = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(st->doc), "applications");

	if (!yyjson_mut_is_arr(apps))
		return NULL;
	return find(apps, "appId", app_id, true);
}

const char *
gs_state_tenant_id(const struct gs_state *st)
{
	yyjson_mut_val *t = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(st->doc), "tenant");

	return yyjson_mut_get_str(yyjson_mut_obj_get(t, "id"));
}

bool
gs_state_is_tenant(const struct gs_state *st, const char *name)
{
	yyjson_mut_val *t = yyjson_mut_obj_get(
		yyjson_mut_doc_get_root(st->doc), "tenant");
	yyjson_mut_val *domains = yyjson_mut_obj_get(t, "verifiedDomains");

	if (gs_str_eq_ci(gs_state_tenant_id(st), name))
		return true;
	return yyjson_mut_is_arr(domains) &&
	       find(domains, "name", name, true);
}
