# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the key tool's tests (issue 16: lsgc-kdc, userspace/kdc/).
# Source it from a test in this directory:
#
#	. "$(dirname "$0")/kdc_lib.sh"
#
# The tests need no module: they run lsgc-kdc as root (the VM lane's
# guest, or a host, since nothing here touches the kernel but the keyring
# and, in e2e.sh, a dm-crypt device that only the guest makes).
#
# KDC                      the tool (LSGC_KDC overrides)
# W                        a fresh directory (mode 0711), removed at exit
# KDC_OPS, KDC_MEM         small Argon2 limits: fast under TCG; never the
#                          defaults, which stay strong
# kdc CMD ARGS...          lsgc-kdc CMD with the small limits where CMD takes them
# kdc_pw PASS CMD ARGS...  the same, with the pass phrase PASS on fd 3
# kdc_expect RC DESC [-o REGEX] [-n REGEX] -- CMD...
#                          one test point: CMD exits RC and its output
#                          (stdout and stderr) matches -o, and never -n
# kdc_hex64_in TEXT        true if TEXT holds 64 hex digits in a row (a key)
# kdc_salt_py REALM IDHEX  the salt, by Python's hashlib (not our code)

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KDC=${LSGC_KDC:-$LSGC_REPO/userspace/kdc/lsgc-kdc}
KDC_OPS=1
KDC_MEM=8388608		# 8 MiB, 8192 KiB for argon2 -k

if [ ! -x "$KDC" ]; then
	echo "# $KDC missing: run make userspace"
	exit "$KSFT_FAIL"
fi

W=$(mktemp -d /tmp/lsgc-kdc.XXXXXX) || exit "$KSFT_FAIL"
# Traversable by others (the tests run lsgc-kdc as nobody too); every
# database in it is created 0600 all the same.
chmod 711 "$W"
_kdc_cleanup() { rm -rf "$W"; }
trap _kdc_cleanup EXIT

kdc() {
	local cmd=$1; shift
	case $cmd in
	register|key) "$KDC" "$cmd" --ops "$KDC_OPS" --mem "$KDC_MEM" "$@" ;;
	*) "$KDC" "$cmd" "$@" ;;
	esac
}

kdc_pw() {
	local pass=$1; shift
	kdc "$@" --passphrase-fd 3 3<<<"$pass"
}

kdc_hex64_in() { grep -Eq '[0-9a-fA-F]{64}' <<<"$1"; }

kdc_expect() {
	local want=$1 desc=$2 re= nre= out rc; shift 2
	while [ "$1" != -- ]; do
		case $1 in
		-o) re=$2; shift 2 ;;
		-n) nre=$2; shift 2 ;;
		*) echo "kdc_expect: bad option $1" >&2; return 1 ;;
		esac
	done
	shift
	out=$("$@" 2>&1); rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" != "$want" ]; then
		ktap_fail "$desc" "exit status $rc, want $want: $*"
	elif [ -n "$re" ] && ! grep -Eq -- "$re" <<<"$out"; then
		ktap_fail "$desc" "output does not match /$re/"
	elif [ -n "$nre" ] && grep -Eq -- "$nre" <<<"$out"; then
		ktap_fail "$desc" "output matches /$nre/"
	else
		ktap_ok "$desc"
	fi
}

# The salt as the spec defines it, computed by Python's hashlib (BLAKE2b
# with a 16-byte digest), never by lsgc-kdc:
#   blake2b(b"LSGC v1 salt" + realm + b"\0" + identity16, digest_size=16)
kdc_salt_py() {
	python3 -c 'import hashlib, sys; print(hashlib.blake2b(b"LSGC v1 salt" + sys.argv[1].encode() + b"\0" + bytes.fromhex(sys.argv[2]), digest_size=16).hexdigest())' "$1" "$2"
}

# kdc_idhex NAME: a printable identity zero padded to 16 bytes, in hex.
kdc_idhex() {
	python3 -c 'import sys; print(sys.argv[1].encode().ljust(16, b"\0").hex())' "$1"
}

# ---------------------------------------------------------------- pair keys
#
# The key algebra of include/uapi/linux/lsgc_kdc.h, written again in
# Python (hmac, hashlib) from the header's comment, never from our C:
#   PRF(K, X) = HMAC-SHA-256(K, X)      {X}K = PRF(K, b"lsgc v1 pair" + X)
#   pair(SL, A) = {A}K_SL xor {SL}K_A   K_kdc = PRF(K_SL, b"lsgc v1 kdc")
#   MAC = PRF(K_kdc, b"lsgc v1 kdc answer" + nonce + SL + be32(n) +
#             for each peer: id + be32(status) + (pair or 32 zero bytes))
# Keys are read from the database file's lines (lsgc-kdc-v1 ID SALT OPS MEM
# argon2id13 KEY).  Commands (identities and nonces in hex):
#   answer DB REQID SL NONCE PEER...   the answer as `lsgc-kdc pair` prints it
#   half KEYHEX XHEX                   {X}K
#   kkdc KEYHEX                        K_kdc
#   db DB REALM NAME=KEYHEX...         writes a database with those keys
#                                      (0600, ops 1, mem 8192, v1 salts)
KDC_PY_REF='
import hashlib, hmac, os, struct, sys

def prf(k, x): return hmac.new(k, x, hashlib.sha256).digest()
def half(k, x): return prf(k, b"lsgc v1 pair" + x)
def kkdc(k): return prf(k, b"lsgc v1 kdc")
def keys(db):
    ks = {}
    for line in open(db):
        f = line.split()
        if f and f[0] == "lsgc-kdc-v1":
            ks[bytes.fromhex(f[1])] = bytes.fromhex(f[6])
    return ks
def answer(db, req_id, sl, nonce, peers):
    ks = keys(db)
    out = ["req_id %d" % req_id]
    if sl not in ks:
        return out + ["status %d" % 126]
    out.append("status 0")
    m = b"lsgc v1 kdc answer" + nonce + sl + struct.pack(">I", len(peers))
    for a in peers:
        if a in ks:
            p = bytes(x ^ y for x, y in zip(half(ks[sl], a), half(ks[a], sl)))
            out.append("peer %s 0 %s" % (a.hex(), p.hex()))
            m += a + struct.pack(">I", 0) + p
        else:
            out.append("peer %s 126 -" % a.hex())
            m += a + struct.pack(">I", 126) + bytes(32)
    out.append("mac " + prf(kkdc(ks[sl]), m).hex())
    return out
def name16(s):
    return bytes.fromhex(s[2:]).ljust(16, b"\0") if s.startswith("0x") else s.encode().ljust(16, b"\0")

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "answer":
    print("\n".join(answer(a[0], int(a[1]), bytes.fromhex(a[2]), bytes.fromhex(a[3]),
                           [bytes.fromhex(p) for p in a[4:]])))
elif cmd == "half":
    print(half(bytes.fromhex(a[0]), bytes.fromhex(a[1])).hex())
elif cmd == "kkdc":
    print(kkdc(bytes.fromhex(a[0])).hex())
elif cmd == "db":
    realm = a[1]
    lines = ["lsgc-kdc-db v1 realm=" + realm]
    for nk in a[2:]:
        n, k = nk.split("=")
        i = name16(n)
        salt = hashlib.blake2b(b"LSGC v1 salt" + realm.encode() + b"\0" + i, digest_size=16)
        lines.append("lsgc-kdc-v1 %s %s 1 8192 argon2id13 %s" % (i.hex(), salt.hexdigest(), k))
    tmp = a[0] + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, ("\n".join(lines) + "\n").encode())
    os.close(fd)
    os.rename(tmp, a[0])
'
kdc_py() { python3 -c "$KDC_PY_REF" "$@"; }

# kdc_wait_line FILE REGEX [SECONDS]: wait until FILE has a line matching REGEX.
kdc_wait_line() { lsgc_wait_for "${3:-10}" grep -Eq -- "$2" "$1"; }
