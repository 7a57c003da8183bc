/* SPDX-License-Identifier: MIT */
/*
 * findings-json.c - the JSON form of a finding (DESIGN.md, "Finding"),
 * written with yyjson's mutable document so that every string, attacker
 * text included, is escaped by one well-tested writer.
 */
#include "util/compat.h"

#include <yyjson.h>

#include "detect/detect.h"
#include "detect/findings.h"

static yyjson_mut_val *
time_val(yyjson_mut_doc *doc, bool has, struct ir_time t)
{
	char buf[IR_TIME_MAX];

	if (!has)
		return yyjson_mut_null(doc);
	ir_time_format(buf, t);
	return yyjson_mut_strcpy(doc, buf);
}

static yyjson_mut_val *
str_or_null(yyjson_mut_doc *doc, const char *s)
{
	return s ? yyjson_mut_strcpy(doc, s) : yyjson_mut_null(doc);
}

static yyjson_mut_val *
evidence_val(yyjson_mut_doc *doc, const struct ir_evidence *e)
{
	yyjson_mut_val *o = yyjson_mut_obj(doc);

	yyjson_mut_obj_add_val(doc, o, "file", str_or_null(doc, e->file));
	yyjson_mut_obj_add_uint(doc, o, "record", e->record);
	yyjson_mut_obj_add_val(doc, o, "id", str_or_null(doc, e->id));
	yyjson_mut_obj_add_val(doc, o, "time",
			       time_val(doc, e->has_time, e->time));
	yyjson_mut_obj_add_val(doc, o, "operation",
			       str_or_null(doc, e->operation));
	yyjson_mut_obj_add_val(doc, o, "client_ip",
			       str_or_null(doc, e->client_ip));
	return o;
}

void
ir_finding_write_json(struct ir_buf *out, const struct ir_finding *fd)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *o = yyjson_mut_obj(doc);
	yyjson_mut_val *ev = yyjson_mut_arr(doc);
	size_t len;
	char *json;

	yyjson_mut_doc_set_root(doc, o);
	yyjson_mut_obj_add_str(doc, o, "detection", fd->det->id);
	yyjson_mut_obj_add_str(doc, o, "severity",
			       ir_severity_name(fd->severity));
	yyjson_mut_obj_add_str(doc, o, "attack", fd->det->attack);
	yyjson_mut_obj_add_strcpy(doc, o, "user", fd->user);
	yyjson_mut_obj_add_val(doc, o, "first_seen",
			       time_val(doc, fd->has_time, fd->first_seen));
	yyjson_mut_obj_add_val(doc, o, "last_seen",
			       time_val(doc, fd->has_time, fd->last_seen));
	yyjson_mut_obj_add_uint(doc, o, "count", fd->count);
	yyjson_mut_obj_add_strcpy(doc, o, "summary", fd->summary);
	for (size_t i = 0; i < fd->nevidence; i++)
		yyjson_mut_arr_append(ev, evidence_val(doc, &fd->evidence[i]));
	yyjson_mut_obj_add_val(doc, o, "evidence", ev);
	yyjson_mut_obj_add_uint(doc, o, "evidence_omitted",
				fd->evidence_dropped);
	yyjson_mut_obj_add_val(doc, o, "remediation",
			       str_or_null(doc, fd->remediation));
	json = yyjson_mut_write(doc, YYJSON_WRITE_ALLOW_INVALID_UNICODE, &len);
	if (!json)
		IR_BUG("yyjson could not write a finding");
	ir_buf_add(out, json, len);
	free(json);
	yyjson_mut_doc_free(doc);
}
