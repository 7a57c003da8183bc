#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh - detection goldens (STYLE.md 4.8, docs/howto/add-a-detection.md).
#
# For every tests/detect/<slug>/ directory:
#   hit-<what>.jsonl + hit-<what>.expect   the findings of <slug>, as TSV:
#       severity, user, count, first_seen, evidence record numbers,
#       remediation command (or -)
#   miss-<what>.jsonl (no .expect)         must produce no finding of <slug>
# Each file is run as
#   $M365IR analyze --only <slug> --json --tenant-domain contoso.com FILE
# and each finding line is turned into TSV with jq, sorted, and compared.
# A detection that correlates others' findings (a late one, detect.h)
# finds nothing alone: tests/detect/<slug>/only lists the other slugs to
# run alongside it (white-space separated); only <slug>'s findings are
# compared.
# Output is TAP; the exit status is non-zero when any case fails, and the
# diff is shown. Exit 77 (skip) only when $M365IR is not set or missing.
set -u

if [ -z "${M365IR:-}" ] || [ ! -x "$M365IR" ]; then
	echo "SKIP: M365IR not set or not executable; detection goldens not run"
	exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "not ok - jq is required by the detection goldens"
	exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
failed=0

# run SLUG FILE: the TSV of SLUG's findings for FILE on stdout.
run() {
	rslug=$1
	rfile=$2
	set -- --only "$rslug"
	if [ -f "$here/$rslug/only" ]; then
		for extra in $(cat "$here/$rslug/only"); do
			set -- "$@" --only "$extra"
		done
	fi
	"$M365IR" analyze "$@" --json --tenant-domain contoso.com \
		"$rfile" 2>"$tmp/stderr" >"$tmp/json"
	rc=$?
	# 0 nothing found, 1 findings; anything else is a failure to run.
	if [ "$rc" -gt 1 ]; then
		echo "# exit status $rc"
		sed 's/^/# /' "$tmp/stderr"
		return 1
	fi
	# The remediation command is part of the contract: a detection that
	# points at the wrong step sends the admin to fix the wrong thing.
	jq -r --arg slug "$rslug" 'select(.detection == $slug) |
		[.severity, .user, (.count|tostring), .first_seen,
		 ([.evidence[].record|tostring]|join(",")),
		 (.remediation // "-")] | @tsv' \
		"$tmp/json" >"$tmp/tsv" || {
		echo "# jq could not read the findings"
		return 1
	}
	LC_ALL=C sort "$tmp/tsv"
}

for dir in "$here"/*/; do
	slug=$(basename "$dir")
	for f in "$dir"hit-*.jsonl "$dir"miss-*.jsonl; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		name="$slug/$(basename "$f")"
		case $(basename "$f") in
		hit-*) expect="${f%.jsonl}.expect" ;;
		*) expect=/dev/null ;;
		esac
		if [ ! -e "$expect" ]; then
			echo "not ok $n - $name: no $(basename "$expect")"
			failed=$((failed + 1))
			continue
		fi
		if run "$slug" "$f" >"$tmp/got" &&
			LC_ALL=C sort "$expect" | diff -u - "$tmp/got" \
				>"$tmp/diff"; then
			echo "ok $n - $name"
		else
			echo "not ok $n - $name"
			sed 's/^/# /' "$tmp/got" "$tmp/diff"
			failed=$((failed + 1))
		fi
	done
done
echo "1..$n"
[ "$failed" -eq 0 ] || echo "# $failed of $n failed"
[ "$failed" -eq 0 ]
