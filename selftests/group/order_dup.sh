#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Total order, 4 senders + 2 receivers in 6 namespaces, 5% duplication on every bridge port.
. "$(dirname "$0")/group_lib.sh"
grp_order_run duplicate 5%
