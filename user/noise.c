// SPDX-License-Identifier: GPL-2.0
/*
 * Noise_IKpsk2 for WireGuard (whitepaper §5.4). Each step is marked with the
 * Noise token it implements. Intermediate chaining keys and hashes are kept
 * in locals and committed to the handshake only once a message has fully
 * authenticated, so a forged message changes nothing.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "noise.h"

static const char construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

static uint8_t construction_ck[WGX_HASH_LEN];	/* HASH(construction) */
static uint8_t construction_hash[WGX_HASH_LEN];	/* HASH(ck || identifier) */
static pthread_once_t precompute_once = PTHREAD_ONCE_INIT;

static void precompute_construction(void)
{
	wgx_hash2(construction_ck, construction, strlen(construction), NULL, 0);
	wgx_hash2(construction_hash, construction_ck, WGX_HASH_LEN, identifier,
		  strlen(identifier));
}

/* ck = HASH(construction); h = HASH(HASH(ck || identifier) || responder static) */
static void handshake_start(uint8_t ck[WGX_HASH_LEN], uint8_t h[WGX_HASH_LEN],
			    const wgx_key responder_static)
{
	pthread_once(&precompute_once, precompute_construction);
	memcpy(ck, construction_ck, WGX_HASH_LEN);
	wgx_hash2(h, construction_hash, WGX_HASH_LEN, responder_static, WGX_KEY_LEN);
}

static void mix_hash(uint8_t h[WGX_HASH_LEN], const void *data, size_t len)
{
	wgx_hash2(h, h, WGX_HASH_LEN, data, len);
}

/* (ck, key) = KDF2(ck, input); key may be NULL for KDF1. */
static void mix_key(uint8_t ck[WGX_HASH_LEN], uint8_t *key, const void *in, size_t len)
{
	wgx_kdf(ck, key, NULL, ck, in, len);
}

static int mix_dh(uint8_t ck[WGX_HASH_LEN], uint8_t *key, const wgx_key priv, const wgx_key pub)
{
	uint8_t dh[WGX_KEY_LEN];
	int ret = 0;

	/* libsodium fails on an all-zero result: a low-order point. */
	if (crypto_scalarmult(dh, priv, pub))
		ret = -EINVAL;
	else
		mix_key(ck, key, dh, sizeof(dh));
	sodium_memzero(dh, sizeof(dh));
	return ret;
}

/* (ck, tau, key) = KDF3(ck, psk); h = HASH(h || tau) */
static void mix_psk(uint8_t ck[WGX_HASH_LEN], uint8_t h[WGX_HASH_LEN], uint8_t key[WGX_KEY_LEN],
		    const wgx_key psk)
{
	uint8_t tau[WGX_HASH_LEN];

	wgx_kdf(ck, tau, key, ck, psk, WGX_KEY_LEN);
	mix_hash(h, tau, sizeof(tau));
	sodium_memzero(tau, sizeof(tau));
}

static void encrypt_and_hash(uint8_t *dst, const uint8_t *src, size_t len,
			     const uint8_t key[WGX_KEY_LEN], uint8_t h[WGX_HASH_LEN])
{
	static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	crypto_aead_chacha20poly1305_ietf_encrypt(dst, NULL, src, len, h, WGX_HASH_LEN, NULL,
						  zero_nonce, key);
	mix_hash(h, dst, len + WGX_AEAD_TAG_LEN);
}

static int decrypt_and_hash(uint8_t *dst, const uint8_t *src, size_t len,
			    const uint8_t key[WGX_KEY_LEN], uint8_t h[WGX_HASH_LEN])
{
	static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (crypto_aead_chacha20poly1305_ietf_decrypt(dst, NULL, NULL, src, len, h, WGX_HASH_LEN,
						      zero_nonce, key))
		return -EBADMSG;
	mix_hash(h, src, len);
	return 0;
}

/* The type travels as a little-endian u32: reserved bytes must be zero. */
static bool header_is(const struct wgx_msg_header *h, enum wgx_message_type type)
{
	return h->type == type && !h->reserved_zero[0] && !h->reserved_zero[1] &&
	       !h->reserved_zero[2];
}

static int generate_ephemeral(wgx_key priv, wgx_key pub)
{
	wgx_key_generate_private(priv);
	return wgx_key_public_from_private(pub, priv);
}

void wgx_static_identity_set(struct wgx_static_identity *id, const wgx_key private_key)
{
	memcpy(id->private_key, private_key, WGX_KEY_LEN);
	wgx_key_clamp(id->private_key);
	id->has_identity = !wgx_key_public_from_private(id->public_key, id->private_key);
	if (!id->has_identity) {
		sodium_memzero(id->private_key, WGX_KEY_LEN);
		sodium_memzero(id->public_key, WGX_KEY_LEN);
	}
}

int wgx_handshake_refresh_static(struct wgx_handshake *hs)
{
	const struct wgx_static_identity *id = hs->static_identity;

	if (!id || !id->has_identity ||
	    crypto_scalarmult(hs->precomputed_static_static, id->private_key, hs->remote_static)) {
		sodium_memzero(hs->precomputed_static_static, WGX_KEY_LEN);
		return -EINVAL;
	}
	return 0;
}

int wgx_handshake_init(struct wgx_handshake *hs, const struct wgx_static_identity *id,
		       const wgx_key remote_static, const wgx_key preshared_key)
{
	memset(hs, 0, sizeof(*hs));
	hs->static_identity = id;
	memcpy(hs->remote_static, remote_static, WGX_KEY_LEN);
	if (preshared_key)
		memcpy(hs->preshared_key, preshared_key, WGX_KEY_LEN);
	/* A peer may be configured before the interface has a private key. */
	if (!id->has_identity)
		return 0;
	return wgx_handshake_refresh_static(hs);
}

/* Forgets the in-flight handshake but keeps the peer's long-term state. */
void wgx_handshake_zero(struct wgx_handshake *hs)
{
	sodium_memzero(hs->ephemeral_private, WGX_KEY_LEN);
	sodium_memzero(hs->remote_ephemeral, WGX_KEY_LEN);
	sodium_memzero(hs->hash, WGX_HASH_LEN);
	sodium_memzero(hs->chaining_key, WGX_HASH_LEN);
	hs->remote_index = 0;
	hs->state = WGX_HANDSHAKE_ZEROED;
}

void wgx_handshake_clear(struct wgx_handshake *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}

int wgx_noise_create_initiation(struct wgx_msg_initiation *msg, struct wgx_handshake *hs,
				uint32_t local_index, const uint8_t timestamp[WGX_TIMESTAMP_LEN])
{
	const struct wgx_static_identity *id = hs->static_identity;
	uint8_t key[WGX_KEY_LEN];
	int ret = -EINVAL;

	if (!id || !id->has_identity || wgx_key_is_zero(hs->precomputed_static_static))
		goto out;
	memset(msg, 0, sizeof(*msg));
	msg->header.type = WGX_MSG_HANDSHAKE_INITIATION;
	msg->sender_index = htole32(local_index);
	handshake_start(hs->chaining_key, hs->hash, hs->remote_static);

	/* e */
	if (generate_ephemeral(hs->ephemeral_private, msg->unencrypted_ephemeral))
		goto out;
	mix_key(hs->chaining_key, NULL, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	mix_hash(hs->hash, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	/* es */
	if (mix_dh(hs->chaining_key, key, hs->ephemeral_private, hs->remote_static))
		goto out;
	/* s */
	encrypt_and_hash(msg->encrypted_static, id->public_key, WGX_KEY_LEN, key, hs->hash);
	/* ss */
	mix_key(hs->chaining_key, key, hs->precomputed_static_static, WGX_KEY_LEN);
	/* {t} */
	encrypt_and_hash(msg->encrypted_timestamp, timestamp, WGX_TIMESTAMP_LEN, key, hs->hash);

	hs->local_index = local_index;
	hs->state = WGX_HANDSHAKE_CREATED_INITIATION;
	ret = 0;
out:
	if (ret)
		wgx_handshake_zero(hs);
	sodium_memzero(key, sizeof(key));
	return ret;
}

static bool initiation_is_replay_or_flood(const struct wgx_handshake *hs,
					  const uint8_t t[WGX_TIMESTAMP_LEN], uint64_t now_ns)
{
	const uint64_t min_gap_ns = 1000000000ULL / WGX_INITIATIONS_PER_SECOND;

	/* TAI64N is big-endian, so bytewise order is time order. */
	if (memcmp(t, hs->latest_timestamp, WGX_TIMESTAMP_LEN) <= 0)
		return true;
	return hs->last_initiation_consumption_ns &&
	       now_ns < hs->last_initiation_consumption_ns + min_gap_ns;
}

struct wgx_handshake *wgx_noise_consume_initiation(const struct wgx_msg_initiation *msg,
						   const struct wgx_static_identity *id,
						   wgx_handshake_lookup_fn lookup, void *ctx,
						   uint64_t now_ns)
{
	uint8_t ck[WGX_HASH_LEN], h[WGX_HASH_LEN], key[WGX_KEY_LEN];
	uint8_t t[WGX_TIMESTAMP_LEN];
	wgx_key s;
	struct wgx_handshake *hs = NULL, *found;

	if (!id->has_identity || !header_is(&msg->header, WGX_MSG_HANDSHAKE_INITIATION))
		goto out;
	handshake_start(ck, h, id->public_key);
	/* e */
	mix_key(ck, NULL, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	mix_hash(h, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	/* es */
	if (mix_dh(ck, key, id->private_key, msg->unencrypted_ephemeral))
		goto out;
	/* s */
	if (decrypt_and_hash(s, msg->encrypted_static, sizeof(msg->encrypted_static), key, h))
		goto out;
	found = lookup(ctx, s);
	if (!found || wgx_key_is_zero(found->precomputed_static_static))
		goto out;
	/* ss */
	mix_key(ck, key, found->precomputed_static_static, WGX_KEY_LEN);
	/* {t} */
	if (decrypt_and_hash(t, msg->encrypted_timestamp, sizeof(msg->encrypted_timestamp), key, h))
		goto out;
	if (initiation_is_replay_or_flood(found, t, now_ns))
		goto out;

	hs = found;
	memcpy(hs->remote_ephemeral, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	memcpy(hs->latest_timestamp, t, WGX_TIMESTAMP_LEN);
	hs->last_initiation_consumption_ns = now_ns;
	memcpy(hs->hash, h, WGX_HASH_LEN);
	memcpy(hs->chaining_key, ck, WGX_HASH_LEN);
	hs->remote_index = le32toh(msg->sender_index);
	hs->state = WGX_HANDSHAKE_CONSUMED_INITIATION;
out:
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(key, sizeof(key));
	sodium_memzero(s, sizeof(s));
	return hs;
}

int wgx_noise_create_response(struct wgx_msg_response *msg, struct wgx_handshake *hs,
			      uint32_t local_index)
{
	uint8_t key[WGX_KEY_LEN];
	int ret = -EINVAL;

	if (hs->state != WGX_HANDSHAKE_CONSUMED_INITIATION)
		goto out;
	memset(msg, 0, sizeof(*msg));
	msg->header.type = WGX_MSG_HANDSHAKE_RESPONSE;
	msg->sender_index = htole32(local_index);
	msg->receiver_index = htole32(hs->remote_index);

	/* e */
	if (generate_ephemeral(hs->ephemeral_private, msg->unencrypted_ephemeral))
		goto out;
	mix_key(hs->chaining_key, NULL, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	mix_hash(hs->hash, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	/* ee */
	if (mix_dh(hs->chaining_key, NULL, hs->ephemeral_private, hs->remote_ephemeral))
		goto out;
	/* se */
	if (mix_dh(hs->chaining_key, NULL, hs->ephemeral_private, hs->remote_static))
		goto out;
	/* psk */
	mix_psk(hs->chaining_key, hs->hash, key, hs->preshared_key);
	/* {} */
	encrypt_and_hash(msg->encrypted_nothing, NULL, 0, key, hs->hash);

	hs->local_index = local_index;
	hs->state = WGX_HANDSHAKE_CREATED_RESPONSE;
	ret = 0;
out:
	if (ret)
		wgx_handshake_zero(hs);
	sodium_memzero(key, sizeof(key));
	return ret;
}

int wgx_noise_consume_response(const struct wgx_msg_response *msg, struct wgx_handshake *hs)
{
	const struct wgx_static_identity *id = hs->static_identity;
	uint8_t ck[WGX_HASH_LEN], h[WGX_HASH_LEN], key[WGX_KEY_LEN];
	int ret = -EINVAL;

	if (hs->state != WGX_HANDSHAKE_CREATED_INITIATION || !id || !id->has_identity ||
	    !header_is(&msg->header, WGX_MSG_HANDSHAKE_RESPONSE) ||
	    le32toh(msg->receiver_index) != hs->local_index)
		goto out;
	memcpy(ck, hs->chaining_key, WGX_HASH_LEN);
	memcpy(h, hs->hash, WGX_HASH_LEN);

	/* e */
	mix_key(ck, NULL, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	mix_hash(h, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	/* ee */
	if (mix_dh(ck, NULL, hs->ephemeral_private, msg->unencrypted_ephemeral))
		goto out;
	/* se */
	if (mix_dh(ck, NULL, id->private_key, msg->unencrypted_ephemeral))
		goto out;
	/* psk */
	mix_psk(ck, h, key, hs->preshared_key);
	/* {} */
	ret = decrypt_and_hash(NULL, msg->encrypted_nothing, sizeof(msg->encrypted_nothing), key,
			       h);
	if (ret)
		goto out;

	memcpy(hs->remote_ephemeral, msg->unencrypted_ephemeral, WGX_KEY_LEN);
	memcpy(hs->hash, h, WGX_HASH_LEN);
	memcpy(hs->chaining_key, ck, WGX_HASH_LEN);
	hs->remote_index = le32toh(msg->sender_index);
	hs->state = WGX_HANDSHAKE_CONSUMED_RESPONSE;
out:
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(key, sizeof(key));
	return ret;
}

int wgx_noise_begin_session(struct wgx_handshake *hs, struct wgx_keypair *kp, uint64_t now_ns)
{
	bool initiator = hs->state == WGX_HANDSHAKE_CONSUMED_RESPONSE;

	if (!initiator && hs->state != WGX_HANDSHAKE_CREATED_RESPONSE)
		return -EINVAL;
	memset(kp, 0, sizeof(*kp));
	/* (T_send_i, T_recv_i) = KDF2(ck, ""); the responder's are swapped. */
	if (initiator)
		wgx_kdf(kp->send_key, kp->recv_key, NULL, hs->chaining_key, NULL, 0);
	else
		wgx_kdf(kp->recv_key, kp->send_key, NULL, hs->chaining_key, NULL, 0);
	wgx_replay_init(&kp->replay);
	kp->birthdate_ns = now_ns;
	kp->local_index = hs->local_index;
	kp->remote_index = hs->remote_index;
	kp->is_initiator = initiator;
	kp->valid = true;
	wgx_handshake_zero(hs);
	return 0;
}

void wgx_keypair_clear(struct wgx_keypair *kp)
{
	sodium_memzero(kp, sizeof(*kp));
}

void wgx_tai64n_now(uint8_t out[WGX_TIMESTAMP_LEN])
{
	/* Coarsen to below the initiation rate so timestamps leak no fine timing. */
	const long whitener = 0x1000000 - 1;
	struct timespec now;
	uint64_t secs;
	uint32_t nsec;

	clock_gettime(CLOCK_REALTIME, &now);
	secs = htobe64(0x400000000000000aULL + (uint64_t)now.tv_sec);
	nsec = htobe32((uint32_t)(now.tv_nsec & ~whitener));
	memcpy(out, &secs, sizeof(secs));
	memcpy(out + sizeof(secs), &nsec, sizeof(nsec));
}
