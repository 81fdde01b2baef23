// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc_member: one member of an AF_LSGC group, as an application sees it.
 *
 * It joins a group on the reliable channel, the best-effort channel or
 * both, optionally sends a number of self-describing messages (see
 * lsgc_util.h) and writes every record it is delivered, in order, to a log
 * that order_check.py compares across members:
 *
 *   D <seq> <view_id> <sender_member> <id>/<counter>/<len>/<crc32>/<ok|bad>
 *   V <view_id> <leader> <member:id,member:id,...> <seq>
 *   U <sender_member> <id>/<counter>/<len>/<crc32>/<ok|bad>   (datagram)
 *   E <what> <channel> <errno name or poll mask>             (membership lost)
 *   # <comment: id, member number, counts, exit code>
 *
 * Exit codes say what went wrong; the errno is printed on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <getopt.h>
#include <linux/filter.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "lsgc_util.h"

enum exit_code {
	EX_OK = 0,
	EX_USAGE = 1,
	EX_SETUP = 2,		/* family, socket, options */
	EX_JOIN = 3,		/* LSGC_JOIN failed */
	EX_SEND = 4,		/* send failed (other than membership loss) */
	EX_RECV = 5,		/* recv failed (other than membership loss) */
	EX_LOST = 6,		/* membership lost: ECONNRESET (and EPOLLERR) */
	EX_TIMEOUT = 7,		/* -t elapsed before -E or -m was reached */
	EX_VIOLATION = 8,	/* a delivered record broke the contract */
};

#define RBUF_LEN	(LSGC_MAX_MSG + 4096)
#define MAX_SENDERS	1024
#define MAX_VIEW	1024

struct size_pat {
	enum { SZ_FIXED, SZ_RANGE, SZ_LIST } kind;
	size_t a, b;
	size_t *list;
	size_t nlist;
};

struct opts {
	const char *group, *ifname, *name, *out, *status, *gate;
	unsigned int port;
	bool create, insecure, leave_at_end, hold;
	int key;		/* -K: keyring serial of the long-term key */
	bool seq, dgram;
	long n_seq, n_dgram;
	struct size_pat sz_seq, sz_dgram;
	double rate;
	bool poll_mode;
	long wait_members;
	long delay_ms;
	long expect;
	long time_ms, linger_ms;
	int recv_own;		/* -1: leave the default */
	bool drop_filter;	/* -B: a socket filter that drops every record */
	const char *pause_file;	/* -P: read nothing while this file exists */
	int rcvbuf;		/* -b: SO_RCVBUF (0: the default) */
	bool close_after_send;	/* -x: close() (-L: LSGC_LEAVE first) once sent */
	__u32 timeout_ms;
	__u32 extra_flags;
	/* -X ID:N: done needs message N of ID; -W ID: done needs ID gone */
	struct { char name[LSGC_ID_LEN + 1]; uint64_t n; bool seen; } until[64];
	int n_until;
	char gone[64][LSGC_ID_LEN + 1];
	int n_gone;
};

struct sender {
	__u32 member;
	char name[LSGC_ID_LEN * 2 + 1];
	uint64_t next;		/* next counter expected, for short messages */
};

static struct opts o = {
	.group = LSGC_TEST_DEFAULT_GROUP,
	.port = LSGC_TEST_DEFAULT_PORT,
	.insecure = true,
	.seq = true,
	.sz_seq = { SZ_FIXED, 64, 64, NULL, 0 },
	.sz_dgram = { SZ_FIXED, 64, 64, NULL, 0 },
	.recv_own = -1,
	.time_ms = 60000,
};

static int family;
static int fd_seq = -1, fd_dgram = -1;
static FILE *log_f, *status_f;
static volatile sig_atomic_t stop_sig;
static int violation;
static char my_name[LSGC_ID_LEN * 2 + 1];
static __u32 my_member;
static __u32 cur_leader;

/* Current view, as the last V record gave it. */
static __u64 cur_view_id;
static __u32 cur_n_members;
static struct lsgc_member_info cur_members[MAX_VIEW];
static bool have_view;
static __u64 last_seq;
static bool have_seq;

static struct sender senders[MAX_SENDERS];
static int n_senders;

/* Sending progress; the counters are shared with the sender thread. */
static pthread_mutex_t send_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t send_cond = PTHREAD_COND_INITIALIZER;
static bool send_go;
static long sent_seq, sent_dgram;
static int send_err;		/* errno of a failed send, 0 if none */
static bool send_done;

static long delivered;

static void status(const char *fmt, ...)
{
	va_list ap;

	if (!status_f)
		return;
	va_start(ap, fmt);
	vfprintf(status_f, fmt, ap);
	va_end(ap);
	fputc('\n', status_f);
	fflush(status_f);
}

static void logline(const char *fmt, ...)
{
	va_list ap;

	if (!log_f)
		return;
	va_start(ap, fmt);
	vfprintf(log_f, fmt, ap);
	va_end(ap);
	fputc('\n', log_f);
}

static void violate(const char *fmt, ...)
{
	va_list ap;

	violation = 1;
	fprintf(stderr, "lsgc_member %s: violation: ", my_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (log_f) {
		fputs("# violation ", log_f);
		va_start(ap, fmt);
		vfprintf(log_f, fmt, ap);
		va_end(ap);
		fputc('\n', log_f);
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
"usage: lsgc_member -I ID [options]\n"
"  -g ADDR     multicast group (default " LSGC_TEST_DEFAULT_GROUP "; IPv6 if it has ':')\n"
"  -p PORT     UDP port (default %d)\n"
"  -i IF       interface name or index (default 0: by route)\n"
"  -I ID       member identity (1..16 printable characters)\n"
"  -c          create the session (become its leader)\n"
"  -k          do not set LSGC_JOIN_INSECURE\n"
"  -K SERIAL   join securely with the long-term key of this keyring serial\n"
"  -F FLAGS    extra join flags (for tests)\n"
"  -T MS       join timeout_ms\n"
"  -C CH       channels: seq (default), dgram, both\n"
"  -n N        reliable messages to send\n"
"  -N N        datagrams to send\n"
"  -s SIZES    reliable sizes: N | MIN-MAX | a,b,c (cycled)\n"
"  -z SIZES    datagram sizes, same syntax\n"
"  -r RATE     messages per second per channel (0: as fast as possible)\n"
"  -w MODE     block (sender thread, blocking send) | poll (MSG_DONTWAIT and\n"
"              poll: every read and send waits for its POLLIN or POLLOUT)\n"
"  -m M        wait for a view of at least M members before sending\n"
"  -D MS       then wait MS more milliseconds before sending\n"
"  -E N        done after delivering N reliable data records\n"
"  -X ID:N     done only once message N of ID was delivered (repeatable)\n"
"  -W ID       done only once a view without ID was delivered (repeatable)\n"
"  -H          when done, stop reading and hold until SIGTERM or -t\n"
"  -l MS       when done, keep receiving MS more milliseconds\n"
"  -t MS       run time limit (default 60000)\n"
"  -R 0|1      set LSGC_RECV_OWN\n"
"  -B          attach a socket filter (SO_ATTACH_FILTER) dropping every record\n"
"  -L          when done, LSGC_LEAVE (checked), then hold the detached\n"
"              sockets open until SIGTERM or -t\n"
"  -G FILE     send only once FILE exists (the test says when)\n"
"  -P FILE     read nothing while FILE exists (an application that stops\n"
"              reading); a failed membership (EPOLLERR) still ends it (exit 6)\n"
"  -b BYTES    SO_RCVBUF of every socket\n"
"  -x          once every message was accepted by send(), close() at once\n"
"              (with -L: LSGC_LEAVE, checked, then close()) and exit 0\n"
"  -o FILE     delivery log\n"
"  -S FILE     status file (joined, ready, sent, done, error, exit)\n"
"exit: 0 ok, 1 usage, 2 setup, 3 join, 4 send, 5 recv, 6 membership lost,\n"
"      7 timeout, 8 contract violation in what was delivered\n"
"LSGC_TIMEOUT_SCALE multiplies -t, -D and -l (a slower kernel).\n",
		LSGC_TEST_DEFAULT_PORT);
	exit(EX_USAGE);
}

static int parse_sizes(const char *s, struct size_pat *p)
{
	char *end;

	if (strchr(s, ',')) {
		const char *q = s;

		p->kind = SZ_LIST;
		p->nlist = 0;
		p->list = calloc(strlen(s) / 2 + 2, sizeof(size_t));
		while (*q) {
			p->list[p->nlist++] = strtoul(q, &end, 10);
			if (end == q || (*end && *end != ','))
				return -1;
			q = *end ? end + 1 : end;
		}
		return 0;
	}
	p->a = strtoul(s, &end, 10);
	if (end == s)
		return -1;
	if (*end == '-') {
		p->kind = SZ_RANGE;
		p->b = strtoul(end + 1, &end, 10);
		if (*end || p->b < p->a)
			return -1;
		return 0;
	}
	p->kind = SZ_FIXED;
	p->b = p->a;
	return *end ? -1 : 0;
}

static size_t size_of(const struct size_pat *p, uint64_t counter)
{
	uint64_t s;

	switch (p->kind) {
	case SZ_LIST:
		return p->list[(counter - 1) % p->nlist];
	case SZ_RANGE:
		s = lsgc_seed(my_name, counter ^ 0x5a5a);
		return p->a + lsgc_prng_next(&s) % (p->b - p->a + 1);
	default:
		return p->a;
	}
}

static void parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "g:p:i:I:ckK:F:T:C:n:N:s:z:r:w:m:D:E:X:W:Hl:t:R:BLo:S:G:P:b:xh")) != -1) {
		switch (c) {
		case 'g': o.group = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'i': o.ifname = optarg; break;
		case 'I': o.name = optarg; break;
		case 'c': o.create = true; break;
		case 'k': o.insecure = false; break;
		case 'K':
			o.insecure = false;
			o.key = (int)strtol(optarg, NULL, 0);
			break;
		case 'F': o.extra_flags = strtoul(optarg, NULL, 0); break;
		case 'T': o.timeout_ms = atoi(optarg); break;
		case 'C':
			o.seq = !strcmp(optarg, "seq") || !strcmp(optarg, "both");
			o.dgram = !strcmp(optarg, "dgram") || !strcmp(optarg, "both");
			if (!o.seq && !o.dgram)
				usage();
			break;
		case 'n': o.n_seq = atol(optarg); break;
		case 'N': o.n_dgram = atol(optarg); break;
		case 's':
			if (parse_sizes(optarg, &o.sz_seq))
				usage();
			break;
		case 'z':
			if (parse_sizes(optarg, &o.sz_dgram))
				usage();
			break;
		case 'r': o.rate = atof(optarg); break;
		case 'w':
			if (!strcmp(optarg, "poll"))
				o.poll_mode = true;
			else if (strcmp(optarg, "block"))
				usage();
			break;
		case 'm': o.wait_members = atol(optarg); break;
		case 'D': o.delay_ms = atol(optarg); break;
		case 'E': o.expect = atol(optarg); break;
		case 'X': {
			char *c = strrchr(optarg, ':');

			if (!c || c - optarg > LSGC_ID_LEN || o.n_until == 64)
				usage();
			snprintf(o.until[o.n_until].name, c - optarg + 1, "%s", optarg);
			o.until[o.n_until++].n = strtoull(c + 1, NULL, 10);
			break;
		}
		case 'W':
			if (strlen(optarg) > LSGC_ID_LEN || o.n_gone == 64)
				usage();
			strcpy(o.gone[o.n_gone++], optarg);
			break;
		case 'H': o.hold = true; break;
		case 'l': o.linger_ms = atol(optarg); break;
		case 't': o.time_ms = atol(optarg); break;
		case 'R': o.recv_own = atoi(optarg); break;
		case 'B': o.drop_filter = true; break;
		case 'L': o.leave_at_end = true; break;
		case 'o': o.out = optarg; break;
		case 'S': o.status = optarg; break;
		case 'G': o.gate = optarg; break;
		case 'P': o.pause_file = optarg; break;
		case 'b': o.rcvbuf = atoi(optarg); break;
		case 'x': o.close_after_send = true; break;
		default: usage();
		}
	}
	if (!o.name || optind != argc)
		usage();
	if (o.n_seq && !o.seq)
		usage();
	if (o.n_dgram && !o.dgram)
		usage();
	/* Limits and waits in wall time: a slower kernel needs more. */
	{
		const char *sc = getenv("LSGC_TIMEOUT_SCALE");
		long scale = sc ? atol(sc) : 1;

		if (scale > 1) {
			o.time_ms *= scale;
			o.delay_ms *= scale;
			o.linger_ms *= scale;
		}
	}
}

static void on_signal(int sig)
{
	stop_sig = sig;
}

/* ---- what was delivered ---- */

static struct sender *sender_get(__u32 member)
{
	int i;

	for (i = 0; i < n_senders; i++)
		if (senders[i].member == member)
			return &senders[i];
	if (n_senders == MAX_SENDERS)
		return NULL;
	senders[n_senders].member = member;
	senders[n_senders].name[0] = 0;
	senders[n_senders].next = 1;
	return &senders[n_senders++];
}

static const struct lsgc_member_info *view_find(__u32 member)
{
	__u32 i;

	for (i = 0; i < cur_n_members; i++)
		if (cur_members[i].member == member)
			return &cur_members[i];
	return NULL;
}

/*
 * Describe a payload as "<id>/<counter>/<len>/<crc>/<ok|bad>".  Long
 * payloads name their sender and counter; short ones are checked against
 * the sender's next counter.  @name_hint is the sender's identity from
 * msg_name (always known, even for short messages).
 */
static void describe(const unsigned char *buf, size_t len, const char *name_hint,
		     struct sender *snd, char *out, size_t outlen)
{
	char name[64];
	uint64_t counter;
	int ok;

	if (lsgc_payload_parse(buf, len, name, sizeof(name), &counter) == 0) {
		ok = lsgc_payload_check(buf, len, name, counter) &&
		     !strcmp(name, name_hint);
	} else {
		snprintf(name, sizeof(name), "%s", name_hint);
		counter = snd ? snd->next : 0;
		ok = lsgc_payload_check(buf, len, name, counter);
	}
	if (snd) {
		int i;

		snd->next = counter + 1;
		for (i = 0; i < o.n_until; i++)
			if (counter == o.until[i].n && !strcmp(name, o.until[i].name))
				o.until[i].seen = true;
	}
	snprintf(out, outlen, "%s/%llu/%zu/%08x/%s", name,
		 (unsigned long long)counter, len, lsgc_crc32(buf, len),
		 ok ? "ok" : "bad");
	if (!ok)
		violate("payload %s does not match its sender/counter", out);
}

static void record_view(const unsigned char *buf, size_t len, __u64 seq,
			bool have_cmsg_seq, const struct cmsghdr *vcm)
{
	const struct lsgc_view_info *vi = (const void *)buf;
	const struct lsgc_member_info *mi;
	char line[64 + MAX_VIEW * 48];
	size_t off = 0;
	__u32 i;

	if (len < sizeof(*vi) ||
	    len != sizeof(*vi) + (size_t)vi->n_members * sizeof(*mi) ||
	    vi->n_members > MAX_VIEW) {
		violate("view record of %zu bytes is malformed", len);
		return;
	}
	if (vcm && (vcm->cmsg_len != CMSG_LEN(len) ||
		    memcmp(CMSG_DATA(vcm), buf, len)))
		violate("LSGC_CMSG_VIEW differs from the view record");
	if (have_cmsg_seq && seq != vi->seq)
		fprintf(log_f, "# note view %llu: cmsg seq %llu, info seq %llu\n",
			(unsigned long long)vi->view_id,
			(unsigned long long)seq, (unsigned long long)vi->seq);
	if (!have_cmsg_seq)
		seq = vi->seq;
	if (have_view && vi->view_id <= cur_view_id)
		violate("view id %llu after %llu",
			(unsigned long long)vi->view_id,
			(unsigned long long)cur_view_id);
	if (have_seq && seq <= last_seq)
		violate("view seq %llu after seq %llu",
			(unsigned long long)seq, (unsigned long long)last_seq);
	mi = (const void *)(vi + 1);
	for (i = 0; i < vi->n_members; i++) {
		char id[LSGC_ID_LEN * 2 + 1];

		if (i && mi[i].member <= mi[i - 1].member)
			violate("view %llu members not sorted",
				(unsigned long long)vi->view_id);
		lsgc_id_to_str(mi[i].id, id, sizeof(id));
		off += snprintf(line + off, sizeof(line) - off, "%s%u:%s",
				i ? "," : "", mi[i].member, id);
	}
	logline("V %llu %u %s %llu", (unsigned long long)vi->view_id,
		vi->leader, vi->n_members ? line : "-",
		(unsigned long long)seq);
	cur_view_id = vi->view_id;
	cur_n_members = vi->n_members;
	cur_leader = vi->leader;
	memcpy(cur_members, mi, vi->n_members * sizeof(*mi));
	have_view = true;
	last_seq = seq;
	have_seq = true;
	for (i = 0; i < vi->n_members; i++) {
		char id[LSGC_ID_LEN * 2 + 1];

		lsgc_id_to_str(mi[i].id, id, sizeof(id));
		if (!strcmp(id, my_name) && my_member != mi[i].member) {
			my_member = mi[i].member;
			logline("# member %u", my_member);
		}
	}
}

/* One record from the reliable socket. */
static void record_seq(unsigned char *buf, ssize_t n, struct msghdr *mh)
{
	struct sockaddr_lsgc *sa = mh->msg_name;
	struct cmsghdr *cm, *vcm = NULL;
	bool got_seq = false, got_view = false;
	__u64 seq = 0, view_id = 0;
	char name[LSGC_ID_LEN * 2 + 1], desc[160];
	struct sender *snd;

	if (mh->msg_flags & MSG_TRUNC)
		violate("record truncated (%zd bytes)", n);
	if (mh->msg_flags & MSG_CTRUNC)
		violate("control messages truncated");
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_LSGC)
			continue;
		if (cm->cmsg_type == LSGC_CMSG_SEQ &&
		    cm->cmsg_len == CMSG_LEN(sizeof(__u64))) {
			memcpy(&seq, CMSG_DATA(cm), sizeof(seq));
			got_seq = true;
		} else if (cm->cmsg_type == LSGC_CMSG_VIEW_ID &&
			   cm->cmsg_len == CMSG_LEN(sizeof(__u64))) {
			memcpy(&view_id, CMSG_DATA(cm), sizeof(view_id));
			got_view = true;
		} else if (cm->cmsg_type == LSGC_CMSG_VIEW) {
			vcm = cm;
		}
	}
	if (mh->msg_flags & MSG_OOB) {
		record_view(buf, n, seq, got_seq, vcm);
		return;
	}
	if (!got_seq || !got_view)
		violate("data record without %s%s", got_seq ? "" : "LSGC_CMSG_SEQ ",
			got_view ? "" : "LSGC_CMSG_VIEW_ID");
	if (mh->msg_namelen < sizeof(*sa) || sa->slsgc_family != family)
		violate("data record with msg_namelen %u family %u",
			mh->msg_namelen, sa->slsgc_family);
	if (!have_view)
		violate("data record before any view");
	else if (view_id != cur_view_id && got_view)
		violate("data record in view %llu, current view %llu",
			(unsigned long long)view_id,
			(unsigned long long)cur_view_id);
	if (have_seq && seq <= last_seq)
		violate("seq %llu after %llu", (unsigned long long)seq,
			(unsigned long long)last_seq);
	last_seq = seq;
	have_seq = true;
	lsgc_id_to_str(sa->slsgc_id, name, sizeof(name));
	if (!name[0])
		snprintf(name, sizeof(name), "-");
	if (have_view) {
		const struct lsgc_member_info *mi = view_find(sa->slsgc_member);

		if (!mi)
			violate("sender %u is not in view %llu", sa->slsgc_member,
				(unsigned long long)cur_view_id);
		else if (memcmp(mi->id, sa->slsgc_id, LSGC_ID_LEN)) {
			char vid[LSGC_ID_LEN * 2 + 1];

			lsgc_id_to_str(mi->id, vid, sizeof(vid));
			violate("sender %u is %s in msg_name, %s in the view",
				sa->slsgc_member, name, vid);
		}
	}
	snd = sender_get(sa->slsgc_member);
	describe(buf, n, name, snd, desc, sizeof(desc));
	logline("D %llu %llu %u %s", (unsigned long long)seq,
		(unsigned long long)view_id, sa->slsgc_member, desc);
	delivered++;
}

static void record_dgram(unsigned char *buf, ssize_t n, struct msghdr *mh)
{
	struct sockaddr_lsgc *sa = mh->msg_name;
	char name[LSGC_ID_LEN * 2 + 1], desc[160];

	if (mh->msg_flags & MSG_TRUNC)
		violate("datagram truncated (%zd bytes)", n);
	if (mh->msg_namelen < sizeof(*sa) || sa->slsgc_family != family)
		violate("datagram with msg_namelen %u family %u",
			mh->msg_namelen, sa->slsgc_family);
	lsgc_id_to_str(sa->slsgc_id, name, sizeof(name));
	/* Datagrams may be lost: never infer counters for them. */
	describe(buf, n, name, NULL, desc, sizeof(desc));
	logline("U %u %s", sa->slsgc_member, desc);
}

/* ---- membership loss ---- */

/*
 * The membership is gone.  Record how every socket reports it: poll mask,
 * recv errno (after draining what is queued) and send errno.
 */
static void probe_lost(const char *how)
{
	int fds[2] = { fd_seq, fd_dgram };
	const char *names[2] = { "seq", "dgram" };
	static unsigned char buf[RBUF_LEN];
	int i;

	logline("E cause %s", how);
	for (i = 0; i < 2; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN | POLLOUT };
		ssize_t r;
		int drained = 0;

		if (fds[i] < 0)
			continue;
		poll(&p, 1, 0);
		logline("E poll %s 0x%x", names[i], p.revents);
		do {
			r = recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT);
		} while (r >= 0 && ++drained < 100000);
		logline("E recv %s %s", names[i], lsgc_errname(errno));
		r = send(fds[i], "x", 1, MSG_DONTWAIT);
		logline("E send %s %s", names[i], r < 0 ? lsgc_errname(errno) : "OK");
		{
			int st = -1, se = -1;
			socklen_t l = sizeof(st);

			if (getsockopt(fds[i], SOL_LSGC, LSGC_STATE, &st, &l))
				logline("E state %s %s", names[i], lsgc_errname(errno));
			else
				logline("E state %s %d", names[i], st);
			l = sizeof(se);
			if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &se, &l))
				logline("E so_error %s getsockopt-%s", names[i],
					lsgc_errname(errno));
			else
				logline("E so_error %s %s", names[i],
					se ? lsgc_errname(se) : "0");
		}
	}
}

/* -P: is reading paused (the file exists)? */
static bool paused(void)
{
	return o.pause_file && !access(o.pause_file, F_OK);
}

/*
 * -x: every message was accepted by send(): close (or leave, then close)
 * at once, timing it; what is not ordered yet is the linger's business.
 */
static void close_now(void)
{
	long long t0 = now_ms();
	int fds[2] = { fd_seq, fd_dgram }, i;
	int outq = -1;

	/* What send() accepted and the group has not ordered yet. */
	if (fd_seq >= 0 && ioctl(fd_seq, SIOCOUTQ, &outq))
		outq = -1;
	logline("# outq_at_close %d", outq);

	if (o.leave_at_end) {
		int fdsl[2] = { fd_seq, fd_dgram }, st;
		socklen_t l;

		for (i = 0; i < 2; i++) {
			if (fdsl[i] < 0)
				continue;
			if (setsockopt(fdsl[i], SOL_LSGC, LSGC_LEAVE, NULL, 0)) {
				violate("LSGC_LEAVE: %s", lsgc_errname(errno));
				continue;
			}
			l = sizeof(st);
			if (getsockopt(fdsl[i], SOL_LSGC, LSGC_STATE, &st, &l) ||
			    st != LSGC_STATE_UNJOINED)
				violate("state %d after LSGC_LEAVE", st);
		}
		logline("# left_ms %lld", now_ms() - t0);
		status("left");
	}
	for (i = 0; i < 2; i++) {
		if (fds[i] >= 0 && close(fds[i]))
			violate("close: %s", lsgc_errname(errno));
	}
	fd_seq = fd_dgram = -1;
	logline("# closed_ms %lld", now_ms() - t0);
	status("closed");
}

/* A failed membership reports ECONNRESET; EPIPE would mean a shutdown()
 * nobody made, so it is an error like any other.
 */
static bool is_lost_errno(int e)
{
	return e == ECONNRESET;
}

/* ---- sending ---- */

static int send_one(int fd, long counter, const struct size_pat *sp, int flags)
{
	static unsigned char buf[LSGC_MAX_MSG + 16];
	size_t len = size_of(sp, counter);

	if (len > sizeof(buf))
		len = sizeof(buf);
	lsgc_payload_fill(buf, len, my_name, counter);
	return send(fd, buf, len, flags);
}

/* Blocking sender thread (-w block): both channels, paced by -r. */
static void *sender_thread(void *arg)
{
	double t0, interval = o.rate > 0 ? 1.0 / o.rate : 0;
	long i = 0;

	(void)arg;
	pthread_mutex_lock(&send_lock);
	while (!send_go)
		pthread_cond_wait(&send_cond, &send_lock);
	pthread_mutex_unlock(&send_lock);
	t0 = now_s();
	while ((sent_seq < o.n_seq || sent_dgram < o.n_dgram) && !stop_sig) {
		double due = t0 + i * interval, now = now_s();

		if (interval && due > now)
			usleep((due - now) * 1e6);
		if (sent_seq < o.n_seq) {
			if (send_one(fd_seq, sent_seq + 1, &o.sz_seq, 0) < 0) {
				send_err = errno;
				break;
			}
			__atomic_add_fetch(&sent_seq, 1, __ATOMIC_SEQ_CST);
		}
		if (sent_dgram < o.n_dgram) {
			if (send_one(fd_dgram, sent_dgram + 1, &o.sz_dgram, 0) < 0) {
				send_err = errno;
				break;
			}
			__atomic_add_fetch(&sent_dgram, 1, __ATOMIC_SEQ_CST);
		}
		i++;
	}
	__atomic_store_n(&send_done, true, __ATOMIC_SEQ_CST);
	return NULL;
}

/* ---- main ---- */

/* The smaller of a poll() timeout (-1: none) and @ms (at least 0). */
static int min_timeout(int timeout, long long ms)
{
	if (ms < 0)
		ms = 0;
	if (ms > INT_MAX)
		ms = INT_MAX;
	if (timeout < 0 || ms < timeout)
		return ms;
	return timeout;
}

/* The -X and -W conditions of being done. */
static bool conditions_met(void)
{
	int i;
	__u32 j;

	for (i = 0; i < o.n_until; i++)
		if (!o.until[i].seen)
			return false;
	for (i = 0; i < o.n_gone; i++) {
		for (j = 0; j < cur_n_members; j++) {
			char id[LSGC_ID_LEN * 2 + 1];

			lsgc_id_to_str(cur_members[j].id, id, sizeof(id));
			if (!strcmp(id, o.gone[i]))
				return false;
		}
	}
	return true;
}

static int do_join(int fd, struct lsgc_join_req *req, const char *what)
{
	if (setsockopt(fd, SOL_LSGC, LSGC_JOIN, req, sizeof(*req)) < 0) {
		int e = errno;

		fprintf(stderr, "lsgc_member %s: join (%s): %s (%s)\n", my_name,
			what, strerror(e), lsgc_errname(e));
		logline("# join %s failed %s", what, lsgc_errname(e));
		status("error join %s", lsgc_errname(e));
		return -1;
	}
	return 0;
}

static int finish(int code)
{
	if (code == EX_OK && violation)
		code = EX_VIOLATION;
	logline("# delivered %ld", delivered);
	logline("# sent %ld", sent_seq);
	logline("# dgram_sent %ld", sent_dgram);
	logline("# exit %d", code);
	if (log_f)
		fflush(log_f);
	status("exit %d", code);
	exit(code);
}

/* A classic BPF filter that keeps nothing: every record is refused. */
static int attach_drop_filter(int fd)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &insn };

	if (fd < 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		fprintf(stderr, "SO_ATTACH_FILTER: %s (%s)\n", strerror(errno),
			lsgc_errname(errno));
		return -1;
	}
	return 0;
}

/*
 * -L: leave with LSGC_LEAVE and check that it did: 0, then the sockets
 * are detached (UNJOINED, send and recv ENOTCONN) while they stay open,
 * so that the group sees the leave and not a close.
 */
static int leave_checked(void)
{
	int fds[2] = { fd_seq, fd_dgram }, i, st;
	socklen_t l;
	char b[8];

	for (i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		if (setsockopt(fds[i], SOL_LSGC, LSGC_LEAVE, NULL, 0)) {
			violate("LSGC_LEAVE: %s", lsgc_errname(errno));
			return -1;
		}
		l = sizeof(st);
		if (getsockopt(fds[i], SOL_LSGC, LSGC_STATE, &st, &l) ||
		    st != LSGC_STATE_UNJOINED) {
			violate("state %d after LSGC_LEAVE", st);
			return -1;
		}
		if (send(fds[i], "x", 1, MSG_DONTWAIT) >= 0 || errno != ENOTCONN) {
			violate("send after LSGC_LEAVE: %s", lsgc_errname(errno));
			return -1;
		}
		if (recv(fds[i], b, sizeof(b), MSG_DONTWAIT) >= 0 ||
		    errno != ENOTCONN) {
			violate("recv after LSGC_LEAVE: %s", lsgc_errname(errno));
			return -1;
		}
	}
	logline("# left");
	status("left");
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[RBUF_LEN];
	char cbuf[CMSG_SPACE(sizeof(struct lsgc_view_info) +
			     MAX_VIEW * sizeof(struct lsgc_member_info)) + 256];
	struct lsgc_join_req req;
	struct sigaction sa = { .sa_handler = on_signal };
	__u32 ifindex;
	pthread_t thr;
	long long t_start, t_done = 0, t_ready = 0;
	double t_next_send = 0;
	double interval;
	bool ready = false, done = false, left = false;
	bool is_paused = false, was_paused = false;

	parse_args(argc, argv);
	snprintf(my_name, sizeof(my_name), "%s", o.name);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o.out) {
		log_f = fopen(o.out, "w");
		if (!log_f) {
			perror(o.out);
			return EX_SETUP;
		}
		setvbuf(log_f, NULL, _IOLBF, 0);
	}
	if (o.status) {
		status_f = fopen(o.status, "w");
		if (!status_f) {
			perror(o.status);
			return EX_SETUP;
		}
	}
	logline("# id %s", my_name);
	family = lsgc_read_family();
	if (family < 0) {
		fprintf(stderr, "lsgc_member: cannot read %s\n", LSGC_FAMILY_SYSFS);
		return finish(EX_SETUP);
	}
	if (lsgc_parse_ifindex(o.ifname, &ifindex)) {
		fprintf(stderr, "lsgc_member: no interface %s\n", o.ifname);
		return finish(EX_SETUP);
	}
	memset(&req, 0, sizeof(req));
	if (lsgc_group_fill(&req.group, o.group, o.port, ifindex) ||
	    lsgc_id_from_name(req.id, o.name)) {
		fprintf(stderr, "lsgc_member: bad group or identity\n");
		return finish(EX_USAGE);
	}
	req.flags = (o.create ? LSGC_JOIN_CREATE : 0) |
		    (o.insecure ? LSGC_JOIN_INSECURE : 0) | o.extra_flags;
	req.timeout_ms = o.timeout_ms;
	req.key = o.key;

	if (o.seq) {
		fd_seq = socket(family, SOCK_SEQPACKET, 0);
		if (fd_seq < 0) {
			fprintf(stderr, "socket(SEQPACKET): %s (%s)\n",
				strerror(errno), lsgc_errname(errno));
			return finish(EX_SETUP);
		}
		if (o.recv_own >= 0 &&
		    setsockopt(fd_seq, SOL_LSGC, LSGC_RECV_OWN, &o.recv_own,
			       sizeof(o.recv_own)) < 0) {
			fprintf(stderr, "LSGC_RECV_OWN: %s (%s)\n",
				strerror(errno), lsgc_errname(errno));
			return finish(EX_SETUP);
		}
	}
	if (o.dgram) {
		fd_dgram = socket(family, SOCK_DGRAM, 0);
		if (fd_dgram < 0) {
			fprintf(stderr, "socket(DGRAM): %s (%s)\n",
				strerror(errno), lsgc_errname(errno));
			return finish(EX_SETUP);
		}
	}
	for (int i = 0; o.rcvbuf && i < 2; i++) {
		int fd = i ? fd_dgram : fd_seq;

		if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf,
					  sizeof(o.rcvbuf))) {
			fprintf(stderr, "SO_RCVBUF: %s (%s)\n", strerror(errno),
				lsgc_errname(errno));
			return finish(EX_SETUP);
		}
	}
	if (o.drop_filter && (attach_drop_filter(fd_seq) ||
			      attach_drop_filter(fd_dgram)))
		return finish(EX_SETUP);
	t_start = now_ms();
	if (fd_seq >= 0 && do_join(fd_seq, &req, "seq"))
		return finish(EX_JOIN);
	if (fd_dgram >= 0 && do_join(fd_dgram, &req, "dgram"))
		return finish(EX_JOIN);
	if (o.dgram) {
		int max = 0;
		socklen_t l = sizeof(max);

		if (getsockopt(fd_dgram, SOL_LSGC, LSGC_MAX_DGRAM, &max, &l) == 0)
			logline("# max_dgram %d", max);
	}
	status("joined");

	interval = o.rate > 0 ? 1000.0 / o.rate : 0;
	if (!o.n_seq && !o.n_dgram)
		send_done = true;
	if (!o.poll_mode && (o.n_seq || o.n_dgram) &&
	    pthread_create(&thr, NULL, sender_thread, NULL)) {
		perror("pthread_create");
		return finish(EX_SETUP);
	}

	for (;;) {
		struct pollfd pfd[2];
		int npfd = 0, timeout, i;
		long long now = now_ms();
		bool want_send;

		if (stop_sig) {
			logline("# stopped by signal %d", (int)stop_sig);
			return finish(done || (!o.expect && !o.n_until && !o.n_gone) ?
				      EX_OK : EX_TIMEOUT);
		}
		if (now - t_start > o.time_ms) {
			if (done || (!o.expect && !o.wait_members && !o.n_until &&
				     !o.n_gone))
				return finish(EX_OK);
			fprintf(stderr, "lsgc_member %s: timeout: delivered %ld of %ld, view of %u (want %ld)\n",
				my_name, delivered, o.expect, cur_n_members,
				o.wait_members);
			logline("# timeout");
			return finish(EX_TIMEOUT);
		}

		/* Ready to send once the view is big enough. */
		if (!ready) {
			long n = cur_n_members;

			if (!o.seq && o.wait_members) {
				static char vb[sizeof(struct lsgc_view_info) +
					       MAX_VIEW * sizeof(struct lsgc_member_info)];
				socklen_t l = sizeof(vb);

				if (getsockopt(fd_dgram, SOL_LSGC, LSGC_VIEW, vb, &l) == 0)
					n = ((struct lsgc_view_info *)vb)->n_members;
			}
			if (n >= o.wait_members && !t_ready &&
			    (!o.gate || !access(o.gate, F_OK)))
				t_ready = now;
			if (t_ready && now - t_ready >= o.delay_ms) {
				ready = true;
				status("ready");
				pthread_mutex_lock(&send_lock);
				send_go = true;
				pthread_cond_broadcast(&send_cond);
				pthread_mutex_unlock(&send_lock);
				t_next_send = now;
			}
		}
		if (send_err) {
			if (is_lost_errno(send_err)) {
				probe_lost("send");
				return finish(EX_LOST);
			}
			fprintf(stderr, "lsgc_member %s: send: %s (%s)\n", my_name,
				strerror(send_err), lsgc_errname(send_err));
			status("error send %s", lsgc_errname(send_err));
			return finish(EX_SEND);
		}
		want_send = o.poll_mode && ready &&
			    (sent_seq < o.n_seq || sent_dgram < o.n_dgram);
		if (o.poll_mode && ready && !want_send)
			send_done = true;
		if (o.close_after_send && ready &&
		    __atomic_load_n(&send_done, __ATOMIC_SEQ_CST)) {
			status("sent %ld %ld", sent_seq, sent_dgram);
			if (!o.poll_mode && (o.n_seq || o.n_dgram))
				pthread_join(thr, NULL);
			close_now();
			return finish(EX_OK);
		}
		if (ready && send_done && !done &&
		    (!o.expect || delivered >= o.expect) && conditions_met()) {
			status("sent %ld %ld", sent_seq, sent_dgram);
			if (o.expect || o.hold || o.linger_ms || o.n_until || o.n_gone) {
				done = true;
				t_done = now;
				status("done");
				logline("# done_after_ms %lld", now - t_ready);
			}
		}
		if (done && o.leave_at_end && !left) {
			if (leave_checked())
				return finish(EX_VIOLATION);
			left = true;
		}
		if (done && (o.hold || left)) {
			/* Stop reading: the log ends here. */
			poll(NULL, 0, 50);
			continue;
		}
		if (done && now - t_done >= o.linger_ms)
			return finish(EX_OK);

		is_paused = paused();
		if (is_paused && !was_paused)
			logline("# pause");
		else if (!is_paused && was_paused)
			logline("# resume");
		was_paused = is_paused;
		if (fd_seq >= 0) {
			pfd[npfd].fd = fd_seq;
			pfd[npfd].events = is_paused ? 0 : POLLIN;
			if (want_send && sent_seq < o.n_seq && now >= t_next_send)
				pfd[npfd].events |= POLLOUT;
			npfd++;
		}
		if (fd_dgram >= 0) {
			pfd[npfd].fd = fd_dgram;
			pfd[npfd].events = is_paused ? 0 : POLLIN;
			if (want_send && sent_dgram < o.n_dgram && now >= t_next_send)
				pfd[npfd].events |= POLLOUT;
			npfd++;
		}
		/*
		 * Sleep until a socket is ready or something is due on time.
		 * In poll mode nothing else wakes us: a POLLIN or POLLOUT the
		 * kernel fails to report or to wake us for stalls the member,
		 * and the test fails on it.  The blocking sender thread is
		 * not readiness-driven; its progress is looked at every 50 ms.
		 */
		timeout = o.poll_mode ? -1 : 50;
		if (is_paused || o.pause_file)
			timeout = 50;	/* the pause file is looked at every 50 ms */
		if (!ready && !t_ready && (o.gate || (!o.seq && o.wait_members)))
			timeout = 50;	/* a gate file, or a view only getsockopt shows */
		timeout = min_timeout(timeout, t_start + o.time_ms - now + 1);
		if (!ready && t_ready)
			timeout = min_timeout(timeout, t_ready + o.delay_ms - now);
		if (want_send && now < t_next_send)
			timeout = min_timeout(timeout, t_next_send - now);
		if (done)
			timeout = min_timeout(timeout, t_done + o.linger_ms - now);
		if (poll(pfd, npfd, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return finish(EX_RECV);
		}
		for (i = 0; i < npfd; i++) {
			bool is_seq = pfd[i].fd == fd_seq;
			int guard;

			if (pfd[i].revents & POLLNVAL)
				return finish(EX_RECV);
			if (is_paused) {
				/* Not reading; only a failure ends the pause. */
				if (pfd[i].revents & (POLLERR | POLLHUP)) {
					logline("# paused, poll 0x%x", pfd[i].revents);
					probe_lost("paused");
					return finish(EX_LOST);
				}
				continue;
			}
			/* Read only what poll() says is there. */
			for (guard = 0; guard < 64 &&
			     (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)); guard++) {
				struct sockaddr_lsgc from;
				struct iovec iov = { buf, sizeof(buf) };
				struct msghdr mh = {
					.msg_name = &from, .msg_namelen = sizeof(from),
					.msg_iov = &iov, .msg_iovlen = 1,
					.msg_control = cbuf,
					.msg_controllen = sizeof(cbuf),
				};
				ssize_t n;

				memset(&from, 0, sizeof(from));
				n = recvmsg(pfd[i].fd, &mh, MSG_DONTWAIT);
				if (n < 0) {
					if (errno == EAGAIN || errno == EINTR)
						break;
					if (is_lost_errno(errno)) {
						probe_lost(is_seq ? "recv seq" : "recv dgram");
						return finish(EX_LOST);
					}
					fprintf(stderr, "lsgc_member %s: recv: %s (%s)\n",
						my_name, strerror(errno),
						lsgc_errname(errno));
					status("error recv %s", lsgc_errname(errno));
					return finish(EX_RECV);
				}
				if (is_seq)
					record_seq(buf, n, &mh);
				else
					record_dgram(buf, n, &mh);
				if (done && o.hold)
					break;
				if (!done && (o.expect || o.n_until || o.n_gone) &&
				    delivered >= o.expect && conditions_met())
					break;	/* let the done check run */
			}
			if ((pfd[i].revents & (POLLERR | POLLHUP)) && guard < 64) {
				/* Queue drained without an error: recv must fail now. */
				ssize_t n = recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT);

				if (n < 0 && is_lost_errno(errno)) {
					probe_lost("poll");
					return finish(EX_LOST);
				}
				fprintf(stderr, "lsgc_member %s: poll 0x%x but recv gives %zd/%s\n",
					my_name, pfd[i].revents, n,
					n < 0 ? lsgc_errname(errno) : "data");
				logline("E poll-without-error 0x%x", pfd[i].revents);
				violation = 1;
			}
			if (!(pfd[i].revents & POLLOUT) || !want_send)
				continue;
			/* poll mode: send while the window has room. */
			for (guard = 0; !stop_sig; guard++) {
				long *cnt = is_seq ? &sent_seq : &sent_dgram;
				long lim = is_seq ? o.n_seq : o.n_dgram;

				if (*cnt >= lim || now_ms() < t_next_send)
					break;
				if (send_one(pfd[i].fd, *cnt + 1,
					     is_seq ? &o.sz_seq : &o.sz_dgram,
					     MSG_DONTWAIT) < 0) {
					/*
					 * POLLOUT promised room: only the
					 * leader's room (the backlog) can
					 * shrink behind our back, as others'
					 * messages are bound.
					 */
					if (errno == EAGAIN && !guard &&
					    (!is_seq || my_member != cur_leader))
						violate("POLLOUT on %s, then send: EAGAIN",
							is_seq ? "seq" : "dgram");
					if (errno == EAGAIN)
						break;
					send_err = errno;
					break;
				}
				(*cnt)++;
				if (interval) {
					t_next_send += interval;
					if (t_next_send < now_ms() - 1000)
						t_next_send = now_ms();
					break;
				}
			}
		}
	}
}
