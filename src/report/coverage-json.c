/* SPDX-License-Identifier: MIT */
/*
 * coverage-json.c - coverage.json, the machine-readable ledger that sits
 * beside findings.jsonl in an --out directory, so a script can tell a
 * clean result from a partial one without parsing the summary text.
 * Written through yyjson: file names and reader messages are
 * attacker-influenced and must be escaped by one well-tested writer.
 */
#include "util/compat.h"

#include <yyjson.h>

#include "report/report.h"

static yyjson_mut_val *
str_or_null(yyjson_mut_doc *doc, const char *s)
{
	return s ? yyjson_mut_strcpy(doc, s) : yyjson_mut_null(doc);
}

static yyjson_mut_val *
problem_val(yyjson_mut_doc *doc, const struct ir_problem *p)
{
	yyjson_mut_val *o = yyjson_mut_obj(doc);

	if (p->record)
		yyjson_mut_obj_add_uint(doc, o, "record", p->record);
	else
		yyjson_mut_obj_add_null(doc, o, "record");
	if (p->line)
		yyjson_mut_obj_add_uint(doc, o, "line", p->line);
	else
		yyjson_mut_obj_add_null(doc, o, "line");
	yyjson_mut_obj_add_strcpy(doc, o, "reason", p->reason);
	yyjson_mut_obj_add_strcpy(doc, o, "message", p->msg);
	return o;
}

static yyjson_mut_val *
file_val(yyjson_mut_doc *doc, const struct ir_file_cov *fc)
{
	yyjson_mut_val *o = yyjson_mut_obj(doc);
	yyjson_mut_val *probs = yyjson_mut_arr(doc);

	yyjson_mut_obj_add_strcpy(doc, o, "file", fc->file);
	yyjson_mut_obj_add_val(doc, o, "format", str_or_null(doc, fc->format));
	yyjson_mut_obj_add_uint(doc, o, "records", fc->st.records);
	yyjson_mut_obj_add_uint(doc, o, "events", fc->st.events);
	yyjson_mut_obj_add_uint(doc, o, "skipped", fc->st.skipped);
	yyjson_mut_obj_add_uint(doc, o, "failed", fc->st.failed);
	yyjson_mut_obj_add_uint(doc, o, "duplicates", fc->st.duplicates);
	yyjson_mut_obj_add_uint(doc, o, "dedupe_forgotten",
				fc->st.dedupe_forgotten);
	yyjson_mut_obj_add_uint(doc, o, "bytes", fc->st.bytes);
	yyjson_mut_obj_add_bool(doc, o, "truncated", fc->st.truncated);
	yyjson_mut_obj_add_val(doc, o, "error", str_or_null(doc, fc->error));
	for (size_t i = 0; i < fc->nproblems; i++)
		yyjson_mut_arr_append(probs,
				      problem_val(doc, &fc->problems[i]));
	yyjson_mut_obj_add_val(doc, o, "problems", probs);
	yyjson_mut_obj_add_uint(doc, o, "problems_omitted",
				fc->problems_total - fc->nproblems);
	return o;
}

static yyjson_mut_val *
strv_val(yyjson_mut_doc *doc, char *const *v, size_t n)
{
	yyjson_mut_val *a = yyjson_mut_arr(doc);

	for (size_t i = 0; i < n; i++)
		yyjson_mut_arr_add_strcpy(doc, a, v[i]);
	return a;
}

static yyjson_mut_val *
domains_val(yyjson_mut_doc *doc, const struct ir_coverage *cov)
{
	yyjson_mut_val *o = yyjson_mut_obj(doc);

	yyjson_mut_obj_add_val(doc, o, "list",
			       strv_val(doc, cov->domains, cov->ndomains));
	yyjson_mut_obj_add_bool(doc, o, "inferred", cov->domains_inferred);
	yyjson_mut_obj_add_uint(doc, o, "users_seen", cov->users_seen);
	return o;
}

void
ir_coverage_write_json(struct ir_buf *out, const struct ir_coverage *cov)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc);
	yyjson_mut_val *files = yyjson_mut_arr(doc);
	size_t len;
	char *json;

	yyjson_mut_doc_set_root(doc, root);
	for (size_t i = 0; i < cov->nfiles; i++)
		yyjson_mut_arr_append(files, file_val(doc, &cov->files[i]));
	yyjson_mut_obj_add_val(doc, root, "files", files);
	yyjson_mut_obj_add_val(doc, root, "checked",
			       strv_val(doc, cov->checked, cov->nchecked));
	yyjson_mut_obj_add_val(doc, root, "domains", domains_val(doc, cov));
	yyjson_mut_obj_add_val(doc, root, "timeline",
			       str_or_null(doc, cov->timeline_note));
	yyjson_mut_obj_add_bool(doc, root, "complete",
				!ir_coverage_incomplete(cov));
	json = yyjson_mut_write(doc, YYJSON_WRITE_PRETTY_TWO_SPACES |
					     YYJSON_WRITE_ALLOW_INVALID_UNICODE,
				&len);
	if (!json)
		IR_BUG("yyjson could not write the coverage");
	ir_buf_add(out, json, len);
	ir_buf_addch(out, '\n');
	free(json);
	yyjson_mut_doc_free(doc);
}
