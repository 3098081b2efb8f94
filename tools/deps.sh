#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages wg-xdp builds and tests with, only if missing.
set -euo pipefail

PKGS=(
	make clang llvm libclang-rt-14-dev pkg-config
	libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev
	libsodium-dev libb2-dev libssl-dev libmnl-dev libcmocka-dev
	iproute2 wireguard-tools wireguard-go iperf3 tcpdump iputils-ping procps util-linux
	jq python3
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian names the fuzzer runtime per clang version; follow whatever clang is.
if command -v clang >/dev/null; then
	v=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
	if [ -n "$v" ] && ! dpkg-query -W -f='${Status}' "libclang-rt-$v-dev" 2>/dev/null | grep -q "ok installed"; then
		missing+=("libclang-rt-$v-dev")
	fi
fi

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages (${missing[*]}); run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
