// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc_fault: systematic fault injection into the calls of one task,
 * through /proc/thread-self/fail-nth: for n = 1, 2, 3 ... the n-th
 * allocation the calls make fails (failslab or fail_page_alloc, whichever
 * comes n-th), until a round makes fewer than n allocations.  Every
 * allocation point of the calls is then known to have failed once.
 * faults.sh turns off ignore-gfp-wait first, so that sleeping allocations
 * count too.
 *
 *   lsgc_fault join [-c] -I ID [group options]   socket() + LSGC_JOIN
 *   lsgc_fault send [-c] -I ID [-m M] [-s SIZE] [group options]
 *                  LSGC_VIEW, then send() of SIZE-byte messages (65536:
 *                  45 fragments); prints "# sent K", then holds the
 *                  membership until SIGTERM
 *   lsgc_fault dump                              each netlink dump
 *   lsgc_fault proc                              the /proc/net/lsgc files
 *   group options: -g ADDR -p PORT -i IF -T MS (join timeout) -n MAX
 *   (fault points at most per call) -S FILE (status: joined, sent K)
 *   -k STRIDE -o FIRST: only the points FIRST, FIRST + STRIDE, ... (1 <=
 *   FIRST <= STRIDE; default 1 and 1, every point): on the debug kernel
 *   a whole sweep of the joins takes half an hour, so faults.sh strides
 *   and draws FIRST at random, and successive runs cover every point
 *
 * What must hold, whichever allocation fails:
 *  - a call fails with ENOMEM or ENOBUFS (socket(): ENFILE when the inode
 *    cannot be allocated; a join also EPROTO, "the admitting view could
 *    not be installed"), or succeeds;
 *  - a failed join leaves the socket unattached (LSGC_STATE 0) and a join
 *    after it succeeds (the leader may first have to expel the identity
 *    the failed attempt left in its view: the retry waits -T);
 *  - a failed send sends nothing: the messages carry the lsgc_util.h
 *    payload with a counter that advances only on success, so the
 *    receivers' logs (order_check.py --sent ID=K) show a failed send that
 *    was delivered anyway as a repeated counter;
 *  - the membership stays a member through failed sends and views;
 *  - a dump either completes or ends with an error, and the next dump
 *    (without faults) gives what the first clean one gave.
 * Prints KTAP comments and exits 0 if everything held, 1 if not, 2 on a
 * setup error, 4 (skip) without fail-nth.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/lsgc_netlink.h>

#include "../group/lsgc_util.h"

#define KSFT_SKIP	4
#define ERRNO_MAX	192

static struct {
	const char *mode, *group, *ifname, *name, *status;
	unsigned int port;
	bool create;
	unsigned int timeout_ms;
	long members;
	size_t size;
	unsigned int max;
	unsigned int stride, first;
} o = {
	.group = LSGC_TEST_DEFAULT_GROUP,
	.port = LSGC_TEST_DEFAULT_PORT,
	.timeout_ms = 10000,
	.size = LSGC_MAX_MSG,
	.max = 3000,
	.stride = 1,
	.first = 1,
};

static int family, nth_fd = -1, failures;
static unsigned long hist[ERRNO_MAX + 1];
static volatile sig_atomic_t stop_sig;

static void complain(const char *fmt, ...)
{
	va_list ap;

	failures++;
	printf("# FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void status(const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	if (!o.status)
		return;
	f = fopen(o.status, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* Arm: the n-th fault point from now fails.  0 disarms. */
static void nth_set(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, len, 0) != len) {
		printf("Bail out! cannot write fail-nth: %s\n", strerror(errno));
		exit(2);
	}
}

/* Disarm, and say whether the armed fault was injected. */
static bool nth_injected(void)
{
	char b[16] = "";
	ssize_t n = pread(nth_fd, b, sizeof(b) - 1, 0);

	nth_set(0);
	/* The counter reaches 0 when it fires; left over means it did not. */
	return n > 0 && atoi(b) == 0;
}

static void count(int err)
{
	hist[err >= 0 && err < ERRNO_MAX ? err : ERRNO_MAX]++;
}

static void print_hist(const char *what, unsigned int points)
{
	char line[1024];
	size_t off;
	int e;

	off = snprintf(line, sizeof(line), "# %s: %u fault points:", what, points);
	for (e = 0; e <= ERRNO_MAX && off < sizeof(line) - 32; e++)
		if (hist[e])
			off += snprintf(line + off, sizeof(line) - off, " %s %lu",
					e ? lsgc_errname(e) : "OK", hist[e]);
	printf("%s\n", line);
	memset(hist, 0, sizeof(hist));
	fflush(stdout);
}

static int state_of(int fd)
{
	int st = -1;
	socklen_t l = sizeof(st);

	if (getsockopt(fd, SOL_LSGC, LSGC_STATE, &st, &l))
		return -errno;
	return st;
}

static void fill_req(struct lsgc_join_req *req)
{
	__u32 ifindex = 0;

	memset(req, 0, sizeof(*req));
	if (lsgc_parse_ifindex(o.ifname, &ifindex) ||
	    lsgc_group_fill(&req->group, o.group, o.port, ifindex) ||
	    lsgc_id_from_name(req->id, o.name)) {
		printf("Bail out! bad group, interface or identity\n");
		exit(2);
	}
	req->flags = LSGC_JOIN_INSECURE | (o.create ? LSGC_JOIN_CREATE : 0);
	req->timeout_ms = o.timeout_ms;
}

static int join(int fd, const struct lsgc_join_req *req)
{
	return setsockopt(fd, SOL_LSGC, LSGC_JOIN, req, sizeof(*req)) ? errno : 0;
}

/* Read what is queued (views, others' messages) without waiting. */
static void drain(int fd)
{
	static unsigned char b[LSGC_MAX_MSG + 1024];
	int i;

	for (i = 0; i < 10000; i++)
		if (recv(fd, b, sizeof(b), MSG_DONTWAIT) < 0)
			break;
}

/* ---------------------------------------------------------------- join */

static int mode_join(void)
{
	struct lsgc_join_req req;
	unsigned int n;

	fill_req(&req);
	for (n = o.first; n <= o.max && !stop_sig; n += o.stride) {
		int fd, err = 0, serr = 0, st;
		bool hit;

		nth_set(n);
		fd = socket(family, SOCK_SEQPACKET, 0);
		if (fd < 0)
			serr = errno;
		else
			err = join(fd, &req);
		hit = nth_injected();
		if (fd < 0) {
			count(serr);
			if (serr != ENOMEM && serr != ENFILE && serr != ENOBUFS)
				complain("fault point %u: socket(): %s", n,
					 lsgc_errname(serr));
			continue;
		}
		count(err);
		if (err && err != ENOMEM && err != ENOBUFS && err != EPROTO)
			complain("fault point %u: LSGC_JOIN: %s", n,
				 lsgc_errname(err));
		st = state_of(fd);
		if (err) {
			/* "A failed join leaves the socket unattached; it may
			 * join again."
			 */
			if (st != LSGC_STATE_UNJOINED)
				complain("fault point %u: state %d after a failed join (%s)",
					 n, st, lsgc_errname(err));
			err = join(fd, &req);
			if (err)
				complain("fault point %u: the join after a failed one: %s",
					 n, lsgc_errname(err));
			st = state_of(fd);
		}
		if (!err && st != LSGC_STATE_MEMBER)
			complain("fault point %u: joined, state %d", n, st);
		close(fd);
		if (!hit) {
			print_hist("socket+LSGC_JOIN", n);
			return 0;
		}
	}
	complain("more than %u fault points in socket()+LSGC_JOIN", o.max);
	print_hist("socket+LSGC_JOIN", n - 1);
	return 0;
}

/* ---------------------------------------------------------------- send */

static unsigned int view_members(int fd)
{
	static unsigned char b[32 + 24 * 1024];
	socklen_t l = sizeof(b);

	if (getsockopt(fd, SOL_LSGC, LSGC_VIEW, b, &l))
		return 0;
	return ((struct lsgc_view_info *)b)->n_members;
}

static void on_term(int sig)
{
	stop_sig = sig;
}

static int mode_send(void)
{
	static unsigned char buf[LSGC_MAX_MSG];
	struct timeval tv = { .tv_sec = 20 };
	struct lsgc_join_req req;
	unsigned int n, clean = 0;
	uint64_t k = 1;
	int fd, err, zero = 0, i;

	fill_req(&req);
	fd = socket(family, SOCK_SEQPACKET, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_LSGC, LSGC_RECV_OWN, &zero, sizeof(zero)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		printf("Bail out! socket: %s\n", strerror(errno));
		return 2;
	}
	err = join(fd, &req);
	if (err) {
		printf("Bail out! LSGC_JOIN: %s\n", lsgc_errname(err));
		return 2;
	}
	status("joined");
	for (i = 0; i < 600 && view_members(fd) < o.members && !stop_sig; i++) {
		drain(fd);
		usleep(100 * 1000);
	}
	if (view_members(fd) < o.members) {
		printf("Bail out! no view of %ld members after 60 s\n", o.members);
		return 2;
	}
	status("ready");

	/* LSGC_VIEW copies the view under GFP_ATOMIC. */
	for (n = o.first; n <= o.max; n += o.stride) {
		static unsigned char b[32 + 24 * 1024];
		socklen_t l = sizeof(b);
		bool hit;

		nth_set(n);
		err = getsockopt(fd, SOL_LSGC, LSGC_VIEW, b, &l) ? errno : 0;
		hit = nth_injected();
		count(err);
		if (err && err != ENOMEM)
			complain("fault point %u: LSGC_VIEW: %s", n, lsgc_errname(err));
		if (!hit)
			break;
	}
	print_hist("LSGC_VIEW", n);

	for (n = o.first; n <= o.max && !stop_sig; n += o.stride) {
		ssize_t r;
		bool hit;

		lsgc_payload_fill(buf, o.size, o.name, k);
		nth_set(n);
		r = send(fd, buf, o.size, 0);
		err = r < 0 ? errno : 0;
		hit = nth_injected();
		count(err);
		if (r >= 0 && (size_t)r != o.size)
			complain("fault point %u: send of %zu returned %zd", n,
				 o.size, r);
		else if (r >= 0)
			k++;
		else if (err != ENOMEM && err != ENOBUFS)
			complain("fault point %u: send: %s", n, lsgc_errname(err));
		drain(fd);
		if (state_of(fd) != LSGC_STATE_MEMBER) {
			complain("fault point %u: state %d after send (%s)", n,
				 state_of(fd), lsgc_errname(err));
			break;
		}
		/* Three rounds without a fault point reached: done. */
		if (!hit && ++clean == 3)
			break;
	}
	print_hist("send", n);
	printf("# sent %llu\n", (unsigned long long)(k - 1));
	status("sent %llu", (unsigned long long)(k - 1));
	fflush(stdout);
	/* Stay in the group until told, so every message gets ordered. */
	while (!stop_sig) {
		drain(fd);
		usleep(50 * 1000);
		if (state_of(fd) != LSGC_STATE_MEMBER) {
			complain("membership lost while holding: state %d",
				 state_of(fd));
			break;
		}
	}
	close(fd);
	return 0;
}

/* ---------------------------------------------------------------- dump */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300 * 1000 };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		printf("Bail out! netlink socket: %s\n", strerror(errno));
		exit(2);
	}
	return s;
}

struct genl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static uint16_t nl_family(int s)
{
	static char b[8192];
	struct genl_req req = {
		.n = { .nlmsg_type = GENL_ID_CTRL,
		       .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
	};
	struct nlattr *a = (struct nlattr *)req.attrs;
	struct nlmsghdr *m = (struct nlmsghdr *)b;
	ssize_t n;

	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(LSGC_GENL_NAME);
	memcpy(a + 1, LSGC_GENL_NAME, sizeof(LSGC_GENL_NAME));
	req.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	if (send(s, &req, req.n.nlmsg_len, 0) < 0)
		return 0;
	n = recv(s, b, sizeof(b), 0);
	if (n < (ssize_t)NLMSG_HDRLEN || m->nlmsg_type != GENL_ID_CTRL)
		return 0;
	for (a = (struct nlattr *)((char *)NLMSG_DATA(m) + GENL_HDRLEN);
	     (char *)a + NLA_HDRLEN <= b + m->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)(a + 1);
	return 0;
}

/*
 * One dump: its data messages and how it ended: 0 (NLMSG_DONE without
 * error), a positive errno (in NLMSG_DONE, NLMSG_ERROR, or from recv), or
 * -1 if nothing ended it within the receive timeout.
 */
static int dump_once(int s, uint16_t fam, uint8_t cmd, int *msgs)
{
	static char b[65536];
	struct genl_req req = {
		.n = { .nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
		       .nlmsg_type = fam,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 7 },
		.g = { .cmd = cmd, .version = LSGC_GENL_VERSION },
	};
	int end = -1, first_err = 0, i;

	*msgs = 0;
	if (send(s, &req, req.n.nlmsg_len, 0) < 0)
		return errno;
	for (i = 0; i < 1000; i++) {
		ssize_t n = recv(s, b, sizeof(b), 0);
		struct nlmsghdr *m;
		int len;

		if (n < 0) {
			if (errno == EAGAIN)
				break;
			/* A part of the dump that could not be allocated is
			 * reported as the socket's error; the dump goes on.
			 */
			if (!first_err)
				first_err = errno;
			continue;
		}
		len = n;
		for (m = (struct nlmsghdr *)b; NLMSG_OK(m, len);
		     m = NLMSG_NEXT(m, len)) {
			if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR) {
				int e = 0;

				memcpy(&e, NLMSG_DATA(m), sizeof(e));
				end = -e;
				goto out;
			}
			if (m->nlmsg_type == fam)
				(*msgs)++;
		}
	}
out:
	if (first_err && end <= 0)
		return first_err;
	return end;
}

static int mode_dump(void)
{
	static const char *const names[] = { "group", "member", "stats" };
	int s = nl_open(), ref[3], c;
	uint16_t fam = nl_family(s);

	if (!fam) {
		printf("Bail out! no \"%s\" netlink family\n", LSGC_GENL_NAME);
		return 2;
	}
	for (c = 0; c < 3; c++) {
		int r = dump_once(s, fam, LSGC_CMD_GROUP_GET + c, &ref[c]);

		if (r) {
			printf("Bail out! a clean %s dump: %d\n", names[c], r);
			return 2;
		}
	}
	close(s);
	for (c = 0; c < 3; c++) {
		char what[64];
		unsigned int n;

		for (n = o.first; n <= o.max; n += o.stride) {
			int msgs, r, again;
			bool hit;

			s = nl_open();
			nth_set(n);
			r = dump_once(s, fam, LSGC_CMD_GROUP_GET + c, &msgs);
			hit = nth_injected();
			count(r < 0 ? ETIMEDOUT : r);
			if (r < 0)
				complain("fault point %u: %s dump did not end", n,
					 names[c]);
			else if (r && r != ENOMEM && r != ENOBUFS && r != EMSGSIZE)
				complain("fault point %u: %s dump: %s", n, names[c],
					 lsgc_errname(r));
			else if (!r && msgs != ref[c])
				complain("fault point %u: %s dump complete with %d messages, %d without faults",
					 n, names[c], msgs, ref[c]);
			close(s);
			/* The family is none the worse for it. */
			s = nl_open();
			again = dump_once(s, fam, LSGC_CMD_GROUP_GET + c, &msgs);
			if (again || msgs != ref[c])
				complain("fault point %u: the next %s dump: %d, %d messages (want %d)",
					 n, names[c], again, msgs, ref[c]);
			close(s);
			if (!hit)
				break;
		}
		snprintf(what, sizeof(what), "%s dump (%d messages)", names[c], ref[c]);
		print_hist(what, n);
	}
	return 0;
}

/* ---------------------------------------------------------------- proc */

static int mode_proc(void)
{
	static const char *const files[] = { "/proc/net/lsgc/stats",
					     "/proc/net/lsgc/members" };
	static char b[65536];
	int f;

	for (f = 0; f < 2; f++) {
		unsigned int n;

		for (n = o.first; n <= o.max; n += o.stride) {
			int fd, err = 0;
			ssize_t r = 0;
			bool hit;

			nth_set(n);
			fd = open(files[f], O_RDONLY);
			if (fd < 0)
				err = errno;
			while (fd >= 0 && (r = read(fd, b, sizeof(b))) > 0)
				;
			if (fd >= 0 && r < 0)
				err = errno;
			hit = nth_injected();
			if (fd >= 0)
				close(fd);
			count(err);
			if (err && err != ENOMEM)
				complain("fault point %u: %s: %s", n, files[f],
					 lsgc_errname(err));
			if (!hit)
				break;
		}
		print_hist(files[f], n);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: lsgc_fault join|send|dump|proc [-c] [-I ID] [-g ADDR] [-p PORT]\n"
"                  [-i IF] [-T MS] [-m MEMBERS] [-s SIZE] [-n MAX] [-S FILE]\n"
"                  [-k STRIDE] [-o FIRST]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	int c, rc;

	if (argc < 2)
		usage();
	o.mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "cI:g:p:i:T:m:s:n:S:k:o:")) != -1) {
		switch (c) {
		case 'c': o.create = true; break;
		case 'I': o.name = optarg; break;
		case 'g': o.group = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'i': o.ifname = optarg; break;
		case 'T': o.timeout_ms = atoi(optarg); break;
		case 'm': o.members = atol(optarg); break;
		case 's': o.size = strtoul(optarg, NULL, 0); break;
		case 'n': o.max = atoi(optarg); break;
		case 'S': o.status = optarg; break;
		case 'k': o.stride = atoi(optarg); break;
		case 'o': o.first = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || o.size > LSGC_MAX_MSG || !o.stride || !o.first ||
	    o.first > o.stride)
		usage();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		printf("# no /proc/thread-self/fail-nth (%s): a kernel without CONFIG_FAULT_INJECTION\n",
		       strerror(errno));
		return KSFT_SKIP;
	}
	family = lsgc_read_family();
	if (family < 0 && strcmp(o.mode, "dump") && strcmp(o.mode, "proc")) {
		printf("Bail out! cannot read %s\n", LSGC_FAMILY_SYSFS);
		return 2;
	}
	if (!strcmp(o.mode, "join") || !strcmp(o.mode, "send")) {
		if (!o.name)
			usage();
		rc = o.mode[0] == 'j' ? mode_join() : mode_send();
	} else if (!strcmp(o.mode, "dump")) {
		rc = mode_dump();
	} else if (!strcmp(o.mode, "proc")) {
		rc = mode_proc();
	} else {
		usage();
	}
	if (rc)
		return rc;
	printf("# lsgc_fault %s: %s\n", o.mode, failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
