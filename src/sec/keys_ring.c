/* keys_ring.c - the keyring's files (key file, keyring), its key sets in memory, wrapping. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sec/keys_int.h"
#include "util/err.h"

/* ================================================================
 * Files: whole reads, atomic writes
 * ================================================================ */

static void path_of(const struct keyring *k, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", k->dir, name);
}

/* Reads a whole file. ERR_NOTFOUND when it is missing. OUT: *text (NUL-terminated, free()). */
static int read_file(const char *path, char **text, struct buf *err)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	*text = NULL;
	if (fd < 0)
		return errno == ENOENT ? ERR_NOTFOUND
				       : buf_error(err, ERR_IO, "cannot read %s: %s", path,
						   strerror(errno));
	while ((got = read(fd, chunk, sizeof(chunk))) > 0 && !rc)
		rc = b.len + (size_t)got > MAX_FILE ? buf_error(err, ERR_INVALID, "%s is too large", path)
						    : buf_append(&b, chunk, (size_t)got);
	if (!rc && got < 0)
		rc = buf_error(err, ERR_IO, "cannot read %s: %s", path, strerror(errno));
	close(fd);
	if (!rc && !(*text = buf_detach(&b, NULL)))
		*text = strdup("");
	if (!rc && !*text)
		rc = ERR_NOMEM;
	sodium_memzero(chunk, sizeof(chunk));
	buf_release(&b);
	return rc;
}

/* Writes name in dir as one step: a 0600 temporary file, fsync, rename, fsync of dir. */
static int write_file(const struct keyring *k, const char *name, const struct buf *text,
		      struct buf *err)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	size_t off = 0;
	int fd, rc = 0;

	path_of(k, name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return buf_error(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	while (!rc && off < text->len) {
		ssize_t w = write(fd, text->data + off, text->len - off);

		if (w < 0 && errno != EINTR)
			rc = buf_error(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
		off += w > 0 ? (size_t)w : 0;
	}
	if (!rc && fsync(fd))
		rc = buf_error(err, ERR_IO, "cannot sync %s: %s", tmp, strerror(errno));
	close(fd);
	if (!rc && rename(tmp, path))
		rc = buf_error(err, ERR_IO, "cannot rename %s: %s", tmp, strerror(errno));
	if (rc) {
		unlink(tmp);
		return rc;
	}
	/* The rename is durable only once the directory is. */
	fd = open(k->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = buf_error(err, ERR_IO, "cannot sync %s: %s", k->dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ================================================================
 * The key sets in memory
 * ================================================================ */

/* The index of (client, version) or where it would go. */
static size_t key_pos(const struct keyring *k, int64_t client, uint32_t version, bool *found)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct dkey *d = &k->keys[mid];

		if (d->client < client || (d->client == client && d->version < version))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < k->n && k->keys[lo].client == client && k->keys[lo].version == version;
	return lo;
}

const struct dkey *keys__key_find(const struct keyring *k, int64_t client, uint32_t version)
{
	bool found;
	size_t i = key_pos(k, client, version, &found);

	return found ? &k->keys[i] : NULL;
}

/* The client's newest key, NULL if it has none. */
const struct dkey *keys__key_newest(const struct keyring *k, int64_t client)
{
	bool found;
	size_t i = key_pos(k, client + 1, 0, &found);

	return i > 0 && k->keys[i - 1].client == client ? &k->keys[i - 1] : NULL;
}

int keys__key_add(struct keyring *k, int64_t client, uint32_t version, const unsigned char *key)
{
	bool found;
	size_t i = key_pos(k, client, version, &found);

	if (found)
		return ERR_EXISTS;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		struct dkey *p = sodium_allocarray(cap, sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		if (k->n)
			memcpy(p, k->keys, k->n * sizeof(*p));
		sodium_free(k->keys); /* wipes the old copy */
		k->keys = p;
		k->cap = cap;
	}
	memmove(&k->keys[i + 1], &k->keys[i], (k->n - i) * sizeof(*k->keys));
	k->keys[i].client = client;
	k->keys[i].version = version;
	memcpy(k->keys[i].key, key, KEY_BYTES);
	k->n++;
	return 0;
}

/* Removes the key (client, version) if held, wiping it. */
void keys__key_remove(struct keyring *k, int64_t client, uint32_t version)
{
	bool found;
	size_t i = key_pos(k, client, version, &found);

	if (!found)
		return;
	memmove(&k->keys[i], &k->keys[i + 1], (k->n - i - 1) * sizeof(*k->keys));
	k->n--;
	sodium_memzero(&k->keys[k->n], sizeof(*k->keys));
}

/* Removes every key of client, wiping it. */
void keys__key_drop(struct keyring *k, int64_t client)
{
	bool found;
	size_t from = key_pos(k, client, 0, &found), to = from;

	while (to < k->n && k->keys[to].client == client)
		to++;
	sodium_memzero(&k->keys[from], (to - from) * sizeof(*k->keys));
	memmove(&k->keys[from], &k->keys[to], (k->n - to) * sizeof(*k->keys));
	k->n -= to - from;
	sodium_memzero(&k->keys[k->n], (to - from) * sizeof(*k->keys));
}

bool keys__is_gone(const struct keyring *k, int64_t client)
{
	for (size_t i = 0; i < k->n_gone; i++)
		if (k->gone[i] == client)
			return true;
	return false;
}

int keys__gone_add(struct keyring *k, int64_t client)
{
	size_t i = 0;

	if (keys__is_gone(k, client))
		return 0;
	if (k->n_gone == k->cap_gone) {
		size_t cap = k->cap_gone ? k->cap_gone * 2 : 8;
		int64_t *p = realloc(k->gone, cap * sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		k->gone = p;
		k->cap_gone = cap;
	}
	while (i < k->n_gone && k->gone[i] < client)
		i++;
	memmove(&k->gone[i + 1], &k->gone[i], (k->n_gone - i) * sizeof(*k->gone));
	k->gone[i] = client;
	k->n_gone++;
	return 0;
}

/* ================================================================
 * Wrapping: data keys under the master key
 * ================================================================ */

static void wrap_ad(char *ad, size_t n, int64_t client, uint32_t version, uint32_t mversion)
{
	snprintf(ad, n, "alihdaya.wrap.1 client=%lld key=%u master=%u", (long long)client, version,
		 mversion);
}

static void check_ad(char *ad, size_t n, uint32_t mversion)
{
	snprintf(ad, n, "alihdaya.check.1 master=%u", mversion);
}

/*
 * Nonces: XChaCha20-Poly1305's are 24 bytes, so they need not be drawn whole
 * for each seal (a getrandom system call each, 1 in 40 of a bulk import's
 * CPU). A thread draws a random 16-byte prefix and then counts in the last
 * 8 bytes, NONCE_RUN seals per prefix. Why no nonce repeats under one key:
 * within a run the counter differs; two runs (of any threads, processes or
 * restarts) share a prefix with a probability of about r^2 / 2^129 for r runs
 * ever drawn, which is what drawing 24 random bytes gives for r^2 / 2^193 --
 * both far below anything that happens. A forked child would continue its
 * parent's run: the fork handler makes every run start afresh in it.
 */
#define NONCE_PREFIX 16
#define NONCE_RUN 4096u
_Static_assert(NONCE_BYTES == NONCE_PREFIX + 8, "an XChaCha20 nonce: a prefix and a 64-bit counter");

static _Thread_local unsigned char nonce_prefix[NONCE_PREFIX];
static _Thread_local uint64_t nonce_next, nonce_left, nonce_gen;
static atomic_uint_fast64_t nonce_forks = 1; /* bumped in a forked child: every run ends */
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_forked(void)
{
	atomic_fetch_add(&nonce_forks, 1);
}

static void nonce_init(void)
{
	(void)pthread_atfork(NULL, NULL, nonce_forked);
}

static void nonce_make(unsigned char *out)
{
	uint64_t gen = atomic_load(&nonce_forks), c;

	if (!nonce_left || nonce_gen != gen) {
		pthread_once(&nonce_once, nonce_init);
		randombytes_buf(nonce_prefix, sizeof(nonce_prefix));
		nonce_next = 0;
		nonce_left = NONCE_RUN;
		nonce_gen = gen;
	}
	c = nonce_next++;
	nonce_left--;
	memcpy(out, nonce_prefix, NONCE_PREFIX);
	for (unsigned i = 0; i < NONCE_BYTES - NONCE_PREFIX; i++)
		out[NONCE_PREFIX + i] = (unsigned char)(c >> (8 * i));
}

/* AEAD of msg (mlen, may be 0) under key for ad: nonce || ciphertext || tag into out. */
void keys__aead_seal(unsigned char *out, const unsigned char *msg, size_t mlen, const char *ad,
		      const unsigned char *key)
{
	nonce_make(out);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + NONCE_BYTES, NULL, msg, mlen,
						   (const unsigned char *)ad, strlen(ad), NULL, out,
						   key);
}

/* Opens nonce || ciphertext || tag (len bytes) into out. 0 or -1. */
int keys__aead_open(unsigned char *out, const unsigned char *in, size_t len, const char *ad,
		     const unsigned char *key)
{
	if (len < NONCE_BYTES + TAG_BYTES)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
	    out, NULL, NULL, in + NONCE_BYTES, len - NONCE_BYTES, (const unsigned char *)ad,
	    strlen(ad), in, key);
}

/* Appends n bytes as hex. */
static int put_hex(struct buf *b, const unsigned char *p, size_t n)
{
	char hex[2 * WRAPPED_BYTES + 1];

	sodium_bin2hex(hex, sizeof(hex), p, n);
	return buf_puts(b, hex);
}

/* The keyring file's text: its master line with a fresh check, each key wrapped anew. */
static int ring_text(const struct keyring *k, struct buf *out)
{
	unsigned char check[CHECK_BYTES], wrapped[WRAPPED_BYTES];
	char ad[128];
	int rc;

	check_ad(ad, sizeof(ad), k->mversion);
	keys__aead_seal(check, NULL, 0, ad, k->master);
	rc = buf_printf(out, "alihdaya-keyring 1\nmaster %u ", k->mversion);
	rc = rc ? rc : put_hex(out, check, sizeof(check));
	rc = rc ? rc : buf_puts(out, "\n");
	for (size_t i = 0; !rc && i < k->n; i++) {
		const struct dkey *d = &k->keys[i];

		wrap_ad(ad, sizeof(ad), d->client, d->version, k->mversion);
		keys__aead_seal(wrapped, d->key, KEY_BYTES, ad, k->master);
		rc = buf_printf(out, "key %lld %u ", (long long)d->client, d->version);
		rc = rc ? rc : put_hex(out, wrapped, sizeof(wrapped));
		rc = rc ? rc : buf_puts(out, "\n");
	}
	for (size_t i = 0; !rc && i < k->n_gone; i++)
		rc = buf_printf(out, "destroyed %lld\n", (long long)k->gone[i]);
	return rc;
}

int keys__ring_write(const struct keyring *k, struct buf *err)
{
	struct buf text = BUF_INIT;
	int rc = ring_text(k, &text);

	rc = rc ? buf_error(err, rc, "keyring: out of memory") : write_file(k, KEYS_FILE, &text, err);
	buf_release(&text);
	return rc;
}

/* The key file with the given master keys, one line each. */
int keys__master_write(const struct keyring *k, const struct master *m, size_t n, struct buf *err)
{
	struct buf text = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		rc = buf_printf(&text, "%u ", m[i].version);
		rc = rc ? rc : put_hex(&text, m[i].key, KEY_BYTES);
		rc = rc ? rc : buf_puts(&text, "\n");
	}
	rc = rc ? buf_error(err, rc, "key file: out of memory")
		: write_file(k, KEYS_MASTER_FILE, &text, err);
	if (text.data)
		sodium_memzero(text.data, text.alloc);
	buf_release(&text);
	return rc;
}

/* ================================================================
 * Loading
 * ================================================================ */

static int hex_key(const char *hex, size_t hexlen, unsigned char *out, size_t n)
{
	size_t got = 0;

	if (hexlen != 2 * n || sodium_hex2bin(out, n, hex, hexlen, NULL, &got, NULL) || got != n)
		return -1;
	return 0;
}

/* The master key candidates: the environment's, or the key file's lines. OUT: m[], *n. */
static int masters_read(struct keyring *k, struct master *m, size_t *n, struct buf *err)
{
	const char *env = getenv(KEYS_MASTER_ENV);
	char path[PATH_MAX + 32], *text = NULL, *line, *next;
	struct stat st;
	int rc;

	*n = 0;
	if (env && *env) {
		k->from_env = true;
		if (hex_key(env, strlen(env), m[0].key, KEY_BYTES))
			return buf_error(err, ERR_INVALID, "%s must be 64 hex digits (32 bytes)",
					 KEYS_MASTER_ENV);
		m[0].version = 0;
		*n = 1;
		return 0;
	}
	path_of(k, KEYS_MASTER_FILE, path, sizeof(path));
	if (stat(path, &st))
		return errno == ENOENT ? 0 : buf_error(err, ERR_IO, "cannot stat %s: %s", path,
						       strerror(errno));
	if (st.st_mode & 077)
		return buf_error(err, ERR_INVALID,
				 "master key file %s is readable by group or others (mode %03o): "
				 "chmod 600 it",
				 path, (unsigned)(st.st_mode & 0777));
	rc = read_file(path, &text, err);
	if (rc)
		return rc == ERR_NOTFOUND ? 0 : rc;
	for (line = text; !rc && line && *line; line = next) {
		char hex[72];
		unsigned v;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		if (*n == MAX_MASTERS || sscanf(line, "%u %70s", &v, hex) != 2 || v == 0 ||
		    hex_key(hex, strlen(hex), m[*n].key, KEY_BYTES))
			rc = buf_error(err, ERR_INVALID, "master key file %s: malformed line", path);
		else
			m[(*n)++].version = v;
		sodium_memzero(hex, sizeof(hex));
	}
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

/* Parses and opens the keyring file's text with the candidates m[0..n). */
static int ring_parse(struct keyring *k, char *text, const struct master *m, size_t n,
		      struct buf *err)
{
	unsigned char bin[WRAPPED_BYTES], key[KEY_BYTES];
	char *line = text, *next, hex[2 * WRAPPED_BYTES + 16], ad[128];
	int rc = 0, lineno = 0;
	unsigned v;
	long long client;

	for (; !rc && line && *line; line = next, lineno++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (lineno == 0) {
			if (strcmp(line, "alihdaya-keyring 1"))
				rc = buf_error(err, ERR_INVALID, "keyring: not a keyring of version 1");
		} else if (lineno == 1) {
			const struct master *use = NULL;

			if (sscanf(line, "master %u %150s", &v, hex) != 2 ||
			    hex_key(hex, strlen(hex), bin, CHECK_BYTES))
				return buf_error(err, ERR_INVALID, "keyring: malformed master line");
			for (size_t i = 0; i < n && !use; i++)
				if (m[i].version == v || m[i].version == 0)
					use = &m[i];
			if (!n)
				return buf_error(err, ERR_CRYPTO,
						 "no master key for the keyring: set %s or restore %s/%s",
						 KEYS_MASTER_ENV, k->dir, KEYS_MASTER_FILE);
			check_ad(ad, sizeof(ad), v);
			if (!use || keys__aead_open(key, bin, CHECK_BYTES, ad, use->key))
				return buf_error(err, ERR_CRYPTO, "%s", WRONG_MASTER);
			memcpy(k->master, use->key, KEY_BYTES);
			k->mversion = v;
			k->have_master = true;
		} else if (sscanf(line, "key %lld %u %150s", &client, &v, hex) == 3) {
			wrap_ad(ad, sizeof(ad), client, v, k->mversion);
			if (hex_key(hex, strlen(hex), bin, WRAPPED_BYTES) ||
			    keys__aead_open(key, bin, WRAPPED_BYTES, ad, k->master))
				rc = buf_error(err, ERR_CRYPTO,
					       "keyring: the key of client %lld version %u does not "
					       "open (damaged keyring)",
					       client, v);
			else if (keys__key_add(k, client, v, key))
				rc = buf_error(err, ERR_INVALID, "keyring: key %lld/%u twice", client, v);
		} else if (sscanf(line, "destroyed %lld", &client) == 1) {
			rc = keys__gone_add(k, client) ? buf_error(err, ERR_NOMEM, "out of memory") : 0;
		} else if (*line) {
			rc = buf_error(err, ERR_INVALID, "keyring: malformed line %d", lineno + 1);
		}
	}
	if (!rc && lineno < 2)
		rc = buf_error(err, ERR_INVALID, "keyring: no master line");
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* Reads the files into k (empty). */
int keys__ring_load(struct keyring *k, bool create, struct buf *err)
{
	struct master m[MAX_MASTERS];
	char path[PATH_MAX + 32], *text = NULL;
	size_t n = 0;
	int rc = masters_read(k, m, &n, err);

	if (rc)
		goto out;
	path_of(k, KEYS_FILE, path, sizeof(path));
	rc = read_file(path, &text, err);
	if (!rc) {
		rc = ring_parse(k, text, m, n, err);
		/* A rotation cut short left two keys in the key file: keep the keyring's. */
		if (!rc && create && !k->from_env && n > 1) {
			struct master cur = { k->mversion, { 0 } };

			memcpy(cur.key, k->master, KEY_BYTES);
			rc = keys__master_write(k, &cur, 1, err);
			sodium_memzero(&cur, sizeof(cur));
		}
		goto out;
	}
	if (rc != ERR_NOTFOUND)
		goto out;
	rc = 0;
	if (!n && create) {
		m[0].version = 1;
		randombytes_buf(m[0].key, KEY_BYTES);
		n = 1;
		rc = keys__master_write(k, m, 1, err);
	}
	for (size_t i = 0; i < n; i++)
		if (!k->have_master || m[i].version > k->mversion) {
			memcpy(k->master, m[i].key, KEY_BYTES);
			k->mversion = m[i].version ? m[i].version : 1;
			k->have_master = true;
		}
	if (!rc && create)
		rc = keys__ring_write(k, err);
out:
	sodium_memzero(m, sizeof(m));
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	return rc;
}

