/* SPDX-License-Identifier: MIT */
/*
 * findings.h - what detections report, aggregated per user and subject.
 *
 * A detection calls ir_findings_hit() for every event that matches. Hits
 * with the same (detection, user, key) fold into one finding: first_seen,
 * last_seen and count are updated, the evidence list grows (up to
 * IR_FINDING_MAX_EVIDENCE entries; the rest are counted in
 * `evidence_dropped`), and a hit of higher severity raises the finding's
 * severity and replaces its summary. `key` names the subject inside one
 * detection for one user (a rule name, a forwarding address, a source IP),
 * so two different forwarding rules are two findings.
 *
 * Everything in a finding is copied: findings outlive the events (which are
 * only valid during the detection callback). The JSON form is a public
 * contract (DESIGN.md, "Finding"): detection, severity, attack, user,
 * first_seen, last_seen, count, summary, evidence [{file, record, id, time,
 * operation, client_ip}], remediation.
 *
 *	struct ir_findings f = IR_FINDINGS_INIT;
 *	struct ir_hit hit = { .det = &ir_det_mailbox_forwarding,
 *		.severity = IR_SEV_HIGH, .user = ev->user, .key = addr,
 *		.summary = text, .remediation = cmd, .ev = ev };
 *	ir_findings_hit(&f, &hit);
 *	...
 *	ir_findings_sort(&f);
 *	for (size_t i = 0; i < f.n; i++) print(f.v[i]);
 *	ir_findings_release(&f);
 */
#ifndef IR_FINDINGS_H
#define IR_FINDINGS_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/time.h"
#include "logs/event.h"

struct ir_detection;

enum ir_severity {
	IR_SEV_INFO = 0,
	IR_SEV_LOW,
	IR_SEV_MEDIUM,
	IR_SEV_HIGH,
	IR_SEV_CRITICAL,
};

#define IR_FINDING_MAX_EVIDENCE 50

struct ir_evidence {
	char *file;
	uint64_t record;
	char *id;	 /* NULL when the record had none */
	struct ir_time time;
	bool has_time;
	char *operation; /* NULL when none */
	char *client_ip; /* NULL when none */
};

struct ir_finding {
	const struct ir_detection *det;
	enum ir_severity severity;
	char *user;
	char *key;	   /* NULL allowed */
	struct ir_time first_seen, last_seen;
	bool has_time;
	uint64_t count;
	char *summary;
	char *remediation; /* NULL: nothing m365ir can run fixes it */
	struct ir_evidence *evidence;
	size_t nevidence, evidence_alloc;
	uint64_t evidence_dropped;
};

struct ir_findings {
	struct ir_finding **v;
	size_t n, alloc;
	/* open-addressing index over (det, user, key); private */
	size_t *index;
	size_t index_size;
};
#define IR_FINDINGS_INIT { NULL, 0, 0, NULL, 0 }

/* One matching event, as a detection reports it. Strings are copied. */
struct ir_hit {
	const struct ir_detection *det;
	enum ir_severity severity;
	const char *user;	 /* NULL: "(unknown)" */
	const char *key;	 /* NULL allowed */
	const char *summary;	 /* one sentence a person reads */
	const char *remediation; /* m365ir command that fixes it, or NULL */
	const struct ir_event *ev; /* evidence; NULL for aggregate hits */
};

void ir_findings_hit(struct ir_findings *f, const struct ir_hit *hit);

/*
 * Order for people: users by their worst severity, then by how many
 * findings they have; within a user, severity descending, then first_seen,
 * detection id and key. Deterministic for equal inputs.
 */
void ir_findings_sort(struct ir_findings *f);

void ir_findings_release(struct ir_findings *f);

const char *ir_severity_name(enum ir_severity s);

/* Append the finding's JSON form (no newline) to `out`. */
void ir_finding_write_json(struct ir_buf *out, const struct ir_finding *fd);

#endif
