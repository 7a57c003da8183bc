#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-incomplete.sh - a broken record or an unreadable file makes the
# run incomplete: exit 3 (even with findings), an "INCOMPLETE:" line that
# names the file and the record, and the problem on stderr as it happens.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
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

cd "$fx" || exit 1
"$M365IR" analyze broken-record.jsonl >"$tmp/out" 2>"$tmp/err"
rc=$?
check "broken record: exit 3 (got $rc)" [ $rc -eq 3 ]
check "INCOMPLETE line names file and record" grep -qx \
	'INCOMPLETE: broken-record.jsonl: 1 record could not be read (record 2); findings may be missing' \
	"$tmp/out"
check "problem on stderr with file, record and line" \
	grep -q '^m365ir: broken-record.jsonl: record 2 (line 2): ' "$tmp/err"
check "coverage counts the failure" \
	grep -q '^  broken-record.jsonl: jsonl, 3 records read: 1 failed,' "$tmp/out"

"$M365IR" analyze forward-rule.jsonl broken-record.jsonl >"$tmp/out" 2>/dev/null
rc=$?
check "findings + broken record: exit 3 wins (got $rc)" [ $rc -eq 3 ]
check "findings still reported" grep -q '^1 user at risk' "$tmp/out"

"$M365IR" analyze --json forward-rule.jsonl no-such-file.json >"$tmp/json" 2>"$tmp/err"
rc=$?
check "missing file: exit 3 (got $rc)" [ $rc -eq 3 ]
check "missing file: INCOMPLETE on stderr" \
	grep -q '^INCOMPLETE: no-such-file.json could not be read: no such file' "$tmp/err"
check "missing file: findings of the other file on stdout" \
	[ "$(wc -l <"$tmp/json")" -eq 1 ]

echo "$fails failed"
[ $fails -eq 0 ]
