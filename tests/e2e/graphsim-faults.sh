#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's realism knobs with plain curl: --faults is deterministic for
# a seed (two runs, same status sequence) and gives 429 with Retry-After
# (whole and fractional) and without it, 503, 504, a reset connection, a
# body cut short, invalid JSON and a repeating nextLink; --latency delays
# answers without serialising them; --limits documented throttles as
# api-map.md §D.3 says; malformed knobs are exit 2.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
[ -n "${SHARED:-}" ] || { echo "SKIP: SHARED not set"; exit 77; }
for t in curl jq awk; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
example=$SHARED/api-examples/graph/error.429-throttled.example.json
app=11111111-2222-4333-8444-555555555555
secret='gs~TestSecret.0123456789abcdefABCDEF'
mail_app=22222222-3333-4444-8555-666666666666
mail_secret='gs~MailSecret.abcdef0123456789ABCDEF'
alex=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a01

tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
check() { # check DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: want '$2', got '$3'"; fi
}

start() { # start ARGS...: graphsim in the background, $base set
	[ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null; }
	: >"$tmp/out"
	"$GRAPHSIM" --tenant "$fixture" --port 0 "$@" >"$tmp/out" \
		2>"$tmp/err" &
	pid=$!
	i=0
	while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
			cat "$tmp/err"; exit 1; }
		sleep 0.1
	done
	base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' \
		"$tmp/out")
}
token() { # token CLIENT SECRET: prints the access token
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode scope=https://graph.microsoft.com/.default |
		jq -r .access_token
}
# get PATH [curl args]: headers to $tmp/h, body to $tmp/body; prints the
# status, or "x<curl exit>" when the transfer failed.
get() {
	p=$1
	shift
	s=$(curl -sg -D "$tmp/h" -o "$tmp/body" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" "$@" "$base$p")
	rc=$?
	if [ $rc -ne 0 ]; then echo "x$rc"; else echo "$s"; fi
}
retry_after() { # the Retry-After value in $tmp/h, or "none"
	v=$(tr -d '\r' <"$tmp/h" | sed -n 's/^[Rr]etry-[Aa]fter: //p')
	echo "${v:-none}"
}

spec='429=0.15,429noretry=0.15,429frac=0.1,503=0.1,504=0.1'
# run SEED: 40 GETs, one "status retry-after" line each, to $tmp/run.SEED
run() {
	start --seed "$1" --faults "$spec"
	tok=$(token $app "$secret")
	: >"$tmp/run.$1"
	for i in $(seq 40); do
		s=$(get "/v1.0/users/$alex")
		echo "$s $(retry_after)" >>"$tmp/run.$1"
		case $s in
		429) cp "$tmp/body" "$tmp/body429" ;;
		esac
	done
}

# Malformed knobs: exit 2 with a message
for k in '--faults 429=1.5' '--faults nope=0.1' '--faults 429' \
	'--faults 429=0.6,503=0.6' '--latency -5' '--latency 10:x' \
	'--limits strict'; do
	# shellcheck disable=SC2086
	"$GRAPHSIM" --tenant "$fixture" $k >/dev/null 2>"$tmp/err"
	check "$k is refused with exit 2" 2 $?
	grep -q '^graphsim: ' "$tmp/err" || bad "$k: no message"
done

# Determinism
run 42
cp "$tmp/run.42" "$tmp/first.42"
run 42
check "same seed, same request sequence: same faults" \
	"$(cat "$tmp/first.42")" "$(cat "$tmp/run.42")"
run 43
[ "$(cat "$tmp/run.42")" != "$(cat "$tmp/run.43")" ] &&
	ok "another seed gives another sequence" ||
	bad "seeds 42 and 43 gave the same sequence"
grep -q '^429 1$' "$tmp/run.42" && ok "429 with Retry-After: 1 occurs" ||
	bad "no 429 with a Retry-After"
grep -q '^429 2.128$' "$tmp/run.42" &&
	ok "429 with the fractional Retry-After 2.128 occurs" ||
	bad "no fractional Retry-After"
grep -q '^429 none$' "$tmp/run.42" && ok "429 without Retry-After occurs" ||
	bad "no 429 without Retry-After"
grep -q '^503 1$' "$tmp/run.42" && ok "503 with Retry-After occurs" ||
	bad "no 503"
grep -q '^504 ' "$tmp/run.42" && ok "504 occurs" || bad "no 504"
grep -q '^200 none$' "$tmp/run.42" && ok "most requests still succeed" ||
	bad "no 200 at all"
if [ -f "$example" ]; then
check "429 body has the example's shape" \
	"$(jq -c '[paths(scalars)|join(".")]|sort' "$example")" \
	"$(jq -c '[paths(scalars)|join(".")]|sort' "$tmp/body429")"
check "429 body has the example's fixed values" \
	"$(jq -c '[.error.code,.error.message,.error.innerError.code,.error.innerError.status,.error.innerError.message]' "$example")" \
	"$(jq -c '[.error.code,.error.message,.error.innerError.code,.error.innerError.status,.error.innerError.message]' "$tmp/body429")"
else
	echo "# SKIP: $example not present; 429 body not compared with it"
fi

# The token endpoint and /_sim are never faulted
start --seed 1 --faults 503=1
tok=$(token $app "$secret")
[ -n "$tok" ] && [ "$tok" != null ] && ok "token endpoint is not faulted" ||
	bad "no token with 503=1"
check "/_sim/state is not faulted" 200 "$(get /_sim/state)"
check "503=1: every Graph request is 503" 503 "$(get "/v1.0/users/$alex")"

# Transport faults
start --seed 1 --faults reset=1
tok=$(token $app "$secret")
s=$(get "/v1.0/users/$alex")
case $s in
x56 | x52) ok "reset: the connection drops with no answer ($s)" ;;
*) bad "reset: want curl exit 56 or 52, got '$s'" ;;
esac
start --seed 1 --faults cut=1
tok=$(token $app "$secret")
check "cut: the body is cut short (curl exit 18)" x18 \
	"$(get "/v1.0/users/$alex")"
start --seed 1 --faults badjson=1
tok=$(token $app "$secret")
check "badjson: status 200" 200 "$(get "/v1.0/users/$alex")"
jq . "$tmp/body" >/dev/null 2>&1 && bad "badjson: the body parsed" ||
	ok "badjson: the body is not JSON"
start --seed 1 --faults nextlink-repeat=1
tok=$(token $app "$secret")
check "nextlink-repeat: status 200" 200 "$(get '/v1.0/users?$top=1')"
check "nextlink-repeat: nextLink names the same page" \
	"$base/v1.0/users?\$top=1" "$(jq -r '.["@odata.nextLink"]' "$tmp/body")"

# Latency: measurable, and concurrent requests overlap
start --latency 300
tok=$(token $app "$secret")
t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $tok" \
	"$base/v1.0/users/$alex")
awk -v t="$t" 'BEGIN { exit !(t >= 0.29 && t < 2) }' &&
	ok "--latency 300: time_total $t s" ||
	bad "--latency 300: time_total $t s"
t0=$(date +%s%N)
kids=
for i in 1 2 3 4 5 6 7 8; do
	curl -s -o /dev/null -H "Authorization: Bearer $tok" \
		"$base/v1.0/users/$alex" &
	kids="$kids $!"
done
wait_all() { for j in $kids; do wait "$j"; done; kids=; }
wait_all
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt 1500 ] && ok "8 parallel requests at 300 ms overlap (${ms} ms)" ||
	bad "8 parallel requests took ${ms} ms: delays are serialised"
start --latency 200:100 --seed 5
tok=$(token $app "$secret")
lo=9 hi=0
for i in 1 2 3 4 5 6; do
	t=$(curl -s -o /dev/null -w '%{time_total}' \
		-H "Authorization: Bearer $tok" "$base/v1.0/users/$alex")
	lo=$(awk -v a="$lo" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
	hi=$(awk -v a="$hi" -v b="$t" 'BEGIN { print (b > a ? b : a) }')
done
awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo >= 0.09 && hi < 1.5) }' &&
	ok "--latency 200:100 stays within 100..300 ms (+ overhead): $lo..$hi" ||
	bad "--latency 200:100: times $lo..$hi"

# --limits documented (api-map.md §D.3)
start --limits documented
tok=$(token $app "$secret")
get /v1.0/identity/conditionalAccess/policies >/dev/null
check "Conditional Access: a 2nd request in the same second is 429" \
	429 "$(get /v1.0/identity/conditionalAccess/policies)"
check "Conditional Access 429 has no Retry-After" none "$(retry_after)"
for i in 1 2 3 4 5; do get /v1.0/auditLogs/signIns >/dev/null; done
check "reports: the 6th request in 10 s is 429" 429 \
	"$(get /v1.0/auditLogs/signIns)"
ra=$(retry_after)
case $ra in
[1-9] | 10) ok "reports 429 has Retry-After ($ra s)" ;;
*) bad "reports 429: Retry-After '$ra'" ;;
esac
check "users are not limited here" 200 "$(get "/v1.0/users/$alex")"

start --limits documented --latency 600
tok=$(token $mail_app "$mail_secret")
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' \
		-H "Authorization: Bearer $tok" \
		"$base/v1.0/users/$alex/mailFolders/inbox/messageRules" \
		>>"$tmp/outlook" &
	kids="$kids $!"
done
wait_all
check "Outlook: 4 concurrent requests per app, the others 429" \
	"200 200 200 200 429 429" "$(sort "$tmp/outlook" | tr '\n' ' ' |
		sed 's/ $//')"

kill "$pid"
wait "$pid"
check "SIGTERM with --latency and --limits: exit status 0" 0 $?
pid=
exit $fail
