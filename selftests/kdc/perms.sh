#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The database holds every long-term key: lsgc-kdc refuses it, exit status
# 3 and a message that says why, unless it is a regular file of the
# running uid with none of the 077 bits.  Each of the six bits on its own;
# writes (register, remove) as well as reads, the file left as it was; a
# symbolic link, even to a good database; a FIFO (refused, not waited
# on); a directory; a file of another uid, both ways round (root's file
# read by nobody, nobody's file read by root); the lock file by the same
# rules.  A good database of the same content is read, so that each
# refusal is the rule's.
. "$(dirname "$0")/kdc_lib.sh"

ktap_plan 22
DB=$W/db
nokey='[0-9a-f]{64}'	# no error message shows a key

kdc_expect 0 "register alice in a new database" -- \
	kdc_pw "alice pass" register -d "$DB" -i alice
kdc_expect 0 "the database of mode 0600 is read" -o '^616c6963650{22} alice ' -- \
	kdc list -d "$DB"
for m in 0601 0602 0604 0610 0620 0640; do
	chmod "$m" "$DB"
	kdc_expect 3 "mode $m is refused by list" -o "mode $m lets the group or others in" \
		-n "$nokey" -- kdc list -d "$DB"
done

# refused_as_is DESC CMD...: CMD exits 3 and $DB keeps its bytes and mode.
refused_as_is() {
	local before mode rc
	before=$(sha256sum <"$DB") mode=$(stat -c %a "$DB")
	"$@"; rc=$?
	echo "exit status $rc, mode $(stat -c %a "$DB")"
	[ "$rc" = 3 ] && [ "$(sha256sum <"$DB")" = "$before" ] &&
		[ "$(stat -c %a "$DB")" = "$mode" ]
}
chmod 0644 "$DB"
ktap_check "register into a database of mode 0644: refused, the file as it was" \
	refused_as_is kdc_pw "bob pass" register -d "$DB" -i bob
chmod 0640 "$DB"
ktap_check "remove from a database of mode 0640: refused, the file as it was" \
	refused_as_is kdc remove -d "$DB" -i alice
chmod 0600 "$DB"

ln -s "$DB" "$W/link"
kdc_expect 3 "a symbolic link to a good database is refused" -o 'a symbolic link: refused' -- \
	kdc list -d "$W/link"
link_kept() {
	refused_as_is kdc_pw "bob pass" register -d "$W/link" -i bob && [ -L "$W/link" ]
}
ktap_check "register through the symbolic link: refused, link and target as they were" link_kept

mkfifo -m 0600 "$W/fifo"
kdc_expect 3 "a FIFO is refused at once, not waited on" -o 'not a regular file' -- \
	timeout 20 "$KDC" list -d "$W/fifo"
mkdir -m 0700 "$W/dir"
kdc_expect 3 "a directory is refused" -o 'not a regular file' -- kdc list -d "$W/dir"

cp -p "$DB" "$W/db.nobody"
chown nobody "$W/db.nobody"
kdc_expect 3 "root refuses a database owned by nobody (mode 0600)" \
	-o 'owned by uid 65534, not by uid 0' -- kdc list -d "$W/db.nobody"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
cp -p "$DB" "$W/db.root"
chmod 0604 "$W/db.root"	# readable by nobody: only the owner rule stops it
kdc_expect 3 "nobody refuses root's database it can read" \
	-o 'owned by uid 0, not by uid 65534' -n "$nokey" -- as_nobody "$KDC" list -d "$W/db.root"
mkdir -m 0700 "$W/nob"
chown nobody:nogroup "$W/nob"
kdc_expect 0 "nobody registers in a database of its own" -- \
	as_nobody "$KDC" register -d "$W/nob/db" -i carol --ops "$KDC_OPS" --mem "$KDC_MEM" \
	--passphrase-fd 3 3<<<"carol pass"
kdc_expect 0 "nobody's database is nobody's, mode 0600, and nobody reads it" -o '^65534 600$' -- \
	sh -c "stat -c '%u %a' '$W/nob/db' && setpriv --reuid=nobody --regid=nogroup --clear-groups '$KDC' list -d '$W/nob/db' >/dev/null"

ln -s "$W/elsewhere" "$W/db2.lock"
kdc_expect 3 "a symbolic link as the lock file is refused" -o 'db2.lock: a symbolic link' -- \
	kdc_pw "alice pass" register -d "$W/db2" -i alice
ktap_check "and neither the database nor the link's target was created" \
	test ! -e "$W/db2" -a ! -e "$W/elsewhere"
install -m 0644 /dev/null "$W/db3.lock"
kdc_expect 3 "a lock file of mode 0644 is refused" -o 'db3.lock: mode 0644' -- \
	kdc_pw "alice pass" register -d "$W/db3" -i alice
ktap_check "the good database still reads after all that" \
	sh -c "'$KDC' list -d '$DB' | grep -q '^616c6963650\{22\} alice 1 8388608 argon2id13 '"
ktap_finish
