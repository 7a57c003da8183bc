# SPDX-License-Identifier: MIT
#
# graphsim.sh - sourced by the graphsim e2e scripts: a temporary
# directory, TAP-style ok/bad/check, start FIXTURE (runs graphsim on port 0
# and sets $base), req METHOD PATH [curl args] (body to $tmp/body, status
# on stdout) and token CLIENT SECRET (a Graph app-only token). The caller
# has already checked GRAPHSIM, SRCDIR, curl and jq, and the trap stops
# the server and removes $tmp however the script ends.
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

start() { # start FIXTURE: run graphsim on it, set $base
	[ -n "$pid" ] && { kill "$pid"; wait "$pid" 2>/dev/null; }
	# The background shell may not have truncated the old output yet.
	rm -f "$tmp/out"
	"$GRAPHSIM" --tenant "$1" --port 0 --seed 7 >"$tmp/out" 2>"$tmp/err" &
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

# req METHOD PATH [curl args]: body to $tmp/body, status on stdout.
req() {
	m=$1 p=$2
	shift 2
	curl -sg -o "$tmp/body" -w '%{http_code}' -X "$m" "$@" "$base$p"
}
token() { # token CLIENT SECRET: prints the access token
	curl -s "$base/contoso.com/oauth2/v2.0/token" \
		--data-urlencode grant_type=client_credentials \
		--data-urlencode "client_id=$1" \
		--data-urlencode "client_secret=$2" \
		--data-urlencode scope=https://graph.microsoft.com/.default |
		jq -r .access_token
}
json='Content-Type: application/json'
