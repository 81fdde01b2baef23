// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc_bench: a first throughput figure of the reliable channel against
 * raw UDP multicast, measured by the same program in the same VM run.
 *
 *   lsgc_bench udp-recv  GROUP PORT IFNAME COUNT TIMEOUT_MS
 *   lsgc_bench udp-send  GROUP PORT IFNAME COUNT SIZE
 *   lsgc_bench lsgc      GROUP PORT IFNAME ID MEMBERS SEND SIZE EXPECT
 *                        [create] [key=SERIAL] [chacha]
 *
 * Receivers print "<mode> msgs=N bytes=B secs=T msg_per_s=R mbit_per_s=M",
 * timed from the first to the last message received.  The lsgc mode joins
 * (creating the session with "create"), waits for a view of MEMBERS,
 * sends SEND messages of SIZE bytes while receiving, and stops after
 * EXPECT data records from others.  Without key= the group is insecure
 * (LSGC_JOIN_INSECURE); with it, secure, keyed by that logon key, and
 * sealed with ChaCha20-Poly1305 if the creator says chacha.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/lsgc.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *mode, long msgs, long bytes, double secs)
{
	if (secs <= 0)
		secs = 1e-9;
	printf("%s msgs=%ld bytes=%ld secs=%.3f msg_per_s=%.0f mbit_per_s=%.2f\n",
	       mode, msgs, bytes, secs, msgs / secs, bytes * 8 / secs / 1e6);
	fflush(stdout);
}

static int udp_socket(const char *group, int port, const char *ifname, int bind_it)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct ip_mreqn mreq = { .imr_ifindex = if_nametoindex(ifname) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, big = 4 << 20;

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, group, &sin.sin_addr);
	mreq.imr_multiaddr = sin.sin_addr;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq));
	if (bind_it && (bind(fd, (void *)&sin, sizeof(sin)) ||
			setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq))))
		return -1;
	return fd;
}

static int udp_recv(char **av)
{
	int fd = udp_socket(av[0], atoi(av[1]), av[2], 1);
	long want = atol(av[3]), n = 0, bytes = 0;
	int timeout = atoi(av[4]);
	double first = 0, last = 0;
	static char buf[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return perror("udp-recv"), 2;
	printf("ready\n");
	fflush(stdout);
	while (n < want && poll(&p, 1, n ? 1000 : timeout) > 0) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0)
			break;
		last = now_s();
		if (!n)
			first = last;
		n++;
		bytes += r;
	}
	report("udp", n, bytes, last - first);
	return 0;
}

static int udp_send(char **av)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(av[1])) };
	int fd = udp_socket(av[0], atoi(av[1]), av[2], 0);
	long count = atol(av[3]), i;
	size_t size = atoi(av[4]);
	static char buf[65536];

	if (fd < 0)
		return perror("udp-send"), 2;
	inet_pton(AF_INET, av[0], &to.sin_addr);
	for (i = 0; i < count; i++)
		while (sendto(fd, buf, size, 0, (void *)&to, sizeof(to)) < 0 &&
		       (errno == ENOBUFS || errno == EAGAIN))
			usleep(100);
	return 0;
}

struct sender {
	int fd;
	long count;
	size_t size;
};

static void *lsgc_sender(void *arg)
{
	struct sender *s = arg;
	static char buf[LSGC_MAX_MSG];
	long i;

	for (i = 0; i < s->count; i++)
		if (send(s->fd, buf, s->size, 0) < 0) {
			perror("lsgc send");
			exit(4);
		}
	return NULL;
}

static int lsgc_family(void)
{
	FILE *f = fopen(LSGC_FAMILY_SYSFS, "r");
	int fam = -1;

	if (!f || fscanf(f, "%d", &fam) != 1)
		fam = -1;
	if (f)
		fclose(f);
	return fam;
}

static int lsgc_run(char **av, int ac)
{
	struct lsgc_join_req req = { .flags = LSGC_JOIN_INSECURE };
	int i, create = 0;
	long members = atol(av[4]), want = atol(av[7]), n = 0, bytes = 0;
	struct sender s = { .count = atol(av[5]), .size = atoi(av[6]) };
	static char buf[LSGC_MAX_MSG];
	struct sockaddr_lsgc from;
	double first = 0, last = 0;
	pthread_t th;
	int fd;

	fd = socket(lsgc_family(), SOCK_SEQPACKET, 0);
	if (fd < 0)
		return perror("socket"), 2;
	req.group.family = AF_INET;
	req.group.port = htons(atoi(av[1]));
	req.group.ifindex = if_nametoindex(av[2]);
	inet_pton(AF_INET, av[0], req.group.addr);
	memcpy(req.id, av[3], strnlen(av[3], LSGC_ID_LEN));
	req.timeout_ms = 10000;
	for (i = 8; i < ac; i++) {
		if (!strcmp(av[i], "create")) {
			create = 1;
		} else if (!strncmp(av[i], "key=", 4)) {
			req.key = atoi(av[i] + 4);
			req.flags &= ~LSGC_JOIN_INSECURE;
		} else if (!strcmp(av[i], "chacha")) {
			req.flags |= LSGC_JOIN_CHACHA20POLY1305;
		} else {
			fprintf(stderr, "lsgc_bench: unknown option %s\n", av[i]);
			return 1;
		}
	}
	if (create)
		req.flags |= LSGC_JOIN_CREATE;
	/* Only others' messages are counted; a sender that also had to read
	 * its own would be expelled as stuck if it did not.
	 */
	if (setsockopt(fd, SOL_LSGC, LSGC_RECV_OWN, &(int){ 0 }, sizeof(int)))
		return perror("LSGC_RECV_OWN"), 2;
	if (setsockopt(fd, SOL_LSGC, LSGC_JOIN, &req, sizeof(req)))
		return perror("join"), 3;
	s.fd = fd;
	printf("joined\n");
	fflush(stdout);
	for (;;) {
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from) };
		struct iovec iov = { buf, sizeof(buf) };
		ssize_t r;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		r = recvmsg(fd, &mh, 0);
		if (r < 0)
			return perror("recv"), 5;
		if (mh.msg_flags & MSG_OOB) {
			struct lsgc_view_info *vi = (void *)buf;

			if (vi->n_members >= members)
				break;
		}
	}
	printf("ready\n");
	fflush(stdout);
	if (s.count && pthread_create(&th, NULL, lsgc_sender, &s))
		return 2;
	while (n < want) {
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from) };
		struct iovec iov = { buf, sizeof(buf) };
		struct sockaddr_lsgc self;
		socklen_t sl = sizeof(self);
		ssize_t r;

		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		r = recvmsg(fd, &mh, 0);
		if (r < 0)
			return perror("recv"), 5;
		if (mh.msg_flags & MSG_OOB)
			continue;
		getsockname(fd, (void *)&self, &sl);
		if (from.slsgc_member == self.slsgc_member)
			continue;
		last = now_s();
		if (!n)
			first = last;
		n++;
		bytes += r;
	}
	report("lsgc", n, bytes, last - first);
	if (s.count)
		pthread_join(th, NULL);
	/* Linger so that the others finish before the leader leaves. */
	sleep(2);
	close(fd);
	return 0;
}

int main(int ac, char **av)
{
	if (ac >= 7 && !strcmp(av[1], "udp-recv"))
		return udp_recv(av + 2);
	if (ac >= 7 && !strcmp(av[1], "udp-send"))
		return udp_send(av + 2);
	if (ac >= 10 && !strcmp(av[1], "lsgc"))
		return lsgc_run(av + 2, ac - 2);
	fprintf(stderr, "usage: see the comment at the top of lsgc_bench.c\n");
	return 1;
}
