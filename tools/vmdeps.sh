#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What vmtest/ needs, installed only if missing: qemu, a static busybox,
# virtme-ng (PyPI), and Debian kernels 6.1 and 6.12 with their wireguard
# module. Never fails the caller: a missing piece makes vmtest skip, saying why.
set -uo pipefail

PKGS=(qemu-system-x86 busybox-static linux-image-amd64 linux-image-6.12-amd64)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ]; then
	echo "vmdeps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		echo "vmdeps: apt-get install ${missing[*]} failed; vmtest will skip what is missing"
fi
if ! command -v vng >/dev/null; then
	echo "vmdeps: installing virtme-ng"
	timeout 300 python3 -m pip install --quiet --disable-pip-version-check virtme-ng ||
		echo "vmdeps: pip install virtme-ng failed; vmtest will skip"
	hash -r
fi
exit 0
