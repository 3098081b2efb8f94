// SPDX-License-Identifier: GPL-2.0
/* Transport data messages (whitepaper §5.4.6). */
#include <endian.h>
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "transport.h"

#define NSEC_PER_SEC 1000000000ULL
#define DATA_HEADER_LEN offsetof(struct wgx_msg_data, encrypted_data)

/* 96-bit nonce: 32 zero bits, then the 64-bit counter little-endian. */
static void counter_nonce(uint8_t nonce[12], uint64_t counter)
{
	uint64_t le = htole64(counter);

	memset(nonce, 0, 4);
	memcpy(nonce + 4, &le, sizeof(le));
}

static bool keypair_expired(const struct wgx_keypair *kp, uint64_t counter, uint64_t now_ns)
{
	return counter >= WGX_REJECT_AFTER_MESSAGES ||
	       now_ns - kp->birthdate_ns >= WGX_REJECT_AFTER_TIME * NSEC_PER_SEC;
}

size_t wgx_transport_message_len(size_t len, unsigned int mtu)
{
	size_t padded = (len + WGX_MESSAGE_PADDING_MULTIPLE - 1) &
			~(size_t)(WGX_MESSAGE_PADDING_MULTIPLE - 1);

	/* Never pad past the MTU, but never cut a packet that is already longer. */
	if (padded > mtu)
		padded = len > mtu ? len : mtu;
	return DATA_HEADER_LEN + padded + WGX_AEAD_TAG_LEN;
}

int wgx_transport_seal(struct wgx_keypair *kp, uint8_t *out, size_t out_cap,
		       const uint8_t *plain, size_t len, unsigned int mtu, uint64_t now_ns,
		       size_t *out_len)
{
	struct wgx_msg_data *msg = (struct wgx_msg_data *)out;
	size_t total = wgx_transport_message_len(len, mtu);
	size_t padded = total - DATA_HEADER_LEN - WGX_AEAD_TAG_LEN;
	uint8_t nonce[12];
	uint64_t counter;

	if (!kp->valid)
		return -ENOKEY;
	if (total > out_cap)
		return -ENOBUFS;
	counter = kp->send_counter;
	if (keypair_expired(kp, counter, now_ns))
		return -EKEYEXPIRED;
	kp->send_counter++;

	memset(&msg->header, 0, sizeof(msg->header));
	msg->header.type = WGX_MSG_DATA;
	msg->key_idx = htole32(kp->remote_index);
	msg->counter = htole64(counter);
	memmove(msg->encrypted_data, plain, len);
	memset(msg->encrypted_data + len, 0, padded - len);
	counter_nonce(nonce, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt(msg->encrypted_data, NULL, msg->encrypted_data,
						  padded, NULL, 0, NULL, nonce, kp->send_key);
	*out_len = total;
	return 0;
}

int wgx_transport_open(struct wgx_keypair *kp, uint8_t *plain, const uint8_t *msg, size_t len,
		       uint64_t now_ns, size_t *plain_len)
{
	const struct wgx_msg_data *data = (const struct wgx_msg_data *)msg;
	uint8_t nonce[12];
	uint64_t counter;

	if (len < WGX_MSG_DATA_MIN_LEN || data->header.type != WGX_MSG_DATA)
		return -EINVAL;
	if (!kp->valid || le32toh(data->key_idx) != kp->local_index)
		return -ENOKEY;
	counter = le64toh(data->counter);
	if (keypair_expired(kp, counter, now_ns))
		return -EKEYEXPIRED;
	counter_nonce(nonce, counter);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(plain, NULL, NULL, data->encrypted_data,
						      len - DATA_HEADER_LEN, NULL, 0, nonce,
						      kp->recv_key))
		return -EBADMSG;
	if (!wgx_replay_check_and_update(&kp->replay, counter))
		return -EALREADY;
	*plain_len = len - DATA_HEADER_LEN - WGX_AEAD_TAG_LEN;
	return 0;
}
