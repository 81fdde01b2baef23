#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Total order, 4 senders + 2 receivers in 6 namespaces, clean link.
. "$(dirname "$0")/group_lib.sh"
grp_order_run 
