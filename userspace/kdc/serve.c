// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc-kdc serve: the KDC helper daemon of a network namespace.
 *
 * It resolves the generic netlink family "lsgc_kdc" (linux/lsgc_kdc.h),
 * joins its "kdc" multicast group and answers every LSGC_KDC_CMD_REQUEST
 * the kernel multicasts with one LSGC_KDC_CMD_ANSWER, computed from the
 * database (answer.c) or obtained from a remote kdcd (relay.c), which the
 * kernel checks by its MAC.
 *
 * Everything in a request is checked before it is used: the sender is
 * the kernel (port 0), every attribute lies inside the message and has
 * its exact length, the known ones appear once, there are 1 to
 * LSGC_KDC_MAX_PEERS peers of one identity each.  A request that fails a
 * check is not answered (the kernel times it out) and is logged once, in
 * one line; logs are rate limited.  ENOBUFS (the socket's buffer
 * overflowed: requests were lost, the kernel times them out) is logged
 * and the daemon goes on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <sodium.h>

#include "kdc.h"

#define RCVBUF_SIZE	(1 << 20)	/* the socket's: some 170 requests of 256 peers */
#define MSG_BUF_SIZE	(64 << 10)	/* one recvmsg() */
#define ANS_BUF_SIZE	(32 << 10)	/* an answer of 256 peers is 17.5 KiB */
#define DEFAULT_RELAY_MS 5000		/* a request without LSGC_KDC_A_TIMEOUT_MS */
#define MAX_RELAY_MS	30000

volatile sig_atomic_t kdc_stop, kdc_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		kdc_hup = 1;
	else
		kdc_stop = 1;
}

/*
 * SIGTERM, SIGINT and SIGHUP are blocked and only let through in ppoll(),
 * so that none is lost between a check of kdc_stop and the wait.
 */
int kdc_signals_block(sigset_t *waitmask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, waitmask))
		return -1;
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* kdc_err(), at most 100 lines per 10 s, then a count of what was left out. */
void kdc_log_limited(const char *fmt, ...)
{
	static unsigned int lines, dropped;
	static time_t window;
	struct timespec now;
	char buf[512];
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - window >= 10) {
		if (dropped)
			kdc_err("%u log lines suppressed", dropped);
		window = now.tv_sec;
		lines = 0;
		dropped = 0;
	}
	if (++lines > 100) {
		dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kdc_err("%s", buf);
}

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	uint16_t family;
	uint32_t group;
	uint32_t version;
};

/* ---------------------------------------------------------------- family */

struct family_info {
	uint16_t id;
	uint32_t version;
	uint32_t group;
	int have_id, have_group;
};

static void parse_groups(const struct nlattr *nest, struct family_info *fi)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, nest) {
		const char *name = NULL;
		uint32_t id = 0;
		int have = 0;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				id = mnl_attr_get_u32(a);
				have = 1;
			}
		}
		if (name && have && !strcmp(name, LSGC_KDC_MCGRP)) {
			fi->group = id;
			fi->have_group = 1;
		}
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0) {
				fi->id = mnl_attr_get_u16(a);
				fi->have_id = 1;
			}
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				fi->version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			parse_groups(a, fi);
			break;
		}
	}
	return MNL_CB_OK;
}

/*
 * CTRL_CMD_GETFAMILY "lsgc_kdc": its id and the id of its "kdc" group.
 * ENOENT from the controller means no such family: the module is not
 * loaded (or is one without the KDC upcall).
 */
static int resolve_family(struct nl *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct family_info fi = { 0 };
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	unsigned int seq = time(NULL);
	int ret = MNL_CB_OK;
	ssize_t n;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, LSGC_KDC_GENL_NAME);
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		kdc_err("netlink: %s", strerror(errno));
		return KDC_ENET;
	}
	do {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR && !kdc_stop)
				continue;
			kdc_err("netlink: %s", strerror(errno));
			return KDC_ENET;
		}
		ret = mnl_cb_run(buf, n, seq, nl->portid, family_cb, &fi);
	} while (ret > 0);
	if (ret < 0) {
		if (errno == ENOENT) {
			kdc_err("no generic netlink family \"%s\": the lsgc module (with the KDC upcall) is not loaded",
				LSGC_KDC_GENL_NAME);
			return KDC_ENOFAMILY;
		}
		kdc_err("netlink: resolving \"%s\": %s", LSGC_KDC_GENL_NAME, strerror(errno));
		return KDC_ENET;
	}
	if (!fi.have_id || !fi.have_group) {
		kdc_err("the generic netlink family \"%s\" has no \"%s\" multicast group",
			LSGC_KDC_GENL_NAME, LSGC_KDC_MCGRP);
		return KDC_ENOFAMILY;
	}
	nl->family = fi.id;
	nl->group = fi.group;
	nl->version = fi.version;
	return KDC_OK;
}

static int nl_open(struct nl *nl, const struct kdc_serve_opts *so)
{
	int one = 1, size = RCVBUF_SIZE, ret;

	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		kdc_err("netlink socket: %s", strerror(errno));
		return KDC_ENET;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Root may pass the rmem_max limit; anyone else gets what it allows. */
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)))
		setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	if (so->family_id) {
		nl->family = so->family_id;
		return KDC_OK;
	}
	ret = resolve_family(nl);
	if (ret)
		return ret;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &nl->group,
				  sizeof(nl->group)) < 0) {
		kdc_err("joining the \"%s\" group of \"%s\": %s%s", LSGC_KDC_MCGRP,
			LSGC_KDC_GENL_NAME, strerror(errno),
			errno == EPERM ? " (it needs CAP_NET_ADMIN over the namespace)" : "");
		return KDC_ENET;
	}
	return KDC_OK;
}

/* ---------------------------------------------------------------- requests */

/*
 * The attributes in [p, p + len) one by one: 0 and *a, 1 at the end, or
 * -1 and *why when the bytes are not whole attributes.  The last one may
 * lack its alignment padding.
 */
static int next_attr(const char **p, size_t *len, const struct nlattr **a, const char **why)
{
	size_t step;

	if (*len == 0)
		return 1;
	*a = (const struct nlattr *)*p;
	if (*len < NLA_HDRLEN || (*a)->nla_len < NLA_HDRLEN || (*a)->nla_len > *len) {
		*why = "an attribute overruns the message";
		return -1;
	}
	step = NLA_ALIGN((*a)->nla_len);
	if (step > *len)
		step = *len;
	*p += step;
	*len -= step;
	return 0;
}

static const char *parse_peer(const struct nlattr *nest, unsigned char id[LSGC_ID_LEN])
{
	const char *p = mnl_attr_get_payload(nest), *why = NULL;
	size_t len = mnl_attr_get_payload_len(nest);
	const struct nlattr *a;
	int r, have = 0;

	while (!(r = next_attr(&p, &len, &a, &why))) {
		if ((a->nla_type & NLA_TYPE_MASK) != LSGC_KDC_PEER_A_ID)
			continue;	/* a later version's: not ours to judge */
		if (have)
			return "a peer with two identities";
		if (mnl_attr_get_payload_len(a) != LSGC_ID_LEN)
			return "a peer identity of the wrong length";
		memcpy(id, mnl_attr_get_payload(a), LSGC_ID_LEN);
		have = 1;
	}
	if (r < 0)
		return why;
	return have ? NULL : "a peer without identity";
}

static const char *parse_request(const struct nlmsghdr *nlh, struct kdc_request *rq)
{
	const char *p, *why = NULL;
	const struct nlattr *a;
	unsigned int seen = 0, type;
	size_t len;
	int r;

	memset(rq, 0, sizeof(*rq));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return "no generic netlink header";
	p = (const char *)mnl_nlmsg_get_payload(nlh) + GENL_HDRLEN;
	len = mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN;
	while (!(r = next_attr(&p, &len, &a, &why))) {
		size_t alen = mnl_attr_get_payload_len(a);
		const void *v = mnl_attr_get_payload(a);

		type = a->nla_type & NLA_TYPE_MASK;
		if (type == LSGC_KDC_A_PEER) {
			if (rq->n == LSGC_KDC_MAX_PEERS)
				return "more than LSGC_KDC_MAX_PEERS peers";
			why = parse_peer(a, rq->peer[rq->n]);
			if (why)
				return why;
			rq->n++;
			continue;
		}
		if (type == 0 || type > LSGC_KDC_A_MAX)
			continue;	/* a later version's */
		if (seen & (1u << type))
			return "an attribute given twice";
		seen |= 1u << type;
		switch (type) {
		case LSGC_KDC_A_REQ_ID:
			if (alen != sizeof(uint32_t))
				return "REQ_ID is not a u32";
			memcpy(&rq->req_id, v, sizeof(uint32_t));
			break;
		case LSGC_KDC_A_REQUESTER:
			if (alen != LSGC_ID_LEN)
				return "REQUESTER of the wrong length";
			memcpy(rq->requester, v, LSGC_ID_LEN);
			break;
		case LSGC_KDC_A_NONCE:
			if (alen != LSGC_KDC_NONCE_LEN)
				return "NONCE of the wrong length";
			memcpy(rq->nonce, v, LSGC_KDC_NONCE_LEN);
			break;
		case LSGC_KDC_A_TIMEOUT_MS:
			if (alen != sizeof(uint32_t))
				return "TIMEOUT_MS is not a u32";
			memcpy(&rq->timeout_ms, v, sizeof(uint32_t));
			break;
		default:	/* STATUS, MAC: an answer's */
			return "an answer's attribute in a request";
		}
	}
	if (r < 0)
		return why;
	if (!(seen & (1u << LSGC_KDC_A_REQ_ID)))
		return "no REQ_ID";
	if (!(seen & (1u << LSGC_KDC_A_REQUESTER)))
		return "no REQUESTER";
	if (!(seen & (1u << LSGC_KDC_A_NONCE)))
		return "no NONCE";
	if (rq->n == 0)
		return "no peer";
	return NULL;
}

/* ---------------------------------------------------------------- answers */

static struct nlmsghdr *build_answer(char *buf, const struct nl *nl,
				     const struct kdc_answer *an)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	struct nlattr *nest;
	uint32_t i;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = an->req_id;	/* the ack names the request */
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = LSGC_KDC_CMD_ANSWER;
	g->version = LSGC_KDC_GENL_VERSION;
	mnl_attr_put_u32(nlh, LSGC_KDC_A_REQ_ID, an->req_id);
	if (an->status) {
		mnl_attr_put_u32(nlh, LSGC_KDC_A_STATUS, an->status);
		return nlh;
	}
	for (i = 0; i < an->n; i++) {
		nest = mnl_attr_nest_start(nlh, LSGC_KDC_A_PEER);
		mnl_attr_put(nlh, LSGC_KDC_PEER_A_ID, LSGC_ID_LEN, an->peer[i].id);
		mnl_attr_put_u32(nlh, LSGC_KDC_PEER_A_STATUS, an->peer[i].status);
		if (!an->peer[i].status)
			mnl_attr_put(nlh, LSGC_KDC_PEER_A_PAIR, LSGC_KDC_PAIR_LEN,
				     an->peer[i].pair);
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_put(nlh, LSGC_KDC_A_MAC, LSGC_KDC_MAC_LEN, an->mac);
	return nlh;
}

static void send_answer(struct nl *nl, const struct kdc_answer *an, uint32_t to, char *buf)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_pid = to };
	struct nlmsghdr *nlh = build_answer(buf, nl, an);

	while (sendto(mnl_socket_get_fd(nl->sock), nlh, nlh->nlmsg_len, 0,
		      (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		if (errno == EINTR)
			continue;
		kdc_log_limited("request %u: sending the answer: %s", an->req_id,
				strerror(errno));
		break;
	}
	sodium_memzero(buf, nlh->nlmsg_len);
}

/* The kernel's ack of an answer: only a refusal is worth a line. */
static void handle_ack(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)) || e->error == 0)
		return;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, sizeof(*e)) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				msg = mnl_attr_get_str(a);
		}
	}
	kdc_log_limited("request %u: the kernel refused the answer: %s%s%s", nlh->nlmsg_seq,
			strerror(-e->error), msg ? ": " : "", msg ? msg : "");
}

static void relay_answer(const struct kdc_serve_opts *so, const struct kdc_request *rq,
			 struct kdc_answer *an)
{
	uint64_t ms = rq->timeout_ms ? rq->timeout_ms - rq->timeout_ms / 10 : DEFAULT_RELAY_MS;
	int err = 0;

	if (ms > MAX_RELAY_MS)
		ms = MAX_RELAY_MS;
	if (ms < 1)
		ms = 1;
	if (kdc_relay_query(so->relay, rq, (int)ms, an, &err)) {
		memset(an, 0, sizeof(*an));
		an->req_id = rq->req_id;
		an->status = err == ETIMEDOUT ? ETIMEDOUT : EIO;
		kdc_log_limited("request %u: the KDC did not answer (%s): answering %s",
				rq->req_id, strerror(err), kdc_status_name(an->status));
	}
}

static void handle_request(struct nl *nl, const struct kdc_serve_opts *so,
			   const struct nlmsghdr *nlh, uint32_t from,
			   struct kdc_request *rq, struct kdc_answer *an, char *buf)
{
	char sl[KDC_ID_HEX_LEN + 1];
	const char *why;
	uint32_t i, ok = 0;

	why = parse_request(nlh, rq);
	if (why) {
		kdc_log_limited("ignored a malformed request (seq %u, %u bytes): %s",
				nlh->nlmsg_seq, nlh->nlmsg_len, why);
		return;
	}
	if (so->relay) {
		relay_answer(so, rq, an);
	} else if (kdc_answer(kdc_live_get(so->live, kdc_hup), rq, an)) {
		kdc_log_limited("request %u: no answer could be computed", rq->req_id);
	}
	kdc_hup = 0;
	for (i = 0; i < an->n; i++)
		ok += !an->peer[i].status;
	kdc_id_hex(rq->requester, sl);
	/* One line per request the kernel made: not limited. */
	if (an->status)
		kdc_err("request %u: requester %s, %u peers: %s", rq->req_id, sl, rq->n,
			kdc_status_name(an->status));
	else
		kdc_err("request %u: requester %s, %u peers: %u pair keys", rq->req_id, sl,
			rq->n, ok);
	send_answer(nl, an, so->loopback ? from : 0, buf);
	sodium_memzero(an, sizeof(*an));
}

static void handle_buf(struct nl *nl, const struct kdc_serve_opts *so, const char *buf,
		       size_t len, uint32_t from, struct kdc_request *rq, struct kdc_answer *an,
		       char *abuf)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			if (!from)
				handle_ack(nlh);
			continue;
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (nlh->nlmsg_type != nl->family) {
			kdc_log_limited("ignored a message of netlink type %u", nlh->nlmsg_type);
			continue;
		}
		if (mnl_nlmsg_get_payload_len(nlh) >= GENL_HDRLEN &&
		    ((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd !=
		    LSGC_KDC_CMD_REQUEST) {
			kdc_log_limited("ignored command %u of \"%s\"",
					((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd,
					LSGC_KDC_GENL_NAME);
			continue;
		}
		handle_request(nl, so, nlh, from, rq, an, abuf);
	}
	if (n > 0)
		kdc_log_limited("ignored %d bytes that are not a netlink message", n);
}

int kdc_serve(const struct kdc_serve_opts *so)
{
	struct kdc_request *rq = NULL;
	struct kdc_answer *an = NULL;
	char *buf = NULL, *abuf = NULL;
	struct nl nl = { 0 };
	sigset_t waitmask;
	struct pollfd pfd;
	int ret;

	if (kdc_signals_block(&waitmask)) {
		kdc_err("sigprocmask: %s", strerror(errno));
		return KDC_ENET;
	}
	ret = nl_open(&nl, so);
	if (ret)
		goto out;
	rq = malloc(sizeof(*rq));
	an = sodium_malloc(sizeof(*an));
	buf = malloc(MSG_BUF_SIZE);
	abuf = sodium_malloc(ANS_BUF_SIZE);
	if (!rq || !an || !buf || !abuf) {
		kdc_err("out of memory");
		ret = KDC_ECRYPTO;
		goto out;
	}
	if (so->loopback)
		kdc_err("test loopback: requests from any netlink port, answers to it; portid %u family %u",
			nl.portid, nl.family);
	printf("lsgc-kdc: serving %s\n", so->banner);
	fflush(stdout);

	pfd.fd = mnl_socket_get_fd(nl.sock);
	pfd.events = POLLIN;
	while (!kdc_stop) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, MSG_BUF_SIZE };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		ssize_t n;

		if (ppoll(&pfd, 1, NULL, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			kdc_err("poll: %s", strerror(errno));
			ret = KDC_ENET;
			break;
		}
		n = recvmsg(pfd.fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				kdc_log_limited("netlink: ENOBUFS, requests were lost (the kernel times them out)");
				continue;
			}
			kdc_err("netlink: %s", strerror(errno));
			ret = KDC_ENET;
			break;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			kdc_log_limited("ignored a datagram larger than %d bytes", MSG_BUF_SIZE);
			continue;
		}
		if (msg.msg_namelen != sizeof(from) || (from.nl_pid && !so->loopback)) {
			kdc_log_limited("ignored a message from netlink port %u, not the kernel",
					from.nl_pid);
			continue;
		}
		handle_buf(&nl, so, buf, n, from.nl_pid, rq, an, abuf);
	}
	if (kdc_stop)
		ret = KDC_OK;
out:
	if (nl.sock)
		mnl_socket_close(nl.sock);
	free(rq);
	free(buf);
	if (an)
		sodium_free(an);
	if (abuf)
		sodium_free(abuf);
	return ret;
}
