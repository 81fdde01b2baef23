// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc_race: the attach/detach race of a membership's two sockets.
 *
 * A SOCK_SEQPACKET and a SOCK_DGRAM socket of one identity share one
 * membership.  Each round joins the SOCK_SEQPACKET socket, then, released
 * together by a barrier, one thread closes it while another joins a
 * SOCK_DGRAM socket of the same identity, sends a datagram on it and
 * closes it.  The second join either attaches to the membership before
 * the close takes it down (and the membership lives on), or finds none
 * and starts its own; it must never attach to a membership being freed
 * (a use-after-free the debug kernel's KASAN reports, and a double
 * list_del_rcu).  The creator of the session (this process too) reads
 * its records in a thread of its own so that its views never stall.
 *
 * Prints KTAP; exit 0 when every round ended with a join result from the
 * expected set and nothing hung.
 */
#include <pthread.h>
#include <poll.h>
#include <unistd.h>

#include "lsgc_util.h"

static int family;
static struct lsgc_group_addr group;
static pthread_barrier_t barrier;
static int seq_fd;
static volatile int stop;
static char name[LSGC_ID_LEN + 1];
static int dgram_err;

static int join(int fd, const char *id, __u32 flags, __u32 timeout_ms)
{
	struct lsgc_join_req req;

	memset(&req, 0, sizeof(req));
	req.group = group;
	req.flags = flags | LSGC_JOIN_INSECURE;
	req.timeout_ms = timeout_ms;
	lsgc_id_from_name(req.id, id);
	return setsockopt(fd, SOL_LSGC, LSGC_JOIN, &req, sizeof(req)) ? -errno : 0;
}

static void *leader_reader(void *arg)
{
	static char buf[LSGC_MAX_MSG];
	int fd = *(int *)arg;

	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) > 0 &&
		    recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN)
			break;
	}
	return NULL;
}

static void *closer(void *arg __attribute__((unused)))
{
	pthread_barrier_wait(&barrier);
	/* Either side may go first, by up to 300 us, so that every outcome
	 * (attach first, close first, in the middle of each other) happens.
	 */
	usleep(rand() % 300);
	close(seq_fd);
	return NULL;
}

static void *dgram_joiner(void *arg __attribute__((unused)))
{
	int fd = socket(family, SOCK_DGRAM, 0);

	pthread_barrier_wait(&barrier);
	usleep(rand() % 300);
	if (fd < 0) {
		dgram_err = -errno;
		return NULL;
	}
	dgram_err = join(fd, name, 0, 1500);
	if (!dgram_err && send(fd, "x", 1, MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN && errno != ECONNRESET)
		dgram_err = -errno;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 200, leader, i, err, bad = 0;
	int attached = 0, fresh = 0, timedout = 0;
	pthread_t rd, t1, t2;
	__u32 ifindex;

	family = lsgc_read_family();
	if (argc < 2 || family < 0 || lsgc_parse_ifindex(argv[1], &ifindex) ||
	    lsgc_group_fill(&group, LSGC_TEST_DEFAULT_GROUP,
			    LSGC_TEST_DEFAULT_PORT, ifindex)) {
		fprintf(stderr, "usage: lsgc_race IF [ROUNDS] (module loaded?)\n");
		return 2;
	}
	printf("TAP version 13\n1..2\n");
	leader = socket(family, SOCK_SEQPACKET, 0);
	err = leader < 0 ? -errno : join(leader, "leader", LSGC_JOIN_CREATE, 0);
	if (err) {
		printf("not ok 1 the session was created # %s\n", lsgc_errname(-err));
		return 1;
	}
	printf("ok 1 the session was created\n");
	pthread_create(&rd, NULL, leader_reader, &leader);
	pthread_barrier_init(&barrier, NULL, 2);
	for (i = 0; i < rounds; i++) {
		snprintf(name, sizeof(name), "r%d", i % 4);
		seq_fd = socket(family, SOCK_SEQPACKET, 0);
		err = seq_fd < 0 ? -errno : join(seq_fd, name, 0, 3000);
		if (err) {
			/* The identity's last membership may still be a
			 * peer of the leader until its LEAVE arrived.
			 */
			if (seq_fd >= 0)
				close(seq_fd);
			if (err != -EADDRINUSE && err != -ETIMEDOUT) {
				printf("# round %d: seq join: %s\n", i, lsgc_errname(-err));
				bad++;
			}
			continue;
		}
		pthread_create(&t1, NULL, closer, NULL);
		pthread_create(&t2, NULL, dgram_joiner, NULL);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		switch (dgram_err) {
		case 0:
			attached++;
			break;
		case -EADDRINUSE:
			fresh++;
			break;
		case -ETIMEDOUT:
		case -ECONNRESET:
			timedout++;
			break;
		default:
			printf("# round %d: dgram join: %s\n", i, lsgc_errname(-dgram_err));
			bad++;
		}
	}
	stop = 1;
	pthread_join(rd, NULL);
	close(leader);
	/* A join that attached to the closing membership and one that found
	 * none and was admitted anew both succeed.
	 */
	printf("# %d rounds: dgram join succeeded %d, refused as taken %d, timed out or reset %d\n",
	       rounds, attached, fresh, timedout);
	printf("%sok 2 every join ended with an expected result\n", bad ? "not " : "");
	return bad ? 1 : 0;
}
