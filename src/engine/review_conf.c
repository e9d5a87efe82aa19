/* review_conf.c - review sampling's live state and settings: defect codes, sampling, rejections. */
#include "engine/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/err.h"
#include "util/utf8.h"

/* ------------------------------------------------------------------ */
/* Live state: load and release                                         */
/* ------------------------------------------------------------------ */

struct review_conf *engine__rv_conf(struct review_live *rl, int64_t engagement_id, bool make)
{
	struct review_conf *rc = idmap_get(&rl->conf, engagement_id);

	if (rc || !make)
		return rc;
	if (!(rc = calloc(1, sizeof(*rc))))
		return NULL;
	rc->samp.engagement_id = engagement_id;
	if (idmap_put(&rl->conf, engagement_id, rc)) {
		free(rc);
		return NULL;
	}
	return rc;
}

static int load_defect(void *ctx, int64_t engagement_id, const struct defect_rec *d)
{
	struct review_conf *rc = engine__rv_conf(ctx, engagement_id, true);
	struct defect_rec *n;

	if (!rc || !(n = realloc(rc->defects, (rc->n_defects + 1) * sizeof(*n))))
		return ERR_NOMEM;
	rc->defects = n;
	rc->defects[rc->n_defects++] = *d;
	return 0;
}

static int load_sampling(void *ctx, const struct sampling_rec *r)
{
	struct review_conf *rc = engine__rv_conf(ctx, r->engagement_id, true);

	if (!rc)
		return ERR_NOMEM;
	rc->samp = *r;
	return 0;
}

int engine__rv_put_copy(struct idmap *m, int64_t id, const void *rec, size_t size, void **out)
{
	void *v = malloc(size);

	if (!v)
		return ERR_NOMEM;
	memcpy(v, rec, size);
	if (idmap_put(m, id, v)) {
		free(v);
		return ERR_NOMEM;
	}
	*out = v;
	return 0;
}

static int load_lot(void *ctx, const struct lot_rec *l)
{
	struct review_live *rl = ctx;
	struct review_conf *rc = engine__rv_conf(rl, l->engagement_id, true);
	void *v;

	if (!rc)
		return ERR_NOMEM;
	if (l->state == LOT_OPEN)
		rc->open_lot = l->id;
	return engine__rv_put_copy(&rl->lots, l->id, l, sizeof(*l), &v);
}

static int load_task(void *ctx, const struct review_task *t)
{
	struct review_live *rl = ctx;
	void *v;
	int rc = engine__rv_put_copy(&rl->tasks, t->id, t, sizeof(*t), &v);

	if (!rc && idmap_put(&rl->by_item, t->item_id, v))
		rc = ERR_NOMEM; /* the copy is in tasks: released with it */
	return rc;
}

int engine__review_load(struct engine_state *st, struct store *s)
{
	struct review_live *rl = calloc(1, sizeof(*rl));
	int rc;

	if (!rl)
		return ERR_NOMEM;
	st->review = rl;
	rc = store_defects_each(s, 0, load_defect, rl);
	if (!rc)
		rc = store_sampling_each(s, 0, load_sampling, rl);
	if (!rc)
		rc = store_lot_each_open(s, load_lot, rl);
	if (!rc)
		rc = store_review_task_each_open(s, load_task, rl);
	return rc; /* on error the caller releases the state, this too */
}

void engine__review_release(struct engine_state *st)
{
	struct review_live *rl = st->review;
	int64_t id;
	void *v;

	if (!rl)
		return;
	for (size_t i = 0; idmap_next(&rl->conf, &i, &id, &v);)
		free(((struct review_conf *)v)->defects);
	for (struct idmap *m = &rl->conf; m; m = m == &rl->conf	   ? &rl->tasks
						 : m == &rl->tasks ? &rl->lots
								   : NULL) {
		for (size_t i = 0; idmap_next(m, &i, &id, &v);)
			free(v);
		idmap_release(m);
	}
	idmap_release(&rl->by_item);
	free(rl);
	st->review = NULL;
}

/* ------------------------------------------------------------------ */
/* Defect codes and the detail of a rejection                           */
/* ------------------------------------------------------------------ */

int engine__review_defect_check(struct engine *e, struct cmd *c, int64_t engagement_id,
				const char *defect, const char *field)
{
	struct review_conf *rc =
	    e->st.review ? engine__rv_conf(e->st.review, engagement_id, false) : NULL;
	char allowed[200];
	size_t used = 0;

	if (field && *field &&
	    (strlen(field) >= MODEL_CODE_MAX || !utf8_valid(field, strlen(field))))
		return engine__fail(c, ERR_INVALID,
				    "field must be a field name of at most 63 bytes");
	if (!rc || !rc->n_defects) {
		if (defect && *defect)
			return engine__fail(c, ERR_INVALID,
					    "defect: engagement %lld has no defect codes (PUT "
					    "/v1/engagements/%lld/defects)",
					    (long long)engagement_id, (long long)engagement_id);
		return 0;
	}
	for (size_t i = 0; defect && i < rc->n_defects; i++)
		if (!strcmp(rc->defects[i].code, defect))
			return 0;
	allowed[0] = '\0';
	for (size_t i = 0; i < rc->n_defects && used + 1 < sizeof(allowed); i++) {
		int n = snprintf(allowed + used, sizeof(allowed) - used, "%s%s", i ? ", " : "",
				 rc->defects[i].code);

		used = n < 0				     ? used
		       : used + (size_t)n >= sizeof(allowed) ? sizeof(allowed) - 1
							     : used + (size_t)n;
	}
	return engine__fail(c, ERR_INVALID, "defect must be one of engagement %lld's codes: %s",
			    (long long)engagement_id, allowed);
}

/* A JSON string of s (quotes, backslashes and controls escaped). */
static int put_json_str(struct buf *b, const char *s)
{
	int rc = buf_puts(b, "\"");

	for (const unsigned char *p = (const unsigned char *)s; !rc && *p; p++) {
		if (*p == '"' || *p == '\\')
			rc = buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			rc = buf_printf(b, "\\u%04x", *p);
		else
			rc = buf_append(b, p, 1);
	}
	return rc ? rc : buf_puts(b, "\"");
}

int engine__review_detail(const char *reason, const char *defect, const char *field, int64_t lot_id,
			  char **out)
{
	const char *names[3] = {"reason", "defect", "field"};
	const char *vals[3] = {reason, defect, field};
	struct buf b = BUF_INIT;
	const char *sep = "{";
	int rc = 0;

	for (int i = 0; !rc && i < 3; i++) {
		if (!vals[i] || !*vals[i])
			continue;
		if (!utf8_valid(vals[i], strlen(vals[i]))) {
			buf_release(&b);
			return ERR_INVALID;
		}
		rc = buf_printf(&b, "%s\"%s\":", sep, names[i]);
		if (!rc)
			rc = put_json_str(&b, vals[i]);
		sep = ",";
	}
	if (!rc && lot_id)
		rc = buf_printf(&b, "%s\"lot_id\":%lld", sep, (long long)lot_id);
	if (!rc)
		rc = buf_puts(&b, *sep == '{' ? "{}" : "}");
	if (rc || !(*out = buf_detach(&b, NULL))) {
		buf_release(&b);
		return ERR_NOMEM;
	}
	return 0;
}

/* One review observation of the worker whose work it judged (qmath's contract). */
int engine__rv_observe(struct engine *e, const struct review_task *t, int64_t worker_id,
		       int64_t engagement_id, int64_t item_id, bool ok, const char *defect,
		       const char *field, int64_t now)
{
	struct quality_obs o;

	(void)t;
	memset(&o, 0, sizeof(o));
	o.at = now;
	o.engagement_id = engagement_id;
	o.worker_id = worker_id;
	o.item_id = item_id;
	o.kind = QOBS_REVIEW;
	o.ok = ok;
	snprintf(o.code, sizeof(o.code), "%s", defect ? defect : "");
	snprintf(o.field, sizeof(o.field), "%s", field ? field : "");
	return worker_id ? store_quality_obs_add(e->store, &o) : 0;
}

/* The task leaves the flow: written in its new state, dropped from memory (after the writes). */
int engine__rv_task_write(struct engine *e, struct review_task *t)
{
	return store_review_task_put(e->store, t);
}

void engine__rv_task_forget(struct engine *e, struct review_task *t)
{
	struct review_live *rl = e->st.review;

	if (idmap_get(&rl->by_item, t->item_id) == t)
		idmap_del(&rl->by_item, t->item_id);
	idmap_del(&rl->tasks, t->id);
	free(t);
}

/*
 * A rework of an open item: the event's detail with the defect, the
 * observation, the task closed. c NULL: the engine's own (a lot's verdict).
 */
int engine__rv_rework(struct engine *e, struct cmd *c, struct live_item *it, const char *reason,
		      const char *defect, const char *field, int64_t lot_id, int64_t now)
{
	struct item_step s = {.act = ACT_REWORK,
			      .reason = reason,
			      .refused = "only submitted work can be returned for rework"};
	enum item_state to;
	char *detail = NULL;
	int rc = engine__review_detail(reason, defect, field, lot_id, &detail);

	if (rc == ERR_INVALID)
		return c ? engine__fail(c, rc, "the reason is not UTF-8") : rc;
	if (rc)
		return rc;
	s.detail = detail;
	rc = engine__step(e, c, it, &s, now, &to);
	if (!rc)
		engine__step_apply(e, it, &s, to);
	free(detail);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Settings                                                             */
/* ------------------------------------------------------------------ */

static int engagement_of(struct engine *e, struct cmd *c, int64_t id)
{
	if (policy_check(c->actor, POL_REVIEW_SETUP, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	if (!idmap_get(&e->st.engagements, id))
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld", (long long)id);
	return 0;
}

int engine__defects_set(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t eid = c->u.defects.engagement_id;
	struct live_engagement *le = idmap_get(&e->st.engagements, eid);
	size_t n = c->u.defects.n;
	struct defect_rec *copy = NULL;
	struct review_conf *rc;
	int r;

	if ((r = engagement_of(e, c, eid)))
		return r;
	if (n > REVIEW_DEFECTS_MAX)
		return engine__fail(c, ERR_INVALID, "at most %d defect codes", REVIEW_DEFECTS_MAX);
	if (n && !(copy = malloc(n * sizeof(*copy))))
		return ERR_NOMEM;
	if (n)
		memcpy(copy, c->u.defects.codes, n * sizeof(*copy));
	if (!(rc = engine__rv_conf(e->st.review, eid, true))) {
		free(copy);
		return ERR_NOMEM;
	}
	r = store_defects_set(e->store, eid, copy, n);
	if (!r)
		r = engine__record_done(e, c, CMD_OUT_OK, "engagement.defects", "engagement", eid,
					le->rec.client_id, now);
	if (r) {
		free(copy);
		return r;
	}
	free(rc->defects);
	rc->defects = copy;
	rc->n_defects = n;
	return 0;
}

int engine__sampling_set(struct engine *e, struct cmd *c, int64_t now)
{
	struct sampling_rec r = c->u.sampling;
	struct live_engagement *le = idmap_get(&e->st.engagements, r.engagement_id);
	struct review_conf *rc;
	int rv;

	if ((rv = engagement_of(e, c, r.engagement_id)))
		return rv;
	if (!(rc = engine__rv_conf(e->st.review, r.engagement_id, true)))
		return ERR_NOMEM;
	/* The key is made once: a change of share keeps the choices already made the same. */
	static const unsigned char zero[SAMPLING_KEY_BYTES];
	if (memcmp(rc->samp.key, zero, SAMPLING_KEY_BYTES))
		memcpy(r.key, rc->samp.key, SAMPLING_KEY_BYTES);
	else if (getrandom(r.key, SAMPLING_KEY_BYTES, 0) != SAMPLING_KEY_BYTES)
		return engine__fail(c, ERR_IO, "no random bytes for the sampling key");
	r.updated_at = now;
	rv = store_sampling_set(e->store, &r);
	if (!rv)
		rv = engine__record_done(e, c, CMD_OUT_OK, "engagement.sampling", "engagement",
					 r.engagement_id, le->rec.client_id, now);
	if (rv)
		return rv;
	/* A lot being filled closes at the size it was opened with; the next takes the new one. */
	rc->samp = r;
	return 0;
}
