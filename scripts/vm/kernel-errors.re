# Extended regular expressions (one per line) that mark a kernel report in
# the guest's console log, dmesg or kmemleak output.  Any match fails the
# VM run; selftests/run.sh also uses them to blame the test that was running.
WARNING:
BUG:
kernel BUG at
Oops
general protection
Kernel panic
possible circular locking
possible recursive locking
inconsistent lock state
suspicious RCU
KASAN
UBSAN
unreferenced object
refcount_t:
list_add corruption
list_del corruption
ODEBUG:
Call Trace
detected stall
blocked for more than
