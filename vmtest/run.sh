#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make vmtest` (and part of `make test`): boots each Debian kernel that has
# the wireguard module (tools/vmdeps.sh installs 6.1 and 6.12) under qemu
# with virtme-ng, sharing this machine's filesystem, and runs every
# vmtest/guest_*.sh inside. TCG only: KVM fails on these machines.
#
# One result line per kernel and test: "<test> on <kernel>: ok | FAILED |
# skipped: <why>". A VM that never got to run the test (no vng, no kernel, no
# boot) is a skip with its reason, not a pass. Exit 1 if any test FAILED.
#   VMTEST_KERNELS  space-separated /boot/vmlinuz-* paths (default: all with
#                   wireguard, PREEMPT_RT builds left out)
#   VMTEST_TIMEOUT  seconds per VM run (default 600)
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD

kernels_with_wireguard() {
	local k ver
	for k in /boot/vmlinuz-*; do
		ver=${k#/boot/vmlinuz-}
		case "$ver" in *-rt-*) continue ;; esac
		ls "/lib/modules/$ver/kernel/drivers/net/wireguard/"wireguard.ko* >/dev/null 2>&1 &&
			echo "$k"
	done
}

# run_guest KERNEL TEST: one VM boot running one guest script.
run_guest() {
	local kernel=$1 t=$2 name out ver
	name=$(basename "$t" .sh)
	ver=${kernel#/boot/vmlinuz-}
	# virtme-ng does not always pass the guest's exit status on: a marker line does.
	out=$(timeout --kill-after=10 "${VMTEST_TIMEOUT:-600}" vng --run "$kernel" --disable-kvm \
		--memory 2G --cpus 2 \
		--exec "cd '$TOP' && BUILD='${BUILD:-$TOP/build}' bash '$t'; echo VMTEST_RC=\$?" 2>&1)
	echo "$out" | tail -n 25 | sed 's/^/    /'
	case "$out" in
	*VMTEST_RC=0*) echo "$name on $ver: ok" ;;
	*VMTEST_RC=77*) echo "$name on $ver: skipped: $(echo "$out" | grep -B1 VMTEST_RC= | head -1)" ;;
	*VMTEST_RC=*) echo "$name on $ver: FAILED"; return 1 ;;
	*) echo "$name on $ver: skipped: the VM did not run the test ($(echo "$out" | tail -n 1))" ;;
	esac
}

command -v vng >/dev/null || { echo "vmtest: skipped: virtme-ng (vng) not installed"; exit 0; }
kernels=${VMTEST_KERNELS:-$(kernels_with_wireguard)}
[ -n "$kernels" ] || { echo "vmtest: skipped: no kernel with a wireguard module in /boot"; exit 0; }
rc=0
for kernel in $kernels; do
	for t in vmtest/guest_*.sh; do
		run_guest "$kernel" "$t" || rc=1
	done
done
exit $rc
