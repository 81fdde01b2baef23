#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Total order, 4 senders + 2 receivers in 6 namespaces, loss, duplication and reordering at once.
. "$(dirname "$0")/group_lib.sh"
GRP_N=${GRP_N:-300} grp_order_run loss 3% duplicate 3% delay 3ms reorder 20% 50%
