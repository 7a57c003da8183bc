#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim's other ways to a token: certificate client assertions (RS256
# with x5t, PS256 with x5t#S256, and each way one can be wrong) and the
# device code flow (pending, slow_down, approve, decline, expiry, the
# delegated token's scp, the refresh token grant). Keys and certificates
# are made here with the openssl CLI in a temporary directory; no private
# key is ever committed.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq openssl; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

app=11111111-2222-4333-8444-555555555555
limited=66666666-7777-4888-9999-000000000000
secret='gs~TestSecret.0123456789abcdefABCDEF'
tid=6c4f1c2a-0b7e-4f5d-9a3e-2d1b8c7f0a11
aud="https://login.microsoftonline.com/$tid/oauth2/v2.0/token"

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

# Three key pairs: cert1 registered, cert2 registered but expired,
# cert3 never registered.
for k in 1 2 3; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key$k.pem" \
		-out "$tmp/cert$k.pem" -days 2 -subj "/CN=graphsim test $k" \
		2>/dev/null || { echo "not ok - openssl req failed"; exit 1; }
done
jq --rawfile c1 "$tmp/cert1.pem" --rawfile c2 "$tmp/cert2.pem" '
	.applications[0].keyCredentials += [
	  { keyId: "00000000-0000-4000-8000-0000000000c1", type:
	    "AsymmetricX509Cert", usage: "Verify",
	    endDateTime: "2099-12-31T00:00:00Z", key: $c1 },
	  { keyId: "00000000-0000-4000-8000-0000000000c2", type:
	    "AsymmetricX509Cert", usage: "Verify",
	    endDateTime: "2020-01-01T00:00:00Z", key: $c2 } ]
	| .simulator = { deviceCodeInterval: 1 }' \
	"$SRCDIR/sim/tenants/minimal.json" >"$tmp/fixture.json" ||
	{ echo "not ok - jq could not write the fixture"; exit 1; }

"$GRAPHSIM" --tenant "$tmp/fixture.json" --port 0 --seed 11 \
	--log "$tmp/log" >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
		cat "$tmp/err"; exit 1; }
	sleep 0.1
done
base=$(sed -n 's/^graphsim: listening on \(http:[^ ]*\)$/\1/p' "$tmp/out")

req() { # req METHOD PATH [curl args]: body to $tmp/body, status out
	m=$1 p=$2
	shift 2
	curl -sg -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
err() { jq -r '"\(.error) \(.error_codes|tostring)"' "$tmp/body"; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
payload() { # payload JWT: its decoded claims
	printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+' |
		awk '{ while (length($0) % 4) $0 = $0 "="; print }' |
		openssl base64 -d -A
}
thumb() { # thumb CERT sha1|sha256
	openssl x509 -in "$1" -outform DER | openssl dgst -"$2" -binary |
		b64url
}
x5t1=$(thumb "$tmp/cert1.pem" sha1)
s2561=$(thumb "$tmp/cert1.pem" sha256)

# sign ALG KEY HEADER PAYLOAD: a compact JWS
sign() {
	h=$(printf '%s' "$3" | b64url)
	p=$(printf '%s' "$4" | b64url)
	if [ "$1" = PS256 ]; then
		s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 \
			-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 \
			-sign "$2" | b64url)
	else
		s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 \
			-sign "$2" | b64url)
	fi
	printf '%s.%s.%s' "$h" "$p" "$s"
}
now=$(date +%s)
claims() { # claims [AUD [NBF [EXP [ISS]]]]
	printf '{"aud":"%s","iss":"%s","sub":"%s","jti":"%s","nbf":%s,"exp":%s}' \
		"${1:-$aud}" "${4:-$app}" "${4:-$app}" \
		"$(openssl rand -hex 16)" "${2:-$now}" "${3:-$((now + 600))}"
}
rs() { printf '{"alg":"RS256","typ":"JWT","x5t":"%s"}' "${1:-$x5t1}"; }
ps() { printf '{"alg":"PS256","typ":"JWT","x5t#S256":"%s"}' "${1:-$s2561}"; }
assert_token() { # assert_token JWT [CLIENT [TYPE]]
	req POST /contoso.com/oauth2/v2.0/token \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=${2:-$app}" \
		--data-urlencode "client_assertion_type=${3:-urn:ietf:params:oauth:client-assertion-type:jwt-bearer}" \
		--data-urlencode "client_assertion=$1" \
		--data-urlencode scope=https://graph.microsoft.com/.default
}

# Certificate client assertions: the good ones
check "RS256 + x5t: 200" 200 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" "$(claims)")")"
tok=$(jq -r .access_token "$tmp/body")
check "the assertion token carries the app's roles" '["User.ReadWrite.All"]' \
	"$(payload "$tok" | jq -c .roles)"
check "and works on Graph" 200 \
	"$(req GET /v1.0/users -H "Authorization: Bearer $tok")"
check "PS256 + x5t#S256: 200" 200 \
	"$(assert_token "$(sign PS256 "$tmp/key1.pem" "$(ps)" "$(claims)")")"
check "PS256 answer has the documented keys" \
	'["access_token","expires_in","token_type"]' "$(jq -c keys "$tmp/body")"
check "aud in the v2.0 issuer form: 200" 200 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims "https://login.microsoftonline.com/$tid/v2.0")")")"
check "aud naming a verified domain: 200" 200 \
	"$(assert_token "$(sign PS256 "$tmp/key1.pem" "$(ps)" \
		"$(claims "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")")")"
check "aud naming graphsim's own token URL: 200" 200 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims "$base/contoso.com/oauth2/v2.0/token")")")"
padded=$(openssl x509 -in "$tmp/cert1.pem" -outform DER |
	openssl dgst -sha1 -binary | openssl base64 -A)
check "x5t padded and in the standard alphabet (as MSAL sends): 200" 200 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs "$padded")" \
		"$(claims)")")"
check "nbf 2 minutes ahead is within the skew: 200" 200 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims "" $((now + 120)))")")"

# ... and the bad ones
check "signed with the wrong key: 401" 401 \
	"$(assert_token "$(sign RS256 "$tmp/key3.pem" "$(rs)" "$(claims)")")"
check "wrong key: invalid_client AADSTS700027" 'invalid_client [700027]' "$(err)"
check "PS256 signed with the wrong key: 700027" 'invalid_client [700027]' \
	"$(assert_token "$(sign PS256 "$tmp/key3.pem" "$(ps)" "$(claims)")" \
		>/dev/null; err)"
check "PKCS#1 v1.5 signature labelled PS256: 700027" 'invalid_client [700027]' \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(ps)" "$(claims)")" \
		>/dev/null; err)"
good=$(sign RS256 "$tmp/key1.pem" "$(rs)" "$(claims)")
forged=$(printf '%s' "$good" | cut -d. -f1).$(claims "" "" $((now + 9999)) |
	b64url).$(printf '%s' "$good" | cut -d. -f3)
check "payload changed after signing: 700027" 'invalid_client [700027]' \
	"$(assert_token "$forged" >/dev/null; err)"
fixture_x5t=$(jq -r '.applications[0].keyCredentials[0].key' \
	"$SRCDIR/sim/tenants/minimal.json" | openssl x509 -outform DER |
	openssl dgst -sha1 -binary | b64url)
check "minimal.json's certificate is found, our key does not match it" \
	'invalid_client [700027] signature does not verify' \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs "$fixture_x5t")" \
		"$(claims)")" >/dev/null; err) $(jq -r .error_description \
		"$tmp/body" | grep -o 'signature does not verify')"
check "unknown thumbprint: 401" 401 \
	"$(assert_token "$(sign RS256 "$tmp/key3.pem" \
		"$(rs "$(thumb "$tmp/cert3.pem" sha1)")" "$(claims)")")"
check "unknown thumbprint: 700027, key not found" \
	'invalid_client [700027] The key was not found' \
	"$(err) $(jq -r .error_description "$tmp/body" | grep -o 'The key was not found')"
check "expired certificate: 700027, key expired" \
	'invalid_client [700027] The key used is expired' \
	"$(assert_token "$(sign PS256 "$tmp/key2.pem" \
		"$(ps "$(thumb "$tmp/cert2.pem" sha256)")" "$(claims)")" \
		>/dev/null; err) $(jq -r .error_description "$tmp/body" |
		grep -o 'The key used is expired')"
check "expired assertion: 401" 401 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims "" $((now - 4000)) $((now - 3600)))")")"
check "expired assertion: AADSTS700024" 'invalid_client [700024]' "$(err)"
check "nbf an hour ahead: AADSTS700024" 'invalid_client [700024]' \
	"$(assert_token "$(sign PS256 "$tmp/key1.pem" "$(ps)" \
		"$(claims "" $((now + 3600)) $((now + 4000)))")" >/dev/null; err)"
check "wrong aud: 401" 401 \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims https://login.microsoftonline.com/fabrikam.com/oauth2/v2.0/token)")")"
check "wrong aud: AADSTS700023" 'invalid_client [700023]' "$(err)"
check "aud on another host: AADSTS700023" 'invalid_client [700023]' \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims "https://login.example.com/$tid/oauth2/v2.0/token")")" \
		>/dev/null; err)"
check "iss/sub another client: AADSTS700021" 'invalid_client [700021]' \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" \
		"$(claims "" "" "" $limited)")" >/dev/null; err)"
nojti=$(printf '{"aud":"%s","iss":"%s","sub":"%s","exp":%s}' "$aud" $app \
	$app $((now + 600)))
check "no jti: AADSTS50027" 'invalid_client [50027]' \
	"$(assert_token "$(sign RS256 "$tmp/key1.pem" "$(rs)" "$nojti")" \
		>/dev/null; err)"
check "alg none: AADSTS50027" 'invalid_client [50027]' \
	"$(assert_token "$(printf '{"alg":"none","x5t":"%s"}' "$x5t1" |
		b64url).$(claims | b64url)." >/dev/null; err)"
check "not a JWT: AADSTS50027" 'invalid_client [50027]' \
	"$(assert_token not.a-jwt >/dev/null; err)"
check "wrong client_assertion_type: AADSTS7000218" 'invalid_client [7000218]' \
	"$(assert_token "$good" $app urn:example >/dev/null; err)"

# Device code flow
dc() { # dc SCOPE [CLIENT]
	req POST /contoso.com/oauth2/v2.0/devicecode \
		--data-urlencode "client_id=${2:-$app}" \
		--data-urlencode "scope=$1"
}
poll() { # poll DEVICE_CODE [CLIENT]
	req POST /contoso.com/oauth2/v2.0/token \
		--data-urlencode grant_type=urn:ietf:params:oauth:grant-type:device_code \
		--data-urlencode "client_id=${2:-$app}" \
		--data-urlencode "device_code=$1"
}
sim() { # sim approve|decline|expire JSON
	req POST "/_sim/devicecode/$1" -H 'Content-Type: application/json' -d "$2"
}
scope='https://graph.microsoft.com/User.Read.All offline_access openid profile'
check "devicecode: 200" 200 "$(dc "$scope")"
check "devicecode answer has the documented keys" \
	'["device_code","expires_in","interval","message","user_code","verification_uri"]' \
	"$(jq -c keys "$tmp/body")"
check "expires_in 900, interval from the fixture, numbers" '900 1' \
	"$(jq -r '"\(.expires_in) \(.interval)"' "$tmp/body")"
check "verification_uri" https://microsoft.com/devicelogin \
	"$(jq -r .verification_uri "$tmp/body")"
code=$(jq -r .device_code "$tmp/body")
ucode=$(jq -r .user_code "$tmp/body")
check "message names the user code" 1 \
	"$(jq -r .message "$tmp/body" | grep -c "enter the code $ucode to")"
check "first poll: authorization_pending AADSTS70016" \
	'authorization_pending [70016]' "$(poll "$code" >/dev/null; err)"
check "at once again: slow_down" slow_down \
	"$(poll "$code" >/dev/null; jq -r .error "$tmp/body")"
sleep 1.2
check "after the interval: authorization_pending again" \
	authorization_pending "$(poll "$code" >/dev/null; jq -r .error "$tmp/body")"
check "pending is a 400" 400 "$(poll "$code")"
check "approving for an unknown user: 404" 404 \
	"$(sim approve "{\"user_code\":\"$ucode\",\"user\":\"nobody@contoso.com\"}")"
check "approving an unknown user code: 404" 404 \
	"$(sim approve '{"user_code":"NOSUCHCOD","user":"admin@contoso.com"}')"
check "approve: 204" 204 \
	"$(sim approve "{\"user_code\":\"$ucode\",\"user\":\"admin@contoso.com\"}")"
check "poll after approval: 200" 200 "$(poll "$code")"
check "delegated answer has the documented keys" \
	'["access_token","expires_in","id_token","refresh_token","scope","token_type"]' \
	"$(jq -c keys "$tmp/body")"
check "scope lists what was granted" 'User.Read.All openid profile' \
	"$(jq -r .scope "$tmp/body")"
dtok=$(jq -r .access_token "$tmp/body")
rtok=$(jq -r .refresh_token "$tmp/body")
check "delegated token: scp, upn, idtyp, no roles" \
	'User.Read.All admin@contoso.com user false' \
	"$(payload "$dtok" | jq -r '"\(.scp) \(.upn) \(.idtyp) \(has("roles"))"')"
check "id_token names the user for the client" \
	"admin@contoso.com $app" \
	"$(payload "$(jq -r .id_token "$tmp/body")" |
		jq -r '"\(.preferred_username) \(.aud)"')"
check "the code is spent: invalid_grant" invalid_grant \
	"$(poll "$code" >/dev/null; jq -r .error "$tmp/body")"
check "scp User.Read.All lists users" 200 \
	"$(req GET /v1.0/users -H "Authorization: Bearer $dtok")"
check "scp User.Read.All cannot revoke sessions: 403" 403 \
	"$(req POST /v1.0/users/admin@contoso.com/revokeSignInSessions \
		-H "Authorization: Bearer $dtok")"

# Refresh token grant
refresh() { # refresh TOKEN [CLIENT]
	req POST /contoso.com/oauth2/v2.0/token \
		--data-urlencode grant_type=refresh_token \
		--data-urlencode "client_id=${2:-$app}" \
		--data-urlencode "refresh_token=$1"
}
check "refresh_token grant: 200" 200 "$(refresh "$rtok")"
ntok=$(jq -r .access_token "$tmp/body")
check "a new access token" true "$([ "$ntok" != "$dtok" ] && echo true)"
check "with the same scp and user" 'User.Read.All admin@contoso.com' \
	"$(payload "$ntok" | jq -r '"\(.scp) \(.upn)"')"
check "and a new refresh token" true \
	"$(jq -r --arg r "$rtok" '.refresh_token != $r' "$tmp/body")"
check "the refreshed token works" 200 \
	"$(req GET /v1.0/users -H "Authorization: Bearer $ntok")"
check "refresh token of another client: invalid_grant" \
	'invalid_grant [70000]' "$(refresh "$rtok" $limited >/dev/null; err)"
check "made-up refresh token: invalid_grant AADSTS9002313" \
	'invalid_grant [9002313]' "$(refresh 1.AQnope >/dev/null; err)"

# Write scope: the delegated token passes the write route
check "devicecode for User.ReadWrite.All (no offline_access, openid)" 200 \
	"$(dc User.ReadWrite.All)"
code=$(jq -r .device_code "$tmp/body")
ucode=$(jq -r .user_code "$tmp/body")
sim approve "{\"user_code\":\"$ucode\",\"user\":\"megan.bowen@contoso.com\"}" >/dev/null
check "approved token: 200" 200 "$(poll "$code")"
check "no refresh_token or id_token without offline_access and openid" \
	'["access_token","expires_in","scope","token_type"]' "$(jq -c keys "$tmp/body")"
wtok=$(jq -r .access_token "$tmp/body")
check "scp User.ReadWrite.All revokes sessions" 200 \
	"$(req POST /v1.0/users/alex.wilber@contoso.com/revokeSignInSessions \
		-H "Authorization: Bearer $wtok")"

# Decline, expiry, unknown codes, bad requests
dc User.Read.All >/dev/null
code=$(jq -r .device_code "$tmp/body")
ucode=$(jq -r .user_code "$tmp/body")
check "decline: 204" 204 "$(sim decline "{\"user_code\":\"$ucode\"}")"
check "declined: authorization_declined" 'authorization_declined' \
	"$(poll "$code" >/dev/null; jq -r .error "$tmp/body")"
check "approving a declined code: 400" 400 \
	"$(sim approve "{\"user_code\":\"$ucode\",\"user\":\"admin@contoso.com\"}")"
dc User.Read.All >/dev/null
code=$(jq -r .device_code "$tmp/body")
ucode=$(jq -r .user_code "$tmp/body")
check "expire: 204" 204 "$(sim expire "{\"user_code\":\"$ucode\"}")"
check "expired: expired_token AADSTS70019" 'expired_token [70019]' \
	"$(poll "$code" >/dev/null; err)"
check "approving an expired code: 400" 400 \
	"$(sim approve "{\"user_code\":\"$ucode\",\"user\":\"admin@contoso.com\"}")"
check "unknown device code: bad_verification_code AADSTS70018" \
	'bad_verification_code [70018]' "$(poll DAQABnope >/dev/null; err)"
dc User.Read.All >/dev/null
check "device code polled by another client: bad_verification_code" \
	bad_verification_code "$(poll "$(jq -r .device_code "$tmp/body")" \
		$limited >/dev/null; jq -r .error "$tmp/body")"
check "devicecode with /.default: invalid_scope" 'invalid_scope [70011]' \
	"$(dc https://graph.microsoft.com/.default >/dev/null; err)"
check "devicecode for another resource: invalid_scope" 'invalid_scope [70011]' \
	"$(dc https://outlook.office365.com/Exchange.ManageV2 >/dev/null; err)"
check "devicecode for an unknown client: AADSTS700016" \
	'unauthorized_client [700016]' \
	"$(dc User.Read.All 00000000-0000-4000-8000-000000000000 >/dev/null; err)"
check "devicecode without scope: AADSTS900144" 'invalid_request [900144]' \
	"$(req POST /contoso.com/oauth2/v2.0/devicecode -d client_id=$app \
		>/dev/null; err)"
check "devicecode for an unknown tenant: AADSTS90002" \
	'invalid_request [90002]' \
	"$(req POST /fabrikam.com/oauth2/v2.0/devicecode -d client_id=$app \
		-d scope=User.Read.All >/dev/null; err)"
check "/_sim approve without a body: 400" 400 "$(sim approve '')"

# The log holds no assertion, device code or token
if grep -qF -e "$good" -e "$code" -e "$rtok" -e "$dtok" "$tmp/log"; then
	bad "the log holds an assertion, a device code or a token"
else
	ok "the log holds no assertion, device code or token"
fi

kill "$pid"
wait "$pid"
check "SIGTERM: exit status 0" 0 $?
pid=
exit $fail
