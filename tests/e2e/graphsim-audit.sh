#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's audit routes with plain curl: auditLogs/signIns and
# directoryAudits (newest first, paging, the $filter forms m365ir sends
# and a 400 for every form graphsim does not implement), and the Purview
# audit log query API (notStarted -> running -> succeeded, records paged
# by @odata.nextLink, the query's filters applied). The fixture's twelve
# sign-ins and ten unified audit log records are in sim/tenants/minimal.json.
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
alex=alex.wilber@contoso.com

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

# req METHOD PATH [curl args]: body to $tmp/body, status on stdout.
req() {
	m=$1 p=$2
	shift 2
	curl -sg -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
# filter PATH FILTER: GET with $filter (URL-encoded by curl).
filter() {
	curl -sg -o "$tmp/body" -w '%{http_code}' -G -H "$auth" \
		--data-urlencode "\$filter=$2" "$base$1"
}
token() { # token CLIENT SECRET
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		-d grant_type=client_credentials --data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode scope=https://graph.microsoft.com/.default |
		jq -r .access_token
}
auth="Authorization: Bearer $(token $app "$secret")"
lauth="Authorization: Bearer $(token $limited "$limited_secret")"
si=/v1.0/auditLogs/signIns
da=/v1.0/auditLogs/directoryAudits

# signIns: all of them, newest first, then in pages of 5
check "signIns: 200" 200 "$(req GET $si -H "$auth")"
check "all 12 sign-ins" 12 "$(jq '.value|length' "$tmp/body")"
check "@odata.context" 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "newest first (fraction and all)" \
	'["2024-06-12T06:15:20.5Z","2024-06-11T12:00:00Z"]' \
	"$(jq -c '[.value[0:2][].createdDateTime]' "$tmp/body")"
check "sorted descending throughout" true \
	"$(jq '[.value[].createdDateTime|sub("\\.[0-9]+";"")] as $t |
	       $t == ($t|sort|reverse)' "$tmp/body")"
check "no nextLink when all fit" false "$(jq 'has("@odata.nextLink")' "$tmp/body")"
req GET "$si?\$top=5" -H "$auth" >/dev/null
ids=$(jq -r '.value[].id' "$tmp/body")
pages=1
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
while [ -n "$next" ] && [ $pages -lt 10 ]; do
	case $next in
	"$base$si?"*'$top=5'*'$skiptoken='*) ;;
	*) bad "nextLink '$next' does not keep \$top and add \$skiptoken" ;;
	esac
	curl -sg -o "$tmp/body" -H "$auth" "$next"
	ids="$ids
$(jq -r '.value[].id' "$tmp/body")"
	pages=$((pages + 1))
	next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
done
check "\$top=5 gives 3 pages" 3 $pages
check "12 distinct sign-ins across the pages" 12 \
	"$(echo "$ids" | sort -u | grep -c .)"
check "\$top=1001 is refused" 400 "$(req GET "$si?\$top=1001" -H "$auth")"
check "a made-up \$skiptoken is refused" 400 \
	"$(req GET "$si?\$skiptoken=nonsense" -H "$auth")"

# The filters m365ir sends
check "one user in a time window: 200" 200 \
	"$(filter $si "userPrincipalName eq '$alex' and createdDateTime ge 2024-06-10T22:00:00Z and createdDateTime le 2024-06-10T23:00:00Z")"
check "... the four Lagos sign-ins, newest first" \
	'["2024-06-10T22:47:02Z","2024-06-10T22:43:30Z","2024-06-10T22:41:10Z","2024-06-10T22:40:05Z"]' \
	"$(jq -c '[.value[].createdDateTime]' "$tmp/body")"
filter $si "userPrincipalName eq 'ALEX.Wilber@Contoso.com'" >/dev/null
check "UPN compares without case" 6 "$(jq '.value|length' "$tmp/body")"
filter $si "createdDateTime ge 2024-06-11T03:05:44Z and createdDateTime lt 2024-06-11T07:30:00Z" >/dev/null
check "ge is inclusive, lt exclusive" \
	'["2024-06-11T03:06:01Z","2024-06-11T03:05:44Z"]' \
	"$(jq -c '[.value[].createdDateTime]' "$tmp/body")"
filter $si "createdDateTime gt 2024-06-10T23:43:30+01:00" >/dev/null
check "an offset literal is the same instant (gt 22:43:30Z)" 7 \
	"$(jq '.value|length' "$tmp/body")"
filter $si "status/errorCode ne 0 and (location/countryOrRegion eq 'RU' or location/countryOrRegion eq 'NL')" >/dev/null
check "nested path, ne, or in parentheses" '[50074,50053,50126]' \
	"$(jq -c '[.value[].status.errorCode]' "$tmp/body")"
filter $si "startswith(userPrincipalName,'meg') and isInteractive eq true" >/dev/null
check "startswith and a boolean" 4 "$(jq '.value|length' "$tmp/body")"
filter $si "status/errorCode eq 0 and location/countryOrRegion eq 'NG' or userPrincipalName eq 'admin@contoso.com'" >/dev/null
check "and binds tighter than or" 4 "$(jq '.value|length' "$tmp/body")"
filter $si "userDisplayName eq 'O''Brien'" >/dev/null
check "'' inside a literal: valid, no match" '200 0' \
	"$(jq -r '"200 \(.value|length)"' "$tmp/body")"
filter $si "userPrincipalName eq '$alex'" >/dev/null
first=$(jq -r '.value[0].id' "$tmp/body")
check "get one sign-in by id" 200 "$(req GET $si/$first -H "$auth")"
check "... its entity context" \
	'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns/$entity' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "unknown sign-in id: 404" 404 "$(req GET $si/nosuch -H "$auth")"
check "filter and paging together" 2 \
	"$(curl -sg -G -H "$auth" --data-urlencode "\$filter=userPrincipalName eq '$alex'" \
		--data-urlencode '$top=4' "$base$si" | jq -r '."@odata.nextLink"' |
		xargs curl -sg -H "$auth" | jq '.value|length')"

# Forms graphsim does not implement are refused, never ignored
for f in "contains(userPrincipalName,'alex')" \
	"not (userPrincipalName eq '$alex')" \
	"createdDateTime ge '2024-06-10T00:00:00Z'" \
	"userPrincipalName eq 42" \
	"nosuchProperty eq 'x'" \
	"userPrincipalName gt 'a'" \
	"userPrincipalName eq 'unterminated" \
	"userPrincipalName eq '$alex' and" \
	"(userPrincipalName eq '$alex'"; do
	code=$(filter $si "$f")
	if [ "$code" = 400 ] &&
	   [ "$(jq -r .error.code "$tmp/body")" = BadRequest ]; then
		ok "400 BadRequest for \$filter=$f"
	else
		bad "\$filter=$f: want 400 BadRequest, got $code"
	fi
done
check "\$orderby is refused" 400 "$(req GET "$si?\$orderby=createdDateTime" -H "$auth")"
check "no token: 401" 401 "$(req GET $si)"
check "without AuditLog.Read.All: 403" 403 "$(req GET $si -H "$lauth")"

# directoryAudits
check "directoryAudits: 200" 200 "$(req GET $da -H "$auth")"
check "5 audits, newest first" \
	'["2024-06-11T07:36:00Z","2024-06-11T07:35:00Z","2024-06-10T22:52:41Z","2024-06-10T22:52:40Z","2024-06-09T10:00:00Z"]' \
	"$(jq -c '[.value[].activityDateTime]' "$tmp/body")"
filter $da "initiatedBy/user/userPrincipalName eq '$alex' and activityDateTime ge 2024-06-10T00:00:00Z" >/dev/null
check "by initiator UPN and time" \
	'["Add delegated permission grant","Consent to application"]' \
	"$(jq -c '[.value[].activityDisplayName]' "$tmp/body")"
filter $da "activityDateTime le 2024-06-10T00:00:00Z or startswith(activityDisplayName,'Reset')" >/dev/null
check "le or startswith" '["Reset user password","Add member to group"]' \
	"$(jq -c '[.value[].activityDisplayName]' "$tmp/body")"
check "targetResources/any lambda: 400" 400 \
	"$(filter $da "targetResources/any(t: t/id eq 'x')")"
check "get one audit" 'Reset user password' \
	"$(req GET $da/Directory_d1a0004_CJ6N0_4 -H "$auth" >/dev/null;
	jq -r .activityDisplayName "$tmp/body")"
check "directoryAudits without the permission: 403" 403 \
	"$(req GET $da -H "$lauth")"

# Purview audit log query: create, poll, records
q=/beta/security/auditLog/queries
body='{"displayName":"alex 2 days","filterStartDateTime":"2024-06-10T00:00:00Z","filterEndDateTime":"2024-06-12T00:00:00Z","userPrincipalNameFilters":["Alex.Wilber@contoso.com"]}'
check "create a query: 201" 201 \
	"$(req POST $q -H "$auth" -H 'Content-Type: application/json' -d "$body")"
check "it is notStarted" notStarted "$(jq -r .status "$tmp/body")"
check "the filters echo back, absent ones empty or null" \
	'[["Alex.Wilber@contoso.com"],[],null]' \
	"$(jq -c '[.userPrincipalNameFilters,.operationFilters,.keywordFilter]' "$tmp/body")"
id=$(jq -r .id "$tmp/body")
check "records before it has run: 400" 400 "$(req GET "$q/$id/records" -H "$auth")"
check "first poll: running" running \
	"$(req GET "$q/$id" -H "$auth" >/dev/null; jq -r .status "$tmp/body")"
check "second poll: succeeded" succeeded \
	"$(req GET "$q/$id" -H "$auth" >/dev/null; jq -r .status "$tmp/body")"
check "still succeeded after" succeeded \
	"$(req GET "$q/$id" -H "$auth" >/dev/null; jq -r .status "$tmp/body")"
check "records: 200" 200 "$(req GET "$q/$id/records?\$top=3" -H "$auth")"
ops=$(jq -r '.value[].operation' "$tmp/body")
pages=1
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
while [ -n "$next" ] && [ $pages -lt 10 ]; do
	curl -sg -o "$tmp/body" -H "$auth" "$next"
	ops="$ops
$(jq -r '.value[].operation' "$tmp/body")"
	pages=$((pages + 1))
	next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
done
check "Alex's 7 records in 3 pages of 3" '7 3' \
	"$(echo "$ops" | grep -c .) $pages"
check "records map the UAL schema" \
	'{"id":"a0d10010-1111-4222-8333-444455556666","createdDateTime":"2024-06-11T12:00:00Z","auditLogRecordType":"microsoftTeams","userType":"regular","service":"MicrosoftTeams","userPrincipalName":"alex.wilber@contoso.com","clientIp":"2001:db8::1f","data":25}' \
	"$(jq -c '.value[-1] | {id,createdDateTime,auditLogRecordType,userType,service,userPrincipalName,clientIp,data:.auditData.RecordType}' "$tmp/body")"
body='{"filterStartDateTime":"2024-06-10T00:00:00Z","filterEndDateTime":"2024-06-12T00:00:00Z","recordTypeFilters":["exchangeAdmin"],"operationFilters":["remove-inboxrule","New-InboxRule"]}'
req POST /v1.0/security/auditLog/queries -H "$auth" -d "$body" >/dev/null
id2=$(jq -r .id "$tmp/body")
req GET "/v1.0/security/auditLog/queries/$id2" -H "$auth" >/dev/null
req GET "/v1.0/security/auditLog/queries/$id2" -H "$auth" >/dev/null
req GET "/v1.0/security/auditLog/queries/$id2/records" -H "$auth" >/dev/null
check "v1.0 too; record type and operation filters" \
	'[["New-InboxRule","user"],["Remove-InboxRule","admin"]]' \
	"$(jq -c '[.value[]|[.operation,(.userType|sub("regular";"user"))]]' "$tmp/body")"
check "query without times: 400" 400 \
	"$(req POST $q -H "$auth" -d '{"displayName":"x"}')"
check "a filter that is not a list: 400" 400 \
	"$(req POST $q -H "$auth" -d '{"filterStartDateTime":"2024-06-10T00:00:00Z","filterEndDateTime":"2024-06-12T00:00:00Z","operationFilters":"New-InboxRule"}')"
check "unknown property: 400" 400 \
	"$(req POST $q -H "$auth" -d '{"filterStartDateTime":"2024-06-10T00:00:00Z","filterEndDateTime":"2024-06-12T00:00:00Z","nosuch":1}')"
check "unknown query: 404" 404 "$(req GET $q/00000000-0000-4000-8000-000000000000 -H "$auth")"
check "without AuditLogsQuery.Read.All: 403" 403 \
	"$(req POST $q -H "$lauth" -d "$body")"
check "an unknown version: 400" 400 \
	"$(req POST /v9.9/security/auditLog/queries -H "$auth" -d "$body")"
req GET /_sim/state >/dev/null
check "the state holds the queries, counters included" '2 3' \
	"$(jq -r '"\(.auditLogQueries|length) \(.auditLogQueries[0].graphsimPolls)"' "$tmp/body")"
req GET "$q/$id" -H "$auth" >/dev/null
check "the counter is never served" false "$(jq 'has("graphsimPolls")' "$tmp/body")"
check "reset: 204" 204 "$(req POST /_sim/reset)"
check "reset forgets queries" 404 "$(req GET "$q/$id" -H "$auth")"
exit $fail
