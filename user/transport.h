/* SPDX-License-Identifier: GPL-2.0 */
/* Transport data messages (whitepaper §5.4.6): seal and open with a session keypair. */
#ifndef WGX_TRANSPORT_H
#define WGX_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "noise.h"

/* Size of the data message carrying len plaintext bytes, padded to 16 within mtu. */
size_t wgx_transport_message_len(size_t len, unsigned int mtu);

/*
 * Encrypts plain[0..len) into out (room for wgx_transport_message_len bytes),
 * using the next send counter. 0 or -ENOKEY (no usable keypair),
 * -EKEYEXPIRED (too old or too many messages), -ENOBUFS.
 */
int wgx_transport_seal(struct wgx_keypair *kp, uint8_t *out, size_t out_cap,
		       const uint8_t *plain, size_t len, unsigned int mtu, uint64_t now_ns,
		       size_t *out_len);

/*
 * Authenticates and decrypts a data message into plain (room for len - 32
 * bytes), then applies the replay window. The counter is only marked seen
 * once the message authenticated. 0 or -EINVAL, -ENOKEY, -EKEYEXPIRED,
 * -EBADMSG (forged), -EALREADY (replayed).
 */
int wgx_transport_open(struct wgx_keypair *kp, uint8_t *plain, const uint8_t *msg, size_t len,
		       uint64_t now_ns, size_t *plain_len);

#endif /* WGX_TRANSPORT_H */
