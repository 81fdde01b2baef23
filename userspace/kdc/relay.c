// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc-kdc: the relay protocol, between `serve --relay` (or the test
 * command relay-query) and a remote `kdcd`: the paper's messages 2 and 3.
 *
 * TCP, one request and its answer per connection from the relay (kdcd
 * also takes several in a row on one connection).  Every message is a
 * frame, a big-endian u32 length and that many bytes:
 *
 *	request:	"LKQ1" || be32 req_id || requester (16) || nonce (16) ||
 *			be32 n || n identities (16 each)		44 + 16 n bytes
 *	answer:		"LKA1" || be32 req_id || be32 status		12 bytes, status not 0
 *			"LKA1" || be32 req_id || be32 0 || be32 n ||
 *			n times (id (16) || be32 status || pair (32)) ||
 *			MAC (32)					48 + 52 n bytes
 *
 * with 1 <= n <= LSGC_KDC_MAX_PEERS, the answer's peers those of the
 * request in its order, a pair of 32 zero bytes when its status is not 0.
 * A length out of bounds or not exactly the one its content implies ends
 * the connection.  The relay knows no key: the MAC is under a key derived
 * from the requester's long-term key and the kernel checks it; a pair key
 * on the wire is {A}K_SL xor {SL}K_A, which only the holders of K_SL or
 * K_A can unmask.  Nothing else is protected: an eavesdropper learns who
 * asks for whom, anyone who reaches kdcd learns which identities exist,
 * and one who can alter the stream can make a request fail (never succeed
 * with a wrong key).
 *
 * kdcd serves up to max_clients connections at a time, each bounded in
 * time (a frame must arrive, and an answer leave, within
 * client_timeout_ms), with non-blocking sockets and one poll loop: a slow
 * or hostile client costs one slot for a few seconds and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sodium.h>

#include "kdc.h"

#define REQ_MAGIC	"LKQ1"
#define ANS_MAGIC	"LKA1"
#define REQ_HDR		44
#define REQ_MIN		(REQ_HDR + LSGC_ID_LEN)
#define REQ_MAX		(REQ_HDR + LSGC_KDC_MAX_PEERS * LSGC_ID_LEN)
#define ANS_FAIL	12
#define ANS_PEER	(LSGC_ID_LEN + 4 + LSGC_KDC_PAIR_LEN)
#define ANS_HDR		16
#define ANS_LEN(n)	(ANS_HDR + (n) * ANS_PEER + LSGC_KDC_MAC_LEN)
#define ANS_MAX		ANS_LEN(LSGC_KDC_MAX_PEERS)

struct kdc_addr {
	struct addrinfo *ai;
	char text[300];
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* ---------------------------------------------------------------- addresses */

/*
 * HOST:PORT, [IPV6]:PORT, or with passive (a listening address) PORT
 * alone for every address.  PORT is a number or a service name.
 */
int kdc_addr_parse(const char *arg, int passive, struct kdc_addr **addr)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG,
	};
	char buf[300], *host = NULL, *port;
	struct kdc_addr *a;
	int r;

	if (strlen(arg) >= sizeof(buf) || !arg[0]) {
		kdc_err("address '%s': HOST:PORT%s", arg, passive ? " or PORT" : "");
		return KDC_EUSAGE;
	}
	strcpy(buf, arg);
	if (buf[0] == '[') {
		host = buf + 1;
		port = strchr(host, ']');
		if (!port || port[1] != ':') {
			kdc_err("address '%s': [IPV6]:PORT", arg);
			return KDC_EUSAGE;
		}
		*port = '\0';
		port += 2;
	} else {
		port = strrchr(buf, ':');
		if (port) {
			*port++ = '\0';
			host = buf;
			if (strchr(host, ':')) {
				kdc_err("address '%s': an IPv6 address goes in brackets, [ADDR]:PORT",
					arg);
				return KDC_EUSAGE;
			}
		} else if (passive) {
			port = buf;
		} else {
			kdc_err("address '%s': HOST:PORT", arg);
			return KDC_EUSAGE;
		}
	}
	if (!port[0] || (host && !host[0])) {
		kdc_err("address '%s': an empty host or port", arg);
		return KDC_EUSAGE;
	}
	/* No host to listen on: IPv6 first, whose socket also takes IPv4. */
	if (passive && !host)
		hints.ai_family = AF_INET6;
	a = calloc(1, sizeof(*a));
	if (!a) {
		kdc_err("out of memory");
		return KDC_ECRYPTO;
	}
	r = getaddrinfo(host, port, &hints, &a->ai);
	if (r && passive && !host) {
		hints.ai_family = AF_INET;
		r = getaddrinfo(host, port, &hints, &a->ai);
	}
	if (r) {
		kdc_err("address '%s': %s", arg, gai_strerror(r));
		free(a);
		return KDC_EUSAGE;
	}
	snprintf(a->text, sizeof(a->text), "%s", arg);
	*addr = a;
	return KDC_OK;
}

void kdc_addr_free(struct kdc_addr *addr)
{
	if (!addr)
		return;
	freeaddrinfo(addr->ai);
	free(addr);
}

/* ---------------------------------------------------------------- frames */

static size_t put_request(unsigned char *f, const struct kdc_request *rq)
{
	size_t len = REQ_HDR + rq->n * LSGC_ID_LEN;
	uint32_t i;

	put32(f, len);
	memcpy(f + 4, REQ_MAGIC, 4);
	put32(f + 8, rq->req_id);
	memcpy(f + 12, rq->requester, LSGC_ID_LEN);
	memcpy(f + 28, rq->nonce, LSGC_KDC_NONCE_LEN);
	put32(f + 44, rq->n);
	for (i = 0; i < rq->n; i++)
		memcpy(f + 4 + REQ_HDR + i * LSGC_ID_LEN, rq->peer[i], LSGC_ID_LEN);
	return 4 + len;
}

static const char *get_request(const unsigned char *b, size_t len, struct kdc_request *rq)
{
	uint32_t i;

	memset(rq, 0, sizeof(*rq));
	if (len < REQ_MIN || len > REQ_MAX)
		return "request length out of bounds";
	if (memcmp(b, REQ_MAGIC, 4))
		return "not a request";
	rq->req_id = get32(b + 4);
	memcpy(rq->requester, b + 8, LSGC_ID_LEN);
	memcpy(rq->nonce, b + 24, LSGC_KDC_NONCE_LEN);
	rq->n = get32(b + 40);
	if (rq->n < 1 || rq->n > LSGC_KDC_MAX_PEERS || len != REQ_HDR + rq->n * LSGC_ID_LEN)
		return "peer count and length disagree";
	for (i = 0; i < rq->n; i++)
		memcpy(rq->peer[i], b + REQ_HDR + i * LSGC_ID_LEN, LSGC_ID_LEN);
	return NULL;
}

static size_t put_answer(unsigned char *f, const struct kdc_answer *an)
{
	unsigned char *p;
	uint32_t i;

	memcpy(f + 4, ANS_MAGIC, 4);
	put32(f + 8, an->req_id);
	put32(f + 12, an->status);
	if (an->status) {
		put32(f, ANS_FAIL);
		return 4 + ANS_FAIL;
	}
	put32(f, ANS_LEN(an->n));
	put32(f + 16, an->n);
	p = f + 4 + ANS_HDR;
	for (i = 0; i < an->n; i++, p += ANS_PEER) {
		memcpy(p, an->peer[i].id, LSGC_ID_LEN);
		put32(p + LSGC_ID_LEN, an->peer[i].status);
		memcpy(p + LSGC_ID_LEN + 4, an->peer[i].pair, LSGC_KDC_PAIR_LEN);
	}
	memcpy(p, an->mac, LSGC_KDC_MAC_LEN);
	return 4 + ANS_LEN(an->n);
}

/* The answer to rq, checked against it; the MAC is the kernel's to check. */
static const char *get_answer(const unsigned char *b, size_t len, const struct kdc_request *rq,
			      struct kdc_answer *an)
{
	const unsigned char *p;
	uint32_t i, s;

	memset(an, 0, sizeof(*an));
	if (len < ANS_FAIL || memcmp(b, ANS_MAGIC, 4))
		return "not an answer";
	an->req_id = get32(b + 4);
	an->status = get32(b + 8);
	if (an->req_id != rq->req_id)
		return "the answer of another request";
	if (an->status)
		return len != ANS_FAIL ? "a failed answer with a body" :
		       an->status > 4095 ? "a status that is no errno" : NULL;
	if (len < ANS_HDR)
		return "a truncated answer";
	an->n = get32(b + 12);
	if (an->n != rq->n || len != ANS_LEN(rq->n))
		return "not one answer per peer";
	for (i = 0, p = b + ANS_HDR; i < an->n; i++, p += ANS_PEER) {
		struct kdc_answer_peer *pe = &an->peer[i];

		memcpy(pe->id, p, LSGC_ID_LEN);
		s = get32(p + LSGC_ID_LEN);
		memcpy(pe->pair, p + LSGC_ID_LEN + 4, LSGC_KDC_PAIR_LEN);
		pe->status = s;
		if (memcmp(pe->id, rq->peer[i], LSGC_ID_LEN))
			return "peers not those of the request, in its order";
		if (s != 0 && s != ENOKEY && s != EKEYREVOKED)
			return "a peer status other than 0, ENOKEY, EKEYREVOKED";
		if (s && !sodium_is_zero(pe->pair, LSGC_KDC_PAIR_LEN))
			return "a pair key with a failed peer";
	}
	memcpy(an->mac, p, LSGC_KDC_MAC_LEN);
	return NULL;
}

/* ---------------------------------------------------------------- the relay's side */

static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int64_t left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r > 0)
			return 0;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

static int connect_one(const struct addrinfo *ai, int64_t deadline)
{
	socklen_t sl = sizeof(int);
	int fd, err = 0, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		goto fail;
	if (wait_fd(fd, POLLOUT, deadline))
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl))
		goto fail;
	if (err) {
		errno = err;
		goto fail;
	}
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int io_all(int fd, unsigned char *buf, size_t len, int wr, int64_t deadline)
{
	ssize_t r;

	while (len) {
		if (wr)
			r = send(fd, buf, len, MSG_NOSIGNAL);
		else
			r = recv(fd, buf, len, 0);
		if (r > 0) {
			buf += r;
			len -= r;
			continue;
		}
		if (r == 0) {
			errno = ECONNRESET;	/* closed before the whole frame */
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (wait_fd(fd, wr ? POLLOUT : POLLIN, deadline))
			return -1;
	}
	return 0;
}

/*
 * rq to the kdcd at addr, its answer into *an within timeout_ms.  0, or
 * -1 and *err: ETIMEDOUT, a connection's errno, or EPROTO for an answer
 * that breaks the protocol (logged).
 */
int kdc_relay_query(struct kdc_addr *addr, const struct kdc_request *rq, int timeout_ms,
		    struct kdc_answer *an, int *err)
{
	static unsigned char frame[4 + ANS_MAX];
	int64_t deadline = now_ms() + timeout_ms;
	const struct addrinfo *ai;
	const char *why;
	uint32_t len;
	size_t n;
	int fd = -1;

	*err = 0;
	for (ai = addr->ai; ai; ai = ai->ai_next) {
		fd = connect_one(ai, deadline);
		if (fd >= 0 || errno == ETIMEDOUT)
			break;
	}
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	n = put_request(frame, rq);
	if (io_all(fd, frame, n, 1, deadline) || io_all(fd, frame, 4, 0, deadline))
		goto fail;
	len = get32(frame);
	if (len < ANS_FAIL || len > ANS_MAX) {
		kdc_log_limited("%s: an answer of %u bytes: not the protocol", addr->text, len);
		errno = EPROTO;
		goto fail;
	}
	if (io_all(fd, frame, len, 0, deadline))
		goto fail;
	close(fd);
	why = get_answer(frame, len, rq, an);
	sodium_memzero(frame, sizeof(frame));
	if (why) {
		kdc_log_limited("%s: request %u: %s", addr->text, rq->req_id, why);
		memset(an, 0, sizeof(*an));
		*err = EPROTO;
		return -1;
	}
	return 0;
fail:
	*err = errno;
	close(fd);
	return -1;
}

/* ---------------------------------------------------------------- kdcd */

struct client {
	int fd;
	int64_t deadline;
	size_t have;			/* bytes of in[] */
	size_t out_len, out_off;	/* an answer being written */
	char name[INET6_ADDRSTRLEN + 8];
	unsigned char in[4 + REQ_MAX];
	unsigned char out[4 + ANS_MAX];
};

static void client_close(struct client **c, const char *why)
{
	if (why)
		kdc_log_limited("kdcd: %s: %s: connection closed", (*c)->name, why);
	close((*c)->fd);
	sodium_memzero((*c)->out, sizeof((*c)->out));
	free(*c);
	*c = NULL;
}

static void client_name(const struct sockaddr_storage *ss, char *name, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
		port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
		port = ntohs(s->sin6_port);
	}
	snprintf(name, len, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
}

/* A whole request in c->in: its answer into c->out. */
static const char *client_answer(struct client *c, struct kdc_live_db *l,
				 struct kdc_request *rq, struct kdc_answer *an)
{
	char sl[KDC_ID_HEX_LEN + 1];
	const char *why;

	why = get_request(c->in + 4, c->have - 4, rq);
	if (why)
		return why;
	kdc_answer(kdc_live_get(l, kdc_hup), rq, an);
	kdc_hup = 0;
	kdc_id_hex(rq->requester, sl);
	kdc_log_limited("kdcd: %s: request %u: requester %s, %u peers: %s", c->name,
			rq->req_id, sl, rq->n, kdc_status_name(an->status));
	c->out_len = put_answer(c->out, an);
	c->out_off = 0;
	sodium_memzero(an, sizeof(*an));
	return NULL;
}

/* Reads what the frame still needs; answers it when whole. */
static void client_read(struct client **cp, struct kdc_live_db *l, struct kdc_request *rq,
			struct kdc_answer *an, int timeout_ms)
{
	struct client *c = *cp;
	size_t need = c->have < 4 ? 4 : 4 + get32(c->in);
	const char *why;
	ssize_t r;

	r = recv(c->fd, c->in + c->have, need - c->have, 0);
	if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r <= 0) {
		client_close(cp, r == 0 ? (c->have ? "closed within a frame" : NULL) :
			     strerror(errno));
		return;
	}
	c->have += r;
	if (c->have == 4) {
		uint32_t len = get32(c->in);

		if (len < REQ_MIN || len > REQ_MAX) {
			client_close(cp, "a frame length out of bounds");
			return;
		}
		return;
	}
	if (c->have < 4 || c->have < 4 + get32(c->in))
		return;
	why = client_answer(c, l, rq, an);
	if (why) {
		client_close(cp, why);
		return;
	}
	c->have = 0;
	c->deadline = now_ms() + timeout_ms;
}

static void client_write(struct client **cp, int timeout_ms)
{
	struct client *c = *cp;
	ssize_t r;

	r = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
	if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r < 0) {
		client_close(cp, strerror(errno));
		return;
	}
	c->out_off += r;
	if (c->out_off == c->out_len) {
		sodium_memzero(c->out, c->out_len);
		c->out_len = 0;
		c->out_off = 0;
		c->deadline = now_ms() + timeout_ms;
	}
}

static int listen_on(struct kdc_addr *addr, char *shown, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const struct addrinfo *ai;
	int fd = -1, one = 1, zero = 0, err = 0;

	for (ai = addr->ai; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 64))
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		kdc_err("listening on %s: %s", addr->text, strerror(err));
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		memset(&ss, 0, sizeof(ss));
	client_name(&ss, shown, len);
	return fd;
}

int kdc_kdcd(struct kdc_live_db *l, struct kdc_addr *listen_addr, int max_clients,
	     int client_timeout_ms)
{
	struct kdc_request *rq = malloc(sizeof(*rq));
	struct kdc_answer *an = sodium_malloc(sizeof(*an));
	struct client **cl = calloc(max_clients, sizeof(*cl));
	struct pollfd *pfd = calloc(max_clients + 1, sizeof(*pfd));
	char shown[INET6_ADDRSTRLEN + 8];
	int64_t paused_until = 0;
	int lfd = -1, ret = KDC_OK, i;
	sigset_t waitmask;

	if (!rq || !an || !cl || !pfd) {
		kdc_err("out of memory");
		ret = KDC_ECRYPTO;
		goto out;
	}
	if (kdc_signals_block(&waitmask)) {
		kdc_err("sigprocmask: %s", strerror(errno));
		ret = KDC_ENET;
		goto out;
	}
	lfd = listen_on(listen_addr, shown, sizeof(shown));
	if (lfd < 0) {
		ret = KDC_ENET;
		goto out;
	}
	printf("lsgc-kdc: kdcd listening on %s, realm %s\n", shown, l->db.realm);
	fflush(stdout);

	while (!kdc_stop) {
		int64_t now = now_ms(), wait = -1;
		struct timespec ts, *tsp = NULL;

		pfd[0].fd = now >= paused_until ? lfd : -1;
		pfd[0].events = POLLIN;
		if (now < paused_until)
			wait = paused_until - now;
		for (i = 0; i < max_clients; i++) {
			struct client *c = cl[i];

			pfd[i + 1].fd = -1;
			pfd[i + 1].revents = 0;
			if (!c)
				continue;
			if (now >= c->deadline) {
				client_close(&cl[i], c->out_len ? "the answer was not read in time" :
					     c->have ? "the request did not arrive in time" : NULL);
				continue;
			}
			pfd[i + 1].fd = c->fd;
			pfd[i + 1].events = c->out_len ? POLLOUT : POLLIN;
			if (wait < 0 || c->deadline - now < wait)
				wait = c->deadline - now;
		}
		if (wait >= 0) {
			ts.tv_sec = wait / 1000;
			ts.tv_nsec = (wait % 1000) * 1000000;
			tsp = &ts;
		}
		if (ppoll(pfd, max_clients + 1, tsp, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			kdc_err("poll: %s", strerror(errno));
			ret = KDC_ENET;
			break;
		}
		for (i = 0; i < max_clients; i++) {
			short ev = pfd[i + 1].revents;

			if (!cl[i] || !ev)
				continue;
			if (cl[i]->out_len)
				client_write(&cl[i], client_timeout_ms);
			else
				client_read(&cl[i], l, rq, an, client_timeout_ms);
		}
		while (pfd[0].revents & POLLIN) {
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);
			struct client *c;
			int fd;

			fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EMFILE || errno == ENFILE || errno == ENOMEM ||
				    errno == ENOBUFS) {
					kdc_log_limited("kdcd: accept: %s", strerror(errno));
					paused_until = now_ms() + 100;
				}
				break;
			}
			for (i = 0; i < max_clients && cl[i]; i++)
				;
			c = i < max_clients ? malloc(sizeof(*c)) : NULL;
			if (!c) {
				kdc_log_limited("kdcd: %d connections already: one refused",
						max_clients);
				close(fd);
				continue;
			}
			c->fd = fd;
			c->have = 0;
			c->out_len = 0;
			c->out_off = 0;
			c->deadline = now_ms() + client_timeout_ms;
			client_name(&ss, c->name, sizeof(c->name));
			cl[i] = c;
		}
	}
out:
	for (i = 0; cl && i < max_clients; i++)
		if (cl[i])
			client_close(&cl[i], NULL);
	if (lfd >= 0)
		close(lfd);
	free(rq);
	free(cl);
	free(pfd);
	if (an)
		sodium_free(an);
	return ret;
}
