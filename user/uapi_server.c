// SPDX-License-Identifier: GPL-2.0
/* The UAPI unix socket: framing requests and answering them from the device. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "packet.h"
#include "uapi.h"
#include "uapi_server.h"

static int socket_path(char *out, size_t cap, const char *ifname)
{
	int n = snprintf(out, cap, "%s/%s.sock", WGX_UAPI_DIR, ifname);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -errno;
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	ret = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) ? -errno : 0;
	close(fd);
	return ret;
}

bool wgx_uapi_socket_alive(const char *ifname)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	return !socket_path(path, sizeof(path), ifname) && !connect_to(path);
}

int wgx_uapi_listen(struct wgx_uapi_server *srv, const char *ifname)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old_umask;
	int ret;

	srv->fd = -1;
	ret = socket_path(srv->path, sizeof(srv->path), ifname);
	if (ret)
		return ret;
	mkdir(WGX_UAPI_DIR, 0755);
	/* A socket nobody answers on is left over from a dead daemon. */
	if (!connect_to(srv->path))
		return -EADDRINUSE;
	unlink(srv->path);
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->fd < 0)
		return -errno;
	memcpy(sun.sun_path, srv->path, strlen(srv->path));
	old_umask = umask(0177);	/* created 0600: it hands out private keys */
	ret = bind(srv->fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(srv->fd, 16) ? -errno
											: 0;
	umask(old_umask);
	if (ret) {
		close(srv->fd);
		srv->fd = -1;
	}
	return ret;
}

void wgx_uapi_close(struct wgx_uapi_server *srv)
{
	if (srv->fd < 0)
		return;
	close(srv->fd);
	unlink(srv->path);
	srv->fd = -1;
}

/*
 * stats=1: our extension, never sent by wg(8). One "name=value" line per
 * drop/event counter of the device, then errno=0.
 */
static bool answer_stats(struct wgx_device *dev, const char *req, size_t len,
			 struct wgx_textbuf *tb)
{
	static const char verb[] = "stats=1\n";
	int i;

	if (len < sizeof(verb) - 1 || memcmp(req, verb, sizeof(verb) - 1))
		return false;
	for (i = 0; i < WGX_DEV_COUNTER_MAX; i++)
		wgx_textbuf_printf(tb, "%s=%llu\n", wgx_dev_counter_name(i),
				   (unsigned long long)dev->counters[i]);
	wgx_uapi_write_errno(tb, 0);
	return true;
}

static int answer(struct wgx_device *dev, const char *req, size_t len, struct wgx_textbuf *tb)
{
	struct wgx_devcfg *cfg = NULL;
	enum wgx_uapi_op op;
	size_t body;
	int ret;

	if (answer_stats(dev, req, len, tb))
		return 0;
	ret = wgx_uapi_parse_op(&op, &body, req, len);
	if (!ret && op == WGX_UAPI_GET) {
		cfg = wgx_device_snapshot(dev);
		ret = cfg ? wgx_uapi_write_get(tb, cfg) : -ENOMEM;
		wgx_devcfg_free(cfg);
		if (!ret)
			return 0;
	} else if (!ret) {
		ret = wgx_uapi_parse_set(&cfg, req + body, len - body);
		if (!ret)
			ret = wgx_device_apply(dev, cfg, wgx_now_ns());
		wgx_devcfg_free(cfg);
	}
	return wgx_uapi_write_errno(tb, ret);
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until one whole request is buffered; its length, 0 at EOF, or -errno. */
static ssize_t read_request(int fd, char **buf, size_t *have, size_t *cap)
{
	ssize_t req_len, n;

	while (!(req_len = wgx_uapi_request_len(*buf, *have))) {
		if (*have + 4096 > *cap) {
			char *bigger = realloc(*buf, *cap * 2);

			if (!bigger)
				return -ENOMEM;
			*buf = bigger;
			*cap *= 2;
		}
		n = recv(fd, *buf + *have, *cap - *have, 0);
		if (n <= 0)
			return n < 0 ? -errno : 0;
		*have += (size_t)n;
	}
	return req_len;
}

static void serve(int fd, struct wgx_device *dev)
{
	size_t have = 0, cap = 8192;
	char *buf = malloc(cap);
	ssize_t req_len = 0;

	while (buf && (req_len = read_request(fd, &buf, &have, &cap)) > 0) {
		struct wgx_textbuf tb = { 0 };

		answer(dev, buf, (size_t)req_len, &tb);
		if (tb.err || send_all(fd, tb.buf, tb.len)) {
			wgx_textbuf_free(&tb);
			req_len = 0;
			break;
		}
		wgx_textbuf_free(&tb);
		memmove(buf, buf + req_len, have - (size_t)req_len);
		have -= (size_t)req_len;
	}
	/* A request that cannot be framed (line too long, empty first line): say so, hang up. */
	if (req_len == -EMSGSIZE || req_len == -EPROTO || req_len == -ENOMEM) {
		struct wgx_textbuf tb = { 0 };

		if (!wgx_uapi_write_errno(&tb, (int)req_len))
			send_all(fd, tb.buf, tb.len);
		wgx_textbuf_free(&tb);
	}
	if (buf) {
		/* Requests carry private keys. */
		explicit_bzero(buf, cap);
		free(buf);
	}
}

void wgx_uapi_serve_one(struct wgx_uapi_server *srv, struct wgx_device *dev)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* One thread serves the data path too: a stuck client may not hold it long. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	serve(fd, dev);
	close(fd);
}
