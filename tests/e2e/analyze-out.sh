#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-out.sh - `--out DIR` writes findings.jsonl, findings.csv,
# summary.txt, coverage.json and timeline.csv (0700 directory, no
# temporary files left); the timeline holds every event of the flagged
# user, not only the matching one, in time order, and no one else's. The
# same must work when the input is standard input (a pipe, read twice
# through a spool file).
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

# The fixture's alice events, in time order (the file has them shuffled).
want_times='2024-05-06T07:30:00Z FileAccessed
2024-05-06T07:55:00Z UserLoggedIn
2024-05-06T08:00:00Z New-InboxRule
2024-05-06T08:10:00Z MailItemsAccessed'

check_dir() { # label, dir, expected file column
	label=$1 dir=$2 file=$3
	for f in findings.jsonl findings.csv summary.txt coverage.json timeline.csv; do
		check "$label: $f written" [ -s "$dir/$f" ]
	done
	left=$(ls -A "$dir" | grep '^\.' || true)
	check "$label: no temporary files left ($left)" [ -z "$left" ]
	check "$label: directory is 0700" [ "$(stat -c %a "$dir")" = 700 ]
	check "$label: findings.jsonl user" \
		[ "$(jq -r .user "$dir/findings.jsonl")" = alice@contoso.com ]
	check "$label: coverage.json complete" \
		[ "$(jq -r .complete "$dir/coverage.json")" = true ]
	check "$label: coverage.json records" \
		[ "$(jq -r '.files[0].records' "$dir/coverage.json")" = 5 ]
	got=$(tr -d '\r' <"$dir/timeline.csv" | awk -F, 'NR > 1 { print $1, $3 }')
	check "$label: timeline has all of alice's events in time order" \
		[ "$got" = "$want_times" ]
	check "$label: timeline has no other user" \
		sh -c "! grep -q bob@ '$dir/timeline.csv'"
	check "$label: timeline header" sh -c "head -1 '$dir/timeline.csv' | tr -d '\r' | grep -qx 'time,user,operation,client_ip,client_port,result,failed,workload,record_type,source,file,record,id,params'"
	check "$label: timeline file column" \
		grep -q "^2024-05-06T08:00:00Z,alice@contoso.com,New-InboxRule,203.0.113.10,50123,.*,$file,3," "$dir/timeline.csv"
	check "$label: summary.txt is the report" \
		grep -q '^1 user at risk: 1 finding (1 high)$' "$dir/summary.txt"
	check "$label: summary.txt mentions the timeline" \
		grep -q '^Timeline: 4 events of 1 flagged user in timeline.csv, sorted by time$' "$dir/summary.txt"
}

"$M365IR" analyze --out "$tmp/o1" "$fx/forward-rule.jsonl" >"$tmp/stdout" 2>&1
rc=$?
check "--out: exit 1 (got $rc)" [ $rc -eq 1 ]
check_dir file "$tmp/o1" "$fx/forward-rule.jsonl"
check "--out: report also on stdout" grep -q '^1 user at risk' "$tmp/stdout"

cat "$fx/forward-rule.jsonl" | "$M365IR" analyze --out "$tmp/o2" - >/dev/null 2>&1
rc=$?
check "--out from a pipe: exit 1 (got $rc)" [ $rc -eq 1 ]
# The file column for stdin is "-", which CSV neutralisation may quote.
check_dir pipe "$tmp/o2" "'\\?-"

"$M365IR" analyze --out "$tmp/o3" - <"$fx/forward-rule.jsonl" >/dev/null 2>&1
rc=$?
check "--out from a redirected file: exit 1 (got $rc)" [ $rc -eq 1 ]
check_dir redirect "$tmp/o3" "'\\?-"

# Again into the same directory: files are replaced, not appended to.
"$M365IR" analyze --out "$tmp/o1" "$fx/forward-rule.jsonl" >/dev/null 2>&1
check "second run replaces findings.jsonl" \
	[ "$(wc -l <"$tmp/o1/findings.jsonl")" -eq 1 ]

: >"$tmp/notadir"
"$M365IR" analyze --out "$tmp/notadir" "$fx/forward-rule.jsonl" >/dev/null 2>&1
rc=$?
check "--out onto a file fails with exit 3 (got $rc)" [ $rc -eq 3 ]

echo "$fails failed"
[ $fails -eq 0 ]
