/* fields.c - an engagement's declared fields in live state: declared, reloaded, and the check of payloads and results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "engine/engine_int.h"
#include "util/err.h"

/* The problems collected for c->result: "field\treason\n" lines, at most this many bytes. */
#define PROBLEMS_MAX ((size_t)64 << 10)

struct collect {
	struct cmd *c;
	const char *what;
	struct buf lines;
	size_t n, n_more;
};

static int on_problem(void *ctx, const char *field, const char *reason)
{
	struct collect *k = ctx;

	if (!k->n++)
		snprintf(k->c->result.message, sizeof(k->c->result.message), "%s: %s%s%s", k->what,
			 field, *field ? ": " : "", reason);
	/* Past the cap the first problems stand for all; a last line counts the rest. */
	if (k->lines.len + strlen(field) + strlen(reason) + 2 > PROBLEMS_MAX - 64) {
		k->n_more++;
		return 0;
	}
	if (buf_printf(&k->lines, "%s\t%s\n", field, reason) == ERR_NOMEM)
		return ERR_NOMEM;
	return 0;
}

int engine__fields_check(struct cmd *c, const struct fieldset *fs, const char *what,
			 const char *doc)
{
	struct collect k = {.c = c, .what = what};
	int rc;

	if (!fs)
		return 0;
	buf_init(&k.lines, PROBLEMS_MAX);
	rc = fieldset_check_each(fs, doc ? doc : "{}", on_problem, &k);
	if (rc == ERR_INVALID && k.n_more)
		buf_printf(&k.lines, "\tand %zu more problems\n", k.n_more);
	if (rc == ERR_INVALID) {
		free(c->result.problems);
		c->result.problems = buf_detach(&k.lines, NULL);
	}
	buf_release(&k.lines);
	return rc;
}

/* Compiles a stored declaration (NULL: none). A stored one that no longer parses is refused. */
static int compile(const char *text, struct fieldset **out, struct buf *err)
{
	*out = NULL;
	return text ? fieldset_parse(text, out, err) : 0;
}

/*
 * engagement.fields: staff (admin, manager). The declaration is replaced
 * whole: a side given NULL is no longer declared (any JSON again). The
 * application layer checked both declarations (with every problem named);
 * this parse compiles them for live state.
 */
int engine__engagement_fields(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t id = c->u.fields.engagement_id;
	struct live_engagement *le = idmap_get(&e->st.engagements, id);
	struct fieldset *pfs = NULL, *rfs = NULL;
	struct buf err = BUF_INIT;
	struct policy_scope sc;
	char detail[96];
	int rc;

	if (policy_check(c->actor, POL_ENGAGEMENT_FIELDS_SET, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld", (long long)id);
	sc = (struct policy_scope){.client_id = le->rec.client_id, .kpo = le->rec.kind == KIND_KPO};
	if ((rc = policy_require(c->actor, POL_ENGAGEMENT_FIELDS_SET, &sc)))
		return rc == ERR_NOTFOUND ? engine__fail(c, rc, "no engagement %lld", (long long)id)
					  : rc;
	if ((rc = compile(c->u.fields.payload, &pfs, &err))) {
		rc = engine__fail(c, rc, "payload: %s", buf_str(&err));
		goto out;
	}
	buf_reset(&err);
	if ((rc = compile(c->u.fields.result, &rfs, &err))) {
		rc = engine__fail(c, rc, "result: %s", buf_str(&err));
		goto out;
	}
	rc = store_engagement_fields_set(e->store, id, c->u.fields.payload, c->u.fields.result, now);
	if (rc)
		goto out;
	/* The audit event says how many fields each side declares (null: none). */
	{
		char p[24] = "null", r[24] = "null";

		if (pfs)
			snprintf(p, sizeof(p), "%zu", fieldset_count(pfs));
		if (rfs)
			snprintf(r, sizeof(r), "%zu", fieldset_count(rfs));
		snprintf(detail, sizeof(detail), "{\"payload_fields\":%s,\"result_fields\":%s}", p,
			 r);
	}
	rc = engine__audit_append_detail(e, c, "engagement.fields", "engagement", id,
					 le->rec.client_id, detail, now);
	if (!rc)
		rc = engine__done(e, c, CMD_OUT_OK, id, now);
	if (rc)
		goto out;
	/* Step 4: memory, which cannot fail. */
	fieldset_free(le->payload_fs);
	fieldset_free(le->result_fs);
	le->payload_fs = pfs;
	le->result_fs = rfs;
	pfs = rfs = NULL;
out:
	fieldset_free(pfs);
	fieldset_free(rfs);
	buf_release(&err);
	return rc;
}

struct load_ctx {
	struct engine_state *st;
	struct buf err;
};

static int load_one(void *ctx, int64_t engagement_id, const char *payload, const char *result)
{
	struct load_ctx *l = ctx;
	struct live_engagement *le = idmap_get(&l->st->engagements, engagement_id);
	struct fieldset *pfs = NULL, *rfs = NULL;
	int rc;

	if (!le)
		return 0;
	buf_reset(&l->err);
	if ((rc = compile(payload, &pfs, &l->err)) || (rc = compile(result, &rfs, &l->err))) {
		fieldset_free(pfs);
		/* Only ours wrote it, checked: a declaration that does not parse is damage. */
		return rc == ERR_NOMEM ? rc : ERR_IO;
	}
	fieldset_free(le->payload_fs);
	fieldset_free(le->result_fs);
	le->payload_fs = pfs;
	le->result_fs = rfs;
	return 0;
}

int engine__fields_load(struct engine_state *st, struct store *s)
{
	struct load_ctx l = {.st = st, .err = BUF_INIT};
	int rc = store_engagement_fields_each(s, load_one, &l);

	buf_release(&l.err);
	return rc;
}
