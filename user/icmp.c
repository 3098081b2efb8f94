// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP "unreachable" for packets the tunnel cannot carry (no peer for the
 * destination, or a peer without endpoint), written back into the tunnel as
 * the kernel module's icmp_ndo_send does. The error appears to come from the
 * unreachable destination itself, which passes reverse-path filtering since
 * that destination routes through the tunnel.
 */
#include <netinet/in.h>
#include <string.h>

#include "offload.h"
#include "packet.h"

/* Never answer an ICMP error with another (RFC 1122 §3.2.2). */
static bool is_icmp_error(const uint8_t *pkt, size_t len, bool v6)
{
	size_t ihl = v6 ? 40 : (size_t)(pkt[0] & 0xf) * 4;
	uint8_t proto = v6 ? pkt[6] : pkt[9];

	if (len <= ihl)
		return false;
	if (!v6)
		return proto == IPPROTO_ICMP && pkt[ihl] != 8 && pkt[ihl] != 0;
	return proto == IPPROTO_ICMPV6 && pkt[ihl] < 128;
}

static size_t unreachable_v4(uint8_t *out, size_t cap, const uint8_t *pkt, size_t len)
{
	size_t quote = len > 576 - 28 ? 576 - 28 : len, total = 28 + quote;

	if (total > cap)
		return 0;
	memset(out, 0, 28);
	out[0] = 0x45;
	out[2] = (uint8_t)(total >> 8), out[3] = (uint8_t)total;
	out[8] = 64, out[9] = IPPROTO_ICMP;
	memcpy(out + 12, pkt + 16, 4);	/* from the unreachable destination */
	memcpy(out + 16, pkt + 12, 4);	/* to the sender */
	wgx_csum_store(out + 10, wgx_csum_add(0, out, 20));
	out[20] = 3, out[21] = 1;	/* destination unreachable, host unreachable */
	memcpy(out + 28, pkt, quote);
	wgx_csum_store(out + 22, wgx_csum_add(0, out + 20, 8 + quote));
	return total;
}

static size_t unreachable_v6(uint8_t *out, size_t cap, const uint8_t *pkt, size_t len)
{
	size_t quote = len > 1280 - 48 ? 1280 - 48 : len, plen = 8 + quote;

	if (40 + plen > cap)
		return 0;
	memset(out, 0, 48);
	out[0] = 0x60;
	out[4] = (uint8_t)(plen >> 8), out[5] = (uint8_t)plen;
	out[6] = IPPROTO_ICMPV6, out[7] = 64;
	memcpy(out + 8, pkt + 24, 16);
	memcpy(out + 24, pkt + 8, 16);
	out[40] = 1, out[41] = 3;	/* destination unreachable, address unreachable */
	memcpy(out + 48, pkt, quote);
	wgx_csum_store(out + 42, wgx_csum_add(wgx_csum_pseudo(out, true, IPPROTO_ICMPV6, plen),
						out + 40, plen));
	return 40 + plen;
}

/*
 * RFC 1122 §3.2.2, RFC 4443 §2.4 (e): no error about a datagram sent to a
 * multicast or broadcast address, sent from an address that names no single
 * host, or about a fragment other than the first. (A subnet-directed broadcast
 * is known to the kernel by its route; the packet alone does not tell.)
 */
static bool may_answer(const uint8_t *pkt, bool v6)
{
	static const uint8_t any6[16];

	if (v6)
		return pkt[24] != 0xff && pkt[8] != 0xff && memcmp(pkt + 8, any6, 16);
	if ((pkt[16] & 0xf0) == 0xe0 || !memcmp(pkt + 16, "\xff\xff\xff\xff", 4))
		return false;
	if ((pkt[12] & 0xf0) == 0xe0 || !memcmp(pkt + 12, "\xff\xff\xff\xff", 4) ||
	    !memcmp(pkt + 12, "\0\0\0\0", 4))
		return false;
	return !(pkt[6] & 0x1f) && !pkt[7];	/* fragment offset 0 */
}

size_t wgx_icmp_unreachable(uint8_t *out, size_t cap, const uint8_t *pkt, size_t len)
{
	if (len >= 20 && pkt[0] >> 4 == 4 && may_answer(pkt, false) &&
	    !is_icmp_error(pkt, len, false))
		return unreachable_v4(out, cap, pkt, len);
	if (len >= 40 && pkt[0] >> 4 == 6 && may_answer(pkt, true) &&
	    !is_icmp_error(pkt, len, true))
		return unreachable_v6(out, cap, pkt, len);
	return 0;
}
