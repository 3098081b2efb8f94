/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timers as deadlines (whitepaper §6; kernel timers.c is the model for
 * which event arms or disarms what). Each expiry handler below says what the
 * peer must do and leaves re-arming to the hooks that the doing will call,
 * except where nothing else would re-arm.
 */
#include <string.h>

#include <sodium.h>

#include "timers.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

typedef unsigned int timer_expire_fn(struct wgx_timers *t, uint64_t now_ns);

static uint64_t secs(uint64_t s)
{
	return s * NSEC_PER_SEC;
}

/*
 * §6.4: jitter on the handshake timers keeps peers that lost their sessions
 * together from initiating in lockstep. An injected rng that ignores its bound
 * is folded back into range.
 */
static uint64_t jitter_ns(const struct wgx_timers *t)
{
	uint32_t ms = t->rng(WGX_REKEY_TIMEOUT_JITTER_MAX_MS) % WGX_REKEY_TIMEOUT_JITTER_MAX_MS;

	return ms * NSEC_PER_MSEC;
}

/* Whether s seconds have passed since since_ns; a since_ns in the future has not aged. */
static bool has_aged(uint64_t since_ns, uint64_t s, uint64_t now_ns)
{
	return now_ns >= since_ns && now_ns - since_ns >= secs(s);
}

static bool armed(const struct wgx_timers *t, enum wgx_timer_id id)
{
	return t->deadline[id] != WGX_TIMER_OFF;
}

static void arm(struct wgx_timers *t, enum wgx_timer_id id, uint64_t at_ns)
{
	t->deadline[id] = at_ns;
}

static void disarm(struct wgx_timers *t, enum wgx_timer_id id)
{
	t->deadline[id] = WGX_TIMER_OFF;
}

void wgx_timers_stop(struct wgx_timers *t)
{
	int id;

	for (id = 0; id < WGX_TIMER_COUNT; id++)
		disarm(t, id);
}

void wgx_timers_init(struct wgx_timers *t, wgx_timers_rng_fn *rng)
{
	memset(t, 0, sizeof(*t));
	t->rng = rng ? rng : randombytes_uniform;
	wgx_timers_stop(t);
}

void wgx_timers_start(struct wgx_timers *t, uint64_t now_ns)
{
	if (t->persistent_keepalive_interval)
		arm(t, WGX_TIMER_PERSISTENT_KEEPALIVE, now_ns);
}

/* --- event hooks --- */

/* §6.5: if nothing comes back, the session may be dead; suspect it after 15 s. */
void wgx_timers_data_sent(struct wgx_timers *t, uint64_t now_ns)
{
	if (!armed(t, WGX_TIMER_NEW_HANDSHAKE))
		arm(t, WGX_TIMER_NEW_HANDSHAKE,
		    now_ns + secs(WGX_KEEPALIVE_TIMEOUT + WGX_REKEY_TIMEOUT) + jitter_ns(t));
}

/*
 * §6.5: answer received data within KEEPALIVE_TIMEOUT. Data arriving while the
 * timer runs needs no timer of its own: the keepalive that the running timer
 * produces is sent after it and acknowledges it too. (The kernel re-arms for
 * that case, but the keepalive's own send hook disarms that again.)
 */
void wgx_timers_data_received(struct wgx_timers *t, uint64_t now_ns)
{
	if (!armed(t, WGX_TIMER_SEND_KEEPALIVE))
		arm(t, WGX_TIMER_SEND_KEEPALIVE, now_ns + secs(WGX_KEEPALIVE_TIMEOUT));
}

/* Anything we send, keepalive, data or handshake, shows the peer we are alive. */
void wgx_timers_any_authenticated_packet_sent(struct wgx_timers *t)
{
	disarm(t, WGX_TIMER_SEND_KEEPALIVE);
}

/* Anything authenticated from the peer shows the session (or handshake) is alive. */
void wgx_timers_any_authenticated_packet_received(struct wgx_timers *t)
{
	disarm(t, WGX_TIMER_NEW_HANDSHAKE);
}

/* Persistent keepalives only fill silences, in either direction (kernel timers.c). */
void wgx_timers_any_authenticated_packet_traversal(struct wgx_timers *t, uint64_t now_ns)
{
	if (t->persistent_keepalive_interval)
		arm(t, WGX_TIMER_PERSISTENT_KEEPALIVE,
		    now_ns + secs(t->persistent_keepalive_interval));
}

/*
 * Any fresh reason to handshake (data waiting, keys aging, silence) restarts
 * the count, so a peer with traffic to send never gives up for good.
 */
void wgx_timers_handshake_requested(struct wgx_timers *t)
{
	t->handshake_attempts = 0;
}

void wgx_timers_handshake_initiated(struct wgx_timers *t, uint64_t now_ns)
{
	t->handshake_attempts++;
	t->initiation_sent = true;
	t->last_initiation_ns = now_ns;
	arm(t, WGX_TIMER_RETRANSMIT_HANDSHAKE, now_ns + secs(WGX_REKEY_TIMEOUT) + jitter_ns(t));
}

void wgx_timers_handshake_complete(struct wgx_timers *t)
{
	disarm(t, WGX_TIMER_RETRANSMIT_HANDSHAKE);
	t->handshake_attempts = 0;
	t->lastminute_handshake_sent = false;
}

/* §6.3: keys are wiped REJECT_AFTER_TIME * 3 after the newest was made. */
void wgx_timers_session_derived(struct wgx_timers *t, uint64_t now_ns)
{
	arm(t, WGX_TIMER_ZERO_KEY_MATERIAL, now_ns + secs(WGX_REJECT_AFTER_TIME * 3));
}

/* Changing a running interval takes effect at the next traversal, as in the kernel. */
void wgx_timers_set_persistent_keepalive(struct wgx_timers *t, uint16_t interval_s,
					 uint64_t now_ns)
{
	bool was_off = !t->persistent_keepalive_interval;

	t->persistent_keepalive_interval = interval_s;
	if (!interval_s)
		disarm(t, WGX_TIMER_PERSISTENT_KEEPALIVE);
	else if (was_off)
		arm(t, WGX_TIMER_PERSISTENT_KEEPALIVE, now_ns);
}

/* --- expiry --- */

/* §6.4: retry every REKEY_TIMEOUT until REKEY_ATTEMPT_TIME went unanswered. */
static unsigned int expire_retransmit_handshake(struct wgx_timers *t, uint64_t now_ns)
{
	disarm(t, WGX_TIMER_RETRANSMIT_HANDSHAKE);
	if (t->handshake_attempts < WGX_MAX_TIMER_HANDSHAKES)
		return WGX_TIMERS_SEND_HANDSHAKE_RETRY;

	/*
	 * A keepalive now would find no session and start the whole cycle
	 * again. Whatever key material is left must still be wiped in time,
	 * even though no session_derived will come to arm the timer.
	 */
	disarm(t, WGX_TIMER_SEND_KEEPALIVE);
	if (!armed(t, WGX_TIMER_ZERO_KEY_MATERIAL))
		arm(t, WGX_TIMER_ZERO_KEY_MATERIAL, now_ns + secs(WGX_REJECT_AFTER_TIME * 3));
	return WGX_TIMERS_GIVE_UP;
}

static unsigned int expire_send_keepalive(struct wgx_timers *t, uint64_t now_ns)
{
	disarm(t, WGX_TIMER_SEND_KEEPALIVE);
	return WGX_TIMERS_SEND_KEEPALIVE;
}

static unsigned int expire_new_handshake(struct wgx_timers *t, uint64_t now_ns)
{
	disarm(t, WGX_TIMER_NEW_HANDSHAKE);
	wgx_timers_handshake_requested(t);
	return WGX_TIMERS_NEW_HANDSHAKE;
}

static unsigned int expire_zero_key_material(struct wgx_timers *t, uint64_t now_ns)
{
	disarm(t, WGX_TIMER_ZERO_KEY_MATERIAL);
	return WGX_TIMERS_ZERO_KEYS;
}

/* Re-armed here too, so the cadence holds even if the keepalive cannot be sent. */
static unsigned int expire_persistent_keepalive(struct wgx_timers *t, uint64_t now_ns)
{
	if (!t->persistent_keepalive_interval) {
		disarm(t, WGX_TIMER_PERSISTENT_KEEPALIVE);
		return 0;
	}
	arm(t, WGX_TIMER_PERSISTENT_KEEPALIVE, now_ns + secs(t->persistent_keepalive_interval));
	return WGX_TIMERS_SEND_PERSISTENT_KEEPALIVE;
}

/* In enum order: giving up disarms the keepalive before it is looked at. */
static timer_expire_fn *const timer_expire[WGX_TIMER_COUNT] = {
	[WGX_TIMER_RETRANSMIT_HANDSHAKE] = expire_retransmit_handshake,
	[WGX_TIMER_SEND_KEEPALIVE] = expire_send_keepalive,
	[WGX_TIMER_NEW_HANDSHAKE] = expire_new_handshake,
	[WGX_TIMER_ZERO_KEY_MATERIAL] = expire_zero_key_material,
	[WGX_TIMER_PERSISTENT_KEEPALIVE] = expire_persistent_keepalive,
};

unsigned int wgx_timers_poll(struct wgx_timers *t, uint64_t now_ns)
{
	unsigned int actions = 0;
	int id;

	for (id = 0; id < WGX_TIMER_COUNT; id++) {
		if (armed(t, id) && t->deadline[id] <= now_ns)
			actions |= timer_expire[id](t, now_ns);
	}
	return actions;
}

uint64_t wgx_timers_next_deadline(const struct wgx_timers *t)
{
	uint64_t next = WGX_TIMER_OFF;
	int id;

	for (id = 0; id < WGX_TIMER_COUNT; id++) {
		if (t->deadline[id] < next)
			next = t->deadline[id];
	}
	return next;
}

/* --- predicates --- */

bool wgx_timers_may_send_initiation(const struct wgx_timers *t, uint64_t now_ns)
{
	return !t->initiation_sent || has_aged(t->last_initiation_ns, WGX_REKEY_TIMEOUT, now_ns);
}

/* §6.2: only the initiator rekeys by time, so both ends do not race to. */
bool wgx_timers_rekey_on_send(uint64_t birth_ns, uint64_t send_counter, bool initiator,
			      uint64_t now_ns)
{
	return send_counter > WGX_REKEY_AFTER_MESSAGES ||
	       (initiator && has_aged(birth_ns, WGX_REKEY_AFTER_TIME, now_ns));
}

/*
 * §6.2: an initiator that only receives would otherwise let the session run
 * into REJECT_AFTER_TIME; leave time for a keepalive and a handshake first.
 */
bool wgx_timers_rekey_on_receive(uint64_t birth_ns, bool initiator, uint64_t now_ns)
{
	return initiator &&
	       has_aged(birth_ns, WGX_REJECT_AFTER_TIME - WGX_KEEPALIVE_TIMEOUT - WGX_REKEY_TIMEOUT,
			now_ns);
}

bool wgx_timers_keypair_expired(uint64_t birth_ns, uint64_t counter, uint64_t now_ns)
{
	return counter >= WGX_REJECT_AFTER_MESSAGES ||
	       has_aged(birth_ns, WGX_REJECT_AFTER_TIME, now_ns);
}

bool wgx_timers_want_lastminute_handshake(struct wgx_timers *t, uint64_t birth_ns,
					  bool initiator, uint64_t now_ns)
{
	if (t->lastminute_handshake_sent)
		return false;
	if (!wgx_timers_rekey_on_receive(birth_ns, initiator, now_ns))
		return false;
	t->lastminute_handshake_sent = true;
	return true;
}
