#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh BUILD_DIR: `make bench`. Throughput and peak memory of
# `m365ir analyze` on a 1 GB Management Activity API JSON Lines file and a
# 500 MB Purview CSV, beside jq and wc -l on the same files, with the
# targets from bench/README.md and PASS/MISS for each. Then the streaming
# check: analyze on a JSON Lines file a quarter the size, and PASS only if
# the big file's peak RSS is under 64 MiB and at most 1.5 times the small
# file's (memory must not grow with the log).
#
# The inputs come from `gen-logs ual-jsonl|purview-csv` (bench/gen-story.c:
# Contoso's record mix, ~1% inbox rules, forwarding, delegates and
# consents) and are kept in bench-data/ between runs. Each file is read
# once before it is timed, so every tool starts from a warm page cache.
# BENCH_JSONL_MB and BENCH_CSV_MB change the sizes (MiB).
set -u

build=${1:-build}
jsonl_mb=${BENCH_JSONL_MB:-1024}
small_mb=$((jsonl_mb / 4))
csv_mb=${BENCH_CSV_MB:-500}
data=bench-data
gen="$build/gen-logs"
m365ir="$build/m365ir"
gnutime=/usr/bin/time

for f in "$gen" "$m365ir"; do
	[ -x "$f" ] || { echo "bench: $f not found; run make first" >&2; exit 2; }
done
[ -x "$gnutime" ] || { echo "bench: $gnutime missing: apt-get install time" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench: jq missing: apt-get install jq" >&2; exit 2; }

mkdir -p "$data"
jsonl="$data/ual-${jsonl_mb}m.jsonl"
small="$data/ual-${small_mb}m.jsonl"
csv="$data/purview-${csv_mb}m.csv"
# Generate into a temporary name so an interrupted run leaves no half file.
make_input() { # MODE MB FILE
	[ -s "$3" ] && return 0
	echo "bench: generating $3 ($2 MiB)" >&2
	"$gen" "$1" "$2" "$3.tmp" && mv "$3.tmp" "$3" ||
		{ rm -f "$3.tmp"; exit 1; }
}
make_input ual-jsonl "$jsonl_mb" "$jsonl"
make_input ual-jsonl "$small_mb" "$small"
make_input purview-csv "$csv_mb" "$csv"

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$tmp".*' EXIT

# measure LABEL FILE MIN_MBPS(or -) MAX_RSS_MIB(or -) COMMAND...
# analyze exits 1 when it finds something, which the inputs guarantee.
measure() {
	label=$1 file=$2 want_mbps=$3 want_rss=$4
	label_id=$((${label_id:-0} + 1))
	shift 4
	cat "$file" >/dev/null
	"$gnutime" -o "$tmp" -f '%e %M' "$@" >/dev/null 2>"$tmp.err"
	rc=$?
	tail -n 1 "$tmp" >"$tmp.$label_id"
	case $rc in 0|1) ;; *)
		echo "bench: $label exited $rc: $(head -2 "$tmp.err")" >&2 ;;
	esac
	rm -f "$tmp.err"
	bytes=$(wc -c <"$file")
	# /usr/bin/time may prefix a "Command exited" line; the figures are last.
	tail -n 1 "$tmp" | awk -v label="$label" -v bytes="$bytes" \
		-v wm="$want_mbps" -v wr="$want_rss" '{
		s = $1; rss = $2 / 1024; mbps = s > 0 ? bytes / 1048576 / s : 0
		verdict = "-"; target = "-"
		if (wm != "-") {
			target = sprintf(">=%d MB/s, <%d MiB", wm, wr)
			verdict = (mbps >= wm && rss < wr) ? "PASS" : "MISS"
			if (mbps < wm) verdict = verdict " (speed)"
			if (rss >= wr) verdict = verdict " (memory)"
		}
		printf "%-44s %8.2f %9.1f %9.1f  %-22s %s\n", label, s, mbps,
			rss, target, verdict
	}'
}

printf "%-44s %8s %9s %9s  %-22s %s\n" "command ($(nproc) cores)" "wall s" \
	"MB/s" "RSS MiB" "target" "result"
measure "m365ir analyze --json (JSONL ${jsonl_mb} MiB)" "$jsonl" 500 64 \
	"$m365ir" analyze --json "$jsonl"
big_rss=$tmp.$label_id
measure "m365ir analyze --json (JSONL ${small_mb} MiB)" "$small" - - \
	"$m365ir" analyze --json "$small"
small_rss=$tmp.$label_id
measure "m365ir analyze --json (CSV ${csv_mb} MiB)" "$csv" 250 64 \
	"$m365ir" analyze --json "$csv"
measure "jq -c 'select(.Operation==...)' (JSONL)" "$jsonl" - - \
	jq -c 'select(.Operation=="New-InboxRule")' "$jsonl"
measure "wc -l (JSONL)" "$jsonl" - - wc -l "$jsonl"
measure "wc -l (CSV)" "$csv" - - wc -l "$csv"
echo "MB/s is MiB of input per wall-clock second; RSS is the peak resident set."
# Streaming: 4x the input must not mean (much) more memory.
awk -v big="$(cut -d' ' -f2 "$big_rss")" \
	-v small="$(cut -d' ' -f2 "$small_rss")" -v bm="$jsonl_mb" -v sm="$small_mb" 'BEGIN {
	b = big / 1024; s = small / 1024; r = s > 0 ? b / s : 0
	ok = b < 64 && r <= 1.5
	printf "peak RSS of analyze: %.1f MiB at %d MiB, %.1f MiB at %d MiB " \
		"(x%.2f; target < 64 MiB and <= x1.5): %s\n", s, sm, b, bm, r,
		ok ? "PASS" : "MISS"
}'
