/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the group selftest programs: the family number, the
 * join request, and the self-describing test payload.
 *
 * A test payload is the byte stream "<id>:<counter>:" followed by
 * pseudo-random bytes seeded by (id, counter), cut to the message length.
 * A receiver that knows the sender's identity and counter can regenerate
 * every byte, so corruption, truncation, duplication and loss are all
 * visible from what was delivered.  Messages too short to hold the text
 * prefix are checked against the counter the receiver expects next from
 * that sender (FIFO).
 */
#ifndef _LSGC_SELFTEST_UTIL_H
#define _LSGC_SELFTEST_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/lsgc.h>

#define LSGC_TEST_DEFAULT_GROUP	"239.7.7.7"
#define LSGC_TEST_DEFAULT_PORT	7007

static inline int lsgc_read_family(void)
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

static inline const char *lsgc_errname(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

/* Identity: the name's bytes, zero padded to LSGC_ID_LEN. */
static inline int lsgc_id_from_name(__u8 id[LSGC_ID_LEN], const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > LSGC_ID_LEN)
		return -1;
	memset(id, 0, LSGC_ID_LEN);
	memcpy(id, name, len);
	return 0;
}

/* Printable form of an identity: the name if it is one, else hex. */
static inline void lsgc_id_to_str(const __u8 id[LSGC_ID_LEN], char *out,
				  size_t outlen)
{
	int printable = 1, i, end = LSGC_ID_LEN;

	while (end > 0 && id[end - 1] == 0)
		end--;
	for (i = 0; i < end; i++)
		if (id[i] <= ' ' || id[i] > '~' || id[i] == ',' ||
		    id[i] == ':' || id[i] == '/')
			printable = 0;
	if (printable && end > 0) {
		snprintf(out, outlen, "%.*s", end, (const char *)id);
		return;
	}
	out[0] = 0;
	for (i = 0; i < LSGC_ID_LEN && (size_t)(2 * i + 3) <= outlen; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

/* Resolve an interface given by name or number; 0 for "" or "0". */
static inline int lsgc_parse_ifindex(const char *s, __u32 *ifindex)
{
	char *end;
	unsigned long v;

	if (!s || !*s) {
		*ifindex = 0;
		return 0;
	}
	v = strtoul(s, &end, 10);
	if (!*end) {
		*ifindex = v;
		return 0;
	}
	*ifindex = if_nametoindex(s);
	return *ifindex ? 0 : -1;
}

/* Fill a group address from text; IPv6 when it contains ':'. */
static inline int lsgc_group_fill(struct lsgc_group_addr *g, const char *addr,
				  unsigned int port, __u32 ifindex)
{
	memset(g, 0, sizeof(*g));
	g->port = htons(port);
	g->ifindex = ifindex;
	if (strchr(addr, ':')) {
		g->family = AF_INET6;
		return inet_pton(AF_INET6, addr, g->addr) == 1 ? 0 : -1;
	}
	g->family = AF_INET;
	return inet_pton(AF_INET, addr, g->addr) == 1 ? 0 : -1;
}

/* xorshift64*, seeded from (id, counter): the payload's filler. */
static inline uint64_t lsgc_prng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t lsgc_seed(const char *name, uint64_t counter)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 0x100000001b3ULL;
	}
	h ^= counter * 0x9E3779B97F4A7C15ULL;
	return h ? h : 1;
}

/* Write the payload of message @counter from @name into buf[0..len). */
static inline void lsgc_payload_fill(unsigned char *buf, size_t len,
				     const char *name, uint64_t counter)
{
	char prefix[64];
	size_t plen, i;
	uint64_t s = lsgc_seed(name, counter), r = 0;

	plen = snprintf(prefix, sizeof(prefix), "%s:%llu:", name,
			(unsigned long long)counter);
	for (i = 0; i < len; i++) {
		if (i < plen) {
			buf[i] = prefix[i];
			continue;
		}
		if (((i - plen) & 7) == 0)
			r = lsgc_prng_next(&s);
		buf[i] = r >> (8 * ((i - plen) & 7));
	}
}

/*
 * Parse "<name>:<counter>:" at the start of a payload.  Returns 0 and
 * fills @name/@counter, or -1 if the payload is too short or not ours.
 */
static inline int lsgc_payload_parse(const unsigned char *buf, size_t len,
				     char *name, size_t namelen,
				     uint64_t *counter)
{
	size_t i, c1 = 0, c2 = 0;
	uint64_t v = 0;

	for (i = 0; i < len && i < 64; i++) {
		if (buf[i] == ':') {
			if (!c1) {
				c1 = i;
			} else {
				c2 = i;
				break;
			}
		}
	}
	if (!c1 || !c2 || c1 >= namelen || c2 == c1 + 1)
		return -1;
	for (i = c1 + 1; i < c2; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		v = v * 10 + (buf[i] - '0');
	}
	memcpy(name, buf, c1);
	name[c1] = 0;
	*counter = v;
	return 0;
}

/* Does buf[0..len) equal the payload of (name, counter)? */
static inline int lsgc_payload_check(const unsigned char *buf, size_t len,
				     const char *name, uint64_t counter)
{
	char prefix[64];
	size_t plen;
	uint64_t s = lsgc_seed(name, counter), r = 0;
	size_t i;

	/* Same generator as lsgc_payload_fill, without a full copy. */
	plen = snprintf(prefix, sizeof(prefix), "%s:%llu:", name,
			(unsigned long long)counter);
	for (i = 0; i < len; i++) {
		unsigned char want;

		if (i < plen) {
			want = prefix[i];
		} else {
			if (((i - plen) & 7) == 0)
				r = lsgc_prng_next(&s);
			want = r >> (8 * ((i - plen) & 7));
		}
		if (buf[i] != want)
			return 0;
	}
	return 1;
}

static inline uint32_t lsgc_crc32(const unsigned char *p, size_t len)
{
	uint32_t c = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c;
}

#endif /* _LSGC_SELFTEST_UTIL_H */
