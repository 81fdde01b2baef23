// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API of the group core (issue 3), as an application sees it:
 * every errno of the contract, the records of the reliable channel, sizes,
 * the best-effort channel's limits, a DGRAM+SEQPACKET pair sharing one
 * membership, two members in one namespace, and the send window.
 *
 * Runs inside a network namespace whose interface $LSGC_IF (default eth0)
 * carries multicast (api.sh sets that up).  The window tests also need
 * $LSGC_PEER_NS (a second namespace on the same link, for the leader) and
 * $LSGC_CUT / $LSGC_HEAL (shell commands that cut and restore the link);
 * without them they are skipped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "lsgc_util.h"
#include "kselftest_harness.h"

#define VIEW_BUF	(sizeof(struct lsgc_view_info) + \
			 64 * sizeof(struct lsgc_member_info))

static int family(void)
{
	static int fam;

	if (!fam)
		fam = lsgc_read_family();
	return fam;
}

static __u32 test_ifindex(void)
{
	const char *ifn = getenv("LSGC_IF") ?: "eth0";

	return if_nametoindex(ifn);
}

/* A port of its own for every test, so groups of earlier tests never mix. */
static unsigned int test_port(void)
{
	return 20000 + (getpid() % 20000);
}

static void make_req(struct lsgc_join_req *req, const char *name,
		     unsigned int port, __u32 flags)
{
	memset(req, 0, sizeof(*req));
	lsgc_group_fill(&req->group, LSGC_TEST_DEFAULT_GROUP, port,
			test_ifindex());
	lsgc_id_from_name(req->id, name);
	req->flags = flags | LSGC_JOIN_INSECURE;
	req->timeout_ms = 3000;
}

static int join(int fd, const char *name, unsigned int port, __u32 flags)
{
	struct lsgc_join_req req;

	make_req(&req, name, port, flags);
	return setsockopt(fd, SOL_LSGC, LSGC_JOIN, &req, sizeof(req));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct rec {
	ssize_t len;
	int flags;
	struct sockaddr_lsgc from;
	socklen_t fromlen;
	__u64 seq, view_id;
	int have_seq, have_view_id, have_view;
	unsigned char data[LSGC_MAX_MSG + 64];
};

/* One record within @ms milliseconds; -1 with errno on error or timeout. */
static int get_rec(int fd, struct rec *r, int ms, size_t buflen)
{
	char cbuf[CMSG_SPACE(VIEW_BUF) + 128];
	struct iovec iov = { r->data, buflen ? buflen : sizeof(r->data) };
	struct msghdr mh = {
		.msg_name = &r->from, .msg_namelen = sizeof(r->from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct cmsghdr *cm;

	memset(&r->from, 0, sizeof(r->from));
	r->have_seq = r->have_view_id = r->have_view = 0;
	if (poll(&p, 1, ms) == 0) {
		errno = ETIME;
		return -1;
	}
	r->len = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (r->len < 0)
		return -1;
	r->flags = mh.msg_flags;
	r->fromlen = mh.msg_namelen;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_LSGC)
			continue;
		if (cm->cmsg_type == LSGC_CMSG_SEQ) {
			memcpy(&r->seq, CMSG_DATA(cm), 8);
			r->have_seq = 1;
		} else if (cm->cmsg_type == LSGC_CMSG_VIEW_ID) {
			memcpy(&r->view_id, CMSG_DATA(cm), 8);
			r->have_view_id = 1;
		} else if (cm->cmsg_type == LSGC_CMSG_VIEW) {
			r->have_view = 1;
		}
	}
	return 0;
}

/* Next data record, skipping views; returns -1 on error/timeout. */
static int get_data(int fd, struct rec *r, int ms)
{
	do {
		if (get_rec(fd, r, ms, 0))
			return -1;
	} while (r->flags & MSG_OOB);
	return 0;
}

/* Read records until a view of @n members; returns its info or NULL. */
static struct lsgc_view_info *wait_view(int fd, struct rec *r, __u32 n, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (now_s() < end) {
		if (get_rec(fd, r, (end - now_s()) * 1000 + 1, 0))
			return NULL;
		if ((r->flags & MSG_OOB) &&
		    ((struct lsgc_view_info *)r->data)->n_members == n)
			return (struct lsgc_view_info *)r->data;
	}
	return NULL;
}

static int sock(int type)
{
	return socket(family(), type, 0);
}

/* ------------------------------------------------------------ creation */

TEST(family_and_types)
{
	int fam = family(), fd;

	ASSERT_GT(fam, 0) TH_LOG("cannot read %s", LSGC_FAMILY_SYSFS);
	ASSERT_LT(fam, 46);
	fd = sock(SOCK_SEQPACKET);
	ASSERT_LE(0, fd) TH_LOG("SOCK_SEQPACKET: %s", strerror(errno));
	close(fd);
	fd = sock(SOCK_DGRAM);
	ASSERT_LE(0, fd) TH_LOG("SOCK_DGRAM: %s", strerror(errno));
	close(fd);
	EXPECT_EQ(-1, socket(fam, SOCK_STREAM, 0));
	EXPECT_EQ(ESOCKTNOSUPPORT, errno);
	EXPECT_EQ(-1, socket(fam, SOCK_SEQPACKET, 1));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

/* ------------------------------------------------------------ unjoined */

FIXTURE(unjoined) {
	int seq, dgram;
	struct lsgc_join_req req;
};

FIXTURE_SETUP(unjoined)
{
	self->seq = sock(SOCK_SEQPACKET);
	self->dgram = sock(SOCK_DGRAM);
	ASSERT_LE(0, self->seq);
	ASSERT_LE(0, self->dgram);
	ASSERT_NE(0, test_ifindex()) TH_LOG("no interface $LSGC_IF");
	make_req(&self->req, "unjoined", test_port(), LSGC_JOIN_CREATE);
}

FIXTURE_TEARDOWN(unjoined)
{
	close(self->seq);
	close(self->dgram);
}

static int try_join(int fd, struct lsgc_join_req *req)
{
	return setsockopt(fd, SOL_LSGC, LSGC_JOIN, req, sizeof(*req));
}

TEST_F(unjoined, send_recv_before_join)
{
	char b[8] = "x";
	int fds[2] = { self->seq, self->dgram }, i;

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-1, send(fds[i], b, 1, MSG_DONTWAIT));
		EXPECT_EQ(ENOTCONN, errno);
		EXPECT_EQ(-1, recv(fds[i], b, sizeof(b), MSG_DONTWAIT));
		EXPECT_EQ(ENOTCONN, errno);
	}
}

TEST_F(unjoined, state_unjoined)
{
	int st = -1;
	socklen_t l = sizeof(st);

	ASSERT_EQ(0, getsockopt(self->seq, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_EQ(LSGC_STATE_UNJOINED, st);
	EXPECT_EQ(sizeof(int), l);
}

TEST_F(unjoined, join_optlen)
{
	EXPECT_EQ(-1, setsockopt(self->seq, SOL_LSGC, LSGC_JOIN, &self->req,
				 sizeof(self->req) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->seq, SOL_LSGC, LSGC_JOIN, &self->req, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->seq, SOL_LSGC, LSGC_JOIN, &self->req, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->dgram, SOL_LSGC, LSGC_JOIN, &self->req,
				 sizeof(self->req) - 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(unjoined, join_bad_pointer)
{
	EXPECT_EQ(-1, setsockopt(self->seq, SOL_LSGC, LSGC_JOIN, (void *)8,
				 sizeof(self->req)));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(unjoined, join_bad_family)
{
	static const __u16 fams[] = { 0, AF_UNIX, AF_PACKET, 0xffff };
	unsigned int i;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		self->req.group.family = fams[i];
		EXPECT_EQ(-1, try_join(self->seq, &self->req));
		EXPECT_TRUE(errno == EINVAL || errno == EAFNOSUPPORT)
			TH_LOG("family %u: %s", fams[i], lsgc_errname(errno));
	}
}

TEST_F(unjoined, join_not_multicast)
{
	static const char *v4[] = { "10.99.0.1", "255.255.255.255", "0.0.0.0",
				    "127.0.0.1", "223.255.255.255" };
	static const char *v6[] = { "fd00:99::1", "::", "::1", "fe80::1" };
	unsigned int i;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		lsgc_group_fill(&self->req.group, v4[i], test_port(), test_ifindex());
		EXPECT_EQ(-1, try_join(self->seq, &self->req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", v4[i]);
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		lsgc_group_fill(&self->req.group, v6[i], test_port(), test_ifindex());
		EXPECT_EQ(-1, try_join(self->seq, &self->req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", v6[i]);
	}
	/* An IPv4 multicast address with junk after its 4 bytes. */
	lsgc_group_fill(&self->req.group, LSGC_TEST_DEFAULT_GROUP, test_port(),
			test_ifindex());
	self->req.group.addr[4] = 1;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("IPv4 with addr[4] != 0");
}

TEST_F(unjoined, join_port_zero)
{
	self->req.group.port = 0;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(unjoined, join_unknown_flags)
{
	static const __u32 bad[] = { 1U << 2, 1U << 15, 1U << 31 };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		self->req.flags = LSGC_JOIN_CREATE | LSGC_JOIN_INSECURE | bad[i];
		EXPECT_EQ(-1, try_join(self->seq, &self->req));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flags 0x%x", self->req.flags);
	}
}

TEST_F(unjoined, join_reserved)
{
	self->req.reserved = 1;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(unjoined, join_bad_ifindex)
{
	self->req.group.ifindex = 999999;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_TRUE(errno == ENODEV || errno == EINVAL)
		TH_LOG("errno %s", lsgc_errname(errno));
}

TEST_F(unjoined, join_without_insecure)
{
	/* No key and no INSECURE flag: nothing to secure the group with. */
	self->req.flags = LSGC_JOIN_CREATE;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	TH_LOG("join without LSGC_JOIN_INSECURE and without a key: %s",
	       lsgc_errname(errno));
}

TEST_F(unjoined, join_insecure_needs_cap_net_admin)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct d[2];
		int fd;

		syscall(SYS_capget, &h, d);
		d[CAP_NET_ADMIN / 32].effective &= ~(1U << (CAP_NET_ADMIN % 32));
		d[CAP_NET_ADMIN / 32].permitted &= ~(1U << (CAP_NET_ADMIN % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(10);
		fd = sock(SOCK_SEQPACKET);
		if (fd < 0)
			_exit(11);
		if (try_join(fd, &self->req) == 0)
			_exit(12);
		_exit(errno == EPERM ? 0 : 13);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: capset, 11: socket, 12: joined, 13: not EPERM");
}

TEST_F(unjoined, join_no_leader)
{
	double t0 = now_s(), el;
	int st = -1;
	socklen_t l = sizeof(st);

	self->req.flags = LSGC_JOIN_INSECURE;
	self->req.timeout_ms = 400;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	el = now_s() - t0;
	EXPECT_TRUE(errno == ETIMEDOUT || errno == ECONNREFUSED)
		TH_LOG("errno %s", lsgc_errname(errno));
	EXPECT_LT(0.3, el) TH_LOG("gave up after %.3f s", el);
	EXPECT_GT(10.0, el) TH_LOG("gave up after %.3f s", el);
	/* The socket is still usable: now create the session. */
	EXPECT_EQ(0, getsockopt(self->seq, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_NE(LSGC_STATE_MEMBER, st);
	self->req.flags = LSGC_JOIN_INSECURE | LSGC_JOIN_CREATE;
	EXPECT_EQ(0, try_join(self->seq, &self->req))
		TH_LOG("join after a failed join: %s", lsgc_errname(errno));
}

/* ------------------------------------------------------------ a leader */

FIXTURE(leader) {
	int fd;
	unsigned int port;
	__u32 member;
	__u64 view_id, view_seq;
	struct rec r;
};

FIXTURE_SETUP(leader)
{
	struct lsgc_view_info *vi;
	struct lsgc_member_info *mi;

	self->port = test_port();
	self->fd = sock(SOCK_SEQPACKET);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, join(self->fd, "leader", self->port, LSGC_JOIN_CREATE))
		TH_LOG("join: %s", lsgc_errname(errno));
	/* The first record is the view that admits us. */
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 5000, 0))
		TH_LOG("no first record: %s", lsgc_errname(errno));
	ASSERT_TRUE(self->r.flags & MSG_OOB) TH_LOG("first record is not a view");
	ASSERT_EQ(sizeof(*vi) + sizeof(*mi), self->r.len);
	vi = (void *)self->r.data;
	mi = (void *)(vi + 1);
	ASSERT_EQ(1, vi->n_members);
	EXPECT_EQ(vi->leader, mi[0].member);
	EXPECT_EQ(0, memcmp(mi[0].id, "leader", 7));
	EXPECT_NE(0, vi->session);
	EXPECT_TRUE(self->r.have_view_id);
	EXPECT_EQ(vi->view_id, self->r.view_id);
	EXPECT_TRUE(self->r.have_view) TH_LOG("view record without LSGC_CMSG_VIEW");
	self->member = mi[0].member;
	self->view_id = vi->view_id;
	self->view_seq = vi->seq;
}

FIXTURE_TEARDOWN(leader)
{
	close(self->fd);
}

TEST_F(leader, state_view_group)
{
	char vb[VIEW_BUF];
	struct lsgc_view_info *vi = (void *)vb;
	struct lsgc_join_req g, want;
	socklen_t l;
	int st;

	l = sizeof(st);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_EQ(LSGC_STATE_MEMBER, st);
	l = sizeof(vb);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_VIEW, vb, &l));
	EXPECT_EQ(sizeof(*vi) + sizeof(struct lsgc_member_info), l);
	EXPECT_EQ(self->view_id, vi->view_id);
	EXPECT_EQ(1, vi->n_members);
	EXPECT_EQ(self->member, vi->leader);
	l = sizeof(g);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_GROUP, &g, &l));
	make_req(&want, "leader", self->port, LSGC_JOIN_CREATE);
	EXPECT_EQ(0, memcmp(&want.group, &g.group, sizeof(g.group)));
	EXPECT_EQ(0, memcmp(want.id, g.id, LSGC_ID_LEN));
	/* A buffer too small for the members gets the head, and the length
	 * it would need.
	 */
	l = sizeof(*vi);
	memset(vb, 0, sizeof(vb));
	EXPECT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_VIEW, vb, &l));
	EXPECT_EQ(sizeof(*vi) + sizeof(struct lsgc_member_info), l);
	EXPECT_EQ(self->view_id, vi->view_id);
	l = sizeof(*vi) - 1;
	EXPECT_EQ(-1, getsockopt(self->fd, SOL_LSGC, LSGC_VIEW, vb, &l));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(leader, join_twice)
{
	int d = sock(SOCK_DGRAM);

	EXPECT_EQ(-1, join(self->fd, "leader", self->port, LSGC_JOIN_CREATE));
	EXPECT_EQ(EISCONN, errno);
	EXPECT_EQ(-1, join(self->fd, "other", self->port + 1, LSGC_JOIN_CREATE));
	EXPECT_EQ(EISCONN, errno);
	ASSERT_EQ(0, join(d, "leader", self->port, LSGC_JOIN_CREATE))
		TH_LOG("DGRAM socket sharing the membership: %s",
		       lsgc_errname(errno));
	EXPECT_EQ(-1, join(d, "leader", self->port, LSGC_JOIN_CREATE));
	EXPECT_EQ(EISCONN, errno);
	close(d);
}

TEST_F(leader, self_delivery)
{
	const char msg[] = "hello, group";
	struct rec *r = &self->r;

	ASSERT_EQ(sizeof(msg), send(self->fd, msg, sizeof(msg), 0));
	ASSERT_EQ(0, get_rec(self->fd, r, 5000, 0))
		TH_LOG("own message not delivered: %s", lsgc_errname(errno));
	EXPECT_FALSE(r->flags & MSG_OOB);
	EXPECT_FALSE(r->flags & MSG_TRUNC);
	EXPECT_EQ(sizeof(msg), r->len);
	EXPECT_EQ(0, memcmp(r->data, msg, sizeof(msg)));
	EXPECT_EQ(sizeof(struct sockaddr_lsgc), r->fromlen);
	EXPECT_EQ(family(), r->from.slsgc_family);
	EXPECT_EQ(0, r->from.slsgc_reserved);
	EXPECT_EQ(self->member, r->from.slsgc_member);
	EXPECT_EQ(0, memcmp(r->from.slsgc_id, "leader", 7));
	EXPECT_TRUE(r->have_seq);
	EXPECT_TRUE(r->have_view_id);
	EXPECT_EQ(self->view_id, r->view_id);
	EXPECT_LT(self->view_seq, r->seq);
	EXPECT_FALSE(r->have_view);
}

TEST_F(leader, sizes)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 64, 511, 512, 513, 1000,
		1380, 1400, 1450, 1472, 1473, 1500, 2000, 2048, 2999, 4096,
		8191, 9000, 16384, 32768, 40000, 65535, 65536 };
	static unsigned char buf[LSGC_MAX_MSG];
	struct rec *r = &self->r;
	__u64 last = self->view_seq;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		lsgc_payload_fill(buf, sizes[i], "leader", i + 1);
		ASSERT_EQ(sizes[i], send(self->fd, buf, sizes[i], 0))
			TH_LOG("send %zu: %s", sizes[i], lsgc_errname(errno));
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(0, get_data(self->fd, r, 10000))
			TH_LOG("message %u (%zu bytes) not delivered: %s", i,
			       sizes[i], lsgc_errname(errno));
		EXPECT_EQ(sizes[i], r->len);
		EXPECT_FALSE(r->flags & MSG_TRUNC);
		EXPECT_TRUE(lsgc_payload_check(r->data, r->len, "leader", i + 1))
			TH_LOG("message %u (%zu bytes) corrupt", i, sizes[i]);
		EXPECT_LT(last, r->seq);
		last = r->seq;
	}
}

TEST_F(leader, too_big)
{
	static unsigned char buf[LSGC_MAX_MSG + 2];

	EXPECT_EQ(-1, send(self->fd, buf, LSGC_MAX_MSG + 1, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send(self->fd, buf, LSGC_MAX_MSG + 1, MSG_DONTWAIT));
	EXPECT_EQ(EMSGSIZE, errno);
	/* Nothing of it was delivered; a following message is. */
	ASSERT_EQ(3, send(self->fd, "ok", 3, 0));
	ASSERT_EQ(0, get_data(self->fd, &self->r, 5000));
	EXPECT_EQ(3, self->r.len);
}

TEST_F(leader, zero_length)
{
	/* A zero-length record is a record: delivered with length 0. */
	ASSERT_EQ(0, send(self->fd, "", 0, 0))
		TH_LOG("send 0 bytes: %s", lsgc_errname(errno));
	ASSERT_EQ(3, send(self->fd, "ok", 3, 0));
	ASSERT_EQ(0, get_data(self->fd, &self->r, 5000));
	EXPECT_EQ(0, self->r.len);
	ASSERT_EQ(0, get_data(self->fd, &self->r, 5000));
	EXPECT_EQ(3, self->r.len);
}

TEST_F(leader, truncation)
{
	static unsigned char buf[3000];
	struct rec *r = &self->r;

	lsgc_payload_fill(buf, sizeof(buf), "leader", 1);
	ASSERT_EQ(sizeof(buf), send(self->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(3, send(self->fd, "ok", 3, 0));
	ASSERT_EQ(0, get_rec(self->fd, r, 5000, 100));
	EXPECT_TRUE(r->flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(r->data, buf, 100));
	/* The rest of the record is gone: the next read is the next record. */
	ASSERT_EQ(0, get_data(self->fd, r, 5000));
	EXPECT_EQ(3, r->len);
	EXPECT_EQ(0, memcmp(r->data, "ok", 3));
}

TEST_F(leader, recv_own_option)
{
	int v = -1;
	socklen_t l = sizeof(v);

	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_RECV_OWN, &v, &l));
	EXPECT_EQ(1, v);
	v = 0;
	ASSERT_EQ(0, setsockopt(self->fd, SOL_LSGC, LSGC_RECV_OWN, &v, sizeof(v)));
	v = -1;
	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_RECV_OWN, &v, &l));
	EXPECT_EQ(0, v);
	ASSERT_EQ(4, send(self->fd, "own", 4, 0));
	EXPECT_EQ(-1, get_data(self->fd, &self->r, 1000));
	EXPECT_EQ(ETIME, errno) TH_LOG("own message delivered with RECV_OWN 0");
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_LSGC, LSGC_RECV_OWN, &v, 2));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(leader, poll_writable)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLOUT };

	ASSERT_EQ(1, poll(&p, 1, 1000));
	EXPECT_TRUE(p.revents & POLLOUT);
	EXPECT_FALSE(p.revents & (POLLERR | POLLHUP));
	EXPECT_FALSE(p.revents & POLLIN) TH_LOG("readable with nothing queued");
	ASSERT_EQ(2, send(self->fd, "x", 2, 0));
	p.revents = 0;
	ASSERT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLIN);
}

/* One membership for a SEQPACKET and a DGRAM socket of the same identity. */
TEST_F(leader, dgram_shares_membership)
{
	char vb[VIEW_BUF];
	struct lsgc_view_info *vi = (void *)vb;
	static unsigned char buf[LSGC_MAX_MSG + 2];
	socklen_t l = sizeof(vb);
	int d = sock(SOCK_DGRAM), max = 0, st;
	struct rec *r = &self->r;

	ASSERT_LE(0, d);
	ASSERT_EQ(0, join(d, "leader", self->port, LSGC_JOIN_CREATE))
		TH_LOG("%s", lsgc_errname(errno));
	/* Still one member: the same one. */
	ASSERT_EQ(0, getsockopt(d, SOL_LSGC, LSGC_VIEW, vb, &l));
	EXPECT_EQ(1, vi->n_members);
	EXPECT_EQ(self->view_id, vi->view_id);
	EXPECT_EQ(self->member, vi->leader);
	EXPECT_EQ(-1, get_rec(self->fd, r, 500, 0))
		TH_LOG("the DGRAM join made a view change");
	l = sizeof(max);
	ASSERT_EQ(0, getsockopt(d, SOL_LSGC, LSGC_MAX_DGRAM, &max, &l));
	EXPECT_LT(0, max);
	EXPECT_GE(LSGC_MAX_MSG, max);
	TH_LOG("LSGC_MAX_DGRAM %d", max);
	lsgc_payload_fill(buf, max, "leader", 1);
	EXPECT_EQ(max, send(d, buf, max, 0)) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(-1, send(d, buf, max + 1, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(1, send(d, buf, 1, 0));
	/* LSGC_LEAVE detaches one socket; the membership lasts while a
	 * socket is attached.
	 */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_LSGC, LSGC_LEAVE, NULL, 0));
	l = sizeof(st);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_EQ(LSGC_STATE_UNJOINED, st);
	EXPECT_EQ(-1, send(self->fd, buf, 1, MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_LSGC, LSGC_LEAVE, NULL, 0));
	EXPECT_EQ(ENOTCONN, errno);
	l = sizeof(st);
	ASSERT_EQ(0, getsockopt(d, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_EQ(LSGC_STATE_MEMBER, st);
	EXPECT_EQ(1, send(d, buf, 1, MSG_DONTWAIT))
		TH_LOG("DGRAM socket after the other one left: %s",
		       lsgc_errname(errno));
	close(d);
}

TEST_F(leader, leave_then_join_again)
{
	int st;
	socklen_t l = sizeof(st);

	ASSERT_EQ(0, setsockopt(self->fd, SOL_LSGC, LSGC_LEAVE, NULL, 0));
	ASSERT_EQ(0, getsockopt(self->fd, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_NE(LSGC_STATE_MEMBER, st);
	/* A socket that left may join a group again. */
	EXPECT_EQ(0, join(self->fd, "leader2", self->port + 7, LSGC_JOIN_CREATE))
		TH_LOG("join after leave: %s", lsgc_errname(errno));
}

/* ------------------------------------------------------------ two members */

FIXTURE(pair) {
	int a, b;
	unsigned int port;
	__u32 ma, mb;
	struct rec r;
};

FIXTURE_SETUP(pair)
{
	struct lsgc_view_info *vi;
	struct lsgc_member_info *mi;

	self->port = test_port();
	self->a = sock(SOCK_SEQPACKET);
	self->b = sock(SOCK_SEQPACKET);
	ASSERT_EQ(0, join(self->a, "alpha", self->port, LSGC_JOIN_CREATE))
		TH_LOG("%s", lsgc_errname(errno));
	ASSERT_EQ(0, join(self->b, "beta", self->port, 0))
		TH_LOG("second member in the same namespace: %s",
		       lsgc_errname(errno));
	vi = wait_view(self->b, &self->r, 2, 5000);
	ASSERT_NE(NULL, vi) TH_LOG("beta saw no 2-member view");
	mi = (void *)(vi + 1);
	ASSERT_EQ(0, memcmp(mi[0].id, "alpha", 6));
	ASSERT_EQ(0, memcmp(mi[1].id, "beta", 5));
	self->ma = mi[0].member;
	self->mb = mi[1].member;
	EXPECT_LT(self->ma, self->mb);
	EXPECT_EQ(self->ma, vi->leader);
	vi = wait_view(self->a, &self->r, 2, 5000);
	ASSERT_NE(NULL, vi) TH_LOG("alpha saw no 2-member view");
}

FIXTURE_TEARDOWN(pair)
{
	close(self->a);
	close(self->b);
}

/* Interleaved senders: both members deliver one identical sequence. */
TEST_F(pair, same_order)
{
	enum { N = 100 };
	static unsigned char buf[2000];
	struct { __u64 seq; __u32 from; size_t len; uint32_t crc; } la[2 * N], lb[2 * N];
	struct rec *r = &self->r;
	int i;

	for (i = 1; i <= N; i++) {
		size_t len = 1 + (i * 37) % sizeof(buf);

		lsgc_payload_fill(buf, len, "alpha", i);
		ASSERT_EQ(len, send(self->a, buf, len, 0));
		lsgc_payload_fill(buf, len, "beta", i);
		ASSERT_EQ(len, send(self->b, buf, len, 0));
	}
	for (i = 0; i < 2 * N; i++) {
		ASSERT_EQ(0, get_data(self->a, r, 10000)) TH_LOG("alpha #%d", i);
		la[i].seq = r->seq;
		la[i].from = r->from.slsgc_member;
		la[i].len = r->len;
		la[i].crc = lsgc_crc32(r->data, r->len);
		ASSERT_EQ(0, get_data(self->b, r, 10000)) TH_LOG("beta #%d", i);
		lb[i].seq = r->seq;
		lb[i].from = r->from.slsgc_member;
		lb[i].len = r->len;
		lb[i].crc = lsgc_crc32(r->data, r->len);
	}
	for (i = 0; i < 2 * N; i++) {
		EXPECT_EQ(la[i].seq, lb[i].seq) TH_LOG("record %d", i);
		EXPECT_EQ(la[i].from, lb[i].from) TH_LOG("record %d", i);
		EXPECT_EQ(la[i].len, lb[i].len) TH_LOG("record %d", i);
		EXPECT_EQ(la[i].crc, lb[i].crc) TH_LOG("record %d", i);
		if (i)
			EXPECT_LT(la[i - 1].seq, la[i].seq);
	}
	/* Nothing more. */
	EXPECT_EQ(-1, get_rec(self->a, r, 300, 0));
	EXPECT_EQ(-1, get_rec(self->b, r, 300, 0));
}

TEST_F(pair, recv_own_off)
{
	int v = 0, i;
	struct rec *r = &self->r;
	char m[16];

	ASSERT_EQ(0, setsockopt(self->b, SOL_LSGC, LSGC_RECV_OWN, &v, sizeof(v)));
	for (i = 0; i < 5; i++) {
		snprintf(m, sizeof(m), "b%d", i);
		ASSERT_EQ(3, send(self->b, m, 3, 0));
	}
	ASSERT_EQ(5, send(self->a, "from", 5, 0));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, get_data(self->a, r, 5000));
		EXPECT_EQ(i < 5 ? self->mb : self->ma, r->from.slsgc_member);
	}
	/* beta gets alpha's message only. */
	ASSERT_EQ(0, get_data(self->b, r, 5000));
	EXPECT_EQ(self->ma, r->from.slsgc_member);
	EXPECT_EQ(5, r->len);
	EXPECT_EQ(-1, get_rec(self->b, r, 300, 0));
}

TEST_F(pair, leave_is_a_view)
{
	struct lsgc_view_info *vi;
	struct lsgc_member_info *mi;

	ASSERT_EQ(3, send(self->b, "by", 3, 0));
	close(self->b);
	self->b = sock(SOCK_SEQPACKET);
	ASSERT_EQ(0, get_data(self->a, &self->r, 5000))
		TH_LOG("message sent before close not delivered");
	vi = wait_view(self->a, &self->r, 1, 5000);
	ASSERT_NE(NULL, vi) TH_LOG("no view without beta");
	mi = (void *)(vi + 1);
	EXPECT_EQ(self->ma, mi[0].member);
	EXPECT_EQ(self->ma, vi->leader);
}

TEST_F(pair, dgram_between_members)
{
	enum { N = 20 };
	int da = sock(SOCK_DGRAM), db = sock(SOCK_DGRAM), i, got = 0;
	static unsigned char buf[1000];
	struct rec *r = &self->r;

	ASSERT_EQ(0, join(da, "alpha", self->port, LSGC_JOIN_CREATE));
	ASSERT_EQ(0, join(db, "beta", self->port, 0));
	for (i = 1; i <= N; i++) {
		lsgc_payload_fill(buf, 100 + i, "alpha", i);
		ASSERT_EQ(100 + i, send(da, buf, 100 + i, 0));
	}
	while (got < N && get_rec(db, r, 2000, 0) == 0) {
		EXPECT_EQ(self->ma, r->from.slsgc_member);
		EXPECT_EQ(0, memcmp(r->from.slsgc_id, "alpha", 6));
		EXPECT_EQ(family(), r->from.slsgc_family);
		EXPECT_TRUE(lsgc_payload_check(r->data, r->len, "alpha",
					       r->len - 100));
		got++;
	}
	EXPECT_EQ(N, got) TH_LOG("%d of %d datagrams on one host", got, N);
	/* Datagrams never show up on the reliable channel. */
	EXPECT_EQ(-1, get_rec(self->b, r, 300, 0));
	close(da);
	close(db);
}

/* ------------------------------------------------------------ the window */

static int write_sysctl(const char *name, long v)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "/proc/sys/net/lsgc/%s", name);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", v);
	return fclose(f);
}

static long read_sysctl(const char *name)
{
	char p[128];
	long v = -1;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/sys/net/lsgc/%s", name);
	f = fopen(p, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* A leader in $LSGC_PEER_NS that reads everything until killed. */
static pid_t start_peer_leader(unsigned int port)
{
	const char *ns = getenv("LSGC_PEER_NS");
	char path[256];
	pid_t pid;

	pid = fork();
	if (pid)
		return pid;
	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	{
		int nfd = open(path, O_RDONLY), fd;
		static struct rec r;

		if (nfd < 0 || setns(nfd, CLONE_NEWNET))
			_exit(20);
		write_sysctl("heartbeat_timeout_ms", 60000);
		fd = sock(SOCK_SEQPACKET);
		if (fd < 0 || join(fd, "wleader", port, LSGC_JOIN_CREATE))
			_exit(21);
		for (;;)
			get_rec(fd, &r, 1000, 0);
	}
}

FIXTURE(window) {
	pid_t leader;
	int cut;
	int fd;
	long window, old_window, old_hb;
	struct rec r;
};

FIXTURE_SETUP(window)
{
	unsigned int port = test_port();
	int i;

	self->leader = -1;
	self->cut = 0;
	self->fd = -1;
	if (!getenv("LSGC_PEER_NS") || !getenv("LSGC_CUT") || !getenv("LSGC_HEAL"))
		SKIP(return, "needs LSGC_PEER_NS, LSGC_CUT, LSGC_HEAL");
	self->old_window = read_sysctl("window");
	self->old_hb = read_sysctl("heartbeat_timeout_ms");
	ASSERT_LT(0, self->old_window) TH_LOG("no /proc/sys/net/lsgc/window");
	self->window = 8;
	ASSERT_EQ(0, write_sysctl("window", self->window));
	ASSERT_EQ(0, write_sysctl("heartbeat_timeout_ms", 60000));
	self->leader = start_peer_leader(port);
	ASSERT_LT(0, self->leader);
	self->fd = sock(SOCK_SEQPACKET);
	for (i = 0; i < 50; i++) {
		if (join(self->fd, "wsender", port, 0) == 0)
			break;
		usleep(100000);	/* the leader may not be there yet */
	}
	ASSERT_GT(50, i) TH_LOG("cannot join the peer's group: %s",
				lsgc_errname(errno));
	ASSERT_NE(NULL, wait_view(self->fd, &self->r, 2, 5000));
}

FIXTURE_TEARDOWN(window)
{
	if (self->cut && system(getenv("LSGC_HEAL")))
		TH_LOG("cannot heal the link");
	if (self->fd >= 0)
		close(self->fd);
	if (self->leader > 0) {
		kill(self->leader, SIGKILL);
		waitpid(self->leader, NULL, 0);
	}
	if (self->old_window > 0)
		write_sysctl("window", self->old_window);
	if (self->old_hb > 0)
		write_sysctl("heartbeat_timeout_ms", self->old_hb);
}

/* Cut off from the sequencer, a sender can have exactly `window` messages
 * outstanding: then EAGAIN, no EPOLLOUT, a blocking send waits; when the
 * link comes back, all of them are delivered in order and EPOLLOUT returns.
 */
TEST_F(window, full_window)
{
	struct pollfd p = { .fd = self->fd, .events = POLLOUT };
	struct timeval tv = { 0, 300000 };
	unsigned char buf[200];
	int n = 0, i, more = 0;
	double t0, el;

	ASSERT_EQ(1, poll(&p, 1, 1000));
	ASSERT_TRUE(p.revents & POLLOUT);
	ASSERT_EQ(0, system(getenv("LSGC_CUT")));
	self->cut = 1;
	for (i = 0; i < 10 * self->window; i++) {
		lsgc_payload_fill(buf, sizeof(buf), "wsender", n + 1);
		if (send(self->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
		n++;
	}
	EXPECT_EQ(EAGAIN, errno) TH_LOG("send with the window full: %s",
					lsgc_errname(errno));
	EXPECT_EQ(self->window, n) TH_LOG("%d sends before EAGAIN, window %ld",
					  n, self->window);
	p.revents = 0;
	EXPECT_EQ(0, poll(&p, 1, 300)) TH_LOG("revents 0x%x with the window full",
					       p.revents);
	/* A blocking send waits: SO_SNDTIMEO bounds the wait. */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	t0 = now_s();
	lsgc_payload_fill(buf, sizeof(buf), "wsender", n + 1);
	EXPECT_EQ(-1, send(self->fd, buf, sizeof(buf), 0));
	el = now_s() - t0;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LT(0.25, el) TH_LOG("blocking send returned after %.3f s", el);
	tv.tv_usec = 0;
	setsockopt(self->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

	ASSERT_EQ(0, system(getenv("LSGC_HEAL")));
	self->cut = 0;
	p.revents = 0;
	EXPECT_EQ(1, poll(&p, 1, 20000)) TH_LOG("no EPOLLOUT after the link healed");
	EXPECT_TRUE(p.revents & POLLOUT);
	/* Once writable, the next send goes through. */
	lsgc_payload_fill(buf, sizeof(buf), "wsender", n + 1);
	if (send(self->fd, buf, sizeof(buf), MSG_DONTWAIT) == sizeof(buf))
		more = 1;
	EXPECT_EQ(1, more) TH_LOG("EPOLLOUT but send: %s", lsgc_errname(errno));
	for (i = 1; i <= n + more; i++) {
		ASSERT_EQ(0, get_data(self->fd, &self->r, 20000))
			TH_LOG("own message %d of %d not delivered: %s", i,
			       n + more, lsgc_errname(errno));
		EXPECT_TRUE(lsgc_payload_check(self->r.data, self->r.len,
					       "wsender", i))
			TH_LOG("message %d out of order or corrupt", i);
	}
}

TEST_HARNESS_MAIN
