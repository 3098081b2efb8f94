#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the other WireGuard implementations the interop tests run against,
# if missing, into a cache outside the repository:
#   $WGX_PEERS_DIR/bin/wireguard-go    latest golang.zx2c4.com/wireguard (go install)
#   $WGX_PEERS_DIR/bin/boringtun-cli   latest boringtun-cli from crates.io (cargo install)
# WGX_PEERS_DIR defaults to /var/cache/wg-xdp/peers. Quiet when both are there.
# Never fails: a peer that cannot be installed (no toolchain, registry down,
# build error, time limit) gets one line on stderr, its reason in
# $WGX_PEERS_DIR/<name>.reason, and no binary; the tests that need it skip.
# WGX_PEERS_TIMEOUT bounds each install (seconds, default 900).
# Usage: tools/peers.sh [--force]   (--force: reinstall the latest of both)
set -uo pipefail

DIR=${WGX_PEERS_DIR:-/var/cache/wg-xdp/peers}
BIN=$DIR/bin
LIMIT=${WGX_PEERS_TIMEOUT:-900}
FORCE=0
[ "${1:-}" = --force ] && FORCE=1

say() { echo "peers: $*" >&2; }
# go and cargo want a home; a bare environment (env -i, some CI) may lack one.
[ -n "${HOME:-}" ] || export HOME=$(getent passwd "$(id -u)" | cut -d: -f6)

# Already installed and not forced: nothing to do, nothing printed.
if [ $FORCE -eq 0 ] && [ -x "$BIN/wireguard-go" ] && [ -x "$BIN/boringtun-cli" ]; then
	exit 0
fi

if ! mkdir -p "$BIN" 2>/dev/null || [ ! -w "$BIN" ]; then
	say "cannot write $BIN (run as root or set WGX_PEERS_DIR); interop tests with wireguard-go (latest) and boringtun will skip"
	exit 0
fi

# One install at a time (make test and make bench may run side by side).
exec 9>"$DIR/.lock"
if command -v flock >/dev/null && ! flock -w "$((2 * LIMIT + 60))" 9; then
	say "another tools/peers.sh holds $DIR/.lock; not installing"
	exit 0
fi

# toolchain NAME FALLBACK...: the first executable among PATH's NAME and FALLBACKs.
toolchain() {
	local name=$1 c
	shift
	c=$(command -v "$name" 2>/dev/null) && { echo "$c"; return 0; }
	for c in "$@"; do [ -x "$c" ] && { echo "$c"; return 0; }; done
	return 1
}

# gave_up NAME REASON: records why NAME is absent, says it in one line.
gave_up() {
	echo "$2" >"$DIR/$1.reason"
	say "$1 not installed: $2; its interop tests will skip"
}

# last_error LOG: the last meaningful line of a failed install's output.
last_error() {
	grep -E -i 'error|fail|timeout|refused|resolve|network|unreachable' "$1" | tail -n 1 |
		tr -s ' \t' ' ' | sed 's/^ //' | cut -c1-300
}

install_wggo() {
	local go stage log t0 rc ver
	go=$(toolchain go /usr/local/go/bin/go "${HOME:-/root}/go/bin/go") ||
		{ gave_up wireguard-go "no go toolchain found"; return; }
	stage=$(mktemp -d "$DIR/stage.XXXXXX") log=$stage/log
	t0=$SECONDS
	# The module cache (the source, handy for reading) stays in $DIR/go, nothing
	# goes to $HOME; -modcacherw lets rm -rf remove it. The build cache goes.
	timeout --kill-after=10 "$LIMIT" env GOBIN="$stage/bin" GOPATH="$DIR/go" GOCACHE="$stage/cache" \
		GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0 \
		"$go" install golang.zx2c4.com/wireguard@latest >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -x "$stage/bin/wireguard" ]; then
		mv -f "$stage/bin/wireguard" "$BIN/wireguard-go"
		rm -f "$DIR/wireguard-go.reason"
		ver=$("$go" version -m "$BIN/wireguard-go" | awk '$1 == "mod" { print $3 }')
		say "installed wireguard-go ${ver:-?} ($("$go" env GOVERSION)) in $((SECONDS - t0)) s: $BIN/wireguard-go"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		gave_up wireguard-go "go install golang.zx2c4.com/wireguard@latest took over $LIMIT s"
	else
		gave_up wireguard-go "go install golang.zx2c4.com/wireguard@latest failed: $(last_error "$log")"
	fi
	rm -rf "$stage"
}

install_boringtun() {
	local cargo stage log t0 rc ver
	cargo=$(toolchain cargo "${CARGO_HOME:-${HOME:-/root}/.cargo}/bin/cargo" /root/.cargo/bin/cargo) ||
		{ gave_up boringtun-cli "no cargo toolchain found"; return; }
	stage=$(mktemp -d "$DIR/stage.XXXXXX") log=$stage/log
	t0=$SECONDS
	# The crate's own Cargo.lock (--locked) pins what it was released with.
	timeout --kill-after=10 "$LIMIT" env CARGO_NET_RETRY=2 \
		CARGO_HTTP_TIMEOUT=60 PATH="$(dirname "$cargo"):$PATH" \
		"$cargo" install --quiet --locked --root "$stage" boringtun-cli >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -x "$stage/bin/boringtun-cli" ]; then
		mv -f "$stage/bin/boringtun-cli" "$BIN/boringtun-cli"
		rm -f "$DIR/boringtun-cli.reason"
		ver=$("$BIN/boringtun-cli" --version 2>/dev/null | head -n 1)
		say "installed ${ver:-boringtun-cli} ($("$cargo" --version | cut -d' ' -f1-2)) in $((SECONDS - t0)) s: $BIN/boringtun-cli"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		gave_up boringtun-cli "cargo install boringtun-cli took over $LIMIT s"
	else
		gave_up boringtun-cli "cargo install boringtun-cli failed: $(last_error "$log")"
	fi
	rm -rf "$stage"
}

if [ $FORCE -eq 1 ] || [ ! -x "$BIN/wireguard-go" ]; then
	say "installing the latest wireguard-go (go install, up to $LIMIT s)"
	install_wggo
fi
if [ $FORCE -eq 1 ] || [ ! -x "$BIN/boringtun-cli" ]; then
	say "installing the latest boringtun-cli (cargo install, up to $LIMIT s)"
	install_boringtun
fi
exit 0
