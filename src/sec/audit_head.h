/* audit_head.h - signed tree heads of the audit Merkle tree: the Ed25519 key file, the head file. */
#ifndef ALIHDAYA_AUDIT_HEAD_H
#define ALIHDAYA_AUDIT_HEAD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "sec/merkle.h"
#include "util/buf.h"

struct store;

/* Beside the store in the data directory (docs/audit.md). */
#define AUDIT_KEY_FILE "audit-signing.key"
#define AUDIT_HEAD_FILE "audit-head"

/* struct audit_head (core/model.h): its signature is Ed25519 over audit_head_message(). */

/* "alihdaya-audit-head-v1" 0x00, tree_size, timestamp (8-byte big-endian), root. */
#define AUDIT_HEAD_MSG 71
void audit_head_message(const struct audit_head *h, unsigned char msg[AUDIT_HEAD_MSG]);

/* Is the signature valid for h->public_key? */
bool audit_head_signed(const struct audit_head *h);

/*
 * The head file's text: lines "tree_size N", "timestamp MS", "root_hash HEX",
 * "public_key HEX", "signature HEX" after the line "alihdaya audit head v1".
 * 0, or ERR_NOMEM / ERR_TOOBIG from the buffer.
 */
int audit_head_text(const struct audit_head *h, struct buf *out);

/* The head file's text (NUL-terminated) into *out; false when it is not one. */
bool audit_head_parse(const char *text, struct audit_head *out);

/*
 * Reads a head file. 0; ERR_NOTFOUND when there is no file; ERR_INVALID
 * (with the reason in err) when it does not parse; ERR_IO.
 */
int audit_head_read(const char *path, struct audit_head *out, struct buf *err);

/* dir/AUDIT_HEAD_FILE into out. 0, or ERR_TOOBIG when it does not fit. */
int audit_head_path(const char *dir, char *out, size_t n);

/*
 * The public key of dir's key file (which must exist and be readable).
 * 0, ERR_NOTFOUND, ERR_INVALID (a malformed file), ERR_IO; err says which.
 */
int audit_key_public(const char *dir, unsigned char pk[32], struct buf *err);

/*
 * What signs and publishes heads: the key, where the head file is written
 * (dir/AUDIT_HEAD_FILE) and an optional copy elsewhere. Used by the engine
 * thread only.
 */
struct audit_signer;

/*
 * Opens dir's key file, creating it (mode 0600, a fresh key) when missing.
 * copy: a second file the head is written to as well, NULL for none.
 * OUT: *out, freed with audit_signer_free(). A key file that others may
 * read (mode & 077) is refused.
 */
int audit_signer_open(const char *dir, const char *copy, struct audit_signer **out,
		      struct buf *err);
void audit_signer_free(struct audit_signer *s);

/*
 * Where the engine starts: the frontier of the stored trail, checked
 * against the head file. If the file's head is signed by this key, no
 * larger than the trail and its root the root of that prefix, heads are
 * published from here on (a head for the trail as it is now is published
 * at once when it differs). Otherwise the existing head file is kept as
 * the evidence it is and nothing is published (audit_signer_halted()):
 * err says why; moving the file away and restarting resumes signing.
 * OUT: *f. 0, or the store's error.
 */
int audit_signer_resume(struct audit_signer *s, struct store *st, int64_t now,
			struct merkle_frontier *f, struct buf *err);
bool audit_signer_halted(const struct audit_signer *s);

/* Signs {size, now, root} into *out; false (nothing signed) while halted. */
bool audit_signer_sign(const struct audit_signer *s, int64_t size, int64_t now,
		       const merkle_hash root, struct audit_head *out);

/*
 * Writes h to the head file and the copy, each atomically (a temp file
 * beside it, fsync, rename). 0, or ERR_IO with the path and reason in err
 * (the head file is then the previous one, still true of an older tree).
 */
int audit_signer_write(const struct audit_signer *s, const struct audit_head *h,
		       struct buf *err);

/*
 * Hands h to the signer's publisher thread (started at the first post),
 * which writes it as audit_signer_write() does, shortly after; heads posted
 * meanwhile coalesce to the newest. The engine posts after each commit so
 * its batch waits for one fsync, not two: the head file then trails the
 * store by at most the write in flight and a pause of 20 ms between writes
 * (docs/audit.md). audit_signer_free()
 * writes what was posted before it returns. 0; or the write's error when no
 * thread could be started and it was written here.
 */
int audit_signer_post(struct audit_signer *s, const struct audit_head *h, struct buf *err);

/* Waits until every head posted so far is written, cutting the pause short (readers of the file). */
void audit_signer_flush(struct audit_signer *s);

/* audit_signer_sign() and audit_signer_write(); 0 while halted. */
int audit_signer_publish(struct audit_signer *s, int64_t size, int64_t now,
			 const merkle_hash root, struct buf *err);

#endif
