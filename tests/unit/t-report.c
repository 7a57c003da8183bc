/* SPDX-License-Identifier: MIT */
/*
 * t-report.c - the report module: summary text, CSV neutralisation,
 * merged remediation, the outcome that picks the exit code, coverage
 * parsing, text escaping, the timeline's order and its memory limit, and
 * the atomic writer the --out directory relies on.
 *
 * Findings are built by hand through ir_findings_hit() with fake
 * detections, so these tests do not depend on any real detection's rules.
 */
#include "tests/unit/test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "detect/detect.h"
#include "report/report.h"

static const struct ir_detection det_fwd = {
	.id = "inbox-rule-forward",
	.title = "Inbox rule forwards mail outside the tenant",
	.attack = "T1114.003",
};
static const struct ir_detection det_mfa = {
	.id = "mfa-change",
	.title = "MFA changed",
	.attack = "T1556.006",
};

static struct ir_event
event(const char *user, int64_t sec, const char *ip, uint64_t record)
{
	struct ir_event ev = {0};

	ev.time.sec = sec;
	ev.has_time = true;
	ev.source = "ual-json";
	ev.file = "audit.jsonl";
	ev.record = record;
	ev.operation = "New-InboxRule";
	ev.user = user;
	ev.client_ip = ip;
	ev.client_port = -1;
	return ev;
}

static void
hit(struct ir_findings *f, const struct ir_detection *det, enum ir_severity sev,
    const char *key, const char *summary, const char *fix,
    const struct ir_event *ev)
{
	struct ir_hit h = {det, sev, ev->user, key, summary, fix, ev};

	ir_findings_hit(f, &h);
}

/* 2023-09-26T01:56:15Z and a few minutes later. */
#define T0 1695693375
#define FIX_A \
	"m365ir remediate alice@contoso.com --steps reset-password,revoke-sessions"
#define FIX_B \
	"m365ir remediate alice@contoso.com --steps revoke-sessions,disable-forwarding-rules"

static void
two_users(struct ir_findings *f)
{
	struct ir_event a1 = event("alice@contoso.com", T0, "203.0.113.5", 7);
	struct ir_event a2 =
		event("alice@contoso.com", T0 + 60, "203.0.113.5", 9);
	struct ir_event a3 =
		event("alice@contoso.com", T0 + 120, "198.51.100.7", 12);
	struct ir_event b1 = event("bob@contoso.com", T0 + 5, NULL, 3);

	hit(f, &det_fwd, IR_SEV_HIGH, "r1",
	    "Rule \"x\" forwards to eve@fabrikam.com", FIX_B, &a1);
	hit(f, &det_fwd, IR_SEV_HIGH, "r1",
	    "Rule \"x\" forwards to eve@fabrikam.com", FIX_B, &a2);
	hit(f, &det_fwd, IR_SEV_HIGH, "r1",
	    "Rule \"x\" forwards to eve@fabrikam.com", FIX_B, &a3);
	hit(f, &det_mfa, IR_SEV_CRITICAL, NULL, "MFA method removed", FIX_A,
	    &a1);
	hit(f, &det_mfa, IR_SEV_MEDIUM, NULL, "MFA method added", NULL, &b1);
	ir_findings_sort(f);
}

static void
one_clean_file(struct ir_coverage *cov)
{
	struct ir_file_stats st = {0};
	struct ir_file_cov *fc = ir_coverage_file(cov, "audit.jsonl");
	const char *checked[] = {"inbox-rule-forward", "mfa-change"};
	struct ir_domains *d = ir_domains_new();

	st.format = "jsonl";
	st.records = 12345;
	st.events = 345;
	st.skipped = 12000;
	ir_coverage_file_done(fc, &st, NULL);
	ir_coverage_set_checked(cov, checked, 2);
	ir_domains_add(d, "contoso.com");
	ir_coverage_set_domains(cov, d, 0);
	ir_domains_free(d);
}

static void
test_report__summary_text(void **state)
{
	static const char expect[] =
		"2 users at risk: 3 findings (1 critical, 1 high, 1 medium)\n"
		"\n"
		"alice@contoso.com\n"
		"  CRITICAL  mfa-change          MFA method removed\n"
		"                                seen once at 2023-09-26T01:56:15Z; source IPs: 203.0.113.5\n"
		"  HIGH      inbox-rule-forward  Rule \"x\" forwards to eve@fabrikam.com\n"
		"                                seen 3 times from 2023-09-26T01:56:15Z to 2023-09-26T01:58:15Z; source IPs: 203.0.113.5, 198.51.100.7\n"
		"  To fix: m365ir remediate alice@contoso.com --steps reset-password,revoke-sessions,disable-forwarding-rules\n"
		"\n"
		"bob@contoso.com\n"
		"  MEDIUM    mfa-change          MFA method added\n"
		"                                seen once at 2023-09-26T01:56:20Z; source IPs: none recorded\n"
		"\n"
		"Coverage\n"
		"  audit.jsonl: jsonl, 12,345 records read: 0 failed, 345 relevant to the detections, 12,000 not relevant\n"
		"Tenant domains (given with --tenant-domain): contoso.com\n";
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_coverage cov;
	struct ir_buf b = IR_BUF_INIT;

	(void)state;
	ir_coverage_init(&cov);
	two_users(&f);
	one_clean_file(&cov);
	ir_report_summary(&b, &f, &cov, 0);
	assert_string_equal(b.buf, expect);
	assert_null(strchr(b.buf, '\033'));
	ir_buf_reset(&b);
	ir_report_summary(&b, &f, &cov, IR_REPORT_COLOR);
	assert_non_null(strstr(b.buf, "\033[1;31mCRITICAL"));
	ir_buf_release(&b);
	ir_findings_release(&f);
	ir_coverage_release(&cov);
}

static void
test_report__verdict_tenant_is_not_a_user(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_coverage cov;
	struct ir_buf b = IR_BUF_INIT;
	struct ir_event t = event("(tenant)", T0, "203.0.113.9", 1);

	(void)state;
	ir_coverage_init(&cov);
	one_clean_file(&cov);
	hit(&f, &det_fwd, IR_SEV_HIGH, "203.0.113.9", "spray", NULL, &t);
	two_users(&f);
	ir_report_verdict(&b, &f, &cov);
	assert_string_equal(b.buf, "2 users at risk, and tenant-wide "
				   "findings: 4 findings (1 critical, 2 high, "
				   "1 medium)");
	ir_buf_release(&b);
	ir_findings_release(&f);
	ir_coverage_release(&cov);
}

static void
test_report__verdict_clean(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_coverage cov;
	struct ir_buf b = IR_BUF_INIT;

	(void)state;
	ir_coverage_init(&cov);
	one_clean_file(&cov);
	ir_report_verdict(&b, &f, &cov);
	assert_string_equal(b.buf, "No findings in 1 file (12,345 events). "
				   "Checked: inbox-rule-forward, mfa-change.");
	assert_int_equal(ir_report_outcome(&f, &cov), IR_OUTCOME_CLEAN);
	ir_buf_release(&b);
	ir_coverage_release(&cov);
}

static void
test_report__csv_neutralises_formulas(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_event ev = event("alice@contoso.com", T0, "203.0.113.5", 1);
	struct ir_buf b = IR_BUF_INIT;
	const char *row;

	(void)state;
	hit(&f, &det_fwd, IR_SEV_HIGH, "k", "=HYPERLINK(\"http://x\")", NULL,
	    &ev);
	ir_report_csv(&b, &f);
	row = strstr(b.buf, "\r\n");
	assert_non_null(row);
	assert_memory_equal(b.buf,
			    "detection,severity,attack,user,first_seen,"
			    "last_seen,count,summary,client_ips,"
			    "remediation\r\n",
			    row + 2 - b.buf);
	assert_string_equal(
		row + 2, "inbox-rule-forward,high,T1114.003,"
			 "alice@contoso.com,2023-09-26T01:56:15Z,"
			 "2023-09-26T01:56:15Z,1,"
			 "\"'=HYPERLINK(\"\"http://x\"\")\",203.0.113.5,\r\n");
	ir_buf_release(&b);
	ir_findings_release(&f);
}

static void
test_report__remediation_merged(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	char *cmd;

	(void)state;
	two_users(&f);
	/* alice's two findings come first after sorting */
	assert_string_equal(f.v[0]->user, "alice@contoso.com");
	assert_string_equal(f.v[1]->user, "alice@contoso.com");
	cmd = ir_report_remediation(&f, 0, 2);
	assert_string_equal(cmd, "m365ir remediate alice@contoso.com --steps "
				 "reset-password,revoke-sessions,"
				 "disable-forwarding-rules");
	free(cmd);
	/* bob's finding has no remediation: no command at all */
	assert_null(ir_report_remediation(&f, 2, 3));
	ir_findings_release(&f);
}

static void
test_report__outcome_incomplete_wins(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_coverage cov;
	struct ir_file_cov *fc;
	struct ir_file_stats st = {0};

	(void)state;
	ir_coverage_init(&cov);
	one_clean_file(&cov);
	two_users(&f);
	assert_int_equal(ir_report_outcome(&f, &cov), IR_OUTCOME_FINDINGS);
	fc = ir_coverage_file(&cov, "bad.jsonl");
	ir_coverage_problem(fc, "bad.jsonl: record 2 (line 3): not JSON");
	st.records = 3;
	st.events = 2;
	st.failed = 1;
	ir_coverage_file_done(fc, &st, NULL);
	assert_int_equal(ir_report_outcome(&f, &cov), IR_OUTCOME_INCOMPLETE);
	ir_findings_release(&f);
	assert_int_equal(ir_report_outcome(&f, &cov), IR_OUTCOME_INCOMPLETE);
	ir_coverage_release(&cov);
}

static void
test_report__coverage_says_when_dedupe_forgot(void **state)
{
	struct ir_coverage cov;
	struct ir_file_cov *fc;
	struct ir_file_stats st = {0};
	struct ir_buf b = IR_BUF_INIT;

	(void)state;
	ir_coverage_init(&cov);
	fc = ir_coverage_file(&cov, "huge.jsonl");
	st.format = "jsonl";
	st.records = st.events = 900000;
	st.duplicates = 12;
	st.dedupe_forgotten = 4321;
	ir_coverage_file_done(fc, &st, NULL);
	ir_report_coverage(&b, &cov, 0);
	assert_non_null(strstr(b.buf, "900,000 relevant to the detections (12 "
				      "of them copies of records already read, "
				      "removed), 0 not relevant (duplicate "
				      "removal approximate: 4,321 older record "
				      "ids forgotten, so a late copy may count "
				      "twice)\n"));
	ir_buf_reset(&b);
	ir_coverage_write_json(&b, &cov);
	assert_non_null(strstr(b.buf, "\"dedupe_forgotten\": 4321"));
	ir_buf_release(&b);
	ir_coverage_release(&cov);
}

static void
test_report__coverage_problems(void **state)
{
	struct ir_coverage cov;
	struct ir_file_cov *fc;
	struct ir_file_stats st = {0};
	struct ir_buf b = IR_BUF_INIT;

	(void)state;
	ir_coverage_init(&cov);
	fc = ir_coverage_file(&cov, "bad.jsonl");
	ir_coverage_problem(fc, "bad.jsonl: record 2 (line 3): not JSON");
	st.format = "jsonl";
	st.records = 3;
	st.events = 2;
	st.failed = 1;
	ir_coverage_file_done(fc, &st, NULL);
	assert_int_equal(fc->problems[0].record, 2);
	assert_int_equal(fc->problems[0].line, 3);
	assert_string_equal(fc->problems[0].reason, "not JSON");
	fc = ir_coverage_file(&cov, "gone.csv");
	ir_coverage_file_done(fc, NULL, "gone.csv: no such file");
	assert_string_equal(fc->error, "no such file");
	fc = ir_coverage_file(&cov, "cut.json");
	memset(&st, 0, sizeof(st));
	st.records = 10;
	st.events = 10;
	st.truncated = true;
	ir_coverage_file_done(fc, &st, "cut.json: read: Input/output error");
	ir_report_coverage(&b, &cov, 0);
	assert_non_null(strstr(b.buf, "\nINCOMPLETE: cut.json: reading stopped "
				      "early: read: Input/output error; "
				      "findings may be missing\n"));
	assert_non_null(strstr(b.buf, "\n    bad.jsonl: record 2 (line 3): "
				      "not JSON\n"));
	assert_non_null(strstr(b.buf, "\nINCOMPLETE: bad.jsonl: 1 record "
				      "could not be read (record 2); findings "
				      "may be missing\n"));
	assert_non_null(strstr(b.buf, "\nINCOMPLETE: gone.csv could not be "
				      "read: no such file; findings may be "
				      "missing\n"));
	ir_buf_reset(&b);
	ir_coverage_write_json(&b, &cov);
	assert_non_null(strstr(b.buf, "\"complete\": false"));
	assert_non_null(strstr(b.buf, "\"line\": 3"));
	ir_buf_release(&b);
	ir_coverage_release(&cov);
}

static void
test_report__text_escapes_controls(void **state)
{
	struct ir_buf b = IR_BUF_INIT;
	const char evil[] = "rule\033]0;pwned\007\r\xc2\x9b"
			    "2J caf\xc3\xa9";

	(void)state;
	ir_report_text(&b, evil, sizeof(evil) - 1);
	assert_string_equal(b.buf, "rule\\x1b]0;pwned\\x07\\x0d\\u{009B}2J "
				   "caf\xc3\xa9");
	ir_buf_reset(&b);
	/* a lone 8-bit CSI, a cut sequence, an RTL override, a tag char */
	ir_report_text(&b, "a\x9b[31m b\xe2\x82 \xe2\x80\xaemoc.x "
			   "\xf3\xa0\x80\x81z\xe2\x82\xac", 28);
	assert_string_equal(b.buf, "a\\x9b[31m b\\xe2\\x82 \\u{202E}moc.x "
				   "\\u{E0001}z\xe2\x82\xac");
	ir_buf_release(&b);
}

static void
test_report__count_separators(void **state)
{
	static const struct {
		uint64_t n;
		const char *text;
	} cases[] = {{0, "0"},
		     {999, "999"},
		     {1000, "1,000"},
		     {12345, "12,345"},
		     {1234567, "1,234,567"}};

	(void)state;
	for (size_t i = 0; i < IR_ARRAY_SIZE(cases); i++) {
		struct ir_buf b = IR_BUF_INIT;

		ir_report_count(&b, cases[i].n);
		assert_string_equal(b.buf, cases[i].text);
		ir_buf_release(&b);
	}
}

/* Read all of `fp` from the start into a malloc'd string. */
static char *
slurp(FILE *fp)
{
	long len;
	char *s;

	fflush(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	s = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(s, 1, (size_t)len, fp), (size_t)len);
	return s;
}

static void
timeline_three(size_t max, char **out, bool *sorted)
{
	FILE *fp = tmpfile();
	struct ir_timeline *tl = ir_timeline_new(fp, max);
	struct ir_event late = event("alice@contoso.com", T0 + 60, NULL, 1);
	struct ir_event other = event("bob@contoso.com", T0 + 10, NULL, 2);
	struct ir_event early =
		event("alice@contoso.com", T0, "203.0.113.5", 3);
	struct ir_param p = {
		"ForwardTo", {"=x@fabrikam.com", 15}, NULL, 0, false};

	early.params = &p;
	early.nparams = 1;
	ir_timeline_add_user(tl, "alice@contoso.com");
	ir_timeline_event(tl, &late);
	ir_timeline_event(tl, &other);
	ir_timeline_event(tl, &early);
	ir_timeline_finish(tl);
	assert_int_equal(ir_timeline_rows(tl), 2);
	*sorted = ir_timeline_sorted(tl);
	ir_timeline_free(tl);
	*out = slurp(fp);
	fclose(fp);
}

static void
test_report__timeline_sorted(void **state)
{
	char *csv;
	bool sorted;
	const char *hdr = "time,user,operation,client_ip,client_port,result,"
			  "failed,workload,record_type,source,file,record,"
			  "id,params\r\n";

	(void)state;
	timeline_three(10, &csv, &sorted);
	assert_true(sorted);
	assert_memory_equal(csv, hdr, strlen(hdr));
	assert_string_equal(
		csv + strlen(hdr),
		"2023-09-26T01:56:15Z,alice@contoso.com,New-InboxRule,"
		"203.0.113.5,,,false,,,ual-json,audit.jsonl,3,,"
		"\"{\"\"ForwardTo\"\":\"\"=x@fabrikam.com\"\"}\"\r\n"
		"2023-09-26T01:57:15Z,alice@contoso.com,New-InboxRule,"
		",,,false,,,ual-json,audit.jsonl,1,,{}\r\n");
	free(csv);
}

static void
test_report__timeline_over_limit_keeps_file_order(void **state)
{
	char *csv, *first, *second;
	bool sorted;

	(void)state;
	timeline_three(1, &csv, &sorted);
	assert_false(sorted);
	first = strstr(csv, "2023-09-26T01:57:15Z");
	second = strstr(csv, "2023-09-26T01:56:15Z");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	free(csv);
}

static void
test_report__atomic_write(void **state)
{
	char dir[] = "/tmp/t-report-XXXXXX";
	char path[64], tmp[64];
	struct ir_err err = IR_ERR_INIT;
	struct stat st;
	FILE *fp;
	char got[16] = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	snprintf(tmp, sizeof(tmp), "%s/.out.txt.tmp", dir);
	assert_int_equal(ir_write_file_atomic(path, "old", 3, 0600, &err), 0);
	assert_int_equal(ir_write_file_atomic(path, "new!", 4, 0600, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_not_equal(stat(tmp, &st), 0); /* no temporary left */
	fp = fopen(path, "r");
	assert_int_equal(fread(got, 1, sizeof(got) - 1, fp), 4);
	fclose(fp);
	assert_string_equal(got, "new!");
	assert_int_equal(ir_mkdir(path, 0700, &err), IR_EIO);
	unlink(path);
	rmdir(dir);
}

static void
test_report__mkdir_parents_refuses_unsafe(void **state)
{
	char dir[] = "/tmp/t-mkdir-XXXXXX";
	char deep[96], link[96], open_dir[96];
	struct ir_err err = IR_ERR_INIT;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(deep, sizeof(deep), "%s/a/b/report", dir);
	assert_int_equal(ir_mkdir(deep, 0700, &err), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(ir_mkdir(deep, 0700, &err), 0); /* reuse: fine */
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(deep, link), 0);
	assert_int_equal(ir_mkdir(link, 0700, &err), IR_EIO);
	assert_non_null(strstr(err.msg, "symbolic link"));
	snprintf(open_dir, sizeof(open_dir), "%s/open", dir);
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(ir_mkdir(open_dir, 0700, &err), IR_EIO);
	assert_non_null(strstr(err.msg, "writable by others"));
	rmdir(open_dir);
	unlink(link);
	rmdir(deep);
	snprintf(deep, sizeof(deep), "%s/a/b", dir);
	rmdir(deep);
	snprintf(deep, sizeof(deep), "%s/a", dir);
	rmdir(deep);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report__summary_text),
		cmocka_unit_test(test_report__verdict_tenant_is_not_a_user),
		cmocka_unit_test(test_report__verdict_clean),
		cmocka_unit_test(test_report__csv_neutralises_formulas),
		cmocka_unit_test(test_report__remediation_merged),
		cmocka_unit_test(test_report__outcome_incomplete_wins),
		cmocka_unit_test(test_report__coverage_says_when_dedupe_forgot),
		cmocka_unit_test(test_report__coverage_problems),
		cmocka_unit_test(test_report__text_escapes_controls),
		cmocka_unit_test(test_report__count_separators),
		cmocka_unit_test(test_report__timeline_sorted),
		cmocka_unit_test(
			test_report__timeline_over_limit_keeps_file_order),
		cmocka_unit_test(test_report__atomic_write),
		cmocka_unit_test(test_report__mkdir_parents_refuses_unsafe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
