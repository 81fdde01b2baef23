// SPDX-License-Identifier: GPL-2.0
/*
 * nl_extack: the "lsgc" generic netlink family refuses malformed requests
 * with an errno and an extended ACK that says why.
 *
 * Each case sends one dump request (or a request of the wrong kind) and
 * checks the errno, the message of the extended ACK, and where the kernel
 * reports them, the offset of the offending attribute or the type of the
 * missing one.  The module must be loaded; prints KTAP.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/lsgc.h>
#include <linux/lsgc_netlink.h>

static struct mnl_socket *nl;
static uint16_t family;
static char buf[65536];
static int n_test, n_fail;

struct reply {
	int err;		/* 0 or positive errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	bool has_offs;
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS */
	bool has_miss;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
	int messages;		/* data messages received */
};

static void parse_tlvs(const struct nlmsghdr *nlh, size_t off, struct reply *r)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_for_each_payload((const struct nlattr *)
				  ((const char *)mnl_nlmsg_get_payload(nlh) + off),
				  mnl_nlmsg_get_payload_len(nlh) - off) {
		switch (mnl_attr_get_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(r->msg, sizeof(r->msg), "%s",
				 (const char *)mnl_attr_get_payload(attr));
			break;
		case NLMSGERR_ATTR_OFFS:
			r->has_offs = true;
			r->offs = mnl_attr_get_u32(attr);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			r->has_miss = true;
			r->miss_type = mnl_attr_get_u32(attr);
			break;
		}
	}
}

/* Send @nlh, collect everything up to the ACK, error or end of dump. */
static int talk(struct nlmsghdr *nlh, struct reply *r)
{
	static unsigned int seq = 1;
	unsigned int portid = mnl_socket_get_portid(nl);
	const struct nlmsghdr *m;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		int len;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		len = n;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq || m->nlmsg_pid != portid)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				size_t off = sizeof(*e);

				if (!(m->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(*m);
				r->err = -e->error;
				parse_tlvs(m, off, r);
				return 0;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
				r->err = -err;
				parse_tlvs(m, sizeof(int), r);
				return 0;
			}
			r->messages++;
		}
	}
}

static struct nlmsghdr *req(uint16_t type, uint16_t flags, uint8_t cmd)
{
	static char mbuf[8192];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(mbuf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

static int cb_family(const struct nlattr *a, void *data)
{
	(void)data;
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		family = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int resolve(void)
{
	struct nlmsghdr *nlh = req(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY);
	ssize_t n;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, LSGC_GENL_NAME);
	nlh->nlmsg_seq = 1;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		const struct nlmsghdr *m = (const struct nlmsghdr *)buf;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		if (m->nlmsg_type == GENL_ID_CTRL)
			mnl_attr_parse(m, sizeof(struct genlmsghdr), cb_family, NULL);
		if (m->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

			if (e->error)
				return -1;
			break;
		}
	} while (1);
	return family ? 0 : -1;
}

/* One test point: @nlh must fail with @err and an extack containing @msg. */
static void expect(const char *desc, struct nlmsghdr *nlh, int err,
		   const char *msg, const struct nlattr *bad, int miss)
{
	struct reply r;
	bool ok = true;

	n_test++;
	if (talk(nlh, &r) < 0) {
		printf("# %s: netlink I/O failed: %s\n", desc, strerror(errno));
		ok = false;
	} else {
		if (r.err != err) {
			printf("# %s: errno %d (%s), expected %d (%s)\n", desc,
			       r.err, strerror(r.err), err, strerror(err));
			ok = false;
		}
		if (msg && !strstr(r.msg, msg)) {
			printf("# %s: extack message \"%s\", expected \"%s\"\n",
			       desc, r.msg, msg);
			ok = false;
		}
		if (!msg && r.msg[0]) {
			printf("# %s: unexpected extack message \"%s\"\n", desc,
			       r.msg);
			ok = false;
		}
		/* Errors found in dumpit come in NLMSG_DONE, which on 6.1
		 * carries the message only: check the offset and the
		 * missing type when the kernel reports them.
		 */
		if (bad) {
			uint32_t want = (const char *)bad - (const char *)nlh;

			if (!r.has_offs || r.offs != want) {
				printf("# %s: bad attribute offset %s%u, expected %u\n",
				       desc, r.has_offs ? "" : "missing ",
				       r.offs, want);
				ok = false;
			}
		}
		if (miss && r.has_miss && r.miss_type != (uint32_t)miss) {
			printf("# %s: missing attribute type %u, expected %d\n",
			       desc, r.miss_type, miss);
			ok = false;
		}
		if (ok && r.msg[0])
			printf("# %s: %s (%s)\n", desc, strerror(r.err), r.msg);
	}
	if (!ok)
		n_fail++;
	printf("%s %d %s\n", ok ? "ok" : "not ok", n_test, desc);
}

static struct nlattr *tail(struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload_tail(nlh);
}

static const uint8_t v4[4] = { 239, 7, 7, 7 };

static void run_cmd(uint8_t cmd, const char *name)
{
	char desc[160], big[64];
	struct nlmsghdr *nlh;
	struct nlattr *bad;
	uint8_t id[LSGC_ID_LEN + 1] = "x";
	uint8_t addr5[5] = { 0 };

#define DESC(s) (snprintf(desc, sizeof(desc), "%s: %s", name, s), desc)

	nlh = req(family, NLM_F_DUMP, cmd);
	expect(DESC("a dump without filters succeeds"), nlh, 0, NULL, NULL, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	mnl_attr_put(nlh, LSGC_A_ADDR, 4, v4);
	mnl_attr_put_u16(nlh, LSGC_A_PORT, 7007);
	expect(DESC("a dump filtered by group succeeds"), nlh, 0, NULL, NULL, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put_u32(nlh, LSGC_A_MAX + 1, 1);
	expect(DESC("unknown attribute type"), nlh, EINVAL,
	       "Unknown attribute type", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put_u64(nlh, LSGC_A_VIEW_ID, 1);
	expect(DESC("reply-only attribute in a request"), nlh, EINVAL,
	       "Unsupported attribute", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	mnl_attr_put(nlh, LSGC_A_ADDR, 4, v4);
	bad = tail(nlh);
	mnl_attr_put_u32(nlh, LSGC_A_PORT, 7007);
	expect(DESC("wrong type: u32 port"), nlh, EINVAL,
	       "invalid attribute length", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put(nlh, LSGC_A_ADDR, sizeof(addr5), addr5);
	mnl_attr_put_u16(nlh, LSGC_A_PORT, 7007);
	expect(DESC("5-byte group address"), nlh, EINVAL,
	       "group address must be 4 (IPv4) or 16 (IPv6) bytes", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	mnl_attr_put(nlh, LSGC_A_ADDR, 4, v4);
	bad = tail(nlh);
	mnl_attr_put_u16(nlh, LSGC_A_PORT, 0);
	expect(DESC("port 0"), nlh, ERANGE, "integer out of range", bad, 0);

	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put_strz(nlh, LSGC_A_IFNAME, big);
	expect(DESC("oversized interface name"), nlh, EINVAL,
	       "Attribute failed policy validation", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put(nlh, LSGC_A_IFNAME, 4, "eth0");
	expect(DESC("interface name without its NUL"), nlh, EINVAL,
	       "Attribute failed policy validation", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put(nlh, LSGC_A_ID, LSGC_ID_LEN + 1, id);
	expect(DESC("oversized identity"), nlh, ERANGE,
	       "binary attribute size out of range", bad, 0);

	nlh = req(family, NLM_F_DUMP, cmd);
	mnl_attr_put(nlh, LSGC_A_ADDR, 4, v4);
	expect(DESC("missing LSGC_A_PORT with LSGC_A_ADDR"), nlh, EINVAL,
	       "a group filter needs LSGC_A_PORT with LSGC_A_ADDR", NULL,
	       LSGC_A_PORT);

	nlh = req(family, NLM_F_DUMP, cmd);
	mnl_attr_put_u16(nlh, LSGC_A_PORT, 7007);
	expect(DESC("missing LSGC_A_ADDR with LSGC_A_PORT"), nlh, EINVAL,
	       "a group filter needs LSGC_A_ADDR with LSGC_A_PORT", NULL,
	       LSGC_A_ADDR);

	nlh = req(family, NLM_F_DUMP, cmd);
	bad = tail(nlh);
	mnl_attr_put_strz(nlh, LSGC_A_IFNAME, "nosuch0");
	expect(DESC("unknown interface"), nlh, ENODEV, "no such interface",
	       NULL, 0);

	nlh = req(family, NLM_F_ACK, cmd);
	expect(DESC("a GET that is not a dump"), nlh, EOPNOTSUPP, NULL, NULL, 0);
#undef DESC
}

int main(void)
{
	struct nlmsghdr *nlh;
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink socket");
		return 1;
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	printf("TAP version 13\n1..%d\n", 3 * 14 + 2);
	if (resolve() < 0) {
		printf("# the \"%s\" family is not registered\n", LSGC_GENL_NAME);
		printf("Bail out!\n");
		return 1;
	}
	run_cmd(LSGC_CMD_GROUP_GET, "group");
	run_cmd(LSGC_CMD_MEMBER_GET, "member");
	run_cmd(LSGC_CMD_STATS_GET, "stats");

	nlh = req(family, NLM_F_DUMP, LSGC_CMD_EVENT_NTF);
	expect("the notification command cannot be requested", nlh, EOPNOTSUPP,
	       NULL, NULL, 0);
	nlh = req(family, NLM_F_DUMP, 200);
	expect("unknown command", nlh, EOPNOTSUPP, NULL, NULL, 0);

	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
