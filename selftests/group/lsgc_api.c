// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API of the group core (issue 3), as an application sees it:
 * every errno of the contract, each the one the documentation names; the
 * records of the reliable channel, sizes, the best-effort channel's
 * limits, a DGRAM+SEQPACKET pair sharing one membership, two members in
 * one namespace, the send window and a receiver's flow control; poll and
 * epoll (level and edge), shutdown(), SO_RCVTIMEO/SO_SNDTIMEO, SO_ERROR,
 * SO_RCVBUF and SO_SNDBUF, SIOCINQ/SIOCOUTQ, MSG_PEEK, MSG_TRUNC, every
 * flag bit of send() and recv(), addresses given to sendto(), the names,
 * the unsupported operations; joins: their errors (a forged leader,
 * speaking the wire format through the module's own wire.c, gives every
 * answer a joiner can get), signals, O_NONBLOCK, a close or a second
 * socket during a join, ifindex 0, link-local IPv6; /proc/net/lsgc/members.
 *
 * Runs inside a network namespace whose interface $LSGC_IF (default eth0)
 * carries multicast (api.sh sets that up).  The window and peer tests
 * also need $LSGC_PEER_NS (a second namespace on the same link, for a
 * leader), the window tests $LSGC_CUT / $LSGC_HEAL (shell commands that
 * cut and restore the link); without them they are skipped (and a skip
 * fails the run unless expected, see selftests/run.sh).
 * LSGC_TIMEOUT_SCALE stretches every wait for something that must happen.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/sockios.h>

#include "lsgc_util.h"
#include "wire.h"		/* the module's own wire format: forged packets */
#include "kselftest_harness.h"

#ifndef MSG_SPLICE_PAGES
#define MSG_SPLICE_PAGES	0x8000000	/* 6.1.y stable: internal to the kernel */
#endif

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

/*
 * How long to wait for something that must happen: a slow kernel (the
 * debug lane sets LSGC_TIMEOUT_SCALE) gets proportionally longer.  Bounds
 * the kernel itself enforces (timeout_ms, SO_RCVTIMEO) are not scaled.
 */
static int scaled(int ms)
{
	static int scale;

	if (!scale) {
		const char *s = getenv("LSGC_TIMEOUT_SCALE");

		scale = s && atoi(s) > 0 ? atoi(s) : 1;
	}
	return ms * scale;
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

/* One record within @ms milliseconds, received with @flags (and
 * MSG_DONTWAIT); -1 with errno on error or timeout.
 */
static int get_rec_flags(int fd, struct rec *r, int ms, size_t buflen, int flags)
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
	if (poll(&p, 1, scaled(ms)) == 0) {
		errno = ETIME;
		return -1;
	}
	r->len = recvmsg(fd, &mh, MSG_DONTWAIT | flags);
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

static int get_rec(int fd, struct rec *r, int ms, size_t buflen)
{
	return get_rec_flags(fd, r, ms, buflen, 0);
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

/* The counter of a test payload from @name (lsgc_util.h), -1 if not one. */
static int msg_counter(const struct rec *r, const char *name)
{
	char n[64];
	uint64_t c;

	if (lsgc_payload_parse(r->data, r->len, n, sizeof(n), &c) ||
	    strcmp(n, name) || !lsgc_payload_check(r->data, r->len, name, c))
		return -1;
	return c;
}

/* Read records until a view of @n members; returns its info or NULL. */
static struct lsgc_view_info *wait_view(int fd, struct rec *r, __u32 n, int ms)
{
	double end = now_s() + scaled(ms) / 1000.0;

	while (now_s() < end) {
		/* get_rec() scales what it is given: give it real time. */
		if (get_rec(fd, r, (end - now_s()) * 1000 / scaled(1) + 1, 0))
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
		/* Port, flags and identity are valid: only the family is not. */
		EXPECT_EQ(EAFNOSUPPORT, errno)
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
	static const __u32 bad[] = { 1U << 3, 1U << 15, 1U << 31 };
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
	EXPECT_EQ(ENODEV, errno) TH_LOG("errno %s", lsgc_errname(errno));
}

TEST_F(unjoined, join_without_insecure)
{
	/* No key and no INSECURE flag: nothing to secure the group with. */
	self->req.flags = LSGC_JOIN_CREATE;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(ENOKEY, errno) TH_LOG("%s", lsgc_errname(errno));
	/* A serial that names no key of ours. */
	self->req.key = 0x7ffffff0;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(ENOKEY, errno) TH_LOG("with a key: %s", lsgc_errname(errno));
	/* ChaCha20-Poly1305 is the creator's choice, and only secure. */
	self->req.flags = LSGC_JOIN_CHACHA20POLY1305;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("chacha without create: %s", lsgc_errname(errno));
	self->req.key = 0;
	self->req.flags = LSGC_JOIN_CREATE | LSGC_JOIN_INSECURE |
			  LSGC_JOIN_CHACHA20POLY1305;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("chacha insecure: %s", lsgc_errname(errno));
	/* And the socket stays usable. */
	self->req.key = 0;
	self->req.flags = LSGC_JOIN_CREATE | LSGC_JOIN_INSECURE;
	EXPECT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
}

/* add_key(2) and keyctl(2) without libkeyutils. */
static int key_add(const char *type, const char *desc, const void *p,
		   size_t len)
{
	return syscall(SYS_add_key, type, desc, p, len,
		       -2 /* KEY_SPEC_PROCESS_KEYRING */);
}

static void key_desc(char *buf, size_t n, const __u8 *id)
{
	size_t i, off;

	off = snprintf(buf, n, "lsgc:");
	for (i = 0; i < LSGC_ID_LEN; i++)
		off += snprintf(buf + off, n - off, "%02x", id[i]);
}

/*
 * The long-term key of a secure join, checked at LSGC_JOIN before any
 * packet: only a 32-byte "logon" key described "lsgc:<identity hex>" that
 * the caller may search for is taken.  A secure group's creator needs no
 * KDC: it leads alone until someone asks to join.
 */
TEST_F(unjoined, join_secure_key_checks)
{
	__u8 other[LSGC_ID_LEN], k32[32], k31[31];
	char desc[64], odesc[64];
	int ser, st = -1;
	socklen_t l = sizeof(st);

	memset(k32, 0x5a, sizeof(k32));
	memset(k31, 0x5a, sizeof(k31));
	key_desc(desc, sizeof(desc), self->req.id);
	lsgc_id_from_name(other, "someone-else");
	key_desc(odesc, sizeof(odesc), other);
	self->req.flags = LSGC_JOIN_CREATE;

	ser = key_add("user", desc, k32, sizeof(k32));
	ASSERT_LT(0, ser) TH_LOG("add_key user: %s", strerror(errno));
	self->req.key = ser;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EKEYREJECTED, errno) TH_LOG("a user key: %s", lsgc_errname(errno));

	ser = key_add("logon", odesc, k32, sizeof(k32));
	ASSERT_LT(0, ser) TH_LOG("add_key logon: %s", strerror(errno));
	self->req.key = ser;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EKEYREJECTED, errno) TH_LOG("another identity's: %s", lsgc_errname(errno));

	ser = key_add("logon", desc, k31, sizeof(k31));
	ASSERT_LT(0, ser);
	self->req.key = ser;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EKEYREJECTED, errno) TH_LOG("31 bytes: %s", lsgc_errname(errno));

	ser = key_add("logon", desc, k32, sizeof(k32));
	ASSERT_LT(0, ser);
	self->req.key = ser;
	/* Every permission but search (setattr kept, to undo it). */
	ASSERT_EQ(0, syscall(SYS_keyctl, 5 /* KEYCTL_SETPERM */, ser, 0x37370000));
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EACCES, errno) TH_LOG("no search permission: %s", lsgc_errname(errno));
	ASSERT_EQ(0, syscall(SYS_keyctl, 5, ser, 0x3f010000));

	/* The right key: a secure group of one, gcm(aes) by default. */
	EXPECT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(0, getsockopt(self->seq, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_EQ(LSGC_STATE_MEMBER, st);
	/* The other socket type shares the membership only with that key. */
	/* (The thread keyring: in the process keyring, the same type and
	 * description would update the key in force.)
	 */
	self->req.key = syscall(SYS_add_key, "logon", desc, k32, 16 + 16,
				-1 /* KEY_SPEC_THREAD_KEYRING */);
	ASSERT_LT(0, self->req.key);
	ASSERT_EQ(0, syscall(SYS_keyctl, 2 /* KEYCTL_UPDATE */, self->req.key,
			     (__u8[32]){ 1 }, 32));
	EXPECT_EQ(-1, try_join(self->dgram, &self->req));
	EXPECT_EQ(EKEYREJECTED, errno) TH_LOG("dgram, other key: %s", lsgc_errname(errno));
	self->req.key = ser;
	EXPECT_EQ(0, try_join(self->dgram, &self->req)) TH_LOG("%s", lsgc_errname(errno));

	/* A revoked key is no key. */
	EXPECT_EQ(0, setsockopt(self->seq, SOL_LSGC, LSGC_LEAVE, NULL, 0));
	ASSERT_EQ(0, syscall(SYS_keyctl, 3 /* KEYCTL_REVOKE */, ser));
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(ENOKEY, errno) TH_LOG("revoked: %s", lsgc_errname(errno));
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
	EXPECT_EQ(ETIMEDOUT, errno) TH_LOG("errno %s", lsgc_errname(errno));
	EXPECT_LT(0.3, el) TH_LOG("gave up after %.3f s", el);
	EXPECT_GT(10.0, el) TH_LOG("gave up after %.3f s", el);
	/* The socket is still usable: now create the session. */
	/* A failed join leaves the socket unattached. */
	EXPECT_EQ(0, getsockopt(self->seq, SOL_LSGC, LSGC_STATE, &st, &l));
	EXPECT_EQ(LSGC_STATE_UNJOINED, st);
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
	/* A view record is authored by the leader: msg_name names it. */
	EXPECT_EQ(sizeof(struct sockaddr_lsgc), self->r.fromlen);
	EXPECT_EQ(family(), self->r.from.slsgc_family);
	EXPECT_EQ(vi->leader, self->r.from.slsgc_member);
	EXPECT_EQ(0, memcmp(self->r.from.slsgc_id, mi[0].id, LSGC_ID_LEN))
		TH_LOG("view record msg_name without the leader's identity");
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
	struct { __u64 seq; __u32 from; size_t len; uint32_t crc; int counter; }
		la[2 * N], lb[2 * N];
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
		la[i].counter = msg_counter(r, r->from.slsgc_member == self->ma ?
					    "alpha" : "beta");
		ASSERT_EQ(0, get_data(self->b, r, 10000)) TH_LOG("beta #%d", i);
		lb[i].seq = r->seq;
		lb[i].from = r->from.slsgc_member;
		lb[i].len = r->len;
		lb[i].crc = lsgc_crc32(r->data, r->len);
	}
	/* Each sender's messages, 1..N, each exactly once and in its order:
	 * counting 2N records would let a duplicate hide a loss.
	 */
	{
		int next_a = 1, next_b = 1;

		for (i = 0; i < 2 * N; i++) {
			int *next = la[i].from == self->ma ? &next_a : &next_b;

			EXPECT_EQ(*next, la[i].counter)
				TH_LOG("record %d: message %d of member %u, expected %d",
				       i, la[i].counter, la[i].from, *next);
			(*next)++;
		}
		EXPECT_EQ(N + 1, next_a);
		EXPECT_EQ(N + 1, next_b);
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
		/* beta's five in its order, then alpha's: each exactly once. */
		if (i < 5) {
			snprintf(m, sizeof(m), "b%d", i);
			EXPECT_EQ(3, r->len);
			EXPECT_EQ(0, memcmp(r->data, m, 3)) TH_LOG("record %d", i);
		} else {
			EXPECT_EQ(5, r->len);
			EXPECT_EQ(0, memcmp(r->data, "from", 5));
		}
	}
	EXPECT_EQ(-1, get_rec(self->a, r, 300, 0));
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
	int seen[N + 2] = { 0 };

	ASSERT_EQ(0, join(da, "alpha", self->port, LSGC_JOIN_CREATE));
	ASSERT_EQ(0, join(db, "beta", self->port, 0));
	for (i = 1; i <= N; i++) {
		lsgc_payload_fill(buf, 100 + i, "alpha", i);
		ASSERT_EQ(100 + i, send(da, buf, 100 + i, 0));
	}
	/* Until nothing more comes: a duplicate must not pass for a loss. */
	while (get_rec(db, r, got < N ? 2000 : 300, 0) == 0) {
		int c = r->len - 100;

		EXPECT_EQ(self->ma, r->from.slsgc_member);
		EXPECT_EQ(0, memcmp(r->from.slsgc_id, "alpha", 6));
		EXPECT_EQ(family(), r->from.slsgc_family);
		EXPECT_TRUE(lsgc_payload_check(r->data, r->len, "alpha", c));
		ASSERT_TRUE(c >= 1 && c <= N) TH_LOG("datagram of %zd bytes", r->len);
		seen[c]++;
		got++;
	}
	for (i = 1; i <= N; i++)
		EXPECT_EQ(1, seen[i]) TH_LOG("datagram %d received %d times", i, seen[i]);
	EXPECT_EQ(N, got) TH_LOG("%d datagrams received, %d sent, on one host", got, N);
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
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	struct timeval tv = { 0, 300000 };
	unsigned char buf[200];
	int n = 0, i, more = 0, ep = epoll_create1(0);
	double t0, el;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	ASSERT_EQ(1, poll(&p, 1, 1000));
	ASSERT_TRUE(p.revents & POLLOUT);
	/* Edge triggered: writable once, then only when room comes back. */
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 1000));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
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

	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0)) TH_LOG("EPOLLOUT edge with the window full");
	ASSERT_EQ(0, system(getenv("LSGC_HEAL")));
	self->cut = 0;
	/* The window frees: writers are woken, an edge is reported. */
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, scaled(20000)))
		TH_LOG("no EPOLLOUT edge after the link healed");
	EXPECT_TRUE(ev.events & EPOLLOUT);
	close(ep);
	p.revents = 0;
	EXPECT_EQ(1, poll(&p, 1, scaled(20000))) TH_LOG("no EPOLLOUT after the link healed");
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

/* ------------------------------------------------------------ helpers */

/* A counter of the namespace, from /proc/net/lsgc/stats; -1 if missing. */
static long long ns_stat(const char *name)
{
	FILE *f = fopen("/proc/net/lsgc/stats", "r");
	char k[64];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", k, &v) == 2)
		if (!strcmp(k, name))
			found = v;
	fclose(f);
	return found;
}

/* The line of /proc/net/lsgc/members for identity @name on @port, split
 * into at most @max fields; the number of such lines.
 */
static int members_line(const char *name, unsigned int port, char f[][64],
			int max)
{
	FILE *p = fopen("/proc/net/lsgc/members", "r");
	char line[512], hex[2 * LSGC_ID_LEN + 1], pt[16];
	__u8 id[LSGC_ID_LEN];
	int i, n = 0;

	if (!p)
		return -1;
	lsgc_id_from_name(id, name);
	for (i = 0; i < LSGC_ID_LEN; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	snprintf(pt, sizeof(pt), "%u", port);
	while (fgets(line, sizeof(line), p)) {
		char tmp[512], *tok, *save;
		char fl[16][64];
		int k = 0;

		memcpy(tmp, line, sizeof(tmp));
		for (tok = strtok_r(tmp, " \n", &save); tok && k < 16;
		     tok = strtok_r(NULL, " \n", &save))
			snprintf(fl[k++], 64, "%s", tok);
		if (k < 4 || strcmp(fl[1], pt) || strcmp(fl[3], hex))
			continue;
		if (!n++)
			for (i = 0; i < k && i < max; i++)
				memcpy(f[i], fl[i], 64);
	}
	fclose(p);
	return n;
}

/* Until no membership of @name on @port is left; 0, or -1 on timeout. */
static int wait_members_gone(const char *name, unsigned int port, int ms)
{
	double end = now_s() + scaled(ms) / 1000.0;
	char f[1][64];

	while (members_line(name, port, f, 1) > 0) {
		if (now_s() > end)
			return -1;
		usleep(20000);
	}
	return 0;
}

static int get_state(int fd)
{
	int st = -1;
	socklen_t l = sizeof(st);

	if (getsockopt(fd, SOL_LSGC, LSGC_STATE, &st, &l))
		return -1;
	return st;
}

/* A join on its own thread, so that the test can act while it waits. */
struct bg_join {
	pthread_t thr;
	int fd;
	struct lsgc_join_req req;
	int ret, err;
	double t0, elapsed;
};

static void *bg_join_fn(void *arg)
{
	struct bg_join *j = arg;

	j->t0 = now_s();
	j->ret = setsockopt(j->fd, SOL_LSGC, LSGC_JOIN, &j->req, sizeof(j->req));
	j->err = j->ret ? errno : 0;
	j->elapsed = now_s() - j->t0;
	return NULL;
}

static int bg_join_start(struct bg_join *j, int fd, const char *name,
			 unsigned int port, __u32 flags, __u32 timeout_ms)
{
	j->fd = fd;
	make_req(&j->req, name, port, flags);
	j->req.timeout_ms = timeout_ms;
	j->ret = -2;
	return pthread_create(&j->thr, NULL, bg_join_fn, j);
}

static void bg_join_end(struct bg_join *j)
{
	pthread_join(j->thr, NULL);
}

/* ------------------------------------------------------------ more of an
 * unattached socket
 */

TEST_F(unjoined, join_zero_id_and_timeout)
{
	memset(self->req.id, 0, LSGC_ID_LEN);
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("all-zero identity: %s", lsgc_errname(errno));
	lsgc_id_from_name(self->req.id, "unjoined");
	self->req.timeout_ms = 600001;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("timeout_ms 600001: %s", lsgc_errname(errno));
	/* 600000 is the largest allowed. */
	self->req.timeout_ms = 600000;
	EXPECT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
}

TEST_F(unjoined, join_key)
{
	self->req.key = 12345;
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s", lsgc_errname(errno));
}

/* Two errors at once: the documented order decides which is reported. */
TEST_F(unjoined, join_error_order)
{
	struct lsgc_join_req r;

	/* The request is read before any field is checked. */
	EXPECT_EQ(-1, setsockopt(self->seq, SOL_LSGC, LSGC_JOIN, (void *)8,
				 sizeof(r) - 1));
	EXPECT_EQ(EINVAL, errno) TH_LOG("optlen before EFAULT: %s", lsgc_errname(errno));
	r = self->req;
	r.flags |= 1U << 7;
	r.group.family = AF_UNIX;
	EXPECT_EQ(-1, try_join(self->seq, &r));
	EXPECT_EQ(EINVAL, errno) TH_LOG("flags before family: %s", lsgc_errname(errno));
	r = self->req;
	r.group.family = AF_UNIX;
	r.group.ifindex = 999999;
	EXPECT_EQ(-1, try_join(self->seq, &r));
	EXPECT_EQ(EAFNOSUPPORT, errno) TH_LOG("family before ifindex: %s", lsgc_errname(errno));
	r = self->req;
	r.group.ifindex = 999999;
	r.flags = LSGC_JOIN_CREATE;
	EXPECT_EQ(-1, try_join(self->seq, &r));
	EXPECT_EQ(ENODEV, errno) TH_LOG("ifindex before INSECURE: %s", lsgc_errname(errno));
	r = self->req;
	r.flags = LSGC_JOIN_CREATE;
	r.key = 0x7ffffff0;
	EXPECT_EQ(-1, try_join(self->seq, &r));
	EXPECT_EQ(ENOKEY, errno) TH_LOG("the key last: %s", lsgc_errname(errno));
}

/* The operations a group socket does not have. */
TEST_F(unjoined, unsupported_operations)
{
	struct sockaddr_lsgc a = { .slsgc_family = family() };
	int sv[2];
	void *p;

	EXPECT_EQ(-1, bind(self->seq, (void *)&a, sizeof(a)));
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("bind: %s", lsgc_errname(errno));
	EXPECT_EQ(-1, connect(self->seq, (void *)&a, sizeof(a)));
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("connect: %s", lsgc_errname(errno));
	EXPECT_EQ(-1, listen(self->seq, 1));
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("listen: %s", lsgc_errname(errno));
	EXPECT_EQ(-1, accept(self->seq, NULL, NULL));
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("accept: %s", lsgc_errname(errno));
	EXPECT_EQ(-1, socketpair(family(), SOCK_SEQPACKET, 0, sv));
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("socketpair: %s", lsgc_errname(errno));
	/* sock_no_mmap(): ENODEV, as for every socket without mmap. */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->seq, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno) TH_LOG("mmap: %s", lsgc_errname(errno));
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

TEST_F(unjoined, names_unjoined)
{
	struct sockaddr_lsgc a;
	socklen_t l = sizeof(a);
	static const __u8 zero[LSGC_ID_LEN];

	memset(&a, 0xaa, sizeof(a));
	ASSERT_EQ(0, getsockname(self->seq, (void *)&a, &l));
	EXPECT_EQ(sizeof(a), l);
	EXPECT_EQ(family(), a.slsgc_family);
	EXPECT_EQ(0, a.slsgc_reserved);
	EXPECT_EQ(0, a.slsgc_member);
	EXPECT_EQ(0, memcmp(a.slsgc_id, zero, LSGC_ID_LEN));
	l = sizeof(a);
	EXPECT_EQ(-1, getpeername(self->seq, (void *)&a, &l));
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("%s", lsgc_errname(errno));
}

TEST_F(unjoined, sendto_unjoined)
{
	struct sockaddr_lsgc a = { .slsgc_family = family() };

	/* Not attached comes first; the address is refused once joined. */
	EXPECT_EQ(-1, sendto(self->seq, "x", 1, MSG_DONTWAIT, (void *)&a, sizeof(a)));
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(-1, sendto(self->dgram, "x", 1, MSG_DONTWAIT, (void *)&a, sizeof(a)));
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("%s", lsgc_errname(errno));
}

TEST_F(unjoined, shutdown_how)
{
	EXPECT_EQ(-1, shutdown(self->seq, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shutdown(self->seq, -1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, shutdown(self->seq, SHUT_RDWR));
}

TEST_F(unjoined, ioctl_unjoined)
{
	int v = -1;

	EXPECT_EQ(0, ioctl(self->seq, SIOCINQ, &v));
	EXPECT_EQ(0, v);
	v = -1;
	EXPECT_EQ(0, ioctl(self->seq, SIOCOUTQ, &v));
	EXPECT_EQ(0, v);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A signal ends a waiting join with EINTR and leaves the socket detached. */
TEST_F(unjoined, join_eintr)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { .it_value = { 0, 300000 } };
	double t0, el;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	self->req.flags = LSGC_JOIN_INSECURE;
	self->req.timeout_ms = 5000;
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	t0 = now_s();
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	el = now_s() - t0;
	EXPECT_EQ(EINTR, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_GT(4.0, el) TH_LOG("join returned after %.3f s, not at the signal", el);
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->seq));
	EXPECT_EQ(0, wait_members_gone("unjoined", ntohs(self->req.group.port), 2000))
		TH_LOG("the interrupted join's membership is still listed");
	self->req.flags = LSGC_JOIN_INSECURE | LSGC_JOIN_CREATE;
	EXPECT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
}

/*
 * O_NONBLOCK: the join returns EINPROGRESS and goes on, as connect()
 * does; a second join is EALREADY; the failure (no leader) arrives as
 * EPOLLERR with the join's error in SO_ERROR.
 */
TEST_F(unjoined, join_nonblock)
{
	int fd = socket(family(), SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
	struct pollfd p = { .events = POLLOUT };
	int err = 0;
	socklen_t l = sizeof(err);

	ASSERT_LE(0, fd);
	p.fd = fd;
	self->req.flags = LSGC_JOIN_INSECURE;
	self->req.timeout_ms = 600;
	EXPECT_EQ(-1, try_join(fd, &self->req));
	EXPECT_EQ(EINPROGRESS, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(LSGC_STATE_JOINING, get_state(fd));
	EXPECT_EQ(-1, try_join(fd, &self->req));
	EXPECT_EQ(EALREADY, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(1, poll(&p, 1, scaled(5000)));
	EXPECT_TRUE(p.revents & POLLERR) TH_LOG("revents 0x%x", p.revents);
	EXPECT_FALSE(p.revents & POLLOUT) TH_LOG("revents 0x%x", p.revents);
	EXPECT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l));
	EXPECT_EQ(ETIMEDOUT, err) TH_LOG("%s", lsgc_errname(err));
	EXPECT_EQ(0, setsockopt(fd, SOL_LSGC, LSGC_LEAVE, NULL, 0));
	/* And a non-blocking socket creates a session like any other. */
	self->req.flags = LSGC_JOIN_INSECURE | LSGC_JOIN_CREATE;
	EXPECT_EQ(0, try_join(fd, &self->req)) TH_LOG("%s", lsgc_errname(errno));
	close(fd);
}

/* A process killed while its join waits: its membership goes with it. */
TEST_F(unjoined, join_killed)
{
	unsigned int port = ntohs(self->req.group.port);
	char f[1][64];
	pid_t pid;
	int i;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = sock(SOCK_SEQPACKET);

		self->req.flags = LSGC_JOIN_INSECURE;
		self->req.timeout_ms = 60000;
		try_join(fd, &self->req);
		_exit(1);
	}
	for (i = 0; i < 100 && members_line("unjoined", port, f, 1) < 1; i++)
		usleep(20000);
	EXPECT_EQ(1, members_line("unjoined", port, f, 1))
		TH_LOG("the joining membership is not listed");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(0, wait_members_gone("unjoined", port, 2000))
		TH_LOG("the killed joiner's membership is still listed");
	/* The identity is free again. */
	EXPECT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
}

/* close() from another thread while the join waits. */
TEST_F(unjoined, join_close_during_join)
{
	unsigned int port = ntohs(self->req.group.port);
	struct bg_join j;

	ASSERT_EQ(0, bg_join_start(&j, self->seq, "unjoined", port, 0, 1500));
	usleep(200000);
	EXPECT_EQ(0, close(self->seq));
	bg_join_end(&j);
	/* The syscall holds the file: the join ends as it would have. */
	EXPECT_EQ(-1, j.ret);
	EXPECT_EQ(ETIMEDOUT, j.err) TH_LOG("%s", lsgc_errname(j.err));
	EXPECT_EQ(0, wait_members_gone("unjoined", port, 2000))
		TH_LOG("membership left behind by a socket closed during its join");
	self->seq = sock(SOCK_SEQPACKET);
}

/*
 * While a join waits for the leader, the socket's other calls do not wait
 * with it: send() reports ENOTCONN (not a member yet), shutdown() and a
 * getsockopt() that takes the socket lock return at once.
 */
TEST_F(unjoined, join_does_not_block_the_socket)
{
	unsigned int port = ntohs(self->req.group.port);
	struct lsgc_join_req g;
	socklen_t l = sizeof(g);
	struct bg_join j;
	double t0, el;

	ASSERT_EQ(0, bg_join_start(&j, self->seq, "unjoined", port, 0, 3000));
	usleep(200000);
	t0 = now_s();
	EXPECT_EQ(-1, send(self->seq, "x", 1, MSG_DONTWAIT));
	el = now_s() - t0;
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("send during join: %s", lsgc_errname(errno));
	EXPECT_GT(0.5, el) TH_LOG("send waited %.3f s for the join", el);
	t0 = now_s();
	getsockopt(self->seq, SOL_LSGC, LSGC_GROUP, &g, &l);
	el = now_s() - t0;
	EXPECT_GT(0.5, el) TH_LOG("LSGC_GROUP waited %.3f s for the join", el);
	t0 = now_s();
	EXPECT_EQ(0, shutdown(self->seq, SHUT_WR));
	el = now_s() - t0;
	EXPECT_GT(0.5, el) TH_LOG("shutdown waited %.3f s for the join", el);
	bg_join_end(&j);
}

/* LSGC_LEAVE during a join returns at once and ends the join. */
TEST_F(unjoined, leave_during_join)
{
	unsigned int port = ntohs(self->req.group.port);
	struct bg_join j;
	double t0, el;
	int ret;

	ASSERT_EQ(0, bg_join_start(&j, self->seq, "unjoined", port, 0, 3000));
	usleep(200000);
	t0 = now_s();
	ret = setsockopt(self->seq, SOL_LSGC, LSGC_LEAVE, NULL, 0);
	el = now_s() - t0;
	EXPECT_EQ(0, ret) TH_LOG("LSGC_LEAVE during join: %s", lsgc_errname(errno));
	EXPECT_GT(0.5, el) TH_LOG("LSGC_LEAVE waited %.3f s for the join", el);
	bg_join_end(&j);
	EXPECT_EQ(-1, j.ret);
	EXPECT_GT(1.0, j.elapsed) TH_LOG("the join went on for %.3f s after LSGC_LEAVE",
					 j.elapsed);
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->seq));
	EXPECT_EQ(0, wait_members_gone("unjoined", port, 2000));
}

/*
 * A second socket (the DGRAM one) attaching to a membership whose join
 * is still waiting: it waits for that join, whatever its own flags and
 * timeout say, and both succeed when a leader appears (or both fail).
 */
TEST_F(unjoined, attach_during_join)
{
	unsigned int port = ntohs(self->req.group.port);
	struct bg_join a, b;
	int lfd = sock(SOCK_SEQPACKET);
	char vb[VIEW_BUF];
	struct lsgc_view_info *vi = (void *)vb;
	socklen_t l = sizeof(vb);

	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bg_join_start(&a, self->seq, "joiner", port, 0, 5000));
	usleep(200000);
	/* CREATE and a 100 ms timeout: neither is used by an attaching socket. */
	ASSERT_EQ(0, bg_join_start(&b, self->dgram, "joiner", port,
				   LSGC_JOIN_CREATE, 100));
	usleep(400000);
	ASSERT_EQ(0, join(lfd, "host", port, LSGC_JOIN_CREATE));
	bg_join_end(&a);
	bg_join_end(&b);
	EXPECT_EQ(0, a.ret) TH_LOG("first socket: %s", lsgc_errname(a.err));
	EXPECT_EQ(0, b.ret) TH_LOG("attaching socket: %s", lsgc_errname(b.err));
	EXPECT_LT(0.3, b.elapsed) TH_LOG("the attaching socket returned after %.3f s",
					 b.elapsed);
	EXPECT_EQ(LSGC_STATE_MEMBER, get_state(self->seq));
	EXPECT_EQ(LSGC_STATE_MEMBER, get_state(self->dgram));
	ASSERT_EQ(0, getsockopt(self->dgram, SOL_LSGC, LSGC_VIEW, vb, &l));
	EXPECT_EQ(2, vi->n_members) TH_LOG("one membership, two sockets");
	close(lfd);
}

TEST_F(unjoined, attach_during_failing_join)
{
	unsigned int port = ntohs(self->req.group.port);
	struct bg_join a, b;

	ASSERT_EQ(0, bg_join_start(&a, self->seq, "joiner", port, 0, 800));
	usleep(200000);
	ASSERT_EQ(0, bg_join_start(&b, self->dgram, "joiner", port, 0, 30000));
	bg_join_end(&a);
	bg_join_end(&b);
	EXPECT_EQ(ETIMEDOUT, a.err) TH_LOG("%s", lsgc_errname(a.err));
	EXPECT_EQ(ETIMEDOUT, b.err) TH_LOG("%s", lsgc_errname(b.err));
	EXPECT_GT(3.0, b.elapsed) TH_LOG("the attaching socket waited %.3f s", b.elapsed);
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->seq));
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->dgram));
}

/* ifindex 0: the route to the group picks the interface (README's way). */
TEST_F(unjoined, ifindex_zero)
{
	struct lsgc_join_req g;
	socklen_t l = sizeof(g);
	int b = sock(SOCK_SEQPACKET), max = 0;
	struct rec *r = malloc(sizeof(*r));

	ASSERT_NE(NULL, r);
	self->req.group.ifindex = 0;
	ASSERT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
	ASSERT_EQ(0, getsockopt(self->seq, SOL_LSGC, LSGC_GROUP, &g, &l));
	EXPECT_EQ(0, g.group.ifindex);
	l = sizeof(max);
	ASSERT_EQ(0, getsockopt(self->seq, SOL_LSGC, LSGC_MAX_DGRAM, &max, &l));
	/* The MTU of the route's interface (eth0, 1500): 1500 - 20 - 8 - 40. */
	EXPECT_EQ(1432, max);
	make_req(&g, "member0", ntohs(self->req.group.port), 0);
	g.group.ifindex = 0;
	ASSERT_EQ(0, setsockopt(b, SOL_LSGC, LSGC_JOIN, &g, sizeof(g)))
		TH_LOG("join with ifindex 0: %s", lsgc_errname(errno));
	ASSERT_NE(NULL, wait_view(self->seq, r, 2, 5000));
	ASSERT_EQ(3, send(b, "hi", 3, 0));
	ASSERT_EQ(0, get_data(self->seq, r, 5000));
	EXPECT_EQ(3, r->len);
	EXPECT_EQ(0, memcmp(r->data, "hi", 3));
	close(b);
	free(r);
}

/* A link-local IPv6 group needs its interface. */
TEST_F(unjoined, ipv6_link_local_needs_interface)
{
	lsgc_group_fill(&self->req.group, "ff02::7:7", ntohs(self->req.group.port), 0);
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EINVAL, errno) TH_LOG("ff02::7:7 without ifindex: %s",
					lsgc_errname(errno));
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->seq));
	self->req.group.ifindex = test_ifindex();
	EXPECT_EQ(0, try_join(self->seq, &self->req))
		TH_LOG("ff02::7:7 on $LSGC_IF: %s", lsgc_errname(errno));
}

/* The group's port held by a UDP socket that does not share it. */
TEST_F(unjoined, port_taken)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = self->req.group.port };
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	ASSERT_LE(0, u);
	ASSERT_EQ(0, bind(u, (void *)&a, sizeof(a)));
	EXPECT_EQ(-1, try_join(self->seq, &self->req));
	EXPECT_EQ(EADDRINUSE, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->seq));
	close(u);
	EXPECT_EQ(0, try_join(self->seq, &self->req)) TH_LOG("%s", lsgc_errname(errno));
}

/* ------------------------------------------------------------ more of a
 * leader alone: the socket calls of a member
 */

TEST_F(leader, names_joined)
{
	struct sockaddr_lsgc a;
	socklen_t l = sizeof(a);

	ASSERT_EQ(0, getsockname(self->fd, (void *)&a, &l));
	EXPECT_EQ(sizeof(a), l);
	EXPECT_EQ(family(), a.slsgc_family);
	EXPECT_EQ(self->member, a.slsgc_member);
	EXPECT_EQ(0, memcmp(a.slsgc_id, "leader", 7));
	l = sizeof(a);
	EXPECT_EQ(-1, getpeername(self->fd, (void *)&a, &l));
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("%s", lsgc_errname(errno));
}

/* The group is the only destination: an address is refused, not ignored. */
TEST_F(leader, send_with_address)
{
	struct sockaddr_lsgc a = { .slsgc_family = family(),
				   .slsgc_member = self->member };
	struct iovec iov = { "x", 1 };
	struct msghdr mh = { .msg_name = &a, .msg_namelen = sizeof(a),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	int d = sock(SOCK_DGRAM);

	EXPECT_EQ(-1, sendto(self->fd, "x", 1, 0, (void *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(-1, sendmsg(self->fd, &mh, 0));
	EXPECT_EQ(EISCONN, errno) TH_LOG("%s", lsgc_errname(errno));
	ASSERT_EQ(0, join(d, "leader", self->port, 0));
	EXPECT_EQ(-1, sendto(d, "x", 1, 0, (void *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno) TH_LOG("DGRAM: %s", lsgc_errname(errno));
	/* Nothing of them reached the group. */
	EXPECT_EQ(-1, get_rec(self->fd, &self->r, 300, 0));
	close(d);
}

/* Every flag bit of send(): the accepted ones send, the others EOPNOTSUPP. */
TEST_F(leader, send_flags)
{
	/* MSG_BATCH: sendmmsg() sets it on all but the last message. */
	const int ok = MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_BATCH;
	/* Kernel-internal flags the socket layer clears before sendmsg():
	 * LSGC never sees them, so they send like no flag at all.
	 */
	const int stripped = MSG_SPLICE_PAGES;
	int bit, v = 0, sent = 0;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_LSGC, LSGC_RECV_OWN, &v, sizeof(v)));
	for (bit = 0; bit < 32; bit++) {
		int fl = 1U << bit;
		ssize_t n = send(self->fd, "x", 1, fl | MSG_DONTWAIT);

		if (fl & (ok | stripped)) {
			EXPECT_EQ(1, n) TH_LOG("flag 0x%x: %s", fl, lsgc_errname(errno));
			sent++;
		} else {
			EXPECT_EQ(-1, n) TH_LOG("flag 0x%x accepted", fl);
			EXPECT_EQ(EOPNOTSUPP, errno)
				TH_LOG("flag 0x%x: %s", fl, lsgc_errname(errno));
		}
	}
	EXPECT_EQ(5, sent);
}

/* Every flag bit of recv(), on an empty queue. */
TEST_F(leader, recv_flags)
{
	const int ok = MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_CMSG_CLOEXEC |
		       MSG_WAITALL | MSG_NOSIGNAL;
	char b[8];
	int bit;

	for (bit = 0; bit < 32; bit++) {
		int fl = 1U << bit;
		ssize_t n = recv(self->fd, b, sizeof(b), fl | MSG_DONTWAIT);

		EXPECT_EQ(-1, n) TH_LOG("flag 0x%x: got a record", fl);
		EXPECT_EQ(fl & ok ? EAGAIN : EOPNOTSUPP, errno)
			TH_LOG("flag 0x%x: %s", fl, lsgc_errname(errno));
	}
}

/* sendmmsg() is several send()s: the kernel flags all but the last
 * MSG_BATCH, which must not make them fail.
 */
TEST_F(leader, sendmmsg_batch)
{
	struct mmsghdr mm[3];
	struct iovec iov[3];
	static const char *m[3] = { "one", "two", "three" };
	int i;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < 3; i++) {
		iov[i].iov_base = (void *)m[i];
		iov[i].iov_len = strlen(m[i]) + 1;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	EXPECT_EQ(3, sendmmsg(self->fd, mm, 3, 0))
		TH_LOG("sendmmsg: %s", lsgc_errname(errno));
	for (i = 0; i < 3; i++) {
		if (get_data(self->fd, &self->r, 2000))
			break;
		EXPECT_EQ(0, strcmp((char *)self->r.data, m[i]));
	}
	EXPECT_EQ(3, i) TH_LOG("%d of 3 messages delivered", i);
}

/* recvmmsg() with MSG_WAITFORONE: the flag is the syscall's, not ours. */
TEST_F(leader, recvmmsg_waitforone)
{
	static char bufs[4][64];
	struct mmsghdr mm[4];
	struct iovec iov[4];
	struct timespec ts = { 2, 0 };
	int i, n;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < 4; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(2, send(self->fd, "m", 2, 0));
	usleep(200000);
	n = recvmmsg(self->fd, mm, 4, MSG_WAITFORONE, &ts);
	EXPECT_EQ(3, n) TH_LOG("recvmmsg(MSG_WAITFORONE): %d, %s", n,
			       n < 0 ? lsgc_errname(errno) : "-");
	n = recvmmsg(self->fd, mm, 4, MSG_DONTWAIT, NULL);
	EXPECT_EQ(-1, n) TH_LOG("%d more records", n);
}

TEST_F(leader, msg_peek)
{
	static unsigned char buf[3000];
	struct rec *r = &self->r;
	__u64 seq;

	lsgc_payload_fill(buf, sizeof(buf), "leader", 1);
	ASSERT_EQ(sizeof(buf), send(self->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(3, send(self->fd, "ok", 3, 0));
	/* A peek returns the record and leaves it queued. */
	ASSERT_EQ(0, get_rec_flags(self->fd, r, 5000, 0, MSG_PEEK));
	EXPECT_EQ(sizeof(buf), r->len);
	EXPECT_TRUE(lsgc_payload_check(r->data, r->len, "leader", 1));
	EXPECT_EQ(self->member, r->from.slsgc_member);
	EXPECT_TRUE(r->have_seq);
	seq = r->seq;
	/* Truncated, asking for the full length: still queued, whole. */
	ASSERT_EQ(0, get_rec_flags(self->fd, r, 5000, 100, MSG_PEEK | MSG_TRUNC));
	EXPECT_EQ(sizeof(buf), r->len);
	EXPECT_TRUE(r->flags & MSG_TRUNC);
	ASSERT_EQ(0, get_rec(self->fd, r, 5000, 0));
	EXPECT_EQ(sizeof(buf), r->len);
	EXPECT_FALSE(r->flags & MSG_TRUNC);
	EXPECT_EQ(seq, r->seq);
	EXPECT_TRUE(lsgc_payload_check(r->data, r->len, "leader", 1));
	ASSERT_EQ(0, get_rec(self->fd, r, 5000, 0));
	EXPECT_EQ(3, r->len);
	EXPECT_LT(seq, r->seq);
	EXPECT_EQ(-1, get_rec(self->fd, r, 300, 0));
}

/* MSG_TRUNC in the call: the full length is returned, the rest dropped. */
TEST_F(leader, msg_trunc_flag)
{
	static unsigned char buf[3000];
	struct rec *r = &self->r;

	lsgc_payload_fill(buf, sizeof(buf), "leader", 1);
	ASSERT_EQ(sizeof(buf), send(self->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(3, send(self->fd, "ok", 3, 0));
	ASSERT_EQ(0, get_rec_flags(self->fd, r, 5000, 100, MSG_TRUNC));
	EXPECT_EQ(sizeof(buf), r->len);
	EXPECT_TRUE(r->flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(r->data, buf, 100));
	ASSERT_EQ(0, get_rec(self->fd, r, 5000, 0));
	EXPECT_EQ(3, r->len);
	EXPECT_EQ(0, memcmp(r->data, "ok", 3));
}

/* Until @fd's queue holds a record (a leader delivers its own at once,
 * but nothing promises that).
 */
static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, scaled(ms)) == 1 ? 0 : -1;
}

TEST_F(leader, siocinq_siocoutq)
{
	static unsigned char buf[3000];
	int v = -1, i;

	ASSERT_EQ(0, ioctl(self->fd, SIOCINQ, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(sizeof(buf), send(self->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(5, send(self->fd, "five", 5, 0));
	ASSERT_EQ(0, wait_readable(self->fd, 5000));
	/* The length of the next record, not the bytes queued. */
	ASSERT_EQ(0, ioctl(self->fd, SIOCINQ, &v));
	EXPECT_EQ(sizeof(buf), v);
	ASSERT_EQ(0, ioctl(self->fd, FIONREAD, &v));
	EXPECT_EQ(sizeof(buf), v);
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 5000, 0));
	ASSERT_EQ(0, wait_readable(self->fd, 5000));
	ASSERT_EQ(0, ioctl(self->fd, SIOCINQ, &v));
	EXPECT_EQ(5, v);
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 5000, 0));
	ASSERT_EQ(0, ioctl(self->fd, SIOCINQ, &v));
	EXPECT_EQ(0, v);
	/* Everything left: the send buffer is empty again. */
	for (i = 0; i < scaled(100); i++) {
		ASSERT_EQ(0, ioctl(self->fd, SIOCOUTQ, &v));
		if (!v)
			break;
		usleep(20000);
	}
	EXPECT_EQ(0, v) TH_LOG("SIOCOUTQ %d with nothing in flight", v);
}

TEST_F(leader, epoll_level)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 }, out[4];
	int ep = epoll_create1(0);

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 200)) TH_LOG("readable with nothing queued");
	ASSERT_EQ(2, send(self->fd, "a", 2, 0));
	ASSERT_EQ(2, send(self->fd, "b", 2, 0));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, scaled(5000)));
	EXPECT_EQ(7, out[0].data.u32);
	EXPECT_TRUE(out[0].events & EPOLLIN);
	/* Level triggered: reported while records wait. */
	EXPECT_EQ(1, epoll_wait(ep, out, 4, 0));
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 1000, 0));
	ASSERT_EQ(0, wait_readable(self->fd, 5000));
	EXPECT_EQ(1, epoll_wait(ep, out, 4, 0));
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 1000, 0));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 200)) TH_LOG("readable once drained");
	ev.events = EPOLLOUT;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, self->fd, &ev));
	EXPECT_EQ(1, epoll_wait(ep, out, 4, 1000));
	EXPECT_EQ(1, epoll_wait(ep, out, 4, 0));
	EXPECT_TRUE(out[0].events & EPOLLOUT);
	close(ep);
}

TEST_F(leader, epoll_edge)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out[4];
	int ep = epoll_create1(0);

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 200));
	ASSERT_EQ(2, send(self->fd, "a", 2, 0));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, scaled(5000)));
	EXPECT_TRUE(out[0].events & EPOLLIN);
	/* Edge triggered: once, however long the record waits... */
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 300));
	/* ...and again for the next record. */
	ASSERT_EQ(2, send(self->fd, "b", 2, 0));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, scaled(5000)))
		TH_LOG("no edge for a second record");
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 1000, 0));
	ASSERT_EQ(0, get_rec(self->fd, &self->r, 1000, 0));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 200));
	close(ep);
}

/* SHUT_WR: send() fails with EPIPE and raises no SIGPIPE; reading goes on. */
TEST_F(leader, shutdown_wr)
{
	int d = sock(SOCK_DGRAM);

	signal(SIGPIPE, SIG_DFL);	/* a SIGPIPE would kill the test */
	ASSERT_EQ(2, send(self->fd, "a", 2, 0));
	ASSERT_EQ(0, shutdown(self->fd, SHUT_WR));
	EXPECT_EQ(-1, send(self->fd, "b", 2, 0));
	EXPECT_EQ(EPIPE, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(-1, send(self->fd, "b", 2, MSG_DONTWAIT));
	EXPECT_EQ(EPIPE, errno) TH_LOG("%s", lsgc_errname(errno));
	ASSERT_EQ(0, get_data(self->fd, &self->r, 5000));
	EXPECT_EQ(0, memcmp(self->r.data, "a", 2));
	EXPECT_EQ(-1, get_rec(self->fd, &self->r, 300, 0));
	EXPECT_EQ(LSGC_STATE_MEMBER, get_state(self->fd));
	/* The DGRAM socket of the same membership is not shut down. */
	ASSERT_EQ(0, join(d, "leader", self->port, 0));
	EXPECT_EQ(0, shutdown(d, SHUT_WR));
	EXPECT_EQ(-1, send(d, "b", 2, 0));
	EXPECT_EQ(EPIPE, errno) TH_LOG("DGRAM: %s", lsgc_errname(errno));
	close(d);
}

/* SHUT_RD: queued records first, then 0; delivery to the socket goes on. */
TEST_F(leader, shutdown_rd)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLRDHUP };
	char b[16];

	ASSERT_EQ(2, send(self->fd, "a", 2, 0));
	ASSERT_EQ(0, wait_readable(self->fd, 5000));
	ASSERT_EQ(0, shutdown(self->fd, SHUT_RD));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLIN);
	EXPECT_TRUE(p.revents & POLLRDHUP);
	EXPECT_FALSE(p.revents & POLLHUP);
	EXPECT_EQ(2, recv(self->fd, b, sizeof(b), MSG_DONTWAIT));
	/* Empty and shut: 0 at once, even when blocking. */
	EXPECT_EQ(0, recv(self->fd, b, sizeof(b), MSG_DONTWAIT));
	EXPECT_EQ(0, recv(self->fd, b, sizeof(b), 0));
	ASSERT_EQ(2, send(self->fd, "c", 2, 0));
	ASSERT_EQ(0, wait_readable(self->fd, 5000));
	EXPECT_EQ(2, recv(self->fd, b, sizeof(b), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(b, "c", 2));
	EXPECT_EQ(0, recv(self->fd, b, sizeof(b), 0));
}

TEST_F(leader, shutdown_rdwr)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLRDHUP };
	char b[4];

	ASSERT_EQ(0, shutdown(self->fd, SHUT_RDWR));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN | POLLRDHUP | POLLHUP, p.revents & (POLLIN | POLLRDHUP | POLLHUP));
	EXPECT_FALSE(p.revents & POLLERR);
	EXPECT_EQ(0, recv(self->fd, b, sizeof(b), 0));
	EXPECT_EQ(-1, send(self->fd, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	/* Only the socket is shut: the membership is still in the group. */
	EXPECT_EQ(LSGC_STATE_MEMBER, get_state(self->fd));
}

TEST_F(leader, rcvtimeo)
{
	struct timeval tv = { 0, 200000 };
	char b[4];
	double t0, el;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = now_s();
	EXPECT_EQ(-1, recv(self->fd, b, sizeof(b), 0));
	el = now_s() - t0;
	EXPECT_EQ(EAGAIN, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_LT(0.18, el) TH_LOG("returned after %.3f s", el);
	EXPECT_GT(scaled(3000) / 1000.0, el) TH_LOG("returned after %.3f s", el);
}

/* A message larger than SO_SNDBUF: its first packet waits for room, the
 * others are forced in, so it is sent, not refused.
 */
TEST_F(leader, message_larger_than_sndbuf)
{
	static unsigned char buf[LSGC_MAX_MSG];
	int v = 1;
	socklen_t l = sizeof(v);

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_SNDBUF, &v, &l));
	ASSERT_GT(LSGC_MAX_MSG, v) TH_LOG("SO_SNDBUF %d", v);
	lsgc_payload_fill(buf, sizeof(buf), "leader", 1);
	EXPECT_EQ(sizeof(buf), send(self->fd, buf, sizeof(buf), MSG_DONTWAIT))
		TH_LOG("64 KiB with SO_SNDBUF %d: %s", v, lsgc_errname(errno));
	ASSERT_EQ(0, get_data(self->fd, &self->r, 5000));
	EXPECT_EQ(sizeof(buf), self->r.len);
	EXPECT_TRUE(lsgc_payload_check(self->r.data, self->r.len, "leader", 1));
}

/*
 * A leader alone is the whole group: everything it delivered is stable,
 * so it can send for ever, more than `backlog` fragments in all.
 */
TEST_F(leader, alone_beyond_backlog)
{
	long backlog = read_sysctl("backlog");
	int i, n;

	ASSERT_LT(0, backlog);
	n = 2 * backlog + 10;
	for (i = 1; i <= n; i++) {
		struct pollfd p = { .fd = self->fd, .events = POLLOUT };

		if (poll(&p, 1, scaled(2000)) != 1)
			break;
		if (send(self->fd, "m", 2, MSG_DONTWAIT) != 2)
			break;
		if (get_data(self->fd, &self->r, 2000))
			break;
	}
	EXPECT_EQ(n + 1, i) TH_LOG("stuck after %d one-fragment messages (backlog %ld): %s",
				   i - 1, backlog, lsgc_errname(errno));
}

TEST_F(leader, proc_members)
{
	char f[13][64];
	char ifx[16];

	ASSERT_EQ(1, members_line("leader", self->port, f, 13));
	/* group port ifindex id member role state view members delivered
	 * high stable inflight
	 */
	snprintf(ifx, sizeof(ifx), "%u", test_ifindex());
	EXPECT_STREQ(LSGC_TEST_DEFAULT_GROUP, f[0]);
	EXPECT_STREQ(ifx, f[2]);
	EXPECT_EQ(self->member, strtoul(f[4], NULL, 10));
	EXPECT_STREQ("leader", f[5]);
	EXPECT_STREQ("member", f[6]);
	EXPECT_EQ(self->view_id, strtoull(f[7], NULL, 10));
	EXPECT_STREQ("1", f[8]);
	EXPECT_EQ(self->view_seq, strtoull(f[9], NULL, 10));
	EXPECT_STREQ("0", f[12]);
	ASSERT_EQ(2, send(self->fd, "m", 2, 0));
	ASSERT_EQ(0, get_data(self->fd, &self->r, 5000));
	ASSERT_EQ(1, members_line("leader", self->port, f, 13));
	EXPECT_EQ(self->r.seq, strtoull(f[9], NULL, 10)) TH_LOG("delivered");
	EXPECT_EQ(self->r.seq, strtoull(f[10], NULL, 10)) TH_LOG("high");
	close(self->fd);
	self->fd = sock(SOCK_SEQPACKET);
	EXPECT_EQ(0, wait_members_gone("leader", self->port, 2000));
}

/* The same identity twice on one socket type in one namespace. */
TEST_F(leader, same_identity_same_type)
{
	int s2 = sock(SOCK_SEQPACKET);

	EXPECT_EQ(-1, join(s2, "leader", self->port, 0));
	EXPECT_EQ(EADDRINUSE, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(s2));
	EXPECT_EQ(-1, join(s2, "leader", self->port, LSGC_JOIN_CREATE));
	EXPECT_EQ(EADDRINUSE, errno) TH_LOG("with CREATE: %s", lsgc_errname(errno));
	/* Another identity is fine. */
	EXPECT_EQ(0, join(s2, "second", self->port, 0)) TH_LOG("%s", lsgc_errname(errno));
	close(s2);
}

/* ------------------------------------------------------------ a forged
 * leader: the joiner's side of every answer, from a plain UDP socket
 * that speaks the wire format with the module's own builders (wire.c)
 */

FIXTURE(forged) {
	int udp, fd;
	unsigned int port;
	u32 session;
	u64 counter;
	u64 nonce;
	struct bg_join j;
	bool joining;
};

FIXTURE_SETUP(forged)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ip_mreqn mr = { .imr_ifindex = test_ifindex() };
	int one = 1;

	self->port = test_port();
	self->session = 0x5eed0000 | (getpid() & 0xffff);
	self->counter = 1;
	self->joining = false;
	self->udp = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->udp);
	/* The transport shares the port (SO_REUSEADDR): both hear the group. */
	ASSERT_EQ(0, setsockopt(self->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	a.sin_port = htons(self->port);
	ASSERT_EQ(1, inet_pton(AF_INET, LSGC_TEST_DEFAULT_GROUP, &a.sin_addr));
	ASSERT_EQ(0, bind(self->udp, (void *)&a, sizeof(a)));
	mr.imr_multiaddr = a.sin_addr;
	ASSERT_EQ(0, setsockopt(self->udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)));
	ASSERT_EQ(0, setsockopt(self->udp, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)));
	self->fd = sock(SOCK_SEQPACKET);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(forged)
{
	if (self->joining)
		bg_join_end(&self->j);
	close(self->fd);
	close(self->udp);
}

/* One packet from "member @sender" of the forged session to the group. */
static int forge_send(struct _test_data_forged *self, u8 type, u32 sender,
		      const void *body, size_t blen)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(self->port) };
	static u8 pkt[LSGC_HDR_LEN + 2048];
	struct lsgc_hdr h = {
		.type = type,
		.session = self->session,
		.epoch = 1,
		.sender = sender,
		.counter = self->counter++,
	};

	if (blen > sizeof(pkt) - LSGC_HDR_LEN)
		return -1;
	inet_pton(AF_INET, LSGC_TEST_DEFAULT_GROUP, &to.sin_addr);
	lsgc_wire_put_hdr(pkt, &h);
	memcpy(pkt + LSGC_HDR_LEN, body, blen);
	return sendto(self->udp, pkt, LSGC_HDR_LEN + blen, 0, (void *)&to,
		      sizeof(to)) == (ssize_t)(LSGC_HDR_LEN + blen) ? 0 : -1;
}

/* The next JOIN_REQ of @name; its nonce in self->nonce. */
static int forge_wait_join_req(struct _test_data_forged *self, const char *name,
			       int ms)
{
	double end = now_s() + scaled(ms) / 1000.0;
	u8 id[LSGC_ID_LEN], buf[2048];

	lsgc_id_from_name(id, name);
	while (now_s() < end) {
		struct pollfd p = { .fd = self->udp, .events = POLLIN };
		struct lsgc_hdr h;
		struct lsgc_join j;
		ssize_t n;

		if (poll(&p, 1, (end - now_s()) * 1000 + 1) != 1)
			break;
		n = recv(self->udp, buf, sizeof(buf), 0);
		if (n < 0 || lsgc_wire_parse_hdr(buf, n, &h) ||
		    h.type != LSGC_T_JOIN_REQ ||
		    lsgc_wire_parse_join(buf + LSGC_HDR_LEN, n - LSGC_HDR_LEN,
					 h.type, &j) ||
		    memcmp(j.id, id, LSGC_ID_LEN))
			continue;
		self->nonce = j.nonce;
		return 0;
	}
	return -1;
}

static int forge_join_answer(struct _test_data_forged *self, const char *name,
			     u8 type, u32 reason, u32 member, u64 start_seq)
{
	struct lsgc_join j = {
		.nonce = self->nonce,
		.member = member,
		.leader = 1,
		.view_id = 1,
		.start_seq = start_seq,
		.reason = reason,
	};
	u8 body[64];

	lsgc_id_from_name(j.id, name);
	lsgc_wire_put_join(body, type, &j);
	return forge_send(self, type, 1, body, lsgc_wire_join_len(type));
}

/* A view message from the forged leader (member 1), bound at @seq. */
static int forge_view(struct _test_data_forged *self, u64 seq, u64 view_id,
		      u32 view_leader, const u32 *members, const char **names,
		      unsigned int count)
{
	u8 body[sizeof(struct lsgc_wire_data) + 1024];
	size_t vlen = lsgc_wire_view_len(count);
	struct lsgc_data d = {
		.origin = 1,
		.msg_no = 1,
		.frag = 0,
		.nfrags = 1,
		.flags = LSGC_DATA_VIEW,
		.total_len = vlen,
		.seq = seq,
	};
	u8 *v = body + sizeof(struct lsgc_wire_data);
	unsigned int i;

	lsgc_wire_put_data(body, &d);
	lsgc_wire_put_view(v, view_id, view_leader, count);
	for (i = 0; i < count; i++) {
		struct lsgc_view_ent e = { .member = members[i] };

		lsgc_id_from_name(e.id, names[i]);
		lsgc_wire_put_view_entry(v, i, &e);
	}
	return forge_send(self, LSGC_T_DATA, 1, body,
			  sizeof(struct lsgc_wire_data) + vlen);
}

/* Start "joiner"'s join and catch its first JOIN_REQ. */
static int forge_start(struct _test_data_forged *self, __u32 timeout_ms)
{
	if (bg_join_start(&self->j, self->fd, "joiner", self->port, 0, timeout_ms))
		return -1;
	self->joining = true;
	return forge_wait_join_req(self, "joiner", 3000);
}

static void forge_end(struct _test_data_forged *self)
{
	bg_join_end(&self->j);
	self->joining = false;
}

/* A refusal for any reason but EADDRINUSE ends the join with it. */
TEST_F(forged, refused_eusers)
{
	ASSERT_EQ(0, forge_start(self, 5000)) TH_LOG("no JOIN_REQ heard");
	ASSERT_EQ(0, forge_join_answer(self, "joiner", LSGC_T_JOIN_NAK, EUSERS, 0, 0));
	forge_end(self);
	EXPECT_EQ(-1, self->j.ret);
	EXPECT_EQ(EUSERS, self->j.err) TH_LOG("%s", lsgc_errname(self->j.err));
	EXPECT_GT(3.0, self->j.elapsed) TH_LOG("refused join returned after %.3f s",
					       self->j.elapsed);
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->fd));
}

/* EADDRINUSE may be a crashed member of ours: asked again until the
 * deadline, then reported.
 */
TEST_F(forged, refused_eaddrinuse)
{
	int answers = 0;

	ASSERT_EQ(0, forge_start(self, 1000)) TH_LOG("no JOIN_REQ heard");
	do {
		if (!forge_join_answer(self, "joiner", LSGC_T_JOIN_NAK,
				       EADDRINUSE, 0, 0))
			answers++;
	} while (!forge_wait_join_req(self, "joiner", 1500));
	forge_end(self);
	EXPECT_EQ(-1, self->j.ret);
	EXPECT_EQ(EADDRINUSE, self->j.err) TH_LOG("%s", lsgc_errname(self->j.err));
	EXPECT_LT(0.9, self->j.elapsed) TH_LOG("returned after %.3f s, deadline 1 s",
					       self->j.elapsed);
	EXPECT_LT(1, answers) TH_LOG("the joiner did not ask again after EADDRINUSE");
}

/* The admitting view names another leader: it cannot be installed. */
TEST_F(forged, view_of_another_leader)
{
	static const u32 mem[] = { 2, 3 };
	static const char *names[] = { "joiner", "usurper" };

	ASSERT_EQ(0, forge_start(self, 5000));
	ASSERT_EQ(0, forge_join_answer(self, "joiner", LSGC_T_JOIN_ACK, 0, 2, 1));
	ASSERT_EQ(0, forge_view(self, 1, 1, 3, mem, names, 2));
	forge_end(self);
	EXPECT_EQ(-1, self->j.ret);
	EXPECT_EQ(EPROTO, self->j.err) TH_LOG("%s", lsgc_errname(self->j.err));
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->fd));
}

/* Admitted, but the admitting view does not contain the joiner. */
TEST_F(forged, view_without_joiner)
{
	static const u32 mem[] = { 1 };
	static const char *names[] = { "forger" };

	ASSERT_EQ(0, forge_start(self, 5000));
	ASSERT_EQ(0, forge_join_answer(self, "joiner", LSGC_T_JOIN_ACK, 0, 2, 1));
	ASSERT_EQ(0, forge_view(self, 1, 1, 1, mem, names, 1));
	forge_end(self);
	EXPECT_EQ(-1, self->j.ret);
	EXPECT_EQ(ECONNRESET, self->j.err) TH_LOG("%s", lsgc_errname(self->j.err));
}

/* Admitted, then the leader says nothing: ECONNRESET before the view. */
TEST_F(forged, admitted_then_silence)
{
	ASSERT_EQ(0, forge_start(self, 20000));
	ASSERT_EQ(0, forge_join_answer(self, "joiner", LSGC_T_JOIN_ACK, 0, 2, 1));
	forge_end(self);
	EXPECT_EQ(-1, self->j.ret);
	EXPECT_EQ(ECONNRESET, self->j.err) TH_LOG("%s", lsgc_errname(self->j.err));
	/* The heartbeat timeout (T = 500 ms by default), not the deadline. */
	EXPECT_GT(10.0, self->j.elapsed) TH_LOG("after %.3f s", self->j.elapsed);
}

/*
 * A complete forged admission (so the forging is right), then the leader
 * goes silent: every way the socket reports a failed membership.
 */
TEST_F(forged, member_fails)
{
	static const u32 mem[] = { 1, 2 };
	static const char *names[] = { "forger", "joiner" };
	struct pollfd p = { .events = POLLIN | POLLOUT };
	char vb[VIEW_BUF];
	socklen_t l;
	struct rec *r = malloc(sizeof(*r));
	int err, i;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, forge_start(self, 5000));
	ASSERT_EQ(0, forge_join_answer(self, "joiner", LSGC_T_JOIN_ACK, 0, 2, 1));
	ASSERT_EQ(0, forge_view(self, 1, 1, 1, mem, names, 2));
	forge_end(self);
	ASSERT_EQ(0, self->j.ret) TH_LOG("forged admission: %s", lsgc_errname(self->j.err));
	EXPECT_EQ(LSGC_STATE_MEMBER, get_state(self->fd));
	/* No heartbeat from the forger: the membership fails. */
	p.fd = self->fd;
	for (i = 0; i < scaled(100); i++) {
		if (get_state(self->fd) == LSGC_STATE_FAILED)
			break;
		usleep(50000);
	}
	ASSERT_EQ(LSGC_STATE_FAILED, get_state(self->fd));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP | POLLOUT));
	l = sizeof(err);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &err, &l));
	EXPECT_EQ(ECONNRESET, err) TH_LOG("SO_ERROR %s", lsgc_errname(err));
	/* SO_ERROR reads and clears the pending error. */
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &err, &l));
	EXPECT_EQ(0, err);
	EXPECT_EQ(-1, send(self->fd, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(ECONNRESET, errno) TH_LOG("send: %s", lsgc_errname(errno));
	/* Queued records come first: the admitting view, then the error. */
	ASSERT_EQ(0, get_rec(self->fd, r, 1000, 0));
	EXPECT_TRUE(r->flags & MSG_OOB);
	EXPECT_EQ(-1, get_rec(self->fd, r, 1000, 0));
	EXPECT_EQ(ECONNRESET, errno) TH_LOG("recv: %s", lsgc_errname(errno));
	l = sizeof(vb);
	EXPECT_EQ(-1, getsockopt(self->fd, SOL_LSGC, LSGC_VIEW, vb, &l));
	EXPECT_EQ(ENOTCONN, errno) TH_LOG("LSGC_VIEW: %s", lsgc_errname(errno));
	EXPECT_EQ(-1, join(self->fd, "joiner", self->port, LSGC_JOIN_CREATE));
	EXPECT_EQ(EISCONN, errno) TH_LOG("join while attached to a failed membership");
	EXPECT_EQ(0, setsockopt(self->fd, SOL_LSGC, LSGC_LEAVE, NULL, 0));
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->fd));
	p.revents = 0;
	EXPECT_EQ(0, poll(&p, 1, 0)) TH_LOG("revents 0x%x after LSGC_LEAVE", p.revents);
	EXPECT_EQ(0, join(self->fd, "joiner", self->port + 1, LSGC_JOIN_CREATE));
	free(r);
}

/* ------------------------------------------------------------ a real
 * leader in the peer namespace
 */

FIXTURE(peer) {
	pid_t leader;
	int fd;
	unsigned int port;
	struct rec r;
};

/* A leader "name" in $LSGC_PEER_NS that reads until killed (SIGTERM
 * closes its socket: it leaves).
 */
static pid_t start_peer(const char *name, unsigned int port)
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
		signal(SIGTERM, SIG_DFL);
		fd = sock(SOCK_SEQPACKET);
		if (fd < 0 || join(fd, name, port, LSGC_JOIN_CREATE))
			_exit(21);
		for (;;)
			get_rec(fd, &r, 1000, 0);
	}
}

FIXTURE_SETUP(peer)
{
	int i;

	self->leader = -1;
	self->fd = sock(SOCK_SEQPACKET);
	if (!getenv("LSGC_PEER_NS"))
		SKIP(return, "needs LSGC_PEER_NS");
	self->port = test_port();
	self->leader = start_peer("peer", self->port);
	ASSERT_LT(0, self->leader);
	/* Ready once a join of a throw-away identity succeeds. */
	for (i = 0; i < 50; i++) {
		if (join(self->fd, "probe", self->port, 0) == 0)
			break;
		usleep(100000);
	}
	ASSERT_GT(50, i) TH_LOG("no leader in the peer namespace: %s",
				lsgc_errname(errno));
	ASSERT_EQ(0, setsockopt(self->fd, SOL_LSGC, LSGC_LEAVE, NULL, 0));
}

FIXTURE_TEARDOWN(peer)
{
	close(self->fd);
	if (self->leader > 0) {
		kill(self->leader, SIGKILL);
		waitpid(self->leader, NULL, 0);
	}
}

/* The leader refuses an identity one of its members holds. */
TEST_F(peer, identity_taken)
{
	struct lsgc_join_req req;
	double t0, el;

	make_req(&req, "peer", self->port, 0);
	req.timeout_ms = 1000;
	t0 = now_s();
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_LSGC, LSGC_JOIN, &req, sizeof(req)));
	el = now_s() - t0;
	EXPECT_EQ(EADDRINUSE, errno) TH_LOG("%s", lsgc_errname(errno));
	EXPECT_LT(0.9, el) TH_LOG("after %.3f s: asked until the deadline?", el);
	EXPECT_EQ(LSGC_STATE_UNJOINED, get_state(self->fd));
}

/* The leader leaves: both sockets of a member report it at once. */
TEST_F(peer, leader_leaves)
{
	int d = sock(SOCK_DGRAM), err, i;
	socklen_t l = sizeof(err);
	struct pollfd p[2] = { { .fd = self->fd }, { .fd = d } };
	char b[16];

	ASSERT_EQ(0, join(self->fd, "member", self->port, 0));
	ASSERT_EQ(0, join(d, "member", self->port, 0));
	kill(self->leader, SIGTERM);
	waitpid(self->leader, NULL, 0);
	self->leader = -1;
	for (i = 0; i < scaled(100); i++) {
		if (get_state(d) == LSGC_STATE_FAILED)
			break;
		usleep(20000);
	}
	ASSERT_EQ(LSGC_STATE_FAILED, get_state(self->fd));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &l));
		EXPECT_EQ(ECONNRESET, err) TH_LOG("socket %d: SO_ERROR %s", i,
						  lsgc_errname(err));
		EXPECT_EQ(1, poll(&p[i], 1, 0));
		EXPECT_EQ(POLLERR | POLLHUP, p[i].revents & (POLLERR | POLLHUP));
		EXPECT_EQ(-1, send(p[i].fd, "x", 1, MSG_DONTWAIT));
		EXPECT_EQ(ECONNRESET, errno) TH_LOG("socket %d send: %s", i,
						    lsgc_errname(errno));
	}
	while (recv(self->fd, b, sizeof(b), MSG_DONTWAIT) >= 0)
		;
	EXPECT_EQ(ECONNRESET, errno) TH_LOG("SEQPACKET recv: %s", lsgc_errname(errno));
	EXPECT_EQ(-1, recv(d, b, sizeof(b), MSG_DONTWAIT));
	EXPECT_EQ(ECONNRESET, errno) TH_LOG("DGRAM recv: %s", lsgc_errname(errno));
	close(d);
}

/*
 * Flow control by a receiver: beta's small SO_RCVBUF fills, its delivery
 * stops (rcvbuf_stalls), the sequencer's backlog fills and alpha's send()
 * finds no room.  Nothing is dropped: once beta reads, it gets every
 * message, in order, exactly once, and alpha may send again.
 */
TEST_F(pair, rcvbuf_stall)
{
	long long stalls0 = ns_stat("rcvbuf_stalls"), wstalls0 = ns_stat("window_stalls");
	long backlog = read_sysctl("backlog");
	struct pollfd p = { .fd = self->a, .events = POLLOUT };
	int rb = 1, v = 0, n = 0, i, refills = 0;
	struct rec *r = &self->r;

	ASSERT_LE(0, stalls0);
	ASSERT_EQ(0, setsockopt(self->a, SOL_LSGC, LSGC_RECV_OWN, &v, sizeof(v)));
	ASSERT_EQ(0, setsockopt(self->b, SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb)));
	while (n < 4 * backlog) {
		char m[32];
		int len = snprintf(m, sizeof(m), "alpha:%d:", n + 1);

		if (send(self->a, m, len, MSG_DONTWAIT) < 0) {
			/* The first refusal may race beta's last
			 * acknowledgments of what its small buffer still
			 * took: let them arrive, and fill again.
			 */
			if (errno != EAGAIN || refills++)
				break;
			usleep(scaled(300) * 1000);
			continue;
		}
		n++;
	}
	EXPECT_EQ(EAGAIN, errno) TH_LOG("alpha sent %d: %s", n, lsgc_errname(errno));
	/* beta's buffer holds a few records; the backlog bounds the rest. */
	EXPECT_GE(backlog + 16, n) TH_LOG("%d messages beyond a full receiver", n);
	EXPECT_LE(backlog / 2, n) TH_LOG("only %d messages", n);
	EXPECT_LT(stalls0, ns_stat("rcvbuf_stalls"));
	EXPECT_LT(wstalls0, ns_stat("window_stalls"));
	EXPECT_EQ(0, poll(&p, 1, 200)) TH_LOG("alpha writable with the backlog full");
	for (i = 1; i <= n; i++) {
		char m[32];
		int len = snprintf(m, sizeof(m), "alpha:%d:", i);

		ASSERT_EQ(0, get_data(self->b, r, 5000))
			TH_LOG("message %d of %d not delivered after the stall", i, n);
		EXPECT_EQ(len, r->len);
		EXPECT_EQ(0, memcmp(r->data, m, len)) TH_LOG("record %d", i);
	}
	EXPECT_EQ(-1, get_rec(self->b, r, 300, 0));
	/* The backlog drained: alpha is woken, not left to poll. */
	p.revents = 0;
	EXPECT_EQ(1, poll(&p, 1, scaled(5000)));
	EXPECT_EQ(2, send(self->a, "z", 2, MSG_DONTWAIT)) TH_LOG("%s", lsgc_errname(errno));
}

TEST_HARNESS_MAIN
