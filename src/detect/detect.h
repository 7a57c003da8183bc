/* SPDX-License-Identifier: MIT */
/*
 * detect.h - detections over normalized events, and the registry of them.
 *
 * A detection is one file, src/detect/det-<slug>.c, defining
 * `const struct ir_detection ir_det_<slug>` and registered by one line in
 * registry.c. Its slug is its name everywhere: the `detection` field of
 * findings, `--only <slug>`, tests/detect/<slug>/, docs/detections/<slug>.md.
 *
 * Detections are streaming: `start` makes per-run state, `event` sees each
 * event once (in file order, not time order), `finish` reports what needs
 * the whole stream (sprays, forwarding judged against the tenant's domains
 * once all UPNs have been seen). They are pure: no I/O, no clock (use
 * ctx->now), no globals. State must stay bounded by users, IPs or rules,
 * never by the number of events.
 *
 * `operations` lists the operations a detection reads (compared without
 * case); the ingest prefilter skips full normalization of every other
 * record, which is most of a real export. A detection that reads every
 * record sets `all_operations`.
 *
 * Calling sequence (what `m365ir analyze` does):
 *
 *	ir_detect_run_new(&run, &ctx, only, &err);
 *	for each event: ir_detect_run_event(run, ev, &findings);
 *	ir_detect_run_finish(run, &findings);
 *	ir_detect_run_free(run);
 */
#ifndef IR_DETECT_H
#define IR_DETECT_H

#include "util/compat.h"
#include "util/err.h"
#include "logs/event.h"
#include "detect/domains.h"
#include "detect/findings.h"

struct ir_detect_ctx {
	struct ir_domains *domains; /* the tenant's own domains */
	struct ir_time now;
};

struct ir_detection {
	const char *id;	    /* slug */
	const char *title;  /* short, for people */
	const char *attack; /* MITRE ATT&CK technique, e.g. "T1114.003" */
	const char *const *operations; /* NULL-terminated */
	bool all_operations;
	void *(*start)(const struct ir_detect_ctx *ctx);
	void (*event)(void *state, const struct ir_event *ev,
		      struct ir_findings *out);
	void (*finish)(void *state, struct ir_findings *out); /* may be NULL */
	void (*free)(void *state);			       /* may be NULL */
	/*
	 * A late detection correlates the findings of the others: the
	 * runner calls its finish() after every other detection's finish(),
	 * so `out` then holds all their findings (never another late
	 * detection's, whose order among themselves is the registry's).
	 */
	bool late;
};

/* Every detection, alphabetical by id, NULL-terminated (registry.c). */
extern const struct ir_detection *const ir_detections[];

/* The detection named `id`, or NULL. */
const struct ir_detection *ir_detection_lookup(const char *id);

/* Build a `m365ir remediate USER --steps S` command; caller frees. */
char *ir_detect_remediation(const char *user, const char *steps);

struct ir_detect_run;

/*
 * Start the detections named in `only` (NULL or empty: all). Returns
 * IR_EUSAGE naming an unknown slug. `ctx` is borrowed for the run.
 */
int ir_detect_run_new(struct ir_detect_run **out,
		      const struct ir_detect_ctx *ctx, const char *const *only,
		      size_t nonly, struct ir_err *err) IR_MUST_CHECK;

/* Does any running detection read `operation`? (the ingest prefilter) */
bool ir_detect_run_wants(const struct ir_detect_run *run,
			 const char *operation, size_t len);

void ir_detect_run_event(struct ir_detect_run *run, const struct ir_event *ev,
			 struct ir_findings *out);
void ir_detect_run_finish(struct ir_detect_run *run, struct ir_findings *out);
void ir_detect_run_free(struct ir_detect_run *run);

/* One extern line per detection, alphabetical. */
extern const struct ir_detection ir_det_app_consent;
extern const struct ir_detection ir_det_app_credential;
extern const struct ir_detection ir_det_attack_tool;
extern const struct ir_detection ir_det_attacker_ip;
extern const struct ir_detection ir_det_audit_tampering;
extern const struct ir_detection ir_det_brute_force;
extern const struct ir_detection ir_det_inbox_rule_forward;
extern const struct ir_detection ir_det_inbox_rule_hide;
extern const struct ir_detection ir_det_legacy_protocol;
extern const struct ir_detection ir_det_mailbox_delegate;
extern const struct ir_detection ir_det_mailbox_forwarding;
extern const struct ir_detection ir_det_mass_deletion;
extern const struct ir_detection ir_det_mfa_change;
extern const struct ir_detection ir_det_password_spray;
extern const struct ir_detection ir_det_role_assignment;
extern const struct ir_detection ir_det_signin_new_country;

#endif
