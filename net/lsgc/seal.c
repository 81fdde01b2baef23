// SPDX-License-Identifier: GPL-2.0
/*
 * The one seal/open step.  Every packet a member sends passes through
 * lsgc_seal() after it is built and before it reaches the transport, and
 * every packet the transport receives passes through lsgc_open() after its
 * header is parsed and before anything else of it is read.
 *
 * Sealing assigns the per-sender counter (the future AEAD nonce) and the
 * key epoch.  Groups joined with LSGC_JOIN_INSECURE, the only kind that
 * exists until the security work lands, carry the header in clear and no
 * tag; the AEAD (gcm(aes) by default) will authenticate the header as
 * associated data and encrypt the body here, and nowhere else.
 */
#include <asm/unaligned.h>

#include "lsgc.h"

/**
 * lsgc_seal - give a built packet its counter and epoch and protect it
 * @m: the sending member; its lock is not held (crypto may be slow)
 * @skb: the packet, data at the LSGC header
 *
 * Return: 0, or a negative errno after which the packet must be dropped.
 */
int lsgc_seal(struct lsgc_member *m, struct sk_buff *skb)
{
	struct lsgc_wire_hdr *w = (struct lsgc_wire_hdr *)skb->data;
	u64 counter;

	counter = atomic64_inc_return(&m->tx_counter);
	/* A counter must never repeat under one key: refuse to wrap. */
	if (unlikely(!counter))
		return -EOVERFLOW;
	put_unaligned_be64(counter, &w->counter);
	put_unaligned_be32(READ_ONCE(m->epoch), &w->epoch);
	return 0;
}

/**
 * lsgc_open - verify and unprotect a received packet
 * @t: the transport it arrived on
 * @skb: the packet, linear, data at the LSGC header
 * @h: its parsed header
 *
 * A sealed packet (LSGC_HDR_SEALED) can only be opened with its session's
 * key, and no session holds one until the AEAD lands: it fails.  A clear
 * packet is accepted, since every session is insecure; once secure
 * sessions exist, a clear packet claiming one of them fails here too.
 *
 * Return: 0 if the packet may be parsed further, else a negative errno;
 * the caller drops the packet and counts an authentication failure.
 */
int lsgc_open(struct lsgc_transport *t, struct sk_buff *skb,
	      const struct lsgc_hdr *h)
{
	if (h->flags & LSGC_HDR_SEALED)
		return -EBADMSG;
	return 0;
}
