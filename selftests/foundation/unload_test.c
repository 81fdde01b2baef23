// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime against open sockets: delete_module() is refused with
 * EWOULDBLOCK while any AF_LSGC socket exists (in this process, in a child,
 * in another network namespace) and succeeds once the last one is closed;
 * after the unload the family is gone (EAFNOSUPPORT).  Every test starts
 * with the module loaded (it loads $LSGC_MODULE itself if needed) and
 * leaves it loaded.
 */
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lsgc_test.h"
#include "kselftest_harness.h"

FIXTURE(mod) {
	int family;
	int base_refcnt;
};

FIXTURE_SETUP(mod)
{
	if (!lsgc_test_loaded())
		ASSERT_EQ(0, lsgc_test_load(NULL))
			TH_LOG("finit_module(%s): %s", lsgc_test_module_path(),
			       strerror(errno));
	self->family = lsgc_test_family();
	ASSERT_GT(self->family, 0);
	self->base_refcnt = lsgc_test_refcnt();
	ASSERT_LE(0, self->base_refcnt);
}

FIXTURE_TEARDOWN(mod)
{
	if (!lsgc_test_loaded())
		EXPECT_EQ(0, lsgc_test_load(NULL))
			TH_LOG("reload: %s", strerror(errno));
}

static void expect_refused(struct __test_metadata *_metadata)
{
	errno = 0;
	EXPECT_EQ(-1, lsgc_test_unload(O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno) TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_TRUE(lsgc_test_loaded());
}

static void expect_unloaded(struct __test_metadata *_metadata, int family)
{
	int fd;

	EXPECT_EQ(0, lsgc_test_unload(O_NONBLOCK))
		TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_FALSE(lsgc_test_loaded());
	/* Nothing registered any more: the family is gone. */
	errno = 0;
	fd = socket(family, SOCK_SEQPACKET, 0);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EAFNOSUPPORT, errno) TH_LOG("socket after unload: %s",
					      strerror(errno));
	if (fd >= 0)
		close(fd);
}

TEST_F(mod, refused_while_seqpacket_open)
{
	int fd = socket(self->family, SOCK_SEQPACKET, 0);

	ASSERT_LE(0, fd);
	EXPECT_LT(self->base_refcnt, lsgc_test_refcnt());
	expect_refused(_metadata);
	/* Still fully working after the refusal. */
	close(socket(self->family, SOCK_DGRAM, 0));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(self->base_refcnt, lsgc_test_refcnt());
	expect_unloaded(_metadata, self->family);
}

TEST_F(mod, refused_while_dgram_open)
{
	int fd = socket(self->family, SOCK_DGRAM, 0);

	ASSERT_LE(0, fd);
	expect_refused(_metadata);
	EXPECT_EQ(0, close(fd));
	expect_unloaded(_metadata, self->family);
}

TEST_F(mod, refused_until_last_of_many_closed)
{
	int fds[64], i;

	for (i = 0; i < 64; i++) {
		fds[i] = socket(self->family, i & 1 ? SOCK_DGRAM : SOCK_SEQPACKET, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 63; i++)
		close(fds[i]);
	expect_refused(_metadata);
	close(fds[63]);
	expect_unloaded(_metadata, self->family);
}

/* The socket belongs to a child process: closed when the child exits. */
TEST_F(mod, refused_while_child_holds_socket)
{
	int pipefd[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = socket(self->family, SOCK_SEQPACKET, 0);

		if (fd < 0)
			_exit(1);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	close(pipefd[0]);
	expect_refused(_metadata);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	expect_unloaded(_metadata, self->family);
}

/*
 * A socket created in a namespace that has no process left: the socket
 * alone keeps the namespace alive, and the module with it.
 */
TEST_F(mod, refused_while_socket_of_other_netns_open)
{
	int self_ns, fd;

	self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self_ns);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	fd = socket(self->family, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setns(self_ns, CLONE_NEWNET));
	close(self_ns);
	expect_refused(_metadata);
	EXPECT_EQ(0, close(fd));
	/* The namespace dies asynchronously; the module must not wait on it. */
	expect_unloaded(_metadata, self->family);
}

/* A file descriptor duplicated or inherited is still one socket. */
TEST_F(mod, refused_while_dup_open)
{
	int fd = socket(self->family, SOCK_SEQPACKET, 0), fd2;

	ASSERT_LE(0, fd);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	close(fd);
	expect_refused(_metadata);
	close(fd2);
	expect_unloaded(_metadata, self->family);
}

TEST_HARNESS_MAIN
