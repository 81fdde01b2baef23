// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc_exercise: a bounded random exerciser of the AF_LSGC socket family
 * and of the "lsgc" generic netlink family.
 *
 *   lsgc_exercise [-s SEED] [-d SECONDS] [-t THREADS] [-i IFNAME] [-I TAG]
 *                 [-g GROUPS] [-p PORT] [-F FDS] [-W SECONDS] [-f] [-v]
 *
 * THREADS threads share a pool of at most FDS AF_LSGC descriptors of both
 * types and call, at random: socket (valid and invalid types), LSGC_JOIN
 * (valid requests on GROUPS groups, two IPv4 and one IPv6, by interface
 * index or by route, and requests with one thing wrong), LSGC_LEAVE, the
 * other options in both directions with random lengths, SOL_SOCKET options
 * (buffers, timeouts, linger), sendmsg/send/write/sendmmsg/sendfile and
 * recvmsg/recv/read/recvmmsg with sizes of 0 to 70000 bytes and flags
 * valid and not, poll and epoll, shutdown, SIOCINQ/SIOCOUTQ/FIONBIO,
 * close, dup/dup2/dup3, getsockname, the unsupported calls, random
 * generic netlink requests (every command, dump and do, random
 * attributes and lengths), the "events" multicast group, the /proc files,
 * forked children that hold every descriptor and die in a dump, and
 * signals that interrupt waits.
 *
 * Bounded: the descriptors (pool and RLIMIT_NOFILE), the memory (fixed
 * buffers), the duration (-d, plus an alarm), and every call: descriptors
 * get a receive and send timeout of at most 500 ms before any thread can
 * see them and timeouts are only ever set to bounded values, joins wait
 * at most 1500 ms, netlink replies 200 ms.  A watchdog thread aborts,
 * after printing the thread's kernel stack, when a call has not returned
 * after -W seconds (default 10).
 *
 * It asserts only what must always hold:
 *  - a call that fails fails with an errno documented for it
 *    (Documentation/networking/lsgc.rst) or one the socket core adds
 *    (EBADF when another thread just closed the descriptor, EINTR, EMFILE
 *    at the limit); a request with one thing wrong fails with the errno of
 *    that thing; with -f (allocations fail on purpose) ENOMEM and ENOBUFS
 *    are allowed everywhere;
 *  - results are well-formed: an int option is 4 bytes, a state is one of
 *    the four, a view's length matches its member count, a record is no
 *    longer than the buffer unless MSG_TRUNC asked for its length, a view
 *    record and its LSGC_CMSG_VIEW agree, SO_ERROR is 0, ECONNRESET or
 *    EPROTO (or a non-blocking join's ETIMEDOUT, EADDRINUSE, EUSERS),
 *    getsockname gives our family in 24 bytes, netlink replies and
 *    events parse and carry known values, no SIGPIPE is raised;
 *  - no call blocks longer than the watchdog allows.
 * Anything else is logged (the first 100 of each kind) and fails the run.
 *
 * The seed is printed first.  Each thread draws from its own generator,
 * seeded from (seed, thread number), and no draw depends on a result, so
 * every thread's sequence of calls replays from the seed; their
 * interleaving, and so the kernel's answers, do not.
 *
 * Prints KTAP; exit 0 when every check held, 1 otherwise, 2 on a usage or
 * setup error; SIGABRT from the watchdog.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sockios.h>

#include <linux/lsgc.h>
#include <linux/lsgc_netlink.h>

#define MAX_THREADS	16
#define MAX_FDS		32
#define MAX_GROUPS	3
#define BUF_LEN		(70000 + 4096)
#define CBUF_LEN	(CMSG_SPACE(sizeof(struct lsgc_view_info) + \
				    1024 * sizeof(struct lsgc_member_info)) + 512)
#define NLBUF_LEN	65536
#define VIEW_MAX_LEN	(sizeof(struct lsgc_view_info) + \
			 1024 * sizeof(struct lsgc_member_info))
#define ERRNO_MAX	192	/* histogram slots; above: "other" */
#define LOG_MAX		100	/* lines per kind of complaint */
#define NOFD		(-1000)	/* a call without a pool descriptor */

/* ------------------------------------------------------------ options */

static struct {
	uint64_t seed;
	int seconds;
	int threads;
	const char *ifname;
	const char *tag;
	int groups;
	int port;
	int fds;
	int watchdog_s;
	int child_s;
	bool faults;
	bool verbose;
} o = {
	.seconds = 30,
	.threads = 4,
	.ifname = "eth0",
	.tag = "x",
	.groups = 3,
	.port = 7300,
	.fds = 12,
	.watchdog_s = 10,
	/* A LEAVE lingers up to SO_LINGER's time, which op_setsockopt()
	 * sets to at most 4 s; then a netlink dump.
	 */
	.child_s = 7,
};

static int family;			/* AF_LSGC in force */
static unsigned int if_index;		/* o.ifname's, or 0 */
static uint16_t nl_family;		/* "lsgc" generic netlink family */
static uint32_t nl_events_grp;		/* its "events" group, 0 if none */
static void *bad_ptr;			/* a PROT_NONE page: EFAULT */
static int memfd = -1;			/* sendfile's source */
static int proc_fd[2] = { -1, -1 };	/* /proc/net/lsgc/{stats,members} */
static pthread_mutex_t proc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mnl_socket *ev_nl;	/* subscribed to "events" */
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;

static volatile sig_atomic_t stop;
static volatile sig_atomic_t go;	/* every thread exists: signals are safe */
static volatile sig_atomic_t sigpipes;
static long long t_start;

/* ------------------------------------------------------------ randomness */

/* splitmix64: seeds each thread's xorshift64* from (seed, thread). */
static uint64_t splitmix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

/* True with probability pct/100. */
static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

static void rnd_fill(struct rng *r, void *p, size_t len)
{
	unsigned char *b = p;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = rnd(r);
		b[i] = v >> (8 * (i & 7));
	}
}

/* ------------------------------------------------------------ accounting */

enum op {
	OP_SOCKET, OP_JOIN, OP_JOIN_BAD, OP_LEAVE, OP_SETOPT, OP_GETOPT,
	OP_SEND, OP_RECV, OP_POLL, OP_EPOLL, OP_SHUTDOWN, OP_IOCTL, OP_CLOSE,
	OP_DUP, OP_GETNAME, OP_UNSUPP, OP_NETLINK, OP_EVENTS, OP_PROC,
	OP_FORK, OP_SIGNAL,
	OP_MAX
};

static const char *const op_name[OP_MAX] = {
	[OP_SOCKET] = "socket", [OP_JOIN] = "join", [OP_JOIN_BAD] = "join-bad",
	[OP_LEAVE] = "leave", [OP_SETOPT] = "setsockopt",
	[OP_GETOPT] = "getsockopt", [OP_SEND] = "send", [OP_RECV] = "recv",
	[OP_POLL] = "poll", [OP_EPOLL] = "epoll", [OP_SHUTDOWN] = "shutdown",
	[OP_IOCTL] = "ioctl", [OP_CLOSE] = "close", [OP_DUP] = "dup",
	[OP_GETNAME] = "getname", [OP_UNSUPP] = "unsupported",
	[OP_NETLINK] = "netlink", [OP_EVENTS] = "events", [OP_PROC] = "proc",
	[OP_FORK] = "fork", [OP_SIGNAL] = "signal",
};

/* Relative weights: the socket calls most, the costly ones (fork) least. */
static const unsigned int op_weight[OP_MAX] = {
	[OP_SOCKET] = 6, [OP_JOIN] = 8, [OP_JOIN_BAD] = 4, [OP_LEAVE] = 3,
	[OP_SETOPT] = 6, [OP_GETOPT] = 8, [OP_SEND] = 16, [OP_RECV] = 16,
	[OP_POLL] = 4, [OP_EPOLL] = 3, [OP_SHUTDOWN] = 1, [OP_IOCTL] = 3,
	[OP_CLOSE] = 4, [OP_DUP] = 3, [OP_GETNAME] = 2, [OP_UNSUPP] = 2,
	[OP_NETLINK] = 6, [OP_EVENTS] = 2, [OP_PROC] = 1, [OP_FORK] = 1,
	[OP_SIGNAL] = 1,
};

static unsigned long n_calls[OP_MAX];
static unsigned long n_errno[OP_MAX][ERRNO_MAX + 1];
static unsigned long n_unexpected, n_violations, n_logged_u, n_logged_v;

static void add(unsigned long *p, unsigned long v)
{
	__atomic_add_fetch(p, v, __ATOMIC_RELAXED);
}

/* One output line at a time, whatever the threads do. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void say(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "OK";

	return n ? n : "E?";
}

/* A set of errnos, as a bitmap; errnos above ERRNO_MAX are never in one. */
struct eset {
	uint64_t b[(ERRNO_MAX + 64) / 64];
};

static void eset_add(struct eset *s, int e)
{
	if (e >= 0 && e < ERRNO_MAX)
		s->b[e / 64] |= 1ULL << (e % 64);
}

static bool eset_has(const struct eset *s, int e)
{
	return e >= 0 && e < ERRNO_MAX && (s->b[e / 64] >> (e % 64)) & 1;
}

/* Build a set from a 0-terminated list. */
static struct eset eset_of(const int *l)
{
	struct eset s = { { 0 } };

	while (*l)
		eset_add(&s, *l++);
	return s;
}

#define ESET(...) eset_of((const int []){ __VA_ARGS__, 0 })

struct worker {
	int idx;
	pthread_t thr;
	pid_t tid;
	struct rng r;
	/* What it is doing, for the watchdog: 0 when between calls. */
	long long busy_since;
	const char *busy_what;
	int busy_fd;
	struct mnl_socket *nl;
	unsigned int nl_seq;
	int epfd;
	unsigned char *buf;	/* BUF_LEN */
	unsigned char *buf2;	/* BUF_LEN */
	unsigned char *cbuf;	/* CBUF_LEN */
	unsigned char *nlbuf;	/* NLBUF_LEN */
};

static struct worker workers[MAX_THREADS];

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Account a call's outcome: @ret < 0 means it failed with @err.  A
 * failure outside @ok (and the errnos every descriptor call may see) is
 * an unexpected errno.  Returns true if the call succeeded.
 */
static bool account(struct worker *w, enum op op, const char *what, int fd,
		    long ret, int err, const struct eset *ok)
{
	int slot = ret < 0 ? err : 0;

	add(&n_calls[op], 1);
	add(&n_errno[op][slot >= 0 && slot < ERRNO_MAX ? slot : ERRNO_MAX], 1);
	if (ret >= 0)
		return true;
	if (eset_has(ok, err))
		return false;
	/* The slot may be empty, or another thread just closed the
	 * descriptor; a signal may have interrupted the call; with -f any
	 * allocation may fail.
	 */
	if (fd != NOFD && err == EBADF)
		return false;
	if (err == EINTR)
		return false;
	if (o.faults && (err == ENOMEM || err == ENOBUFS))
		return false;
	add(&n_unexpected, 1);
	if (__atomic_add_fetch(&n_logged_u, 1, __ATOMIC_RELAXED) <= LOG_MAX)
		say("# unexpected: thread %d %s %s fd %d: %s (errno %d)\n",
		    w->idx, op_name[op], what, fd, ename(err), err);
	return false;
}

static void violation(struct worker *w, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	add(&n_violations, 1);
	if (__atomic_add_fetch(&n_logged_v, 1, __ATOMIC_RELAXED) > LOG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say("# violation: thread %d: %s\n", w ? w->idx : -1, line);
}

/* ------------------------------------------------------------ the pool */

/*
 * Slots hold descriptor numbers or -1.  A thread reads a slot and uses the
 * number without holding anything, so the number may have been closed (and
 * reused) meanwhile: that is the point.  Only numbers taken out of a slot
 * with an exchange are ever closed, and the process opens no descriptor
 * after startup other than AF_LSGC sockets, so a stale number is either
 * free (EBADF) or another AF_LSGC socket of the pool.
 */
static int pool[MAX_FDS];

static int pool_pick(struct worker *w)
{
	return __atomic_load_n(&pool[below(&w->r, o.fds)], __ATOMIC_RELAXED);
}

/* Put @fd in a free slot; false (the caller closes it) if none is free. */
static bool pool_put(struct worker *w, int fd)
{
	int i, start = below(&w->r, o.fds);

	for (i = 0; i < o.fds; i++) {
		int expect = -1;

		if (__atomic_compare_exchange_n(&pool[(start + i) % o.fds],
						&expect, fd, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	}
	return false;
}

static int pool_take(int slot)
{
	return __atomic_exchange_n(&pool[slot], -1, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------ helpers */

static void begin(struct worker *w, const char *what, int fd)
{
	w->busy_what = what;
	w->busy_fd = fd;
	__atomic_store_n(&w->busy_since, now_ms(), __ATOMIC_RELEASE);
}

static void end(struct worker *w)
{
	__atomic_store_n(&w->busy_since, 0, __ATOMIC_RELEASE);
}

/* A bounded timeout: 1 to 500 ms, never 0 (which means forever). */
static struct timeval short_tv(struct rng *r)
{
	unsigned int ms = 1 + below(r, 500);
	struct timeval tv = { .tv_sec = 0, .tv_usec = ms * 1000 };

	return tv;
}

/* Sizes of messages and buffers: 0 to 70000, most of them small. */
static size_t rnd_size(struct rng *r)
{
	switch (below(r, 20)) {
	case 0:
		return 0;
	case 1:
		return 65536 - below(r, 2);	/* the largest messages */
	case 2:
		return 65537 + below(r, 70000 - 65536);	/* too large */
	case 3: case 4: case 5: case 6: case 7:
		return 1 + below(r, 64);
	case 8: case 9: case 10: case 11: case 12:
		return 65 + below(r, 1500);
	default:
		return 1 + below(r, 65536);
	}
}

/* ------------------------------------------------------------ groups */

struct group {
	int family;
	const char *addr;
};

static const struct group groups[MAX_GROUPS] = {
	{ AF_INET, "239.77.0.1" },
	{ AF_INET, "239.77.0.2" },
	{ AF_INET6, "ff05::77:1" },
};

/*
 * A valid join request: one of the groups, one of a few identities (four
 * of this instance's, two shared by every instance, so that identities
 * collide across namespaces), by interface or by route, creating a
 * session a third of the time, waiting at most 1500 ms.
 */
static void join_req(struct worker *w, struct lsgc_join_req *req)
{
	const struct group *g = &groups[below(&w->r, o.groups)];
	unsigned int k = below(&w->r, 6);
	char id[LSGC_ID_LEN + 1];

	memset(req, 0, sizeof(*req));
	req->group.family = g->family;
	req->group.port = htons(o.port + (g - groups));
	inet_pton(g->family, g->addr, req->group.addr);
	req->group.ifindex = chance(&w->r, 50) ? if_index : 0;
	if (k < 4)
		snprintf(id, sizeof(id), "%s%u", o.tag, k);
	else
		snprintf(id, sizeof(id), "zz%u", k - 4);
	memcpy(req->id, id, strlen(id));
	req->flags = LSGC_JOIN_INSECURE;
	if (chance(&w->r, 33))
		req->flags |= LSGC_JOIN_CREATE;
	req->timeout_ms = chance(&w->r, 25) ? 0 : 50 + below(&w->r, 1450);
}

/* Every errno a join may end with (see "Joining" in lsgc.rst). */
static struct eset join_errs;

static void op_join(struct worker *w)
{
	struct lsgc_join_req req;
	int fd = pool_pick(w), r;

	join_req(w, &req);
	begin(w, "LSGC_JOIN", fd);
	r = setsockopt(fd, SOL_LSGC, LSGC_JOIN, &req, sizeof(req));
	end(w);
	account(w, OP_JOIN, "valid", fd, r, errno, &join_errs);
}

/*
 * A request with exactly one thing wrong fails, whatever the socket's
 * state, with the errno of that thing: the request is checked before the
 * socket is looked at.
 */
static void op_join_bad(struct worker *w)
{
	static const char *const kinds[] = {
		"short", "bad-flag", "reserved", "zero-id", "timeout",
		"port-0", "unicast", "v4-tail", "family", "ifindex",
		"secure", "key", "efault", "random",
	};
	struct lsgc_join_req req;
	unsigned int kind = below(&w->r, sizeof(kinds) / sizeof(kinds[0]));
	socklen_t len = sizeof(req);
	const void *p = &req;
	int fd = pool_pick(w), want = EINVAL, r, e;
	struct eset ok;

	join_req(w, &req);
	switch (kind) {
	case 0:
		len = below(&w->r, sizeof(req));
		break;
	case 1:
		req.flags |= 1U << (2 + below(&w->r, 30));
		break;
	case 2:
		req.reserved = 1 + below(&w->r, 1000);
		break;
	case 3:
		memset(req.id, 0, sizeof(req.id));
		break;
	case 4:
		req.timeout_ms = 600001 + below(&w->r, 1000000);
		break;
	case 5:
		req.group.port = 0;
		break;
	case 6:
		if (req.group.family == AF_INET)
			inet_pton(AF_INET, "10.99.0.1", req.group.addr);
		else
			inet_pton(AF_INET6, "fd00:99::1", req.group.addr);
		break;
	case 7:
		req.group.family = AF_INET;
		inet_pton(AF_INET, "239.77.0.1", req.group.addr);
		req.group.addr[4 + below(&w->r, 12)] = 1 + below(&w->r, 255);
		break;
	case 8:
		do
			req.group.family = below(&w->r, 65536);
		while (req.group.family == AF_INET ||
		       req.group.family == AF_INET6);
		want = EAFNOSUPPORT;
		break;
	case 9:
		req.group.ifindex = 100000 + below(&w->r, 1000000);
		want = ENODEV;
		break;
	case 10:
		req.flags &= ~LSGC_JOIN_INSECURE;
		want = ENOKEY;
		break;
	case 11:
		req.key = 1 + below(&w->r, 1000);
		break;
	case 12:
		p = bad_ptr;
		want = EFAULT;
		break;
	default:
		/* Random bytes, with a deadline that cannot hold us long in
		 * case they happen to make a valid request.
		 */
		rnd_fill(&w->r, &req, sizeof(req));
		if (req.timeout_ms <= 600000)
			req.timeout_ms %= 1500;
		want = 0;
		break;
	}
	begin(w, "LSGC_JOIN (bad)", fd);
	r = setsockopt(fd, SOL_LSGC, LSGC_JOIN, p, len);
	e = errno;
	end(w);
	if (want) {
		ok = ESET(want);
	} else {
		ok = join_errs;
	}
	if (r == 0 && want)
		violation(w, "LSGC_JOIN (%s) on fd %d succeeded, expected %s",
			  kinds[kind], fd, ename(want));
	account(w, OP_JOIN_BAD, kinds[kind], fd, r, e, &ok);
}

static void op_leave(struct worker *w)
{
	struct eset ok = ESET(ENOTCONN);
	int fd = pool_pick(w), r;

	begin(w, "LSGC_LEAVE", fd);
	r = setsockopt(fd, SOL_LSGC, LSGC_LEAVE, NULL, 0);
	end(w);
	account(w, OP_LEAVE, "", fd, r, errno, &ok);
}

/* ------------------------------------------------------------ socket */

/* Give a new socket bounded timeouts before any other thread sees it. */
static bool bound_timeouts(struct worker *w, int fd)
{
	struct timeval rt = short_tv(&w->r), st = short_tv(&w->r);

	return !setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof(rt)) &&
	       !setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &st, sizeof(st));
}

static void op_socket(struct worker *w)
{
	int type = chance(&w->r, 50) ? SOCK_SEQPACKET : SOCK_DGRAM;
	int proto = 0, fd, e;
	const char *what = "valid";
	struct eset ok = ESET(EMFILE, ENFILE, ENOMEM);

	if (chance(&w->r, 20))
		type |= SOCK_NONBLOCK;
	if (chance(&w->r, 20))
		type |= SOCK_CLOEXEC;
	switch (below(&w->r, 12)) {
	case 0:
		/* The protocol is checked first. */
		proto = 1 + below(&w->r, 300);
		what = "protocol";
		ok = ESET(EPROTONOSUPPORT);
		break;
	case 1: {
		static const int others[] = { SOCK_STREAM, SOCK_RAW, SOCK_RDM,
					      SOCK_DCCP, SOCK_PACKET };

		type = others[below(&w->r, 5)];
		what = "type";
		ok = ESET(ESOCKTNOSUPPORT);
		break;
	}
	case 2:
		/* The core refuses types it does not know. */
		type = 11 + below(&w->r, 100);
		what = "bad-type";
		ok = ESET(EINVAL);
		break;
	}
	begin(w, "socket", NOFD);
	fd = socket(family, type, proto);
	e = errno;
	end(w);
	account(w, OP_SOCKET, what, NOFD, fd, e, &ok);
	if (fd < 0)
		return;
	if (strcmp(what, "valid")) {
		violation(w, "socket(%d, %#x, %d) succeeded", family, type, proto);
		close(fd);
		return;
	}
	if (chance(&w->r, 20)) {
		int v = below(&w->r, 2);

		setsockopt(fd, SOL_LSGC, LSGC_RECV_OWN, &v, sizeof(v));
	}
	if (!bound_timeouts(w, fd) || !pool_put(w, fd))
		close(fd);
}

static void op_close(struct worker *w)
{
	int slot = below(&w->r, o.fds), fd = pool_take(slot), r, e;

	if (fd < 0)
		return;
	begin(w, "close", fd);
	r = close(fd);
	e = errno;
	end(w);
	/* Closing a socket cannot fail, and this number was ours alone. */
	if (r)
		violation(w, "close(%d): %s", fd, ename(e));
	account(w, OP_CLOSE, "", fd, r, e, &(struct eset){ { 0 } });
}

static void op_dup(struct worker *w)
{
	struct eset ok = ESET(EMFILE);
	int fd = pool_pick(w), nfd, r, e;
	const char *what;

	if (chance(&w->r, 60)) {
		what = chance(&w->r, 50) ? "dup" : "F_DUPFD_CLOEXEC";
		begin(w, what, fd);
		nfd = what[0] == 'd' ? dup(fd) : fcntl(fd, F_DUPFD_CLOEXEC, 3);
		e = errno;
		end(w);
		if (account(w, OP_DUP, what, fd, nfd, e, &ok) &&
		    !pool_put(w, nfd))
			close(nfd);
		return;
	}
	/* dup2/dup3 over a number taken out of its slot, so nobody else
	 * closes it meanwhile; it goes back in with the other socket.
	 */
	{
		int slot = below(&w->r, o.fds), old = pool_take(slot);

		if (old < 0)
			return;
		what = chance(&w->r, 50) ? "dup2" : "dup3";
		begin(w, what, fd);
		if (what[3] == '2')
			r = dup2(fd, old);
		else
			r = dup3(fd, old, O_CLOEXEC);
		e = errno;
		end(w);
		/* dup3 of a number onto itself is EINVAL. */
		if (fd == old)
			ok = ESET(EINVAL);
		account(w, OP_DUP, what, fd, r, e, &ok);
		if (!pool_put(w, old))
			close(old);
	}
}

/* ------------------------------------------------------------ options */

static void op_setopt(struct worker *w)
{
	int fd = pool_pick(w), level = SOL_LSGC, name, r, e, v;
	socklen_t len = sizeof(int);
	struct eset ok = ESET(EINVAL, EFAULT);
	const char *what;
	struct linger lg;
	struct timeval tv;
	const void *p = &v;

	v = rnd(&w->r);
	switch (below(&w->r, 10)) {
	case 0:
		what = "LSGC_RECV_OWN";
		name = LSGC_RECV_OWN;
		len = below(&w->r, 8);
		ok = ESET(EINVAL);
		break;
	case 1: {
		/* Read-only options and unknown ones. */
		static const int ro[] = { LSGC_VIEW, LSGC_GROUP,
					  LSGC_MAX_DGRAM, LSGC_STATE, 0, 8,
					  1000, -1 };

		what = "lsgc-readonly";
		name = ro[below(&w->r, 8)];
		len = below(&w->r, 64);
		p = w->buf2;
		ok = ESET(ENOPROTOOPT);
		break;
	}
	case 2: case 3:
		what = chance(&w->r, 50) ? "SO_RCVBUF" : "SO_SNDBUF";
		level = SOL_SOCKET;
		name = what[3] == 'R' ? SO_RCVBUF : SO_SNDBUF;
		v = below(&w->r, 4) ? (int)below(&w->r, 1 << 21) : (int)rnd(&w->r);
		len = chance(&w->r, 10) ? below(&w->r, 4) : sizeof(int);
		ok = ESET(EINVAL);
		break;
	case 4: case 5:
		what = chance(&w->r, 50) ? "SO_RCVTIMEO" : "SO_SNDTIMEO";
		level = SOL_SOCKET;
		name = what[3] == 'R' ? SO_RCVTIMEO : SO_SNDTIMEO;
		tv = short_tv(&w->r);
		p = &tv;
		len = sizeof(tv);
		ok = ESET(EINVAL, EDOM);
		switch (below(&w->r, 6)) {
		case 0:
			tv.tv_usec = 1000000 + below(&w->r, 1000);	/* EDOM */
			break;
		case 1:
			tv.tv_usec = -1;	/* EDOM */
			break;
		case 2:
			tv.tv_sec = -1;		/* a zero timeout: non-blocking */
			break;
		case 3:
			len = below(&w->r, sizeof(tv));		/* EINVAL */
			break;
		}
		break;
	case 6:
		what = "SO_LINGER";
		level = SOL_SOCKET;
		name = SO_LINGER;
		lg.l_onoff = below(&w->r, 2);
		lg.l_linger = below(&w->r, 5);
		p = &lg;
		len = chance(&w->r, 10) ? below(&w->r, sizeof(lg)) : sizeof(lg);
		ok = ESET(EINVAL);
		break;
	case 7:
		/* Other levels reach the family, which knows only its own. */
		what = "other-level";
		level = chance(&w->r, 50) ? SOL_IP : (int)below(&w->r, 400);
		if (level == SOL_SOCKET || level == SOL_LSGC)
			level = SOL_IP;
		name = below(&w->r, 100);
		len = below(&w->r, 64);
		p = w->buf2;
		ok = ESET(ENOPROTOOPT);
		break;
	case 8:
		what = "efault";
		name = LSGC_RECV_OWN;
		p = bad_ptr;
		ok = ESET(EFAULT);
		break;
	default:
		what = "LSGC_RECV_OWN";
		name = LSGC_RECV_OWN;
		v = below(&w->r, 2);
		ok = ESET(EINVAL);
		break;
	}
	begin(w, what, fd);
	r = setsockopt(fd, level, name, len ? p : NULL, len);
	e = errno;
	end(w);
	account(w, OP_SETOPT, what, fd, r, e, &ok);
}

/* A view, as LSGC_VIEW and view records give it: lengths and order. */
static bool view_ok(const unsigned char *b, size_t len, size_t full,
		    char *why, size_t whylen)
{
	const struct lsgc_view_info *vi = (const void *)b;
	const struct lsgc_member_info *mi = (const void *)(vi + 1);
	bool leader = false;
	__u32 i, n;

	if (len < sizeof(*vi)) {
		snprintf(why, whylen, "%zu bytes, less than the header", len);
		return false;
	}
	n = vi->n_members;
	if (n < 1 || n > 1024 || full != sizeof(*vi) + n * sizeof(*mi)) {
		snprintf(why, whylen, "%u members in %zu bytes", n, full);
		return false;
	}
	if (len < full)
		return true;	/* only the header was asked for */
	for (i = 0; i < n; i++) {
		if (i && mi[i].member <= mi[i - 1].member) {
			snprintf(why, whylen, "members not sorted at %u", i);
			return false;
		}
		if (mi[i].member == vi->leader)
			leader = true;
	}
	if (!leader) {
		snprintf(why, whylen, "leader %u not a member", vi->leader);
		return false;
	}
	return true;
}

static void op_getopt(struct worker *w)
{
	static const int lens[] = { -1, 0, 1, 3, 4, 5, 31, 32, 33, 55, 56,
				    57, 100, 4096, VIEW_MAX_LEN };
	int fd = pool_pick(w), level = SOL_LSGC, name, r, e, ilen;
	struct eset ok = ESET(EINVAL, EFAULT, ENOTCONN, ENOMEM, ENOPROTOOPT);
	socklen_t len;
	void *p = w->buf2;
	socklen_t *lp = &len;
	const char *what;
	char why[128];

	switch (below(&w->r, 12)) {
	case 0: what = "LSGC_RECV_OWN"; name = LSGC_RECV_OWN; break;
	case 1: case 2: what = "LSGC_VIEW"; name = LSGC_VIEW; break;
	case 3: what = "LSGC_GROUP"; name = LSGC_GROUP; break;
	case 4: what = "LSGC_MAX_DGRAM"; name = LSGC_MAX_DGRAM; break;
	case 5: what = "LSGC_STATE"; name = LSGC_STATE; break;
	case 6: {
		static const int wo[] = { LSGC_JOIN, LSGC_LEAVE, 0, 8, 77, -5 };

		what = "lsgc-writeonly";
		name = wo[below(&w->r, 6)];
		ok = ESET(ENOPROTOOPT, EINVAL, EFAULT);
		break;
	}
	case 7: case 8: {
		static const int so[] = { SO_TYPE, SO_DOMAIN, SO_PROTOCOL,
					  SO_ERROR, SO_RCVBUF, SO_SNDBUF,
					  SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER,
					  SO_ACCEPTCONN, SO_MEMINFO,
					  SO_COOKIE, SO_PEERCRED };

		what = "SOL_SOCKET";
		level = SOL_SOCKET;
		name = so[below(&w->r, sizeof(so) / sizeof(so[0]))];
		ok = ESET(EINVAL, EFAULT, ENOPROTOOPT);
		break;
	}
	case 9:
		what = "efault";
		name = LSGC_STATE + below(&w->r, 2) * (LSGC_VIEW - LSGC_STATE);
		if (chance(&w->r, 50))
			p = bad_ptr;
		else
			lp = bad_ptr;
		ok = ESET(EFAULT, EINVAL, ENOTCONN, ENOMEM);
		break;
	default:
		what = "lsgc-any";
		name = 1 + below(&w->r, LSGC_STATE);
		break;
	}
	ilen = chance(&w->r, 70) ? lens[below(&w->r, 15)] :
				   (int)below(&w->r, VIEW_MAX_LEN);
	len = ilen;
	begin(w, what, fd);
	r = getsockopt(fd, level, name, p, lp);
	e = errno;
	end(w);
	if (!account(w, OP_GETOPT, what, fd, r, e, &ok) || lp != &len)
		return;
	if (p == bad_ptr) {
		violation(w, "getsockopt(%d, %d) into a bad pointer succeeded",
			  level, name);
		return;
	}
	if (ilen < 0) {
		violation(w, "getsockopt(%d, %d) with optlen %d succeeded",
			  level, name, ilen);
		return;
	}
	if (level == SOL_SOCKET) {
		int v;

		memcpy(&v, p, sizeof(v));
		if (name == SO_DOMAIN && len == 4 && v != family)
			violation(w, "SO_DOMAIN %d on fd %d", v, fd);
		/* A failed membership, or the failure of a non-blocking
		 * join: no leader answered, or the leader refused.
		 */
		if (name == SO_ERROR && len == 4 && v && v != ECONNRESET &&
		    v != EPROTO && v != ETIMEDOUT && v != EADDRINUSE &&
		    v != EUSERS)
			violation(w, "SO_ERROR %s on fd %d", ename(v), fd);
		return;
	}
	switch (name) {
	case LSGC_RECV_OWN:
	case LSGC_STATE:
	case LSGC_MAX_DGRAM: {
		int v;

		if (len != sizeof(int)) {
			violation(w, "%s: optlen %u after success", what, len);
			break;
		}
		memcpy(&v, p, sizeof(v));
		if ((name == LSGC_RECV_OWN && v != 0 && v != 1) ||
		    (name == LSGC_STATE && (v < 0 || v > LSGC_STATE_FAILED)) ||
		    (name == LSGC_MAX_DGRAM && (v <= 0 || v > 65535)))
			violation(w, "%s is %d", what, v);
		break;
	}
	case LSGC_GROUP:
		if (len != sizeof(struct lsgc_join_req))
			violation(w, "LSGC_GROUP: optlen %u", len);
		break;
	case LSGC_VIEW:
		if (!view_ok(p, ilen < (int)len ? (size_t)ilen : len, len, why,
			     sizeof(why)))
			violation(w, "LSGC_VIEW (optlen %d) on fd %d: %s", ilen,
				  fd, why);
		break;
	}
}

/* ------------------------------------------------------------ send */

static struct eset send_errs;

static void op_send(struct worker *w)
{
	size_t len = rnd_size(&w->r), total;
	int fd = pool_pick(w), flags, method, e, i;
	struct iovec iov[3];
	struct msghdr mh = { .msg_iov = iov };
	struct sockaddr_lsgc to = { .slsgc_family = family };
	struct eset ok = send_errs;
	const char *what;
	bool garbage = false, fault = false;
	ssize_t r;

	/* Mostly non-blocking; blocking calls wait at most SO_SNDTIMEO. */
	switch (below(&w->r, 20)) {
	case 0: case 1: case 2:
		flags = chance(&w->r, 50) ? MSG_NOSIGNAL : 0;
		break;
	case 3: case 4: {
		static const int bad[] = { MSG_OOB, MSG_PEEK, MSG_MORE,
					   MSG_CONFIRM, MSG_TRUNC,
					   MSG_WAITALL, MSG_ZEROCOPY };

		flags = MSG_DONTWAIT | bad[below(&w->r, 7)];
		garbage = true;
		break;
	}
	default:
		flags = MSG_DONTWAIT;
		if (chance(&w->r, 20))
			flags |= MSG_NOSIGNAL;
		if (chance(&w->r, 20))
			flags |= MSG_EOR;
		break;
	}
	rnd_fill(&w->r, w->buf, len < 256 ? len : 256);
	iov[0].iov_base = w->buf;
	iov[0].iov_len = len;
	mh.msg_iovlen = 1;
	total = len;
	method = below(&w->r, 12);
	if (chance(&w->r, 4) && len) {
		/* The bytes cannot be read: EFAULT, possibly mid-message. */
		iov[0].iov_len = below(&w->r, len);
		iov[1].iov_base = bad_ptr;
		iov[1].iov_len = len - iov[0].iov_len;
		mh.msg_iovlen = 2;
		fault = true;
		method = 4;
	}
	switch (method) {
	case 0: case 1:
		what = "send";
		begin(w, what, fd);
		r = send(fd, w->buf, len, flags);
		break;
	case 2:
		what = "sendto";
		begin(w, what, fd);
		r = sendto(fd, w->buf, len, flags, (struct sockaddr *)&to,
			   sizeof(to));
		/* A destination is refused, unless something before it is. */
		break;
	case 3:
		what = "write";
		if (garbage)
			garbage = false;	/* write() has no flags */
		begin(w, what, fd);
		r = write(fd, w->buf, len);
		break;
	case 4: case 5: case 6: case 7:
		what = "sendmsg";
		if (!fault && len > 2 && chance(&w->r, 30)) {
			/* The same bytes in three pieces. */
			size_t a = below(&w->r, len), b = below(&w->r, len - a);

			iov[0].iov_len = a;
			iov[1].iov_base = w->buf + a;
			iov[1].iov_len = b;
			iov[2].iov_base = w->buf + a + b;
			iov[2].iov_len = len - a - b;
			mh.msg_iovlen = 3;
		}
		if (chance(&w->r, 10)) {
			/* Control messages are ignored. */
			struct cmsghdr *c = (struct cmsghdr *)w->cbuf;

			c->cmsg_len = CMSG_LEN(8);
			c->cmsg_level = SOL_LSGC;
			c->cmsg_type = 1 + below(&w->r, 4);
			mh.msg_control = w->cbuf;
			mh.msg_controllen = CMSG_SPACE(8);
		}
		begin(w, what, fd);
		r = sendmsg(fd, &mh, flags);
		break;
	case 8: {
		struct mmsghdr mm[2];

		what = "sendmmsg";
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < 2; i++) {
			mm[i].msg_hdr.msg_iov = iov;
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		begin(w, what, fd);
		r = sendmmsg(fd, mm, 2, flags);
		e = errno;
		end(w);
		account(w, OP_SEND, what, fd, r, e, &ok);
		if (r > 0 && garbage)
			violation(w, "sendmmsg with flags %#x sent %zd", flags, r);
		if (r > 0 && (mm[0].msg_len != len ||
			      (r > 1 && mm[1].msg_len != len)))
			violation(w, "sendmmsg of %zu bytes: msg_len %u, %u", len,
				  mm[0].msg_len, mm[1].msg_len);
		return;
	}
	case 9: {
		off_t off = 0;

		what = "sendfile";
		garbage = false;
		len = total = len > 70000 ? 70000 : len;
		begin(w, what, fd);
		r = sendfile(fd, memfd, &off, len);
		e = errno;
		end(w);
		/* The page-by-page path passes its own flags: EOPNOTSUPP for
		 * MSG_MORE on all but the last page is an answer too.
		 */
		ok = send_errs;
		eset_add(&ok, EOPNOTSUPP);
		eset_add(&ok, EINVAL);
		account(w, OP_SEND, what, fd, r, e, &ok);
		if (r > (ssize_t)len)
			violation(w, "sendfile of %zu returned %zd", len, r);
		return;
	}
	default:
		what = "sendto-null";
		begin(w, what, fd);
		r = sendto(fd, w->buf, len, flags, NULL, 0);
		break;
	}
	e = errno;
	end(w);
	if (garbage)
		ok = ESET(EOPNOTSUPP);
	account(w, OP_SEND, what, fd, r, e, &ok);
	if (r < 0)
		return;
	if (garbage)
		violation(w, "%s with flags %#x succeeded", what, flags);
	else if (fault)
		violation(w, "%s from an unreadable buffer succeeded (%zd)", what, r);
	else if (method == 2)
		violation(w, "sendto with a destination succeeded");
	else if ((size_t)r != total)
		violation(w, "%s of %zu bytes returned %zd", what, total, r);
}

/* ------------------------------------------------------------ recv */

static struct eset recv_errs;

/* A received record: lengths, truncation, view records and cmsgs. */
static void check_record(struct worker *w, const char *what, int fd,
			 ssize_t n, size_t buflen, int flags,
			 const struct msghdr *mh)
{
	const struct cmsghdr *c, *vc = NULL;
	int nseq = 0, nview = 0;
	char why[128];

	if (!(flags & MSG_TRUNC) && (size_t)n > buflen)
		violation(w, "%s: %zd bytes into %zu", what, n, buflen);
	if (n > (ssize_t)VIEW_MAX_LEN && n > LSGC_MAX_MSG)
		violation(w, "%s: a record of %zd bytes", what, n);
	if ((flags & MSG_TRUNC) && mh &&
	    !!(mh->msg_flags & MSG_TRUNC) != ((size_t)n > buflen))
		violation(w, "%s: record of %zd bytes into %zu, msg_flags %#x",
			  what, n, buflen, mh->msg_flags);
	/* The end of the stream after shutdown(SHUT_RD) is no record. */
	if (!mh || (!n && mh->msg_name && !mh->msg_namelen))
		return;
	if (mh->msg_name && mh->msg_namelen != sizeof(struct sockaddr_lsgc))
		violation(w, "%s: msg_namelen %u", what, mh->msg_namelen);
	if (mh->msg_name) {
		struct sockaddr_lsgc sa;

		memcpy(&sa, mh->msg_name, sizeof(sa));
		if (sa.slsgc_family != family || sa.slsgc_reserved)
			violation(w, "%s: msg_name family %u reserved %u", what,
				  sa.slsgc_family, sa.slsgc_reserved);
	}
	if (mh->msg_flags & MSG_CTRUNC)
		return;
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh,
						      (struct cmsghdr *)c)) {
		if (c->cmsg_level != SOL_LSGC) {
			violation(w, "%s: cmsg level %d", what, c->cmsg_level);
			continue;
		}
		switch (c->cmsg_type) {
		case LSGC_CMSG_SEQ:
		case LSGC_CMSG_VIEW_ID:
			if (c->cmsg_len != CMSG_LEN(sizeof(__u64)))
				violation(w, "%s: cmsg %d of %zu bytes", what,
					  c->cmsg_type, (size_t)c->cmsg_len);
			if (c->cmsg_type == LSGC_CMSG_SEQ)
				nseq++;
			else
				nview++;
			break;
		case LSGC_CMSG_VIEW:
			vc = c;
			break;
		default:
			violation(w, "%s: cmsg type %d", what, c->cmsg_type);
		}
	}
	if (nseq != nview || nseq > 1)
		violation(w, "%s: %d LSGC_CMSG_SEQ, %d LSGC_CMSG_VIEW_ID", what,
			  nseq, nview);
	if (vc && !(mh->msg_flags & MSG_OOB))
		violation(w, "%s: LSGC_CMSG_VIEW on a data record", what);
	if (!(mh->msg_flags & MSG_OOB) || (mh->msg_flags & MSG_TRUNC) ||
	    (flags & MSG_TRUNC && (size_t)n > buflen))
		return;
	/* A whole view record: well-formed, and its cmsg copy agrees. */
	if (!view_ok(mh->msg_iov[0].iov_base, n, n, why, sizeof(why)))
		violation(w, "%s: view record on fd %d: %s", what, fd, why);
	else if (vc && (vc->cmsg_len != CMSG_LEN(n) ||
			memcmp(CMSG_DATA(vc), mh->msg_iov[0].iov_base, n)))
		violation(w, "%s: LSGC_CMSG_VIEW differs from the view record",
			  what);
}

static void op_recv(struct worker *w)
{
	static const size_t namelens[] = { 0, 4, 24, 128 };
	static const size_t clens[] = { 0, 16, 64, 4096, CBUF_LEN };
	size_t len = rnd_size(&w->r);
	int fd = pool_pick(w), flags = 0, e, method;
	struct sockaddr_storage name;
	struct iovec iov = { .iov_base = w->buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct eset ok = recv_errs;
	bool garbage = false, fault = false;
	socklen_t namelen = 0;
	const char *what;
	ssize_t r;

	if (!chance(&w->r, 10))
		flags |= MSG_DONTWAIT;	/* else: at most SO_RCVTIMEO */
	if (chance(&w->r, 20))
		flags |= MSG_PEEK;
	if (chance(&w->r, 20))
		flags |= MSG_TRUNC;
	if (chance(&w->r, 5))
		flags |= MSG_WAITALL;
	if (chance(&w->r, 5))
		flags |= MSG_CMSG_CLOEXEC;
	if (chance(&w->r, 5))
		flags |= MSG_NOSIGNAL;
	if (chance(&w->r, 7)) {
		static const int bad[] = { MSG_OOB, MSG_ERRQUEUE, MSG_MORE,
					   MSG_EOR, MSG_CONFIRM, MSG_FASTOPEN };

		flags |= MSG_DONTWAIT | bad[below(&w->r, 6)];
		garbage = true;
	}
	if (chance(&w->r, 3) && len) {
		iov.iov_base = bad_ptr;
		iov.iov_len = len < 4096 ? len : 4096;
		fault = true;
	}
	method = below(&w->r, 10);
	switch (method) {
	case 0:
		what = "recv";
		begin(w, what, fd);
		r = recv(fd, iov.iov_base, iov.iov_len, flags);
		e = errno;
		end(w);
		break;
	case 1:
		what = "read";
		flags = 0;
		garbage = false;
		begin(w, what, fd);
		r = read(fd, iov.iov_base, iov.iov_len);
		e = errno;
		end(w);
		break;
	case 2: {
		struct mmsghdr mm[2];
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		struct iovec iov2 = { w->buf2, BUF_LEN };
		int i;

		what = "recvmmsg";
		memset(mm, 0, sizeof(mm));
		mm[0].msg_hdr.msg_iov = &iov;
		mm[1].msg_hdr.msg_iov = &iov2;
		for (i = 0; i < 2; i++)
			mm[i].msg_hdr.msg_iovlen = 1;
		flags |= MSG_DONTWAIT;
		begin(w, what, fd);
		r = recvmmsg(fd, mm, 2, flags, &ts);
		e = errno;
		end(w);
		if (garbage)
			ok = ESET(EOPNOTSUPP);
		if (fault)
			eset_add(&ok, EFAULT);
		/* recvmmsg() returns (and clears) the socket's pending error
		 * before it looks at the flags: a failed membership's, or
		 * that of a non-blocking join that failed (no leader, or
		 * refused).
		 */
		eset_add(&ok, ECONNRESET);
		eset_add(&ok, EPROTO);
		eset_add(&ok, ETIMEDOUT);
		eset_add(&ok, EADDRINUSE);
		eset_add(&ok, EUSERS);
		account(w, OP_RECV, what, fd, r, e, &ok);
		if (r > 0 && garbage)
			violation(w, "recvmmsg with flags %#x: %zd", flags, r);
		for (i = 0; i < r && i < 2; i++)
			check_record(w, what, fd, mm[i].msg_len,
				     mm[i].msg_hdr.msg_iov[0].iov_len, flags,
				     &mm[i].msg_hdr);
		return;
	}
	default:
		what = "recvmsg";
		if (chance(&w->r, 70)) {
			mh.msg_name = &name;
			mh.msg_namelen = namelens[below(&w->r, 4)];
			if (!mh.msg_namelen)
				mh.msg_name = NULL;
			namelen = mh.msg_namelen;
		}
		mh.msg_controllen = clens[below(&w->r, 5)];
		if (mh.msg_controllen)
			mh.msg_control = w->cbuf;
		if (chance(&w->r, 2) && mh.msg_controllen) {
			mh.msg_control = bad_ptr;
			mh.msg_controllen = 64;
			fault = true;
		}
		begin(w, what, fd);
		r = recvmsg(fd, &mh, flags);
		e = errno;
		end(w);
		break;
	}
	if (garbage)
		ok = ESET(EOPNOTSUPP);
	else if (fault)
		eset_add(&ok, EFAULT);
	account(w, OP_RECV, what, fd, r, e, &ok);
	if (r < 0)
		return;
	if (garbage) {
		violation(w, "%s with flags %#x returned %zd", what, flags, r);
		return;
	}
	if (fault)
		return;	/* the control buffer may have been refused quietly */
	/* A name buffer shorter than the address holds only its start. */
	check_record(w, what, fd, r, iov.iov_len, flags,
		     method >= 3 && !(mh.msg_name && namelen < 24) ? &mh : NULL);
}

/* ------------------------------------------------------------ poll */

static void op_poll(struct worker *w)
{
	struct pollfd p[4];
	int n = 1 + below(&w->r, 4), i, r, e;
	short any = POLLIN | POLLOUT | POLLPRI | POLLRDHUP | POLLRDNORM |
		    POLLWRNORM;

	for (i = 0; i < n; i++) {
		p[i].fd = pool_pick(w);
		p[i].events = rnd(&w->r) & any;
		p[i].revents = 0;
	}
	begin(w, "poll", p[0].fd);
	r = poll(p, n, below(&w->r, 50));
	e = errno;
	end(w);
	account(w, OP_POLL, "poll", NOFD, r, e, &(struct eset){ { 0 } });
	for (i = 0; r > 0 && i < n; i++)
		if (p[i].revents & ~(p[i].events | POLLERR | POLLHUP | POLLNVAL))
			violation(w, "poll: fd %d events %#x revents %#x",
				  p[i].fd, p[i].events, p[i].revents);
}

/*
 * epoll: descriptors join this thread's epoll set and are often closed
 * while in it, which the socket's release must survive.
 */
static void op_epoll(struct worker *w)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP },
			   out[8];
	int fd = pool_pick(w), r, e;
	struct eset ok;

	if (chance(&w->r, 30))
		ev.events |= EPOLLET;
	if (chance(&w->r, 10))
		ev.events |= EPOLLONESHOT;
	switch (below(&w->r, 4)) {
	case 0:
		ok = ESET(ENOENT);
		begin(w, "epoll_ctl DEL", fd);
		r = epoll_ctl(w->epfd, EPOLL_CTL_DEL, fd, NULL);
		e = errno;
		end(w);
		account(w, OP_EPOLL, "del", fd, r, e, &ok);
		return;
	case 1:
		ok = ESET(ENOENT);
		begin(w, "epoll_ctl MOD", fd);
		r = epoll_ctl(w->epfd, EPOLL_CTL_MOD, fd, &ev);
		e = errno;
		end(w);
		account(w, OP_EPOLL, "mod", fd, r, e, &ok);
		return;
	case 2:
		ok = ESET(EEXIST, ENOSPC);
		begin(w, "epoll_ctl ADD", fd);
		r = epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev);
		e = errno;
		end(w);
		account(w, OP_EPOLL, "add", fd, r, e, &ok);
		return;
	}
	begin(w, "epoll_wait", NOFD);
	r = epoll_wait(w->epfd, out, 8, below(&w->r, 30));
	e = errno;
	end(w);
	account(w, OP_EPOLL, "wait", NOFD, r, e, &(struct eset){ { 0 } });
}

/* ------------------------------------------------------------ misc calls */

static void op_shutdown(struct worker *w)
{
	static const int bad[] = { -1, 3, 4, 7, 100, -100 };
	int fd = pool_pick(w), how, r, e;
	bool valid = chance(&w->r, 70);
	struct eset ok = { { 0 } };

	how = valid ? (int)below(&w->r, 3) : bad[below(&w->r, 6)];
	if (!valid)
		ok = ESET(EINVAL);
	begin(w, "shutdown", fd);
	r = shutdown(fd, how);
	e = errno;
	end(w);
	account(w, OP_SHUTDOWN, valid ? "valid" : "bad-how", fd, r, e, &ok);
	if (!r && !valid)
		violation(w, "shutdown(%d, %d) succeeded", fd, how);
}

static void op_ioctl(struct worker *w)
{
	int fd = pool_pick(w), v = 0, r, e, which = below(&w->r, 10);
	unsigned long cmd;
	void *arg = &v;
	const char *what;
	struct eset ok = { { 0 } };
	struct ifreq ifr;

	switch (which) {
	case 0: case 1: case 2:
		what = "SIOCINQ";
		cmd = SIOCINQ;
		break;
	case 3: case 4:
		what = "SIOCOUTQ";
		cmd = SIOCOUTQ;
		break;
	case 5:
		/* Turns blocking calls on or off; they stay bounded. */
		what = "FIONBIO";
		cmd = FIONBIO;
		v = below(&w->r, 2);
		break;
	case 6:
		what = "efault";
		cmd = chance(&w->r, 50) ? SIOCINQ : SIOCOUTQ;
		arg = bad_ptr;
		ok = ESET(EFAULT);
		break;
	case 7:
		/* A read-only device ioctl of a name that does not exist. */
		what = "SIOCGIFINDEX";
		cmd = SIOCGIFINDEX;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "nosuch%u",
			 below(&w->r, 100));
		arg = &ifr;
		ok = ESET(ENODEV);
		break;
	default: {
		/* Of an ioctl type nobody uses, so that neither the VFS nor
		 * the socket and device layers act on it: the family's
		 * "not mine" must come out as ENOTTY, never as ENOIOCTLCMD.
		 */
		static const unsigned char types[] = { 0xb7, 0xc5, 0xd3, 0xe1 };

		what = "other";
		cmd = _IOC(below(&w->r, 4), types[below(&w->r, 4)],
			   below(&w->r, 256), below(&w->r, 64));
		ok = ESET(ENOTTY);
		break;
	}
	}
	begin(w, what, fd);
	r = ioctl(fd, cmd, arg);
	e = errno;
	end(w);
	if (!account(w, OP_IOCTL, what, fd, r, e, &ok))
		return;
	/* SIOCINQ: the next record; SIOCOUTQ: the send buffer in use, at
	 * most twice net.core.wmem_max plus a message forced in past it.
	 */
	if (which < 3 && (v < 0 || v > (int)VIEW_MAX_LEN + LSGC_MAX_MSG))
		violation(w, "%s is %d on fd %d", what, v, fd);
	if ((which == 3 || which == 4) && (v < 0 || v > 8 << 20))
		violation(w, "%s is %d on fd %d", what, v, fd);
	if (which == 6 || which == 7)
		violation(w, "ioctl %s succeeded", what);
}

static void op_getname(struct worker *w)
{
	static const socklen_t lens[] = { 0, 2, 8, 24, 128 };
	struct sockaddr_storage ss;
	struct sockaddr_lsgc sa;
	socklen_t len = lens[below(&w->r, 5)], given = len;
	int fd = pool_pick(w), r, e;
	bool peer = chance(&w->r, 30);

	memset(&ss, 0, sizeof(ss));
	begin(w, peer ? "getpeername" : "getsockname", fd);
	r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
		   getsockname(fd, (struct sockaddr *)&ss, &len);
	e = errno;
	end(w);
	if (peer) {
		struct eset ok = ESET(ENOTCONN);

		account(w, OP_GETNAME, "peer", fd, r, e, &ok);
		if (!r)
			violation(w, "getpeername on fd %d succeeded", fd);
		return;
	}
	if (!account(w, OP_GETNAME, "sock", fd, r, e, &(struct eset){ { 0 } }))
		return;
	memcpy(&sa, &ss, sizeof(sa));
	if (len != sizeof(sa))
		violation(w, "getsockname: length %u", len);
	else if (given >= 2 && sa.slsgc_family != family)
		violation(w, "getsockname: family %u", sa.slsgc_family);
	else if (given >= sizeof(sa) && sa.slsgc_reserved)
		violation(w, "getsockname: reserved %u", sa.slsgc_reserved);
}

/*
 * The calls the family does not support.  Documented as EOPNOTSUPP;
 * mmap() goes through the core's sock_no_mmap(), which answers ENODEV.
 */
static void op_unsupp(struct worker *w)
{
	struct sockaddr_lsgc sa = { .slsgc_family = family };
	struct eset ok = ESET(EOPNOTSUPP);
	int fd = pool_pick(w), r, e, sv[2] = { -1, -1 };
	const char *what;
	void *m;

	switch (below(&w->r, 7)) {
	case 0:
		what = "bind";
		begin(w, what, fd);
		r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
		break;
	case 1:
		what = "connect";
		begin(w, what, fd);
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		break;
	case 2:
		what = "listen";
		begin(w, what, fd);
		r = listen(fd, below(&w->r, 10));
		break;
	case 3:
		/* The core makes a socket of our type for the new connection
		 * and releases it when accept fails: release without sk.
		 */
		what = "accept4";
		begin(w, what, fd);
		r = accept4(fd, NULL, NULL, chance(&w->r, 50) ? SOCK_NONBLOCK : 0);
		if (r >= 0) {
			close(r);
			r = 0;
			violation(w, "accept4 on fd %d succeeded", fd);
		}
		break;
	case 4:
		what = "socketpair";
		fd = NOFD;
		begin(w, what, fd);
		r = socketpair(family, chance(&w->r, 50) ? SOCK_SEQPACKET :
			       SOCK_DGRAM, 0, sv);
		if (r == 0) {
			violation(w, "socketpair succeeded");
			close(sv[0]);
			close(sv[1]);
		}
		ok = ESET(EOPNOTSUPP, EMFILE);
		break;
	case 5:
		what = "mmap";
		begin(w, what, fd);
		m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		r = m == MAP_FAILED ? -1 : 0;
		if (m != MAP_FAILED) {
			violation(w, "mmap of fd %d succeeded", fd);
			munmap(m, 4096);
		}
		ok = ESET(ENODEV);
		break;
	default:
		what = "getsockopt-big";
		{
			/* The core's own option path with a huge length. */
			int v;
			socklen_t l = 1 << 30;

			begin(w, what, fd);
			r = getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l);
			ok = ESET(EINVAL);
			if (!r && (l != 4 || (v != SOCK_SEQPACKET &&
					      v != SOCK_DGRAM)))
				violation(w, "SO_TYPE %d (len %u)", v, l);
		}
		break;
	}
	e = errno;
	end(w);
	account(w, OP_UNSUPP, what, fd, r, e, &ok);
	if (!r && strcmp(what, "getsockopt-big") && strcmp(what, "accept4") &&
	    strcmp(what, "socketpair") && strcmp(what, "mmap"))
		violation(w, "%s on fd %d succeeded", what, fd);
}

/* ------------------------------------------------------------ netlink */

/* Attribute lengths a reply may carry; -1 any, -2 nested, -3 string. */
static const int a_len[LSGC_A_MAX + 1] = {
	[LSGC_A_PAD] = -1, [LSGC_A_FAMILY] = 2, [LSGC_A_ADDR] = -1,
	[LSGC_A_PORT] = 2, [LSGC_A_IFINDEX] = 4, [LSGC_A_IFNAME] = -3,
	[LSGC_A_ID] = LSGC_ID_LEN, [LSGC_A_SESSION] = 4, [LSGC_A_SELF] = 4,
	[LSGC_A_ROLE] = 1, [LSGC_A_STATE] = 1, [LSGC_A_ERROR] = 4,
	[LSGC_A_LEADER] = 4, [LSGC_A_VIEW_ID] = 8, [LSGC_A_VIEW_SIZE] = 4,
	[LSGC_A_EPOCH] = 4, [LSGC_A_CIPHER] = -3, [LSGC_A_DELIVERED] = 8,
	[LSGC_A_HIGH] = 8, [LSGC_A_STABLE] = 8, [LSGC_A_INFLIGHT] = 4,
	[LSGC_A_MEMBER] = -2, [LSGC_A_STATS] = -2, [LSGC_A_NS_TOTAL] = 0,
	[LSGC_A_EVENT] = 1, [LSGC_A_EVENT_MEMBER] = 4,
	[LSGC_A_EVENT_ID] = LSGC_ID_LEN, [LSGC_A_REASON] = 4,
	[LSGC_A_JOIN_TIME] = 8, [LSGC_A_DROP_REASON] = 2, [LSGC_A_SRC_ADDR] = -1,
	[LSGC_A_SRC_PORT] = 2, [LSGC_A_SUPPRESSED] = 4,
};

struct nl_check {
	struct worker *w;
	const char *what;
	bool bad;
	int event;
};

static int nl_attr_cb(const struct nlattr *a, void *data)
{
	struct nl_check *c = data;
	uint16_t t = mnl_attr_get_type(a), l = mnl_attr_get_payload_len(a);
	int want;

	if (t == 0 || t > LSGC_A_MAX) {
		violation(c->w, "%s: attribute type %u in a reply", c->what, t);
		c->bad = true;
		return MNL_CB_OK;
	}
	want = a_len[t];
	if ((want >= 0 && l != want) ||
	    ((t == LSGC_A_ADDR || t == LSGC_A_SRC_ADDR) && l != 4 && l != 16) ||
	    (want == -3 && (!l || ((const char *)mnl_attr_get_payload(a))[l - 1]))) {
		violation(c->w, "%s: attribute %u of %u bytes", c->what, t, l);
		c->bad = true;
	}
	if (t == LSGC_A_STATE && l == 1 &&
	    mnl_attr_get_u8(a) > LSGC_STATE_FAILED)
		violation(c->w, "%s: state %u", c->what, mnl_attr_get_u8(a));
	if (t == LSGC_A_ROLE && l == 1 && mnl_attr_get_u8(a) > LSGC_NL_ROLE_LEADER)
		violation(c->w, "%s: role %u", c->what, mnl_attr_get_u8(a));
	if (t == LSGC_A_EVENT && l == 1)
		c->event = mnl_attr_get_u8(a);
	if (want == -2 && mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		violation(c->w, "%s: nest %u malformed", c->what, t);
	return MNL_CB_OK;
}

/* A data message of the family: known command, attributes well-formed. */
static void nl_check_msg(struct worker *w, const char *what,
			 const struct nlmsghdr *m, int want_cmd)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(m);
	struct nl_check c = { .w = w, .what = what, .event = -1 };

	if (m->nlmsg_type != nl_family ||
	    m->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		violation(w, "%s: message type %u len %u", what, m->nlmsg_type,
			  m->nlmsg_len);
		return;
	}
	if (want_cmd >= 0 && g->cmd != want_cmd)
		violation(w, "%s: reply command %u to %d", what, g->cmd, want_cmd);
	if (mnl_attr_parse(m, GENL_HDRLEN, nl_attr_cb, &c) < 0)
		violation(w, "%s: attributes do not parse", what);
	if (g->cmd == LSGC_CMD_EVENT_NTF &&
	    (c.event < LSGC_EVENT_VIEW || c.event > LSGC_EVENT_MAX))
		violation(w, "%s: event %d", what, c.event);
}

static struct eset nl_dump_errs, nl_other_errs;

/*
 * One random request to the family (or now and then to the controller,
 * or to a type no family has), then its replies until the ACK, the error
 * or the end of the dump: at most 64 datagrams, 3 s.
 */
static void op_netlink(struct worker *w)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(w->nlbuf);
	unsigned int portid = mnl_socket_get_portid(w->nl), seq;
	int cmd, i, nattr, type;
	bool dump, badflags, framing = false;
	struct genlmsghdr *g;
	struct eset ok;
	long long t0;
	size_t sendlen;
	const char *what;
	ssize_t n;

	switch (below(&w->r, 20)) {
	case 0:
		type = GENL_ID_CTRL;	/* read-only: families and policies */
		break;
	case 1:
		/* Control types, or ids no family gets: other families are
		 * not for us to poke at random with CAP_NET_ADMIN.
		 */
		type = chance(&w->r, 50) ? (int)below(&w->r, NLMSG_MIN_TYPE) :
					   0x1000 + (int)below(&w->r, 0xe000);
		break;
	default:
		type = nl_family;
		break;
	}
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (chance(&w->r, 70))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	if (chance(&w->r, 50))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (chance(&w->r, 5))
		nlh->nlmsg_flags |= rnd(&w->r) & 0xffff;
	seq = nlh->nlmsg_seq = ++w->nl_seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	if (chance(&w->r, 70))
		cmd = LSGC_CMD_GROUP_GET + below(&w->r, 3);
	else if (chance(&w->r, 70))
		cmd = below(&w->r, LSGC_CMD_MAX + 2);
	else
		cmd = below(&w->r, 256);
	g->cmd = cmd;
	g->version = chance(&w->r, 90) ? LSGC_GENL_VERSION : below(&w->r, 256);
	dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	/* Flags the core does not consume are refused before anything else
	 * (genl_header_check(): the family validates from its first command).
	 */
	badflags = (nlh->nlmsg_flags & ~(dump ? NLM_F_DUMP : 0)) &
		   ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO);

	nattr = chance(&w->r, 40) ? 0 : below(&w->r, 6);
	for (i = 0; i < nattr; i++) {
		unsigned char v[64];
		uint16_t t;

		rnd_fill(&w->r, v, sizeof(v));
		switch (below(&w->r, 10)) {
		case 0: {
			/* A real group's address and port. */
			unsigned char a[4] = { 239, 77, 0, 1 + below(&w->r, 2) };

			mnl_attr_put(nlh, LSGC_A_ADDR, 4, a);
			mnl_attr_put_u16(nlh, LSGC_A_PORT, o.port + below(&w->r, 3));
			break;
		}
		case 1:
			mnl_attr_put_u32(nlh, LSGC_A_IFINDEX,
					 chance(&w->r, 50) ? if_index : below(&w->r, 100));
			break;
		case 2:
			mnl_attr_put_strz(nlh, LSGC_A_IFNAME,
					  chance(&w->r, 50) ? o.ifname : "nosuch0");
			break;
		case 3: {
			char id[LSGC_ID_LEN] = { 0 };

			snprintf(id, sizeof(id), "%s%u", o.tag, below(&w->r, 4));
			mnl_attr_put(nlh, LSGC_A_ID, LSGC_ID_LEN, id);
			break;
		}
		default:
			/* Any type, any length, any flags. */
			t = below(&w->r, LSGC_A_MAX + 4);
			if (chance(&w->r, 10))
				t |= NLA_F_NESTED;
			if (chance(&w->r, 5))
				t |= NLA_F_NET_BYTEORDER;
			mnl_attr_put(nlh, t, below(&w->r, sizeof(v)), v);
			break;
		}
	}
	sendlen = nlh->nlmsg_len;
	if (chance(&w->r, 8)) {
		/* The header lies about the length, or the datagram is cut. */
		framing = true;
		if (chance(&w->r, 50))
			nlh->nlmsg_len = below(&w->r, sendlen + 64);
		else
			sendlen = below(&w->r, sendlen + 1);
	}
	/* Our family answers dumps of its three GETs and nothing else (no
	 * doit, no other command): EOPNOTSUPP.
	 */
	what = "other";
	ok = nl_other_errs;
	if (type == nl_family && !framing) {
		bool get = cmd >= LSGC_CMD_GROUP_GET && cmd <= LSGC_CMD_STATS_GET;

		what = dump ? "dump" : "do";
		if (badflags) {
			what = "bad-flags";
			ok = ESET(EINVAL);
		} else {
			ok = dump && get ? nl_dump_errs : ESET(EOPNOTSUPP);
		}
	}
	begin(w, "netlink", NOFD);
	t0 = now_ms();
	n = mnl_socket_sendto(w->nl, w->nlbuf, sendlen);
	if (n < 0) {
		/* A datagram cut to nothing is ENODATA to the core. */
		struct eset sok = ESET(EINVAL, ENOBUFS, EMSGSIZE, ENODATA);

		end(w);
		account(w, OP_NETLINK, "sendto", NOFD, n, errno, &sok);
		return;
	}
	/* The request is gone; the buffer now takes the replies. */
	for (i = 0; i < 64 && now_ms() - t0 < 3000; i++) {
		const struct nlmsghdr *m;
		int len;

		n = recv(mnl_socket_get_fd(w->nl), w->nlbuf, NLBUF_LEN, 0);
		if (n < 0) {
			struct eset rok = ESET(ENOBUFS);

			/* EAGAIN: nothing (more) to read: a request without
			 * ACK that succeeded, or one the kernel dropped for
			 * its framing.
			 */
			if (errno != EAGAIN)
				account(w, OP_NETLINK, "recv", NOFD, n, errno, &rok);
			break;
		}
		len = n;
		for (m = (const struct nlmsghdr *)w->nlbuf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			int err = 0;

			if (m->nlmsg_pid != portid && m->nlmsg_pid)
				violation(w, "netlink: reply to port %u", m->nlmsg_pid);
			if (m->nlmsg_seq != seq)
				continue;	/* the rest of an earlier request's */
			if (m->nlmsg_type == NLMSG_ERROR ||
			    m->nlmsg_type == NLMSG_DONE) {
				if (m->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&err, mnl_nlmsg_get_payload(m),
					       sizeof(err));
				err = -err;
				account(w, OP_NETLINK, what, NOFD, err ? -1 : 0,
					err, &ok);
				goto done;
			}
			if (m->nlmsg_type == nl_family)
				nl_check_msg(w, "netlink reply", m,
					     type == nl_family ? cmd : -1);
		}
	}
done:
	end(w);
}

/* Drain the events group; every event must parse. */
static void op_events(struct worker *w)
{
	struct eset ok = ESET(ENOBUFS);
	int i;

	if (!ev_nl)
		return;
	pthread_mutex_lock(&ev_lock);
	begin(w, "events", NOFD);
	for (i = 0; i < 64; i++) {
		const struct nlmsghdr *m;
		ssize_t n;
		int len;

		n = recv(mnl_socket_get_fd(ev_nl), w->nlbuf, NLBUF_LEN,
			 MSG_DONTWAIT);
		if (n < 0) {
			/* ENOBUFS: events were dropped while nobody read. */
			if (errno != EAGAIN)
				account(w, OP_EVENTS, "recv", NOFD, n, errno, &ok);
			break;
		}
		account(w, OP_EVENTS, "recv", NOFD, 0, 0, &ok);
		len = n;
		for (m = (const struct nlmsghdr *)w->nlbuf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len))
			nl_check_msg(w, "event", m, LSGC_CMD_EVENT_NTF);
	}
	end(w);
	pthread_mutex_unlock(&ev_lock);
}

static void op_proc(struct worker *w)
{
	int i = below(&w->r, 2), r;
	ssize_t n;

	if (proc_fd[i] < 0)
		return;
	pthread_mutex_lock(&proc_lock);
	begin(w, "proc read", proc_fd[i]);
	r = lseek(proc_fd[i], 0, SEEK_SET) < 0 ? -1 : 0;
	while (!r && (n = read(proc_fd[i], w->buf2, BUF_LEN)) > 0)
		;
	if (!r && n < 0)
		r = -1;
	end(w);
	account(w, OP_PROC, i ? "members" : "stats", NOFD, r, errno,
		&(struct eset){ { 0 } });
	pthread_mutex_unlock(&proc_lock);
}

/*
 * A child that holds a copy of every descriptor, maybe leaves or sends on
 * one, starts a dump on a netlink socket of its own and dies in the middle
 * of it: its exit may be the last reference to a socket the parent closed.
 * The child uses raw system calls and its stack only (the parent has
 * threads), and an alarm bounds it.
 */
static void op_fork(struct worker *w)
{
	int fd = pool_pick(w), what = below(&w->r, 3), st = 0;
	uint8_t cmd = LSGC_CMD_GROUP_GET + below(&w->r, 3);
	struct eset ok = ESET(EAGAIN, ENOMEM);
	pid_t pid;

	begin(w, "fork", fd);
	pid = fork();
	if (pid == 0) {
		struct {
			struct nlmsghdr n;
			struct genlmsghdr g;
		} req = {
			.n = { .nlmsg_len = sizeof(req), .nlmsg_type = nl_family,
			       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			       .nlmsg_seq = 1 },
			.g = { .cmd = cmd, .version = LSGC_GENL_VERSION },
		};
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
		char b[512] = { 0 };
		int s;

		alarm(o.child_s);
		if (what == 0)
			setsockopt(fd, SOL_LSGC, LSGC_LEAVE, NULL, 0);
		else if (what == 1)
			send(fd, b, sizeof(b), MSG_DONTWAIT);
		s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
		if (s >= 0) {
			sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&sa,
			       sizeof(sa));
			/* A small first read leaves the rest of the dump
			 * pending when the socket goes.
			 */
			recv(s, b, sizeof(b), 0);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;	/* SIGUSR1 from another thread */
	end(w);
	account(w, OP_FORK, "", NOFD, pid, errno, &ok);
	if (pid > 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
		violation(w, "forked child ended with status %#x%s (alarm %d s)",
			  st, WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM ?
			  " (blocked)" : "", o.child_s);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* Interrupt another thread, whatever it waits in. */
static void op_signal(struct worker *w)
{
	struct worker *t = &workers[below(&w->r, o.threads)];

	if (t != w)
		pthread_kill(t->thr, SIGUSR1);
	account(w, OP_SIGNAL, "", NOFD, 0, 0, &(struct eset){ { 0 } });
}

/* ------------------------------------------------------------ threads */

static unsigned int weight_total;

static enum op pick_op(struct worker *w)
{
	unsigned int x = below(&w->r, weight_total), i;

	for (i = 0; i < OP_MAX; i++) {
		if (x < op_weight[i])
			return i;
		x -= op_weight[i];
	}
	return OP_GETOPT;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->tid = syscall(SYS_gettid);
	while (!go)
		usleep(1000);
	while (!stop) {
		enum op op = pick_op(w);

		switch (op) {
		case OP_SOCKET: op_socket(w); break;
		case OP_JOIN: op_join(w); break;
		case OP_JOIN_BAD: op_join_bad(w); break;
		case OP_LEAVE: op_leave(w); break;
		case OP_SETOPT: op_setopt(w); break;
		case OP_GETOPT: op_getopt(w); break;
		case OP_SEND: op_send(w); break;
		case OP_RECV: op_recv(w); break;
		case OP_POLL: op_poll(w); break;
		case OP_EPOLL: op_epoll(w); break;
		case OP_SHUTDOWN: op_shutdown(w); break;
		case OP_IOCTL: op_ioctl(w); break;
		case OP_CLOSE: op_close(w); break;
		case OP_DUP: op_dup(w); break;
		case OP_GETNAME: op_getname(w); break;
		case OP_UNSUPP: op_unsupp(w); break;
		case OP_NETLINK: op_netlink(w); break;
		case OP_EVENTS: op_events(w); break;
		case OP_PROC: op_proc(w); break;
		case OP_FORK: op_fork(w); break;
		case OP_SIGNAL: op_signal(w); break;
		default: break;
		}
	}
	return NULL;
}

/* Print a file of /proc (a stuck thread's kernel stack) as comments. */
static void dump_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("#   (cannot read %s: %s)\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("#   %s%s", line, strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

/*
 * The watchdog: a call that has not returned after -W seconds is a hang
 * (every call here is bounded far below that).  Print what every thread
 * is doing, with the kernel stack, and abort.
 */
static void *watchdog_main(void *arg)
{
	long long limit = o.watchdog_s * 1000LL;
	int i, j;

	(void)arg;
	for (;;) {
		usleep(250 * 1000);
		for (i = 0; i < o.threads; i++) {
			struct worker *w = &workers[i];
			long long since = __atomic_load_n(&w->busy_since,
							  __ATOMIC_ACQUIRE);
			char path[64];

			if (!since || now_ms() - since < limit)
				continue;
			pthread_mutex_lock(&out_lock);
			printf("# watchdog: thread %d (tid %d) in %s on fd %d for %lld ms\n",
			       i, w->tid, w->busy_what, w->busy_fd,
			       now_ms() - since);
			for (j = 0; j < o.threads; j++) {
				struct worker *x = &workers[j];

				printf("# thread %d (tid %d): %s, kernel stack:\n",
				       j, x->tid,
				       x->busy_since ? x->busy_what : "between calls");
				snprintf(path, sizeof(path), "/proc/self/task/%d/stack",
					 x->tid);
				dump_file(path);
			}
			printf("Bail out! a call blocked for more than %d s\n",
			       o.watchdog_s);
			fflush(stdout);
			abort();
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ setup */

static int nl_family_cb(const struct nlattr *a, void *data)
{
	(void)data;
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		nl_family = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS) {
		const struct nlattr *grp;

		mnl_attr_for_each_nested(grp, a) {
			const struct nlattr *x;
			uint32_t id = 0;
			bool events = false;

			mnl_attr_for_each_nested(x, grp) {
				if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(x);
				if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp(mnl_attr_get_str(x), LSGC_GENL_MCGRP_EVENTS))
					events = true;
			}
			if (events)
				nl_events_grp = id;
		}
	}
	return MNL_CB_OK;
}

static int nl_resolve(struct mnl_socket *nl)
{
	static char b[8192];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	struct genlmsghdr *g;
	ssize_t n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, LSGC_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		const struct nlmsghdr *m = (const struct nlmsghdr *)b;

		n = mnl_socket_recvfrom(nl, b, sizeof(b));
		if (n <= 0)
			return -1;
		if (m->nlmsg_type == GENL_ID_CTRL)
			mnl_attr_parse(m, sizeof(struct genlmsghdr), nl_family_cb, NULL);
		if (m->nlmsg_type == NLMSG_ERROR)
			break;
	}
	return nl_family ? 0 : -1;
}

static struct mnl_socket *nl_open(void)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200 * 1000 };
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	int one = 1;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return NULL;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return nl;
}

static int read_family(void)
{
	FILE *f = fopen(LSGC_FAMILY_SYSFS, "r");
	int fam = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &fam) != 1)
		fam = -1;
	fclose(f);
	return fam;
}

static void usage(void)
{
	fprintf(stderr,
"usage: lsgc_exercise [-s SEED] [-d SECONDS] [-t THREADS] [-i IFNAME]\n"
"                     [-I TAG] [-g GROUPS] [-p PORT] [-F FDS] [-W SECONDS]\n"
"                     [-f] [-v]\n"
"  -s SEED     random seed (default: from the clock; printed first)\n"
"  -d SECONDS  how long to run (default 30)\n"
"  -t THREADS  threads sharing the descriptors (1-%d, default 4)\n"
"  -i IFNAME   interface of the groups (default eth0; also by route)\n"
"  -I TAG      identities TAG0..TAG3 (default x), besides zz0 and zz1\n"
"  -g GROUPS   groups: 239.77.0.1, 239.77.0.2, ff05::77:1 (1-3, default 3)\n"
"  -p PORT     port of the first group (default 7300)\n"
"  -F FDS      AF_LSGC descriptors at most (1-%d, default 12)\n"
"  -W SECONDS  a call blocked this long aborts the run (default 10)\n"
"  -A SECONDS  a forked child (LEAVE, send, a netlink dump) must be done\n"
"              within this (default 7: a LEAVE lingers up to SO_LINGER's\n"
"              time, here at most 4 s)\n"
"  -f          allocations may fail (fault injection): ENOMEM/ENOBUFS ok\n"
"  -v          print the errno histogram of every call\n",
		MAX_THREADS, MAX_FDS);
	exit(2);
}

static void init_sets(void)
{
	join_errs = ESET(EINVAL, EFAULT, EAFNOSUPPORT, ENODEV, EOPNOTSUPP,
			 EPERM, EISCONN, EADDRINUSE, ENOMEM, ETIMEDOUT,
			 EUSERS, ECONNRESET, EPROTO, EINTR,
			 /* a non-blocking join in progress, and a second
			 * LSGC_JOIN meanwhile; another thread's LSGC_LEAVE
			 * during a blocking join (lsgc.rst, Joining)
			 */
			 EINPROGRESS, EALREADY, ECONNABORTED,
			 /* opening the group's UDP socket */
			 EADDRNOTAVAIL, ENOBUFS);
	/* EPROTO and ECONNRESET: the pending error of a failed membership
	 * that the core's send-buffer wait returns.
	 */
	send_errs = ESET(EOPNOTSUPP, ENOTCONN, ECONNRESET, EPROTO, EPIPE,
			 EISCONN, EMSGSIZE, EAGAIN, EINTR, ENOBUFS, EFAULT);
	recv_errs = ESET(EOPNOTSUPP, ENOTCONN, ECONNRESET, EAGAIN, EINTR,
			 EFAULT);
	/* Filters refused (lsgc_nl_filter_policy, extack.sh), a dump still
	 * running on the socket.
	 */
	nl_dump_errs = ESET(EINVAL, ERANGE, ENODEV, EBUSY);
	nl_other_errs = ESET(EINVAL, ERANGE, ENODEV, EOPNOTSUPP, ENOENT,
			     EBUSY, EPERM, EMSGSIZE);
}

static void print_stats(void)
{
	int i, e;

	for (i = 0; i < OP_MAX; i++) {
		char line[2048];
		size_t off = 0;

		if (!n_calls[i])
			continue;
		off += snprintf(line + off, sizeof(line) - off, "# %-11s %7lu:",
				op_name[i], n_calls[i]);
		for (e = 0; e <= ERRNO_MAX && off < sizeof(line) - 32; e++) {
			if (!n_errno[i][e])
				continue;
			off += snprintf(line + off, sizeof(line) - off, " %s %lu",
					e == ERRNO_MAX ? "other" : ename(e),
					n_errno[i][e]);
		}
		printf("%s\n", line);
	}
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 0, 0 };
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct timespec ts;
	pthread_t wd;
	long long t_end;
	bool seeded = false;
	int c, i, fails = 0;

	while ((c = getopt(argc, argv, "s:d:t:i:I:g:p:F:W:A:fvh")) != -1) {
		switch (c) {
		case 's': o.seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'd': o.seconds = atoi(optarg); break;
		case 't': o.threads = atoi(optarg); break;
		case 'i': o.ifname = optarg; break;
		case 'I': o.tag = optarg; break;
		case 'g': o.groups = atoi(optarg); break;
		case 'p': o.port = atoi(optarg); break;
		case 'F': o.fds = atoi(optarg); break;
		case 'W': o.watchdog_s = atoi(optarg); break;
		case 'A': o.child_s = atoi(optarg); break;
		case 'f': o.faults = true; break;
		case 'v': o.verbose = true; break;
		default: usage();
		}
	}
	if (optind != argc || o.threads < 1 || o.threads > MAX_THREADS ||
	    o.fds < 1 || o.fds > MAX_FDS || o.groups < 1 ||
	    o.groups > MAX_GROUPS || o.seconds < 1 || o.watchdog_s < 1 || o.child_s < 1 ||
	    strlen(o.tag) < 1 || strlen(o.tag) > LSGC_ID_LEN - 2 ||
	    o.port < 1 || o.port > 65533)
		usage();
	if (!seeded) {
		clock_gettime(CLOCK_REALTIME, &ts);
		o.seed = splitmix(ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 20) ^
				  ((uint64_t)getpid() << 40));
	}
	/* First, so that a run that crashes or hangs can still be replayed. */
	printf("# lsgc_exercise: seed %" PRIu64 " (replay: lsgc_exercise -s %" PRIu64
	       " -d %d -t %d -I %s -g %d -p %d -F %d%s)\n", o.seed, o.seed,
	       o.seconds, o.threads, o.tag, o.groups, o.port, o.fds,
	       o.faults ? " -f" : "");
	printf("TAP version 13\n1..3\n");
	fflush(stdout);

	init_sets();
	for (i = 0; i < OP_MAX; i++)
		weight_total += op_weight[i];
	for (i = 0; i < MAX_FDS; i++)
		pool[i] = -1;

	family = read_family();
	if (family < 0) {
		printf("Bail out! cannot read %s (is lsgc.ko loaded?)\n",
		       LSGC_FAMILY_SYSFS);
		return 2;
	}
	if_index = if_nametoindex(o.ifname);
	if (!if_index)
		printf("# no interface %s: groups by route only\n", o.ifname);

	/* No core files in the repository the VM shares. */
	setrlimit(RLIMIT_CORE, &rl);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: EINTR */
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);

	bad_ptr = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memfd = memfd_create("lsgc_exercise", MFD_CLOEXEC);
	if (bad_ptr == MAP_FAILED || memfd < 0 || ftruncate(memfd, 70000)) {
		printf("Bail out! setup: %s\n", strerror(errno));
		return 2;
	}
	proc_fd[0] = open("/proc/net/lsgc/stats", O_RDONLY | O_CLOEXEC);
	proc_fd[1] = open("/proc/net/lsgc/members", O_RDONLY | O_CLOEXEC);

	{
		struct mnl_socket *nl = nl_open();

		if (!nl || nl_resolve(nl) < 0) {
			printf("Bail out! the \"%s\" netlink family is not there\n",
			       LSGC_GENL_NAME);
			return 2;
		}
		mnl_socket_close(nl);
	}
	ev_nl = nl_open();
	if (ev_nl && nl_events_grp &&
	    mnl_socket_setsockopt(ev_nl, NETLINK_ADD_MEMBERSHIP, &nl_events_grp,
				  sizeof(nl_events_grp)) < 0) {
		mnl_socket_close(ev_nl);
		ev_nl = NULL;
	}

	for (i = 0; i < o.threads; i++) {
		struct worker *w = &workers[i];

		w->idx = i;
		w->r.s = splitmix(o.seed + (uint64_t)i * 0x632BE59BD9B4E019ULL) | 1;
		w->buf = malloc(BUF_LEN);
		w->buf2 = malloc(BUF_LEN);
		w->cbuf = malloc(CBUF_LEN);
		w->nlbuf = malloc(NLBUF_LEN);
		w->nl = nl_open();
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (!w->buf || !w->buf2 || !w->cbuf || !w->nlbuf || !w->nl ||
		    w->epfd < 0) {
			printf("Bail out! setup of thread %d: %s\n", i,
			       strerror(errno));
			return 2;
		}
		memset(w->buf, 0, BUF_LEN);
		memset(w->cbuf, 0, CBUF_LEN);
	}

	/* The pool's numbers come after every descriptor opened above, and
	 * nothing else is opened from now on (see the pool).
	 */
	rl.rlim_cur = rl.rlim_max = 64 + 3 * MAX_THREADS + MAX_FDS;
	setrlimit(RLIMIT_NOFILE, &rl);
	/* Belt and braces: whatever happens, the process ends. */
	alarm(o.seconds + 4 * o.watchdog_s + 30);

	t_start = now_ms();
	if (pthread_create(&wd, NULL, watchdog_main, NULL)) {
		printf("Bail out! pthread_create: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < o.threads; i++)
		if (pthread_create(&workers[i].thr, NULL, worker_main, &workers[i])) {
			printf("Bail out! pthread_create: %s\n", strerror(errno));
			return 2;
		}
	go = 1;
	t_end = t_start + o.seconds * 1000LL;
	while (now_ms() < t_end)
		usleep(100 * 1000);
	stop = 1;
	for (i = 0; i < o.threads; i++)
		pthread_join(workers[i].thr, NULL);
	for (i = 0; i < MAX_FDS; i++)
		if (pool[i] >= 0)
			close(pool[i]);

	{
		unsigned long total = 0;

		for (i = 0; i < OP_MAX; i++)
			total += n_calls[i];
		printf("# %lu calls in %.1f s by %d threads, seed %" PRIu64 "\n",
		       total, (now_ms() - t_start) / 1000.0, o.threads, o.seed);
	}
	print_stats();
	if (sigpipes)
		violation(NULL, "%d SIGPIPE raised (none is, per lsgc.rst)",
			  (int)sigpipes);

	if (n_unexpected) {
		printf("not ok 1 every failed call failed with an errno it may return (%lu did not)\n",
		       n_unexpected);
		fails++;
	} else {
		printf("ok 1 every failed call failed with an errno it may return\n");
	}
	if (n_violations) {
		printf("not ok 2 every result was well-formed (%lu violations)\n",
		       n_violations);
		fails++;
	} else {
		printf("ok 2 every result was well-formed\n");
	}
	printf("ok 3 no call blocked for more than %d s\n", o.watchdog_s);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       3 - fails, fails);
	printf("# seed %" PRIu64 "\n", o.seed);
	return fails ? 1 : 0;
}
