#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's Office 365 Management Activity API with plain curl: a token
# for https://manage.office.com, subscriptions (start, list, stop), the
# content listing paged ONLY by the NextPageUri response header (followed
# verbatim until absent, as ../shared/cases/03-* requires), content blobs
# with a record re-delivered in two blobs (cases/04-*), and the API's own
# error shape {"error":{"code":"AFnnnnn","message"}}.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
app=44444444-5555-4666-8777-888888888888
secret='gs~AuditSecret.0123456789abcdefABCDEF'
limited=66666666-7777-4888-9999-000000000000
limited_secret='gs~LimitedSecret.9876543210zyxwvuZYXWVU'
tid=6c4f1c2a-0b7e-4f5d-9a3e-2d1b8c7f0a11

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

"$GRAPHSIM" --tenant "$fixture" --port 0 >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
		cat "$tmp/err"; exit 1; }
	sleep 0.1
done
base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' "$tmp/out")
feed=/api/v1.0/$tid/activity/feed

# get URL [curl args]: body to $tmp/body, headers to $tmp/hdr, status out.
get() {
	u=$1
	shift
	curl -sg -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' "$@" "$u"
}
# The value of response header $1 in $tmp/hdr, matched without case.
header() {
	awk -v h="$1" 'BEGIN { h = tolower(h) ":" }
		tolower(substr($0, 1, length(h))) == h {
			sub(/^[^:]*: */, ""); sub(/\r$/, ""); print }' "$tmp/hdr"
}
token() { # token CLIENT SECRET SCOPE
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		-d grant_type=client_credentials --data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" --data-urlencode "scope=$3" |
		jq -r .access_token
}
check "token for https://manage.office.com/.default" 200 \
	"$(get "$base/contoso.com/oauth2/v2.0/token" -d grant_type=client_credentials \
	-d client_id=$app --data-urlencode "client_secret=$secret" \
	--data-urlencode scope=https://manage.office.com/.default)"
auth="Authorization: Bearer $(jq -r .access_token "$tmp/body")"
lauth="Authorization: Bearer $(token $limited "$limited_secret" https://manage.office.com/.default)"
aad='contentType=Audit.AzureActiveDirectory'
window='startTime=2024-06-10T12:00:00&endTime=2024-06-11T12:00:00'

# Before any subscription
check "content without a subscription: 400" 400 \
	"$(get "$base$feed/subscriptions/content?$aad&$window" -H "$auth")"
check "... AF20022 in the API's error shape" '["AF20022",["code","message"]]' \
	"$(jq -c '[.error.code, (.error|keys)]' "$tmp/body")"
check "list: empty array" '[]' \
	"$(get "$base$feed/subscriptions/list" -H "$auth" >/dev/null;
	jq -c . "$tmp/body")"

# Subscriptions
check "start: 200" 200 \
	"$(get "$base$feed/subscriptions/start?$aad" -X POST -H "$auth")"
check "start answers the subscription" \
	'{"contentType":"Audit.AzureActiveDirectory","status":"enabled","webhook":null}' \
	"$(jq -c . "$tmp/body")"
check "start again: AF20024" '400 AF20024' \
	"$(get "$base$feed/subscriptions/start?$aad" -X POST -H "$auth") $(jq -r .error.code "$tmp/body")"
check "start Exchange with a webhook: 200" 200 \
	"$(get "$base$feed/subscriptions/start?contentType=audit.exchange" -X POST \
	-H "$auth" -H 'Content-Type: application/json' \
	-d '{"webhook":{"address":"https://webhook.contoso.com/o365/","authId":"o365activityapinotification","expiration":""}}')"
check "... the webhook echoes, empty expiration as null" \
	'{"contentType":"Audit.Exchange","status":"enabled","webhook":{"status":"enabled","address":"https://webhook.contoso.com/o365/","authId":"o365activityapinotification","expiration":null}}' \
	"$(jq -c . "$tmp/body")"
check "webhook without https: AF20021" '400 AF20021' \
	"$(get "$base$feed/subscriptions/start?contentType=Audit.SharePoint" -X POST \
	-H "$auth" -d '{"webhook":{"address":"http://webhook.contoso.com/"}}') $(jq -r .error.code "$tmp/body")"
check "list: two subscriptions, a bare array" \
	'["Audit.AzureActiveDirectory","Audit.Exchange"]' \
	"$(get "$base$feed/subscriptions/list" -H "$auth" >/dev/null;
	jq -c '[.[].contentType]' "$tmp/body")"
check "answers are application/json; charset=utf-8" \
	'application/json; charset=utf-8' "$(header content-type)"

# Content listing: pages by the NextPageUri header only
url="$base$feed/subscriptions/content?$aad&$window"
blobs=
pages=0
while [ -n "$url" ] && [ $pages -lt 10 ]; do
	code=$(get "$url" -H "$auth")
	[ "$code" = 200 ] || bad "content page $((pages + 1)) answered $code"
	jq -e 'type == "array"' "$tmp/body" >/dev/null ||
		bad "content page $((pages + 1)) is not a bare array"
	blobs="$blobs
$(jq -r '.[].contentUri' "$tmp/body")"
	pages=$((pages + 1))
	url=$(header NextPageUri)
	[ $pages = 1 ] && first_next=$url
done
check "NextPageUri keeps the window and adds nextPage" 1 \
	"$(echo "$first_next" | grep -c "^$base$feed/subscriptions/content?$aad&$window&nextPage=")"
check "two pages (page size 2), the last without NextPageUri" '2 ' \
	"$pages $(header NextPageUri)"
check "three AAD blobs in the window" 3 "$(echo "$blobs" | grep -c .)"
check "nothing about paging in the body" 0 \
	"$(grep -ci nextpage "$tmp/body")"
get "$base$feed/subscriptions/content?$aad&$window" -H "$auth" >/dev/null
check "blob entry fields and types" \
	'{"contentType":"string","contentId":"string","contentUri":"string","contentCreated":"string","contentExpiration":"string"}' \
	"$(jq -c '.[0] | map_values(type)' "$tmp/body")"
check "contentCreated, expiration 7 days on" \
	'["2024-06-10T23:05:00.000Z","2024-06-17T23:05:00.000Z"]' \
	"$(jq -c '[.[0].contentCreated, .[0].contentExpiration]' "$tmp/body")"
check "the end of the window is exclusive" 2 \
	"$(get "$base$feed/subscriptions/content?$aad&startTime=2024-06-10T23:05:00&endTime=2024-06-11T08:00:00" -H "$auth" >/dev/null;
	jq length "$tmp/body")"

# Content blobs: arrays of records; one record is delivered twice
records=
for u in $blobs; do
	code=$(get "$u" -H "$auth")
	[ "$code" = 200 ] || bad "blob $u answered $code"
	records="$records
$(jq -r '.[].Id' "$tmp/body")"
done
check "5 records in the blobs, one Id twice" '5 4' \
	"$(echo "$records" | grep -c .) $(echo "$records" | grep . | sort -u | wc -l | tr -d ' ')"
get "$(echo "$blobs" | grep . | sed -n 2p)" -H "$auth" >/dev/null
check "records keep the Management API schema" \
	'{"CreationTime":"2024-06-11T03:05:44","Operation":"UserLoginFailed","RecordType":15,"UserId":"megan.bowen@contoso.com","Workload":"AzureActiveDirectory"}' \
	"$(jq -c '.[0] | {CreationTime,Operation,RecordType,UserId,Workload}' "$tmp/body")"
check "unknown blob: AF20050" '400 AF20050' \
	"$(get "$base$feed/audit/nosuch" -H "$auth") $(jq -r .error.code "$tmp/body")"

# Errors
check "window over 24 hours: AF20055" '400 AF20055' \
	"$(get "$base$feed/subscriptions/content?$aad&startTime=2024-06-10&endTime=2024-06-12" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "only startTime: AF20055" '400 AF20055' \
	"$(get "$base$feed/subscriptions/content?$aad&startTime=2024-06-10" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "no contentType: AF20001" '400 AF20001' \
	"$(get "$base$feed/subscriptions/content" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "unknown contentType: AF20020" '400 AF20020' \
	"$(get "$base$feed/subscriptions/content?contentType=Audit.Nope" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "a nextPage we did not make: AF20031" '400 AF20031' \
	"$(get "$base$feed/subscriptions/content?$aad&$window&nextPage=x" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "another tenant's GUID: AF20010" '400 AF20010' \
	"$(get "$base/api/v1.0/00000000-0000-0000-0000-000000000001/activity/feed/subscriptions/list" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "a domain instead of a GUID: AF20013" '400 AF20013' \
	"$(get "$base/api/v1.0/contoso.com/activity/feed/subscriptions/list" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "no token: 401" 401 "$(get "$base$feed/subscriptions/list")"
check "... Authorization has been denied" \
	'Authorization has been denied for this request.' "$(jq -r .Message "$tmp/body")"
check "without ActivityFeed.Read: 401 AF10001" '401 AF10001' \
	"$(get "$base$feed/subscriptions/list" -H "$lauth") $(jq -r .error.code "$tmp/body")"
# TLS: a Graph or Exchange token is for another resource (aud).
for r in https://graph.microsoft.com https://outlook.office365.com; do
	check "a $r token: 401 Authorization has been denied" \
		'401 Authorization has been denied for this request.' \
		"$(get "$base$feed/subscriptions/list" -H "Authorization: Bearer $(token $app "$secret" $r/.default)") $(jq -r .Message "$tmp/body")"
done

# Stop, then the content is refused; reset restores the fixture
check "stop: 200, no body" '200 0' \
	"$(get "$base$feed/subscriptions/stop?$aad" -X POST -H "$auth") $(wc -c <"$tmp/body" | tr -d ' ')"
check "content of a stopped subscription: AF20023" '400 AF20023' \
	"$(get "$base$feed/subscriptions/content?$aad&$window" -H "$auth") $(jq -r .error.code "$tmp/body")"
check "stop an unknown subscription: AF20022" '400 AF20022' \
	"$(get "$base$feed/subscriptions/stop?contentType=DLP.All" -X POST -H "$auth") $(jq -r .error.code "$tmp/body")"
check "start re-enables it" 200 \
	"$(get "$base$feed/subscriptions/start?$aad" -X POST -H "$auth")"
check "reset: 204" 204 "$(get "$base/_sim/reset" -X POST)"
check "no subscriptions after reset" '[]' \
	"$(get "$base$feed/subscriptions/list" -H "$auth" >/dev/null; jq -c . "$tmp/body")"
exit $fail
