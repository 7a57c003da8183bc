#!/bin/sh
# SPDX-License-Identifier: MIT
#
# analyze-usage.sh - `m365ir analyze` usage errors (exit 2), --help (exit
# 0, usage equal to the man page SYNOPSIS) and --list (every detection
# with its ATT&CK id and title).
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
fx="$SRCDIR/tests/fixtures/analyze"
fails=0

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fails=$((fails + 1)); }

expect_exit() { # want, args...
	want=$1
	shift
	"$M365IR" "$@" >/dev/null 2>&1 </dev/null
	got=$?
	if [ $got -eq "$want" ]; then ok "m365ir $* exits $want"
	else nok "m365ir $*: exit $got, want $want"; fi
}

expect_exit 2 analyze
expect_exit 2 analyze --json
expect_exit 2 analyze --bogus "$fx/clean.jsonl"
expect_exit 2 analyze --json --csv "$fx/clean.jsonl"
expect_exit 2 analyze --format xml "$fx/clean.jsonl"
expect_exit 2 analyze --only no-such-detection "$fx/clean.jsonl"
expect_exit 2 analyze --tenant-domain "" "$fx/clean.jsonl"
expect_exit 2 analyze - -
expect_exit 2 analyze --out
expect_exit 0 analyze --help
expect_exit 0 analyze -h
expect_exit 0 analyze --list

msg=$("$M365IR" analyze --json --csv x.json 2>&1 >/dev/null | head -1)
case $msg in
"m365ir: --json and --csv cannot be combined"*) ok "--json --csv message" ;;
*) nok "--json --csv message: $msg" ;;
esac
out=$("$M365IR" analyze --json --csv x.json 2>/dev/null)
[ -z "$out" ] && ok "usage error prints nothing on stdout" ||
	nok "usage error wrote to stdout: $out"

usage=$("$M365IR" analyze --help | sed -n 's/^usage: //p')
# SYNOPSIS text lines with roff escapes removed, as tests/e2e/registry.sh does
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$SRCDIR/docs/man/m365ir-analyze.1" |
	grep -v '^\.' | sed 's/\\f[BIRP]//g; s/\\-/-/g')
[ "$usage" = "$synopsis" ] && ok "usage equals the man page SYNOPSIS" ||
	nok "usage '$usage' != SYNOPSIS '$synopsis'"

list=$("$M365IR" analyze --list)
line=$(printf '%s\n' "$list" | grep '^inbox-rule-forward ')
case $line in
*T1114.003*"Inbox rule"*) ok "--list names inbox-rule-forward, its ATT&CK id and title" ;;
*) nok "--list line for inbox-rule-forward: '$line'" ;;
esac
n=$(printf '%s\n' "$list" | grep -c .)
[ "$n" -ge 10 ] && ok "--list has $n detections" || nok "--list has only $n lines"
bad=$(printf '%s\n' "$list" | awk 'NF < 3 || $2 !~ /^T[0-9][0-9][0-9][0-9]/' )
[ -z "$bad" ] && ok "every --list line has slug, ATT&CK id and title" ||
	nok "malformed --list lines: $bad"

echo "$fails failed"
[ $fails -eq 0 ]
