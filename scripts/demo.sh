#!/bin/sh
# SPDX-License-Identifier: MIT
#
# demo.sh BUILD_DIR: `make demo`. Writes a generated export of Contoso's
# tenant (bench/gen-story.c: fifty people, a fortnight, one account taken
# over) into demo-out/ and lets `m365ir analyze` find the takeover.
#
# Exit 0 when the story was found (analyze exits 1, "findings", and the
# victim has the expected findings), 1 when it was not, and analyze's own
# code when it failed (2 usage, 3 unreadable input).
set -u

build=${1:-build}
out=demo-out
victim=lisa.devries@contoso.com
gen="$build/gen-logs"
m365ir="$build/m365ir"

for f in "$gen" "$m365ir"; do
	[ -x "$f" ] || { echo "demo: $f not found; run make first" >&2; exit 2; }
done

rm -rf "$out"
"$gen" demo "$out" || { echo "demo: generating the export failed" >&2; exit 1; }
set -- "$out"/purview-audit.csv "$out"/unified-audit.jsonl \
	"$out"/signins.json "$out"/directory-audit.json

echo "Contoso (contoso.com, 50 people): what an admin exported for 17-30 Nov 2026,"
echo "a Purview audit CSV, Management Activity API JSON, Entra sign-ins and directory audits."
echo "\$ m365ir analyze --out $out/report $*"
echo
"$m365ir" analyze --out "$out/report" "$@"
rc=$?
echo
case $rc in
1) ;;
0) echo "demo: analyze found nothing: the story was missed" >&2; exit 1 ;;
*) echo "demo: analyze failed (exit $rc)" >&2; exit "$rc" ;;
esac

# The takeover, step by step, as detection slugs; each must be reported
# for the victim (password-spray may come as brute-force).
missing=""
for slug in "password-spray brute-force" signin-new-country mfa-change \
	inbox-rule-hide mailbox-forwarding inbox-rule-forward \
	mailbox-delegate app-consent; do
	found=0
	for s in $slug; do
		# -n and inputs: jq 1.6's -e looks only at the last line.
		jq -n -e --arg u "$victim" --arg s "$s" \
			'any(inputs; .user == $u and .detection == $s)' \
			"$out/report/findings.jsonl" >/dev/null 2>&1 && found=1
	done
	[ $found = 1 ] || missing="$missing $slug"
done
if [ -n "$missing" ]; then
	echo "demo: the story is incomplete; not reported for $victim:$missing" >&2
	exit 1
fi

echo "Report files:"
for f in "$out"/report/*; do
	echo "  $f"
done
exit 0
