// SPDX-License-Identifier: GPL-2.0
/*
 * lsgc-kdc: the key database file.
 *
 * A text file, one line per identity after a header line:
 *
 *	lsgc-kdc-db v1 realm=<realm>
 *	lsgc-kdc-v1 <identity-hex32> <salt-hex32> <opslimit> <memlimit> argon2id13 <key-hex64>
 *
 * It holds every long-term key in clear, so it is only ever read when it
 * is a regular file of the running uid that neither the group nor others
 * may access, and it is only ever replaced whole (a temporary file of mode
 * 0600 in the same directory, fsync, rename, fsync of the directory): a
 * crash leaves the old database or the new one, never half of one.
 * Writers serialise on "<database>.lock" (flock), which is checked the
 * same way; readers need no lock, since a rename is atomic.
 *
 * The file's bytes and the parsed entries live in sodium_malloc() memory
 * (locked, guarded, wiped when freed); stdio never sees a key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "kdc.h"

#define DB_HEADER	"lsgc-kdc-db"
#define DB_VERSION	"v1"
#define DB_RECORD	"lsgc-kdc-v1"
#define DB_ALG		"argon2id13"
#define DB_MAX_SIZE	(16 << 20)	/* some 80000 identities */
#define DB_LINE_MAX	200		/* a record is 178 bytes at most */
#define DB_FIELDS	7

/*
 * The rules of the database and of its lock: a regular file (not a FIFO
 * that would block us, not a device, not a directory), owned by the uid
 * running the tool (nobody else can have replaced or chmod'ed it), with
 * no permission bit for the group or others.
 */
static int check_safe(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st)) {
		kdc_err("%s: %s", path, strerror(errno));
		return KDC_EDB;
	}
	if (!S_ISREG(st.st_mode)) {
		kdc_err("%s: not a regular file: refused", path);
		return KDC_EUNSAFE;
	}
	if (st.st_uid != geteuid()) {
		kdc_err("%s: owned by uid %u, not by uid %u that runs lsgc-kdc: refused",
			path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		return KDC_EUNSAFE;
	}
	if (st.st_mode & 077) {
		kdc_err("%s: mode %04o lets the group or others in: refused (chmod 600 it)",
			path, (unsigned int)(st.st_mode & 07777));
		return KDC_EUNSAFE;
	}
	return KDC_OK;
}

/*
 * open(2) that never follows a symbolic link at the end of path (someone
 * who may write the directory would otherwise point us at any file) and
 * never blocks on a FIFO.  *fd is -1 when the file does not exist.
 */
static int open_safe(const char *path, int flags, int *fd)
{
	struct stat st;
	int ret;

	*fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (*fd < 0) {
		if (errno == ENOENT)
			return KDC_OK;
		if (errno == ELOOP && !lstat(path, &st) && S_ISLNK(st.st_mode)) {
			kdc_err("%s: a symbolic link: refused", path);
			return KDC_EUNSAFE;
		}
		kdc_err("%s: %s", path, strerror(errno));
		return KDC_EDB;
	}
	ret = check_safe(*fd, path);
	if (ret) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

/* Held until the process exits: the lock ends with it. */
int kdc_db_lock(const char *path, int *lockfd)
{
	char lock[4096];
	int ret;

	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock)) {
		kdc_err("%s: path too long", path);
		return KDC_EUSAGE;
	}
	ret = open_safe(lock, O_RDWR | O_CREAT, lockfd);
	if (ret)
		return ret;
	if (*lockfd < 0) {	/* ENOENT with O_CREAT: the directory is missing */
		kdc_err("%s: no such directory", lock);
		return KDC_EDB;
	}
	while (flock(*lockfd, LOCK_EX)) {
		if (errno != EINTR) {
			kdc_err("%s: flock: %s", lock, strerror(errno));
			return KDC_EDB;
		}
	}
	return KDC_OK;
}

static int db_grow(struct kdc_db *db, size_t cap)
{
	struct kdc_entry *e;

	if (cap <= db->cap)
		return KDC_OK;
	e = sodium_allocarray(cap, sizeof(*e));
	if (!e) {
		kdc_err("out of locked memory for %zu entries", cap);
		return KDC_ECRYPTO;
	}
	if (db->n)
		memcpy(e, db->e, db->n * sizeof(*e));
	sodium_free(db->e);
	db->e = e;
	db->cap = cap;
	return KDC_OK;
}

struct kdc_entry *kdc_db_find(struct kdc_db *db, const unsigned char id[LSGC_ID_LEN])
{
	size_t i;

	for (i = 0; i < db->n; i++)
		if (!memcmp(db->e[i].id, id, LSGC_ID_LEN))
			return &db->e[i];
	return NULL;
}

/* Adds e, or replaces the entry of its identity. */
int kdc_db_put(struct kdc_db *db, const struct kdc_entry *e)
{
	struct kdc_entry *old = kdc_db_find(db, e->id);
	int ret;

	if (old) {
		*old = *e;
		return KDC_OK;
	}
	if (db->n == db->cap) {
		ret = db_grow(db, 2 * db->cap + 8);
		if (ret)
			return ret;
	}
	db->e[db->n++] = *e;
	return KDC_OK;
}

void kdc_db_del(struct kdc_db *db, struct kdc_entry *e)
{
	size_t i = e - db->e;

	memmove(e, e + 1, (db->n - i - 1) * sizeof(*e));
	db->n--;
	sodium_memzero(&db->e[db->n], sizeof(*e));
}

void kdc_db_free(struct kdc_db *db)
{
	sodium_free(db->e);	/* wipes the keys */
	db->e = NULL;
	db->n = 0;
	db->cap = 0;
}

/* Exactly len hex digits into out (len / 2 bytes). */
static int parse_hex(unsigned char *out, const char *s, size_t len)
{
	size_t bin_len;
	const char *end;

	if (strlen(s) != len)
		return -1;
	if (sodium_hex2bin(out, len / 2, s, len, NULL, &bin_len, &end) ||
	    bin_len != len / 2 || *end)
		return -1;
	return 0;
}

/* A decimal number without sign, blanks or leading zeros. */
static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (s[0] < '1' || s[0] > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/*
 * One record, split in place on single spaces.  Errors name the line and
 * the field, never its content: the line holds a key.
 */
static int parse_record(struct kdc_db *db, char *line, unsigned int lineno)
{
	unsigned char salt[KDC_SALT_LEN];
	char *f[DB_FIELDS];
	struct kdc_entry *e;
	unsigned long long mem;
	const char *what;
	int n = 0;
	char *p;

	for (p = line; n < DB_FIELDS; n++) {
		f[n] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n != DB_FIELDS - 1 || strcmp(f[0], DB_RECORD)) {
		what = "not a " DB_RECORD " record of 7 fields";
		goto bad;
	}
	e = &db->e[db->n];
	what = "identity";
	if (parse_hex(e->id, f[1], KDC_ID_HEX_LEN) || sodium_is_zero(e->id, LSGC_ID_LEN))
		goto bad;
	what = "salt";
	if (parse_hex(e->salt, f[2], 2 * KDC_SALT_LEN))
		goto bad;
	what = "opslimit or memlimit";
	if (parse_u64(f[3], &e->ops) || parse_u64(f[4], &mem) || (size_t)mem != mem)
		goto bad;
	e->mem = mem;
	if (!kdc_limits_ok(e->ops, e->mem))
		goto bad;
	what = "algorithm (only " DB_ALG ")";
	if (strcmp(f[5], DB_ALG))
		goto bad;
	what = "key";
	if (parse_hex(e->key, f[6], 2 * KDC_KEY_LEN))
		goto bad;
	/* The salt is a function of realm and identity: a member derives it. */
	what = "salt (not the v1 salt of this identity in this realm)";
	if (kdc_salt(db->realm, e->id, salt) || memcmp(salt, e->salt, KDC_SALT_LEN))
		goto bad;
	what = "identity (a second entry of it)";
	if (kdc_db_find(db, e->id))
		goto bad;
	db->n++;
	return KDC_OK;
bad:
	kdc_err("database line %u: bad %s", lineno, what);
	return KDC_EDB;
}

static int parse_header(struct kdc_db *db, char *line)
{
	const char *v, *r;

	if (strncmp(line, DB_HEADER " ", strlen(DB_HEADER " "))) {
		kdc_err("database line 1: not a lsgc-kdc database (no '" DB_HEADER "' header)");
		return KDC_EDB;
	}
	v = line + strlen(DB_HEADER " ");
	if (strncmp(v, DB_VERSION " realm=", strlen(DB_VERSION " realm="))) {
		kdc_err("database: format '%.8s' is not " DB_VERSION ", the one this tool reads",
			v);
		return KDC_EDB;
	}
	r = v + strlen(DB_VERSION " realm=");
	if (kdc_check_realm(r))
		return KDC_EDB;
	strcpy(db->realm, r);
	return KDC_OK;
}

static int parse_db(struct kdc_db *db, char *buf, size_t len)
{
	unsigned int lineno = 0;
	size_t lines = 0, i;
	char *p = buf, *nl;
	int ret;

	if (len == 0 || buf[len - 1] != '\n') {
		kdc_err("database: %s", len ? "last line unterminated (truncated?)" : "empty file");
		return KDC_EDB;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			lines++;
	}
	ret = db_grow(db, lines);
	if (ret)
		return ret;
	while (p < buf + len) {
		nl = memchr(p, '\n', buf + len - p);
		*nl = '\0';
		lineno++;
		if (strlen(p) != (size_t)(nl - p) || nl - p > DB_LINE_MAX) {
			kdc_err("database line %u: too long or holds a NUL byte", lineno);
			return KDC_EDB;
		}
		ret = lineno == 1 ? parse_header(db, p) : parse_record(db, p, lineno);
		if (ret)
			return ret;
		p = nl + 1;
	}
	return KDC_OK;
}

/*
 * Reads and checks the whole database.  A database that does not exist is
 * an error with must_exist, else an empty one (realm "").
 */
int kdc_db_load(const char *path, int must_exist, struct kdc_db *db)
{
	size_t len = 0;
	struct stat st;
	ssize_t r = 0;
	char *buf;
	int fd, ret;

	memset(db, 0, sizeof(*db));
	ret = open_safe(path, O_RDONLY, &fd);
	if (ret)
		return ret;
	if (fd < 0) {
		if (!must_exist)
			return KDC_OK;
		kdc_err("%s: no such database", path);
		return KDC_EDB;
	}
	if (fstat(fd, &st) || st.st_size > DB_MAX_SIZE) {
		kdc_err("%s: larger than %d bytes", path, DB_MAX_SIZE);
		close(fd);
		return KDC_EDB;
	}
	/* One byte more than the size, to notice a file that grew. */
	buf = sodium_malloc(st.st_size + 1);
	if (!buf) {
		kdc_err("out of locked memory for the database");
		close(fd);
		return KDC_ECRYPTO;
	}
	while (len <= (size_t)st.st_size) {
		r = read(fd, buf + len, st.st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	if (r < 0 || len != (size_t)st.st_size) {
		kdc_err("%s: %s", path, r < 0 ? strerror(errno) : "changed while read");
		ret = KDC_EDB;
	} else {
		ret = parse_db(db, buf, len);
	}
	close(fd);
	sodium_free(buf);
	if (ret)
		kdc_db_free(db);
	return ret;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		len -= w;
	}
	return 0;
}

/* Replaces the database at path with db, atomically (see the top). */
int kdc_db_save(const char *path, const struct kdc_db *db)
{
	char dir[4096], tmp[4096 + 16];
	const char *slash = strrchr(path, '/');
	size_t size, off, i;
	int fd, dfd, ret = KDC_EDB;
	char *buf;

	if (slash) {
		if ((size_t)(slash - path) >= sizeof(dir) - 1) {
			kdc_err("%s: path too long", path);
			return KDC_EUSAGE;
		}
		memcpy(dir, path, slash - path + 1);
		dir[slash - path + 1] = '\0';
	} else {
		strcpy(dir, "./");
	}
	if (snprintf(tmp, sizeof(tmp), "%s.%s.XXXXXX", dir, slash ? slash + 1 : path) >=
	    (int)sizeof(tmp)) {
		kdc_err("%s: path too long", path);
		return KDC_EUSAGE;
	}

	size = 128 + db->n * DB_LINE_MAX;
	buf = sodium_malloc(size);
	if (!buf) {
		kdc_err("out of locked memory for the database");
		return KDC_ECRYPTO;
	}
	off = snprintf(buf, size, DB_HEADER " " DB_VERSION " realm=%s\n", db->realm);
	for (i = 0; i < db->n; i++) {
		const struct kdc_entry *e = &db->e[i];
		char id[KDC_ID_HEX_LEN + 1], salt[2 * KDC_SALT_LEN + 1];

		kdc_id_hex(e->id, id);
		sodium_bin2hex(salt, sizeof(salt), e->salt, KDC_SALT_LEN);
		off += snprintf(buf + off, size - off, DB_RECORD " %s %s %llu %zu " DB_ALG " ",
				id, salt, e->ops, e->mem);
		sodium_bin2hex(buf + off, size - off, e->key, KDC_KEY_LEN);
		off += 2 * KDC_KEY_LEN;
		buf[off++] = '\n';
	}

	/* mkostemp creates it 0600; fchmod says so whatever the umask did. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		kdc_err("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) || write_all(fd, buf, off) || fsync(fd)) {
		kdc_err("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) || rename(tmp, path)) {
		kdc_err("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* The rename itself is durable only once the directory is. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		kdc_err("%s: fsync: %s", dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		goto out;
	}
	close(dfd);
	ret = KDC_OK;
out:
	sodium_free(buf);
	return ret;
}
