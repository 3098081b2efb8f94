#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# libsodium vs OpenSSL ChaCha20-Poly1305 on this CPU, same run: writes docs/aead.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
table=$("$bin" "${AEAD_SECONDS:-1}")
echo "$table"
cat >docs/aead.md <<EOT
# ChaCha20-Poly1305 for data messages: libsodium or OpenSSL?

Written by \`make bench\` (\`bench/aead.sh\`, \`bench/aead_bench.c\`) on $(date -u '+%Y-%m-%d %H:%M UTC').
CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) vCPUs (shared, noisy).
Messages sealed per second by one thread, in place, IETF construction with WireGuard's
counter nonce; OpenSSL through one reused \`EVP_CIPHER_CTX\` re-keyed per message, as a data
path would use it.

$table

The data path (\`user/transport.c\`) seals and opens with libsodium: see
[portable-mode.md](portable-mode.md) for why.
EOT
