// SPDX-License-Identifier: GPL-2.0
/*
 * AF_LSGC module entry: parameters, per-namespace state, and the linear
 * init/exit sequence.  Nothing else lives here.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/socket.h>

#include "lsgc.h"
#include "netlink.h"

int lsgc_family = LSGC_FAMILY_DEFAULT;
unsigned int lsgc_net_id __read_mostly;

static int lsgc_family_set(const char *val, const struct kernel_param *kp)
{
	int family, err;

	err = kstrtoint(val, 0, &family);
	if (err)
		return err;
	/* Only a load-time choice: the family cannot move under open sockets. */
	if (family <= AF_UNSPEC || family >= AF_MAX)
		return -EINVAL;
	*(int *)kp->arg = family;
	return 0;
}

static const struct kernel_param_ops lsgc_family_ops = {
	.set = lsgc_family_set,
	.get = param_get_int,
};

module_param_cb(family, &lsgc_family_ops, &lsgc_family, 0444);
MODULE_PARM_DESC(family, "address family number AF_LSGC uses (default 19, retired AF_ECONET)");

/* Where every sender's message numbers start.  They wrap after 2^32; a
 * start just below the wrap lets a test cross it in seconds.  Every
 * member of a group must load the module with the same value.
 */
unsigned int lsgc_msg_no_start = 1;

static int lsgc_msg_no_set(const char *val, const struct kernel_param *kp)
{
	unsigned int no;
	int err;

	err = kstrtouint(val, 0, &no);
	if (err)
		return err;
	if (!no)
		return -EINVAL;
	*(unsigned int *)kp->arg = no;
	return 0;
}

static const struct kernel_param_ops lsgc_msg_no_ops = {
	.set = lsgc_msg_no_set,
	.get = param_get_uint,
};

module_param_cb(msg_no_start, &lsgc_msg_no_ops, &lsgc_msg_no_start, 0444);
MODULE_PARM_DESC(msg_no_start, "first message number of every sender (default 1; for testing the wrap)");

static int __net_init lsgc_net_init(struct net *net)
{
	struct lsgc_net *ln = lsgc_pernet(net);
	int err;

	ln->net = net;
	mutex_init(&ln->lock);
	INIT_LIST_HEAD(&ln->transports);
	spin_lock_init(&ln->sec_limit.lock);
	xa_init_flags(&ln->kdc_reqs, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_BH);
	lsgc_config_defaults(&ln->cfg);
	err = lsgc_sysctl_register(ln);
	if (err)
		return err;
	err = lsgc_proc_init(ln);
	if (err)
		lsgc_sysctl_unregister(ln);
	return err;
}

/* Every user socket holds its namespace, so by the time a namespace goes
 * no member and hence no transport is left in it.
 */
static void __net_exit lsgc_net_exit(struct net *net)
{
	struct lsgc_net *ln = lsgc_pernet(net);

	WARN_ON(!list_empty(&ln->transports));
	WARN_ON(!xa_empty(&ln->kdc_reqs));
	xa_destroy(&ln->kdc_reqs);
	lsgc_proc_exit(ln);
	lsgc_sysctl_unregister(ln);
}

static struct pernet_operations lsgc_net_ops = {
	.init = lsgc_net_init,
	.exit = lsgc_net_exit,
	.id = &lsgc_net_id,
	.size = sizeof(struct lsgc_net),
};

static int __init lsgc_init(void)
{
	int err;

	err = lsgc_crypto_init();
	if (err)
		return err;
	err = register_pernet_subsys(&lsgc_net_ops);
	if (err)
		goto err_pernet;
	err = lsgc_socket_init();
	if (err)
		goto err_socket;
	err = lsgc_netlink_init();
	if (err)
		goto err_netlink;
	err = lsgc_kdc_init();
	if (err)
		goto err_kdc;
	pr_info("lsgc: AF_LSGC %s registered as address family %d\n",
		LSGC_VERSION, lsgc_family);
	return 0;

err_kdc:
	lsgc_netlink_exit();
err_netlink:
	lsgc_socket_exit();
err_socket:
	unregister_pernet_subsys(&lsgc_net_ops);
err_pernet:
	lsgc_crypto_exit();
	return err;
}

static void __exit lsgc_exit(void)
{
	lsgc_kdc_exit();
	lsgc_netlink_exit();
	lsgc_socket_exit();
	unregister_pernet_subsys(&lsgc_net_ops);
	/* Members and transports are freed after RCU grace periods; the
	 * members' keys after one more, from the work queue.
	 */
	rcu_barrier();
	lsgc_crypto_exit();
}

module_init(lsgc_init);
module_exit(lsgc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("AF_LSGC secure group communication sockets");
MODULE_AUTHOR("AF_LSGC developers");
MODULE_VERSION(LSGC_VERSION);
