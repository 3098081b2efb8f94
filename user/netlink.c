// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink link watcher. libmnl walks the messages and their attributes; we
 * only open sockets and pick the fields we need out of RTM_NEWLINK/DELLINK.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

/*
 * One RTM_NEWLINK can outgrow a page (stats, VF lists); this is the size
 * libmnl later adopted for dumps (MNL_SOCKET_DUMP_SIZE).
 */
#define LINK_BUF_SIZE 32768

union link_buf {
	struct nlmsghdr align;
	char buf[LINK_BUF_SIZE];
};

/* What the message callback looks for, and what it found. */
struct link_match {
	int ifindex;
	struct wgx_link_event *ev;
	bool found;
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct wgx_link_event *ev = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			ev->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(ev->name, sizeof(ev->name), "%s", mnl_attr_get_str(attr));
		break;
	}
	return MNL_CB_OK;
}

static int link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_match *m = data;
	struct wgx_link_event ev = { 0 };
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index != m->ifindex)
		return MNL_CB_OK;
	ev.ifindex = ifi->ifi_index;
	ev.deleted = nlh->nlmsg_type == RTM_DELLINK;
	ev.up = ifi->ifi_flags & IFF_UP;
	mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, &ev);
	/* Later messages overwrite earlier ones: the caller wants the latest state. */
	*m->ev = ev;
	m->found = true;
	return MNL_CB_OK;
}

int wgx_linkwatch_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

void wgx_linkwatch_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * Reads until the socket is empty. ENOBUFS (the kernel dropped events for us)
 * and a message cut short both mean the latest state may be missing.
 */
static int linkwatch_drain(int fd, struct link_match *m, bool *lost)
{
	union link_buf b;
	ssize_t len;

	for (;;) {
		len = recv(fd, b.buf, sizeof(b.buf), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			*lost = true;
			continue;
		}
		if (len < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (len > (ssize_t)sizeof(b.buf)) {
			*lost = true;
			continue;
		}
		/* seq and portid 0: notifications answer no request of ours. */
		if (mnl_cb_run(b.buf, len, 0, 0, link_msg_cb, m) < 0)
			return -errno;
	}
}

int wgx_linkwatch_read(int fd, int ifindex, struct wgx_link_event *ev)
{
	struct link_match m = { .ifindex = ifindex, .ev = ev };
	bool lost = false;
	int ret;

	ret = linkwatch_drain(fd, &m, &lost);
	if (ret || !lost)
		return ret ? ret : m.found;
	ret = wgx_link_get(ifindex, ev);
	if (ret == -ENODEV) {
		memset(ev, 0, sizeof(*ev));
		ev->ifindex = ifindex;
		ev->deleted = true;
		ret = 0;
	}
	return ret ? ret : 1;
}

static struct nlmsghdr *link_get_request(union link_buf *b, int ifindex, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

/* Sends the request and parses the answer: one message, the link or an error. */
static int link_get_exchange(struct mnl_socket *nl, struct link_match *m)
{
	const unsigned int seq = 1; /* a fresh socket: nothing else to tell apart */
	struct nlmsghdr *nlh;
	union link_buf b;
	ssize_t len;

	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nlh = link_get_request(&b, m->ifindex, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	len = mnl_socket_recvfrom(nl, b.buf, sizeof(b.buf));
	if (len < 0)
		return -errno;
	if (mnl_cb_run(b.buf, len, seq, mnl_socket_get_portid(nl), link_msg_cb, m) < 0)
		return -errno;
	return m->found ? 0 : -ENODEV;
}

int wgx_link_get(int ifindex, struct wgx_link_event *ev)
{
	struct link_match m = { .ifindex = ifindex, .ev = ev };
	struct mnl_socket *nl;
	int ret;

	if (ifindex <= 0)
		return -ENODEV;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	ret = link_get_exchange(nl, &m);
	mnl_socket_close(nl);
	return ret;
}
