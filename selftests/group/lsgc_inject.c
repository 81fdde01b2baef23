// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc_inject: send malformed AF_LSGC packets to a group.
 *
 * Packets up to the MTU go out on a raw IPv4 socket with IP_HDRINCL, so
 * the source address can be a member's (replays look like the real
 * thing); larger ones go out on a UDP socket and are fragmented by IP.
 * Kinds:
 *
 *   trunc      valid-looking header cut to 0..23 bytes        drop_malformed
 *   shortbody  full header, body shorter than its type needs  drop_malformed
 *              (types 1-9: UDATA has no body structure, so a
 *              datagram of 0-3 bytes is a valid one)
 *   version    version 0, 2 or 255                            drop_version
 *   session    right version, random session                  drop_session
 *   type       real session, type 0 or >= __LSGC_T_MAX        drop_malformed
 *   oversize   real session and sender, a 60000-byte DATA     drop_malformed
 *              (IP fragments) whose payload exceeds its
 *              total_len
 *   random     random bytes of random length                  one of
 *                                                             drop_version,
 *                                                             drop_malformed,
 *                                                             drop_session
 *   replay     captured members' packets sent again unchanged drop_replay
 *   notmember  captured packets, sender changed to a stranger drop_not_member
 *   sealed     captured packets, flagged as AEAD-sealed        drop_auth
 *   flags      captured packets, a reserved header flag set   drop_malformed
 *   tamper     secure group: captured packets, one byte of    drop_auth
 *              the sealed body or tag flipped
 *   tamperhdr  secure group: captured packets, the counter    drop_auth
 *              in the (authenticated) header changed
 *   joinreq    captured JOIN_REQs sent again unchanged         drop_duplicate
 *                                                             (leader)
 *   joinsack   captured JOIN_SACKs sent again unchanged        drop_replay
 *   jointoken  captured JOIN_TOKENs sent again unchanged       drop_replay
 *   token      captured TOKENs sent again unchanged            drop_duplicate
 *              (in their view: the joiner was admitted)        (leader), or
 *                                                             drop_unknown_epoch
 *                                                             (a view later)
 *   stolentoken captured TOKENs presented under the identity   drop_auth
 *              "thief" (the token covers the identity)
 *   clear      secure group: forged ORDER, NAK, HEARTBEAT and drop_auth
 *              EXPEL in clear, as the leader, in the real
 *              session and epoch: a host without the key
 *   flood      a stranger's distinct one-fragment messages    drop_backlog
 *              (members cache them until the store is full;   (non-leaders)
 *              the leader refuses them at once)               drop_not_member
 *   farorder   the leader's ORDER binding a message 2^40      drop_stale
 *              numbers ahead of delivery                      (non-leaders)
 *   fakeview   the leader's ORDER binding member 2's message  drop_malformed
 *              77777 right after the leader's high, then that (non-leaders
 *              message from member 2, flagged as a view       but member 2)
 *
 * farorder and fakeview speak as members 1 (the creator, always the
 * leader) and 2, with counters 1000 above the highest the capture saw of
 * them: new to the replay windows, yet close enough that the real
 * members' later packets still fit in them.  Capture an idle group.
 *
 * "Real session" and "captured" need traffic on the group: the injector
 * listens to it first (-w) on a UDP socket of its own, or reads what an
 * earlier run captured and saved (-W FILE, then -R FILE), so that a test
 * can inject one kind at a time and check each one's counters.  Prints
 * one line per kind: "inject <kind> <count> <bytes>" (bytes: the LSGC
 * payload of all its packets, what rx_bytes counts).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "lsgc_util.h"

/* The first bytes of every packet, as net/lsgc/messages.h defines them. */
struct wire_hdr {
	__u8	version;
	__u8	type;
	__be16	flags;
	__be32	session;
	__be32	epoch;
	__be32	sender;
	__be64	counter;
} __attribute__((packed));

/* The body of DATA, as net/lsgc/messages.h defines it. */
struct wire_data {
	__be32	origin;
	__be32	msg_no;
	__be16	frag;
	__be16	nfrags;
	__be32	flags;
	__be32	total_len;
	__be32	reserved;
	__be64	seq;
} __attribute__((packed));

/* One binding of ORDER, as net/lsgc/messages.h defines it. */
struct wire_order_ent {
	__be64	seq;
	__be32	origin;
	__be32	msg_no;
	__be16	nfrags;
	__be16	reserved;
} __attribute__((packed));

#define WIRE_VERSION	1
#define T_DATA		1
#define T_ORDER		2
#define T_HEARTBEAT	4
#define T_JOIN_REQ	5
#define T_JOIN_SACK	11
#define T_JOIN_TOKEN	13
#define T_TOKEN		14
#define T_MAX		15	/* __LSGC_T_MAX */
#define DATA_VIEW	1	/* LSGC_DATA_VIEW */

struct captured {
	unsigned char buf[2048];
	size_t len;
	struct in_addr src;
};

#define MAX_CAPTURE	64

static struct captured cap[MAX_CAPTURE];
static int n_cap;
static __u32 only_sender;	/* -F: capture only this member's packets */
static __u32 only_types;	/* -T: capture only these types (bit mask) */
static struct in_addr grp, src_addr;
static unsigned int port;
static __u32 ifindex;
static int raw_fd = -1, udp_fd = -1;
static uint64_t rng = 0x1234567887654321ULL;

static uint64_t rnd(void)
{
	return lsgc_prng_next(&rng);
}

static void die(const char *what)
{
	fprintf(stderr, "lsgc_inject: %s: %s (%s)\n", what, strerror(errno),
		lsgc_errname(errno));
	exit(2);
}

static __u16 csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

/* One UDP datagram to the group from @src, through the raw socket. */
static void send_raw(const void *payload, size_t len, struct in_addr src)
{
	unsigned char pkt[1600];
	struct iphdr *ip = (void *)pkt;
	struct udphdr *udp = (void *)(ip + 1);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = grp };
	uint32_t sum = 0;
	struct {
		struct in_addr s, d;
		__u8 zero, proto;
		__be16 len;
	} __attribute__((packed)) ph;

	if (len + sizeof(*ip) + sizeof(*udp) > sizeof(pkt)) {
		/* Too big for one frame: let UDP and IP fragment it. */
		struct sockaddr_in d = { .sin_family = AF_INET,
					 .sin_port = htons(port), .sin_addr = grp };

		if (sendto(udp_fd, payload, len, 0, (void *)&d, sizeof(d)) < 0)
			die("sendto udp");
		return;
	}
	memset(pkt, 0, sizeof(*ip) + sizeof(*udp));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 1;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + len);
	ip->id = htons(rnd());
	ip->saddr = src.s_addr;
	ip->daddr = grp.s_addr;
	udp->source = htons(port);
	udp->dest = htons(port);
	udp->len = htons(sizeof(*udp) + len);
	memcpy(udp + 1, payload, len);
	ph.s = src;
	ph.d = grp;
	ph.zero = 0;
	ph.proto = IPPROTO_UDP;
	ph.len = udp->len;
	sum = csum_add(sum, &ph, sizeof(ph));
	sum = csum_add(sum, udp, sizeof(*udp) + len);
	udp->check = htons(csum_fold(sum));
	if (!udp->check)
		udp->check = 0xffff;
	if (sendto(raw_fd, pkt, sizeof(*ip) + sizeof(*udp) + len, 0,
		   (void *)&to, sizeof(to)) < 0)
		die("sendto raw");
}

static void fill_rand(unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rnd();
}

static void hdr(unsigned char *p, __u8 version, __u8 type, __u32 session,
		__u32 sender)
{
	struct wire_hdr *h = (void *)p;

	h->version = version;
	h->type = type;
	h->flags = 0;
	h->session = htonl(session);
	h->epoch = htonl(1);
	h->sender = htonl(sender);
	h->counter = htobe64(rnd() >> 1);
}

/* Session and a sender of the group, from a captured packet. */
static int real_session(__u32 *session, __u32 *sender, __u32 *epoch)
{
	int i;

	for (i = 0; i < n_cap; i++) {
		struct wire_hdr *h = (void *)cap[i].buf;

		if (cap[i].len >= sizeof(*h) && h->version == WIRE_VERSION &&
		    h->session) {
			*session = ntohl(h->session);
			*sender = ntohl(h->sender);
			*epoch = ntohl(h->epoch);
			return 0;
		}
	}
	return -1;
}

/* The highest counter the capture saw of @sender (0 if none), and, from
 * its heartbeats, the highest sequence number it reported bound.
 */
static uint64_t last_counter(__u32 sender, uint64_t *high)
{
	uint64_t top = 0, v;
	int i;

	*high = 0;
	for (i = 0; i < n_cap; i++) {
		struct wire_hdr *h = (void *)cap[i].buf;

		if (cap[i].len < sizeof(*h) || h->version != WIRE_VERSION ||
		    ntohl(h->sender) != sender)
			continue;
		v = be64toh(h->counter);
		if (v > top)
			top = v;
		if (h->type == T_HEARTBEAT && cap[i].len >= sizeof(*h) + 32) {
			memcpy(&v, cap[i].buf + sizeof(*h) + 8, 8);
			if (be64toh(v) > *high)
				*high = be64toh(v);
		}
	}
	return top;
}

/* A forged packet of member @sender: a header the parsers accept with a
 * counter its replay window has not seen.
 */
static void forged_hdr(unsigned char *p, __u8 type, __u32 session,
		       __u32 epoch, __u32 sender, int i)
{
	struct wire_hdr *h = (void *)p;
	uint64_t high;

	hdr(p, WIRE_VERSION, type, session, sender);
	h->epoch = htonl(epoch);
	h->counter = htobe64(last_counter(sender, &high) + 1000 + i);
}

static size_t forged_order(unsigned char *p, __u32 session, __u32 epoch,
			   int i, uint64_t seq, __u32 origin, __u32 msg_no)
{
	struct wire_order_ent *e;
	size_t len = sizeof(struct wire_hdr);

	forged_hdr(p, T_ORDER, session, epoch, 1, i);
	/* count 1, reserved 0 */
	p[len] = 0;
	p[len + 1] = 1;
	p[len + 2] = 0;
	p[len + 3] = 0;
	e = (void *)(p + len + 4);
	memset(e, 0, sizeof(*e));
	e->seq = htobe64(seq);
	e->origin = htonl(origin);
	e->msg_no = htonl(msg_no);
	e->nfrags = htons(1);
	return len + 4 + sizeof(*e);
}

static bool is_member_packet(const struct captured *c)
{
	const struct wire_hdr *h = (const void *)c->buf;

	/* Clear, or sealed (a secure group's): LSGC_HDR_SEALED only. */
	return c->len >= sizeof(*h) && h->version == WIRE_VERSION &&
	       h->session && h->sender && !(h->flags & ~htons(1));
}

/* With -T, the first packets of each type are kept (a joiner's requests,
 * repeated until it is admitted, must leave room for the answers).
 */
#define MAX_PER_TYPE	(MAX_CAPTURE / 4)

static int n_typed(__u8 type)
{
	int k, n = 0;

	for (k = 0; k < n_cap; k++)
		n += cap[k].buf[1] == type;
	return n;
}

static int capture(int ms)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct ip_mreqn mr = { .imr_multiaddr = grp, .imr_ifindex = ifindex };
	struct timespec t0, t;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket udp");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&a, sizeof(a)) < 0)
		die("bind capture socket");
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		die("IP_ADD_MEMBERSHIP");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n_cap < MAX_CAPTURE) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		long el;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (el >= ms || poll(&p, 1, ms - el) <= 0)
			break;
		n = recvfrom(fd, cap[n_cap].buf, sizeof(cap[n_cap].buf), 0,
			     (void *)&from, &fl);
		if (n <= 0)
			continue;
		cap[n_cap].len = n;
		cap[n_cap].src = from.sin_addr;
		if (only_sender &&
		    (!is_member_packet(&cap[n_cap]) ||
		     ntohl(((struct wire_hdr *)cap[n_cap].buf)->sender) != only_sender))
			continue;
		if (only_types && (n < (ssize_t)sizeof(struct wire_hdr) ||
				   cap[n_cap].buf[1] >= 32 ||
				   !(only_types & 1u << cap[n_cap].buf[1]) ||
				   n_typed(cap[n_cap].buf[1]) >= MAX_PER_TYPE))
			continue;
		n_cap++;
	}
	close(fd);
	return n_cap;
}

/* The @i-th (cyclically) captured packet a member sent: a valid header
 * with a sender number, so that its replay is judged by that sender's
 * replay window.  NULL if none was captured.
 */
static struct captured *member_packet(int i)
{
	int k, n = 0, want;

	for (k = 0; k < n_cap; k++)
		n += is_member_packet(&cap[k]);
	if (!n)
		return NULL;
	want = i % n;
	for (k = 0; k < n_cap; k++)
		if (is_member_packet(&cap[k]) && !want--)
			return &cap[k];
	return NULL;
}

/* The @i-th (cyclically) captured packet of @type, NULL if none. */
static struct captured *typed_packet(int i, __u8 type)
{
	int k, n = 0, want;

	for (k = 0; k < n_cap; k++)
		n += cap[k].len >= sizeof(struct wire_hdr) && cap[k].buf[1] == type;
	if (!n)
		return NULL;
	want = i % n;
	for (k = 0; k < n_cap; k++)
		if (cap[k].len >= sizeof(struct wire_hdr) &&
		    cap[k].buf[1] == type && !want--)
			return &cap[k];
	return NULL;
}

static int inject(const char *kind, int count)
{
	unsigned char p[65536];
	__u32 session = 0, sender = 0, epoch = 0;
	int i, sent = 0;
	unsigned long long bytes = 0;
	bool have_real = real_session(&session, &sender, &epoch) == 0;

	for (i = 0; i < count; i++) {
		size_t len;

		if (!strcmp(kind, "trunc")) {
			len = i % sizeof(struct wire_hdr);
			hdr(p, WIRE_VERSION, T_DATA, have_real ? session : 1, sender);
		} else if (!strcmp(kind, "shortbody")) {
			/* Not UDATA (10): its body may have any length. */
			static const __u8 types[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
			__u8 t = types[i % sizeof(types)];

			hdr(p, WIRE_VERSION, t, have_real ? session : 1, sender);
			/* 0..3 body bytes: shorter than every body type. */
			len = sizeof(struct wire_hdr) + (i / 9) % 4;
			fill_rand(p + sizeof(struct wire_hdr), 4);
		} else if (!strcmp(kind, "version")) {
			static const __u8 v[] = { 0, 2, 255 };

			len = 24 + 48;
			fill_rand(p, len);
			hdr(p, v[i % 3], T_DATA, have_real ? session : 1, sender);
		} else if (!strcmp(kind, "session")) {
			static const __u8 t[] = { T_DATA, T_ORDER, T_HEARTBEAT };
			__u32 s;

			do {
				s = rnd();
			} while (!s || s == session);
			len = 24 + 64;
			fill_rand(p, len);
			hdr(p, WIRE_VERSION, t[i % 3], s, sender);
		} else if (!strcmp(kind, "type")) {
			__u8 t = i % 2 ? 0 : T_MAX + (rnd() % (256 - T_MAX));

			len = 24 + 64;
			fill_rand(p, len);
			hdr(p, WIRE_VERSION, t, session, sender);
		} else if (!strcmp(kind, "oversize")) {
			struct wire_data *dd = (void *)(p + sizeof(struct wire_hdr));
			struct wire_hdr *h = (void *)p;

			/* Every field valid but the payload: longer than the
			 * message it claims to be a fragment of.
			 */
			len = 60000;
			fill_rand(p, len);
			hdr(p, WIRE_VERSION, T_DATA, session, sender);
			h->epoch = htonl(epoch);
			memset(dd, 0, sizeof(*dd));
			dd->origin = h->sender;
			dd->msg_no = htonl(1000000 + i);
			dd->nfrags = htons(1);
			dd->total_len = htonl(1000);
		} else if (!strcmp(kind, "flood")) {
			struct wire_data *dd = (void *)(p + sizeof(struct wire_hdr));
			struct wire_hdr *h = (void *)p;
			size_t body = 32;

			hdr(p, WIRE_VERSION, T_DATA, session, 0x7ffffff8u);
			h->epoch = htonl(epoch);
			memset(dd, 0, sizeof(*dd));
			dd->origin = h->sender;
			dd->msg_no = htonl(i + 1);
			dd->nfrags = htons(1);
			dd->total_len = htonl(body);
			len = sizeof(*h) + sizeof(*dd) + body;
			fill_rand(p + sizeof(*h) + sizeof(*dd), body);
		} else if (!strcmp(kind, "farorder")) {
			len = forged_order(p, session, epoch, i,
					   (1ULL << 40) + i, 2, 100000 + i);
		} else if (!strcmp(kind, "fakeview")) {
			struct wire_data *dd = (void *)(p + sizeof(struct wire_hdr));
			size_t body = 40;
			uint64_t high;

			if (i)
				break;	/* one fake view is enough */
			last_counter(1, &high);
			len = forged_order(p, session, epoch, 0, high + 1, 2,
					   77777);
			send_raw(p, len, src_addr);
			usleep(20000);
			forged_hdr(p, T_DATA, session, epoch, 2, 0);
			memset(dd, 0, sizeof(*dd));
			dd->origin = htonl(2);
			dd->msg_no = htonl(77777);
			dd->nfrags = htons(1);
			dd->flags = htonl(DATA_VIEW);
			dd->total_len = htonl(body);
			len = sizeof(struct wire_hdr) + sizeof(*dd) + body;
			fill_rand(p + sizeof(struct wire_hdr) + sizeof(*dd), body);
		} else if (!strcmp(kind, "random")) {
			len = rnd() % 1400;
			fill_rand(p, len);
		} else if (!strcmp(kind, "joinreq") || !strcmp(kind, "joinsack") ||
			   !strcmp(kind, "jointoken") || !strcmp(kind, "token") ||
			   !strcmp(kind, "stolentoken")) {
			__u8 t = !strcmp(kind, "joinreq") ? T_JOIN_REQ :
				 !strcmp(kind, "joinsack") ? T_JOIN_SACK :
				 !strcmp(kind, "jointoken") ? T_JOIN_TOKEN : T_TOKEN;
			struct captured *c;

			c = typed_packet(i, t);
			if (!c)
				break;
			memcpy(p, c->buf, c->len);
			len = c->len;
			/* The identity opens the TOKEN body. */
			if (!strcmp(kind, "stolentoken") &&
			    len >= sizeof(struct wire_hdr) + 16) {
				memset(p + sizeof(struct wire_hdr), 0, 16);
				memcpy(p + sizeof(struct wire_hdr), "thief", 5);
			}
		} else if (!strcmp(kind, "clear")) {
			static const __u8 t[] = { T_ORDER, 3, 4, 9 };
			struct wire_hdr *h = (void *)p;

			len = sizeof(*h) + 32;
			fill_rand(p, len);
			hdr(p, WIRE_VERSION, t[i % 4], session, 1);
			h->epoch = htonl(epoch);
			h->counter = htobe64(rnd() >> 1);
		} else if (!strcmp(kind, "replay") || !strcmp(kind, "notmember") ||
			   !strcmp(kind, "sealed") || !strcmp(kind, "flags") ||
			   !strcmp(kind, "tamper") || !strcmp(kind, "tamperhdr")) {
			struct wire_hdr *h = (void *)p;
			struct captured *c;

			c = member_packet(i);
			if (!c)
				break;
			memcpy(p, c->buf, c->len);
			len = c->len;
			if (!strcmp(kind, "notmember")) {
				h->sender = htonl(0x7ffffff0u + (i & 7));
				h->counter = htobe64(rnd() >> 1);
			} else if (!strcmp(kind, "sealed")) {
				h->flags = htons(1);	/* LSGC_HDR_SEALED */
			} else if (!strcmp(kind, "flags")) {
				h->flags = htons(2 << (i % 15));
			} else if (!strcmp(kind, "tamper") && len > sizeof(*h)) {
				p[sizeof(*h) + rnd() % (len - sizeof(*h))] ^=
					1 << (rnd() % 8);
			} else if (!strcmp(kind, "tamperhdr")) {
				h->counter ^= htobe64(1ULL << (32 + i % 24));
			}
			/* From the injector's own address: a copy spoofed
			 * with a receiver's own address would be dropped by
			 * its IP layer (martian source) before LSGC saw it.
			 */
			send_raw(p, len, src_addr);
			sent++;
			bytes += len;
			continue;
		} else {
			fprintf(stderr, "lsgc_inject: unknown kind %s\n", kind);
			exit(1);
		}
		send_raw(p, len, src_addr);
		sent++;
		bytes += len;
		if ((i & 15) == 15)
			usleep(1000);	/* do not overrun the receive buffers */
	}
	printf("inject %s %d %llu\n", kind, sent, bytes);
	fflush(stdout);
	return sent;
}

/* -W: the captures, for later runs: (length, source, bytes) each. */
static int save_captures(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return -1;
	for (i = 0; i < n_cap; i++) {
		uint32_t l = cap[i].len;

		if (fwrite(&l, sizeof(l), 1, f) != 1 ||
		    fwrite(&cap[i].src, sizeof(cap[i].src), 1, f) != 1 ||
		    fwrite(cap[i].buf, 1, l, f) != l) {
			fclose(f);
			return -1;
		}
	}
	return fclose(f);
}

static int load_captures(const char *path)
{
	FILE *f = fopen(path, "r");
	uint32_t l;

	if (!f)
		return -1;
	while (n_cap < MAX_CAPTURE && fread(&l, sizeof(l), 1, f) == 1) {
		if (l > sizeof(cap[n_cap].buf) ||
		    fread(&cap[n_cap].src, sizeof(cap[n_cap].src), 1, f) != 1 ||
		    fread(cap[n_cap].buf, 1, l, f) != l) {
			fclose(f);
			return -1;
		}
		cap[n_cap++].len = l;
	}
	fclose(f);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: lsgc_inject -i IF -s SRC [-g GROUP] [-p PORT] [-w MS | -R FILE] [-W FILE]\n"
"                   [-F NO] [-n N] [-S SEED] [KIND...]\n"
"  KIND: trunc shortbody version session type oversize random replay notmember\n"
"        sealed flags flood farorder fakeview tamper tamperhdr clear joinreq\n"
"        joinsack jointoken token stolentoken\n"
"  -w MS   capture group traffic for MS ms first (needed by type, oversize,\n"
"          replay, notmember, sealed, flags, flood; session-dependent kinds\n"
"          then use the real session)\n"
"  -W FILE save what was captured; -R FILE use it instead of capturing\n"
"  -F NO   capture only the packets member NO sent\n"
"  -T LIST capture only packets of these types (comma-separated numbers),\n"
"          at most 16 of each\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *group = LSGC_TEST_DEFAULT_GROUP, *ifname = NULL, *src = NULL;
	const char *save = NULL, *load = NULL;
	int c, count = 20, wait_ms = 0, one = 1, i;

	port = LSGC_TEST_DEFAULT_PORT;
	while ((c = getopt(argc, argv, "g:p:i:s:w:n:S:W:R:F:T:")) != -1) {
		switch (c) {
		case 'g': group = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'i': ifname = optarg; break;
		case 's': src = optarg; break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		case 'S': rng = strtoull(optarg, NULL, 0) | 1; break;
		case 'W': save = optarg; break;
		case 'R': load = optarg; break;
		case 'F': only_sender = strtoul(optarg, NULL, 0); break;
		case 'T': {
			char *t = optarg, *end;
			unsigned long v;

			for (;;) {
				v = strtoul(t, &end, 0);
				if (end == t || v >= 32)
					usage();
				only_types |= 1u << v;
				if (*end != ',')
					break;
				t = end + 1;
			}
			if (*end)
				usage();
			break;
		}
		default: usage();
		}
	}
	if (!ifname || !src || (optind == argc && !save) || (save && !wait_ms))
		usage();
	if (inet_pton(AF_INET, group, &grp) != 1 ||
	    inet_pton(AF_INET, src, &src_addr) != 1)
		usage();
	if (lsgc_parse_ifindex(ifname, &ifindex) || !ifindex) {
		fprintf(stderr, "lsgc_inject: no interface %s\n", ifname);
		return 2;
	}
	raw_fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (raw_fd < 0)
		die("socket raw");
	if (setsockopt(raw_fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
		die("IP_HDRINCL");
	if (setsockopt(raw_fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       strlen(ifname)) < 0)
		die("SO_BINDTODEVICE");
	udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp_fd < 0)
		die("socket udp");
	{
		struct ip_mreqn mr = { .imr_ifindex = ifindex };
		unsigned char ttl = 1;

		if (setsockopt(udp_fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    setsockopt(udp_fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 1) < 0)
			die("IP_MULTICAST_IF");
	}
	if (load) {
		if (load_captures(load) || !n_cap) {
			fprintf(stderr, "lsgc_inject: no captures in %s\n", load);
			return 3;
		}
	} else if (wait_ms) {
		capture(wait_ms);
		printf("captured %d\n", n_cap);
		if (!n_cap) {
			fprintf(stderr, "lsgc_inject: no group traffic captured in %d ms\n",
				wait_ms);
			return 3;
		}
		if (save && save_captures(save))
			die(save);
	}
	for (i = optind; i < argc; i++)
		inject(argv[i], count);
	return 0;
}
