// SPDX-License-Identifier: GPL-2.0
/* genkey, genpsk, pubkey: same input, output and errors as wg(8). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "keys.h"

/* wg(8) warns when a secret is about to land in a file others can read. */
static void warn_if_world_accessible(void)
{
	struct stat st;

	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO))
		fputs("Warning: writing to world accessible file.\n"
		      "Consider setting the umask to 077 and trying again.\n",
		      stderr);
}

static int print_key(const wgx_key key)
{
	wgx_key_b64 b64;

	wgx_key_to_base64(b64, key);
	puts(b64);
	sodium_memzero(b64, sizeof(b64));
	return fflush(stdout) ? 1 : 0;
}

static int generate(int argc, char *argv[], bool preshared)
{
	wgx_key key;
	int ret;

	if (wgx_cli_wants_help(argc, argv, ""))
		return 0;
	if (argc != 1) {
		fprintf(stderr, "Usage: %s %s\n", wgx_prog, argv[0]);
		return 1;
	}
	warn_if_world_accessible();
	if (preshared)
		wgx_key_generate_preshared(key);
	else
		wgx_key_generate_private(key);
	ret = print_key(key);
	sodium_memzero(key, sizeof(key));
	return ret;
}

int wgx_cmd_genkey(int argc, char *argv[])
{
	return generate(argc, argv, false);
}

int wgx_cmd_genpsk(int argc, char *argv[])
{
	return generate(argc, argv, true);
}

/* Reads one base64 key from stdin; surrounding whitespace is allowed, as in wg(8). */
static int read_key_stdin(wgx_key key)
{
	char buf[WGX_KEY_B64_LEN + 64];
	size_t len = fread(buf, 1, sizeof(buf) - 1, stdin);
	char *start = buf;
	int ret;

	buf[len] = '\0';
	while (isspace((unsigned char)*start))
		start++;
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	ret = wgx_key_from_base64(key, start);
	sodium_memzero(buf, sizeof(buf));
	return ret;
}

int wgx_cmd_pubkey(int argc, char *argv[])
{
	wgx_key priv, pub;
	int ret = 1;

	if (wgx_cli_wants_help(argc, argv, ""))
		return 0;
	if (argc != 1) {
		fprintf(stderr, "Usage: %s %s\n", wgx_prog, argv[0]);
		return 1;
	}
	if (read_key_stdin(priv)) {
		fprintf(stderr, "%s: Key is not the correct length or format\n", wgx_prog);
		goto out;
	}
	wgx_key_clamp(priv);
	if (wgx_key_public_from_private(pub, priv)) {
		fprintf(stderr, "%s: Key yields a low-order public key\n", wgx_prog);
		goto out;
	}
	ret = print_key(pub);
out:
	sodium_memzero(priv, sizeof(priv));
	return ret;
}
