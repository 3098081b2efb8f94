// SPDX-License-Identifier: GPL-2.0
/* The value formats of `wg show`, kept byte-for-byte with wg(8). See format.h. */
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "cli/format.h"

struct unit {
	uint64_t seconds;
	const char *name;
};

/* wg(8) counts a year as 365 days: no calendar, the output is a rough age. */
static const struct unit units[] = {
	{ 365ULL * 24 * 60 * 60, "year" },
	{ 24 * 60 * 60, "day" },
	{ 60 * 60, "hour" },
	{ 60, "minute" },
	{ 1, "second" },
};

void wgx_fmt_duration(char buf[WGX_FMT_LEN], uint64_t left)
{
	size_t off = 0, i;
	uint64_t n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		n = left / units[i].seconds;
		left %= units[i].seconds;
		if (!n)
			continue;
		off += (size_t)snprintf(buf + off, WGX_FMT_LEN - off, "%s%llu %s%s",
					off ? ", " : "", (unsigned long long)n, units[i].name,
					n == 1 ? "" : "s");
	}
}

void wgx_fmt_ago(char buf[WGX_FMT_LEN], int64_t then, int64_t now)
{
	size_t len;

	if (now == then) {
		strcpy(buf, "Now");
	} else if (now < then) {
		strcpy(buf, "(System clock wound backward; connection problems may ensue.)");
	} else {
		wgx_fmt_duration(buf, (uint64_t)now - (uint64_t)then);
		len = strlen(buf);
		snprintf(buf + len, WGX_FMT_LEN - len, " ago");
	}
}

void wgx_fmt_bytes(char buf[WGX_FMT_LEN], uint64_t b)
{
	/* The same double expressions as wg(8), so the rounding is the same too. */
	if (b < 1024ULL)
		snprintf(buf, WGX_FMT_LEN, "%u B", (unsigned int)b);
	else if (b < 1024ULL * 1024ULL)
		snprintf(buf, WGX_FMT_LEN, "%.2f KiB", (double)b / 1024);
	else if (b < 1024ULL * 1024ULL * 1024ULL)
		snprintf(buf, WGX_FMT_LEN, "%.2f MiB", (double)b / (1024 * 1024));
	else if (b < 1024ULL * 1024ULL * 1024ULL * 1024ULL)
		snprintf(buf, WGX_FMT_LEN, "%.2f GiB", (double)b / (1024 * 1024 * 1024));
	else
		snprintf(buf, WGX_FMT_LEN, "%.2f TiB", (double)b / (1024 * 1024 * 1024) / 1024);
}

void wgx_fmt_endpoint(char buf[WGX_FMT_LEN], const struct sockaddr_storage *ss)
{
	/* Numeric only: an address, '%' and an interface name; a port. */
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 1], serv[8];
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	int ret;

	ret = getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host), serv, sizeof(serv),
			  NI_DGRAM | NI_NUMERICSERV | NI_NUMERICHOST);
	if (ret)
		snprintf(buf, WGX_FMT_LEN, "%s", gai_strerror(ret));
	else if (ss->ss_family == AF_INET6 && strchr(host, ':'))
		snprintf(buf, WGX_FMT_LEN, "[%s]:%s", host, serv);
	else
		snprintf(buf, WGX_FMT_LEN, "%s:%s", host, serv);
}

void wgx_fmt_json_string(FILE *f, const char *s)
{
	unsigned char c;

	fputc('"', f);
	for (; (c = (unsigned char)*s); s++) {
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			/* Bytes past ASCII as U+0080..U+00FF: valid JSON whatever the name. */
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
