#!/bin/sh
# SPDX-License-Identifier: MIT
#
# events-usage.sh - `m365ir events` usage errors (exit 2) and --help,
# whose usage line must equal the SYNOPSIS of docs/man/m365ir-events.1.
set -u
[ -n "${M365IR:-}" ] && [ -x "$M365IR" ] || { echo "SKIP: no M365IR"; exit 77; }
fails=0

expect_exit() { # want, args...
	want=$1
	shift
	"$M365IR" "$@" >/dev/null 2>&1
	got=$?
	if [ $got -eq "$want" ]; then
		echo "ok - m365ir $* exits $want"
	else
		echo "not ok - m365ir $*: exit $got, want $want"
		fails=$((fails + 1))
	fi
}

expect_exit 2 events
expect_exit 2 events --bogus x.json
expect_exit 2 events --format xml x.json
expect_exit 2 events --format
expect_exit 0 events --help
expect_exit 0 events -h

msg=$("$M365IR" events --format xml x.json 2>&1 >/dev/null | head -1)
if [ "$msg" = "m365ir: unknown format 'xml' (choose auto, csv or json)" ]; then
	echo "ok - bad --format message"
else
	echo "not ok - bad --format message: $msg"
	fails=$((fails + 1))
fi

usage=$("$M365IR" events --help | sed -n 's/^usage: //p')
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$SRCDIR/docs/man/m365ir-events.1" |
	grep -v '^\.')
if [ "$usage" = "$synopsis" ] && [ -n "$usage" ]; then
	echo "ok - usage matches the man page SYNOPSIS"
else
	echo "not ok - usage '$usage' != SYNOPSIS '$synopsis'"
	fails=$((fails + 1))
fi
[ $fails -eq 0 ]
