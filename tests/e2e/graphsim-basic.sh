#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim end to end with plain curl: the client-credentials token, the
# users routes (paging, $select, PATCH, revokeSignInSessions), the 401 /
# 403 / 404 answers, token errors, /_sim/state and /_sim/reset, and the
# request log (one line per request, never a secret or a token).
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
app=11111111-2222-4333-8444-555555555555
secret='gs~TestSecret.0123456789abcdefABCDEF'
limited=66666666-7777-4888-9999-000000000000
limited_secret='gs~LimitedSecret.9876543210zyxwvuZYXWVU'
admin_id=0f8b7a52-3c1d-4e6f-8a9b-1c2d3e4f5a03

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

"$GRAPHSIM" --tenant "$fixture" --port 0 --seed 7 --log "$tmp/log" \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
		cat "$tmp/err"; exit 1; }
	sleep 0.1
done
base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' "$tmp/out")
case $base in
http://127.0.0.1:[0-9]*) ok "prints its address ($base)" ;;
*) bad "no address in '$(cat "$tmp/out")'"; exit 1 ;;
esac

# req METHOD PATH [curl args]: body to $tmp/body, status on stdout.
# Most calls run in $(...), so the count of requests goes in a file.
req() {
	m=$1 p=$2
	shift 2
	echo >>"$tmp/count"
	curl -sg -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
token() { # token CLIENT SECRET [SCOPE]
	req POST /contoso.com/oauth2/v2.0/token \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode "scope=${3:-https://graph.microsoft.com/.default}"
}

# Token
check "client credentials token: 200" 200 "$(token $app "$secret")"
check "token answer has exactly the documented keys" \
	'["access_token","expires_in","token_type"]' \
	"$(jq -c 'keys' "$tmp/body")"
check "expires_in is a number" number "$(jq -r '.expires_in|type' "$tmp/body")"
tok=$(jq -r .access_token "$tmp/body")
roles=$(printf '%s' "$tok" | cut -d. -f2 | tr '_-' '/+' |
	awk '{ while (length($0) % 4) $0 = $0 "="; print }' |
	base64 -d 2>/dev/null | jq -c .roles)
check "the token carries the app's roles" '["User.ReadWrite.All"]' "$roles"
auth="Authorization: Bearer $tok"

# Users: paging with $top=2 until nextLink is absent
check "list users with \$top=2: 200" 200 \
	"$(req GET '/v1.0/users?$top=2' -H "$auth")"
check "first page has 2 users" 2 "$(jq '.value|length' "$tmp/body")"
ids=$(jq -r '.value[].id' "$tmp/body")
pages=1
next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
while [ -n "$next" ] && [ $pages -lt 10 ]; do
	case $next in
	"$base"/v1.0/users\?*'$top=2'*'$skiptoken='*) ;;
	*) bad "nextLink '$next' does not keep \$top and add \$skiptoken" ;;
	esac
	echo >>"$tmp/count"
	code=$(curl -sg -o "$tmp/body" -w '%{http_code}' -H "$auth" "$next")
	[ "$code" = 200 ] || bad "nextLink page answered $code"
	ids="$ids
$(jq -r '.value[].id' "$tmp/body")"
	pages=$((pages + 1))
	next=$(jq -r '."@odata.nextLink" // empty' "$tmp/body")
done
check "following nextLink gives 2 pages" 2 $pages
check "3 distinct users in all" 3 "$(echo "$ids" | sort -u | grep -c .)"
check "last page has no nextLink" false \
	"$(jq 'has("@odata.nextLink")' "$tmp/body")"
check "default page holds all 3" 3 "$(req GET /v1.0/users -H "$auth" >/dev/null;
	jq '.value|length' "$tmp/body")"
check "\$top=1000 is refused" 400 "$(req GET '/v1.0/users?$top=1000' -H "$auth")"

# Get with $select, by UPN and by id
check "get by UPN with \$select: 200" 200 \
	"$(req GET '/v1.0/users/Admin@Contoso.com?$select=id,accountEnabled' \
		-H "$auth")"
check "\$select returns just those keys" \
	'["@odata.context","accountEnabled","id"]' "$(jq -c keys "$tmp/body")"
check "the UPN finds the right user" $admin_id "$(jq -r .id "$tmp/body")"
check "\$select context names the properties" \
	'https://graph.microsoft.com/v1.0/$metadata#users(id,accountEnabled)/$entity' \
	"$(jq -r '."@odata.context"' "$tmp/body")"
check "get by id, default properties" 11 \
	"$(req GET /v1.0/users/$admin_id -H "$auth" >/dev/null;
	jq 'del(."@odata.context")|keys|length' "$tmp/body")"
check "unknown \$select property: 400" 400 \
	"$(req GET '/v1.0/users/admin@contoso.com?$select=nosuch' -H "$auth")"

# PATCH and revoke change the state
check "PATCH accountEnabled: 204" 204 \
	"$(req PATCH /v1.0/users/$admin_id -H "$auth" \
		-H 'Content-Type: application/json' \
		-d '{"accountEnabled":false,"passwordPolicies":"DisablePasswordExpiration"}')"
check "204 has no body" 0 "$(wc -c <"$tmp/body" | tr -d ' ')"
req GET /_sim/state >/dev/null
check "state shows accountEnabled false" false \
	"$(jq ".users[] | select(.id == \"$admin_id\") | .accountEnabled" "$tmp/body")"
check "state shows passwordPolicies" DisablePasswordExpiration \
	"$(jq -r ".users[] | select(.id == \"$admin_id\") | .passwordPolicies" "$tmp/body")"
check "state keys are sorted" true \
	"$(jq '[.users[0]|keys_unsorted] == [.users[0]|keys]' "$tmp/body")"
check "PATCH passwordProfile: 204" 204 \
	"$(req PATCH /v1.0/users/$admin_id -H "$auth" \
		-H 'Content-Type: application/json' \
		-d '{"passwordProfile":{"forceChangePasswordNextSignIn":true,"password":"xWwvJ]6NMw+bWH-d"}}')"
check "weak password: 400" 400 \
	"$(req PATCH /v1.0/users/$admin_id -H "$auth" \
		-d '{"passwordProfile":{"password":"short"}}')"
check "read-only property: 400" 400 \
	"$(req PATCH /v1.0/users/$admin_id -H "$auth" -d '{"id":"x"}')"
check "wrong type: 400" 400 \
	"$(req PATCH /v1.0/users/$admin_id -H "$auth" \
		-d '{"accountEnabled":"no"}')"
check "revokeSignInSessions: 200" 200 \
	"$(req POST /v1.0/users/$admin_id/revokeSignInSessions -H "$auth")"
check "revoke answers value true" true "$(jq .value "$tmp/body")"
req GET /_sim/state >/dev/null
since=$(jq -r ".users[] | select(.id == \"$admin_id\") | .signInSessionsValidFromDateTime" "$tmp/body")
case $since in
2024-06-01T07:00:00Z | "") bad "signInSessionsValidFromDateTime not moved ($since)" ;;
20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z)
	ok "signInSessionsValidFromDateTime moved to $since" ;;
*) bad "signInSessionsValidFromDateTime '$since' is not RFC 3339" ;;
esac
check "forceChangePasswordNextSignIn stored" true \
	"$(jq ".users[] | select(.id == \"$admin_id\") | .passwordProfile.forceChangePasswordNextSignIn" "$tmp/body")"

# 401, 403, 404 in Graph's error shape
check "no token: 401" 401 "$(req GET /v1.0/users)"
check "401 code" InvalidAuthenticationToken "$(jq -r .error.code "$tmp/body")"
check "made-up token: 401" 401 \
	"$(req GET /v1.0/users -H 'Authorization: Bearer eyJ.eyJ.x')"
check "token of the limited app" 200 "$(token $limited "$limited_secret")"
ltok=$(jq -r .access_token "$tmp/body")
check "token without User.Read.All: 403" 403 \
	"$(req GET /v1.0/users -H "Authorization: Bearer $ltok")"
check "403 code" Authorization_RequestDenied "$(jq -r .error.code "$tmp/body")"
check "unknown user: 404" 404 "$(req GET /v1.0/users/nobody@contoso.com -H "$auth")"
check "404 code" Request_ResourceNotFound "$(jq -r .error.code "$tmp/body")"
check "404 innerError has date, request-id, client-request-id" \
	'["client-request-id","date","request-id"]' \
	"$(jq -c '.error.innerError|keys' "$tmp/body")"

# Token errors
check "bad secret: 401" 401 "$(token $app wrong-secret)"
check "bad secret: invalid_client AADSTS7000215" 'invalid_client [7000215]' \
	"$(jq -r '"\(.error) \(.error_codes|tostring)"' "$tmp/body")"
check "unknown client: 400" 400 "$(token 00000000-0000-4000-8000-000000000000 x)"
check "unknown client: AADSTS700016" 'unauthorized_client [700016]' \
	"$(jq -r '"\(.error) \(.error_codes|tostring)"' "$tmp/body")"
check "bad scope: 400" 400 "$(token $app "$secret" https://foo.microsoft.com/.default)"
check "bad scope: invalid_scope AADSTS70011" 'invalid_scope [70011]' \
	"$(jq -r '"\(.error) \(.error_codes|tostring)"' "$tmp/body")"
check "unsupported grant: 400" 400 \
	"$(req POST /contoso.com/oauth2/v2.0/token -d grant_type=password)"
check "unsupported grant: AADSTS70003" 'unsupported_grant_type [70003]' \
	"$(jq -r '"\(.error) \(.error_codes|tostring)"' "$tmp/body")"
check "unknown tenant: 400" 400 \
	"$(req POST /fabrikam.com/oauth2/v2.0/token -d grant_type=client_credentials)"

# Reset restores the fixture
check "reset: 204" 204 "$(req POST /_sim/reset)"
req GET /_sim/state >/dev/null
check "state after reset equals the fixture" true \
	"$(jq --slurpfile f "$fixture" '. == $f[0]' "$tmp/body")"

# The log: one line per request, valid JSON, no secret, no token
nreq=$(wc -l <"$tmp/count" | tr -d ' ')
check "one log line per request" $nreq "$(wc -l <"$tmp/log" | tr -d ' ')"
check "every log line is JSON" $nreq "$(jq -c . "$tmp/log" | wc -l | tr -d ' ')"
if grep -qF -e "$secret" -e "$limited_secret" -e "$tok" -e 'xWwvJ]6NMw' "$tmp/log"; then
	bad "the log holds a secret, a password or a token"
else
	ok "the log holds no secret, password or token"
fi
check "the log masks client_secret" 1 \
	"$(jq -r 'select(.status == 200 and (.path|test("token$")))|.body' "$tmp/log" |
	head -n 1 | grep -c 'client_secret=\*\*\*')"
check "the log records PATCH bodies as JSON" false \
	"$(jq -c 'select(.method == "PATCH")|.body.accountEnabled' "$tmp/log" | head -n 1)"

# SIGTERM stops it cleanly
kill "$pid"
wait "$pid"
check "SIGTERM: exit status 0" 0 $?
pid=
exit $fail
