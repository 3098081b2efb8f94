/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cross-platform userspace API (https://www.wireguard.com/xplatform/):
 * `key=value\n` lines, keys in hex, a request ends with an empty line.
 *
 *	get=1\n\n	->  private_key=…\n … errno=0\n\n
 *	set=1\n…\n\n	->  errno=0\n\n
 *
 * Framing and parsing work on byte buffers so the socket code can read what
 * it likes and ask when a request is complete. Every parser is bounded (lines
 * of WGX_UAPI_LINE_MAX, requests of WGX_UAPI_REQUEST_MAX) and checks every
 * value; errors are negative errnos chosen as wireguard-go chooses them:
 *	-EPROTO	  a line without '=', a NUL byte, an unknown verb
 *	-EINVAL	  an unknown key, a key in the wrong place, a bad value
 *		  (protocol_version other than 1 included)
 *	-EMSGSIZE a line or request longer than the limits
 *	-ENOMEM
 *
 * The daemon's loop, per connection:
 *	n = wgx_uapi_request_len(buf, len)	0: read more; < 0: reply errno, close
 *	wgx_uapi_parse_op(&op, &off, buf, n)
 *	set: wgx_uapi_parse_set(&diff, buf + off, n - off), apply, wgx_uapi_write_errno()
 *	get: take a snapshot, wgx_uapi_write_get()
 *	drop n bytes from buf and go on (a connection may carry several requests)
 */
#ifndef WGX_UAPI_H
#define WGX_UAPI_H

#include <stddef.h>
#include <sys/types.h>

#include "devcfg.h"

/* Longest line without its '\n'. The longest valid one, a scoped endpoint, is ~70. */
#define WGX_UAPI_LINE_MAX 256
/* Longest request: ~1000 peers with a few hundred allowed IPs each. */
#define WGX_UAPI_REQUEST_MAX (16U << 20)

enum wgx_uapi_op {
	WGX_UAPI_GET = 1,
	WGX_UAPI_SET = 2,
};

/*
 * Length of the first complete request in buf (verb line through the blank
 * line that ends it), 0 if more bytes are needed, -EMSGSIZE if a line or the
 * request outgrows the limits, -EPROTO if the first line is empty.
 */
ssize_t wgx_uapi_request_len(const char *buf, size_t len);

/*
 * The verb of a complete request: *op, and *body_off where its key=value
 * lines start. -EPROTO for anything but get=1/set=1; -EINVAL for a get=1
 * followed by anything but the blank line (wireguard-go refuses that too).
 */
int wgx_uapi_parse_op(enum wgx_uapi_op *op, size_t *body_off, const char *req, size_t len);

/*
 * A set=1 body (after the verb line; the blank line may be included, parsing
 * stops there) into a diff. 0 with *out set, else *out NULL and an errno as
 * above. replace_allowed_ips drops the allowed IPs this request already listed
 * for the peer, since the daemon would remove them again.
 */
int wgx_uapi_parse_set(struct wgx_devcfg **out, const char *body, size_t len);

/* A whole set=1 request for dev, as wg(8) sends it. 0 or -ENOMEM. */
int wgx_uapi_write_set(struct wgx_textbuf *tb, const struct wgx_devcfg *dev);

/*
 * A get=1 response for the snapshot dev, in wireguard-go's order, ending in
 * "errno=0\n\n": private_key (if set and non-zero), listen_port (if
 * WGX_DEV_HAS_LISTEN_PORT), fwmark (if non-zero), then per peer public_key,
 * preshared_key (zeros when none), protocol_version=1, endpoint (if any),
 * last_handshake_time_sec/nsec, tx_bytes, rx_bytes,
 * persistent_keepalive_interval, allowed_ip lines. 0 or -ENOMEM.
 */
int wgx_uapi_write_get(struct wgx_textbuf *tb, const struct wgx_devcfg *dev);

/*
 * "errno=N\n\n" ending a set=1 reply or a failed get=1. N is err as given
 * (0 or negative): wg(8) sets errno = -N before perror(), and wireguard-go
 * sends negative values for that reason.
 */
int wgx_uapi_write_errno(struct wgx_textbuf *tb, int err);

/*
 * A get=1 response, through its errno line and blank line, into a snapshot
 * (the `wg show` side). Sets HAS_PUBLIC_KEY by deriving it from the private
 * key. 0 with *out set; the response's errno (negative) if it carried one;
 * -EPROTO if it is malformed or has no errno line.
 */
int wgx_uapi_parse_get(struct wgx_devcfg **out, const char *resp, size_t len);

#endif /* WGX_UAPI_H */
