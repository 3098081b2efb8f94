/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WireGuard v1 wire formats and protocol constants (whitepaper §5 and §6).
 * Shared by bpf/ and user/: fixed-width types only, every multi-byte field
 * little-endian on the wire as the protocol specifies.
 */
#ifndef WGX_MESSAGES_H
#define WGX_MESSAGES_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum wgx_key_lengths {
	WGX_KEY_LEN = 32,		/* Curve25519 keys, symmetric keys */
	WGX_HASH_LEN = 32,		/* BLAKE2s-256 */
	WGX_AEAD_TAG_LEN = 16,		/* Poly1305 */
	WGX_XAEAD_NONCE_LEN = 24,	/* XChaCha20 */
	WGX_COOKIE_LEN = 16,
	WGX_MAC_LEN = 16,
	WGX_TIMESTAMP_LEN = 12,		/* TAI64N */
	WGX_KEY_B64_LEN = 44,		/* base64 of 32 bytes, with padding */
};

enum wgx_message_type {
	WGX_MSG_INVALID = 0,
	WGX_MSG_HANDSHAKE_INITIATION = 1,
	WGX_MSG_HANDSHAKE_RESPONSE = 2,
	WGX_MSG_HANDSHAKE_COOKIE = 3,
	WGX_MSG_DATA = 4,
};

/* Whitepaper §6.1: timing and counter limits. Times in seconds. */
enum wgx_limits {
	WGX_REKEY_TIMEOUT = 5,
	WGX_KEEPALIVE_TIMEOUT = 10,
	WGX_REKEY_AFTER_TIME = 120,
	WGX_REJECT_AFTER_TIME = 180,
	WGX_REKEY_ATTEMPT_TIME = 90,
	WGX_COOKIE_SECRET_MAX_AGE = 120,
	WGX_COOKIE_SECRET_LATENCY = 5,
	WGX_INITIATIONS_PER_SECOND = 50,
	WGX_MAX_PEER_QUEUED_PACKETS = 1024,
	WGX_MAX_TIMER_HANDSHAKES = WGX_REKEY_ATTEMPT_TIME / WGX_REKEY_TIMEOUT,
	WGX_REKEY_TIMEOUT_JITTER_MAX_MS = 334,
	WGX_COUNTER_WINDOW_BITS = 8192,	/* ring of bits; 8128 usable */
	WGX_MESSAGE_PADDING_MULTIPLE = 16,
};

#define WGX_REKEY_AFTER_MESSAGES (1ULL << 60)
#define WGX_REJECT_AFTER_MESSAGES (~0ULL - 8192ULL) /* 2^64 - 2^13 - 1 */

struct wgx_msg_header {
	__u8 type;
	__u8 reserved_zero[3];
} __attribute__((packed));

struct wgx_msg_macs {
	__u8 mac1[WGX_MAC_LEN];
	__u8 mac2[WGX_MAC_LEN];
} __attribute__((packed));

struct wgx_msg_initiation {
	struct wgx_msg_header header;
	__le32 sender_index;
	__u8 unencrypted_ephemeral[WGX_KEY_LEN];
	__u8 encrypted_static[WGX_KEY_LEN + WGX_AEAD_TAG_LEN];
	__u8 encrypted_timestamp[WGX_TIMESTAMP_LEN + WGX_AEAD_TAG_LEN];
	struct wgx_msg_macs macs;
} __attribute__((packed));

struct wgx_msg_response {
	struct wgx_msg_header header;
	__le32 sender_index;
	__le32 receiver_index;
	__u8 unencrypted_ephemeral[WGX_KEY_LEN];
	__u8 encrypted_nothing[WGX_AEAD_TAG_LEN];
	struct wgx_msg_macs macs;
} __attribute__((packed));

struct wgx_msg_cookie {
	struct wgx_msg_header header;
	__le32 receiver_index;
	__u8 nonce[WGX_XAEAD_NONCE_LEN];
	__u8 encrypted_cookie[WGX_COOKIE_LEN + WGX_AEAD_TAG_LEN];
} __attribute__((packed));

struct wgx_msg_data {
	struct wgx_msg_header header;
	__le32 key_idx;
	__le64 counter;
	__u8 encrypted_data[];
} __attribute__((packed));

enum wgx_message_sizes {
	WGX_MSG_INITIATION_LEN = 148,
	WGX_MSG_RESPONSE_LEN = 92,
	WGX_MSG_COOKIE_LEN = 64,
	WGX_MSG_DATA_MIN_LEN = 16 + WGX_AEAD_TAG_LEN, /* header + keepalive tag */
};

/* The span each MAC covers: everything before it. */
#define WGX_MAC1_OFFSET(msg_len) ((msg_len) - 2 * WGX_MAC_LEN)
#define WGX_MAC2_OFFSET(msg_len) ((msg_len) - WGX_MAC_LEN)

#endif /* WGX_MESSAGES_H */
