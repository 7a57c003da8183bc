#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-out-unwritable.sh - when the --out directory cannot be written,
# the findings still reach standard output, the error names the directory,
# and the run says INCOMPLETE (exit 3) rather than losing the answer. Also:
# options after the file names work (GNU argument order), so a hurried
# `analyze FILE --json` does not treat --json as a file.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq not installed"; exit 77; }
fx="$SRCDIR/tests/fixtures/analyze"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
nok() { echo "not ok - $*"; fails=$((fails + 1)); }

: >"$tmp/plainfile"
"$M365IR" analyze --tenant-domain contoso.com --out "$tmp/plainfile/report" \
	"$fx/forward-rule.jsonl" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || nok "unwritable --out exits $rc, want 3"
grep -q 'alice@contoso.com' "$tmp/out" || nok "findings were not printed"
grep -q "INCOMPLETE: the report directory $tmp/plainfile/report" "$tmp/err" ||
	nok "stderr does not name the unwritten directory: $(cat "$tmp/err")"

"$M365IR" analyze "$fx/forward-rule.jsonl" --json --tenant-domain contoso.com \
	>"$tmp/json" 2>/dev/null
rc=$?
[ $rc -eq 1 ] || nok "options after the file: exit $rc, want 1"
[ "$(jq -r .detection "$tmp/json" 2>/dev/null)" = inbox-rule-forward ] ||
	nok "options after the file: --json was not honoured"
[ $fails -eq 0 ] && echo "ok - findings survive an unwritable --out; options may follow files"
exit $fails
