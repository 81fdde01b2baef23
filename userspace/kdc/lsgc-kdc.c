// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc-kdc: the long-term keys of AF_LSGC identities (issue 16).
 *
 *	lsgc-kdc register -d DB -i ID [--realm R] [--ops N] [--mem BYTES]
 *			  [--passphrase-fd FD] [--force]
 *	lsgc-kdc list -d DB
 *	lsgc-kdc remove -d DB -i ID
 *	lsgc-kdc key -i ID [--realm R] [--ops N] [--mem BYTES]
 *		     [--passphrase-fd FD] [--keyring @u|@s|@us|SERIAL]
 *	lsgc-kdc verify -d DB -i ID [--realm R] [--passphrase-fd FD]
 *	lsgc-kdc serve -d DB [--realm R]
 *	lsgc-kdc serve --relay HOST:PORT [--realm R]
 *	lsgc-kdc kdcd -d DB --listen [ADDR:]PORT [--realm R] [--max-clients N]
 *		      [--timeout MS]
 *	lsgc-kdc pair -d DB --requester SL --peer A [--peer B ...] --nonce HEX32
 *		      [--req-id N]
 *	lsgc-kdc relay-query --relay HOST:PORT --requester SL --peer A [--peer B ...]
 *			     --nonce HEX32 [--req-id N] [--timeout MS]
 *
 * register, list and remove are the KDC's side; key is the member's: it
 * derives the same key from the same pass phrase and loads it into the
 * kernel keyring as a "logon" key, which the kernel can use and userspace
 * cannot read back, and prints its serial, which LSGC_JOIN takes in the
 * key field of struct lsgc_join_req.  verify (for tests) re-derives the
 * member's key and compares it with the database's, printing only ok or
 * mismatch.  A hidden kat command gives the tests the salt and the
 * Argon2id step on their own, to hold them against independent
 * implementations.  No command prints a key or a pass phrase.
 *
 * serve is the KDC helper daemon of a network namespace: it answers the
 * kernel's requests for pair keys (linux/lsgc_kdc.h) from the database
 * (serve.c, answer.c), or forwards them to a kdcd on another machine
 * (relay.c), which answers from its database.  pair (for tests) prints
 * the answer serve would send; relay-query (for tests) asks a kdcd the
 * way serve --relay does and prints its answer the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <keyutils.h>
#include <sodium.h>

#include "kdc.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum {
	O_DB = 1 << 0,
	O_ID = 1 << 1,
	O_REALM = 1 << 2,
	O_OPS = 1 << 3,
	O_MEM = 1 << 4,
	O_PASSFD = 1 << 5,
	O_FORCE = 1 << 6,
	O_KEYRING = 1 << 7,
	O_SALTHEX = 1 << 8,
	O_EXPECT = 1 << 9,
	O_REQUESTER = 1 << 10,
	O_PEER = 1 << 11,
	O_NONCE = 1 << 12,
	O_REQID = 1 << 13,
	O_RELAY = 1 << 14,
	O_LISTEN = 1 << 15,
	O_TIMEOUT = 1 << 16,
	O_MAXCLIENTS = 1 << 17,
	O_LOOPBACK = 1 << 18,
	O_FAMILYID = 1 << 19,
};

struct opts {
	unsigned int given;
	const char *db, *id_arg, *realm, *keyring, *salt_hex, *expect_hex;
	unsigned char id[LSGC_ID_LEN];
	char id_hex[KDC_ID_HEX_LEN + 1], name[LSGC_ID_LEN + 1];
	unsigned long long ops;
	size_t mem;
	int pass_fd;
	int force;
	/* serve, kdcd, pair, relay-query */
	const char *relay, *listen;
	struct kdc_request rq;	/* requester, peers, nonce, req_id */
	unsigned long long timeout_ms, max_clients, family_id;
};

static const struct option long_opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "id", required_argument, NULL, 'i' },
	{ "realm", required_argument, NULL, 'R' },
	{ "ops", required_argument, NULL, 'O' },
	{ "mem", required_argument, NULL, 'M' },
	{ "passphrase-fd", required_argument, NULL, 'P' },
	{ "force", no_argument, NULL, 'f' },
	{ "keyring", required_argument, NULL, 'k' },
	{ "salt-hex", required_argument, NULL, 'S' },
	{ "expect-hex", required_argument, NULL, 'E' },
	{ "requester", required_argument, NULL, 'r' },
	{ "peer", required_argument, NULL, 'p' },
	{ "nonce", required_argument, NULL, 'N' },
	{ "req-id", required_argument, NULL, 'q' },
	{ "relay", required_argument, NULL, 'Y' },
	{ "listen", required_argument, NULL, 'L' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "max-clients", required_argument, NULL, 'C' },
	{ "test-loopback", no_argument, NULL, 'X' },
	{ "test-family-id", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void print_usage(FILE *f)
{
	fputs("usage: lsgc-kdc register -d DB -i ID [--realm R] [--ops N] [--mem BYTES]\n"
	      "                         [--passphrase-fd FD] [--force]\n"
	      "       lsgc-kdc list -d DB\n"
	      "       lsgc-kdc remove -d DB -i ID\n"
	      "       lsgc-kdc key -i ID [--realm R] [--ops N] [--mem BYTES]\n"
	      "                    [--passphrase-fd FD] [--keyring @u|@s|@us|SERIAL]\n"
	      "       lsgc-kdc verify -d DB -i ID [--realm R] [--passphrase-fd FD]\n"
	      "       lsgc-kdc serve -d DB [--realm R]\n"
	      "       lsgc-kdc serve --relay HOST:PORT [--realm R]\n"
	      "       lsgc-kdc kdcd -d DB --listen [ADDR:]PORT [--realm R] [--max-clients N]\n"
	      "                     [--timeout MS]\n"
	      "       lsgc-kdc pair -d DB --requester SL --peer A [--peer B ...] --nonce HEX32\n"
	      "                     [--req-id N]\n"
	      "       lsgc-kdc relay-query --relay HOST:PORT --requester SL --peer A [--peer B ...]\n"
	      "                            --nonce HEX32 [--req-id N] [--timeout MS]\n"
	      "\n"
	      "ID is a name of 1 to 16 printable bytes, or 0x and up to 32 hex digits;\n"
	      "it is zero padded to 16 bytes.  The pass phrase is read from the terminal\n"
	      "without echo, or as the first line of FD.  The key is Argon2id with\n"
	      "--ops (default 3) and --mem (default 268435456 bytes): the member's `key`\n"
	      "must use those the KDC registered, and the realm (default \"lsgc\").\n"
	      "key loads a logon key \"lsgc:<identity-hex>\" into the keyring (default @u)\n"
	      "and prints its serial, for the key field of LSGC_JOIN.\n"
	      "\n"
	      "serve answers the kernel's requests for pair keys (generic netlink family\n"
	      "\"lsgc_kdc\", group \"kdc\"; needs CAP_NET_ADMIN) from DB, read again when it\n"
	      "changes, or forwards them over TCP to a kdcd at HOST:PORT; it prints\n"
	      "\"lsgc-kdc: serving ...\" once subscribed and exits 0 on SIGTERM or SIGINT.\n"
	      "kdcd answers relays from DB (--max-clients, default 64 connections;\n"
	      "--timeout, default 5000 ms for a request to arrive and its answer to leave).\n"
	      "pair prints the answer serve would send; relay-query asks a kdcd as serve\n"
	      "--relay does (--timeout, default 5000 ms) and prints its answer the same way:\n"
	      "\"req_id N\", \"status S\", then per peer \"peer IDHEX S PAIRHEX|-\" and \"mac HEX\".\n"
	      "\n"
	      "Exit status: 0 ok, 1 mismatch, 2 usage, 3 unsafe database, 4 database\n"
	      "error, 5 unknown identity, 6 identity exists, 7 keyring error, 8 crypto\n"
	      "error, 9 no pass phrase, 10 no \"lsgc_kdc\" netlink family (module not\n"
	      "loaded), 11 netlink or network error.\n", f);
}

static int parse_ull(const char *opt, const char *s, unsigned long long max,
		     unsigned long long *v)
{
	char *end;

	errno = 0;
	if (s[0] < '0' || s[0] > '9') {
		errno = EINVAL;
	} else {
		*v = strtoull(s, &end, 10);
		if (!errno && (*end || *v > max))
			errno = *end ? EINVAL : ERANGE;
	}
	if (errno) {
		kdc_err("%s '%s': %s", opt, s, errno == ERANGE ? "too large" : "not a number");
		return KDC_EUSAGE;
	}
	return KDC_OK;
}

/* Exactly 2 * len hex digits. */
static int parse_hex_arg(const char *opt, const char *s, unsigned char *out, size_t len)
{
	size_t bin_len;
	const char *end;

	if (strlen(s) != 2 * len ||
	    sodium_hex2bin(out, len, s, 2 * len, NULL, &bin_len, &end) || bin_len != len || *end) {
		kdc_err("%s '%s': %zu bytes, %zu hex digits", opt, s, len, 2 * len);
		return KDC_EUSAGE;
	}
	return KDC_OK;
}

static int parse_opts(int argc, char **argv, unsigned int allowed, struct opts *o)
{
	unsigned long long v;
	int c, bit;

	memset(o, 0, sizeof(*o));
	o->pass_fd = -1;
	o->ops = crypto_pwhash_OPSLIMIT_MODERATE;
	o->mem = crypto_pwhash_MEMLIMIT_MODERATE;
	optind = 1;
	o->timeout_ms = 5000;
	o->max_clients = 64;
	while ((c = getopt_long(argc, argv, "d:i:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			bit = O_DB;
			o->db = optarg;
			break;
		case 'i':
			bit = O_ID;
			o->id_arg = optarg;
			break;
		case 'R':
			bit = O_REALM;
			o->realm = optarg;
			break;
		case 'O':
			bit = O_OPS;
			if (parse_ull("--ops", optarg, ULLONG_MAX, &o->ops))
				return KDC_EUSAGE;
			break;
		case 'M':
			bit = O_MEM;
			if (parse_ull("--mem", optarg, SIZE_MAX, &v))
				return KDC_EUSAGE;
			o->mem = v;
			break;
		case 'P':
			bit = O_PASSFD;
			if (parse_ull("--passphrase-fd", optarg, INT_MAX, &v))
				return KDC_EUSAGE;
			o->pass_fd = v;
			if (fcntl(o->pass_fd, F_GETFD) < 0) {
				kdc_err("--passphrase-fd %d: not open", o->pass_fd);
				return KDC_EUSAGE;
			}
			break;
		case 'f':
			bit = O_FORCE;
			o->force = 1;
			break;
		case 'k':
			bit = O_KEYRING;
			o->keyring = optarg;
			break;
		case 'S':
			bit = O_SALTHEX;
			o->salt_hex = optarg;
			break;
		case 'E':
			bit = O_EXPECT;
			o->expect_hex = optarg;
			break;
		case 'r':
			bit = O_REQUESTER;
			if (kdc_parse_id(optarg, o->rq.requester))
				return KDC_EUSAGE;
			break;
		case 'p':
			bit = O_PEER;
			if (o->rq.n == LSGC_KDC_MAX_PEERS) {
				kdc_err("--peer: at most %d", LSGC_KDC_MAX_PEERS);
				return KDC_EUSAGE;
			}
			if (kdc_parse_id(optarg, o->rq.peer[o->rq.n]))
				return KDC_EUSAGE;
			o->rq.n++;
			break;
		case 'N':
			bit = O_NONCE;
			if (parse_hex_arg("--nonce", optarg, o->rq.nonce, LSGC_KDC_NONCE_LEN))
				return KDC_EUSAGE;
			break;
		case 'q':
			bit = O_REQID;
			if (parse_ull("--req-id", optarg, UINT32_MAX, &v))
				return KDC_EUSAGE;
			o->rq.req_id = v;
			break;
		case 'Y':
			bit = O_RELAY;
			o->relay = optarg;
			break;
		case 'L':
			bit = O_LISTEN;
			o->listen = optarg;
			break;
		case 'T':
			bit = O_TIMEOUT;
			if (parse_ull("--timeout", optarg, 3600000, &o->timeout_ms) ||
			    !o->timeout_ms) {
				kdc_err("--timeout: 1 to 3600000 ms");
				return KDC_EUSAGE;
			}
			break;
		case 'C':
			bit = O_MAXCLIENTS;
			if (parse_ull("--max-clients", optarg, 4096, &o->max_clients) ||
			    !o->max_clients) {
				kdc_err("--max-clients: 1 to 4096");
				return KDC_EUSAGE;
			}
			break;
		case 'X':
			bit = O_LOOPBACK;
			break;
		case 'F':
			bit = O_FAMILYID;
			if (parse_ull("--test-family-id", optarg, 0xffff, &o->family_id) ||
			    o->family_id < NLMSG_MIN_TYPE) {
				kdc_err("--test-family-id: %d to 65535", NLMSG_MIN_TYPE);
				return KDC_EUSAGE;
			}
			break;
		case 'h':
			print_usage(stdout);
			exit(KDC_OK);
		default:
			print_usage(stderr);
			return KDC_EUSAGE;
		}
		if (!(allowed & bit)) {
			kdc_err("%s: option %s does not apply", argv[0], argv[optind - 1]);
			return KDC_EUSAGE;
		}
		o->given |= bit;
	}
	if (optind < argc) {
		kdc_err("%s: unexpected argument '%s'", argv[0], argv[optind]);
		return KDC_EUSAGE;
	}
	if (o->realm && kdc_check_realm(o->realm))
		return KDC_EUSAGE;
	if (o->id_arg) {
		if (kdc_parse_id(o->id_arg, o->id))
			return KDC_EUSAGE;
		kdc_id_hex(o->id, o->id_hex);
		kdc_id_name(o->id, o->name);
	}
	return KDC_OK;
}

static int need(const struct opts *o, unsigned int bits, const char *cmd)
{
	if ((bits & O_DB) && !o->db) {
		kdc_err("%s: -d DB is required", cmd);
		return KDC_EUSAGE;
	}
	if ((bits & O_ID) && !o->id_arg) {
		kdc_err("%s: -i ID is required", cmd);
		return KDC_EUSAGE;
	}
	return KDC_OK;
}

/* The prompt on the terminal: "Pass phrase of alice: ". */
static void prompt_for(const struct opts *o, char *buf, size_t len)
{
	snprintf(buf, len, "Pass phrase of %s: ", strcmp(o->name, "-") ? o->name : o->id_hex);
}

/* ---------------------------------------------------------------- KDC side */

static int cmd_register(int argc, char **argv)
{
	unsigned int allowed = O_DB | O_ID | O_REALM | O_OPS | O_MEM | O_PASSFD | O_FORCE;
	struct kdc_entry *e = NULL, *old;
	struct kdc_db db = { 0 };
	char prompt[64], *pass = NULL;
	size_t len = 0;
	struct opts o;
	int lockfd, ret;

	ret = parse_opts(argc, argv, allowed, &o);
	if (!ret)
		ret = need(&o, O_DB | O_ID, "register");
	if (!ret)
		ret = kdc_check_limits(o.ops, o.mem);
	if (ret)
		return ret;
	ret = kdc_db_lock(o.db, &lockfd);
	if (!ret)
		ret = kdc_db_load(o.db, 0, &db);
	if (ret)
		return ret;

	/* A database belongs to one realm: its salts say so. */
	if (!db.realm[0]) {
		strcpy(db.realm, o.realm ? o.realm : KDC_DEFAULT_REALM);
	} else if (o.realm && strcmp(o.realm, db.realm)) {
		kdc_err("%s is the database of realm '%s', not '%s'", o.db, db.realm, o.realm);
		ret = KDC_EUSAGE;
		goto out;
	}
	old = kdc_db_find(&db, o.id);
	if (old && !o.force) {
		kdc_err("identity %s (%s) is registered already: --force replaces its key",
			o.id_hex, o.name);
		ret = KDC_EEXIST;
		goto out;
	}
	if (o.ops < crypto_pwhash_OPSLIMIT_INTERACTIVE ||
	    o.mem < crypto_pwhash_MEMLIMIT_INTERACTIVE)
		kdc_err("warning: --ops %llu --mem %zu is below libsodium's INTERACTIVE limits: for tests only",
			o.ops, o.mem);

	prompt_for(&o, prompt, sizeof(prompt));
	ret = kdc_read_pass(o.pass_fd, prompt, 1, &pass, &len);
	if (ret)
		goto out;
	e = sodium_malloc(sizeof(*e));
	if (!e) {
		kdc_err("out of locked memory");
		ret = KDC_ECRYPTO;
		goto out;
	}
	memcpy(e->id, o.id, LSGC_ID_LEN);
	e->ops = o.ops;
	e->mem = o.mem;
	ret = kdc_salt(db.realm, e->id, e->salt);
	if (!ret)
		ret = kdc_derive(pass, len, e->salt, e->ops, e->mem, e->key);
	kdc_free_pass(pass, len);
	if (!ret)
		ret = kdc_db_put(&db, e);
	if (!ret)
		ret = kdc_db_save(o.db, &db);
	if (!ret)
		printf("%s %s %s in realm %s\n", old ? "replaced" : "registered", o.id_hex,
		       o.name, db.realm);
out:
	if (e)
		sodium_free(e);
	kdc_db_free(&db);
	return ret;
}

static int cmd_list(int argc, char **argv)
{
	char id[KDC_ID_HEX_LEN + 1], name[LSGC_ID_LEN + 1], salt[2 * KDC_SALT_LEN + 1];
	struct kdc_db db;
	struct opts o;
	size_t i;
	int ret;

	ret = parse_opts(argc, argv, O_DB, &o);
	if (!ret)
		ret = need(&o, O_DB, "list");
	if (!ret)
		ret = kdc_db_load(o.db, 1, &db);
	if (ret)
		return ret;
	printf("# realm %s, %zu identit%s\n", db.realm, db.n, db.n == 1 ? "y" : "ies");
	printf("# identity name opslimit memlimit algorithm salt\n");
	for (i = 0; i < db.n; i++) {
		kdc_id_hex(db.e[i].id, id);
		kdc_id_name(db.e[i].id, name);
		sodium_bin2hex(salt, sizeof(salt), db.e[i].salt, KDC_SALT_LEN);
		printf("%s %s %llu %zu argon2id13 %s\n", id, name, db.e[i].ops, db.e[i].mem, salt);
	}
	kdc_db_free(&db);
	return KDC_OK;
}

static int cmd_remove(int argc, char **argv)
{
	struct kdc_entry *e;
	struct kdc_db db;
	struct opts o;
	int lockfd, ret;

	ret = parse_opts(argc, argv, O_DB | O_ID, &o);
	if (!ret)
		ret = need(&o, O_DB | O_ID, "remove");
	if (!ret)
		ret = kdc_db_lock(o.db, &lockfd);
	if (!ret)
		ret = kdc_db_load(o.db, 1, &db);
	if (ret)
		return ret;
	e = kdc_db_find(&db, o.id);
	if (!e) {
		kdc_err("identity %s (%s): not registered", o.id_hex, o.name);
		ret = KDC_ENOENT;
	} else {
		kdc_db_del(&db, e);
		ret = kdc_db_save(o.db, &db);
		if (!ret)
			printf("removed %s %s\n", o.id_hex, o.name);
	}
	kdc_db_free(&db);
	return ret;
}

/* ---------------------------------------------------------------- member side */

/*
 * The keyring the key goes to.  The thread and process keyrings are
 * refused: they are this process's own and die with it, so the serial
 * printed would name nothing by the time anyone used it.
 */
static int parse_keyring(const char *s, key_serial_t *ring)
{
	unsigned long long v;

	if (!s || !strcmp(s, "@u")) {
		*ring = KEY_SPEC_USER_KEYRING;
		return KDC_OK;
	}
	if (!strcmp(s, "@s")) {
		*ring = KEY_SPEC_SESSION_KEYRING;
		return KDC_OK;
	}
	if (!strcmp(s, "@us")) {
		*ring = KEY_SPEC_USER_SESSION_KEYRING;
		return KDC_OK;
	}
	if (!strcmp(s, "@p") || !strcmp(s, "@t")) {
		kdc_err("--keyring %s: the keyring of lsgc-kdc's own %s ends when it exits; use @u, @s or a serial",
			s, s[1] == 'p' ? "process" : "thread");
		return KDC_EUSAGE;
	}
	if (s[0] == '@' || parse_ull("--keyring", s, INT_MAX, &v) || v == 0) {
		kdc_err("--keyring '%s': @u, @s, @us or a keyring's serial", s);
		return KDC_EUSAGE;
	}
	*ring = v;
	return KDC_OK;
}

static int cmd_key(int argc, char **argv)
{
	unsigned int allowed = O_ID | O_REALM | O_OPS | O_MEM | O_PASSFD | O_KEYRING;
	char desc[sizeof(KDC_KEY_DESC_PREFIX) + KDC_ID_HEX_LEN], prompt[64], *pass;
	unsigned char *key;
	key_serial_t ring, serial;
	size_t len;
	struct opts o;
	int ret;

	ret = parse_opts(argc, argv, allowed, &o);
	if (!ret)
		ret = need(&o, O_ID, "key");
	if (!ret)
		ret = parse_keyring(o.keyring, &ring);
	if (!ret)
		ret = kdc_check_limits(o.ops, o.mem);
	if (ret)
		return ret;
	prompt_for(&o, prompt, sizeof(prompt));
	ret = kdc_read_pass(o.pass_fd, prompt, 0, &pass, &len);
	if (ret)
		return ret;
	key = sodium_malloc(KDC_KEY_LEN);
	if (!key) {
		kdc_free_pass(pass, len);
		kdc_err("out of locked memory");
		return KDC_ECRYPTO;
	}
	ret = kdc_member_key(o.id, o.realm ? o.realm : KDC_DEFAULT_REALM, o.ops, o.mem,
			     pass, len, key);
	kdc_free_pass(pass, len);
	if (ret) {
		sodium_free(key);
		return ret;
	}
	/*
	 * A logon key: the kernel reads its payload, userspace never can
	 * (the type has no read operation).  A key of the same type and
	 * description in the keyring is updated in place and keeps its
	 * serial.
	 */
	snprintf(desc, sizeof(desc), KDC_KEY_DESC_PREFIX "%s", o.id_hex);
	serial = add_key(KDC_KEY_TYPE, desc, key, KDC_KEY_LEN, ring);
	if (serial < 0)
		ret = errno;
	sodium_free(key);	/* wipes it: the kernel has its copy */
	if (serial < 0) {
		kdc_err("add_key %s %s to %s: %s", KDC_KEY_TYPE, desc,
			o.keyring ? o.keyring : "@u", strerror(ret));
		return KDC_EKEYRING;
	}
	printf("%d\n", serial);
	return KDC_OK;
}

/* ---------------------------------------------------------------- tests */

/*
 * verify: what a member derives (from the realm, default the database's,
 * and the parameters the KDC recorded) against the database's key, in
 * constant time.  The salt is recomputed, not read, so a member in
 * another realm does not agree.
 */
static int cmd_verify(int argc, char **argv)
{
	unsigned char salt[KDC_SALT_LEN], *key = NULL;
	char prompt[64], *pass = NULL;
	const struct kdc_entry *e;
	const char *realm;
	struct kdc_db db;
	size_t len = 0;
	struct opts o;
	int ret;

	ret = parse_opts(argc, argv, O_DB | O_ID | O_REALM | O_PASSFD, &o);
	if (!ret)
		ret = need(&o, O_DB | O_ID, "verify");
	if (!ret)
		ret = kdc_db_load(o.db, 1, &db);
	if (ret)
		return ret;
	e = kdc_db_find(&db, o.id);
	if (!e) {
		kdc_err("identity %s (%s): not registered", o.id_hex, o.name);
		ret = KDC_ENOENT;
		goto out;
	}
	realm = o.realm ? o.realm : db.realm;
	prompt_for(&o, prompt, sizeof(prompt));
	ret = kdc_read_pass(o.pass_fd, prompt, 0, &pass, &len);
	if (ret)
		goto out;
	key = sodium_malloc(KDC_KEY_LEN);
	if (!key) {
		kdc_err("out of locked memory");
		ret = KDC_ECRYPTO;
		goto out;
	}
	ret = kdc_salt(realm, o.id, salt);
	if (!ret)
		ret = kdc_member_key(o.id, realm, e->ops, e->mem, pass, len, key);
	if (!ret) {
		if (!memcmp(salt, e->salt, KDC_SALT_LEN) &&
		    !sodium_memcmp(key, e->key, KDC_KEY_LEN)) {
			puts("ok");
		} else {
			puts("mismatch");
			ret = KDC_EMISMATCH;
		}
	}
out:
	kdc_free_pass(pass, len);
	if (key)
		sodium_free(key);
	kdc_db_free(&db);
	return ret;
}

/*
 * kat (hidden, for the known-answer tests):
 *	kat -i ID [--realm R]	prints the salt (public, in the database too)
 *	kat --salt-hex S --ops N --mem B --expect-hex K [--passphrase-fd FD]
 *				Argon2id of the pass phrase under S against K,
 *				ok or mismatch: even here no key is printed.
 */
static int cmd_kat(int argc, char **argv)
{
	unsigned char salt[KDC_SALT_LEN], *key = NULL, *expect = NULL;
	char hex[2 * KDC_SALT_LEN + 1], *pass = NULL;
	size_t len = 0, bin_len;
	const char *end;
	struct opts o;
	int ret;

	ret = parse_opts(argc, argv, O_ID | O_REALM | O_SALTHEX | O_OPS | O_MEM | O_PASSFD |
			 O_EXPECT, &o);
	if (ret)
		return ret;
	if (o.id_arg) {
		if (o.given & ~(O_ID | O_REALM)) {
			kdc_err("kat -i takes only --realm");
			return KDC_EUSAGE;
		}
		ret = kdc_salt(o.realm ? o.realm : KDC_DEFAULT_REALM, o.id, salt);
		if (ret)
			return ret;
		sodium_bin2hex(hex, sizeof(hex), salt, KDC_SALT_LEN);
		puts(hex);
		return KDC_OK;
	}
	if ((o.given & (O_SALTHEX | O_OPS | O_MEM | O_EXPECT)) !=
	    (O_SALTHEX | O_OPS | O_MEM | O_EXPECT) || (o.given & O_REALM)) {
		kdc_err("kat: -i ID [--realm R], or --salt-hex --ops --mem --expect-hex");
		return KDC_EUSAGE;
	}
	if (sodium_hex2bin(salt, KDC_SALT_LEN, o.salt_hex, strlen(o.salt_hex), NULL, &bin_len,
			   &end) || bin_len != KDC_SALT_LEN || *end) {
		kdc_err("--salt-hex: %d bytes in hex", KDC_SALT_LEN);
		return KDC_EUSAGE;
	}
	expect = sodium_malloc(KDC_KEY_LEN);
	key = sodium_malloc(KDC_KEY_LEN);
	if (!expect || !key) {
		kdc_err("out of locked memory");
		ret = KDC_ECRYPTO;
		goto out;
	}
	if (sodium_hex2bin(expect, KDC_KEY_LEN, o.expect_hex, strlen(o.expect_hex), NULL,
			   &bin_len, &end) || bin_len != KDC_KEY_LEN || *end) {
		kdc_err("--expect-hex: %d bytes in hex", KDC_KEY_LEN);
		ret = KDC_EUSAGE;
		goto out;
	}
	ret = kdc_read_pass(o.pass_fd, "Pass phrase: ", 0, &pass, &len);
	if (!ret)
		ret = kdc_derive(pass, len, salt, o.ops, o.mem, key);
	if (!ret) {
		if (!sodium_memcmp(key, expect, KDC_KEY_LEN)) {
			puts("ok");
		} else {
			puts("mismatch");
			ret = KDC_EMISMATCH;
		}
	}
out:
	kdc_free_pass(pass, len);
	if (key)
		sodium_free(key);
	if (expect)
		sodium_free(expect);
	return ret;
}

/* ---------------------------------------------------------------- pair keys */

/* The exit status of an answer: 0, 5 for an unknown requester, else 4. */
static int answer_status(const struct kdc_answer *an)
{
	if (!an->status)
		return KDC_OK;
	return an->status == ENOKEY ? KDC_ENOENT : KDC_EDB;
}

static int need_request(const struct opts *o, const char *cmd)
{
	if ((o->given & (O_REQUESTER | O_PEER | O_NONCE)) != (O_REQUESTER | O_PEER | O_NONCE)) {
		kdc_err("%s: --requester, at least one --peer and --nonce are required", cmd);
		return KDC_EUSAGE;
	}
	return KDC_OK;
}

/*
 * pair (for tests): the answer serve would send the kernel for this
 * request, computed by the same function, printed as kdc_answer_print()
 * does.  The pair keys are masked (each needs a long-term key to unmask)
 * and the MAC is public, so printing them gives nothing away.
 */
static int cmd_pair(int argc, char **argv)
{
	struct kdc_answer *an;
	struct kdc_db db;
	struct opts o;
	int ret;

	ret = parse_opts(argc, argv, O_DB | O_REQUESTER | O_PEER | O_NONCE | O_REQID, &o);
	if (!ret)
		ret = need(&o, O_DB, "pair");
	if (!ret)
		ret = need_request(&o, "pair");
	if (!ret)
		ret = kdc_db_load(o.db, 1, &db);
	if (ret)
		return ret;
	an = sodium_malloc(sizeof(*an));
	if (!an) {
		kdc_err("out of locked memory");
		kdc_db_free(&db);
		return KDC_ECRYPTO;
	}
	ret = kdc_answer(&db, &o.rq, an);
	kdc_db_free(&db);
	if (!ret) {
		kdc_answer_print(stdout, an);
		ret = answer_status(an);
	}
	sodium_free(an);
	return ret;
}

/* relay-query (for tests): serve --relay's question to a kdcd, and its answer. */
static int cmd_relay_query(int argc, char **argv)
{
	struct kdc_addr *addr;
	struct kdc_answer *an;
	struct opts o;
	int ret, err;

	ret = parse_opts(argc, argv, O_RELAY | O_REQUESTER | O_PEER | O_NONCE | O_REQID |
			 O_TIMEOUT, &o);
	if (!ret && !o.relay) {
		kdc_err("relay-query: --relay HOST:PORT is required");
		ret = KDC_EUSAGE;
	}
	if (!ret)
		ret = need_request(&o, "relay-query");
	if (!ret)
		ret = kdc_addr_parse(o.relay, 0, &addr);
	if (ret)
		return ret;
	signal(SIGPIPE, SIG_IGN);
	an = sodium_malloc(sizeof(*an));
	if (!an) {
		kdc_err("out of locked memory");
		kdc_addr_free(addr);
		return KDC_ECRYPTO;
	}
	if (kdc_relay_query(addr, &o.rq, o.timeout_ms, an, &err)) {
		kdc_err("relay-query %s: %s", o.relay, strerror(err));
		ret = KDC_ENET;
	} else {
		kdc_answer_print(stdout, an);
		ret = answer_status(an);
	}
	sodium_free(an);
	kdc_addr_free(addr);
	return ret;
}

/*
 * serve -d DB: answers the kernel from the database; serve --relay
 * HOST:PORT: from the kdcd there.  --test-loopback and --test-family-id
 * are for tests only (see serve.c): they take requests from any netlink
 * port, the second without the family, and send the answers back there,
 * never to the kernel.
 */
static int cmd_serve(int argc, char **argv)
{
	struct kdc_serve_opts so = { 0 };
	struct kdc_live_db live;
	char banner[400];
	struct opts o;
	int ret;

	ret = parse_opts(argc, argv, O_DB | O_REALM | O_RELAY | O_LOOPBACK | O_FAMILYID, &o);
	if (ret)
		return ret;
	if (!o.db == !o.relay) {
		kdc_err("serve: either -d DB or --relay HOST:PORT");
		return KDC_EUSAGE;
	}
	if ((o.given & O_FAMILYID) && !(o.given & O_LOOPBACK)) {
		kdc_err("serve: --test-family-id goes with --test-loopback");
		return KDC_EUSAGE;
	}
	so.loopback = !!(o.given & O_LOOPBACK);
	so.family_id = o.family_id;
	so.banner = banner;
	if (o.relay) {
		ret = kdc_addr_parse(o.relay, 0, &so.relay);
		if (ret)
			return ret;
		snprintf(banner, sizeof(banner), "%s through %s",
			 o.realm ? o.realm : KDC_DEFAULT_REALM, o.relay);
		ret = kdc_serve(&so);
		kdc_addr_free(so.relay);
		return ret;
	}
	ret = kdc_live_open(&live, o.db, o.realm);
	if (ret)
		return ret;
	snprintf(banner, sizeof(banner), "%s", live.db.realm);
	so.live = &live;
	ret = kdc_serve(&so);
	kdc_live_close(&live);
	return ret;
}

static int cmd_kdcd(int argc, char **argv)
{
	struct kdc_live_db live;
	struct kdc_addr *addr;
	struct opts o;
	int ret;

	ret = parse_opts(argc, argv, O_DB | O_REALM | O_LISTEN | O_MAXCLIENTS | O_TIMEOUT, &o);
	if (!ret)
		ret = need(&o, O_DB, "kdcd");
	if (!ret && !o.listen) {
		kdc_err("kdcd: --listen [ADDR:]PORT is required");
		ret = KDC_EUSAGE;
	}
	if (!ret)
		ret = kdc_addr_parse(o.listen, 1, &addr);
	if (ret)
		return ret;
	ret = kdc_live_open(&live, o.db, o.realm);
	if (!ret) {
		ret = kdc_kdcd(&live, addr, o.max_clients, o.timeout_ms);
		kdc_live_close(&live);
	}
	kdc_addr_free(addr);
	return ret;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "register", cmd_register },
	{ "list", cmd_list },
	{ "remove", cmd_remove },
	{ "key", cmd_key },
	{ "verify", cmd_verify },
	{ "kat", cmd_kat },
	{ "serve", cmd_serve },
	{ "kdcd", cmd_kdcd },
	{ "pair", cmd_pair },
	{ "relay-query", cmd_relay_query },
};

int main(int argc, char **argv)
{
	size_t i;

	/*
	 * Not dumpable: no core file and no ptrace by other processes of
	 * the uid while pass phrases and keys are in memory.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sodium_init() < 0) {
		kdc_err("libsodium failed to initialise");
		return KDC_ECRYPTO;
	}
	if (argc < 2) {
		print_usage(stderr);
		return KDC_EUSAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return KDC_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			int ret = cmds[i].fn(argc - 1, argv + 1);

			if (fflush(stdout) && !ret) {
				kdc_err("stdout: %s", strerror(errno));
				ret = KDC_EDB;
			}
			return ret;
		}
	}
	kdc_err("unknown command '%s'", argv[1]);
	print_usage(stderr);
	return KDC_EUSAGE;
}
