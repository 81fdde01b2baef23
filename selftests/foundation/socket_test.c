// SPDX-License-Identifier: GPL-2.0
/*
 * socket() on AF_LSGC: both supported types work and report the family,
 * type and protocol they were created with; every other type and any
 * protocol other than 0 fail with the errno the socket API specifies.
 * Needs the module loaded (socket.sh loads it with the default family).
 */
#include <sched.h>
#include <sys/socket.h>

#include "lsgc_test.h"
#include "kselftest_harness.h"

#ifndef SOCK_DCCP
#define SOCK_DCCP 6
#endif
#ifndef SOCK_PACKET
#define SOCK_PACKET 10
#endif

static int family(struct __test_metadata *_metadata)
{
	int f = lsgc_test_family();

	if (f < 0)
		TH_LOG("the lsgc module is not loaded (%s unreadable)",
		       LSGC_FAMILY_SYSFS);
	return f;
}

static int sockopt_int(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len))
		return -errno - 1000;
	return v;
}

TEST(family_param_is_default)
{
	ASSERT_EQ(LSGC_FAMILY_DEFAULT, family(_metadata));
}

TEST(seqpacket)
{
	int fam = family(_metadata);
	int fd;

	ASSERT_GT(fam, 0);
	fd = socket(fam, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	EXPECT_EQ(fam, sockopt_int(fd, SO_DOMAIN));
	EXPECT_EQ(SOCK_SEQPACKET, sockopt_int(fd, SO_TYPE));
	EXPECT_EQ(0, sockopt_int(fd, SO_PROTOCOL));
	EXPECT_EQ(0, close(fd));
}

TEST(dgram)
{
	int fam = family(_metadata);
	int fd;

	ASSERT_GT(fam, 0);
	fd = socket(fam, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	EXPECT_EQ(fam, sockopt_int(fd, SO_DOMAIN));
	EXPECT_EQ(SOCK_DGRAM, sockopt_int(fd, SO_TYPE));
	EXPECT_EQ(0, sockopt_int(fd, SO_PROTOCOL));
	EXPECT_EQ(0, close(fd));
}

TEST(type_flags)
{
	int fam = family(_metadata);
	int fd;

	ASSERT_GT(fam, 0);
	fd = socket(fam, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(SOCK_SEQPACKET, sockopt_int(fd, SO_TYPE));
	close(fd);
}

static void expect_errno(struct __test_metadata *_metadata, int fam, int type,
			 int proto, int err)
{
	int fd;

	errno = 0;
	fd = socket(fam, type, proto);
	EXPECT_EQ(-1, fd) TH_LOG("type %d protocol %d: socket() succeeded",
				 type, proto);
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(err, errno) TH_LOG("type %d protocol %d: %s, want %s",
				     type, proto, strerror(errno),
				     strerror(err));
}

TEST(wrong_type)
{
	int fam = family(_metadata);

	ASSERT_GT(fam, 0);
	expect_errno(_metadata, fam, SOCK_STREAM, 0, ESOCKTNOSUPPORT);
	expect_errno(_metadata, fam, SOCK_RAW, 0, ESOCKTNOSUPPORT);
	expect_errno(_metadata, fam, SOCK_RDM, 0, ESOCKTNOSUPPORT);
	expect_errno(_metadata, fam, SOCK_DCCP, 0, ESOCKTNOSUPPORT);
	expect_errno(_metadata, fam, SOCK_PACKET, 0, ESOCKTNOSUPPORT);
	expect_errno(_metadata, fam, 0, 0, ESOCKTNOSUPPORT);
	/* Out of range for every family: the core rejects it first. */
	expect_errno(_metadata, fam, 11, 0, EINVAL);
}

TEST(wrong_protocol)
{
	int fam = family(_metadata);

	ASSERT_GT(fam, 0);
	expect_errno(_metadata, fam, SOCK_SEQPACKET, 1, EPROTONOSUPPORT);
	expect_errno(_metadata, fam, SOCK_DGRAM, 1, EPROTONOSUPPORT);
	expect_errno(_metadata, fam, SOCK_SEQPACKET, 17, EPROTONOSUPPORT);
	expect_errno(_metadata, fam, SOCK_DGRAM, -1, EPROTONOSUPPORT);
	expect_errno(_metadata, fam, SOCK_DGRAM, 0x10000, EPROTONOSUPPORT);
}

TEST(many)
{
	int fam = family(_metadata);
	int fds[512], i;

	ASSERT_GT(fam, 0);
	for (i = 0; i < 512; i++) {
		fds[i] = socket(fam, i & 1 ? SOCK_DGRAM : SOCK_SEQPACKET, 0);
		ASSERT_LE(0, fds[i]) TH_LOG("socket %d: %s", i, strerror(errno));
	}
	for (i = 0; i < 512; i++)
		EXPECT_EQ(0, close(fds[i]));
}

/* A fresh network namespace gets the family too (pernet state). */
TEST(new_netns)
{
	int fam = family(_metadata);
	int fd;

	ASSERT_GT(fam, 0);
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	fd = socket(fam, SOCK_SEQPACKET, 0);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	close(fd);
	fd = socket(fam, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	close(fd);
}

TEST_HARNESS_MAIN
