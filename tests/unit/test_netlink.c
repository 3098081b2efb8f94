// SPDX-License-Identifier: GPL-2.0
/*
 * Link watcher against real interfaces (root): each test makes its own TUN
 * devices, which vanish with their file descriptor, so a crashed run leaves
 * nothing behind. rtnetlink notifications are queued before the ioctl that
 * caused them returns; the poll() below only guards against slow machines.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

#include "unit.h"
#include "netlink.h"

struct link {
	int fd;
	int ifindex;
	char name[IFNAMSIZ];
};

struct fixture {
	int watch;
	struct link a, b;
};

static void link_create(struct link *l, char tag)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };

	snprintf(l->name, sizeof(l->name), "wgxnl%u%c", (unsigned int)getpid() % 1000000, tag);
	memcpy(ifr.ifr_name, l->name, sizeof(ifr.ifr_name));
	l->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	assert_true(l->fd >= 0);
	assert_int_equal(ioctl(l->fd, TUNSETIFF, &ifr), 0);
	l->ifindex = if_nametoindex(l->name);
	assert_true(l->ifindex > 0);
}

/* Closing the last descriptor of a non-persistent TUN deletes the interface. */
static void link_delete(struct link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

static void link_ioctl(const struct link *l, unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	memcpy(ifr->ifr_name, l->name, sizeof(ifr->ifr_name));
	assert_int_equal(ioctl(s, req, ifr), 0);
	close(s);
}

static void link_set_mtu(const struct link *l, int mtu)
{
	struct ifreq ifr = { .ifr_mtu = mtu };

	link_ioctl(l, SIOCSIFMTU, &ifr);
}

static void link_set_up(const struct link *l, bool up)
{
	struct ifreq ifr = { 0 };

	link_ioctl(l, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
	link_ioctl(l, SIOCSIFFLAGS, &ifr);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct wgx_link_event ev;

	if (!f)
		return -1;
	f->a.fd = f->b.fd = -1;
	*state = f;
	link_create(&f->a, 'a');
	f->watch = wgx_linkwatch_open();
	assert_true(f->watch >= 0);
	assert_int_equal(wgx_linkwatch_read(f->watch, f->a.ifindex, &ev), 0);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	link_delete(&f->a);
	link_delete(&f->b);
	wgx_linkwatch_close(f->watch);
	free(f);
	return 0;
}

/* Reads the event for l that the last change must have produced. */
static struct wgx_link_event expect_event(struct fixture *f, const struct link *l)
{
	struct pollfd pfd = { .fd = f->watch, .events = POLLIN };
	struct wgx_link_event ev;

	assert_int_equal(poll(&pfd, 1, 1000), 1);
	assert_int_equal(wgx_linkwatch_read(f->watch, l->ifindex, &ev), 1);
	assert_int_equal(ev.ifindex, l->ifindex);
	return ev;
}

static void test_mtu_change(void **state)
{
	struct fixture *f = *state;
	struct wgx_link_event ev;

	link_set_mtu(&f->a, 1300);
	ev = expect_event(f, &f->a);
	assert_int_equal(ev.mtu, 1300);
	assert_string_equal(ev.name, f->a.name);
	assert_false(ev.deleted);
	assert_false(ev.up);
	assert_int_equal(wgx_linkwatch_read(f->watch, f->a.ifindex, &ev), 0);
}

/* Several changes between two reads come out as the last state. */
static void test_latest_state_wins(void **state)
{
	struct fixture *f = *state;
	struct wgx_link_event ev;

	link_set_mtu(&f->a, 1310);
	link_set_up(&f->a, true);
	link_set_mtu(&f->a, 1320);
	ev = expect_event(f, &f->a);
	assert_int_equal(ev.mtu, 1320);
	assert_true(ev.up);
}

static void test_up_down(void **state)
{
	struct fixture *f = *state;

	link_set_up(&f->a, true);
	assert_true(expect_event(f, &f->a).up);
	link_set_up(&f->a, false);
	assert_false(expect_event(f, &f->a).up);
}

static void test_deleted(void **state)
{
	struct fixture *f = *state;
	struct wgx_link_event ev;

	link_set_up(&f->a, true);
	link_delete(&f->a);
	ev = expect_event(f, &f->a);
	assert_true(ev.deleted);
	assert_string_equal(ev.name, f->a.name);
}

static void test_other_links_ignored(void **state)
{
	struct fixture *f = *state;
	struct wgx_link_event ev = { .mtu = 4242 };

	link_create(&f->b, 'b');
	link_set_mtu(&f->b, 1280);
	link_set_up(&f->b, true);
	link_delete(&f->b);
	assert_int_equal(wgx_linkwatch_read(f->watch, f->a.ifindex, &ev), 0);
	assert_int_equal(ev.mtu, 4242);

	link_create(&f->b, 'b');
	link_set_mtu(&f->a, 1400);
	link_set_mtu(&f->b, 1280);
	assert_int_equal(expect_event(f, &f->a).mtu, 1400);
}

/* A watcher that fell behind learns the current state rather than nothing. */
static void test_overflow_resyncs(void **state)
{
	struct fixture *f = *state;
	struct wgx_link_event ev;
	int tiny = 1, mtu;

	assert_int_equal(setsockopt(f->watch, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny)), 0);
	for (mtu = 1300; mtu < 1364; mtu++)
		link_set_mtu(&f->a, mtu);
	ev = expect_event(f, &f->a);
	assert_int_equal(ev.mtu, 1363);
	assert_false(ev.deleted);

	link_create(&f->b, 'b');
	link_delete(&f->a);
	for (mtu = 1300; mtu < 1364; mtu++)
		link_set_mtu(&f->b, mtu);
	ev = expect_event(f, &f->a);
	assert_true(ev.deleted);
}

static void test_link_get(void **state)
{
	struct fixture *f = *state;
	struct wgx_link_event ev;

	link_set_mtu(&f->a, 1420);
	assert_int_equal(wgx_link_get(f->a.ifindex, &ev), 0);
	assert_int_equal(ev.ifindex, f->a.ifindex);
	assert_int_equal(ev.mtu, 1420);
	assert_false(ev.up);
	assert_false(ev.deleted);
	assert_string_equal(ev.name, f->a.name);

	link_set_up(&f->a, true);
	assert_int_equal(wgx_link_get(f->a.ifindex, &ev), 0);
	assert_true(ev.up);

	link_delete(&f->a);
	assert_int_equal(wgx_link_get(f->a.ifindex, &ev), -ENODEV);
	assert_int_equal(wgx_link_get(0, &ev), -ENODEV);
	assert_int_equal(wgx_link_get(0x7ffffff0, &ev), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mtu_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latest_state_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_up_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_links_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_resyncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_get, setup, teardown),
	};

	if (geteuid()) {
		fprintf(stderr, "test_netlink: needs root to create TUN devices, skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
