// SPDX-License-Identifier: GPL-2.0
/* UAPI client: socket discovery, one request/reply round trip, get/set/stats on top. */
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/ipc_client.h"
#include "uapi.h"
#include "uapi_server.h"

#define SOCK_SUFFIX ".sock"

/* A reply buffer that wipes what it held: get=1 replies carry the private key. */
struct reply {
	char *buf;
	size_t len;
	size_t cap;
};

static void reply_free(struct reply *r)
{
	if (r->buf) {
		sodium_memzero(r->buf, r->cap);
		free(r->buf);
	}
	memset(r, 0, sizeof(*r));
}

static int reply_grow(struct reply *r)
{
	size_t cap = r->cap ? r->cap * 2 : 4096;
	char *buf;

	if (cap > WGX_UAPI_REQUEST_MAX + 4096)
		return -EMSGSIZE;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (r->buf) {
		memcpy(buf, r->buf, r->len);
		sodium_memzero(r->buf, r->cap);
		free(r->buf);
	}
	r->buf = buf;
	r->cap = cap;
	return 0;
}

/* wg(8)'s checks, in its order, so that the errno (and the message) match. */
static int connect_iface(const char *ifname)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, n;

	if (strchr(ifname, '/'))
		return -EINVAL;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s" SOCK_SUFFIX, WGX_UAPI_DIR,
		     ifname);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	if (stat(sun.sun_path, &st))
		return -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EBADF;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		n = -errno;
		close(fd);
		return n;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until the blank line that ends a reply; EOF before it is -EPROTO, as in wg(8). */
static int recv_reply(int fd, struct reply *r)
{
	ssize_t n, framed;
	int ret;

	while (!(framed = wgx_uapi_request_len(r->buf, r->len))) {
		if (r->len == r->cap) {
			ret = reply_grow(r);
			if (ret)
				return ret;
		}
		n = recv(fd, r->buf + r->len, r->cap - r->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPROTO;
		r->len += (size_t)n;
	}
	if (framed < 0)
		return -EPROTO;
	r->len = (size_t)framed;
	return 0;
}

static int roundtrip(const char *ifname, const char *req, size_t len, struct reply *r)
{
	int fd = connect_iface(ifname), ret;

	if (fd < 0)
		return fd;
	ret = send_all(fd, req, len);
	if (!ret)
		ret = recv_reply(fd, r);
	close(fd);
	return ret;
}

int wgx_ipc_get(struct wgx_devcfg **out, const char *ifname)
{
	static const char req[] = "get=1\n\n";
	struct reply r = { 0 };
	int ret;

	*out = NULL;
	ret = roundtrip(ifname, req, sizeof(req) - 1, &r);
	if (!ret)
		ret = wgx_uapi_parse_get(out, r.buf, r.len);
	reply_free(&r);
	return ret;
}

int wgx_ipc_set(const char *ifname, const struct wgx_devcfg *dev)
{
	struct wgx_textbuf req = { 0 };
	struct wgx_devcfg *empty = NULL;
	struct reply r = { 0 };
	int ret;

	ret = wgx_uapi_write_set(&req, dev);
	if (!ret)
		ret = roundtrip(ifname, req.buf, req.len, &r);
	/* A set reply is a get reply without values: "errno=N" and the blank line. */
	if (!ret)
		ret = wgx_uapi_parse_get(&empty, r.buf, r.len);
	wgx_devcfg_free(empty);
	wgx_textbuf_free(&req);
	reply_free(&r);
	return ret;
}

/* ---- stats=1 ---- */

static int add_stat(struct wgx_ipc_stats *s, const char *name, size_t name_len, const char *value)
{
	struct wgx_ipc_stat *items;
	uint64_t v;

	if (!name_len || name_len >= sizeof(s->items->name) ||
	    wgx_devcfg_parse_u64(&v, value, UINT64_MAX))
		return -EPROTO;
	items = realloc(s->items, (s->count + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	s->items = items;
	memcpy(items[s->count].name, name, name_len);
	items[s->count].name[name_len] = '\0';
	items[s->count++].value = v;
	return 0;
}

/* One "name=value" line (NUL-terminated, no '\n'): 1 at errno=0, 0 to go on, or -errno. */
static int stats_line(struct wgx_ipc_stats *s, const char *line)
{
	const char *eq = strchr(line, '=');
	uint64_t v;

	if (!eq)
		return -EPROTO;
	if ((size_t)(eq - line) != strlen("errno") || strncmp(line, "errno", 5))
		return add_stat(s, line, (size_t)(eq - line), eq + 1);
	if (wgx_devcfg_parse_u64(&v, eq[1] == '-' ? eq + 2 : eq + 1, 4095))
		return -EPROTO;
	return v ? -(int)v : 1;
}

int wgx_ipc_parse_stats(struct wgx_ipc_stats *out, const char *resp, size_t len)
{
	const char *p = resp, *end = resp + len, *nl = NULL;
	char line[WGX_UAPI_LINE_MAX + 1];
	int ret = -EPROTO;

	memset(out, 0, sizeof(*out));
	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
		if (nl == p || (size_t)(nl - p) > WGX_UAPI_LINE_MAX)
			break;
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		ret = stats_line(out, line);
		if (ret)
			break;
	}
	/* errno=0 must come last, followed by the blank line. */
	if (ret == 1)
		ret = nl + 1 < end && nl[1] == '\n' ? 0 : -EPROTO;
	else if (!ret)
		ret = -EPROTO;
	if (ret)
		wgx_ipc_stats_free(out);
	return ret;
}

int wgx_ipc_stats(struct wgx_ipc_stats *out, const char *ifname)
{
	static const char req[] = "stats=1\n\n";
	struct reply r = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = roundtrip(ifname, req, sizeof(req) - 1, &r);
	if (!ret)
		ret = wgx_ipc_parse_stats(out, r.buf, r.len);
	reply_free(&r);
	return ret;
}

void wgx_ipc_stats_free(struct wgx_ipc_stats *stats)
{
	free(stats->items);
	memset(stats, 0, sizeof(*stats));
}

/* ---- discovery ---- */

static int add_name(struct wgx_ipc_names *list, const char *name)
{
	char **names = realloc(list->names, (list->count + 1) * sizeof(*names));

	if (!names)
		return -ENOMEM;
	list->names = names;
	names[list->count] = strdup(name);
	if (!names[list->count])
		return -ENOMEM;
	list->count++;
	return 0;
}

/* "wg0.sock" -> "wg0" in place, if the name ends so and something answers there. */
static bool live_socket_name(char *d_name)
{
	size_t len = strlen(d_name), suffix = strlen(SOCK_SUFFIX);
	int fd;

	if (len <= suffix || strcmp(d_name + len - suffix, SOCK_SUFFIX))
		return false;
	d_name[len - suffix] = '\0';
	fd = connect_iface(d_name);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int wgx_ipc_list(struct wgx_ipc_names *out)
{
	DIR *dir = opendir(WGX_UAPI_DIR);
	struct dirent *ent;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (ent = readdir(dir))) {
		if (live_socket_name(ent->d_name))
			ret = add_name(out, ent->d_name);
	}
	closedir(dir);
	if (ret)
		wgx_ipc_names_free(out);
	return ret;
}

void wgx_ipc_names_free(struct wgx_ipc_names *names)
{
	size_t i;

	for (i = 0; i < names->count; i++)
		free(names->names[i]);
	free(names->names);
	memset(names, 0, sizeof(*names));
}
