/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One logger for the daemon and libbpf. LOG_LEVEL=error|info|verbose|silent
 * (wireguard-go's variable) picks the level; per-peer events go through
 * wgx_log_peer() so they read the same everywhere: "<dev>: peer <key> (<ep>): ...".
 */
#ifndef WGX_LOG_H
#define WGX_LOG_H

enum wgx_log_level {
	WGX_LOG_SILENT,
	WGX_LOG_ERROR,
	WGX_LOG_INFO,
	WGX_LOG_VERBOSE,
};

void wgx_log_init_from_env(void);
void wgx_log_set_level(enum wgx_log_level level);
enum wgx_log_level wgx_log_get_level(void);
__attribute__((format(printf, 2, 3))) void wgx_log(enum wgx_log_level level, const char *fmt, ...);

#define wgx_err(...) wgx_log(WGX_LOG_ERROR, __VA_ARGS__)
#define wgx_info(...) wgx_log(WGX_LOG_INFO, __VA_ARGS__)
#define wgx_dbg(...) wgx_log(WGX_LOG_VERBOSE, __VA_ARGS__)

#endif /* WGX_LOG_H */
