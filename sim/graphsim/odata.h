/* SPDX-License-Identifier: MIT */
/*
 * odata.h - the OData query options graphsim's collection routes share:
 * a small $filter evaluator, and $top / $skiptoken / @odata.nextLink
 * paging (paging.md: a client follows nextLink verbatim until it is gone).
 *
 * $filter grammar (the subset of OData v4 that Graph's list routes take
 * and m365ir sends):
 *
 *	expr    := and ( "or" and )*
 *	and     := primary ( "and" primary )*
 *	primary := "(" expr ")"
 *	         | "startswith(" path "," literal ")"
 *	         | path op literal
 *	op      := eq | ne | gt | ge | lt | le
 *	path    := name ( "/" name )*          e.g. status/errorCode
 *	literal := 'text' (a quote inside is written '')
 *	         | 2024-05-01T00:00:00Z         (DateTimeOffset, unquoted)
 *	         | 42 | -1.5 | true | false | null
 *
 * Keywords are lower case, as OData writes them. `not`, `any`/`all`
 * lambdas and every other function are refused rather than ignored, so a
 * client never mistakes an unfiltered answer for a filtered one.
 *
 * A route describes what it allows with a table of gs_odata_prop: each
 * property path, its type and the operators the service documents for
 * it. A literal of the wrong type (a quoted string against a date-time
 * property, say) is refused as Graph refuses it. With no table, any path
 * is accepted and the literal's own type decides how values compare.
 *
 * How values compare: strings without regard to case (eq, ne and
 * startswith as Entra ID compares them; gt/lt bytewise after folding),
 * date-times as instants (any fraction, Z or offset), numbers as
 * doubles, booleans as themselves. A missing property reads as null:
 * `x eq null` matches it, `x ne 'a'` matches it, every ordering fails.
 *
 * Calling sequence:
 *	struct gs_odata_filter *f = NULL;
 *	if (!gs_odata_filter_query(&f, req, resp, props, n))
 *		return;                       (400 already in resp)
 *	for each object o: if (gs_odata_match(f, o)) keep o;
 *	gs_odata_filter_free(f);              (NULL is fine: no $filter)
 */
#ifndef GS_ODATA_H
#define GS_ODATA_H

#include "sim/graphsim/graphsim.h"

enum gs_odata_type {
	GS_ODATA_STRING,
	GS_ODATA_NUMBER,
	GS_ODATA_BOOL,
	GS_ODATA_DATETIME,
};

enum gs_odata_op {
	GS_ODATA_EQ = 1 << 0,
	GS_ODATA_NE = 1 << 1,
	GS_ODATA_GT = 1 << 2,
	GS_ODATA_GE = 1 << 3,
	GS_ODATA_LT = 1 << 4,
	GS_ODATA_LE = 1 << 5,
	GS_ODATA_STARTSWITH = 1 << 6,
};

#define GS_ODATA_ORDER                                                  \
	(GS_ODATA_GT | GS_ODATA_GE | GS_ODATA_LT | GS_ODATA_LE)
#define GS_ODATA_ALL                                                    \
	(GS_ODATA_EQ | GS_ODATA_NE | GS_ODATA_ORDER | GS_ODATA_STARTSWITH)

/* One filterable property of a route's resource. */
struct gs_odata_prop {
	const char *path; /* "createdDateTime", "status/errorCode" */
	enum gs_odata_type type;
	unsigned ops; /* the gs_odata_op bits the service allows */
};

struct gs_odata_filter;

/*
 * Parse `text` into *out (the caller frees it with gs_odata_filter_free).
 * `props` (may be NULL, then `nprops` is 0: anything goes) limits the
 * paths, types and operators. Returns 0; IR_EPARSE when the text is not
 * a filter; IR_ERROR when it is one this route does not support. Either
 * way err->msg says what and where.
 */
int gs_odata_parse(struct gs_odata_filter **out, const char *text,
		   const struct gs_odata_prop *props, size_t nprops,
		   struct ir_err *err) IR_MUST_CHECK;

/* Does the object `obj` satisfy `f`? A NULL filter matches everything. */
bool gs_odata_match(const struct gs_odata_filter *f, yyjson_mut_val *obj);

void gs_odata_filter_free(struct gs_odata_filter *f);

/*
 * The request's $filter parsed into *out (NULL when there is none).
 * Returns true, or false with Graph's 400 BadRequest in `resp`.
 */
bool gs_odata_filter_query(struct gs_odata_filter **out, struct gs_req *req,
			   struct gs_resp *resp,
			   const struct gs_odata_prop *props, size_t nprops);

/*
 * Refuse each query option in the NULL-terminated `names` that the
 * request carries ($orderby, $search...): false with a 400 in `resp`.
 */
bool gs_odata_refuse(struct gs_req *req, struct gs_resp *resp,
		     const char *const *names);

/* $top in 1..max, `def` when absent; false with a 400 in `resp`. */
bool gs_odata_top(size_t *out, struct gs_req *req, struct gs_resp *resp,
		  size_t def, size_t max);

/*
 * The offset a $skiptoken from gs_odata_next_link() carries, 0 when
 * absent; false with a 400 in `resp` for a token we did not make, whose
 * error code is `code` (the directory says "Request_BadRequest", the
 * audit logs "BadRequest").
 */
bool gs_odata_skiptoken(size_t *out, struct gs_req *req,
			struct gs_resp *resp, const char *code);

/*
 * The nextLink for the page starting at `offset`: this server, the
 * request's path and its query options except $skiptoken, then a new
 * $skiptoken. Appended to `out`.
 */
void gs_odata_next_link(struct ir_buf *out, struct gs_server *gs,
			struct gs_req *req, size_t offset);

#endif
