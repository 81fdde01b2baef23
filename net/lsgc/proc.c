// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/lsgc/: the namespace's counters ("stats", one "name value"
 * line each) and its local members ("members", one line each).  The
 * generic netlink family is the structured interface; these files are for
 * people and shell scripts.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "lsgc.h"

const char *const lsgc_stat_names[__LSGC_STAT_MAX] = {
	[LSGC_STAT_RX_PACKETS] = "rx_packets",
	[LSGC_STAT_RX_BYTES] = "rx_bytes",
	[LSGC_STAT_TX_PACKETS] = "tx_packets",
	[LSGC_STAT_TX_BYTES] = "tx_bytes",
	[LSGC_STAT_TX_ERRORS] = "tx_errors",
	[LSGC_STAT_DATA_SENT] = "data_sent",
	[LSGC_STAT_DATA_RECEIVED] = "data_received",
	[LSGC_STAT_DATA_DELIVERED] = "data_delivered",
	[LSGC_STAT_UDATA_SENT] = "udata_sent",
	[LSGC_STAT_UDATA_RECEIVED] = "udata_received",
	[LSGC_STAT_UDATA_DELIVERED] = "udata_delivered",
	[LSGC_STAT_FRAGMENTS_SENT] = "fragments_sent",
	[LSGC_STAT_NAKS_SENT] = "naks_sent",
	[LSGC_STAT_NAKS_RECEIVED] = "naks_received",
	[LSGC_STAT_NAKS_SUPPRESSED] = "naks_suppressed",
	[LSGC_STAT_RETRANSMITS] = "retransmits",
	[LSGC_STAT_SENDER_RETRANSMITS] = "sender_retransmits",
	[LSGC_STAT_WINDOW_STALLS] = "window_stalls",
	[LSGC_STAT_RCVBUF_STALLS] = "rcvbuf_stalls",
	[LSGC_STAT_VIEWS_INSTALLED] = "views_installed",
	[LSGC_STAT_EXPELLED] = "expelled",
	[LSGC_STAT_EXPELLED_SILENT] = "expelled_silent",
	[LSGC_STAT_EXPELLED_STUCK] = "expelled_stuck",
	[LSGC_STAT_DROP_MALFORMED] = "drop_malformed",
	[LSGC_STAT_DROP_VERSION] = "drop_version",
	[LSGC_STAT_DROP_SESSION] = "drop_session",
	[LSGC_STAT_DROP_NOT_MEMBER] = "drop_not_member",
	[LSGC_STAT_DROP_DUPLICATE] = "drop_duplicate",
	[LSGC_STAT_DROP_AUTH] = "drop_auth",
	[LSGC_STAT_DROP_UNKNOWN_EPOCH] = "drop_unknown_epoch",
	[LSGC_STAT_DROP_BACKLOG] = "drop_backlog",
	[LSGC_STAT_DROP_NOMEM] = "drop_nomem",
	[LSGC_STAT_DROP_RCVBUF] = "drop_rcvbuf",
	[LSGC_STAT_DROP_STALE] = "drop_stale",
	[LSGC_STAT_DROP_REPLAY] = "drop_replay",
	[LSGC_STAT_DROP_FILTER] = "drop_filter",
	[LSGC_STAT_KDC_REJECTED] = "kdc_rejected",
};

static int lsgc_stats_show(struct seq_file *seq, void *v)
{
	struct lsgc_net *ln = lsgc_pernet(seq_file_single_net(seq));
	unsigned int i;

	for (i = 0; i < __LSGC_STAT_MAX; i++)
		seq_printf(seq, "%s %lld\n", lsgc_stat_names[i],
			   atomic64_read(&ln->stats[i]));
	return 0;
}

static const char *const lsgc_state_names[] = {
	[LSGC_STATE_UNJOINED] = "unjoined",
	[LSGC_STATE_JOINING] = "joining",
	[LSGC_STATE_MEMBER] = "member",
	[LSGC_STATE_FAILED] = "failed",
};

static void lsgc_members_show_one(struct seq_file *seq, struct lsgc_member *m)
{
	const struct lsgc_group_addr *a = &m->t->addr;

	if (a->family == AF_INET)
		seq_printf(seq, "%pI4", a->addr);
	else
		seq_printf(seq, "%pI6c", a->addr);
	spin_lock_bh(&m->lock);
	seq_printf(seq, " %u %u %*phN %u %s %s %llu %u %llu %llu %llu %u\n",
		   ntohs(a->port), a->ifindex, LSGC_ID_LEN, m->id, m->self,
		   m->role == LSGC_ROLE_LEADER ? "leader" : "member",
		   lsgc_state_names[m->state], m->view ? m->view->id : 0,
		   m->view ? m->view->count : 0, lsgc_order_delivered(m),
		   m->high, m->stable, m->tx_inflight);
	spin_unlock_bh(&m->lock);
}

static int lsgc_members_show(struct seq_file *seq, void *v)
{
	struct lsgc_net *ln = lsgc_pernet(seq_file_single_net(seq));
	struct lsgc_transport *t;
	struct lsgc_member *m;

	seq_puts(seq, "group port ifindex id member role state view members delivered high stable inflight\n");
	mutex_lock(&ln->lock);
	list_for_each_entry(t, &ln->transports, node)
		list_for_each_entry(m, &t->members, tnode)
			lsgc_members_show_one(seq, m);
	mutex_unlock(&ln->lock);
	return 0;
}

int lsgc_proc_init(struct lsgc_net *ln)
{
	ln->proc_dir = proc_net_mkdir(ln->net, "lsgc", ln->net->proc_net);
	if (!ln->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, ln->proc_dir,
				    lsgc_stats_show, NULL) ||
	    !proc_create_net_single("members", 0444, ln->proc_dir,
				    lsgc_members_show, NULL)) {
		remove_proc_subtree("lsgc", ln->net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void lsgc_proc_exit(struct lsgc_net *ln)
{
	remove_proc_subtree("lsgc", ln->net->proc_net);
}
