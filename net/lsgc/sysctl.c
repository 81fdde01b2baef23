// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace tunables under /proc/sys/net/lsgc/, each with a range the
 * kernel enforces.  The protocol reads them with READ_ONCE() whenever it
 * needs them, so a change takes effect at the next tick.
 */
#include <linux/sysctl.h>
#include <linux/slab.h>

#include "lsgc.h"

static int lsgc_ms_min = 10;
static int lsgc_hb_max = 60000;
static int lsgc_to_min = 50;
static int lsgc_join_min = 100;
static int lsgc_window_max = 4096;
static int lsgc_backlog_min = 64;
static int lsgc_backlog_max = LSGC_BACKLOG_MAX;
static int lsgc_nak_max = 1000;
static int lsgc_sec_rate_max = 10000;

#define LSGC_SYSCTL(name, lo, hi) {					\
	.procname = #name,						\
	.data = (void *)offsetof(struct lsgc_config, name),		\
	.maxlen = sizeof(int),						\
	.mode = 0644,							\
	.proc_handler = proc_dointvec_minmax,				\
	.extra1 = lo,							\
	.extra2 = hi,							\
}

static const struct ctl_table lsgc_sysctl_template[] = {
	LSGC_SYSCTL(heartbeat_interval_ms, &lsgc_ms_min, &lsgc_hb_max),
	LSGC_SYSCTL(heartbeat_timeout_ms, &lsgc_to_min, &lsgc_hb_max),
	LSGC_SYSCTL(join_timeout_ms, &lsgc_join_min, &lsgc_hb_max),
	LSGC_SYSCTL(window, SYSCTL_ONE, &lsgc_window_max),
	LSGC_SYSCTL(backlog, &lsgc_backlog_min, &lsgc_backlog_max),
	LSGC_SYSCTL(nak_delay_ms, SYSCTL_ONE, &lsgc_nak_max),
	LSGC_SYSCTL(retransmit_ms, &lsgc_ms_min, &lsgc_hb_max),
	LSGC_SYSCTL(security_event_rate, SYSCTL_ZERO, &lsgc_sec_rate_max),
	{ }
};

/**
 * lsgc_config_defaults - the values a new namespace starts with
 * @cfg: tunables to fill
 */
void lsgc_config_defaults(struct lsgc_config *cfg)
{
	cfg->heartbeat_interval_ms = 100;
	cfg->heartbeat_timeout_ms = 500;
	cfg->join_timeout_ms = 2000;
	cfg->window = 64;
	cfg->backlog = 256;
	cfg->nak_delay_ms = 20;
	cfg->retransmit_ms = 200;
	cfg->security_event_rate = 10;
}

int lsgc_sysctl_register(struct lsgc_net *ln)
{
	struct ctl_table *tbl;
	unsigned int i;

	tbl = kmemdup(lsgc_sysctl_template, sizeof(lsgc_sysctl_template),
		      GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	/* The template's data fields are offsets into struct lsgc_config. */
	for (i = 0; tbl[i].procname; i++)
		tbl[i].data = (char *)&ln->cfg + (uintptr_t)tbl[i].data;
	ln->sysctl = register_net_sysctl(ln->net, "net/lsgc", tbl);
	if (!ln->sysctl) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}

void lsgc_sysctl_unregister(struct lsgc_net *ln)
{
	struct ctl_table *tbl = ln->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(ln->sysctl);
	kfree(tbl);
}
