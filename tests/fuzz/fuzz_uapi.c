/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the UAPI: framing, the verb, the set=1 parser and the
 * get=1 response parser all see the same bytes. What parses must round-trip
 * exactly: write_set → frame → parse_set, write_get → parse_get.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uapi.h"

static void check_framing(const char *buf, size_t len)
{
	enum wgx_uapi_op op;
	ssize_t req = wgx_uapi_request_len(buf, len);
	size_t off;

	if (req > (ssize_t)len)
		abort();
	if (req > 0 && !wgx_uapi_parse_op(&op, &off, buf, (size_t)req) && off > (size_t)req)
		abort();
}

static void roundtrip_set(const struct wgx_devcfg *a)
{
	struct wgx_textbuf tb = { 0 };
	struct wgx_devcfg *b = NULL;
	enum wgx_uapi_op op;
	size_t off;

	if (wgx_uapi_write_set(&tb, a))
		goto out;
	if (wgx_uapi_request_len(tb.buf, tb.len) != (ssize_t)tb.len ||
	    wgx_uapi_parse_op(&op, &off, tb.buf, tb.len) || op != WGX_UAPI_SET ||
	    wgx_uapi_parse_set(&b, tb.buf + off, tb.len - off) || !wgx_devcfg_equal(a, b))
		abort();
out:
	wgx_textbuf_free(&tb);
	wgx_devcfg_free(b);
}

static void roundtrip_get(const struct wgx_devcfg *a)
{
	struct wgx_textbuf tb = { 0 };
	struct wgx_devcfg *b = NULL;

	if (wgx_uapi_write_get(&tb, a))
		goto out;
	if (wgx_uapi_parse_get(&b, tb.buf, tb.len) || !wgx_devcfg_equal(a, b))
		abort();
out:
	wgx_textbuf_free(&tb);
	wgx_devcfg_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct wgx_devcfg *dev;
	int ret;

	check_framing(buf, size);
	ret = wgx_uapi_parse_set(&dev, buf, size);
	if (ret > 0 || (!ret) != !!dev)
		abort();
	if (!ret)
		roundtrip_set(dev);
	wgx_devcfg_free(dev);

	ret = wgx_uapi_parse_get(&dev, buf, size);
	if (ret > 0 || (!ret) != !!dev)
		abort();
	if (!ret)
		roundtrip_get(dev);
	wgx_devcfg_free(dev);
	return 0;
}
