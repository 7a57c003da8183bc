/* SPDX-License-Identifier: MIT */
/*
 * t-det-mail.c - the mail detections (inbox-rule-forward, inbox-rule-hide,
 * mailbox-forwarding, mailbox-delegate) driven with hand-built events, so
 * each rule of their logic is pinned without going through a reader.
 */
#include "tests/unit/test.h"

#include "detect/detect.h"
#include "detect/domains.h"
#include "detect/findings.h"
#include "detect/inboxrule.h"

#define P(n, v)                                           \
	{                                                 \
		(n), {(v), sizeof(v) - 1}, NULL, 0, false \
	}

struct run {
	struct ir_domains *domains;
	struct ir_detect_ctx ctx;
	struct ir_findings f;
	const struct ir_detection *det;
	void *st;
};

static void
run_start(struct run *r, const struct ir_detection *det)
{
	memset(r, 0, sizeof(*r));
	r->domains = ir_domains_new();
	ir_domains_add(r->domains, "contoso.com");
	r->ctx.domains = r->domains;
	r->det = det;
	r->st = det->start(&r->ctx);
}

static void
run_event(struct run *r, const char *op, const char *user, int64_t sec,
	  const struct ir_param *params, size_t n)
{
	struct ir_event ev = {0};

	ev.time.sec = sec;
	ev.has_time = true;
	ev.file = "t.jsonl";
	ev.record = (uint64_t)sec;
	ev.operation = op;
	ev.user = user;
	ev.result = "True";
	ev.client_port = -1;
	ev.client_ip = "203.0.113.9";
	ev.params = params;
	ev.nparams = n;
	r->det->event(r->st, &ev, &r->f);
}

static void
run_finish(struct run *r)
{
	if (r->det->finish)
		r->det->finish(r->st, &r->f);
	ir_findings_sort(&r->f);
}

static void
run_end(struct run *r)
{
	r->det->free(r->st);
	ir_findings_release(&r->f);
	ir_domains_free(r->domains);
}

static void
test_det_mail__outlook_rule_forward_judged_in_finish(void **state)
{
	static const struct ir_param p[] = {
		P("RuleOperation", "AddMailboxRule"),
		P("RuleId", "-123"),
		P("RuleCondition", "{(Exists(ItemClass))}"),
		P("RuleActions",
		  "[{\"ActionType\":\"Forward\",\"Recipients\":"
		  "[\"exfil@fabrikam.com\",\"bob@contoso.com\"],"
		  "\"ForwardFlags\":\"None\"},{\"ActionType\":\"Delete\"}]"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_forward);
	run_event(&r, "UpdateInboxRules", "alice@contoso.com", 1000, p, 4);
	assert_int_equal(r.f.n, 0); /* nothing before the domains are known */
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_string_equal(r.f.v[0]->user, "alice@contoso.com");
	assert_string_equal(r.f.v[0]->key, "(unnamed rule, id -123)");
	assert_non_null(strstr(r.f.v[0]->summary,
			       "forwards all mail to exfil@fabrikam.com "
			       "(external) and deletes it"));
	assert_null(strstr(r.f.v[0]->summary, "bob@contoso.com"));
	assert_string_equal(r.f.v[0]->remediation,
			    "m365ir remediate alice@contoso.com --steps "
			    "forwarding-rules");
	run_end(&r);
}

static void
test_det_mail__forward_internal_or_inferred_is_a_miss(void **state)
{
	static const struct ir_param p[] = {
		P("Name", "to home"),
		P("ForwardTo",
		  "smtp:me@fabrikam.com;\"Bob\" <bob@contoso.com>"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_forward);
	/* fabrikam.com is the tenant's own here */
	ir_domains_free(r.domains);
	r.domains = r.ctx.domains = ir_domains_new();
	run_event(&r, "New-InboxRule", "alice@fabrikam.com", 1000, p, 2);
	ir_domains_observe_user(r.domains, "alice@fabrikam.com");
	ir_domains_observe_user(r.domains, "bob@contoso.com");
	run_finish(&r);
	assert_int_equal(r.f.n, 0);
	run_end(&r);
}

static void
test_det_mail__unresolved_alias_is_medium(void **state)
{
	static const struct ir_param p[] = {
		P("Identity", "alice\\r1"),
		P("ForwardTo", "fabrikam-contact"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_forward);
	run_event(&r, "Set-InboxRule", "alice@contoso.com", 1000, p, 2);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_MEDIUM);
	assert_string_equal(r.f.v[0]->key, "r1");
	assert_non_null(
		strstr(r.f.v[0]->summary, "could not be resolved offline"));
	assert_non_null(strstr(r.f.v[0]->summary, "Get-Recipient"));
	run_end(&r);
}

static void
test_det_mail__hide_nul_name_is_shown_safely(void **state)
{
	static const struct ir_param p[] = {
		{"Name", {"\0", 1}, NULL, 0, false},
		P("MarkAsRead", "True"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 1000, p, 2);
	assert_int_equal(r.f.n, 0); /* held until finish(), to group */
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_string_equal(r.f.v[0]->key, "\\0");
	assert_non_null(strstr(r.f.v[0]->summary, "Inbox rule \"\\0\""));
	assert_non_null(strstr(r.f.v[0]->summary, "control characters"));
	run_end(&r);
}

static void
test_det_mail__hide_long_and_bidi_names_are_cut(void **state)
{
	static const struct ir_param p[] = {
		P("Name", "\xe2\x80\xae"
			  "0123456789012345678901234567890123456789"
			  "0123456789012345678901234567890123456789"),
		P("DeleteMessage", "True"),
		P("From", "x@fabrikam.com"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 1000, p, 3);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_MEDIUM);
	assert_non_null(strstr(r.f.v[0]->summary, "\"\\u{202e}0123"));
	assert_non_null(strstr(r.f.v[0]->summary, "\xe2\x80\xa6\" deletes"));
	run_end(&r);
}

static void
test_det_mail__hide_same_name_twice_is_two_rules(void **state)
{
	/*
	 * Two rules named "a": the name counts as two rules, and one-letter
	 * names group them whatever each does.
	 */
	static const struct ir_param p[] = {
		P("Name", "a"),
		P("MoveToFolder", "Historique des conversations"),
	};
	static const struct ir_param q[] = {
		P("Name", "a"),
		P("MoveToFolder", "Archive"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 1000, p, 2);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 2000, q, 2);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0]->key,
			    "(rules with one-character or meaningless names)");
	assert_int_equal(r.f.v[0]->count, 2);
	assert_int_equal(r.f.v[0]->first_seen.sec, 1000);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_string_equal(r.f.v[0]->summary,
			    "2 inbox rules with one-character names were "
			    "created in 17 minutes from 203.0.113.9 (names in "
			    "creation order: \"aa\"): 1 moves all mail to "
			    "\"Historique des conversations\", 1 moves it to "
			    "\"Archive\"");
	run_end(&r);
}

/* One hiding rule event at `sec` from `ip`, evidence record `sec`. */
static void
hide_event(struct run *r, const char *op, int64_t sec, const char *ip,
	   const struct ir_param *params, size_t n)
{
	struct ir_event ev = {0};

	ev.time.sec = sec;
	ev.has_time = true;
	ev.file = "t.jsonl";
	ev.record = (uint64_t)sec;
	ev.operation = op;
	ev.user = "alice@contoso.com";
	ev.result = "True";
	ev.client_port = -1;
	ev.client_ip = ip;
	ev.params = params;
	ev.nparams = n;
	r->det->event(r->st, &ev, &r->f);
}

#define LETTER_RULE(name, len)                                       \
	{                                                            \
		{"Name", {(name), (len)}, NULL, 0, false},           \
			P("From", "x@fabrikam.com"),                 \
			P("MoveToFolder", "RSS Feeds"),              \
			P("MarkAsRead", "True"),                     \
	}

static void
test_det_mail__hide_one_letter_rules_are_one_finding(void **state)
{
	static const struct ir_param h[] = LETTER_RULE("h", 1);
	static const struct ir_param nul[] = LETTER_RULE("\0", 1);
	static const struct ir_param quote[] = LETTER_RULE("\"", 1);
	static const struct ir_param bang[] = LETTER_RULE("!", 1);
	static const struct ir_param other[] = {
		P("Name", "Zed"),
		P("From", "y@fabrikam.com"),
		P("MoveToFolder", "RSS Feeds"),
		P("MarkAsRead", "True"),
	};
	const struct ir_finding *fd;
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	/* file order is not time order */
	hide_event(&r, "New-InboxRule", 1060, "203.0.113.9", quote, 4);
	hide_event(&r, "New-InboxRule", 1090, "203.0.113.9", bang, 4);
	hide_event(&r, "New-InboxRule", 1500, "203.0.113.9", other, 4);
	hide_event(&r, "New-InboxRule", 1030, "203.0.113.9", nul, 4);
	hide_event(&r, "New-InboxRule", 1000, "198.51.100.7", h, 4);
	run_finish(&r);
	assert_int_equal(r.f.n, 2);
	fd = r.f.v[0];
	assert_string_equal(
		fd->summary,
		"4 inbox rules with one-character names were created in 90 "
		"seconds from 198.51.100.7 and 203.0.113.9 (names in creation "
		"order: \"h\\0\\\"!\"): 4 move mail from "
		"\"x@fabrikam.com\" to \"RSS Feeds\" and mark it read");
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 4);
	assert_int_equal(fd->first_seen.sec, 1000);
	assert_int_equal(fd->last_seen.sec, 1090);
	assert_int_equal(fd->nevidence, 4);
	assert_int_equal(fd->evidence[0].record, 1000);
	assert_int_equal(fd->evidence[1].record, 1030);
	assert_int_equal(fd->evidence[3].record, 1090);
	/* an ordinary name is grouped by behaviour: a group of one */
	assert_string_equal(r.f.v[1]->key, "Zed");
	assert_non_null(strstr(r.f.v[1]->summary, "Inbox rule \"Zed\""));
	run_end(&r);
}

/*
 * The Huntress "Rogue Inbox" shape: one-letter rules spelling a word, one
 * of them moving to another folder. The word must stay whole, in one
 * finding, with each behaviour counted (the letter "3" was lost when rules
 * were grouped by behaviour).
 */
static void
test_det_mail__hide_one_letter_folder_differs(void **state)
{
	static const struct ir_param f[] = LETTER_RULE("f", 1);
	static const struct ir_param l[] = LETTER_RULE("l", 1);
	static const struct ir_param a[] = LETTER_RULE("a", 1);
	static const struct ir_param g[] = LETTER_RULE("g", 1);
	static const struct ir_param three[] = {
		P("Name", "3"),
		P("From", "x@fabrikam.com"),
		P("MoveToFolder", "Inbox"),
		P("MarkAsRead", "True"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	hide_event(&r, "New-InboxRule", 1090, "203.0.113.9", g, 4);
	hide_event(&r, "New-InboxRule", 1030, "203.0.113.9", three, 4);
	hide_event(&r, "New-InboxRule", 1000, "203.0.113.9", f, 4);
	hide_event(&r, "New-InboxRule", 1060, "203.0.113.9", a, 4);
	hide_event(&r, "New-InboxRule", 1010, "203.0.113.9", l, 4);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->count, 5);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_string_equal(
		r.f.v[0]->summary,
		"5 inbox rules with one-character names were created in 90 "
		"seconds from 203.0.113.9 (names in creation order: "
		"\"fl3ag\"): 4 move mail from \"x@fabrikam.com\" to "
		"\"RSS Feeds\", 1 moves it to \"Inbox\"; all mark it read");
	run_end(&r);
}

/* Every condition is said, whether or not it holds a BEC keyword. */
static void
test_det_mail__hide_conditions_always_shown(void **state)
{
	static const struct ir_param subj[] = {
		P("Name", "Direct"),
		P("SubjectContainsWords", "Attention"),
		P("DeleteMessage", "True"),
		P("StopProcessingRules", "True"),
	};
	static const struct ir_param body[] = {
		P("Mailbox", "bob@contoso.com"),
		P("Name", "my_rule1"),
		P("BodyContainsWords", "covid-19"),
		P("MoveToFolder", "Junk Email"),
	};
	static const struct ir_param many[] = {
		P("Mailbox", "carol@contoso.com"),
		P("Name", "Filters"),
		P("From", "x@fabrikam.com"),
		P("FromAddressContainsWords", "@fabrikam.com"),
		P("SentTo", "carol@contoso.com"),
		P("HasAttachment", "True"),
		P("MyNameInToBox", "True"),
		P("DeleteMessage", "True"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 1000, subj, 4);
	run_event(&r, "New-InboxRule", "bob@contoso.com", 1000, body, 4);
	run_event(&r, "New-InboxRule", "carol@contoso.com", 1000, many, 8);
	run_finish(&r);
	assert_int_equal(r.f.n, 3);
	assert_string_equal(r.f.v[0]->summary,
			    "Inbox rule \"Direct\" deletes mail with "
			    "\"Attention\" in the subject and stops processing "
			    "other rules, since 1970-01-01T00:16:40Z");
	assert_string_equal(r.f.v[1]->summary,
			    "Inbox rule \"my_rule1\" moves mail with "
			    "\"covid-19\" in the body to \"Junk Email\", "
			    "since 1970-01-01T00:16:40Z");
	assert_string_equal(
		r.f.v[2]->summary,
		"Inbox rule \"Filters\" deletes mail from \"x@fabrikam.com\" "
		"and from an address containing \"@fabrikam.com\" sent to "
		"\"carol@contoso.com\" with attachments and with the owner's "
		"name in the To box, since 1970-01-01T00:16:40Z");
	run_end(&r);
}

/* Outlook rules: the raw RuleCondition is shown, safe and cut. */
static void
test_det_mail__forward_conditions_shown(void **state)
{
	static const struct ir_param fwd[] = {
		P("Name", "Sync"),
		P("SubjectOrBodyContainsWords", "quarterly"),
		P("From", "cfo@contoso.com"),
		P("ForwardTo", "exfil@fabrikam.com"),
	};
	static const struct ir_param outlook[] = {
		P("RuleOperation", "AddMailboxRule"),
		P("RuleId", "-7"),
		P("RuleCondition", "{(SubString IgnoreCase(SubjectProperty)"
				   "=WHAM\u202e)}"),
		P("RuleActions", "[{\"ActionType\":\"Forward\",\"Recipients\""
				 ":[\"exfil@fabrikam.com\"]}]"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_forward);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 1000, fwd, 4);
	run_event(&r, "UpdateInboxRules", "bob@contoso.com", 1000, outlook,
		  4);
	run_finish(&r);
	assert_int_equal(r.f.n, 2);
	assert_string_equal(r.f.v[0]->summary,
			    "Inbox rule \"Sync\" forwards mail from "
			    "\"cfo@contoso.com\" with \"quarterly\" in the "
			    "subject or body to exfil@fabrikam.com (external), "
			    "since 1970-01-01T00:16:40Z");
	assert_string_equal(r.f.v[1]->summary,
			    "Inbox rule \"(unnamed rule, id -7)\" forwards "
			    "mail matching the Outlook condition \"{(SubString "
			    "IgnoreCase(SubjectProperty)=WHAM\\u{202e})}\" to "
			    "exfil@fabrikam.com (external), since "
			    "1970-01-01T00:16:40Z");
	run_end(&r);
}

static void
test_det_mail__hide_named_rules_are_listed(void **state)
{
	static const char *const names[] = {"Alpha", "Bravo", "Charlie",
					    "Delta", "Echo",  "Foxtrot",
					    "Golf"};
	struct ir_param p[7][2];
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	for (size_t i = 0; i < 7; i++) {
		struct ir_param id = P("Identity", "x"), del =
							   P("DeleteMessage",
							     "True");

		id.value.ptr = names[i];
		id.value.len = strlen(names[i]);
		p[i][0] = id;
		p[i][1] = del;
		/* changed, not created; an hour apart; newest first */
		hide_event(&r, "Set-InboxRule", 36000 - 3600 * (int64_t)i,
			   "203.0.113.9", p[i], 2);
	}
	/* editing Golf again is no eighth rule */
	hide_event(&r, "Set-InboxRule", 40000, "203.0.113.9", p[6], 2);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->severity, IR_SEV_MEDIUM);
	assert_int_equal(r.f.v[0]->count, 8);
	assert_string_equal(
		r.f.v[0]->summary,
		"7 inbox rules were changed in 7 hours from 203.0.113.9 "
		"(names in time order: \"Golf\", \"Foxtrot\", \"Echo\", "
		"\"Delta\", \"Charlie\" and 2 more), each deleting mail");
	run_end(&r);
}

static void
test_det_mail__hide_group_of_one_keeps_its_name(void **state)
{
	static const struct ir_param p[] = {
		P("Name", "Tidy"),
		P("From", "news@fabrikam.com"),
		P("MoveToFolder", "Junk Email"),
	};
	static const struct ir_param set[] = {
		P("Identity", "alice\\Tidy"),
		P("From", "news@fabrikam.com"),
		P("MoveToFolder", "Junk Email"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	hide_event(&r, "Set-InboxRule", 2000, "203.0.113.9", set, 3);
	hide_event(&r, "New-InboxRule", 1000, "203.0.113.9", p, 3);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0]->key, "Tidy");
	assert_int_equal(r.f.v[0]->count, 2);
	/* the first hit's words, in file order, as before grouping */
	assert_string_equal(r.f.v[0]->summary,
			    "Inbox rule \"Tidy\" moves mail from "
			    "\"news@fabrikam.com\" to \"Junk Email\", "
			    "since 1970-01-01T00:33:20Z");
	assert_int_equal(r.f.v[0]->evidence[0].record, 2000);
	run_end(&r);
}

static void
test_det_mail__hide_many_letters_are_capped(void **state)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
	static const struct ir_param tmpl[] = LETTER_RULE("a", 1);
	struct ir_param p[300][4];
	char want[300];
	const char *names;
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	/* newest first: the earliest come last and must push out the rest */
	for (size_t i = 300; i-- > 0;) {
		memcpy(p[i], tmpl, sizeof(tmpl));
		p[i][0].value.ptr = &letters[i % 26];
		hide_event(&r, "New-InboxRule", 1000 + (int64_t)i,
			   "203.0.113.9", p[i], 4);
	}
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->count, 300);
	assert_int_equal(r.f.v[0]->first_seen.sec, 1000);
	assert_int_equal(r.f.v[0]->last_seen.sec, 1299);
	assert_int_equal(r.f.v[0]->nevidence, IR_FINDING_MAX_EVIDENCE);
	assert_int_equal(r.f.v[0]->evidence[0].record, 1000);
	assert_int_equal(r.f.v[0]->evidence[49].record, 1299);
	for (size_t i = 0; i < 255; i++)
		want[i] = letters[i % 26];
	want[255] = '\0';
	names = strstr(r.f.v[0]->summary, "order: \"");
	assert_non_null(names);
	assert_memory_equal(names + 8, want, 255);
	assert_memory_equal(names + 8 + 255, "\xe2\x80\xa6\"): 300", 10);
	assert_non_null(strstr(r.f.v[0]->summary, "300 inbox rules with "
						  "one-character names"));
	run_end(&r);
}

static void
test_det_mail__hide_severity_combinations(void **state)
{
	static const struct ir_param kw[] = {
		P("Name", "Accounts"),
		P("SubjectContainsWords", "Invoice"),
		P("DeleteMessage", "True"),
	};
	static const struct ir_param read[] = {
		P("Name", "Quiet"),
		P("From", "news@fabrikam.com"),
		P("MarkAsRead", "True"),
	};
	static const struct ir_param attach[] = {
		P("Name", "Files"),
		P("SubjectContainsWords", "attached"),
		P("MoveToFolder", "Files"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_hide);
	run_event(&r, "New-InboxRule", "alice@contoso.com", 1000, kw, 3);
	run_event(&r, "New-InboxRule", "bob@contoso.com", 1000, read, 3);
	run_event(&r, "New-InboxRule", "carol@contoso.com", 1000, attach, 3);
	run_finish(&r);
	assert_int_equal(r.f.n, 2); /* "attached" is no keyword ("ach") */
	assert_string_equal(r.f.v[0]->user, "alice@contoso.com");
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_non_null(
		strstr(r.f.v[0]->summary, "\"Invoice\" in the subject"));
	assert_string_equal(r.f.v[1]->user, "bob@contoso.com");
	assert_int_equal(r.f.v[1]->severity, IR_SEV_LOW);
	run_end(&r);
}

static void
test_det_mail__mailbox_forwarding_no_copy_and_clear(void **state)
{
	static const struct ir_param set[] = {
		P("Identity", "alice"),
		P("ForwardingSmtpAddress", "SMTP:Exfil@Fabrikam.com"),
		P("DeliverToMailboxAndForward", "False"),
	};
	static const struct ir_param clear[] = {
		P("Identity", "bob"),
		P("ForwardingSmtpAddress", "$null"),
	};
	struct run r;

	run_start(&r, &ir_det_mailbox_forwarding);
	run_event(&r, "Set-Mailbox", "alice@contoso.com", 1000, set, 3);
	run_event(&r, "Set-Mailbox", "bob@contoso.com", 1000, clear, 2);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0]->user, "alice@contoso.com");
	assert_string_equal(r.f.v[0]->key, "exfil@fabrikam.com");
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_non_null(strstr(r.f.v[0]->summary, "and keeps no copy"));
	assert_null(strstr(r.f.v[0]->summary, "set by"));
	run_end(&r);
}

static void
test_det_mail__delegate_skips_provisioning(void **state)
{
	static const struct ir_param sys[] = {
		P("Identity", "X/contoso.onmicrosoft.com/DiscoverySearchMailbox"
			      "{D919BA05-46A6-415f-80AD-7E09334BB852}"),
		P("User", "X/contoso.onmicrosoft.com/Discovery Management"),
		P("AccessRights", "FullAccess"),
	};
	static const struct ir_param ext[] = {
		P("Identity", "alice@contoso.com"),
		P("User", "attacker@fabrikam.com"),
		P("AccessRights", "FullAccess"),
	};
	struct run r;

	run_start(&r, &ir_det_mailbox_delegate);
	run_event(&r, "Add-MailboxPermission",
		  "NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", 1000,
		  sys, 3);
	run_event(&r, "Add-MailboxPermission", "admin@contoso.com", 2000, ext,
		  3);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0]->user, "alice@contoso.com");
	assert_string_equal(r.f.v[0]->key, "attacker@fabrikam.com");
	assert_int_equal(r.f.v[0]->severity, IR_SEV_HIGH);
	assert_non_null(strstr(r.f.v[0]->summary, "set by admin@contoso.com"));
	run_end(&r);
}

/* The shared summary tail: who set it and since when, in each order. */
static void
test_det_mail__set_by_and_since_tails(void **state)
{
	static const struct ir_param fwd[] = {
		P("Identity", "alice@contoso.com\\Sync"),
		P("Name", "Sync"),
		P("ForwardTo", "exfil@fabrikam.com"),
	};
	static const struct ir_param hide[] = {
		P("Mailbox", "alice@contoso.com"),
		P("Name", "Tidy"),
		P("SubjectContainsWords", "invoice"),
		P("DeleteMessage", "True"),
	};
	struct run r;

	run_start(&r, &ir_det_inbox_rule_forward);
	run_event(&r, "Set-InboxRule", "admin@contoso.com", 1000, fwd, 3);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0]->summary,
			    "Inbox rule \"Sync\" forwards mail to "
			    "exfil@fabrikam.com (external) (set by "
			    "admin@contoso.com), since 1970-01-01T00:16:40Z");
	run_end(&r);

	run_start(&r, &ir_det_inbox_rule_hide);
	run_event(&r, "New-InboxRule", "admin@contoso.com", 1000, hide, 4);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_string_equal(r.f.v[0]->summary,
			    "Inbox rule \"Tidy\" deletes mail with "
			    "\"invoice\" in the subject, since "
			    "1970-01-01T00:16:40Z (set by admin@contoso.com)");
	run_end(&r);
}

/* A held hit reports every event: the first ones, the latest, a count. */
static void
test_det_mail__held_evidence_keeps_first_and_latest(void **state)
{
	static const struct ir_param set[] = {
		P("Identity", "alice@contoso.com"),
		P("ForwardingSmtpAddress", "smtp:exfil@fabrikam.com"),
	};
	struct run r;
	bool latest = false, dropped = false;

	run_start(&r, &ir_det_mailbox_forwarding);
	for (int64_t i = 0; i < 20; i++)
		run_event(&r, "Set-Mailbox", "alice@contoso.com",
			  i == 7 ? 100 : 1000 + i, set, 2);
	run_finish(&r);
	assert_int_equal(r.f.n, 1);
	assert_int_equal(r.f.v[0]->count, 20);
	assert_int_equal(r.f.v[0]->first_seen.sec, 100);
	assert_int_equal(r.f.v[0]->last_seen.sec, 1019);
	assert_int_equal(r.f.v[0]->nevidence, 16);
	for (size_t i = 0; i < r.f.v[0]->nevidence; i++) {
		latest |= r.f.v[0]->evidence[i].record == 1019;
		dropped |= r.f.v[0]->evidence[i].record == 1015;
	}
	assert_true(latest);
	assert_false(dropped);
	assert_non_null(strstr(r.f.v[0]->summary,
			       ", since 1970-01-01T00:01:40Z"));
	assert_string_equal(r.f.v[0]->remediation,
			    "m365ir remediate alice@contoso.com --steps "
			    "mailbox-forwarding");
	run_end(&r);
}

/* Pairs are kept apart however their strings split, and survive growth. */
static void
test_det_mail__keymap_pairs(void **state)
{
	struct ir_keymap m = {0};
	char user[32];

	*ir_detect__keymap_at(&m, "ab", "c") = 1;
	*ir_detect__keymap_at(&m, "a", "bc") = 2;
	for (int i = 0; i < 300; i++) {
		snprintf(user, sizeof(user), "u%d@contoso.com", i);
		*ir_detect__keymap_at(&m, user, "k") = (size_t)i + 10;
	}
	assert_int_equal(m.n, 302);
	assert_int_equal(*ir_detect__keymap_at(&m, "ab", "c"), 1);
	assert_int_equal(*ir_detect__keymap_at(&m, "a", "bc"), 2);
	assert_int_equal(*ir_detect__keymap_at(&m, "u299@contoso.com", "k"),
			 309);
	assert_int_equal(*ir_detect__keymap_at(&m, "u0@contoso.com", "k"), 10);
	assert_int_equal(*ir_detect__keymap_at(&m, "new", ""), 0);
	assert_int_equal(m.n, 303);
	ir_detect__keymap_release(&m);
	assert_null(m.e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_det_mail__outlook_rule_forward_judged_in_finish),
		cmocka_unit_test(
			test_det_mail__forward_internal_or_inferred_is_a_miss),
		cmocka_unit_test(test_det_mail__unresolved_alias_is_medium),
		cmocka_unit_test(test_det_mail__hide_nul_name_is_shown_safely),
		cmocka_unit_test(
			test_det_mail__hide_long_and_bidi_names_are_cut),
		cmocka_unit_test(
			test_det_mail__hide_same_name_twice_is_two_rules),
		cmocka_unit_test(test_det_mail__hide_severity_combinations),
		cmocka_unit_test(
			test_det_mail__hide_one_letter_rules_are_one_finding),
		cmocka_unit_test(test_det_mail__hide_one_letter_folder_differs),
		cmocka_unit_test(test_det_mail__hide_conditions_always_shown),
		cmocka_unit_test(test_det_mail__forward_conditions_shown),
		cmocka_unit_test(test_det_mail__hide_named_rules_are_listed),
		cmocka_unit_test(
			test_det_mail__hide_group_of_one_keeps_its_name),
		cmocka_unit_test(test_det_mail__hide_many_letters_are_capped),
		cmocka_unit_test(
			test_det_mail__mailbox_forwarding_no_copy_and_clear),
		cmocka_unit_test(test_det_mail__delegate_skips_provisioning),
		cmocka_unit_test(test_det_mail__set_by_and_since_tails),
		cmocka_unit_test(
			test_det_mail__held_evidence_keeps_first_and_latest),
		cmocka_unit_test(test_det_mail__keymap_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
