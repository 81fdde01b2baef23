#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The JSON checker the other tests rely on must be able to say no: it
# fails on a false assertion, on a lookup error and on input that is not
# JSON, and passes a true one.
. "$(dirname "$0")/monitor_lib.sh"

ktap_plan 5
doc='[{"id":"s1","member":1},{"id":"s2","member":2}]'
ktap_check "a true assertion passes" \
	sh -c "echo '$doc' | $MON_DIR/jcheck.py 'by(d, \"id\", \"s2\")[\"member\"] == 2'"
ktap_check "a false assertion fails" \
	sh -c "! echo '$doc' | $MON_DIR/jcheck.py 'len(d) == 3' >/dev/null"
ktap_check "a failed lookup fails" \
	sh -c "! echo '$doc' | $MON_DIR/jcheck.py 'd[0][\"role\"] == \"x\"' >/dev/null"
ktap_check "input that is not JSON fails" \
	sh -c "! echo '[{' | $MON_DIR/jcheck.py 'True' >/dev/null"
ktap_check "JSON lines are read one object a line" \
	sh -c "printf '{\"a\":1}\n{\"a\":2}\n' | $MON_DIR/jcheck.py --lines 'ids(d, \"a\") == [1, 2]'"
ktap_finish
