/* gold.c - the use cases of gold items: load, list, switch, settings, quality, re-qualification. */
#include "app/gold.h"

#include <stdlib.h>
#include <string.h>

#include "app/records.h"
#include "util/err.h"

static int id_ok(const char *field, int64_t v, struct buf *err)
{
	return v > 0 ? 0 : buf_error(err, ERR_INVALID, "%s must be a positive id", field);
}

static bool starts(const char *t, char c)
{
	t += strspn(t, " \t\r\n");
	return *t == c;
}

/* The engagement must exist for a read (404 otherwise, as any record). */
static int engagement_exists(const struct app *app, int64_t id, struct buf *err)
{
	struct engagement_rec e;
	int rc = store_engagement_get(app->store, id, &e);

	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no engagement %lld", (long long)id);
	return app_got(app, rc, err);
}

int app_gold_add(const struct app *app, const struct actor *actor, int64_t engagement_id,
		 const struct gold_in *items, size_t n, struct cmd *c, struct buf *err)
{
	size_t len = 0, at = 0;
	char *texts;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_GOLD_MANAGE, CMD_GOLD_ADD, c, err)) ||
	    (rc = id_ok("engagement id", engagement_id, err)))
		return rc;
	if (n < 1 || n > GOLD_LOAD_MAX)
		return buf_error(err, ERR_INVALID, "a load takes 1 to %d gold items, not %zu",
				 GOLD_LOAD_MAX, n);
	for (size_t i = 0; i < n; i++) {
		const struct gold_in *g = &items[i];
		const char *ref = g->external_ref ? g->external_ref : "";

		if (!g->payload || !(starts(g->payload, '{') || starts(g->payload, '[')))
			return buf_error(err, ERR_INVALID,
					 "gold item %zu: payload must be a JSON object or array",
					 i + 1);
		if (!g->result || !starts(g->result, '{'))
			return buf_error(
			    err, ERR_INVALID,
			    "gold item %zu: result (the known result) must be a JSON object",
			    i + 1);
		if (strlen(ref) >= sizeof(((struct gold_rec *)0)->external_ref))
			return buf_error(err, ERR_INVALID,
					 "gold item %zu: external_ref is longer than %zu bytes",
					 i + 1, sizeof(((struct gold_rec *)0)->external_ref) - 1);
		len += strlen(g->payload) + strlen(g->result) + strlen(ref) + 3;
	}
	if (!(texts = malloc(len)))
		return buf_error(err, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *t[3] = {items[i].payload, items[i].result,
				    items[i].external_ref ? items[i].external_ref : ""};

		for (int k = 0; k < 3; k++) {
			size_t l = strlen(t[k]) + 1;

			memcpy(texts + at, t[k], l);
			at += l;
		}
	}
	c->u.gold.engagement_id = engagement_id;
	c->u.gold.n = n;
	c->u.gold.len = len;
	c->u.gold.texts = texts;
	return 0;
}

void app_gold_cmd_release(struct cmd *c)
{
	if (c && c->type == CMD_GOLD_ADD) {
		free((char *)c->u.gold.texts);
		c->u.gold.texts = NULL;
	}
}

int app_gold_set_active(const struct app *app, const struct actor *actor, int64_t engagement_id,
			int64_t gold_id, bool active, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_GOLD_MANAGE, CMD_GOLD_ACTIVE, c, err)) ||
	    (rc = id_ok("engagement id", engagement_id, err)) ||
	    (rc = id_ok("gold item id", gold_id, err)))
		return rc;
	c->u.gold.engagement_id = engagement_id;
	c->u.gold.gold_id = gold_id;
	c->u.gold.active = active;
	return 0;
}

int app_gold_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  const struct app_page_in *page, store_gold_cb cb, void *ctx, int64_t *next,
		  struct buf *err)
{
	struct store_page pg;
	int rc;

	*next = 0;
	if ((rc = app_allow(actor, POL_GOLD_READ, NULL, err)) || (rc = app_page(page, &pg, err)) ||
	    (rc = engagement_exists(app, engagement_id, err)))
		return rc;
	pg.engagement_id = engagement_id;
	rc = store_gold_list(app->store, &pg, cb, ctx, next);
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}

static void settings_default(int64_t engagement_id, struct gold_settings *gs)
{
	memset(gs, 0, sizeof(*gs));
	gs->engagement_id = engagement_id;
	gs->threshold = 0.8;
	gs->min_answers = GOLD_DEFAULT_MIN_ANSWERS;
	gs->qualification = GOLD_DEFAULT_QUALIFICATION;
	gs->margin = GOLD_DEFAULT_MARGIN;
	gs->prefer_ms = GOLD_DEFAULT_PREFER_MS;
}

int app_gold_settings_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
			  struct gold_settings *out, struct buf *err)
{
	int rc;

	if ((rc = app_allow(actor, POL_GOLD_READ, NULL, err)) ||
	    (rc = engagement_exists(app, engagement_id, err)))
		return rc;
	rc = store_gold_settings_get(app->store, engagement_id, out);
	if (rc == ERR_NOTFOUND)
		settings_default(engagement_id, out);
	else if (rc)
		return app_got(app, rc, err);
	out->salt = 0; /* the mixing key never leaves the engine */
	return 0;
}

/* A number in [lo, hi] (given) or the stored value. */
static int num(const char *field, double v, double lo, double hi, bool whole, double *dst,
	       struct buf *err)
{
	if (isnan(v))
		return 0;
	if (v < lo || v > hi || (whole && v != floor(v)))
		return buf_error(err, ERR_INVALID, "%s must be %s between %g and %g", field,
				 whole ? "a whole number" : "a number", lo, hi);
	*dst = v;
	return 0;
}

int app_gold_settings_put(const struct app *app, const struct actor *actor, int64_t engagement_id,
			  const struct gold_settings_in *in, struct cmd *c, struct buf *err)
{
	struct gold_settings gs;
	double min_answers, qualification, prefer;
	int rc;

	if ((rc = app_write_start(actor, POL_GOLD_MANAGE, CMD_GOLD_SETTINGS, c, err)) ||
	    (rc = id_ok("engagement id", engagement_id, err)))
		return rc;
	rc = store_gold_settings_get(app->store, engagement_id, &gs);
	if (rc == ERR_NOTFOUND)
		settings_default(engagement_id, &gs);
	else if (rc)
		return app_got(app, rc, err);
	min_answers = gs.min_answers;
	qualification = gs.qualification;
	prefer = (double)gs.prefer_ms / 1000.0;
	if ((rc = num("rate", in->rate, 0, 0.5, false, &gs.rate, err)) ||
	    (rc = num("threshold", in->threshold, 0.01, 0.99, false, &gs.threshold, err)) ||
	    (rc = num("min_answers", in->min_answers, 1, 100000, true, &min_answers, err)) ||
	    (rc = num("qualification", in->qualification, 0, 1000, true, &qualification, err)) ||
	    (rc = num("margin", in->margin, 0, 1, false, &gs.margin, err)) ||
	    (rc = num("prefer_seconds", in->prefer_seconds, 0, 86400, true, &prefer, err)))
		return rc;
	/* A rate under one in a million would make a period no counter reaches. */
	if (gs.rate > 0 && gs.rate < 1e-6)
		return buf_error(err, ERR_INVALID, "rate must be 0 (off) or at least 0.000001");
	gs.min_answers = (int)min_answers;
	gs.qualification = (int)qualification;
	gs.prefer_ms = (int64_t)prefer * 1000;
	gs.engagement_id = engagement_id;
	c->u.gold.engagement_id = engagement_id;
	c->u.gold.settings = gs;
	return 0;
}

int app_gold_requalify(const struct app *app, const struct actor *actor, int64_t worker_id,
		       int64_t engagement_id, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_GOLD_MANAGE, CMD_GOLD_REQUALIFY, c, err)) ||
	    (rc = id_ok("worker id", worker_id, err)) ||
	    (rc = id_ok("engagement_id", engagement_id, err)))
		return rc;
	c->u.gold.engagement_id = engagement_id;
	c->u.gold.worker_id = worker_id;
	return 0;
}

/* ---- a worker's quality, replayed from the observations ---- */

struct replay {
	int64_t worker_id;
	struct gold_quality *rows;
	size_t n, cap;
	int64_t reset_at;
	bool counted; /* a counter row: the worker took the engagement's work */
	struct gold_quality *cur;
};

static int on_counter(void *ctx, const struct gold_worker_rec *w)
{
	struct replay *r = ctx;

	if (w->worker_id == r->worker_id) {
		r->reset_at = w->reset_at;
		r->counted = true;
	}
	return 0;
}

static int on_obs(void *ctx, const struct quality_obs *o)
{
	struct replay *r = ctx;
	struct gold_tally *t = &r->cur->t;

	if (o->kind != QOBS_GOLD || o->worker_id != r->worker_id)
		return 0;
	r->counted = true;
	/* As the engine: before the last re-qualification by hand, the totals only. */
	if (o->at > r->reset_at) {
		gold_tally_answer(t, &r->cur->gs, o->ok, o->at);
	} else {
		t->total_n++;
		t->total_k += o->ok;
	}
	return 0;
}

static int on_settings(void *ctx, const struct gold_settings *gs)
{
	struct replay *r = ctx;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct gold_quality *v = realloc(r->rows, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		r->rows = v;
		r->cap = cap;
	}
	memset(&r->rows[r->n], 0, sizeof(r->rows[r->n]));
	r->rows[r->n].engagement_id = gs->engagement_id;
	r->rows[r->n].gs = *gs;
	r->rows[r->n].gs.salt = 0;
	r->n++;
	return 0;
}

int app_worker_quality(const struct app *app, const struct actor *actor, int64_t worker_id,
		       struct gold_quality **out, size_t *n, struct buf *err)
{
	struct policy_scope sc = {.worker_id = worker_id};
	struct replay r = {.worker_id = worker_id};
	struct worker_rec *w = NULL;
	size_t kept = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = app_allow(actor, POL_WORKER_QUALITY, &sc, err)))
		return rc;
	if (!(w = malloc(sizeof(*w))))
		return buf_error(err, ERR_NOMEM, "out of memory");
	rc = store_worker_get(app->store, worker_id, w);
	free(w);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no worker %lld", (long long)worker_id);
	if ((rc = app_got(app, rc, err)))
		return rc;
	if ((rc = store_gold_settings_each(app->store, on_settings, &r)))
		goto fail;
	for (size_t i = 0; i < r.n; i++) {
		struct gold_quality *q = &r.rows[i];

		r.cur = q;
		r.reset_at = 0;
		r.counted = false;
		if ((rc = store_gold_workers_each(app->store, q->engagement_id, on_counter, &r)) ||
		    (rc = store_quality_obs_walk(app->store, q->engagement_id, on_obs, &r)))
			goto fail;
		if (!r.counted)
			continue;
		q->lower = gold_tally_lower(&q->t);
		q->upper = gold_tally_upper(&q->t);
		q->accuracy = q->t.n ? (double)q->t.k / (double)q->t.n : 0;
		r.rows[kept++] = *q;
	}
	*out = r.rows;
	*n = kept;
	return 0;
fail:
	free(r.rows);
	return buf_error(err, rc, "%s", err_message(rc));
}
