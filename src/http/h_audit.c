/* h_audit.c - the audit trail: list it, verify it, its signed tree head and proofs (app/audit.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app/audit.h"
#include "http/http_int.h"
#include "wire/wire.h"
#include "util/err.h"

/* wire_audit_names' lookup: the audit layer's name of a user, as this request's actor. */
static int actor_name(void *ctx, int64_t user_id, char *out)
{
	struct req *r = ctx;
	struct buf err = BUF_INIT;
	int rc = app_audit_actor_name(&r->srv->app, &r->actor, user_id, out, &err);

	buf_release(&err);
	return rc;
}

/*
 * GET /v1/audit?after=&limit=&client_id=&actor=&action=&from=&to= (the audit
 * screen's filters, any together; each served by an index: sqlite_audit.c),
 * each event with its actor's name.
 */
/* The page's events with their actors' names (wire_audit_names). */
static int with_names(struct req *r, json_t *data)
{
	return wire_audit_names(data, actor_name, r);
}

int h_audit_list(struct req *r)
{
	struct app_page_in in;

	http__page_in(r, true, &in);
	in.actor = http__query(r, "actor");
	in.action = http__query(r, "action");
	in.from = http__query(r, "from");
	in.to = http__query(r, "to");
	return http__list_in(r, APP_AUDIT, &in, with_names);
}

static json_t *hex(const unsigned char *b, size_t n)
{
	char s[2 * 64 + 1];

	sodium_bin2hex(s, sizeof(s), b, n);
	return json_string(s);
}

static json_t *hex_list(const merkle_hash *path, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, hex(path[i], MERKLE_HASH));
	return a;
}

/* Lines of text as a JSON array of strings. */
static json_t *lines(const char *p)
{
	json_t *a = json_array();

	while (a && *p) {
		size_t n = strcspn(p, "\n");

		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == '\n');
	}
	return a;
}

static json_t *head_json(const struct audit_head *h)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:o}", "tree_size", (json_int_t)h->tree_size,
			 "timestamp", (json_int_t)h->timestamp, "root_hash",
			 hex(h->root, MERKLE_HASH), "signature", hex(h->signature, 64),
			 "public_key", hex(h->public_key, 32));
}

/*
 * GET /v1/audit/verify -> {"checked": N, "intact": bool, "first_bad_seq": N | null,
 *   "signed_size": N | null, "unsigned_events": N, "problems": [text...], "notes": [text...]}
 */
int h_audit_verify(struct req *r)
{
	struct audit_check ck;
	struct buf err = BUF_INIT;
	json_t *j;
	int rc = app_audit_verify(&r->srv->app, &r->actor, &ck, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	j = json_pack("{s:I, s:b, s:o, s:o, s:I, s:o, s:o}", "checked", (json_int_t)ck.checked,
		      "intact", ck.intact, "first_bad_seq",
		      ck.first_bad ? json_integer(ck.first_bad) : json_null(), "signed_size",
		      ck.have_head ? json_integer(ck.head.tree_size) : json_null(),
		      "unsigned_events", (json_int_t)ck.unsigned_events, "problems",
		      lines(ck.problems), "notes", lines(ck.notes));
	return http__read(r, 0, j);
}

/* GET /v1/audit/head -> {"tree_size","timestamp","root_hash","signature","public_key"} */
int h_audit_head(struct req *r)
{
	struct audit_head h;
	struct buf err = BUF_INIT;
	int rc = app_audit_head(&r->srv->app, &r->actor, &h, &err);

	if (rc == ERR_NOTFOUND && !err.len)
		buf_puts(&err, "no signed tree head yet");
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, head_json(&h));
}

/*
 * GET /v1/audit/proof/inclusion?seq=N[&tree_size=M] -> {"seq","leaf_index","tree_size",
 *   "leaf_hash","root_hash","audit_path":[hex...]}; tree_size defaults to the signed head's
 */
int h_audit_inclusion(struct req *r)
{
	struct audit_proof *p;
	struct buf err = BUF_INIT;
	int64_t seq, size;
	json_t *j;
	int rc;

	if ((rc = http__query_id(r, "seq", &seq)) || (rc = http__query_id(r, "tree_size", &size)))
		return rc;
	if (!seq)
		return http__fail(r, ERR_INVALID, "seq: required");
	if (!(p = malloc(sizeof(*p))))
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_audit_inclusion(&r->srv->app, &r->actor, seq, size, p, &err);
	if (rc) {
		free(p);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	j = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "seq", (json_int_t)seq, "leaf_index",
		      (json_int_t)p->leaf_index, "tree_size", (json_int_t)p->second, "leaf_hash",
		      hex(p->leaf, MERKLE_HASH), "root_hash", hex(p->second_root, MERKLE_HASH),
		      "audit_path", hex_list(p->path, p->len));
	free(p);
	return http__read(r, 0, j);
}

/*
 * GET /v1/audit/proof/consistency?first=M[&second=N] -> {"first","second","first_root",
 *   "second_root","consistency_path":[hex...]}; second defaults to the signed head's size
 */
int h_audit_consistency(struct req *r)
{
	struct audit_proof *p;
	struct buf err = BUF_INIT;
	int64_t first, second;
	json_t *j;
	int rc;

	if ((rc = http__query_id(r, "first", &first)) ||
	    (rc = http__query_id(r, "second", &second)))
		return rc;
	if (!first)
		return http__fail(r, ERR_INVALID, "first: required");
	if (!(p = malloc(sizeof(*p))))
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_audit_consistency(&r->srv->app, &r->actor, first, second, p, &err);
	if (rc) {
		free(p);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	j = json_pack("{s:I, s:I, s:o, s:o, s:o}", "first", (json_int_t)p->first, "second",
		      (json_int_t)p->second, "first_root", hex(p->first_root, MERKLE_HASH),
		      "second_root", hex(p->second_root, MERKLE_HASH), "consistency_path",
		      hex_list(p->path, p->len));
	free(p);
	return http__read(r, 0, j);
}
