/* audit.c - audit trail use cases: the check of its chain and tree, the signed head, proofs. */
#include "app/audit.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "sec/audit.h"
#include "util/err.h"

/* One more line of lines[size] (cut short rather than overflow). */
static void line_add(char *lines, size_t size, const char *fmt, va_list ap)
{
	size_t n = strlen(lines);

	if (n + 2 >= size)
		return;
	if (n)
		lines[n++] = '\n';
	vsnprintf(lines + n, size - n, fmt, ap);
}

__attribute__((format(printf, 2, 3))) static void problem(struct audit_check *out,
							   const char *fmt, ...)
{
	va_list ap;

	out->intact = false;
	va_start(ap, fmt);
	line_add(out->problems, sizeof(out->problems), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void note(struct audit_check *out,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_add(out->notes, sizeof(out->notes), fmt, ap);
	va_end(ap);
}

static void bad_at(struct audit_check *out, int64_t seq)
{
	if (seq > 0 && (!out->first_bad || seq < out->first_bad))
		out->first_bad = seq;
}

/* The public key heads must carry: the caller's, or the data dir's key file's. */
static int key_of(const struct app *app, const struct audit_verify_in *in, unsigned char pk[32],
		  struct buf *err)
{
	struct buf why = BUF_INIT;
	int rc = 0;

	if (in->public_key)
		memcpy(pk, in->public_key, 32);
	else if (!app->data_dir)
		rc = ERR_NOTFOUND;
	else if ((rc = audit_key_public(app->data_dir, pk, &why)) && rc != ERR_NOTFOUND)
		buf_error(err, rc, "%s", buf_str(&why));
	buf_release(&why);
	return rc;
}


/* The head file: 0 with out->have_head (and its problems said), or a real error. */
static int head_load(const struct app *app, const struct audit_verify_in *in,
		     const unsigned char pk[32], bool have_pk, struct audit_check *out,
		     struct buf *err)
{
	char path[PATH_MAX];
	struct buf why = BUF_INIT;
	const char *file = in->head_file;
	int rc;

	if (!file && !app->data_dir)
		return 0;
	if (!file) {
		if (audit_head_path(app->data_dir, path, sizeof(path)))
			return buf_error(err, ERR_TOOBIG, "data directory path too long");
		file = path;
	}
	if (!in->head_file)
		engine_audit_flush(app->engine); /* the file of every commit so far */
	rc = audit_head_read(file, &out->head, &why);
	if (rc == ERR_NOTFOUND && !have_pk && !in->head_file) {
		/* Never signed here (no key either): a backup restored elsewhere, say. */
		note(out, "no signed head file and no key in this data directory: the chain and "
			  "the stored heads were checked");
		rc = 0;
	} else if (rc == ERR_NOTFOUND || rc == ERR_INVALID) {
		if (rc == ERR_NOTFOUND)
			problem(out, "no signed tree head %s: removed newest events cannot be "
				     "detected", file);
		else
			problem(out, "%s", buf_str(&why));
		rc = 0;
	} else if (rc) {
		rc = buf_error(err, rc, "%s", buf_str(&why));
	} else if (!have_pk && !audit_head_signed(&out->head)) {
		problem(out, "the signature of the signed head %s is not valid", file);
	} else if (!have_pk) {
		note(out, "no key to pin: %s checked against its own public key", file);
		out->have_head = true;
	} else if (memcmp(out->head.public_key, pk, 32)) {
		problem(out, "the signed head %s is signed with another key", file);
	} else if (!audit_head_signed(&out->head)) {
		problem(out, "the signature of the signed head %s is not valid", file);
	} else {
		out->have_head = true;
	}
	buf_release(&why);
	return rc;
}

/* The heads to check, growing: the file's, then the stored ones that are well signed. */
struct heads {
	struct audit_head *v;
	size_t n, cap;
	const unsigned char *pk; /* NULL: each head's own */
	int64_t bad_sig;	 /* the first stored head (its size) whose signature fails */
	int64_t other_key;	 /* stored heads signed with another key (not used) */
};

static int heads_add(struct heads *hs, const struct audit_head *h)
{
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? 2 * hs->cap : 64;
		struct audit_head *v = realloc(hs->v, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		hs->v = v;
		hs->cap = cap;
	}
	hs->v[hs->n++] = *h;
	return 0;
}

static int stored_head(void *ctx, const struct audit_head *h)
{
	struct heads *hs = ctx;

	/*
	 * Heads of another key (an installation restored elsewhere signs with a
	 * key of its own) prove nothing for this key, and forge nothing either.
	 */
	if (hs->pk && memcmp(h->public_key, hs->pk, 32))
		hs->other_key++;
	else if (audit_head_signed(h))
		return heads_add(hs, h);
	else if (!hs->bad_sig)
		hs->bad_sig = h->tree_size;
	return 0;
}

static int by_size(const void *a, const void *b)
{
	int64_t x = ((const struct audit_head *)a)->tree_size;
	int64_t y = ((const struct audit_head *)b)->tree_size;

	return (x > y) - (x < y);
}

/* What the walk found against the heads, said in out. latest: the largest head's size. */
static void judge(const struct audit_verify_in *in, const struct audit_report *r, int64_t latest,
		  struct audit_check *out)
{
	out->checked = r->checked;
	if (r->first_missing) {
		problem(out, "event %lld is missing (events are numbered 1, 2, ...)",
			(long long)r->first_missing);
		bad_at(out, r->first_missing);
	}
	if (r->first_bad) {
		problem(out, "chain broken at event %lld (%lld checked)", (long long)r->first_bad,
			(long long)r->checked);
		bad_at(out, r->first_bad);
	}
	if (r->unreached) {
		problem(out,
			"truncated: a signed head covers %lld events, the trail holds %lld: event "
			"%lld and after are missing",
			(long long)r->unreached, (long long)r->checked, (long long)r->checked + 1);
		bad_at(out, r->checked + 1);
	}
	/*
	 * The events after the last head that matched are proven by none (their
	 * batch's head went with the cut, or they were put there since).
	 */
	if (r->unreached && r->good_size < r->checked && !r->bad_size)
		problem(out, "events %lld..%lld are under no matching signed head",
			(long long)r->good_size + 1, (long long)r->checked);
	if (r->checked > latest && (out->have_head || latest)) {
		out->unsigned_events = r->checked - latest;
		if (!in->live) {
			problem(out, "events %lld..%lld were appended after the latest signed head",
				(long long)latest + 1, (long long)r->checked);
			bad_at(out, latest + 1);
		}
	}
	if (r->bad_size && r->bad_size == r->good_size + 1) {
		problem(out, "event %lld is not the one signed (the tree of %lld events differs "
			     "from its signed head)",
			(long long)r->bad_size, (long long)r->bad_size);
		bad_at(out, r->bad_size);
	} else if (r->bad_size) {
		problem(out,
			"the first %lld events do not hash to their signed root: the first bad "
			"event is among %lld..%lld (changed, removed, reordered or replaced)",
			(long long)r->bad_size, (long long)r->good_size + 1, (long long)r->bad_size);
		/*
		 * The heads only bound it; an event the chain or the numbering names
		 * inside the bounds is the exact one.
		 */
		if (!out->first_bad || out->first_bad > r->bad_size)
			out->first_bad = r->good_size + 1;
	}
}

int app_audit_verify_with(const struct app *app, const struct actor *actor,
			  const struct audit_verify_in *in, struct audit_check *out,
			  struct buf *err)
{
	struct heads hs = { 0 };
	struct audit_report r;
	unsigned char pk[32];
	bool have_pk;
	int rc;

	*out = (struct audit_check){ .intact = true };
	if ((rc = app_allow(actor, POL_AUDIT_READ, NULL, err)))
		return rc;
	rc = key_of(app, in, pk, err);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	have_pk = !rc;
	hs.pk = have_pk ? pk : NULL;
	/*
	 * The heads before the trail's snapshot: a head is written with (stored)
	 * or after (the file) its events' commit, so none is ahead of the trail.
	 */
	if ((rc = head_load(app, in, pk, have_pk, out, err)))
		return rc;
	if (out->have_head && (rc = heads_add(&hs, &out->head)))
		goto out;
	if ((rc = app_store_end(app, NULL, store_audit_head_each(app->store, stored_head, &hs), err)))
		goto out;
	if (hs.bad_sig)
		problem(out, "the stored head of %lld events is not signed by the audit key",
			(long long)hs.bad_sig);
	if (hs.other_key)
		note(out, "%lld stored heads are signed with another key (not checked; --key checks "
			  "them)",
		     (long long)hs.other_key);
	if (!have_pk && hs.n)
		note(out, "no key to pin: the stored heads were checked against their own key");
	if (hs.n)
		qsort(hs.v, hs.n, sizeof(*hs.v), by_size);
	out->heads = (int64_t)hs.n;
	if ((rc = app_store_end(app, NULL, audit_verify_tree(app->store, hs.v, hs.n, &r), err)))
		goto out;
	judge(in, &r, hs.n ? hs.v[hs.n - 1].tree_size : 0, out);
out:
	free(hs.v);
	return rc;
}

int app_audit_actor_name(const struct app *app, const struct actor *actor, int64_t user_id,
			 char *out, struct buf *err)
{
	struct user_rec u;
	int rc;

	out[0] = '\0';
	if ((rc = app_allow(actor, POL_AUDIT_READ, NULL, err)))
		return rc;
	if (user_id <= 0)
		return ERR_NOTFOUND;
	if ((rc = store_user_get(app->store, user_id, &u)))
		return rc == ERR_NOTFOUND ? rc : app_got(app, rc, err);
	memcpy(out, u.name, MODEL_CODE_MAX);
	out[MODEL_CODE_MAX - 1] = '\0';
	return 0;
}

int app_audit_verify(const struct app *app, const struct actor *actor, struct audit_check *out,
		     struct buf *err)
{
	struct audit_verify_in in = { .live = true };

	return app_audit_verify_with(app, actor, &in, out, err);
}

int app_audit_head(const struct app *app, const struct actor *actor, struct audit_head *out,
		   struct buf *err)
{
	char path[PATH_MAX];
	struct buf why = BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_AUDIT_HEAD, NULL, err)))
		return rc;
	if (!app->data_dir)
		return ERR_NOTFOUND;
	if (audit_head_path(app->data_dir, path, sizeof(path)))
		return buf_error(err, ERR_TOOBIG, "data directory path too long");
	engine_audit_flush(app->engine); /* the file of every commit so far */
	rc = audit_head_read(path, out, &why);
	if (rc && rc != ERR_NOTFOUND)
		buf_error(err, rc, "%s", buf_str(&why));
	buf_release(&why);
	return rc;
}

/* A tree size as asked: 0 is the signed head's; at most the signed head's. */
static int tree_size(const struct app *app, const struct actor *actor, const char *field,
		     int64_t *size, int64_t *signed_size, struct buf *err)
{
	struct audit_head h;
	int rc = app_audit_head(app, actor, &h, err);

	if (rc == ERR_NOTFOUND)
		return buf_error(err, ERR_NOTFOUND, "no signed tree head yet");
	if (rc)
		return rc;
	*signed_size = h.tree_size;
	if (*size == 0)
		*size = h.tree_size;
	if (*size < 1 || *size > h.tree_size)
		return buf_error(err, ERR_INVALID, "%s: a tree size from 1 to %lld (the signed head)",
				 field, (long long)h.tree_size);
	return 0;
}

int app_audit_inclusion(const struct app *app, const struct actor *actor, int64_t seq,
			int64_t size, struct audit_proof *out, struct buf *err)
{
	merkle_hash *leaves = NULL;
	int64_t signed_size;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_AUDIT_PROOF, NULL, err)) ||
	    (rc = tree_size(app, actor, "tree_size", &size, &signed_size, err)))
		return rc;
	if (seq < 1 || seq > size)
		return buf_error(err, ERR_INVALID, "seq: an event from 1 to tree_size (%lld)",
				 (long long)size);
	rc = audit_leaves(app->store, size, &leaves);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, ERR_CONFLICT,
				 "the trail no longer holds events 1..%lld: run audit verify",
				 (long long)size);
	if ((rc = app_store_end(app, NULL, rc, err)))
		return rc;
	out->leaf_index = seq - 1;
	out->second = size;
	memcpy(out->leaf, leaves[seq - 1], MERKLE_HASH);
	merkle_root(leaves, (uint64_t)size, out->second_root);
	rc = merkle_inclusion_proof(leaves, (uint64_t)size, (uint64_t)(seq - 1), out->path,
				    &out->len);
	free(leaves);
	return rc;
}

int app_audit_consistency(const struct app *app, const struct actor *actor, int64_t first,
			  int64_t second, struct audit_proof *out, struct buf *err)
{
	merkle_hash *leaves = NULL;
	int64_t signed_size;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_AUDIT_PROOF, NULL, err)) ||
	    (rc = tree_size(app, actor, "second", &second, &signed_size, err)))
		return rc;
	if (first < 1 || first > second)
		return buf_error(err, ERR_INVALID, "first: a tree size from 1 to second (%lld)",
				 (long long)second);
	rc = audit_leaves(app->store, second, &leaves);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, ERR_CONFLICT,
				 "the trail no longer holds events 1..%lld: run audit verify",
				 (long long)second);
	if ((rc = app_store_end(app, NULL, rc, err)))
		return rc;
	out->first = first;
	out->second = second;
	merkle_root(leaves, (uint64_t)first, out->first_root);
	merkle_root(leaves, (uint64_t)second, out->second_root);
	rc = merkle_consistency_proof(leaves, (uint64_t)second, (uint64_t)first, out->path,
				      &out->len);
	free(leaves);
	return rc;
}
