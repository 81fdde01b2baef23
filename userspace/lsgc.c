// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc: look at AF_LSGC groups through the "lsgc" generic netlink family,
 * in the manner of iproute2.
 *
 *   lsgc [OPTIONS] group show [GROUP]
 *   lsgc [OPTIONS] member list [GROUP...]
 *   lsgc [OPTIONS] stats [-s] [GROUP]
 *   lsgc [OPTIONS] monitor   (-t: a timestamp on every event)
 *
 * GROUP is ADDR:PORT ([ADDR]:PORT for IPv6), optionally followed by
 * "dev IFNAME" and "id IDENTITY".  See lsgc(8).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/lsgc.h>
#include <linux/lsgc_netlink.h>

#ifndef LSGC_TOOL_VERSION
#define LSGC_TOOL_VERSION "unknown"
#endif

/* Exit codes: 0 fine, 1 an error the kernel or the system reported, 2 usage. */
#define EXIT_USAGE	2

static const char *prog = "lsgc";
static bool json, pretty, all_stats, timestamp;

/* ------------------------------------------------------------------ names */

static const char *const stat_names[LSGC_STATS_A_MAX + 1] = {
	[LSGC_STATS_A_RX_PACKETS] = "rx_packets",
	[LSGC_STATS_A_RX_BYTES] = "rx_bytes",
	[LSGC_STATS_A_TX_PACKETS] = "tx_packets",
	[LSGC_STATS_A_TX_BYTES] = "tx_bytes",
	[LSGC_STATS_A_TX_ERRORS] = "tx_errors",
	[LSGC_STATS_A_DATA_SENT] = "data_sent",
	[LSGC_STATS_A_DATA_DELIVERED] = "data_delivered",
	[LSGC_STATS_A_UDATA_SENT] = "udata_sent",
	[LSGC_STATS_A_UDATA_DELIVERED] = "udata_delivered",
	[LSGC_STATS_A_FRAGMENTS_SENT] = "fragments_sent",
	[LSGC_STATS_A_NAKS_SENT] = "naks_sent",
	[LSGC_STATS_A_NAKS_RECEIVED] = "naks_received",
	[LSGC_STATS_A_NAKS_SUPPRESSED] = "naks_suppressed",
	[LSGC_STATS_A_RETRANSMITS] = "retransmits",
	[LSGC_STATS_A_SENDER_RETRANSMITS] = "sender_retransmits",
	[LSGC_STATS_A_WINDOW_STALLS] = "window_stalls",
	[LSGC_STATS_A_RCVBUF_STALLS] = "rcvbuf_stalls",
	[LSGC_STATS_A_VIEWS_INSTALLED] = "views_installed",
	[LSGC_STATS_A_EXPELLED] = "expelled",
	[LSGC_STATS_A_EXPELLED_SILENT] = "expelled_silent",
	[LSGC_STATS_A_EXPELLED_STUCK] = "expelled_stuck",
	[LSGC_STATS_A_DROP_MALFORMED] = "drop_malformed",
	[LSGC_STATS_A_DROP_VERSION] = "drop_version",
	[LSGC_STATS_A_DROP_SESSION] = "drop_session",
	[LSGC_STATS_A_DROP_NOT_MEMBER] = "drop_not_member",
	[LSGC_STATS_A_DROP_DUPLICATE] = "drop_duplicate",
	[LSGC_STATS_A_DROP_AUTH] = "drop_auth",
	[LSGC_STATS_A_DROP_UNKNOWN_EPOCH] = "drop_unknown_epoch",
	[LSGC_STATS_A_DROP_BACKLOG] = "drop_backlog",
	[LSGC_STATS_A_DROP_NOMEM] = "drop_nomem",
	[LSGC_STATS_A_DROP_RCVBUF] = "drop_rcvbuf",
	[LSGC_STATS_A_DROP_STALE] = "drop_stale",
	[LSGC_STATS_A_DROP_REPLAY] = "drop_replay",
	[LSGC_STATS_A_DATA_RECEIVED] = "data_received",
	[LSGC_STATS_A_UDATA_RECEIVED] = "udata_received",
	[LSGC_STATS_A_DROP_FILTER] = "drop_filter",
	[LSGC_STATS_A_KDC_REJECTED] = "kdc_rejected",
};

static const char *const state_names[] = {
	[LSGC_STATE_UNJOINED] = "unjoined",
	[LSGC_STATE_JOINING] = "joining",
	[LSGC_STATE_MEMBER] = "member",
	[LSGC_STATE_FAILED] = "failed",
};

static const char *const event_names[] = {
	[LSGC_EVENT_VIEW] = "view",
	[LSGC_EVENT_JOIN] = "join",
	[LSGC_EVENT_LEAVE] = "leave",
	[LSGC_EVENT_EXPEL] = "expel",
	[LSGC_EVENT_LEADER] = "leader",
	[LSGC_EVENT_FAILED] = "failed",
	[LSGC_EVENT_SECURITY] = "security",
};

#define NAME_OF(tab, v) \
	((v) < sizeof(tab) / sizeof((tab)[0]) && (tab)[v] ? (tab)[v] : "unknown")

/* ------------------------------------------------------------------ errors */

static void __attribute__((format(printf, 1, 2))) errx_(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((noreturn)) usage(int code)
{
	FILE *f = code ? stderr : stdout;

	fprintf(f,
"Usage: lsgc [OPTIONS] OBJECT COMMAND [ARGS]\n"
"       lsgc [OPTIONS] group show [GROUP]\n"
"       lsgc [OPTIONS] member list [GROUP...]\n"
"       lsgc [OPTIONS] stats [-s] [GROUP]\n"
"       lsgc [OPTIONS] monitor\n"
"GROUP := ADDR:PORT [dev IFNAME] [id IDENTITY]   ([ADDR]:PORT for IPv6)\n"
"OPTIONS := { -j[son] | -p[retty] | -s[tats] | -t[imestamp] |\n"
"             -n[etns] NAME | -V[ersion] | -h[elp] }\n"
"       -t stamps every event of monitor with the local time it was read.\n");
	exit(code);
}

/* ------------------------------------------------------------------ JSON */

/* A small streaming writer: enough for objects, arrays, strings, numbers. */
static int jdepth;
static bool jfirst[32] = { true };

static void jindent(void)
{
	int i;

	if (!pretty)
		return;
	putchar('\n');
	for (i = 0; i < jdepth; i++)
		fputs("    ", stdout);
}

static void jkey(const char *key)
{
	if (!jfirst[jdepth])
		putchar(',');
	jfirst[jdepth] = false;
	if (jdepth)
		jindent();
	if (key)
		printf(pretty ? "\"%s\": " : "\"%s\":", key);
}

static void jstr_raw(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void jopen(const char *key, char brace)
{
	jkey(key);
	putchar(brace);
	jfirst[++jdepth] = true;
}

static void jclose(char brace)
{
	bool empty = jfirst[jdepth];

	jdepth--;
	if (!empty)
		jindent();
	putchar(brace);
	if (!jdepth) {
		putchar('\n');
		jfirst[0] = true;
		fflush(stdout);
	}
}

static void jstr(const char *key, const char *val)
{
	jkey(key);
	jstr_raw(val);
}

static void ju64(const char *key, uint64_t val)
{
	jkey(key);
	printf("%" PRIu64, val);
}

static void jbool(const char *key, bool val)
{
	jkey(key);
	fputs(val ? "true" : "false", stdout);
}

/* ------------------------------------------------------------------ netlink */

static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t events_grp;
/* Large enough for any part of a dump the kernel builds. */
static char nlbuf[65536];

/* The extended ACK of the last error. */
static char ext_msg[256];
static uint32_t ext_miss_type;

static void nl_open(void)
{
	int one = 1;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl) {
		errx_("cannot open a generic netlink socket: %s", strerror(errno));
		exit(1);
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		errx_("cannot bind the netlink socket: %s", strerror(errno));
		exit(1);
	}
	/* Ask for error messages; older kernels just ignore it. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
}

/* The TLVs of an extended ACK, @off bytes into the payload of @nlh. */
static void parse_tlvs(const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *attr;

	ext_msg[0] = 0;
	ext_miss_type = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_for_each_payload((const struct nlattr *)
				  ((const char *)mnl_nlmsg_get_payload(nlh) + off),
				  mnl_nlmsg_get_payload_len(nlh) - off) {
		switch (mnl_attr_get_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ext_msg, sizeof(ext_msg), "%s",
					 mnl_attr_get_str(attr));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				ext_miss_type = mnl_attr_get_u32(attr);
			break;
		}
	}
}

/* An error ACK: the TLVs follow the request (or its header, if capped). */
static void parse_extack(const struct nlmsghdr *nlh, const struct nlmsgerr *e)
{
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	parse_tlvs(nlh, off);
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!e->error)
		return MNL_CB_STOP;
	parse_extack(nlh, e);
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* A dump ends with NLMSG_DONE, which may carry an error of its own. */
static int cb_done(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (err < 0) {
		parse_tlvs(nlh, sizeof(int));
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int cb_noop(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = cb_noop,
	[NLMSG_ERROR] = cb_error,
	[NLMSG_DONE] = cb_done,
};

/* Send @nlh and run @cb on every answer until the ACK or the dump's end.
 * Return: 0, or -1 with errno (and ext_msg) set.
 */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl);
	static unsigned int seq;
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = seq = seq ? seq + 1 : (unsigned int)time(NULL);
	ext_msg[0] = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl, nlbuf, sizeof(nlbuf));
		if (n < 0)
			return -1;
		ret = mnl_cb_run2(nlbuf, n, seq, portid, cb, data, ctl_cbs,
				  NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -1 : 0;
}

static void report_error(const char *what)
{
	int err = errno;

	if (ext_msg[0])
		fprintf(stderr, "Error: %s.\n", ext_msg);
	else if (ext_miss_type)
		fprintf(stderr, "Error: attribute %u is missing.\n", ext_miss_type);
	errx_("%s: %s", what, strerror(err));
}

struct family_info {
	uint16_t id;
	uint32_t events;
};

static int cb_grp(const struct nlattr *a, struct family_info *fi)
{
	const struct nlattr *g;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(g, a) {
		if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(g, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(g);
		else if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(g, MNL_TYPE_U32) == 0)
			id = mnl_attr_get_u32(g);
	}
	if (name && !strcmp(name, LSGC_GENL_MCGRP_EVENTS))
		fi->events = id;
	return MNL_CB_OK;
}

static int cb_family(const struct nlmsghdr *nlh, void *data)
{
	struct family_info *fi = data;
	const struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				fi->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a)
				cb_grp(g, fi);
			break;
		}
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *msg_start(uint16_t type, uint16_t flags, uint8_t cmd,
				  uint8_t version)
{
	static char buf[4096];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* Open the socket and find the family, once, when first needed (so that
 * usage errors are reported as such, module or not); a missing family
 * almost always means a missing module.
 */
static void resolve_family(void)
{
	struct family_info fi = { 0 };
	struct nlmsghdr *nlh;

	if (family_id)
		return;
	nl_open();

	nlh = msg_start(GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, LSGC_GENL_NAME);
	if (nl_talk(nlh, cb_family, &fi) < 0 || !fi.id) {
		if (errno == ENOENT || !fi.id) {
			errx_("the \"%s\" generic netlink family does not exist: is the lsgc module loaded? (modprobe lsgc)",
			      LSGC_GENL_NAME);
			exit(1);
		}
		report_error("cannot query the generic netlink controller");
		exit(1);
	}
	family_id = fi.id;
	events_grp = fi.events;
}

/* ------------------------------------------------------------------ groups */

struct filter {
	bool set;
	uint16_t family;
	uint8_t addr[16];
	uint16_t port;
	char ifname[IF_NAMESIZE];
	bool has_id;
	uint8_t id[LSGC_ID_LEN];
};

static void id_from_str(uint8_t *id, const char *s)
{
	size_t len = strlen(s);

	if (len > LSGC_ID_LEN) {
		errx_("identity \"%s\" is longer than %d bytes", s, LSGC_ID_LEN);
		exit(EXIT_USAGE);
	}
	memset(id, 0, LSGC_ID_LEN);
	memcpy(id, s, len);
}

/* An identity as text: the name lsgc_member gave it, else hex. */
static const char *id_str(const uint8_t *id, char *buf)
{
	size_t i, n = 0;

	while (n < LSGC_ID_LEN && id[n])
		n++;
	for (i = n; i < LSGC_ID_LEN; i++)
		if (id[i])
			break;
	if (n && i == LSGC_ID_LEN) {
		for (i = 0; i < n && isprint(id[i]) && id[i] != ' '; i++)
			;
		if (i == n) {
			memcpy(buf, id, n);
			buf[n] = 0;
			return buf;
		}
	}
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < LSGC_ID_LEN; i++)
		sprintf(buf + 2 + 2 * i, "%02x", id[i]);
	return buf;
}

#define ID_STRLEN (2 + 2 * LSGC_ID_LEN + 1)

/* ADDR:PORT or [ADDR6]:PORT, then optional "dev IF" and "id ID". */
static int parse_group(int argc, char **argv, struct filter *f)
{
	char host[INET6_ADDRSTRLEN + 2], *colon, *end;
	const char *spec = argv[0];
	unsigned long port;
	int used = 1;

	memset(f, 0, sizeof(*f));
	f->set = true;
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, rb - spec - 1);
		host[rb - spec - 1] = 0;
		colon = (char *)rb + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= sizeof(host))
			goto bad;
		memcpy(host, spec, colon - spec);
		host[colon - spec] = 0;
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || !colon[1] || !port || port > 65535)
		goto bad;
	f->port = port;
	if (inet_pton(AF_INET, host, f->addr) == 1)
		f->family = AF_INET;
	else if (inet_pton(AF_INET6, host, f->addr) == 1)
		f->family = AF_INET6;
	else
		goto bad;
	while (used + 1 < argc) {
		if (!strcmp(argv[used], "dev")) {
			if (strlen(argv[used + 1]) >= IF_NAMESIZE) {
				errx_("interface name \"%s\" is too long", argv[used + 1]);
				exit(EXIT_USAGE);
			}
			strcpy(f->ifname, argv[used + 1]);
		} else if (!strcmp(argv[used], "id")) {
			id_from_str(f->id, argv[used + 1]);
			f->has_id = true;
		} else {
			break;
		}
		used += 2;
	}
	return used;
bad:
	errx_("\"%s\" is not a group: expected ADDR:PORT or [ADDR]:PORT", spec);
	exit(EXIT_USAGE);
}

static void put_filter(struct nlmsghdr *nlh, const struct filter *f)
{
	if (!f || !f->set)
		return;
	mnl_attr_put(nlh, LSGC_A_ADDR, f->family == AF_INET ? 4 : 16, f->addr);
	mnl_attr_put_u16(nlh, LSGC_A_PORT, f->port);
	if (f->ifname[0])
		mnl_attr_put_strz(nlh, LSGC_A_IFNAME, f->ifname);
	if (f->has_id)
		mnl_attr_put(nlh, LSGC_A_ID, LSGC_ID_LEN, f->id);
}

/* Every attribute of a message, by type (last one wins). */
struct attrs {
	const struct nlattr *tb[LSGC_A_MAX + 1];
};

static int cb_attr(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= LSGC_A_MAX)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void parse_attrs(const struct nlmsghdr *nlh, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb_attr, at);
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 8 ? mnl_attr_get_u64(a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

static uint16_t get_u16(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 2 ? mnl_attr_get_u16(a) : 0;
}

static uint8_t get_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 1 ? mnl_attr_get_u8(a) : 0;
}

static const char *get_id(const struct nlattr *a, char *buf)
{
	static const uint8_t zero[LSGC_ID_LEN];

	if (!a || mnl_attr_get_payload_len(a) != LSGC_ID_LEN)
		return id_str(zero, buf);
	return id_str(mnl_attr_get_payload(a), buf);
}

/* The group as ADDR:PORT text, and its address alone. */
static void group_str(const struct attrs *at, char *grp, size_t len, char *addr)
{
	uint16_t fam = get_u16(at->tb[LSGC_A_FAMILY]);
	const struct nlattr *a = at->tb[LSGC_A_ADDR];

	strcpy(addr, "?");
	if (a && mnl_attr_get_payload_len(a) == (fam == AF_INET ? 4u : 16u))
		inet_ntop(fam, mnl_attr_get_payload(a), addr, INET6_ADDRSTRLEN);
	snprintf(grp, len, fam == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
		 get_u16(at->tb[LSGC_A_PORT]));
}

static void ifname_of(const struct attrs *at, char *buf)
{
	uint32_t ifindex = get_u32(at->tb[LSGC_A_IFINDEX]);
	const struct nlattr *a = at->tb[LSGC_A_IFNAME];

	if (a && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(buf, IF_NAMESIZE, "%s", mnl_attr_get_str(a));
	else if (!ifindex)
		strcpy(buf, "*");
	else
		snprintf(buf, IF_NAMESIZE, "%u", ifindex);
}

/* A source address (4 or 16 bytes) as text, alone in @addr and with @port
 * as ADDR:PORT ([ADDR]:PORT for IPv6) in @ipport.  False if @a is absent
 * or malformed; both are then "-".
 */
static bool src_str(const struct nlattr *a, uint16_t port, char *addr,
		    char *ipport, size_t len)
{
	size_t alen = a ? mnl_attr_get_payload_len(a) : 0;
	int fam = alen == 4 ? AF_INET : alen == 16 ? AF_INET6 : 0;

	strcpy(addr, "-");
	snprintf(ipport, len, "-");
	if (!fam || !inet_ntop(fam, mnl_attr_get_payload(a), addr,
			       INET6_ADDRSTRLEN)) {
		strcpy(addr, "-");
		return false;
	}
	snprintf(ipport, len, fam == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
		 port);
	return true;
}

#define SRC_STRLEN (INET6_ADDRSTRLEN + 10)

/* A CLOCK_REALTIME time in ms as local HH:MM:SS, or "-" if absent. */
static const char *clock_str(const struct nlattr *a, char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	if (!a || mnl_attr_get_payload_len(a) != 8) {
		snprintf(buf, len, "-");
		return buf;
	}
	t = mnl_attr_get_u64(a) / 1000;
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

/* The attributes that name a membership, as JSON. */
static void json_keys(const struct attrs *at)
{
	char grp[INET6_ADDRSTRLEN + 10], addr[INET6_ADDRSTRLEN], id[ID_STRLEN];
	char ifname[IF_NAMESIZE];

	group_str(at, grp, sizeof(grp), addr);
	ifname_of(at, ifname);
	jstr("family", get_u16(at->tb[LSGC_A_FAMILY]) == AF_INET6 ? "inet6" : "inet");
	jstr("address", addr);
	ju64("port", get_u16(at->tb[LSGC_A_PORT]));
	ju64("ifindex", get_u32(at->tb[LSGC_A_IFINDEX]));
	if (at->tb[LSGC_A_IFNAME])
		jstr("ifname", ifname);
	/* Absent from a security event about a packet no membership saw. */
	if (at->tb[LSGC_A_ID])
		jstr("id", get_id(at->tb[LSGC_A_ID], id));
}

struct show_ctx {
	unsigned int rows;
};

static int cb_group(const struct nlmsghdr *nlh, void *data)
{
	char grp[INET6_ADDRSTRLEN + 10], addr[INET6_ADDRSTRLEN], id[ID_STRLEN];
	struct show_ctx *ctx = data;
	char joined[16];
	char ifname[IF_NAMESIZE];
	const char *role, *state;
	struct attrs at;

	parse_attrs(nlh, &at);
	role = get_u8(at.tb[LSGC_A_ROLE]) == LSGC_NL_ROLE_LEADER ? "leader" : "member";
	state = NAME_OF(state_names, get_u8(at.tb[LSGC_A_STATE]));
	if (json) {
		jopen(NULL, '{');
		json_keys(&at);
		jstr("role", role);
		jstr("state", state);
		if (at.tb[LSGC_A_ERROR])
			jstr("error", strerror(get_u32(at.tb[LSGC_A_ERROR])));
		ju64("session", get_u32(at.tb[LSGC_A_SESSION]));
		ju64("member", get_u32(at.tb[LSGC_A_SELF]));
		ju64("leader", get_u32(at.tb[LSGC_A_LEADER]));
		ju64("view", get_u64(at.tb[LSGC_A_VIEW_ID]));
		ju64("members", get_u32(at.tb[LSGC_A_VIEW_SIZE]));
		ju64("epoch", get_u32(at.tb[LSGC_A_EPOCH]));
		jstr("cipher", at.tb[LSGC_A_CIPHER] &&
		     !mnl_attr_validate(at.tb[LSGC_A_CIPHER], MNL_TYPE_NUL_STRING) ?
		     mnl_attr_get_str(at.tb[LSGC_A_CIPHER]) : "?");
		ju64("delivered", get_u64(at.tb[LSGC_A_DELIVERED]));
		ju64("high", get_u64(at.tb[LSGC_A_HIGH]));
		ju64("stable", get_u64(at.tb[LSGC_A_STABLE]));
		ju64("inflight", get_u32(at.tb[LSGC_A_INFLIGHT]));
		if (at.tb[LSGC_A_JOIN_TIME])
			ju64("join_time_ms", get_u64(at.tb[LSGC_A_JOIN_TIME]));
		jclose('}');
		ctx->rows++;
		return MNL_CB_OK;
	}
	if (!ctx->rows++)
		printf("%-22s %-8s %-16s %6s %-6s %-8s %6s %6s %7s %6s %-6s %9s %s\n",
		       "GROUP", "DEV", "ID", "MEMBER", "ROLE", "STATE", "LEADER",
		       "VIEW", "MEMBERS", "EPOCH", "CIPHER", "DELIVERED", "JOINED");
	group_str(&at, grp, sizeof(grp), addr);
	ifname_of(&at, ifname);
	printf("%-22s %-8s %-16s %6u %-6s %-8s %6u %6" PRIu64 " %7u %6u %-6s %9" PRIu64 " %s\n",
	       grp, ifname, get_id(at.tb[LSGC_A_ID], id),
	       get_u32(at.tb[LSGC_A_SELF]), role, state,
	       get_u32(at.tb[LSGC_A_LEADER]), get_u64(at.tb[LSGC_A_VIEW_ID]),
	       get_u32(at.tb[LSGC_A_VIEW_SIZE]), get_u32(at.tb[LSGC_A_EPOCH]),
	       at.tb[LSGC_A_CIPHER] ? mnl_attr_get_str(at.tb[LSGC_A_CIPHER]) : "?",
	       get_u64(at.tb[LSGC_A_DELIVERED]),
	       clock_str(at.tb[LSGC_A_JOIN_TIME], joined, sizeof(joined)));
	return MNL_CB_OK;
}

static int dump(uint8_t cmd, const struct filter *f, mnl_cb_t cb, void *data)
{
	struct nlmsghdr *nlh;

	resolve_family();
	nlh = msg_start(family_id, NLM_F_DUMP, cmd, LSGC_GENL_VERSION);
	put_filter(nlh, f);
	if (nl_talk(nlh, cb, data) < 0) {
		report_error("dump failed");
		return -1;
	}
	return 0;
}

/* The optional verb of "group" and "member": show or list (the same),
 * or help.  Returns how many arguments it took, or -1 (said why).
 */
static int parse_verb(int argc, char **argv, const char *object)
{
	if (!argc)
		return 0;
	if (!strcmp(argv[0], "help"))
		usage(0);
	if (strcmp(argv[0], "show") && strcmp(argv[0], "list")) {
		errx_("unknown command \"%s %s\": try \"lsgc help\"", object,
		      argv[0]);
		return -1;
	}
	return 1;
}

static int do_group(int argc, char **argv)
{
	struct show_ctx ctx = { 0 };
	struct filter f = { 0 };
	int i, rc;

	i = parse_verb(argc, argv, "group");
	if (i < 0)
		return EXIT_USAGE;
	if (i < argc)
		i += parse_group(argc - i, argv + i, &f);
	if (i < argc) {
		errx_("unexpected argument \"%s\"", argv[i]);
		return EXIT_USAGE;
	}
	resolve_family();
	if (json)
		jopen(NULL, '[');
	rc = dump(LSGC_CMD_GROUP_GET, &f, cb_group, &ctx);
	if (json)
		jclose(']');
	return rc ? 1 : 0;
}

/* ------------------------------------------------------------------ members */

static int cb_member_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= LSGC_MEMBER_A_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int cb_member(const struct nlmsghdr *nlh, void *data)
{
	char grp[INET6_ADDRSTRLEN + 10], addr[INET6_ADDRSTRLEN];
	char id[ID_STRLEN], local[ID_STRLEN], heard[24], dlv[24], flags[32];
	char rcv[24], joined[16], src[INET6_ADDRSTRLEN], srcport[SRC_STRLEN];
	const struct nlattr *tb[LSGC_MEMBER_A_MAX + 1] = { 0 };
	struct show_ctx *ctx = data;
	bool leader, self, has_src;
	struct attrs at;

	parse_attrs(nlh, &at);
	if (!at.tb[LSGC_A_MEMBER])
		return MNL_CB_OK;
	mnl_attr_parse_nested(at.tb[LSGC_A_MEMBER], cb_member_attr, tb);
	leader = tb[LSGC_MEMBER_A_LEADER];
	self = tb[LSGC_MEMBER_A_SELF];
	has_src = src_str(tb[LSGC_MEMBER_A_ADDR], get_u16(tb[LSGC_MEMBER_A_PORT]),
			  src, srcport, sizeof(srcport));
	if (json) {
		jopen(NULL, '{');
		group_str(&at, grp, sizeof(grp), addr);
		jstr("group", grp);
		json_keys(&at);
		ju64("view", get_u64(at.tb[LSGC_A_VIEW_ID]));
		ju64("member", get_u32(tb[LSGC_MEMBER_A_NUMBER]));
		jstr("member_id", get_id(tb[LSGC_MEMBER_A_ID], id));
		jbool("leader", leader);
		jbool("self", self);
		if (tb[LSGC_MEMBER_A_LAST_HEARD_MS])
			ju64("last_heard_ms", get_u32(tb[LSGC_MEMBER_A_LAST_HEARD_MS]));
		if (tb[LSGC_MEMBER_A_DELIVERED])
			ju64("delivered", get_u64(tb[LSGC_MEMBER_A_DELIVERED]));
		if (tb[LSGC_MEMBER_A_HIGH]) {
			ju64("high", get_u64(tb[LSGC_MEMBER_A_HIGH]));
			ju64("received", get_u64(tb[LSGC_MEMBER_A_HIGH]));
		}
		if (tb[LSGC_MEMBER_A_STABLE])
			ju64("stable", get_u64(tb[LSGC_MEMBER_A_STABLE]));
		/* "address" is the group's (json_keys()): the member's is src_addr. */
		if (has_src) {
			jstr("src_addr", src);
			ju64("src_port", get_u16(tb[LSGC_MEMBER_A_PORT]));
		}
		if (tb[LSGC_MEMBER_A_JOIN_TIME])
			ju64("join_time_ms", get_u64(tb[LSGC_MEMBER_A_JOIN_TIME]));
		jclose('}');
		ctx->rows++;
		return MNL_CB_OK;
	}
	if (!ctx->rows++)
		printf("%-22s %-16s %6s %6s %-16s %-12s %10s %9s %9s %-8s %s\n",
		       "GROUP", "LOCAL", "VIEW", "MEMBER", "ID", "FLAGS",
		       "HEARD(ms)", "DELIVERED", "RECEIVED", "JOINED", "ADDRESS");
	group_str(&at, grp, sizeof(grp), addr);
	snprintf(flags, sizeof(flags), "%s%s%s", leader ? "leader" : "",
		 leader && self ? "," : "", self ? "self" : "");
	if (!flags[0])
		strcpy(flags, "-");
	strcpy(heard, "-");
	if (tb[LSGC_MEMBER_A_LAST_HEARD_MS])
		snprintf(heard, sizeof(heard), "%u",
			 get_u32(tb[LSGC_MEMBER_A_LAST_HEARD_MS]));
	strcpy(dlv, "-");
	if (tb[LSGC_MEMBER_A_DELIVERED])
		snprintf(dlv, sizeof(dlv), "%" PRIu64,
			 get_u64(tb[LSGC_MEMBER_A_DELIVERED]));
	strcpy(rcv, "-");
	if (tb[LSGC_MEMBER_A_HIGH])
		snprintf(rcv, sizeof(rcv), "%" PRIu64,
			 get_u64(tb[LSGC_MEMBER_A_HIGH]));
	printf("%-22s %-16s %6" PRIu64 " %6u %-16s %-12s %10s %9s %9s %-8s %s\n",
	       grp, get_id(at.tb[LSGC_A_ID], local),
	       get_u64(at.tb[LSGC_A_VIEW_ID]), get_u32(tb[LSGC_MEMBER_A_NUMBER]),
	       get_id(tb[LSGC_MEMBER_A_ID], id), flags, heard, dlv, rcv,
	       clock_str(tb[LSGC_MEMBER_A_JOIN_TIME], joined, sizeof(joined)),
	       srcport);
	return MNL_CB_OK;
}

static int do_member(int argc, char **argv)
{
	struct show_ctx ctx = { 0 };
	struct filter *f;
	int i = 0, n = 0, k, rc = 0;

	i = parse_verb(argc, argv, "member");
	if (i < 0)
		return EXIT_USAGE;
	/* Every group is parsed before anything is printed. */
	f = calloc(argc + 1, sizeof(*f));
	if (!f) {
		errx_("out of memory");
		return 1;
	}
	while (i < argc)
		i += parse_group(argc - i, argv + i, &f[n++]);
	resolve_family();
	if (json)
		jopen(NULL, '[');
	if (!n)
		rc = dump(LSGC_CMD_MEMBER_GET, NULL, cb_member, &ctx);
	for (k = 0; k < n && !rc; k++)
		rc = dump(LSGC_CMD_MEMBER_GET, &f[k], cb_member, &ctx);
	if (json)
		jclose(']');
	free(f);
	return rc ? 1 : 0;
}

/* ------------------------------------------------------------------ stats */

struct stats {
	uint64_t v[LSGC_STATS_A_MAX + 1];
	bool has[LSGC_STATS_A_MAX + 1];
};

static int cb_stat_attr(const struct nlattr *a, void *data)
{
	struct stats *s = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= LSGC_STATS_A_MAX && type != LSGC_STATS_A_PAD &&
	    mnl_attr_get_payload_len(a) == 8) {
		s->v[type] = mnl_attr_get_u64(a);
		s->has[type] = true;
	}
	return MNL_CB_OK;
}

static uint64_t stat_drops(const struct stats *s)
{
	uint64_t sum = 0;
	int i;

	for (i = LSGC_STATS_A_DROP_MALFORMED; i <= LSGC_STATS_A_DROP_REPLAY; i++)
		sum += s->v[i];
	sum += s->v[LSGC_STATS_A_DROP_FILTER];
	return sum;
}

static void stats_json(const struct stats *s)
{
	int i;

	jopen("stats", '{');
	for (i = 0; i <= LSGC_STATS_A_MAX; i++)
		if (s->has[i] && stat_names[i])
			ju64(stat_names[i], s->v[i]);
	jclose('}');
}

static void stats_long(const char *title, const struct stats *s)
{
	int i;

	printf("%s\n", title);
	for (i = 0; i <= LSGC_STATS_A_MAX; i++)
		if (s->has[i] && stat_names[i])
			printf("    %-20s %" PRIu64 "\n", stat_names[i], s->v[i]);
}

struct stats_ctx {
	unsigned int rows;
	bool total_seen;
};

static int cb_stats(const struct nlmsghdr *nlh, void *data)
{
	char grp[INET6_ADDRSTRLEN + 10], addr[INET6_ADDRSTRLEN], id[ID_STRLEN];
	char title[128];
	struct stats_ctx *ctx = data;
	struct stats s;
	bool total;
	struct attrs at;

	memset(&s, 0, sizeof(s));
	parse_attrs(nlh, &at);
	if (!at.tb[LSGC_A_STATS])
		return MNL_CB_OK;
	mnl_attr_parse_nested(at.tb[LSGC_A_STATS], cb_stat_attr, &s);
	total = at.tb[LSGC_A_NS_TOTAL];
	if (json) {
		if (total) {
			/* The totals close the array of groups. */
			jclose(']');
			jopen("total", '{');
			stats_json(&s);
			jclose('}');
			ctx->total_seen = true;
			return MNL_CB_OK;
		}
		jopen(NULL, '{');
		json_keys(&at);
		stats_json(&s);
		jclose('}');
		ctx->rows++;
		return MNL_CB_OK;
	}
	group_str(&at, grp, sizeof(grp), addr);
	if (total)
		snprintf(title, sizeof(title), "namespace total:");
	else
		snprintf(title, sizeof(title), "group %s id %s:", grp,
			 get_id(at.tb[LSGC_A_ID], id));
	if (all_stats) {
		stats_long(title, &s);
		ctx->rows++;
		return MNL_CB_OK;
	}
	if (!ctx->rows++)
		printf("%-22s %-16s %10s %10s %10s %10s %8s %8s %8s\n", "GROUP",
		       "ID", "RX-PKTS", "TX-PKTS", "DELIVERED", "UDELIVERED",
		       "NAKS", "RETRANS", "DROPS");
	printf("%-22s %-16s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
	       " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n",
	       total ? "total" : grp, total ? "-" : get_id(at.tb[LSGC_A_ID], id),
	       s.v[LSGC_STATS_A_RX_PACKETS], s.v[LSGC_STATS_A_TX_PACKETS],
	       s.v[LSGC_STATS_A_DATA_DELIVERED], s.v[LSGC_STATS_A_UDATA_DELIVERED],
	       s.v[LSGC_STATS_A_NAKS_SENT], s.v[LSGC_STATS_A_RETRANSMITS],
	       stat_drops(&s));
	return MNL_CB_OK;
}

static int do_stats(int argc, char **argv)
{
	struct stats_ctx ctx = { 0 };
	struct filter f = { 0 };
	int i = 0, rc;

	if (i < argc && !strcmp(argv[i], "show"))
		i++;
	if (i < argc && !strcmp(argv[i], "-s")) {
		all_stats = true;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "help"))
		usage(0);
	if (i < argc)
		i += parse_group(argc - i, argv + i, &f);
	if (i < argc) {
		errx_("unexpected argument \"%s\"", argv[i]);
		return EXIT_USAGE;
	}
	resolve_family();
	if (json) {
		jopen(NULL, '{');
		jopen("groups", '[');
	}
	rc = dump(LSGC_CMD_STATS_GET, &f, cb_stats, &ctx);
	if (json) {
		if (!ctx.total_seen)
			jclose(']');
		jclose('}');
	}
	return rc ? 1 : 0;
}

/* ------------------------------------------------------------------ monitor */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static const char *errno_name(uint32_t e)
{
	switch (e) {
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNRESET: return "ECONNRESET";
	case ENOBUFS: return "ENOBUFS";
	case EPROTO: return "EPROTO";
	case EADDRINUSE: return "EADDRINUSE";
	case EUSERS: return "EUSERS";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	default: return NULL;
	}
}

/* When the events being printed were read, as local time (-t). */
static char event_stamp[48];

static void stamp_now(void)
{
	struct timespec ts;
	struct tm tm;
	char sec[24];

	event_stamp[0] = 0;
	if (!timestamp || clock_gettime(CLOCK_REALTIME, &ts) < 0 ||
	    !localtime_r(&ts.tv_sec, &tm) ||
	    !strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	snprintf(event_stamp, sizeof(event_stamp), "%s.%06u", sec,
		 (unsigned int)(ts.tv_nsec / 1000) % 1000000);
}

/* A LSGC_A_DROP_REASON as the name of its counter, else its number. */
static const char *drop_reason_str(const struct nlattr *a, char *buf,
				   size_t len)
{
	uint16_t r = get_u16(a);

	if (r <= LSGC_STATS_A_MAX && stat_names[r])
		return stat_names[r];
	snprintf(buf, len, "%u", r);
	return buf;
}

/* A security event: a packet refused by authentication or replay. */
static void print_security(const struct attrs *at)
{
	char grp[INET6_ADDRSTRLEN + 10], addr[INET6_ADDRSTRLEN], id[ID_STRLEN];
	char src[INET6_ADDRSTRLEN], srcport[SRC_STRLEN], rbuf[8];
	const char *reason = drop_reason_str(at->tb[LSGC_A_DROP_REASON], rbuf,
					     sizeof(rbuf));
	uint16_t port = get_u16(at->tb[LSGC_A_SRC_PORT]);
	bool has_src;

	has_src = src_str(at->tb[LSGC_A_SRC_ADDR], port, src, srcport,
			  sizeof(srcport));
	group_str(at, grp, sizeof(grp), addr);
	if (json) {
		jopen(NULL, '{');
		if (event_stamp[0])
			jstr("timestamp", event_stamp);
		jstr("event", NAME_OF(event_names, LSGC_EVENT_SECURITY));
		jstr("group", grp);
		json_keys(at);
		if (at->tb[LSGC_A_SELF])
			ju64("self", get_u32(at->tb[LSGC_A_SELF]));
		if (at->tb[LSGC_A_SESSION])
			ju64("session", get_u32(at->tb[LSGC_A_SESSION]));
		jstr("drop_reason", reason);
		if (has_src) {
			jstr("src_addr", src);
			ju64("src_port", port);
		}
		if (at->tb[LSGC_A_EVENT_MEMBER])
			ju64("member", get_u32(at->tb[LSGC_A_EVENT_MEMBER]));
		ju64("suppressed", get_u32(at->tb[LSGC_A_SUPPRESSED]));
		jclose('}');
		return;
	}
	if (event_stamp[0])
		printf("[%s] ", event_stamp);
	if (at->tb[LSGC_A_ID])
		printf("[%s id %s]", grp, get_id(at->tb[LSGC_A_ID], id));
	else
		printf("[%s]", grp);
	printf(" security %s from %s", reason, srcport);
	if (at->tb[LSGC_A_EVENT_MEMBER])
		printf(" member %u", get_u32(at->tb[LSGC_A_EVENT_MEMBER]));
	printf(" suppressed %u\n", get_u32(at->tb[LSGC_A_SUPPRESSED]));
	fflush(stdout);
}

static int cb_event(const struct nlmsghdr *nlh, void *data)
{
	char grp[INET6_ADDRSTRLEN + 10], addr[INET6_ADDRSTRLEN];
	char id[ID_STRLEN], mid[ID_STRLEN], reason[64];
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	uint8_t ev;
	struct attrs at;

	if (nlh->nlmsg_type != family_id || g->cmd != LSGC_CMD_EVENT_NTF)
		return MNL_CB_OK;
	parse_attrs(nlh, &at);
	ev = get_u8(at.tb[LSGC_A_EVENT]);
	if (ev == LSGC_EVENT_SECURITY) {
		print_security(&at);
		return MNL_CB_OK;
	}
	reason[0] = 0;
	if (at.tb[LSGC_A_REASON]) {
		uint32_t r = get_u32(at.tb[LSGC_A_REASON]);

		snprintf(reason, sizeof(reason), "%s",
			 errno_name(r) ? errno_name(r) : strerror(r));
	}
	if (json) {
		jopen(NULL, '{');
		if (event_stamp[0])
			jstr("timestamp", event_stamp);
		jstr("event", NAME_OF(event_names, ev));
		group_str(&at, grp, sizeof(grp), addr);
		jstr("group", grp);
		json_keys(&at);
		ju64("self", get_u32(at.tb[LSGC_A_SELF]));
		ju64("leader", get_u32(at.tb[LSGC_A_LEADER]));
		if (at.tb[LSGC_A_EVENT_MEMBER])
			ju64("member", get_u32(at.tb[LSGC_A_EVENT_MEMBER]));
		if (at.tb[LSGC_A_EVENT_ID])
			jstr("member_id", get_id(at.tb[LSGC_A_EVENT_ID], mid));
		if (at.tb[LSGC_A_VIEW_ID])
			ju64("view", get_u64(at.tb[LSGC_A_VIEW_ID]));
		if (at.tb[LSGC_A_VIEW_SIZE])
			ju64("members", get_u32(at.tb[LSGC_A_VIEW_SIZE]));
		if (reason[0])
			jstr("reason", reason);
		jclose('}');
		return MNL_CB_OK;
	}
	group_str(&at, grp, sizeof(grp), addr);
	if (event_stamp[0])
		printf("[%s] ", event_stamp);
	printf("[%s id %s] %s", grp, get_id(at.tb[LSGC_A_ID], id),
	       NAME_OF(event_names, ev));
	/* "leader N": the leader is the subject of the event. */
	if (at.tb[LSGC_A_EVENT_MEMBER] && ev == LSGC_EVENT_LEADER)
		printf(" %u", get_u32(at.tb[LSGC_A_EVENT_MEMBER]));
	else if (at.tb[LSGC_A_EVENT_MEMBER] && ev != LSGC_EVENT_FAILED)
		printf(" member %u", get_u32(at.tb[LSGC_A_EVENT_MEMBER]));
	if (at.tb[LSGC_A_EVENT_ID] && ev != LSGC_EVENT_FAILED)
		printf(" id %s", get_id(at.tb[LSGC_A_EVENT_ID], mid));
	if (at.tb[LSGC_A_VIEW_ID])
		printf(ev == LSGC_EVENT_VIEW ? " %" PRIu64 : " view %" PRIu64,
		       get_u64(at.tb[LSGC_A_VIEW_ID]));
	if (at.tb[LSGC_A_VIEW_SIZE])
		printf(" members %u", get_u32(at.tb[LSGC_A_VIEW_SIZE]));
	if (ev == LSGC_EVENT_VIEW ||
	    (ev == LSGC_EVENT_LEADER && !at.tb[LSGC_A_EVENT_MEMBER]))
		printf(" leader %u", get_u32(at.tb[LSGC_A_LEADER]));
	if (reason[0])
		printf(" reason %s", reason);
	putchar('\n');
	fflush(stdout);
	return MNL_CB_OK;
}

static int do_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int grp;
	ssize_t n;

	if (argc && strcmp(argv[0], "all") && strcmp(argv[0], "events")) {
		errx_("unknown argument \"monitor %s\"", argv[0]);
		return EXIT_USAGE;
	}
	resolve_family();
	if (!events_grp) {
		errx_("the kernel's \"%s\" family has no \"%s\" multicast group",
		      LSGC_GENL_NAME, LSGC_GENL_MCGRP_EVENTS);
		return 1;
	}
	grp = events_grp;
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		errx_("cannot subscribe to the events: %s", strerror(errno));
		return 1;
	}
	/* No SA_RESTART: SIGINT must end the blocking receive. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		n = mnl_socket_recvfrom(nl, nlbuf, sizeof(nlbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				errx_("events were lost (receive buffer overrun)");
				continue;
			}
			errx_("receive failed: %s", strerror(errno));
			return 1;
		}
		stamp_now();
		if (mnl_cb_run(nlbuf, n, 0, 0, cb_event, NULL) < 0 &&
		    errno != ENOENT)
			errx_("bad event message: %s", strerror(errno));
	}
	return 0;
}

/* ------------------------------------------------------------------ main */

static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errx_("cannot open network namespace \"%s\": %s", name,
		      strerror(errno));
		exit(1);
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		errx_("cannot enter network namespace \"%s\": %s", name,
		      strerror(errno));
		exit(1);
	}
	close(fd);
}

static bool matches(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	return len && len <= strlen(word) && !strncmp(arg, word, len);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ "timestamp", no_argument, NULL, 't' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *obj;
	int c;

	/* Options stop at the object, so "stats -s" reaches do_stats(). */
	while ((c = getopt_long(argc, argv, "+jpstn:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = true;
			pretty = true;
			break;
		case 's':
			all_stats = true;
			break;
		case 't':
			timestamp = true;
			break;
		case 'n':
			enter_netns(optarg);
			break;
		case 'V':
			printf("lsgc utility, version %s (genl family \"%s\" v%d)\n",
			       LSGC_TOOL_VERSION, LSGC_GENL_NAME, LSGC_GENL_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (!argc)
		usage(EXIT_USAGE);
	obj = argv[0];
	argc--;
	argv++;
	if (!strcmp(obj, "help"))
		usage(0);
	if (!matches(obj, "group") && !matches(obj, "member") &&
	    !matches(obj, "stats") && !matches(obj, "monitor")) {
		errx_("object \"%s\" is unknown, try \"lsgc help\"", obj);
		return EXIT_USAGE;
	}
	if (matches(obj, "group"))
		return do_group(argc, argv);
	if (matches(obj, "member"))
		return do_member(argc, argv);
	if (matches(obj, "stats"))
		return do_stats(argc, argv);
	return do_monitor(argc, argv);
}
