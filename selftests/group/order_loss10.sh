#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Total order, 4 senders + 2 receivers in 6 namespaces, 10% loss on every bridge port.
. "$(dirname "$0")/group_lib.sh"
GRP_N=${GRP_N:-300} grp_order_run loss 10%
