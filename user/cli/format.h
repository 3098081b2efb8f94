/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values as `wg show` prints them (durations, byte counts, endpoints), and
 * JSON strings. Pure functions: `now` is a parameter so tests can pin it.
 */
#ifndef WGX_CLI_FORMAT_H
#define WGX_CLI_FORMAT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* Room for any output below (the longest: 2^64 seconds spelled out, or a gai error). */
#define WGX_FMT_LEN 256

/* "1 year, 2 days, 1 hour, 1 minute, 3 seconds"; zero parts left out, "" for 0. */
void wgx_fmt_duration(char buf[WGX_FMT_LEN], uint64_t seconds);

/* `latest handshake`: "Now", "<duration> ago", or the clock-went-backward note. */
void wgx_fmt_ago(char buf[WGX_FMT_LEN], int64_t then, int64_t now);

/* `transfer`: "512 B", "1.23 KiB", … "2.00 TiB" (binary units, two decimals). */
void wgx_fmt_bytes(char buf[WGX_FMT_LEN], uint64_t bytes);

/*
 * "a.b.c.d:port", "[v6]:port", "[fe80::1%eth0]:port" as getnameinfo() gives
 * them numerically (a scope becomes its interface name when it has one), or
 * the getnameinfo error text, as wg(8) prints it.
 */
void wgx_fmt_endpoint(char buf[WGX_FMT_LEN], const struct sockaddr_storage *ss);

/* s as a quoted JSON string, escaping quotes, backslashes and control characters. */
void wgx_fmt_json_string(FILE *f, const char *s);

#endif /* WGX_CLI_FORMAT_H */
