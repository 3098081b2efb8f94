// SPDX-License-Identifier: GPL-2.0
/* Transport data messages (whitepaper §5.4.6). */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "aead.h"
#include "timers.h"
#include "transport.h"

#define DATA_HEADER_LEN offsetof(struct wgx_msg_data, encrypted_data)

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
	uint64_t counter;

	if (!kp->valid)
		return -ENOKEY;
	if (total > out_cap)
		return -ENOBUFS;
	counter = kp->send_counter;
	if (wgx_timers_keypair_expired(kp->birthdate_ns, counter, now_ns))
		return -EKEYEXPIRED;
	kp->send_counter++;

	memset(&msg->header, 0, sizeof(msg->header));
	msg->header.type = WGX_MSG_DATA;
	msg->key_idx = htole32(kp->remote_index);
	msg->counter = htole64(counter);
	memmove(msg->encrypted_data, plain, len);
	memset(msg->encrypted_data + len, 0, padded - len);
	if (wgx_aead_seal(WGX_AEAD_AUTO, msg->encrypted_data, padded, kp->send_key, counter))
		return -EIO;
	*out_len = total;
	return 0;
}

int wgx_transport_open(struct wgx_keypair *kp, uint8_t *plain, const uint8_t *msg, size_t len,
		       uint64_t now_ns, size_t *plain_len)
{
	const struct wgx_msg_data *data = (const struct wgx_msg_data *)msg;
	uint64_t counter;

	if (len < WGX_MSG_DATA_MIN_LEN || data->header.type != WGX_MSG_DATA)
		return -EINVAL;
	if (!kp->valid || le32toh(data->key_idx) != kp->local_index)
		return -ENOKEY;
	counter = le64toh(data->counter);
	if (wgx_timers_keypair_expired(kp->birthdate_ns, counter, now_ns))
		return -EKEYEXPIRED;
	if (wgx_aead_open(WGX_AEAD_AUTO, plain, data->encrypted_data, len - DATA_HEADER_LEN,
			  kp->recv_key, counter))
		return -EBADMSG;
	if (!wgx_replay_check_and_update(&kp->replay, counter))
		return -EALREADY;
	*plain_len = len - DATA_HEADER_LEN - WGX_AEAD_TAG_LEN;
	return 0;
}
