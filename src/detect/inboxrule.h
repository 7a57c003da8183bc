/* SPDX-License-Identifier: MIT */
/*
 * inboxrule.h - private to src/detect: what the mail detections share.
 *
 * An inbox rule reaches the audit log in two shapes. Rules made with
 * PowerShell or Outlook on the web are New-InboxRule / Set-InboxRule with
 * cmdlet Parameters (ForwardTo, DeleteMessage, MoveToFolder, ...). Rules
 * made in desktop Outlook (MAPI) are UpdateInboxRules mailbox-audit records
 * whose OperationProperties carry RuleName, RuleCondition and RuleActions,
 * the last as JSON text:
 *
 *	[{"ActionType":"Forward","Recipients":["exfil@fabrikam.com"],
 *	  "ForwardFlags":"None"},{"ActionType":"Delete"}]
 *
 * ir_detect__rule_parse() reads either into one `struct ir_rule`, so the
 * forwarding and hiding detections judge both the same way (a detection
 * that knows only the first shape misses Outlook-made rules; see
 * cases/17). The rule copies what it keeps; release it with
 * ir_detect__rule_release().
 *
 * The other helpers here:
 *  - ir_detect__safe(): attacker-controlled text (rule names can be "\0"
 *    or a right-to-left override) made printable and short for a summary;
 *  - ir_detect__owner(): whose mailbox a cmdlet acted on;
 *  - struct ir_pending: hits kept until finish(), for detections that judge
 *    addresses against the tenant's domains, which are only known once the
 *    whole stream (every UPN) has been seen. One entry per subject (rule,
 *    address, delegate), a few evidence copies each: bounded;
 *  - struct ir_pending_det: the whole state of a detection that only holds
 *    such hits (start, finish and free in one place; each detection gives
 *    its judge), and the summary pieces they share (", since T",
 *    " (set by X)");
 *  - struct ir_keymap: (user, key) pairs to a number, the one hash table
 *    behind rule names, pending hits and inbox-rule-hide's groups.
 */
#ifndef IR_DETECT_INBOXRULE_H
#define IR_DETECT_INBOXRULE_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"
#include "logs/event.h"
#include "detect/detect.h"

#define IR_RULE_MAX_TARGETS 16

enum ir_fwd_kind {
	IR_FWD_FORWARD,
	IR_FWD_ATTACH,	 /* ForwardAsAttachmentTo */
	IR_FWD_REDIRECT, /* RedirectTo: the sender is kept, no trace */
};

struct ir_rule {
	char *key;     /* safe rule name, unique per mailbox: finding key */
	char *name;    /* safe, shortened: for summaries */
	bool has_name; /* false: an Outlook rule logged without a name */
	bool odd_name; /* punctuation/space only, one character, control */
	bool one_char; /* the name as logged is one character */
	const char *odd_why; /* why odd_name, for the summary */
	char *owner;	     /* mailbox owner (lower-case UPN or the actor) */
	bool by_other;	     /* owner is not the actor who made the change */
	bool owner_guess;    /* Identity not a UPN: attributed to the actor */
	bool created;	     /* New-InboxRule / AddMailboxRule */

	char *target[IR_RULE_MAX_TARGETS]; /* forwarding recipients, raw */
	enum ir_fwd_kind target_kind[IR_RULE_MAX_TARGETS];
	size_t target_dropped; /* recipients past IR_RULE_MAX_TARGETS */
	size_t ntarget;

	bool del;      /* DeleteMessage / SoftDeleteMessage / Delete */
	bool perm_del; /* PermanentDelete */
	bool mark_read;
	bool stop;	  /* StopProcessingRules */
	char *move_to;	  /* MoveToFolder, safe; NULL when none */
	bool hide_folder; /* move_to is a folder nobody looks in */

	char *keyword; /* first BEC keyword in a condition, or NULL */
	const char *keyword_where; /* "subject", "body", ... */
	char *from;    /* From / FromAddressContainsWords, safe, or NULL */
	bool all_mail; /* no condition at all */
	char *cond;    /* every condition, described and safe, or NULL */
};

/*
 * A map from (user, key) string pairs, copied, to a number; zeroed is
 * empty. Entries are never removed.
 */
struct ir_keymap_entry {
	char *user, *key; /* NULL: empty slot */
	size_t value;
};

struct ir_keymap {
	struct ir_keymap_entry *e; /* open addressing */
	size_t size, n;
};

/* The number for (user, key), added as 0 when new; valid until the next. */
size_t *ir_detect__keymap_at(struct ir_keymap *m, const char *user,
			     const char *key);
void ir_detect__keymap_release(struct ir_keymap *m);

/* Per-run memory of rule names, to tell apart rules created twice. */
struct ir_rulenames;
struct ir_rulenames *ir_detect__rulenames_new(void);
void ir_detect__rulenames_free(struct ir_rulenames *rn);

/* The operations of inbox-rule changes, NULL-terminated. */
extern const char *const ir_detect__rule_ops[];

/* Is `ev` an inbox-rule change these detections read? */
bool ir_detect__is_rule_op(const struct ir_event *ev);

/*
 * Read the rule that `ev` creates or changes into *out (zeroed first).
 * Returns false, leaving nothing to release, when `ev` is no rule change
 * (another operation, a failed one, a rule removal).
 */
bool ir_detect__rule_parse(struct ir_rule *out, const struct ir_event *ev,
			   struct ir_rulenames *rn);
void ir_detect__rule_release(struct ir_rule *r);

/*
 * Describe the rule's conditions into `out`, every one of them, values
 * made safe and cut: "all mail", "mail from \"x@y\" with \"Attention\"
 * in the subject", or "mail" when a change does not say.
 */
void ir_detect__rule_condition(struct ir_buf *out, const struct ir_rule *r);

/*
 * Append who changed `r` (read from `ev`) when that is not its owner:
 * " (set by X)", or, when the owner could not be resolved, a sentence
 * saying so and naming the actor. Nothing when the owner did it.
 */
void ir_detect__rule_set_by(struct ir_buf *out, const struct ir_rule *r,
			    const struct ir_event *ev);

/*
 * Append what `r` (read from `ev`) does, ignoring its name and owner, to
 * `out`: its actions, folder, recipients and the raw condition parameters
 * (ASCII case folded, each value length-prefixed so none can pose as two).
 * Rules with equal signatures behave the same; printable, for use as a key.
 */
void ir_detect__rule_signature(struct ir_buf *out, const struct ir_rule *r,
			       const struct ir_event *ev);

/*
 * Append `len` bytes of attacker text to `out` so a person can read it:
 * NUL as \0, other control bytes and invalid UTF-8 as \xNN, bidirectional
 * and zero-width marks as \u{NNNN}, a double quote as \"; cut at
 * `max` characters with an ellipsis (0: no cut).
 */
void ir_detect__safe(struct ir_buf *out, const char *s, size_t len, size_t max);

/* A malloc'd safe copy (ir_detect__safe) of `len` bytes at `s`. */
char *ir_detect__safe_dup(const char *s, size_t len, size_t max);

/*
 * A malloc'd finding key for the recipient `len` bytes at `s`: the
 * normalized address when it is one, else its safe copy (200 characters).
 */
char *ir_detect__addr_key(const char *s, size_t len);

/*
 * Whose mailbox `mailbox` (an Identity: a UPN, an alias, "alice\rule",
 * "alice:\Inbox") is: a malloc'd lower-case UPN when it names one, the
 * actor when it is the actor's alias or display name (or empty);
 * otherwise the name as given (made safe, last path part), with *guess
 * set because it could not be resolved offline.
 */
char *ir_detect__owner(const struct ir_event *ev, const char *mailbox,
		       size_t len, bool *guess);

/*
 * Did the change fail? ir_event_failed(), plus the ResultStatus "False"
 * that Exchange admin-cmdlet records (RecordType 1) use for a cmdlet that
 * threw: such a rule or permission never came to exist.
 */
bool ir_detect__failed(const struct ir_event *ev);

/* PowerShell truth: True, $true, 1 (any case). */
bool ir_detect__param_true(const struct ir_event *ev, const char *name);

/*
 * Call `fn` for each recipient in parameter `p`: list items, and items of a
 * string split at ';' or ',' outside quotes and brackets.
 */
void ir_detect__foreach_recipient(const struct ir_param *p,
				  void (*fn)(const char *s, size_t len,
					     void *payload),
				  void *payload);

/* Lower-case ASCII substring search (`needle` lower-case). */
bool ir_detect__contains_ci(const char *s, size_t len, const char *needle);

/* Format `t` as RFC 3339 into `out` (IR_TIME_MAX). */
void ir_detect__time(char *out, struct ir_time t);

/* Append ", since <t as RFC 3339>" to `out` when `has_time`. */
void ir_detect__since(struct ir_buf *out, bool has_time, struct ir_time t);

/* What a finding's evidence needs from an event, copied to outlive it. */
struct ir_evcopy {
	char *file, *id, *op, *ip;
	uint64_t record;
	struct ir_time time;
	bool has_time;
};

/* Replace what `e` holds (zeroed: nothing) with a copy of `ev`. */
void ir_detect__evcopy_set(struct ir_evcopy *e, const struct ir_event *ev);
void ir_detect__evcopy_release(struct ir_evcopy *e);

/* Report `hit` with `e` as its evidence, the event's user being `user`. */
void ir_detect__evcopy_hit(struct ir_findings *out, const struct ir_hit *hit,
			   const struct ir_evcopy *e, const char *user);

/* Hits held back until finish(). */
struct ir_pending_item {
	char *user;
	char *key;
	char *target[IR_RULE_MAX_TARGETS];
	size_t ntarget;
	/*
	 * Recipients that did not fit: never silently dropped, since padding
	 * a rule with internal addresses must not hide an external one.
	 */
	uint64_t target_dropped;
	unsigned flags; /* the detection's own bits */
	int level;	/* the detection's own ranking */
	char *text;	/* the detection's own words, e.g. the rule name */
	char *detail;	/* more of them */
	struct ir_time first;
	bool has_time;
	/* private: evidence copies */
	struct ir_evcopy *ev;
	size_t nev;
	uint64_t more;
};

struct ir_pending;
struct ir_pending *ir_detect__pending_new(void);
void ir_detect__pending_free(struct ir_pending *p);

/*
 * The item for (user, key), created empty when new, with `ev` recorded as
 * its evidence. Borrowed until the next call.
 */
struct ir_pending_item *ir_detect__pending_add(struct ir_pending *p,
					       const char *user,
					       const char *key,
					       const struct ir_event *ev);

/* Add a target to `it` unless present or full (compared ignoring case). */
void ir_detect__pending_target(struct ir_pending_item *it, const char *s,
			       size_t len);

size_t ir_detect__pending_count(const struct ir_pending *p);
struct ir_pending_item *ir_detect__pending_get(struct ir_pending *p, size_t i);

/*
 * Report `it` as a finding: one hit per recorded piece of evidence (so
 * count, first_seen and last_seen are those of the events), `hit` giving
 * the rest; its `ev` is ignored.
 */
void ir_detect__pending_report(struct ir_findings *out,
			       const struct ir_pending_item *it,
			       const struct ir_hit *hit);

/*
 * A detection whose state is only a pending list: its start() returns
 * ir_detect__pending_det_start(ctx, &its_kind), its event() casts the state
 * to struct ir_pending_det and adds items, and ir_detect__pending_det_finish
 * and ir_detect__pending_det_free are its finish and free. At finish every
 * item, in the order first added, goes to the kind's judge, which writes the
 * summary into `summary` and sets hit->severity (det, user and key are set
 * already), or returns false to report nothing; the remediation command and
 * one hit per piece of evidence (ir_detect__pending_report) are done here.
 */
struct ir_pending_kind {
	const struct ir_detection *det;
	const char *steps; /* for ir_detect_remediation() */
	bool rulenames;	   /* keep names: ir_detect__rule_parse() */
	bool (*judge)(struct ir_buf *summary, struct ir_hit *hit,
		      const struct ir_detect_ctx *ctx,
		      const struct ir_pending_item *it);
};

struct ir_pending_det {
	const struct ir_detect_ctx *ctx;
	const struct ir_pending_kind *kind;
	struct ir_rulenames *names; /* NULL unless kind->rulenames */
	struct ir_pending *items;
};

void *ir_detect__pending_det_start(const struct ir_detect_ctx *ctx,
				   const struct ir_pending_kind *kind);
void ir_detect__pending_det_finish(void *state, struct ir_findings *out);
void ir_detect__pending_det_free(void *state);

#endif
