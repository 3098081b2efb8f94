// SPDX-License-Identifier: GPL-2.0
/*
 * wg-xdp setconf|addconf|syncconf <interface> <configuration filename>
 *
 * setconf replaces the whole configuration, addconf adds to it, syncconf
 * reaches the file's state while keeping the sessions of unchanged peers.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ipc_client.h"
#include "cli/sync.h"
#include "config.h"

/* Configs with thousands of peers exist; anything past this is not a config. */
#define CONF_MAX (64U << 20)

/*
 * wg-quick(8)'s test and wording: others can read the file only if both it
 * and its directory let them, and the message names the resolved path.
 */
static void warn_world_accessible(const char *path)
{
	char real[PATH_MAX], dir[PATH_MAX];
	struct stat st_file, st_dir;

	if (!realpath(path, real) || stat(real, &st_file) || !S_ISREG(st_file.st_mode))
		return;
	memcpy(dir, real, sizeof(dir));
	if (stat(dirname(dir), &st_dir))
		return;
	if (st_file.st_mode & st_dir.st_mode & 0007)
		fprintf(stderr, "Warning: `%s' is world accessible\n", real);
}

static int grow(char **buf, size_t have, size_t *cap)
{
	size_t bigger_cap = *cap ? *cap * 2 : 4096;
	char *bigger;

	if (bigger_cap > CONF_MAX)
		return -EFBIG;
	bigger = malloc(bigger_cap);
	if (!bigger)
		return -ENOMEM;
	if (*buf) {
		memcpy(bigger, *buf, have);
		sodium_memzero(*buf, have);
		free(*buf);
	}
	*buf = bigger;
	*cap = bigger_cap;
	return 0;
}

/* The whole file, in memory that the caller wipes: it holds the private key. */
static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 0, have = 0;
	char *buf = NULL;
	ssize_t n = 1;
	int ret = 0;

	while (!ret && n) {
		if (have == cap && (ret = grow(&buf, have, &cap)))
			break;
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0)
			have += (size_t)n;
	}
	if (ret && buf) {
		sodium_memzero(buf, have);
		free(buf);
		buf = NULL;
	}
	*out = buf;
	*len = have;
	return ret;
}

static int parse_conf(struct wgx_devcfg **out, const char *path, unsigned int flags)
{
	char errbuf[WGX_CONFIG_ERRBUF_LEN];
	char *text = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "fopen: %s\n", strerror(-ret));
		return ret;
	}
	warn_world_accessible(path);
	ret = read_all(fd, &text, &len);
	close(fd);
	if (ret) {
		fprintf(stderr, "Unable to read `%s': %s\n", path, strerror(-ret));
		return ret;
	}
	ret = wgx_config_parse_buf(out, text, len, path, flags, errbuf, sizeof(errbuf));
	if (ret)
		fprintf(stderr, "%s\n", errbuf);
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	return ret;
}

/* As wg(8): the running configuration is read only when the file has peers to keep. */
static int sync_with_running(struct wgx_devcfg *file, const char *ifname)
{
	struct wgx_devcfg *runtime = NULL;
	int ret;

	if (!file->first_peer)
		return 0;
	ret = wgx_ipc_get(&runtime, ifname);
	if (ret) {
		fprintf(stderr, "Unable to retrieve current interface configuration: %s\n",
			strerror(-ret));
		return ret;
	}
	ret = wgx_cli_sync_diff(file, runtime);
	if (ret)
		fprintf(stderr, "Peer list allocation: %s\n", strerror(-ret));
	wgx_devcfg_free(runtime);
	return ret;
}

int wgx_cmd_setconf(int argc, char *argv[])
{
	bool append = !strcmp(argv[0], "addconf"), sync = !strcmp(argv[0], "syncconf");
	struct wgx_devcfg *dev = NULL;
	int ret;

	if (wgx_cli_wants_help(argc, argv, "<interface> <configuration filename>"))
		return 0;
	if (argc != 3) {
		fprintf(stderr, "Usage: %s %s <interface> <configuration filename>\n", wgx_prog,
			argv[0]);
		return 1;
	}
	ret = parse_conf(&dev, argv[2], append ? WGX_CONFIG_APPEND : 0);
	if (!ret && sync)
		ret = sync_with_running(dev, argv[1]);
	if (!ret) {
		ret = wgx_ipc_set(argv[1], dev);
		if (ret)
			fprintf(stderr, "Unable to modify interface: %s\n", strerror(-ret));
	}
	wgx_devcfg_free(dev);
	return ret ? 1 : 0;
}
