#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Every command answers --help with its usage, and that usage is the SYNOPSIS
# of its man page; every registered detection is listed by analyze --list
# with an ATT&CK id. (The file-level half is scripts/check-registry.)
set -u
[ -x "${M365IR:-}" ] || { echo "SKIP: M365IR not set"; exit 77; }
fail=0
bad() { echo "not ok - $*"; fail=1; }

synopsis() {
	# The text lines after .SH SYNOPSIS up to the next .SH, with roff font
	# escapes and \- removed.
	sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$1" | sed '1d;$d' | grep -v '^\.' |
		sed 's/\\f[BIRP]//g; s/\\-/-/g; s/\\(em/-/g'
}

cmds=$("$M365IR" help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
[ -n "$cmds" ] || bad "m365ir help lists no commands"
for c in $cmds; do
	out=$("$M365IR" "$c" --help) || bad "$c --help exits non-zero"
	usage=$(printf '%s\n' "$out" | sed -n '1s/^usage: //p')
	[ -n "$usage" ] || { bad "$c --help does not start with 'usage: '"; continue; }
	case $c in help|version) continue ;; esac
	man="$SRCDIR/docs/man/m365ir-$c.1"
	[ -f "$man" ] || { bad "$c has no man page"; continue; }
	synopsis "$man" | grep -Fxq -- "$usage" ||
		bad "$c: usage '$usage' is not the SYNOPSIS of $man"
done

"$M365IR" nosuchcommand >/dev/null 2>&1
[ $? -eq 2 ] || bad "an unknown command must exit 2"

listed=$("$M365IR" analyze --list 2>/dev/null | awk '{ print $1 }' | sort)
registered=$(sed -n 's/^[[:space:]]*&ir_det_\([a-z0-9_]*\),.*/\1/p' \
	"$SRCDIR/src/detect/registry.c" | tr '_' '-' | sort)
[ "$listed" = "$registered" ] ||
	bad "analyze --list ($listed) differs from the registry ($registered)"
"$M365IR" analyze --list | awk 'NF && $2 !~ /^T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?$/ { exit 1 }' ||
	bad "analyze --list shows a detection without an ATT&CK id"
[ $fail -eq 0 ] && echo "ok - commands, man pages and detections registered"
exit $fail
