/* audit_head.c - the audit key file, signing tree heads, and writing and reading the head file. */
#include "sec/audit_head.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sec/audit.h"
#include "util/err.h"
#include "util/log.h"

static const char head_domain[] = "alihdaya-audit-head-v1"; /* and its NUL */

struct audit_signer {
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char head[PATH_MAX];
	char copy[PATH_MAX]; /* "" for none */
	bool halted;
	/*
	 * The publisher (audit_signer_post): a thread that writes the latest
	 * posted head to the files, so that the engine's batch does not wait
	 * for a second fsync. Heads posted while one is written coalesce: only
	 * the newest is written (each is true of its tree; newer covers more).
	 */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, stopping, writing, pending;
	int urgent; /* flushes waiting: they cut the pause short */
	struct timespec last; /* CLOCK_MONOTONIC at the start of the last write */
	struct audit_head next;
};

/*
 * The publisher writes at most one head per HEAD_PAUSE_NS. Each write is an
 * fsync of its own (the file's data and the rename's metadata), and at
 * hundreds of batches a second that fsync was about 8 % of the server's CPU
 * per change; a head that waits coalesces with the next ones. Crash safety is
 * the same as before: the file always holds a true, possibly older, head, and
 * the next start signs whatever trails it (docs/audit.md).
 */
#define HEAD_PAUSE_NS 20000000L

static void put_be64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
}

void audit_head_message(const struct audit_head *h, unsigned char msg[AUDIT_HEAD_MSG])
{
	memcpy(msg, head_domain, sizeof(head_domain));
	put_be64(msg + 23, h->tree_size);
	put_be64(msg + 31, h->timestamp);
	memcpy(msg + 39, h->root, MERKLE_HASH);
}

bool audit_head_signed(const struct audit_head *h)
{
	unsigned char msg[AUDIT_HEAD_MSG];

	audit_head_message(h, msg);
	return crypto_sign_verify_detached(h->signature, msg, sizeof(msg), h->public_key) == 0;
}

int audit_head_text(const struct audit_head *h, struct buf *out)
{
	char root[65], pk[65], sig[129];

	sodium_bin2hex(root, sizeof(root), h->root, MERKLE_HASH);
	sodium_bin2hex(pk, sizeof(pk), h->public_key, sizeof(h->public_key));
	sodium_bin2hex(sig, sizeof(sig), h->signature, sizeof(h->signature));
	return buf_printf(out,
			  "alihdaya audit head v1\ntree_size %lld\ntimestamp %lld\nroot_hash %s\n"
			  "public_key %s\nsignature %s\n",
			  (long long)h->tree_size, (long long)h->timestamp, root, pk, sig);
}

int audit_head_path(const char *dir, char *out, size_t n)
{
	int len = snprintf(out, n, "%s/%s", dir, AUDIT_HEAD_FILE);

	return len < 0 || (size_t)len >= n ? ERR_TOOBIG : 0;
}

/* The whole of a small file into buf (NUL-terminated), at most cap bytes. */
static int slurp(const char *path, char *buf, size_t cap, struct stat *st, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return errno == ENOENT ? ERR_NOTFOUND
				       : buf_error(err, ERR_IO, "%s: %s", path, strerror(errno));
	if (st && fstat(fd, st)) {
		int e = errno;

		close(fd);
		return buf_error(err, ERR_IO, "%s: %s", path, strerror(e));
	}
	for (;;) {
		ssize_t r = read(fd, buf + got, cap - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			return buf_error(err, ERR_IO, "%s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == cap - 1)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return 0;
}

/* "key VALUE\n" in text: VALUE's bytes into out[n] (NUL-terminated), or false. */
static bool field(const char *text, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t vl;

		if (strncmp(p, key, kl) || p[kl] != ' ')
			continue;
		vl = strcspn(p + kl + 1, "\n");
		if (vl >= n)
			return false;
		memcpy(out, p + kl + 1, vl);
		out[vl] = '\0';
		return true;
	}
	return false;
}

static bool hex_field(const char *text, const char *key, unsigned char *out, size_t n)
{
	char v[160];
	size_t got;

	return field(text, key, v, sizeof(v)) && strlen(v) == 2 * n &&
	       !sodium_hex2bin(out, n, v, strlen(v), NULL, &got, NULL) && got == n;
}

static bool int_field(const char *text, const char *key, int64_t *out)
{
	char v[24], *end;
	long long x;

	if (!field(text, key, v, sizeof(v)) || v[0] < '0' || v[0] > '9')
		return false;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || *end)
		return false;
	*out = x;
	return true;
}

bool audit_head_parse(const char *text, struct audit_head *out)
{
	memset(out, 0, sizeof(*out));
	return !strncmp(text, "alihdaya audit head v1\n", 23) &&
	       int_field(text, "tree_size", &out->tree_size) &&
	       int_field(text, "timestamp", &out->timestamp) &&
	       hex_field(text, "root_hash", out->root, MERKLE_HASH) &&
	       hex_field(text, "public_key", out->public_key, sizeof(out->public_key)) &&
	       hex_field(text, "signature", out->signature, sizeof(out->signature));
}

int audit_head_read(const char *path, struct audit_head *out, struct buf *err)
{
	char text[1024];
	int rc = slurp(path, text, sizeof(text), NULL, err);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	if (!audit_head_parse(text, out))
		return buf_error(err, ERR_INVALID, "%s is not an audit head file", path);
	return 0;
}

/* The 32-byte seed of a key file: 64 hex characters and a newline. */
static int key_read(const char *path, unsigned char seed[32], struct buf *err)
{
	char text[160];
	struct stat st;
	size_t got;
	int rc = slurp(path, text, sizeof(text), &st, err);

	if (rc)
		return rc;
	if (st.st_mode & 077)
		return buf_error(err, ERR_INVALID,
				 "%s may be read by others (mode %03o): chmod 600 it, or it is no secret",
				 path, (unsigned)(st.st_mode & 0777));
	text[strcspn(text, "\n")] = '\0';
	if (strlen(text) != 64 || sodium_hex2bin(seed, 32, text, 64, NULL, &got, NULL) || got != 32)
		return buf_error(err, ERR_INVALID, "%s is not an audit signing key", path);
	return 0;
}

/* A fresh key written to path, created exclusively, mode 0600, synced. */
static int key_create(const char *path, unsigned char seed[32], struct buf *err)
{
	char text[66];
	int fd, rc = 0;

	randombytes_buf(seed, 32);
	sodium_bin2hex(text, sizeof(text), seed, 32);
	text[64] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return buf_error(err, ERR_IO, "cannot create %s: %s", path, strerror(errno));
	if (write(fd, text, 65) != 65 || fsync(fd))
		rc = buf_error(err, ERR_IO, "cannot write %s: %s", path, strerror(errno));
	close(fd);
	sodium_memzero(text, sizeof(text));
	if (rc)
		unlink(path);
	return rc;
}

int audit_key_public(const char *dir, unsigned char pk[32], struct buf *err)
{
	unsigned char seed[32], sk[crypto_sign_SECRETKEYBYTES];
	char path[PATH_MAX];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_KEY_FILE) >= (int)sizeof(path))
		return buf_error(err, ERR_TOOBIG, "data directory path too long");
	rc = key_read(path, seed, err);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no audit signing key %s", path);
	if (!rc)
		crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int audit_signer_open(const char *dir, const char *copy, struct audit_signer **out,
		      struct buf *err)
{
	struct audit_signer *s = calloc(1, sizeof(*s));
	unsigned char seed[32];
	char path[PATH_MAX];
	int rc;

	*out = NULL;
	if (!s)
		return ERR_NOMEM;
	if (snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_KEY_FILE) >= (int)sizeof(path) ||
	    audit_head_path(dir, s->head, sizeof(s->head)) ||
	    snprintf(s->copy, sizeof(s->copy), "%s", copy ? copy : "") >= (int)sizeof(s->copy)) {
		rc = buf_error(err, ERR_TOOBIG, "data directory or head copy path too long");
		goto fail;
	}
	rc = key_read(path, seed, err);
	if (rc == ERR_NOTFOUND)
		rc = key_create(path, seed, err);
	if (rc)
		goto fail;
	crypto_sign_seed_keypair(s->pk, s->sk, seed);
	sodium_memzero(seed, sizeof(seed));
	pthread_mutex_init(&s->mu, NULL);
	{
		/* The publisher's pause is timed on the monotonic clock. */
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&s->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	*out = s;
	return 0;
fail:
	free(s);
	return rc;
}

void audit_signer_free(struct audit_signer *s)
{
	if (!s)
		return;
	if (s->started) {
		/* What was posted is written before the process goes: flush, then stop. */
		pthread_mutex_lock(&s->mu);
		s->stopping = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

bool audit_signer_halted(const struct audit_signer *s)
{
	return s->halted;
}

int audit_signer_resume(struct audit_signer *s, struct store *st, int64_t now,
			struct merkle_frontier *f, struct buf *err)
{
	struct audit_head h;
	struct buf why = BUF_INIT;
	merkle_hash at_head, root;
	bool reached = false;
	int rc = audit_head_read(s->head, &h, &why);

	if (rc && rc != ERR_NOTFOUND) {
		s->halted = true;
		buf_error(err, rc, "%s", buf_str(&why));
		rc = audit_tree_load(st, 0, f, NULL, &reached);
		goto out;
	}
	if (rc == ERR_NOTFOUND) {
		rc = audit_tree_load(st, 0, f, NULL, &reached);
		h.tree_size = -1; /* publish whatever there is, even the empty tree */
		goto publish;
	}
	rc = audit_tree_load(st, h.tree_size, f, at_head, &reached);
	if (rc)
		goto out;
	if (memcmp(h.public_key, s->pk, sizeof(s->pk)) || !audit_head_signed(&h))
		buf_error(err, ERR_CONFLICT, "%s is not signed by this installation's audit key",
			  s->head);
	else if (!reached)
		buf_error(err, ERR_CONFLICT,
			  "%s signs %lld audit events but the store holds %llu: events were removed",
			  s->head, (long long)h.tree_size, (unsigned long long)f->size);
	else if (memcmp(at_head, h.root, MERKLE_HASH))
		buf_error(err, ERR_CONFLICT,
			  "the first %lld audit events do not hash to the root %s signs: events were "
			  "changed, removed or reordered",
			  (long long)h.tree_size, s->head);
	else
		goto publish;
	s->halted = true;
	goto out;
publish:
	if (!rc && (int64_t)f->size != h.tree_size) {
		merkle_frontier_root(f, root);
		rc = audit_signer_publish(s, (int64_t)f->size, now, root, err);
	}
out:
	buf_release(&why);
	return rc;
}

/* path written atomically: path.tmp, fsync, rename over path. */
static int write_atomic(const char *path, const struct buf *text, struct buf *err)
{
	char tmp[PATH_MAX + 8];
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return buf_error(err, ERR_TOOBIG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return buf_error(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	if (write(fd, text->data, text->len) != (ssize_t)text->len || fsync(fd))
		rc = buf_error(err, ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
	close(fd);
	/*
	 * No fsync of the directory: should the rename be lost in a crash, the
	 * previous head stands, which is still a true (older) head of the trail.
	 */
	if (!rc && rename(tmp, path))
		rc = buf_error(err, ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}

bool audit_signer_sign(const struct audit_signer *s, int64_t size, int64_t now,
		       const merkle_hash root, struct audit_head *out)
{
	unsigned char msg[AUDIT_HEAD_MSG];

	if (s->halted)
		return false;
	*out = (struct audit_head){ .tree_size = size, .timestamp = now };
	memcpy(out->root, root, MERKLE_HASH);
	memcpy(out->public_key, s->pk, sizeof(s->pk));
	audit_head_message(out, msg);
	crypto_sign_detached(out->signature, NULL, msg, sizeof(msg), s->sk);
	return true;
}

int audit_signer_write(const struct audit_signer *s, const struct audit_head *h,
		       struct buf *err)
{
	struct buf text = BUF_INIT;
	int rc = audit_head_text(h, &text);

	if (!rc)
		rc = write_atomic(s->head, &text, err);
	if (!rc && s->copy[0])
		rc = write_atomic(s->copy, &text, err);
	buf_release(&text);
	return rc;
}

int audit_signer_publish(struct audit_signer *s, int64_t size, int64_t now,
			 const merkle_hash root, struct buf *err)
{
	struct audit_head h;

	return audit_signer_sign(s, size, now, root, &h) ? audit_signer_write(s, &h, err) : 0;
}

static void *publisher(void *arg)
{
	struct audit_signer *s = arg;
	struct audit_head h;
	struct buf err = BUF_INIT;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->pending && !s->stopping)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->pending)
			break; /* stopping, and everything posted is written */
		if (s->last.tv_sec || s->last.tv_nsec) {
			struct timespec until = s->last;

			until.tv_nsec += HEAD_PAUSE_NS;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!s->stopping && !s->urgent &&
			       pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
				;
		}
		clock_gettime(CLOCK_MONOTONIC, &s->last);
		h = s->next;
		s->pending = false;
		s->writing = true;
		pthread_mutex_unlock(&s->mu);
		if (audit_signer_write(s, &h, &err))
			log_error("audit: cannot write the tree head: %s", buf_str(&err));
		buf_reset(&err);
		pthread_mutex_lock(&s->mu);
		s->writing = false;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	buf_release(&err);
	return NULL;
}

int audit_signer_post(struct audit_signer *s, const struct audit_head *h, struct buf *err)
{
	int rc = 0;

	pthread_mutex_lock(&s->mu);
	if (!s->started) {
		if (pthread_create(&s->thread, NULL, publisher, s))
			rc = ERR_NOMEM;
		else
			s->started = true;
	}
	if (s->started) {
		s->next = *h;
		s->pending = true;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	/* Without the thread the head is written here: late is worse than slow. */
	return rc ? audit_signer_write(s, h, err) : 0;
}

void audit_signer_flush(struct audit_signer *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->urgent++;
	pthread_cond_broadcast(&s->cv);
	while (s->started && (s->pending || s->writing))
		pthread_cond_wait(&s->cv, &s->mu);
	s->urgent--;
	pthread_mutex_unlock(&s->mu);
}
