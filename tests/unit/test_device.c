// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's peer and device logic without I/O: keypair rotation, the
 * staged queue, giving up after REKEY_ATTEMPT_TIME, and applying
 * configuration diffs. Sends go to closed sockets and are counted as failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "device.h"
#include "packet.h"
#include "unit.h"

#define SEC 1000000000ULL

struct fixture {
	struct wgx_device *dev;
	struct wgx_tx_batch ctl;
	struct wgx_peer *peer;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	wgx_key priv, peer_priv, peer_pub;

	assert_non_null(f->dev = wgx_device_new());
	assert_int_equal(wgx_tx_batch_init(&f->ctl), 0);
	f->dev->ctl_batch = &f->ctl;
	wgx_key_generate_private(priv);
	wgx_static_identity_set(&f->dev->id, priv);
	wgx_key_generate_private(peer_priv);
	assert_int_equal(wgx_key_public_from_private(peer_pub, peer_priv), 0);
	assert_int_equal(wgx_device_add_peer(f->dev, peer_pub, &f->peer), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	wgx_device_free(f->dev);
	wgx_tx_batch_free(&f->ctl);
	free(f);
	return 0;
}

/* A keypair as begin_session leaves it, registered under a fresh index. */
static struct wgx_keypair *new_keypair(struct fixture *f, bool initiator)
{
	struct wgx_keypair *kp = wgx_peer_free_slot(f->peer);

	kp->valid = true;
	kp->is_initiator = initiator;
	assert_int_equal(wgx_index_add(&f->dev->index, WGX_INDEX_KEYPAIR, f->peer, kp,
				       &kp->local_index),
			 0);
	return kp;
}

static bool indexed(struct fixture *f, uint32_t index)
{
	return wgx_index_lookup(&f->dev->index, index, WGX_INDEX_KEYPAIR) != NULL;
}

static void test_keypair_rotation(void **state)
{
	struct fixture *f = *state;
	struct wgx_keypair *k1, *k2, *k3;
	uint32_t i1;

	k1 = new_keypair(f, true);
	i1 = k1->local_index;
	wgx_peer_add_keypair(f->peer, k1);
	assert_ptr_equal(f->peer->cur, k1);
	/* An initiator's new session is current at once; the old one stays as previous. */
	k2 = new_keypair(f, true);
	wgx_peer_add_keypair(f->peer, k2);
	assert_ptr_equal(f->peer->prev, k1);
	assert_ptr_equal(f->peer->cur, k2);
	/* A responder's goes to next, and previous is dropped with its index. */
	k3 = new_keypair(f, false);
	wgx_peer_add_keypair(f->peer, k3);
	assert_ptr_equal(f->peer->next, k3);
	assert_null(f->peer->prev);
	assert_false(indexed(f, i1));
	assert_ptr_equal(f->peer->cur, k2);
	/* Data on next confirms it: it becomes current. */
	assert_false(wgx_peer_received_with_keypair(f->peer, k2));
	assert_true(wgx_peer_received_with_keypair(f->peer, k3));
	assert_ptr_equal(f->peer->prev, k2);
	assert_ptr_equal(f->peer->cur, k3);
	assert_null(f->peer->next);
	/* Clearing wipes all and drops every index. */
	wgx_peer_clear_sessions(f->peer);
	assert_null(f->peer->cur);
	assert_false(indexed(f, k3->local_index));
	assert_int_equal(f->dev->index.count, 0);
}

static void test_staged_queue_bounded(void **state)
{
	struct fixture *f = *state;
	uint8_t pkt[4];
	uint32_t i;

	for (i = 0; i < WGX_MAX_PEER_QUEUED_PACKETS + 76; i++) {
		memcpy(pkt, &i, sizeof(i));
		assert_int_equal(wgx_peer_stage(f->peer, pkt, sizeof(pkt)), 0);
	}
	assert_int_equal(f->peer->staged.count, WGX_MAX_PEER_QUEUED_PACKETS);
	assert_int_equal(f->dev->counters[WGX_DEV_TX_STAGED_DROPPED], 76);
	/* The oldest were dropped: the head is packet 76. */
	memcpy(&i, f->peer->staged.pkt[f->peer->staged.head], sizeof(i));
	assert_int_equal(i, 76);
	wgx_peer_staged_clear(f->peer);
	assert_int_equal(f->peer->staged.count, 0);
}

/* No answer to any initiation: staged packets go after REKEY_ATTEMPT_TIME (§6.4). */
static void test_give_up_drops_staged(void **state)
{
	struct fixture *f = *state;
	struct virtio_net_hdr h = { 0 };
	struct wgx_endpoint ep;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(51820) };
	uint8_t ip[40] = { 0x45, 0, 0, 40, [8] = 64, [9] = 17 };
	uint64_t t0 = 1000 * SEC, t;
	uint32_t peer_id;

	inet_pton(AF_INET, "192.0.2.2", &sin.sin_addr);
	assert_int_equal(wgx_endpoint_from_sockaddr(&ep, (struct sockaddr *)&sin, sizeof(sin)), 0);
	wgx_peer_set_endpoint(f->peer, &ep);
	inet_pton(AF_INET, "10.99.0.2", ip + 16);
	assert_int_equal(wgx_allowedips_insert(&f->dev->allowedips, AF_INET, ip + 16, 32,
					       f->peer->id), 0);
	assert_int_equal(wgx_allowedips_lookup(&f->dev->allowedips, AF_INET, ip + 16, &peer_id), 0);
	wgx_device_set_up(f->dev, true, t0);
	/* One packet: every new one restarts the count, as in the kernel (timers.h). */
	wgx_send_plaintext(f->dev, f->dev->ctl_batch, &h, ip, sizeof(ip), t0);
	assert_int_equal(f->peer->staged.count, 1);
	assert_int_equal(f->peer->hs.state, WGX_HANDSHAKE_CREATED_INITIATION);
	for (t = t0; t < t0 + 120 * SEC && f->peer->staged.count; t += SEC / 100)
		wgx_peer_run_timers(f->dev, f->peer, t);
	assert_int_equal(f->peer->staged.count, 0);
	/* 18 initiations, each REKEY_TIMEOUT plus up to 333 ms of jitter (and our 10 ms step). */
	assert_true(t >= t0 + 90 * SEC && t <= t0 + 96 * SEC + SEC / 2);
	assert_int_equal(f->dev->counters[WGX_DEV_TX_STAGED_DROPPED], 1);
}

static void test_apply_config(void **state)
{
	struct fixture *f = *state;
	struct wgx_devcfg *cfg = wgx_devcfg_alloc();
	struct wgx_peercfg *pc;
	struct wgx_keypair *kp;

	/* The same private key again (wg syncconf always sends it) keeps sessions. */
	kp = new_keypair(f, true);
	wgx_peer_add_keypair(f->peer, kp);
	cfg->flags = WGX_DEV_HAS_PRIVATE_KEY;
	memcpy(cfg->private_key, f->dev->id.private_key, WGX_KEY_LEN);
	assert_int_equal(wgx_device_apply(f->dev, cfg, 1), 0);
	assert_ptr_equal(f->peer->cur, kp);
	/* A new one drops them. */
	wgx_key_generate_private(cfg->private_key);
	assert_int_equal(wgx_device_apply(f->dev, cfg, 1), 0);
	assert_null(f->peer->cur);
	/* A peer with our own public key is never created; update_only creates nothing. */
	cfg->flags = 0;
	pc = wgx_devcfg_add_peer(cfg);
	pc->flags = WGX_PEER_HAS_PUBLIC_KEY;
	memcpy(pc->public_key, f->dev->id.public_key, WGX_KEY_LEN);
	pc = wgx_devcfg_add_peer(cfg);
	pc->flags = WGX_PEER_HAS_PUBLIC_KEY | WGX_PEER_UPDATE_ONLY;
	wgx_key_generate_private(pc->public_key);
	assert_int_equal(wgx_device_apply(f->dev, cfg, 1), 0);
	assert_int_equal(f->dev->peer_count, 1);
	/* replace_peers empties the table. */
	wgx_devcfg_free(cfg);
	cfg = wgx_devcfg_alloc();
	cfg->flags = WGX_DEV_REPLACE_PEERS;
	assert_int_equal(wgx_device_apply(f->dev, cfg, 1), 0);
	assert_int_equal(f->dev->peer_count, 0);
	wgx_devcfg_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keypair_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staged_queue_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_give_up_drops_staged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_config, setup, teardown),
	};

	if (wgx_crypto_init())
		return 1;
	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
