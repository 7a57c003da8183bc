#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's JSON batching (api-map.md §D.1) with plain curl: per-item
# status, headers and body through the same routes and permissions as
# single requests, dependsOn and 424, the 20-item limit and other 400s,
# answers out of request order but always the same order; and $count=true
# with ConsistencyLevel: eventual on users.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
[ -n "${SHARED:-}" ] || { echo "SKIP: SHARED not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
examples=$SHARED/api-examples/graph
app=11111111-2222-4333-8444-555555555555
secret='gs~TestSecret.0123456789abcdefABCDEF'
limited=66666666-7777-4888-9999-000000000000
limited_secret='gs~LimitedSecret.9876543210zyxwvuZYXWVU'
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

"$GRAPHSIM" --tenant "$fixture" --port 0 --seed 3 >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
		cat "$tmp/err"; exit 1; }
	sleep 0.1
done
base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' "$tmp/out")

token() { # token CLIENT SECRET
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode scope=https://graph.microsoft.com/.default |
		jq -r .access_token
}
tok=$(token $app "$secret")
ltok=$(token $limited "$limited_secret")
# batch VERSION JSON [TOKEN]: body to $tmp/body, status on stdout
batch() {
	curl -sg -o "$tmp/body" -w '%{http_code}' \
		-H "Authorization: Bearer ${3:-$tok}" \
		-H 'Content-Type: application/json' --data-binary "$2" \
		"$base/$1/\$batch"
}
item() { # item ID JQ: a jq expression on the answer to item ID
	jq -c --arg id "$1" ".responses[] | select(.id == \$id) | $2" \
		"$tmp/body"
}

mixed='{"requests":[
 {"id":"1","method":"GET","url":"/users?$select=id,displayName&$top=1"},
 {"id":"2","method":"GET","url":"/users/nobody@contoso.com"},
 {"id":"3","method":"PATCH","url":"/users/'$alex'",
  "body":{"jobTitle":"Batched"},"headers":{"Content-Type":"application/json"}},
 {"id":"4","method":"GET","url":"/users/'$alex'?$select=jobTitle",
  "dependsOn":["3"]},
 {"id":"5","method":"GET","url":"/users/'$alex'","dependsOn":["2"]},
 {"id":"6","method":"POST","url":"/users/'$alex'"},
 {"id":"7","method":"GET","url":"users?$count=true&$top=1",
  "headers":{"ConsistencyLevel":"eventual"}}]}'

check "batch of 7: 200" 200 "$(batch v1.0 "$mixed")"
check "one answer per item" '["1","2","3","4","5","6","7"]' \
	"$(jq -c '[.responses[].id]|sort' "$tmp/body")"
check "answers are out of request order (odd positions first)" \
	'["2","4","6","1","3","5","7"]' "$(jq -c '[.responses[].id]' "$tmp/body")"
check "item 1 is a users page" '[200,1,true]' \
	"$(item 1 '[.status,(.body.value|length),(.body|has("@odata.nextLink"))]')"
check "item 1 has the JSON Content-Type" \
	'"application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"' \
	"$(item 1 '.headers["Content-Type"]')"
check "item 2: 404 in Graph's error shape" '[404,"Request_ResourceNotFound"]' \
	"$(item 2 '[.status,.body.error.code]')"
check "item 3: PATCH 204 with no body" '[204,false]' \
	"$(item 3 '[.status,has("body")]')"
check "item 4 ran after item 3 (dependsOn)" '[200,"Batched"]' \
	"$(item 4 '[.status,.body.jobTitle]')"
check "item 5: its dependency failed, so 424" '424' "$(item 5 '.status')"
check "item 6: wrong method, 405" '405' "$(item 6 '.status')"
check "item 7: \$count with ConsistencyLevel in the item's headers" \
	'[200,3]' "$(item 7 '[.status,.body["@odata.count"]]')"
check "the PATCH changed the state" '"Batched"' \
	"$(curl -s -H "Authorization: Bearer $tok" \
		"$base/v1.0/users/$alex?\$select=jobTitle" | jq -c .jobTitle)"

check "the same batch gives the same order again" \
	'["2","4","6","1","3","5","7"]' \
	"$(batch v1.0 "$mixed" >/dev/null; jq -c '[.responses[].id]' "$tmp/body")"
check "beta batch: 200" 200 "$(batch beta '{"requests":[{"id":"a","method":"GET","url":"/users/'$alex'/authentication/requirements"}]}')"
check "beta item routes to /beta (403 for this app)" 403 "$(item a .status)"

# Items carry the outer Authorization, and each is checked on its own
check "limited app: batch 200" 200 "$(batch v1.0 \
	'{"requests":[{"id":"1","method":"GET","url":"/users"}]}' "$ltok")"
check "limited app: the item is 403 Authorization_RequestDenied" \
	'[403,"Authorization_RequestDenied"]' \
	"$(item 1 '[.status,.body.error.code]')"
batch v1.0 '{"requests":[{"id":"1","method":"GET","url":"/users"}]}' junk \
	>/dev/null
check "bad token: the item is 401" 401 "$(item 1 .status)"

# The whole batch is refused
reqs() { # reqs N: a batch of N GETs
	i=0
	printf '{"requests":['
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		[ $i -gt 1 ] && printf ','
		printf '{"id":"%d","method":"GET","url":"/users/%s"}' $i $alex
	done
	printf ']}'
}
check "20 items: 200" 200 "$(batch v1.0 "$(reqs 20)")"
check "20 items: 20 answers" 20 "$(jq '.responses|length' "$tmp/body")"
check "21 items: 400" 400 "$(batch v1.0 "$(reqs 21)")"
check "21 items: Graph's error shape" '"BadRequest"' \
	"$(jq -c .error.code "$tmp/body")"
check "not JSON: 400" 400 "$(batch v1.0 'nope')"
check "no requests array: 400" 400 "$(batch v1.0 '{"x":[]}')"
check "repeated id: 400" 400 "$(batch v1.0 '{"requests":[
	{"id":"1","method":"GET","url":"/users"},
	{"id":"1","method":"GET","url":"/users"}]}')"
check "body without Content-Type: 400" 400 "$(batch v1.0 '{"requests":[
	{"id":"1","method":"PATCH","url":"/users/'$alex'","body":{}}]}')"
check "dependsOn an unknown id: 400" 400 "$(batch v1.0 '{"requests":[
	{"id":"1","method":"GET","url":"/users","dependsOn":["9"]}]}')"
check "dependsOn cycle: 400, nothing runs" 400 "$(batch v1.0 '{"requests":[
	{"id":"1","method":"PATCH","url":"/users/'$alex'","dependsOn":["2"],
	 "body":{"jobTitle":"Cycle"},"headers":{"Content-Type":"application/json"}},
	{"id":"2","method":"GET","url":"/users","dependsOn":["1"]}]}')"
check "the cyclic batch changed nothing" '"Batched"' \
	"$(curl -s -H "Authorization: Bearer $tok" \
		"$base/v1.0/users/$alex?\$select=jobTitle" | jq -c .jobTitle)"

# The contract example: the same top-level and per-item field names/types
# (the example is read from ../shared; without it this one check is skipped)
if [ -f "$examples/batch.POST.v1.response.json" ]; then
check "answer shape matches batch.POST.v1.response.json (item 1)" \
	"$(jq -c '.responses[0]|del(.headers)|[paths(scalars)|.[0]]|unique' \
		"$examples/batch.POST.v1.response.json")" \
	"$(batch v1.0 '{"requests":[{"id":"1","method":"GET","url":"/users?$top=1"}]}' >/dev/null
	   jq -c '.responses[0]|del(.headers)|[paths(scalars)|.[0]]|unique' "$tmp/body")"
else
	echo "# SKIP: $examples not present; batch contract shape not compared"
fi

# $count on users
cnt() { # cnt [curl args]: status, and the count or null
	s=$(curl -sg -o "$tmp/c" -w '%{http_code}' \
		-H "Authorization: Bearer $tok" "$@")
	echo "$s $(jq -c '.["@odata.count"]' "$tmp/c")"
}
check "\$count=true without ConsistencyLevel: 400" "400 null" \
	"$(cnt "$base/v1.0/users?\$count=true")"
check "that 400 is Request_BadRequest as the service answers" \
	'["Request_BadRequest","$count is not currently supported."]' \
	"$(jq -c '[.error.code,.error.message]' "$tmp/c")"
check "\$count=true with ConsistencyLevel: eventual: @odata.count" "200 3" \
	"$(cnt -H 'ConsistencyLevel: eventual' "$base/v1.0/users?\$count=true&\$top=2")"
check "@odata.count comes right after @odata.context" \
	'["@odata.context","@odata.count","@odata.nextLink","value"]' \
	"$(jq -c 'keys_unsorted' "$tmp/c")"
next=$(jq -r '.["@odata.nextLink"]' "$tmp/c")
check "no @odata.count on the next page" "200 null" \
	"$(cnt -H 'ConsistencyLevel: eventual' "$next")"
check "\$count=false: no count, no header needed" "200 null" \
	"$(cnt "$base/v1.0/users?\$count=false")"
check "\$count=maybe: 400" "400 null" \
	"$(cnt -H 'ConsistencyLevel: eventual' "$base/v1.0/users?\$count=maybe")"

kill "$pid"
wait "$pid"
check "SIGTERM: exit status 0" 0 $?
pid=
exit $fail
