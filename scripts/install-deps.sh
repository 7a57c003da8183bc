#!/bin/sh
# SPDX-License-Identifier: MIT
#
# install-deps.sh: install every Debian package that building, testing,
# fuzzing, benchmarking and the demo of m365ir need.
#
# Idempotent and silent when everything is present. Run as root it installs
# what is missing with apt-get; run as anyone else it prints the exact
# command to run and exits 1.
#
# yyjson is not packaged for Debian 12. When the running distribution has
# libyyjson-dev we take it from there; otherwise we add Debian 13 ("trixie")
# as a second APT source on the same mirror this machine already uses (read
# from its own APT sources, so no host is named here) and pin it so that only
# the yyjson packages may ever come from it.
set -eu

# Keep in step with CMakeLists.txt (find_package / pkg_check_modules).
PKGS="cmake make gcc pkg-config clang libclang-rt-14-dev libcmocka-dev jq time
	libmicrohttpd-dev curl libssl-dev openssl"
YYJSON_PKGS="libyyjson-dev libyyjson0"
PIN_FILE=/etc/apt/preferences.d/m365ir-yyjson
SRC_FILE=/etc/apt/sources.list.d/m365ir-trixie.sources

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
have_yyjson=1
pkg-config --exists yyjson 2>/dev/null || have_yyjson=0

[ -z "$missing" ] && [ "$have_yyjson" = 1 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "m365ir: missing build dependencies:$missing" \
		"$([ "$have_yyjson" = 0 ] && echo libyyjson-dev)" >&2
	echo "run as root: sh scripts/install-deps.sh" >&2
	[ -n "$missing" ] && echo "  (or: apt-get install -y$missing)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_q() { apt-get -q -o Dpkg::Use-Pty=0 "$@" >/dev/null; }

# The Debian mirror this machine already uses: first URI that serves the
# main archive (not the security one), from deb822 or one-line sources.
debian_mirror() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }'
	} | grep -v -e security -e m365ir | grep '/debian/*$' | head -n 1
}

add_trixie_pinned() {
	mirror=$(debian_mirror)
	if [ -z "$mirror" ]; then
		echo "m365ir: no Debian mirror found in /etc/apt sources;" \
			"install libyyjson-dev (Debian 13 or later) by hand" >&2
		exit 1
	fi
	cat > "$SRC_FILE" <<SRC
# Added by m365ir scripts/install-deps.sh: only for yyjson (see $PIN_FILE).
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	# The specific entry comes first: APT uses the first matching pin.
	cat > "$PIN_FILE" <<PIN
# Added by m365ir scripts/install-deps.sh: nothing but yyjson from trixie.
Package: $YYJSON_PKGS
Pin: release n=trixie
Pin-Priority: 500

Package: *
Pin: release n=trixie
Pin-Priority: -1
PIN
}

if [ "$have_yyjson" = 0 ]; then
	apt_q update
	if ! apt-cache policy libyyjson-dev 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		add_trixie_pinned
		apt_q update
	fi
	missing="$missing libyyjson-dev"
fi

# shellcheck disable=SC2086 # word splitting of the package list is wanted
apt_q install -y --no-install-recommends $missing
