#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-stdin.sh - `-` reads standard input, from a pipe or a redirect,
# and evidence names the file "-".
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

cat "$fx/forward-rule.jsonl" | "$M365IR" analyze --json - >"$tmp/json" 2>/dev/null
rc=$?
check "pipe: exit 1 (got $rc)" [ $rc -eq 1 ]
check "pipe: evidence file is -" \
	[ "$(jq -r '.evidence[0].file' "$tmp/json")" = - ]
check "pipe: evidence record 3" \
	[ "$(jq -r '.evidence[0].record' "$tmp/json")" = 3 ]

"$M365IR" analyze - <"$fx/clean.jsonl" >"$tmp/out" 2>&1
rc=$?
check "redirect, clean: exit 0 (got $rc)" [ $rc -eq 0 ]
check "redirect, clean: No findings" grep -q '^No findings in 1 file' "$tmp/out"
check "coverage names stdin as -" grep -q '^  -: jsonl, 3 records read' "$tmp/out"

"$M365IR" analyze "$fx/clean.jsonl" - <"$fx/forward-rule.jsonl" >"$tmp/out" 2>&1
rc=$?
check "file and stdin together: exit 1 (got $rc)" [ $rc -eq 1 ]

echo "$fails failed"
[ $fails -eq 0 ]
