/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of the lsgc module.
 *
 * Objects and their lifetimes:
 *   struct lsgc_net        per network namespace; owns the transports.
 *   struct lsgc_transport  one kernel UDP socket per (group, port, ifindex)
 *                          in a namespace; its RCU list of local members is
 *                          what the receive path demultiplexes to.
 *   struct lsgc_member     one membership: an identity in a group.  Shared
 *                          by the SOCK_SEQPACKET and SOCK_DGRAM sockets that
 *                          joined with that identity.  All its protocol
 *                          state is under member->lock.
 *   struct lsgc_msg        one reliable message (its fragments as skbs),
 *                          from first fragment or binding until stable.
 *   struct lsgc_peer       what a member knows of another session member.
 */
#ifndef _NET_LSGC_LSGC_H
#define _NET_LSGC_LSGC_H

#include <linux/types.h>
#include <linux/kref.h>
#include <linux/xarray.h>
#include <linux/hashtable.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <uapi/linux/lsgc.h>

#include "wire.h"
#include "replay.h"

struct crypto_aead;

extern int lsgc_family;
extern unsigned int lsgc_net_id;

/* Counters, per namespace and per member. */
enum lsgc_stat {
	LSGC_STAT_RX_PACKETS,
	LSGC_STAT_RX_BYTES,
	LSGC_STAT_TX_PACKETS,
	LSGC_STAT_TX_BYTES,
	LSGC_STAT_TX_ERRORS,
	LSGC_STAT_DATA_SENT,
	LSGC_STAT_DATA_RECEIVED,
	LSGC_STAT_DATA_DELIVERED,
	LSGC_STAT_UDATA_SENT,
	LSGC_STAT_UDATA_RECEIVED,
	LSGC_STAT_UDATA_DELIVERED,
	LSGC_STAT_FRAGMENTS_SENT,
	LSGC_STAT_NAKS_SENT,
	LSGC_STAT_NAKS_RECEIVED,
	LSGC_STAT_NAKS_SUPPRESSED,
	LSGC_STAT_RETRANSMITS,
	LSGC_STAT_SENDER_RETRANSMITS,
	LSGC_STAT_WINDOW_STALLS,
	LSGC_STAT_RCVBUF_STALLS,
	LSGC_STAT_VIEWS_INSTALLED,
	LSGC_STAT_EXPELLED,
	LSGC_STAT_EXPELLED_SILENT,
	LSGC_STAT_EXPELLED_STUCK,
	LSGC_STAT_DROP_MALFORMED,
	LSGC_STAT_DROP_VERSION,
	LSGC_STAT_DROP_SESSION,
	LSGC_STAT_DROP_NOT_MEMBER,
	LSGC_STAT_DROP_DUPLICATE,
	LSGC_STAT_DROP_AUTH,
	LSGC_STAT_DROP_UNKNOWN_EPOCH,
	LSGC_STAT_DROP_BACKLOG,
	LSGC_STAT_DROP_NOMEM,
	LSGC_STAT_DROP_RCVBUF,
	LSGC_STAT_DROP_STALE,
	LSGC_STAT_DROP_REPLAY,
	LSGC_STAT_DROP_FILTER,
	LSGC_STAT_KDC_REJECTED,
	__LSGC_STAT_MAX
};

extern const char *const lsgc_stat_names[__LSGC_STAT_MAX];

/**
 * struct lsgc_config - per-namespace tunables (net.lsgc.* sysctls)
 * @heartbeat_interval_ms: how often every member sends a heartbeat
 * @heartbeat_timeout_ms: silence after which a member is declared failed
 * @join_timeout_ms: default time a join waits for the leader
 * @window: reliable messages a sender may have in flight, not yet ordered
 * @backlog: fragments the sequencer binds beyond what every member
 *	delivered: its memory bound and the group's flow-control window
 * @nak_delay_ms: upper bound of the random back-off before a NAK
 * @retransmit_ms: time after which an unordered message is sent again
 * @security_event_rate: security events announced per second at most
 */
struct lsgc_config {
	int heartbeat_interval_ms;
	int heartbeat_timeout_ms;
	int join_timeout_ms;
	int window;
	int backlog;
	int nak_delay_ms;
	int retransmit_ms;
	int security_event_rate;
};

/**
 * struct lsgc_sec_limit - rate limit of a namespace's security events
 * @lock: protects the fields below; taken in softirq context
 * @window: jiffies when the current one-second window began
 * @sent: events announced in it
 * @suppressed: events dropped since the last one announced
 */
struct lsgc_sec_limit {
	spinlock_t lock; /* the fields below */
	unsigned long window;
	unsigned int sent;
	u32 suppressed;
};

/**
 * struct lsgc_net - per network namespace state
 * @net: the namespace
 * @lock: serialises transport creation/destruction and member lookup
 * @transports: all transports of the namespace
 * @cfg: tunables
 * @sysctl: registered sysctl table
 * @proc_dir: /proc/net/lsgc
 * @stats: namespace-wide counters
 * @sec_limit: rate limit of security events
 * @kdc_reqs: pending KDC requests by handle (kdc.c)
 * @kdc_next: next handle to try
 */
struct lsgc_net {
	struct net *net;
	struct mutex lock; /* transports, member lookup */
	struct list_head transports;
	struct lsgc_config cfg;
	struct ctl_table_header *sysctl;
	struct proc_dir_entry *proc_dir;
	atomic64_t stats[__LSGC_STAT_MAX];
	struct lsgc_sec_limit sec_limit;
	struct xarray kdc_reqs;
	u32 kdc_next;
};

static inline struct lsgc_net *lsgc_pernet(const struct net *net)
{
	return net_generic(net, lsgc_net_id);
}

/**
 * struct lsgc_transport - the UDP socket of one group in one namespace
 * @node: in lsgc_net.transports
 * @ln: owning namespace state
 * @sk: the kernel UDP socket, RCU protected for the transmit path
 * @sock: the same socket, for release
 * @addr: the group
 * @members: local members, RCU list; written under ln->lock
 * @users: members holding it; under ln->lock
 * @rcu: deferred free
 */
struct lsgc_transport {
	struct list_head node;
	struct lsgc_net *ln;
	struct sock __rcu *sk;
	struct socket *sock;
	struct lsgc_group_addr addr;
	struct list_head members;
	int users;
	struct rcu_head rcu;
};

/**
 * struct lsgc_src - where a packet came from
 * @family: AF_INET or AF_INET6; 0 while nothing was heard
 * @port: UDP source port
 * @addr: IPv4 (first 4 bytes) or IPv6 source address
 */
struct lsgc_src {
	u16 family;
	__be16 port;
	u8 addr[16];
};

/* Session keys a member holds at once: previous, current, next view. */
#define LSGC_KEY_SLOTS	3

/**
 * struct lsgc_skey - one AEAD key and its transform (crypto.c)
 * @epoch: the view whose packets it seals; 0 for a wrap or admission key
 * @cipher: enum lsgc_cipher
 * @tfm: the transform, keyed
 * @raw: the key itself (the leader wraps it for members); wiped on free
 * @rwork: deferred free, after RCU readers are done
 */
struct lsgc_skey {
	u32 epoch;
	u8 cipher;
	struct crypto_aead *tfm;
	u8 raw[LSGC_KEY_LEN];
	struct rcu_work rwork;
};

/**
 * struct lsgc_peer - a session member as one local member knows it
 * @no: member number
 * @id: identity
 * @last_heard: jiffies of the last packet from it
 * @delivered: highest sequence it acknowledged (leader's view)
 * @progress: jiffies when @delivered last moved
 * @next_msg: leader only: next message number of it to bind
 * @join_nonce: leader only: nonce of the join that admitted it
 * @join_view: leader only: view that admitted it
 * @join_seq: leader only: sequence number of that view
 * @replay: duplicate and replay filter over its counters
 * @heard: a packet came from it under its member number
 * @hb_heard: a heartbeat came from it, so @hb_delivered and @hb_high mean
 *	something
 * @hb_delivered: what it last reported having delivered
 * @hb_high: what it last reported having received
 * @join_time: CLOCK_REALTIME ms when this member saw it admitted
 * @src: where its last packet came from
 * @wrap: leader of a secure group: its wrap key W
 * @join_key: leader of a secure group: the key of its admission
 * @secret: leader of a secure group: its admission (JOIN_SACK) in clear,
 *	resent as long as it asks; wiped once it speaks
 * @lnonce: the leader's nonce of that admission
 */
struct lsgc_peer {
	u32 no;
	u8 id[LSGC_ID_LEN];
	unsigned long last_heard;
	u64 delivered;
	unsigned long progress;
	u32 next_msg;
	u64 join_nonce;
	u64 join_view;
	u64 join_seq;
	struct lsgc_replay replay;
	bool heard;
	bool hb_heard;
	u64 hb_delivered;
	u64 hb_high;
	u64 join_time;
	struct lsgc_src src;
	struct lsgc_skey *wrap;
	struct lsgc_skey *join_key;
	struct lsgc_wire_join_secret secret;
	u8 lnonce[LSGC_LNONCE_LEN];
};

/**
 * struct lsgc_cand - a joiner the KDC vouched for, not yet admitted
 * @node: in the leader's &lsgc_member.cands
 * @id: its identity
 * @nonce: the nonce of its join
 * @expires: jiffies after which it is forgotten (it gave up by then)
 * @lnonce: the leader's nonce of the admission's key
 * @join_key: the admission's key (JOIN_TOKEN, then JOIN_SACK)
 * @wrap: its wrap key, for the keys of later views
 * @tok: the token granted, for our view @tok.view_id (0: none yet)
 */
struct lsgc_cand {
	struct list_head node;
	u8 id[LSGC_ID_LEN];
	u64 nonce;
	unsigned long expires;
	u8 lnonce[LSGC_LNONCE_LEN];
	struct lsgc_skey *join_key;
	struct lsgc_skey *wrap;
	struct lsgc_token tok;
};

/**
 * struct lsgc_view - an installed (or, at the leader, decided) view
 * @id: view number
 * @leader: leader's member number
 * @seq: sequence number of the view's record
 * @count: number of members
 * @ents: members, ascending by number
 */
struct lsgc_view {
	u64 id;
	u32 leader;
	u64 seq;
	unsigned int count;
	struct lsgc_view_ent ents[];
};

/**
 * struct lsgc_msg - a reliable message in the store of one member
 * @hnode: in lsgc_member.msgs, keyed by (origin, msg_no)
 * @tx_node: in lsgc_member.tx_unbound while an own message is unordered
 * @origin: author
 * @msg_no: author's number for it
 * @nfrags: fragments
 * @nhave: fragments present
 * @flags: LSGC_DATA_* flags
 * @total_len: message length
 * @seq: first sequence number once bound, else 0
 * @born: jiffies when first seen
 * @sent: jiffies of the last (re)transmission of an own message
 * @repaired: jiffies of the last repair the leader sent of it
 * @retries: retransmissions by its sender so far (backs the timer off)
 * @announced: DATA already went out, so a later binding needs an ORDER
 * @reannounced: leader: jiffies it last told a resending sender again
 *	where the message is bound
 * @charged: bytes of it counted in the store (lsgc_store_charge())
 * @repair_map: leader: fragments repaired since @repaired
 * @frags: the fragments, each skb's data is exactly the payload
 */
struct lsgc_msg {
	struct hlist_node hnode;
	struct list_head tx_node;
	u32 origin;
	u32 msg_no;
	u16 nfrags;
	u16 nhave;
	u32 flags;
	u32 total_len;
	u64 seq;
	unsigned long born;
	unsigned long sent;
	unsigned long repaired;
	u8 retries;
	bool announced;
	unsigned long reannounced;
	unsigned long fnaked;
	unsigned int charged;
	DECLARE_BITMAP(repair_map, LSGC_MAX_FRAGS);
	struct sk_buff *frags[];
};

/* Control block of skbs queued on an AF_LSGC socket. */
struct lsgc_skb_cb {
	u64 seq;
	u64 view_id;
	u32 origin;
	bool is_view;
	u8 id[LSGC_ID_LEN];
};

#define LSGC_SKB_CB(skb) ((struct lsgc_skb_cb *)((skb)->cb))

enum lsgc_member_role {
	LSGC_ROLE_MEMBER,
	LSGC_ROLE_LEADER,
};

/**
 * struct lsgc_member - one membership of one identity in one group
 *
 * Everything below @lock is protected by it.  Packets to send are built
 * under the lock into @xmitq and transmitted by lsgc_member_flush() after
 * the lock is dropped.
 */
struct lsgc_member {
	struct list_head tnode;
	struct lsgc_transport *t;
	bool unlinked;
	struct lsgc_net *ln;
	struct kref ref;
	struct rcu_head rcu;
	wait_queue_head_t join_wq;
	struct timer_list timer;
	u8 id[LSGC_ID_LEN];

	spinlock_t lock; /* everything below */
	enum lsgc_member_state state;
	enum lsgc_member_role role;
	bool dead;
	int err;
	struct sock *seq_sk;
	struct sock *dgram_sk;
	unsigned int nsocks;
	struct sk_buff_head xmitq;

	/* identity within the session */
	u32 session;
	u32 self;
	u32 leader;
	u64 join_nonce;
	unsigned long join_deadline;
	unsigned long join_next_try;
	int join_refused;
	u64 join_time;
	atomic64_t tx_counter;
	u32 epoch;

	/* views: installed, and at the leader the latest decided */
	struct lsgc_view *view;
	struct lsgc_view *lview;
	struct xarray peers;
	u32 next_member_no;

	/* reliable channel: store, order, delivery */
	DECLARE_HASHTABLE(msgs, 8);
	unsigned int nmsgs;
	size_t store_bytes;
	struct xarray order;
	u64 next_deliver;
	u64 high;
	u64 stable;
	u64 gc_seq;
	u64 start_seq;
	bool rx_blocked;
	bool draining;
	unsigned long nak_due;
	u64 nak_from;
	unsigned long behind_since;
	u64 behind_deliver;
	u64 last_acked;

	/* sequencer (leader) */
	u64 next_seq;
	bool bind_blocked;
	unsigned long full_since;
	u64 full_stable;	/* the stable point full_since saw */
	bool view_pending;
	unsigned long stranger_expel_at;
	struct sk_buff *order_skb;
	unsigned int order_count;

	/* sending */
	u32 next_msg_no;
	unsigned int tx_inflight;
	struct list_head tx_unbound;
	unsigned int frag_payload;
	unsigned int dgram_max;

	/* timers */
	unsigned long next_heartbeat;
	unsigned long leader_heard;
	unsigned long next_age;

	/* security (keys.c, kdc.c); all zero in an insecure group */
	bool secure;
	u8 cipher;
	bool key_failed;
	bool old_keys_pending;
	u8 ltk[LSGC_KEY_LEN];
	struct lsgc_skey __rcu *keys[LSGC_KEY_SLOTS];
	struct lsgc_skey *next_key;
	struct lsgc_skey *wrap;
	unsigned long old_keys_until;
	u32 tx_epoch_hint;
	struct {
		bool pending;
		u64 view_id;
		u8 wrapped[LSGC_WRAPPED_LEN];
	} kjob;
	struct work_struct crypto_work;
	struct sk_buff_head crypto_q;
	struct sk_buff_head holdq;
	unsigned long hold_since;
	struct list_head kdc_reqs;
	/* token.c: a leader's candidates; a joiner's token and its session */
	struct list_head cands;
	unsigned int ncands;
	struct lsgc_token tok;
	u32 tok_session;

	atomic64_t stats[__LSGC_STAT_MAX];
};

/* Control block of packets on a member's xmitq. */
struct lsgc_tx_cb {
	u32 epoch;
	bool sealed;
};

#define LSGC_TX_CB(skb) ((struct lsgc_tx_cb *)((skb)->cb))

/**
 * struct lsgc_sock - an AF_LSGC socket
 * @sk: the socket
 * @member: the membership it is attached to, or NULL; under lock_sock
 * @req: the join request in force
 * @recv_own: deliver own messages
 * @join_waiting: a blocking LSGC_JOIN waits for its answer (unlocked)
 */
struct lsgc_sock {
	struct sock sk;
	struct lsgc_member *member;
	struct lsgc_join_req req;
	bool recv_own;
	bool join_waiting;
};

static inline struct lsgc_sock *lsgc_sk(const struct sock *sk)
{
	return (struct lsgc_sock *)sk;
}

void lsgc_trace_drop(const struct lsgc_member *m, enum lsgc_stat reason);

static inline void lsgc_stat_add(struct lsgc_net *ln, struct lsgc_member *m,
				 enum lsgc_stat s, u64 v)
{
	if (s >= LSGC_STAT_DROP_MALFORMED)
		lsgc_trace_drop(m, s);
	atomic64_add(v, &ln->stats[s]);
	if (m)
		atomic64_add(v, &m->stats[s]);
}

/* A membership's own share of a counter the namespace counts elsewhere
 * (packets and bytes: the namespace counts each once at its transport).
 */
static inline void lsgc_member_stat_add(struct lsgc_member *m,
					enum lsgc_stat s, u64 v)
{
	atomic64_add(v, &m->stats[s]);
}

static inline void lsgc_stat_inc(struct lsgc_net *ln, struct lsgc_member *m,
				 enum lsgc_stat s)
{
	lsgc_stat_add(ln, m, s, 1);
}

static inline unsigned long lsgc_ms(int ms)
{
	return max_t(unsigned long, 1, msecs_to_jiffies(ms));
}

/* af_lsgc.c */
int lsgc_socket_init(void);
void lsgc_socket_exit(void);
void lsgc_sock_wake(struct sock *sk);
int lsgc_sock_queue_rcv(struct sock *sk, struct sk_buff *skb);

/* transport.c */
struct lsgc_transport *lsgc_transport_get(struct lsgc_net *ln,
					  const struct lsgc_group_addr *addr);
void lsgc_transport_put(struct lsgc_transport *t);
unsigned int lsgc_transport_xmit(struct lsgc_transport *t,
				 struct sk_buff *skb);
unsigned int lsgc_transport_mtu(struct lsgc_transport *t);
unsigned int lsgc_transport_headroom(const struct lsgc_transport *t);

/* seal.c */
int lsgc_seal_for(struct lsgc_member *m, struct sk_buff *skb,
		  struct lsgc_skey *k, unsigned int adlen, unsigned int len);
int lsgc_seal(struct lsgc_member *m, struct sk_buff *skb);
int lsgc_open(struct lsgc_transport *t, struct sk_buff *skb,
	      const struct lsgc_hdr *h);

/* crypto.c */
extern struct workqueue_struct *lsgc_wq;
int lsgc_crypto_init(void);
void lsgc_crypto_exit(void);
int lsgc_prf(const u8 *key, const void *a, size_t alen, const void *b,
	     size_t blen, const void *c, size_t clen, u8 *out);
int lsgc_pair_half(const u8 *key, const u8 *id, u8 *out);
int lsgc_derive_join(const u8 *secret, u32 session, u64 nonce,
		     const u8 *lnonce, u8 *out);
int lsgc_derive_wrap(const u8 *secret, u32 session, u8 *out);
struct lsgc_skey *lsgc_skey_new(u8 cipher, u32 epoch, const u8 *raw);
void lsgc_skey_free(struct lsgc_skey *k);
int lsgc_aead_crypt(struct lsgc_skey *k, bool enc, u32 sender, u64 counter,
		    u8 *buf, unsigned int adlen, unsigned int len);

/* keys.c */
struct lsgc_skey *lsgc_key_find(struct lsgc_member *m, u32 epoch);
void lsgc_keys_installed(struct lsgc_member *m);
bool lsgc_keys_ready(struct lsgc_member *m, struct lsgc_msg *msg, u64 view_id);
void lsgc_keys_view_seen(struct lsgc_member *m, struct lsgc_msg *msg);
int lsgc_keys_wrap(struct lsgc_member *m, const struct lsgc_view *nv, u8 *blk);
int lsgc_keys_commit(struct lsgc_member *m, const struct lsgc_view *nv);
void lsgc_keys_hold(struct lsgc_member *m, struct sk_buff *skb);
void lsgc_keys_tick(struct lsgc_member *m, unsigned long now);
void lsgc_keys_rx_sack(struct lsgc_member *m, struct sk_buff *skb);
void lsgc_keys_init(struct lsgc_member *m, bool secure, const u8 *ltk,
		    u8 cipher);
void lsgc_keys_destroy(struct lsgc_member *m);
int lsgc_ltk_get(const struct lsgc_join_req *req, u8 *ltk);

/* kdc.c */
int lsgc_kdc_init(void);
void lsgc_kdc_exit(void);
int lsgc_kdc_request(struct lsgc_member *m, const struct lsgc_join *j);
void lsgc_kdc_tick(struct lsgc_member *m, unsigned long now);
void lsgc_kdc_cancel(struct lsgc_member *m);

/* receive.c */
void lsgc_receive(struct lsgc_transport *t, struct sk_buff *skb);

/* send.c */
struct sk_buff *lsgc_pkt_alloc(struct lsgc_member *m, u8 type, size_t body,
			       gfp_t gfp);
void lsgc_pkt_queue(struct lsgc_member *m, struct sk_buff *skb);
int lsgc_send_reliable(struct lsgc_member *m, struct msghdr *msg, size_t len,
		       struct sock *sk);
int lsgc_send_dgram(struct lsgc_member *m, struct msghdr *msg, size_t len,
		    struct sock *sk);
void lsgc_send_msg_frags(struct lsgc_member *m, struct lsgc_msg *msg,
			 bool repair);
void lsgc_send_frag(struct lsgc_member *m, struct lsgc_msg *msg,
		    unsigned int frag, bool repair);
void lsgc_send_heartbeat(struct lsgc_member *m);
bool lsgc_member_writable(struct lsgc_member *m);
void lsgc_send_nak(struct lsgc_member *m, u64 from, u64 to);
void lsgc_send_fnak(struct lsgc_member *m, const struct lsgc_fnak *f);
void lsgc_send_member_ref(struct lsgc_member *m, u8 type, u32 member,
			  u32 reason);
void lsgc_send_join(struct lsgc_member *m, u8 type, const struct lsgc_join *j);

/* order.c */
extern unsigned int lsgc_msg_no_start;

/* A sender's next message number: they wrap after 2^32, skipping 0. */
static inline u32 lsgc_msg_no_next(u32 no)
{
	return no == U32_MAX ? 1 : no + 1;
}

bool lsgc_store_room(const struct lsgc_member *m, size_t more);
void lsgc_store_charge(struct lsgc_member *m, struct lsgc_msg *msg, int bytes);
struct lsgc_msg *lsgc_msg_lookup(struct lsgc_member *m, u32 origin, u32 msg_no);
struct lsgc_msg *lsgc_msg_create(struct lsgc_member *m, u32 origin, u32 msg_no,
				 u16 nfrags, u32 flags, u32 total_len);
void lsgc_msg_free(struct lsgc_member *m, struct lsgc_msg *msg);
void lsgc_order_rx_data(struct lsgc_member *m, const struct lsgc_hdr *h,
			const struct lsgc_data *d, struct sk_buff *skb);
void lsgc_order_rx_order(struct lsgc_member *m, const u8 *body,
			 unsigned int count);
void lsgc_order_rx_fnak(struct lsgc_member *m, const struct lsgc_fnak *f);
void lsgc_order_rx_nak(struct lsgc_member *m, const struct lsgc_hdr *h,
		       u64 from, u64 to);
void lsgc_order_bind_from(struct lsgc_member *m, struct lsgc_peer *p);
void lsgc_order_bind_all(struct lsgc_member *m);
int lsgc_order_bind_msg(struct lsgc_member *m, struct lsgc_msg *msg);
void lsgc_order_flush_bindings(struct lsgc_member *m);
void lsgc_order_deliver(struct lsgc_member *m);
void lsgc_order_set_stable(struct lsgc_member *m, u64 stable);
void lsgc_order_note_high(struct lsgc_member *m, u64 high);
void lsgc_order_tick(struct lsgc_member *m, unsigned long now);
void lsgc_order_destroy(struct lsgc_member *m);
u64 lsgc_order_delivered(const struct lsgc_member *m);

/* membership.c */
int lsgc_membership_create(struct lsgc_member *m);
void lsgc_membership_start_join(struct lsgc_member *m);
void lsgc_membership_rx_join_req(struct lsgc_member *m, const struct lsgc_hdr *h,
				 const struct lsgc_join *j);
void lsgc_membership_rx_join_reply(struct lsgc_member *m, const struct lsgc_hdr *h,
				   const struct lsgc_join *j, struct sk_buff *skb);
void lsgc_membership_rx_leave(struct lsgc_member *m, const struct lsgc_hdr *h,
			      u32 member);
void lsgc_membership_rx_expel(struct lsgc_member *m, const struct lsgc_hdr *h,
			      u32 member, u32 reason);
void lsgc_membership_rx_heartbeat(struct lsgc_member *m, const struct lsgc_hdr *h,
				  const struct lsgc_heartbeat *hb);
int lsgc_membership_install(struct lsgc_member *m, struct lsgc_msg *msg);
void lsgc_membership_rx_stranger(struct lsgc_member *m, const struct lsgc_hdr *h);
void lsgc_membership_expel(struct lsgc_member *m, u32 member, int reason);
void lsgc_membership_tick(struct lsgc_member *m, unsigned long now);
struct lsgc_peer *lsgc_peer_find(struct lsgc_member *m, u32 no);
bool lsgc_view_has(const struct lsgc_view *v, u32 no);
const struct lsgc_view_ent *lsgc_view_find(const struct lsgc_view *v, u32 no);
bool lsgc_leader_all_delivered(struct lsgc_member *m);
u64 lsgc_leader_stable_point(struct lsgc_member *m);
void lsgc_membership_destroy(struct lsgc_member *m);
void lsgc_membership_refuse(struct lsgc_member *m, const struct lsgc_join *j,
			    u32 reason);
int lsgc_membership_admit(struct lsgc_member *m, const u8 *id, u64 nonce,
			  const u8 *lnonce, struct lsgc_skey **join_key,
			  struct lsgc_skey **wrap);
struct lsgc_peer *lsgc_peer_find_id(struct lsgc_member *m, const u8 *id);
void lsgc_membership_open_sack(struct lsgc_member *m, struct sk_buff *skb);

/* token.c */
int lsgc_token_check(struct lsgc_skey *k, u32 session,
		     const struct lsgc_token *t);
int lsgc_token_grant(struct lsgc_member *m, const u8 *id, u64 nonce,
		     const u8 *secret);
bool lsgc_token_rx_join_req(struct lsgc_member *m, const struct lsgc_join *j);
void lsgc_token_rx(struct lsgc_member *m, const struct lsgc_token *t);
void lsgc_token_present(struct lsgc_member *m);
void lsgc_token_open_grant(struct lsgc_member *m, const struct lsgc_hdr *h,
			   const struct lsgc_join *j,
			   const struct lsgc_wire_token_grant *g);
void lsgc_token_tick(struct lsgc_member *m, unsigned long now);
void lsgc_token_destroy(struct lsgc_member *m);

/* member.c */
int lsgc_member_join(struct lsgc_sock *lsk, const struct lsgc_join_req *req,
		     const u8 *ltk, bool nonblock);
void lsgc_member_detach(struct lsgc_sock *lsk);
void lsgc_member_fail(struct lsgc_member *m, int err);
void lsgc_member_flush(struct lsgc_member *m);
void lsgc_member_put(struct lsgc_member *m);
void lsgc_member_kick_rx(struct lsgc_member *m);

/* timers.c */
void lsgc_timers_init(struct lsgc_member *m);
void lsgc_timers_start(struct lsgc_member *m);
void lsgc_timers_stop(struct lsgc_member *m);

/* sysctl.c */
void lsgc_config_defaults(struct lsgc_config *cfg);
int lsgc_sysctl_register(struct lsgc_net *ln);
void lsgc_sysctl_unregister(struct lsgc_net *ln);

/* proc.c */
int lsgc_proc_init(struct lsgc_net *ln);
void lsgc_proc_exit(struct lsgc_net *ln);

#endif /* _NET_LSGC_LSGC_H */
