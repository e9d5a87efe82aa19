/* audit.h - the audit trail's checks: its hash chain and Merkle tree against the signed head, proofs. */
#ifndef ALIHDAYA_APP_AUDIT_H
#define ALIHDAYA_APP_AUDIT_H

#include "app/records.h"
#include "sec/audit_head.h"

/* What to verify against. */
struct audit_verify_in {
	/* The signed head: this file; NULL: <data_dir>/audit-head (none without a data_dir) */
	const char *head_file;
	/*
	 * The public key the heads must be signed with: 32 bytes; NULL: the data
	 * dir's key file; without one either (a backup restored elsewhere), each
	 * head's own key, said in the notes: only a pinned key shuts out forged heads.
	 */
	const unsigned char *public_key;
	/* A server may be writing: events after the head are its batch, not yet signed */
	bool live;
};

/* What a verification found. */
struct audit_check {
	int64_t checked;   /* events looked at */
	int64_t first_bad; /* 0: intact or not located; else the first event changed, removed or moved */
	bool intact;	   /* no problem at all */
	bool have_head;	   /* a signed head was found and read (head) */
	struct audit_head head;
	int64_t unsigned_events; /* events after the latest signed head's tree_size */
	int64_t heads;		 /* signed heads checked: the file's and the stored ones */
	/* One line per problem, the first event's first; "" when intact. */
	char problems[1024];
	/* One line per thing worth saying that is no problem (heads of another key, no key). */
	char notes[512];
};

/*
 * audit.read: the login name of the user an event names as its actor, into
 * out (MODEL_CODE_MAX bytes), for the trail's readers to see who acted
 * without the right to read users (an auditor has none). ERR_NOTFOUND: no
 * such user (0 is the system, never a user).
 */
int app_audit_actor_name(const struct app *app, const struct actor *actor, int64_t user_id,
			 char *out, struct buf *err);

/*
 * audit.read: one walk of the trail: the chain, the seq numbers, and the
 * Merkle root at the size of every signed head (the head file, and the heads
 * stored with each batch) against the head's (sec/audit.h, docs/audit.md).
 * Fewer events than a head: truncation, the first missing seq named; a root
 * that differs: the first bad event is between the last head that matched
 * and it; more events than the latest head and not live: appended after it.
 * A problem of the trail is no error: 0 with out->intact false.
 */
int app_audit_verify_with(const struct app *app, const struct actor *actor,
			  const struct audit_verify_in *in, struct audit_check *out,
			  struct buf *err);
/* The same against the data dir's head and key, with a server possibly writing. */
int app_audit_verify(const struct app *app, const struct actor *actor, struct audit_check *out,
		     struct buf *err);

/* audit.head: the latest signed head (<data_dir>/audit-head). ERR_NOTFOUND when none. */
int app_audit_head(const struct app *app, const struct actor *actor, struct audit_head *out,
		   struct buf *err);

/* An inclusion or consistency proof, as app_audit_inclusion()/app_audit_consistency() answer. */
struct audit_proof {
	int64_t leaf_index; /* inclusion: seq - 1 */
	int64_t first, second; /* inclusion: second is the tree size */
	merkle_hash leaf;      /* inclusion: the event's leaf hash */
	merkle_hash first_root, second_root; /* consistency: both; inclusion: second_root */
	merkle_hash path[MERKLE_PATH_MAX];
	size_t len;
};

/*
 * audit.proof: the audit path of event seq in the tree of the first
 * tree_size events (APP_ABSENT-like 0: the latest signed head's size).
 * ERR_INVALID (named field) when seq or tree_size is out of range.
 */
int app_audit_inclusion(const struct app *app, const struct actor *actor, int64_t seq,
			int64_t tree_size, struct audit_proof *out, struct buf *err);
/* audit.proof: the consistency proof from first to second (0: the signed head's size). */
int app_audit_consistency(const struct app *app, const struct actor *actor, int64_t first,
			  int64_t second, struct audit_proof *out, struct buf *err);

#endif
