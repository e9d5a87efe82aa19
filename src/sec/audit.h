/* audit.h - the tamper-evident audit chain: each event's hash covers the one before it; verification. */
#ifndef ALIHDAYA_AUDIT_H
#define ALIHDAYA_AUDIT_H

#include <stdint.h>

#include "core/model.h"
#include "sec/merkle.h"

struct store;

/*
 * hash = BLAKE2b-256(prev_hash || seq || at || actor || action || record_type
 *                    || record_id || client_id [|| detail]), integers as 8-byte
 * big-endian, strings with a 2-byte length prefix; a detail (when not NULL
 * or "") with a 4-byte length prefix, so events without one hash as before. Changing any stored field, deleting or
 * reordering events breaks every later hash.
 */
void audit_hash(const struct audit_rec *a, unsigned char out[32]);

/* Lower-case hex of 32 bytes into out[65]. */
void audit_hex(const unsigned char h[32], char out[65]);

/*
 * Walks the trail in seq order (store_audit_each) and recomputes the chain:
 * each event's prev_hash must be the hash before it (all zero for the
 * first) and its hash audit_hash() of it. OUT: *checked, events looked at;
 * *bad_seq, 0 if the chain is intact, else the first event that breaks it
 * (the walk stops there). 0, or the store's error.
 */
int audit_verify(struct store *s, int64_t *checked, int64_t *bad_seq);

/*
 * The event's entry as a leaf of the audit Merkle tree (RFC 6962, sec/merkle.h):
 * leaf = SHA-256(0x00 || entry), entry = seq, at, actor_user_id (8-byte
 * big-endian each), action, record_type (2-byte big-endian length, bytes),
 * record_id, client_id (8 bytes each), detail (4-byte big-endian length,
 * bytes; length 0 when NULL or ""). docs/audit.md spells it out for outside
 * verifiers; the hash chain's prev_hash and hash are not part of it.
 */
void audit_leaf(const struct audit_rec *a, merkle_hash out);

/* What audit_verify_tree() found. */
struct audit_report {
	int64_t checked;	/* events walked, in seq order */
	int64_t last_seq;	/* the last one's seq, 0 when none */
	int64_t first_bad;	/* the first event that breaks the chain, 0: none */
	int64_t first_missing;	/* the first seq absent before last_seq (a gap), 0: none */
	int64_t bad_size;	/* the smallest head size whose root differs, 0: none */
	int64_t good_size;	/* the largest head size below it (or overall) whose root matched */
	int64_t unreached;	/* the largest head size beyond the trail (truncation), 0: none */
	merkle_hash root;	/* the root of all the events */
};

/*
 * One walk of the whole trail (store_audit_each, one snapshot): the chain
 * as audit_verify() checks it, the seq numbers (1, 2, ... without a gap),
 * and the Merkle tree of the entries, whose root at each size of heads[]
 * (sorted by tree_size; signatures already checked) is compared with the
 * head's. A first bad event lies in (good_size, bad_size]. OUT: *out. 0,
 * or the store's error.
 */
int audit_verify_tree(struct store *s, const struct audit_head *heads, size_t n,
		      struct audit_report *out);

/*
 * The right frontier of the tree of every stored event (the engine's
 * starting state) and the root of its first head_size events (0: not
 * wanted; *reached false when there are fewer). 0, or the store's error.
 */
int audit_tree_load(struct store *s, int64_t head_size, struct merkle_frontier *f,
		    merkle_hash head_root, bool *reached);

/*
 * The leaf hashes of the events with seq 1..n, in order, into a malloc'd
 * array (*out, the caller frees). ERR_NOTFOUND when the trail has fewer
 * than n events or a gap before n; ERR_NOMEM. The proofs are computed
 * over them (n * 32 bytes held: fine for millions of events).
 */
int audit_leaves(struct store *s, int64_t n, merkle_hash **out);

#endif
