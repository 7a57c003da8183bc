#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-findings.sh - one external forwarding rule: exit 1, the terminal
# summary names user, rule, time and IP, the --json finding has the
# contract fields (checked with jq), --csv is CRLF with the header, and a
# clean file gives exit 0 and "No findings".
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq not installed"; exit 77; }
fx="$SRCDIR/tests/fixtures/analyze"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fails=$((fails + 1)); }
check() { # description, command...
	d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}

"$M365IR" analyze "$fx/forward-rule.jsonl" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "forwarding rule: exit 1 (got $rc)" [ $rc -eq 1 ]
check "verdict line" grep -qx '1 user at risk: 1 finding (1 high)' "$tmp/out"
check "summary names the user" grep -qx 'alice@contoso.com' "$tmp/out"
check "summary line: severity, detection, rule and target" \
	grep -q '^  HIGH  *inbox-rule-forward  .*exfil@fabrikam.com' "$tmp/out"
check "summary gives time and IP" \
	grep -q 'at 2024-05-06T08:00:00Z; source IPs: 203.0.113.10$' "$tmp/out"
check "one remediation command" \
	grep -q '^  To fix: m365ir remediate alice@contoso.com' "$tmp/out"
check "inferred domains reported" \
	grep -q '^Tenant domains inferred from 2 users seen in the logs: contoso.com$' "$tmp/out"
check "no colour when piped" sh -c "! grep -q \"$(printf '\033')\" '$tmp/out'"
check "nothing on stderr" [ ! -s "$tmp/err" ]

"$M365IR" analyze --json "$fx/forward-rule.jsonl" >"$tmp/json" 2>"$tmp/err"
rc=$?
check "--json: exit 1 (got $rc)" [ $rc -eq 1 ]
check "--json: one line" [ "$(wc -l <"$tmp/json")" -eq 1 ]
got=$(jq -r '[.detection, .user, .first_seen, .evidence[0].record,
	.evidence[0].client_ip, .severity, .attack] | @tsv' "$tmp/json")
want=$(printf 'inbox-rule-forward\talice@contoso.com\t2024-05-06T08:00:00Z\t3\t203.0.113.10\thigh\tT1114.003')
check "--json fields: $got" [ "$got" = "$want" ]
check "--json: coverage on stderr" grep -q '^Coverage$' "$tmp/err"

"$M365IR" analyze --csv "$fx/forward-rule.jsonl" >"$tmp/csv" 2>/dev/null
check "--csv header, CRLF" sh -c "head -1 '$tmp/csv' | od -c | grep -q '\\\\r  *\\\\n'"
check "--csv header columns" sh -c "head -1 '$tmp/csv' | tr -d '\r' | grep -qx 'detection,severity,attack,user,first_seen,last_seen,count,summary,client_ips,remediation'"
check "--csv row" grep -q '^inbox-rule-forward,high,T1114.003,alice@contoso.com,2024-05-06T08:00:00Z,' "$tmp/csv"

"$M365IR" analyze --tenant-domain contoso.com "$fx/forward-rule.jsonl" >"$tmp/out" 2>&1
check "given domains reported" \
	grep -q '^Tenant domains (given with --tenant-domain): contoso.com$' "$tmp/out"
"$M365IR" analyze --tenant-domain fabrikam.com --tenant-domain contoso.com \
	"$fx/forward-rule.jsonl" >"$tmp/out" 2>&1
rc=$?
check "forwarding inside the tenant is no finding (exit $rc)" [ $rc -eq 0 ]

"$M365IR" analyze "$fx/clean.jsonl" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "clean file: exit 0 (got $rc)" [ $rc -eq 0 ]
check "clean file: No findings" grep -q '^No findings in 1 file (3 events)\. Checked: .*inbox-rule-forward' "$tmp/out"
"$M365IR" analyze --json "$fx/clean.jsonl" >"$tmp/json" 2>/dev/null
check "clean file --json: empty stdout" [ ! -s "$tmp/json" ]

echo "$fails failed"
[ $fails -eq 0 ]
