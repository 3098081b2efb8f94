// SPDX-License-Identifier: GPL-2.0
/* Timestamped lines on stderr, filtered by level. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum wgx_log_level current_level = WGX_LOG_ERROR;

void wgx_log_set_level(enum wgx_log_level level)
{
	current_level = level;
}

enum wgx_log_level wgx_log_get_level(void)
{
	return current_level;
}

void wgx_log_init_from_env(void)
{
	static const char *const names[] = { "silent", "error", "info", "verbose" };
	const char *v = getenv("LOG_LEVEL");
	size_t i;

	for (i = 0; v && i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(v, names[i]))
			current_level = (enum wgx_log_level)i;
	}
	/* wireguard-go spells the most verbose level "debug". */
	if (v && !strcmp(v, "debug"))
		current_level = WGX_LOG_VERBOSE;
}

void wgx_log(enum wgx_log_level level, const char *fmt, ...)
{
	char stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (level > current_level || level == WGX_LOG_SILENT)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y/%m/%d %H:%M:%S", &tm);
	va_start(ap, fmt);
	flockfile(stderr);
	fprintf(stderr, "%s: ", stamp);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}
