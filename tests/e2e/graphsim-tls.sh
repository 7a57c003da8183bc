#!/bin/sh
# SPDX-License-Identifier: MIT
#
# graphsim over HTTPS (--tls-cert/--tls-key): a throw-away CA and a server
# certificate for 127.0.0.1 are made here with the openssl CLI, in a temp
# dir that goes away at exit (no key is ever committed). curl with the
# CA and verification on gets a token, a user and a nextLink that stays
# on https; curl without the CA must fail verification. Also the option
# errors: one of the pair alone, a file that is not PEM.
set -u
[ -x "${GRAPHSIM:-}" ] || { echo "SKIP: GRAPHSIM not set"; exit 77; }
[ -n "${SRCDIR:-}" ] || { echo "SKIP: SRCDIR not set"; exit 77; }
for t in curl jq openssl; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

fixture=$SRCDIR/sim/tenants/minimal.json
app=11111111-2222-4333-8444-555555555555
secret='gs~TestSecret.0123456789abcdefABCDEF'
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

# The test PKI: a CA, and a server certificate it signs for IP 127.0.0.1.
mkpki() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 2 \
		-subj '/CN=graphsim test CA' \
		-addext 'basicConstraints=critical,CA:TRUE' \
		-addext 'keyUsage=critical,keyCertSign,cRLSign' &&
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$tmp/server.key" -out "$tmp/server.csr" \
		-subj '/CN=127.0.0.1' &&
	printf '%s\n' 'subjectAltName=IP:127.0.0.1' \
		'basicConstraints=critical,CA:FALSE' \
		'extendedKeyUsage=serverAuth' >"$tmp/ext" &&
	openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" \
		-CAkey "$tmp/ca.key" -CAcreateserial -days 2 \
		-extfile "$tmp/ext" -out "$tmp/server.pem"
}
mkpki >"$tmp/openssl.log" 2>&1 ||
	{ echo "not ok - openssl could not make the test PKI";
	  cat "$tmp/openssl.log"; exit 1; }
ok "made a test CA and a certificate for IP:127.0.0.1"

"$GRAPHSIM" --tenant "$fixture" --port 0 --tls-cert "$tmp/server.pem" \
	--tls-key "$tmp/server.key" >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while ! grep -q 'listening on' "$tmp/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "not ok - graphsim did not start"; \
		cat "$tmp/err"; exit 1; }
	sleep 0.1
done
base=$(sed -n 's/^graphsim: listening on \(https:[^ ]*\)$/\1/p' "$tmp/out")
case $base in
https://127.0.0.1:[0-9]*) ok "prints an https address ($base)" ;;
*) bad "no https address in '$(cat "$tmp/out")'"; exit 1 ;;
esac

# v PATH [curl args]: verified HTTPS; body to $tmp/body, status out.
v() {
	p=$1
	shift
	curl -sg --cacert "$tmp/ca.pem" -o "$tmp/body" -w '%{http_code}' \
		"$@" "$base$p"
}

check "token over verified HTTPS: 200" 200 \
	"$(v /contoso.com/oauth2/v2.0/token -d grant_type=client_credentials \
	--data-urlencode "client_id=$app" \
	--data-urlencode "client_secret=$secret" \
	--data-urlencode scope=https://graph.microsoft.com/.default)"
tok=$(jq -r .access_token "$tmp/body")
check "... a bearer token" Bearer "$(jq -r .token_type "$tmp/body")"
auth="Authorization: Bearer $tok"
check "a user over verified HTTPS: 200" 200 \
	"$(v "/v1.0/users/$admin_id" -H "$auth")"
check "... the user asked for" "$admin_id" "$(jq -r .id "$tmp/body")"
check "a page of users: 200" 200 "$(v '/v1.0/users?$top=1' -H "$auth")"
next=$(jq -r '."@odata.nextLink"' "$tmp/body")
case $next in
"$base"/v1.0/users?*) ok "nextLink stays on https ($next)" ;;
*) bad "nextLink '$next' is not under $base" ;;
esac
check "... and is followed over verified HTTPS: 200" 200 \
	"$(curl -sg --cacert "$tmp/ca.pem" -o /dev/null -w '%{http_code}' \
	-H "$auth" "$next")"

# Without the CA the chain does not verify: curl exits 60.
curl -s -o /dev/null "$base/v1.0/users/$admin_id" -H "$auth"
check "curl without the CA fails verification (exit 60)" 60 "$?"
curl -s -o /dev/null "http://${base#https://}/v1.0/users" -H "$auth"
rc=$?
if [ "$rc" -ne 0 ]; then ok "plain HTTP to the TLS port gets no answer"
else bad "plain HTTP to the TLS port was answered"; fi
kill "$pid"
wait "$pid"
check "SIGTERM: exit 0" 0 "$?"
pid=

# Option errors are exit 2 with a message.
"$GRAPHSIM" --tenant "$fixture" --port 0 --tls-cert "$tmp/server.pem" \
	>/dev/null 2>"$tmp/err"
check "--tls-cert without --tls-key: exit 2" 2 "$?"
check "... says why" 1 "$(grep -c 'go together' "$tmp/err")"
"$GRAPHSIM" --tenant "$fixture" --port 0 --tls-cert "$tmp/ext" \
	--tls-key "$tmp/server.key" >/dev/null 2>"$tmp/err"
check "a --tls-cert that is not PEM: exit 2" 2 "$?"
check "... names the file" 1 "$(grep -c "$tmp/ext is not a PEM" "$tmp/err")"
"$GRAPHSIM" --tenant "$fixture" --port 0 --tls-cert "$tmp/server.pem" \
	--tls-key "$tmp/nope.key" >/dev/null 2>"$tmp/err"
check "a missing --tls-key: exit 2" 2 "$?"

echo "1..$n"
exit $fail
