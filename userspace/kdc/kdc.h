/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lsgc-kdc: the long-term keys of AF_LSGC identities (issue 16).
 *
 * Every identity has a 32-byte long-term key shared with the key
 * distribution center (the paper's section 2.1).  The key is derived from
 * a pass phrase with Argon2id (libsodium's crypto_pwhash), under a salt
 * that depends only on the realm and the identity, so that a member can
 * derive the very key the KDC registered without asking anyone.
 */
#ifndef LSGC_KDC_H
#define LSGC_KDC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <sys/stat.h>
#include <linux/lsgc.h>
#include <linux/lsgc_kdc.h>

#define KDC_KEY_LEN		32	/* the long-term key */
#define KDC_SALT_LEN		16	/* crypto_pwhash_SALTBYTES */
#define KDC_ID_HEX_LEN		(2 * LSGC_ID_LEN)
#define KDC_REALM_MAX		64
#define KDC_PASS_MAX		1024
#define KDC_DEFAULT_REALM	"lsgc"
/* The domain separation of the salt: version 1 of the derivation. */
#define KDC_SALT_LABEL		"LSGC v1 salt"
/* The kernel keyring: a "logon" key described "lsgc:<identity-hex32>". */
#define KDC_KEY_TYPE		"logon"
#define KDC_KEY_DESC_PREFIX	"lsgc:"

/* Exit statuses of lsgc-kdc, also the return values of the helpers. */
enum {
	KDC_OK = 0,
	KDC_EMISMATCH = 1,	/* verify, kat: the keys differ */
	KDC_EUSAGE = 2,		/* bad command line (identity, realm, limits) */
	KDC_EUNSAFE = 3,	/* database (or its lock) refused: mode, owner, type */
	KDC_EDB = 4,		/* database missing, malformed, or I/O error */
	KDC_ENOENT = 5,		/* unknown identity */
	KDC_EEXIST = 6,		/* identity registered already (no --force) */
	KDC_EKEYRING = 7,	/* add_key(2) failed */
	KDC_ECRYPTO = 8,	/* libsodium failed (out of memory for Argon2) */
	KDC_EPASS = 9,		/* no pass phrase: empty, too long, no terminal */
	KDC_ENOFAMILY = 10,	/* serve: no "lsgc_kdc" genl family (module not loaded) */
	KDC_ENET = 11,		/* netlink or network error; the relay's KDC unreachable */
};

struct kdc_entry {
	unsigned char id[LSGC_ID_LEN];
	unsigned char salt[KDC_SALT_LEN];
	unsigned long long ops;
	size_t mem;
	unsigned char key[KDC_KEY_LEN];
};

/*
 * The database in memory.  The entries hold keys, so they live in
 * sodium_allocarray() memory: locked, guarded, wiped when freed.
 */
struct kdc_db {
	char realm[KDC_REALM_MAX + 1];
	struct kdc_entry *e;
	size_t n, cap;
};

/* A request for pair keys, as the kernel sends it (LSGC_KDC_CMD_REQUEST). */
struct kdc_request {
	uint32_t req_id;
	uint32_t timeout_ms;	/* 0: the request gave none */
	unsigned char requester[LSGC_ID_LEN];
	unsigned char nonce[LSGC_KDC_NONCE_LEN];
	uint32_t n;		/* 1..LSGC_KDC_MAX_PEERS */
	unsigned char peer[LSGC_KDC_MAX_PEERS][LSGC_ID_LEN];
};

struct kdc_answer_peer {
	unsigned char id[LSGC_ID_LEN];
	uint32_t status;	/* 0, ENOKEY or EKEYREVOKED */
	unsigned char pair[LSGC_KDC_PAIR_LEN];	/* zeros unless status is 0 */
};

/* The answer (LSGC_KDC_CMD_ANSWER). */
struct kdc_answer {
	uint32_t req_id;
	uint32_t status;	/* not 0: the whole request failed, no peers, no MAC */
	uint32_t n;
	struct kdc_answer_peer peer[LSGC_KDC_MAX_PEERS];
	unsigned char mac[LSGC_KDC_MAC_LEN];
};

/* The database of a daemon, loaded again when the file changes. */
struct kdc_live_db {
	const char *path, *realm;
	struct kdc_db db;
	struct stat st;		/* of the file db was loaded from */
	int ok;			/* db holds a database */
	int down;		/* the file is missing or bad: said so once */
	unsigned long loads;
};

/* kdc.c: identities, realms, the derivation, pass phrases. */
/* The kernel's __printf, which userspace headers do not have. */
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

__printf(1, 2) void kdc_err(const char *fmt, ...);
int kdc_parse_id(const char *arg, unsigned char id[LSGC_ID_LEN]);
void kdc_id_hex(const unsigned char id[LSGC_ID_LEN], char hex[KDC_ID_HEX_LEN + 1]);
void kdc_id_name(const unsigned char id[LSGC_ID_LEN], char name[LSGC_ID_LEN + 1]);
int kdc_check_realm(const char *realm);
int kdc_limits_ok(unsigned long long ops, size_t mem);
int kdc_check_limits(unsigned long long ops, size_t mem);
int kdc_salt(const char *realm, const unsigned char id[LSGC_ID_LEN],
	     unsigned char salt[KDC_SALT_LEN]);
int kdc_derive(const char *pass, size_t len, const unsigned char salt[KDC_SALT_LEN],
	       unsigned long long ops, size_t mem, unsigned char key[KDC_KEY_LEN]);
int kdc_member_key(const unsigned char id[LSGC_ID_LEN], const char *realm,
		   unsigned long long ops, size_t mem, const char *pass, size_t len,
		   unsigned char key[KDC_KEY_LEN]);
int kdc_read_pass(int fd, const char *prompt, int confirm, char **pass, size_t *len);
void kdc_free_pass(char *pass, size_t len);

/* db.c: the database file. */
int kdc_db_lock(const char *path, int *lockfd);
int kdc_db_load(const char *path, int must_exist, struct kdc_db *db);
int kdc_db_save(const char *path, const struct kdc_db *db);
struct kdc_entry *kdc_db_find(struct kdc_db *db, const unsigned char id[LSGC_ID_LEN]);
int kdc_db_put(struct kdc_db *db, const struct kdc_entry *e);
void kdc_db_del(struct kdc_db *db, struct kdc_entry *e);
void kdc_db_free(struct kdc_db *db);

/* answer.c: the key algebra of linux/lsgc_kdc.h, the live database. */
int kdc_answer(struct kdc_db *db, const struct kdc_request *rq, struct kdc_answer *an);
int kdc_answer_mac(const unsigned char k_sl[KDC_KEY_LEN], const struct kdc_request *rq,
		   struct kdc_answer *an);
const char *kdc_status_name(uint32_t status);
void kdc_answer_print(FILE *f, const struct kdc_answer *an);
int kdc_live_open(struct kdc_live_db *l, const char *path, const char *realm);
struct kdc_db *kdc_live_get(struct kdc_live_db *l, int force);
void kdc_live_close(struct kdc_live_db *l);

/* relay.c: the TCP protocol between a relay and kdcd. */
struct kdc_addr;
int kdc_addr_parse(const char *arg, int passive, struct kdc_addr **addr);
void kdc_addr_free(struct kdc_addr *addr);
int kdc_relay_query(struct kdc_addr *kdcd, const struct kdc_request *rq, int timeout_ms,
		    struct kdc_answer *an, int *err);
int kdc_kdcd(struct kdc_live_db *l, struct kdc_addr *listen_addr, int max_clients,
	     int client_timeout_ms);

/* serve.c: the netlink daemon. */
struct kdc_serve_opts {
	struct kdc_live_db *live;	/* answer from it, or */
	struct kdc_addr *relay;		/* forward to kdcd */
	int loopback;			/* tests: requests from any port, answers to it */
	int family_id;			/* tests: this family id, no resolution, no group */
	const char *banner;		/* "serving <banner>" once subscribed */
};
int kdc_serve(const struct kdc_serve_opts *so);

/* Signals that end the daemons (serve.c): blocked but in ppoll(). */
int kdc_signals_block(sigset_t *waitmask);
extern volatile sig_atomic_t kdc_stop, kdc_hup;
__printf(1, 2) void kdc_log_limited(const char *fmt, ...);

#endif /* LSGC_KDC_H */
