/* gold_cmd.c - the gold commands in the engine (load, switch, settings, re-qualify), recovery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/fields.h"
#include "engine/gold_int.h"
#include "util/err.h"

static int manage_allowed(struct cmd *c)
{
	return policy_check(c->actor, POL_GOLD_MANAGE, NULL) == POLICY_FORBID ? ERR_FORBIDDEN : 0;
}

static struct live_engagement *engagement_of(struct engine *e, struct cmd *c, int *rc)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.gold.engagement_id);

	*rc = le ? 0
		 : engine__fail(c, ERR_NOTFOUND, "no engagement %lld",
				(long long)c->u.gold.engagement_id);
	return le;
}

/* ================================================================
 * Commands
 * ================================================================ */

/* The i-th item's three texts in c->u.gold.texts. 0 or ERR_INVALID (cut short). */
static int texts_at(const struct cmd *c, const char **pos, const char *out[3])
{
	const char *end = c->u.gold.texts + c->u.gold.len;

	for (int k = 0; k < 3; k++) {
		const char *z = *pos < end ? memchr(*pos, '\0', (size_t)(end - *pos)) : NULL;

		if (!z)
			return ERR_INVALID;
		out[k] = *pos;
		*pos = z + 1;
	}
	return 0;
}

/* A payload or result against the engagement's declared fields (none declared: any JSON). */
static int fields_ok(struct cmd *c, const struct fieldset *fs, size_t i, const char *what,
		     const char *doc)
{
	struct buf err = BUF_INIT;
	int rc;

	if (!fs)
		return 0;
	rc = fieldset_check(fs, doc, &err);
	if (rc)
		engine__fail(c, rc, "gold item %zu: %s: %s", i + 1, what,
			     err.len ? buf_str(&err) : err_message(rc));
	buf_release(&err);
	return rc;
}

/* gold.create: staff; n gold items into an engagement, ids consecutive from result.id. */
int engine__gold_add(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_gold *g;
	const char *pos, *t[3];
	int64_t first = 0;
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	if (!c->u.gold.n || c->u.gold.n > GOLD_LOAD_MAX || !c->u.gold.texts)
		return engine__fail(c, ERR_INVALID, "a load takes 1 to %d gold items",
				    GOLD_LOAD_MAX);
	pos = c->u.gold.texts;
	for (size_t i = 0; i < c->u.gold.n; i++) {
		if (texts_at(c, &pos, t))
			return engine__fail(c, ERR_INVALID, "gold item %zu is cut short", i + 1);
		if ((rc = fields_ok(c, le->payload_fs, i, "payload", t[0])) ||
		    (rc = fields_ok(c, le->result_fs, i, "result", t[1])))
			return rc;
	}
	if (!(g = gold_of(le)) || ids_reserve(g, c->u.gold.n))
		return ERR_NOMEM;
	pos = c->u.gold.texts;
	for (size_t i = 0; i < c->u.gold.n; i++) {
		struct gold_rec r = {.engagement_id = le->rec.id,
				     .client_id = le->rec.client_id,
				     .active = true,
				     .created_at = now};

		texts_at(c, &pos, t);
		r.payload = (char *)t[0];
		r.result = (char *)t[1];
		snprintf(r.external_ref, sizeof(r.external_ref), "%s", t[2]);
		if ((rc = store_gold_insert(e->store, &r)) ||
		    (rc = engine__audit_append(e, c, "gold.create", "gold_item", r.id,
					       le->rec.client_id, now)))
			return rc;
		if (!first)
			first = r.id;
	}
	if ((rc = engine__done(e, c, CMD_OUT_CREATED, first, now)))
		return rc;
	for (size_t i = 0; i < c->u.gold.n; i++)
		ids_insert(g, first + (int64_t)i);
	return 0;
}

/* gold.deactivate / gold.activate: staff; an item of the engagement leaves or rejoins the mix. */
int engine__gold_active(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct live_gold *g;
	struct gold_rec r;
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	rc = store_gold_get(e->store, c->u.gold.gold_id, false, &r);
	if (rc == ERR_NOTFOUND || (!rc && r.engagement_id != le->rec.id))
		return engine__fail(c, ERR_NOTFOUND, "no gold item %lld in engagement %lld",
				    (long long)c->u.gold.gold_id, (long long)le->rec.id);
	if (rc)
		return rc;
	if (!(g = gold_of(le)) || ids_reserve(g, 1))
		return ERR_NOMEM;
	if ((rc = store_gold_set_active(e->store, r.id, c->u.gold.active)) ||
	    (rc = engine__record_done(e, c, CMD_OUT_OK,
				      c->u.gold.active ? "gold.activate" : "gold.deactivate",
				      "gold_item", r.id, le->rec.client_id, now)))
		return rc;
	if (c->u.gold.active)
		ids_insert(g, r.id);
	else
		ids_remove(g, r.id);
	return 0;
}

/* gold.settings: staff; the salt of the mixing rule is made once and kept. */
int engine__gold_settings(struct engine *e, struct cmd *c, int64_t now)
{
	struct gold_settings gs = c->u.gold.settings;
	struct live_engagement *le;
	struct live_gold *g;
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	if (!(g = gold_of(le)))
		return ERR_NOMEM;
	gs.engagement_id = le->rec.id;
	gs.updated_at = now;
	if (g->has_settings)
		gs.salt = g->gs.salt;
	else if (getrandom(&gs.salt, sizeof(gs.salt), 0) != (ssize_t)sizeof(gs.salt))
		return engine__fail(c, ERR_IO, "no random bytes for the gold mixing key");
	if ((rc = store_gold_settings_put(e->store, &gs)) ||
	    (rc = engine__record_done(e, c, CMD_OUT_OK, "gold.settings", "engagement", le->rec.id,
				      le->rec.client_id, now)))
		return rc;
	g->gs = gs;
	g->has_settings = true;
	return 0;
}

/* gold.requalify: staff; a fresh window for the worker on the engagement, audited. */
int engine__gold_requalify(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le;
	struct gold_worker *gw;
	struct live_gold *g;
	char detail[64];
	int rc;

	if ((rc = manage_allowed(c)) || !(le = engagement_of(e, c, &rc)))
		return rc;
	if (!idmap_get(&e->st.workers, c->u.gold.worker_id))
		return engine__fail(c, ERR_NOTFOUND, "no worker %lld",
				    (long long)c->u.gold.worker_id);
	if (!(g = gold_of(le)) || !(gw = worker_of(g, c->u.gold.worker_id)))
		return ERR_NOMEM;
	snprintf(detail, sizeof(detail), "{\"engagement_id\":%lld}", (long long)le->rec.id);
	rc = store_gold_worker_put(
	    e->store,
	    &(struct gold_worker_rec){le->rec.id, c->u.gold.worker_id, gw->assigned, now});
	if (!rc)
		rc = engine__audit_append_detail(e, c, "gold.requalify", "worker",
						 c->u.gold.worker_id, le->rec.client_id, detail,
						 now);
	if (!rc)
		rc = engine__done(e, c, CMD_OUT_OK, c->u.gold.worker_id, now);
	if (rc)
		return rc;
	gw->reset_at = now;
	gold_tally_reset(&gw->t);
	return 0;
}

/* ================================================================
 * Recovery
 * ================================================================ */

static int load_settings(void *ctx, const struct gold_settings *gs)
{
	struct live_engagement *le =
	    idmap_get(&((struct engine_state *)ctx)->engagements, gs->engagement_id);
	struct live_gold *g;

	if (!le)
		return 0;
	if (!(g = gold_of(le)))
		return ERR_NOMEM;
	g->gs = *gs;
	g->has_settings = true;
	return 0;
}

static int load_item(void *ctx, const struct gold_rec *r)
{
	struct live_engagement *le =
	    idmap_get(&((struct engine_state *)ctx)->engagements, r->engagement_id);
	struct live_gold *g;

	if (!le || !r->active)
		return 0;
	if (!(g = gold_of(le)) || ids_reserve(g, 1))
		return ERR_NOMEM;
	ids_insert(g, r->id);
	return 0;
}

/* The gold worker of (engagement, worker) in st, made if missing; NULL: no such engagement. */
static struct gold_worker *load_worker_of(struct engine_state *st, int64_t eid, int64_t wid,
					  struct live_gold **out, int *rc)
{
	struct live_engagement *le = idmap_get(&st->engagements, eid);
	struct gold_worker *gw = NULL;

	*rc = 0;
	if (!le || !wid)
		return NULL;
	if (!(*out = gold_of(le)) || !(gw = worker_of(*out, wid)))
		*rc = ERR_NOMEM;
	return gw;
}

static int load_counter(void *ctx, const struct gold_worker_rec *w)
{
	struct live_gold *g;
	int rc;
	struct gold_worker *gw = load_worker_of(ctx, w->engagement_id, w->worker_id, &g, &rc);

	if (gw) {
		gw->assigned = w->assigned;
		gw->reset_at = w->reset_at;
	}
	return rc;
}

static int load_instance(void *ctx, int64_t item_id, int64_t eid, int64_t wid, int64_t gid)
{
	struct engine_state *st = ctx;
	struct live_item *it = idtable_get(&st->items, item_id);
	struct live_gold *g;
	int rc;
	struct gold_worker *gw = load_worker_of(st, eid, wid, &g, &rc);

	if (gid <= 0 || gid > UINT32_MAX)
		return ERR_INTERNAL; /* live_item.gold_id is 32 bits */
	if (it)
		it->gold_id = (uint32_t)gid;
	return rc ? rc : gw ? seen_add(gw, gid) : 0;
}

static int load_obs(void *ctx, const struct quality_obs *o)
{
	struct live_gold *g;
	struct gold_worker *gw;
	int rc;

	if (o->kind != QOBS_GOLD)
		return 0;
	if (!(gw = load_worker_of(ctx, o->engagement_id, o->worker_id, &g, &rc)) ||
	    !g->has_settings)
		return rc;
	/* Before the last re-qualification by hand: in the totals only (the window is fresh). */
	if (o->at > gw->reset_at) {
		gold_tally_answer(&gw->t, &g->gs, o->ok, o->at);
	} else {
		gw->t.total_n++;
		gw->t.total_k += o->ok;
	}
	return 0;
}

int engine__gold_load(struct engine_state *st, struct store *s)
{
	int rc = store_gold_settings_each(s, load_settings, st);

	if (!rc)
		rc = store_gold_each(s, load_item, st);
	if (!rc)
		rc = store_gold_workers_each(s, 0, load_counter, st);
	if (!rc)
		rc = store_gold_instances_each(s, load_instance, st);
	if (!rc)
		rc = store_quality_obs_walk(s, 0, load_obs, st);
	return rc;
}

void engine__gold_release(struct engine_state *st)
{
	int64_t id, wid;
	void *v, *w;

	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);) {
		struct live_engagement *le = v;

		if (!le->gold)
			continue;
		for (size_t j = 0; idmap_next(&le->gold->workers, &j, &wid, &w);) {
			free(((struct gold_worker *)w)->seen);
			free(w);
		}
		idmap_release(&le->gold->workers);
		free(le->gold->ids);
		free(le->gold);
		le->gold = NULL;
	}
}
