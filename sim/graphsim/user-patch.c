/* SPDX-License-Identifier: MIT */
/*
 * user-patch.c - PATCH /v1.0/users/{id} (user-update.md): 204 No Content
 * and the state changes, or 400 and nothing changes.
 *
 * The whole body is checked before anything is written, so a request
 * with one bad property leaves the user as it was (the service applies
 * an update as a unit too). Each writable property has a JSON type; a
 * read-only one (id, signInSessionsValidFromDateTime...) or a name the
 * user resource lacks is a 400 in Graph's error shape.
 *
 * passwordProfile is merged into the stored one; a new password must
 * meet Entra's complexity rule (8 to 256 characters, 3 of the 4 classes
 * lower, upper, digit, symbol) and stamps lastPasswordChangeDateTime.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"

#include <ctype.h>

enum ptype { P_BOOL, P_STR, P_STRS, P_PROFILE, P_POLICIES };

static const struct {
	const char *name;
	enum ptype type;
} writable[] = {
	{ "accountEnabled", P_BOOL },
	{ "businessPhones", P_STRS },
	{ "city", P_STR },
	{ "companyName", P_STR },
	{ "country", P_STR },
	{ "department", P_STR },
	{ "displayName", P_STR },
	{ "givenName", P_STR },
	{ "jobTitle", P_STR },
	{ "mobilePhone", P_STR },
	{ "officeLocation", P_STR },
	{ "passwordPolicies", P_POLICIES },
	{ "passwordProfile", P_PROFILE },
	{ "preferredLanguage", P_STR },
	{ "surname", P_STR },
	{ "usageLocation", P_STR },
};

static bool
complex_enough(const char *pw)
{
	size_t len = strlen(pw);
	int lower = 0, upper = 0, digit = 0, other = 0;

	for (const char *p = pw; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (islower(c))
			lower = 1;
		else if (isupper(c))
			upper = 1;
		else if (isdigit(c))
			digit = 1;
		else
			other = 1;
	}
	return len >= 8 && len <= 256 && lower + upper + digit + other >= 3;
}

/* NULL when `v` suits the profile; else the message for the 400. */
static const char *
check_profile(yyjson_mut_val *v)
{
	yyjson_mut_val *k, *val;
	yyjson_mut_obj_iter it;

	if (!yyjson_mut_is_obj(v))
		return "passwordProfile";
	it = yyjson_mut_obj_iter_with(v);
	while ((k = yyjson_mut_obj_iter_next(&it))) {
		const char *name = yyjson_mut_get_str(k);

		val = yyjson_mut_obj_iter_get_val(k);
		if (!strcmp(name, "password")) {
			if (!yyjson_mut_is_str(val))
				return "password";
			if (!complex_enough(yyjson_mut_get_str(val)))
				return "complexity";
		} else if (!strcmp(name, "forceChangePasswordNextSignIn") ||
			   !strcmp(name,
				   "forceChangePasswordNextSignInWithMfa")) {
			if (!yyjson_mut_is_bool(val))
				return name;
		} else {
			return name;
		}
	}
	return NULL;
}

/* "DisablePasswordExpiration, DisableStrongPassword", "None" or null. */
static bool
policies_ok(yyjson_mut_val *v)
{
	const char *s = yyjson_mut_get_str(v);

	if (yyjson_mut_is_null(v))
		return true;
	if (!s)
		return false;
	while (*s) {
		size_t len;

		while (*s == ' ' || *s == ',')
			s++;
		len = strcspn(s, ", ");
		if (len && !(len == 25 && !strncmp(s,
			"DisablePasswordExpiration", len)) &&
		    !(len == 21 && !strncmp(s, "DisableStrongPassword", len)) &&
		    !(len == 4 && !strncmp(s, "None", len)))
			return false;
		s += len;
	}
	return true;
}

static bool
type_ok(enum ptype t, yyjson_mut_val *v)
{
	yyjson_mut_val *e;
	yyjson_mut_arr_iter it;

	switch (t) {
	case P_BOOL:
		return yyjson_mut_is_bool(v);
	case P_STR:
		return yyjson_mut_is_str(v) || yyjson_mut_is_null(v);
	case P_POLICIES:
		return policies_ok(v);
	case P_STRS:
		if (!yyjson_mut_is_arr(v))
			return false;
		it = yyjson_mut_arr_iter_with(v);
		while ((e = yyjson_mut_arr_iter_next(&it)))
			if (!yyjson_mut_is_str(e))
				return false;
		return true;
	case P_PROFILE:
		return true; /* check_profile() says more */
	}
	return false;
}

static int
writable_index(const char *name)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(writable); i++)
		if (!strcmp(writable[i].name, name))
			return (int)i;
	return -1;
}

/* true when every property may be written with its value. */
static bool
check_body(yyjson_mut_val *body, struct gs_req *req, struct gs_resp *resp)
{
	yyjson_mut_val *k, *v;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(body);
	const char *name, *bad;
	int i;

	while ((k = yyjson_mut_obj_iter_next(&it))) {
		name = yyjson_mut_get_str(k);
		v = yyjson_mut_obj_iter_get_val(k);
		i = writable_index(name);
		if (i < 0) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "Property '%s' is read-only or does not"
				       " exist on type 'microsoft.graph.user'"
				       ".", name);
			return false;
		}
		if (!type_ok(writable[i].type, v)) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "Invalid value specified for property "
				       "'%s' of resource 'User'.", name);
			return false;
		}
		if (writable[i].type != P_PROFILE)
			continue;
		bad = check_profile(v);
		if (bad && !strcmp(bad, "complexity")) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "The specified password does not "
				       "comply with password complexity "
				       "requirements. Please provide a "
				       "different password.");
			return false;
		}
		if (bad) {
			gs_graph_error(resp, req, 400, "Request_BadRequest",
				       "Invalid value specified for property "
				       "'%s' of resource 'PasswordProfile'.",
				       bad);
			return false;
		}
	}
	return true;
}

static void
put(yyjson_mut_doc *doc, yyjson_mut_val *obj, const char *key,
    yyjson_mut_val *v)
{
	yyjson_mut_obj_put(obj, yyjson_mut_strcpy(doc, key),
			   yyjson_mut_val_mut_copy(doc, v));
}

static void
apply(yyjson_mut_doc *doc, yyjson_mut_val *user, yyjson_mut_val *body)
{
	yyjson_mut_val *k, *v, *prof, *pk;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(body), pit;
	char now[40];

	while ((k = yyjson_mut_obj_iter_next(&it))) {
		v = yyjson_mut_obj_iter_get_val(k);
		if (strcmp(yyjson_mut_get_str(k), "passwordProfile")) {
			put(doc, user, yyjson_mut_get_str(k), v);
			continue;
		}
		prof = yyjson_mut_obj_get(user, "passwordProfile");
		if (!yyjson_mut_is_obj(prof)) {
			prof = yyjson_mut_obj(doc);
			yyjson_mut_obj_put(user, yyjson_mut_str(doc,
					   "passwordProfile"), prof);
		}
		pit = yyjson_mut_obj_iter_with(v);
		while ((pk = yyjson_mut_obj_iter_next(&pit)))
			put(doc, prof, yyjson_mut_get_str(pk),
			    yyjson_mut_obj_iter_get_val(pk));
		if (yyjson_mut_obj_get(v, "password")) {
			gs_format_time(now, gs_now());
			yyjson_mut_obj_put(user, yyjson_mut_str(doc,
				"lastPasswordChangeDateTime"),
				yyjson_mut_strcpy(doc, now));
		}
	}
}

void
gs_users_patch(struct gs_server *gs, struct gs_req *req,
	       struct gs_resp *resp)
{
	yyjson_mut_val *user, *body;
	yyjson_doc *in;
	yyjson_mut_doc *mdoc;

	if (!gs_user_find(&user, gs, req, resp))
		return;
	in = yyjson_read(req->body.buf, req->body.len, 0);
	if (!in || !yyjson_is_obj(yyjson_doc_get_root(in))) {
		yyjson_doc_free(in);
		gs_graph_error(resp, req, 400, "BadRequest",
			       "Unable to read JSON request payload. Please "
			       "ensure Content-Type header is set and "
			       "payload is of valid JSON format.");
		return;
	}
	mdoc = yyjson_doc_mut_copy(in, NULL);
	yyjson_doc_free(in);
	body = yyjson_mut_doc_get_root(mdoc);
	if (check_body(body, req, resp)) {
		apply(gs->state.doc, user, body);
		resp->status = 204;
		resp->content_type = NULL;
	}
	yyjson_mut_doc_free(mdoc);
}
