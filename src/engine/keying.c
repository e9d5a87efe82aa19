/* keying.c - double keying and overlap in the engine: answers, routing exclusion, decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "engine/engine_int.h"
#include "engine/keying_int.h"
#include "util/err.h"

/*
 * How it works (docs/architecture.md "Keying"):
 *  - every submit of a multi-keyed item is an answer (item_answers, its result
 *    sealed); until the item is decided its result stays empty, and a submit
 *    that is not the last answer needed moves it back to the queue
 *    (ACT_KEY: assigned -> queued) for another worker;
 *  - routing: such an item waits in its engagement's second queue in the
 *    routing index (ENGINE_REKEY_ID, route_index.c) with the workers who
 *    answered it (struct live_keying.by); work.next's filter skips the items
 *    the worker answered, a best-first walk visiting at most RINDEX_SCAN_MAX
 *    entries of each heap. The main queue (no answers yet: anyone may take
 *    them) is apart, so a worker who answered every one of those still gets
 *    the main queue's work: it cannot run more than that far ahead of the
 *    others on items waiting for a second answer;
 *  - a worker answers an item once (UNIQUE in the store as well), also after
 *    its lease expired and the item was leased again;
 *  - double keying: the second answer is compared with the first field by
 *    field (fieldset_compare); agreed: the submit goes on as an ordinary one
 *    with that result; not: the item waits for a third worker, who reads
 *    both answers and the differing fields (app/keying.c) and submits the
 *    result, or only the differing fields, merged over the first answer;
 *  - overlap: k answers, their classes (a field's normalised text, or the
 *    whole result's canonical text) aggregated with a confidence; below
 *    min_confidence and under max_k answers one more answer is asked.
 *    Dawid-Skene runs over the engagement's newest KEYING_DS_ANSWERS answers
 *    (and all of this item's), at most KEYING_DS_CLASSES classes (more:
 *    majority), 50 iterations: a decision costs at most that many JSON
 *    parses and EM steps, on the engine thread.
 */

/* The compiled result declaration of an engagement, NULL when it has none. */
const struct fieldset *engine__result_fs(const struct live_engagement *le)
{
	return le->result_fs;
}

/* ------------------------------------------------------------- settings */

int engine__keying_set(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.keying.engagement_id);
	struct keying_conf *k;
	char detail[256];
	int rc;

	if (policy_check(c->actor, POL_ENGAGEMENT_KEYING, NULL) != POLICY_ALLOW)
		return ERR_FORBIDDEN;
	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld",
				    (long long)c->u.keying.engagement_id);
	if (!(k = malloc(sizeof(*k))))
		return ERR_NOMEM;
	*k = c->u.keying;
	k->updated_at = now;
	snprintf(detail, sizeof(detail),
		 "{\"mode\":\"%s\",\"k\":%d,\"max_k\":%d,\"min_confidence\":%.4f,\"field\":\"%s\","
		 "\"aggregate\":\"%s\"}",
		 keying_mode_name(k->mode), k->k, k->max_k, k->min_confidence, k->field,
		 keying_agg_name(k->aggregate));
	rc = store_keying_put(e->store, k);
	if (!rc)
		rc = engine__audit_append_detail(e, c, "engagement.keying", "engagement", le->rec.id,
						 le->rec.client_id, detail, now);
	if (!rc)
		rc = engine__done(e, c, CMD_OUT_OK, le->rec.id, now);
	if (rc) {
		free(k);
		return rc;
	}
	free(le->keying);
	le->keying = k;
	return 0;
}

bool engine__keying_answered(const struct live_item *it, int64_t worker_id)
{
	if (!it || !it->keying)
		return false;
	for (size_t i = 0; i < it->keying->n_by; i++)
		if (it->keying->by[i] == worker_id)
			return true;
	return false;
}

bool engine__keying_adjudicating(const struct live_item *it)
{
	return it->keying && it->keying->phase == KPHASE_ADJUDICATING;
}

/* ------------------------------------------------------------- routing */

static bool answered(const struct live_keying *lk, int64_t worker_id)
{
	for (size_t i = 0; lk && i < lk->n_by; i++)
		if (lk->by[i] == worker_id)
			return true;
	return false;
}

bool engine__keying_rekey(const struct live_item *it)
{
	const struct live_keying *lk = it->keying;

	return lk && (lk->phase == KPHASE_ANSWERING || lk->phase == KPHASE_ADJUDICATING);
}

void engine__keying_forget(struct live_item *it)
{
	if (it->keying)
		free(it->keying->decided);
	free(it->keying);
	it->keying = NULL;
}

void engine__keying_release(struct live_engagement *le)
{
	free(le->keying);
	le->keying = NULL;
}

/* ------------------------------------------------------------- answers */

void engine__answers_free(struct answers *as)
{
	for (size_t i = 0; i < as->n; i++)
		free(as->a[i].result);
	as->n = 0;
}

static int on_answer(void *ctx, const struct answer_rec *r)
{
	struct answers *as = ctx;

	if (as->n == sizeof(as->a) / sizeof(as->a[0]) || r->kind != ANSWER_KEY)
		return 0;
	as->a[as->n].worker_id = r->worker_id;
	as->a[as->n].kind = r->kind;
	if (!(as->a[as->n].result = strdup(r->result ? r->result : "{}")))
		return ERR_NOMEM;
	as->n++;
	return 0;
}

/* The keyings of the item (not the adjudication), oldest first. */
int engine__answers_read(struct engine *e, int64_t item_id, struct answers *as)
{
	int rc;

	as->n = 0;
	rc = store_answer_walk(e->store, true, 0, item_id, 0, on_answer, as);
	if (rc)
		engine__answers_free(as);
	return rc;
}

/* The item's decision or phase, as stored. */
int engine__kput(struct engine *e, const struct live_item *it, enum keying_phase phase,
		      int answers, const char *method, double confidence, const char *label,
		      const char *diff, int64_t now)
{
	struct item_keying_rec r;

	memset(&r, 0, sizeof(r));
	r.item_id = it->ri.id;
	r.engagement_id = it->engagement_id;
	r.client_id = it->client_id;
	r.phase = phase;
	r.answers = answers;
	snprintf(r.method, sizeof(r.method), "%s", method ? method : "");
	r.confidence = confidence;
	r.label = (char *)label;
	r.diff = (char *)diff;
	r.decided_at = phase == KPHASE_DECIDED ? now : 0;
	return store_item_keying_put(e->store, &r);
}

/* The audit event of a decision or of an adjudication begun (no client text in it). */
int engine__kaudit(struct engine *e, const struct cmd *c, const struct live_item *it,
			enum keying_phase phase, int answers, const char *method,
			double confidence, int64_t now)
{
	char detail[192];

	snprintf(detail, sizeof(detail),
		 "{\"phase\":\"%s\",\"answers\":%d,\"method\":\"%s\",\"confidence\":%.4f}",
		 keying_phase_name(phase), answers, method, confidence);
	return engine__audit_append_detail(e, c, "item.keying", "item", it->ri.id, it->client_id,
					   detail, now);
}

int engine__kobs(struct engine *e, const struct live_item *it, int64_t worker_id,
		   const char *field, bool ok, int64_t now)
{
	struct quality_obs o;

	memset(&o, 0, sizeof(o));
	o.at = now;
	o.engagement_id = it->engagement_id;
	o.worker_id = worker_id;
	o.item_id = it->ri.id;
	o.kind = QOBS_AGREE;
	snprintf(o.field, sizeof(o.field), "%s", field);
	o.ok = ok;
	return store_quality_obs_add(e->store, &o);
}

/* The answer goes back to the queue: ACT_KEY, and what memory learns from it. */
int engine__kstep(struct engine *e, struct cmd *c, struct live_item *it,
		    struct live_keying *lk, enum keying_phase phase, int64_t worker_id,
		    int64_t now)
{
	struct item_step ks = {.act = ACT_KEY, .refused = "only leased work can be answered"};
	enum item_state to;
	int rc = engine__step(e, c, it, &ks, now, &to);

	if (rc)
		return rc;
	/* Memory after every write: the queue it goes to depends on the phase. */
	lk->phase = phase;
	lk->n++;
	lk->by[lk->n_by++] = worker_id;
	it->keying = lk;
	engine__step_apply(e, it, &ks, to);
	return 1;
}

/* ------------------------------------------------------------- double keying */

static bool in_diff(const struct field_diff *d, const char *name)
{
	for (size_t i = 0; i < d->n_diff && i < FIELD_DIFF_MAX; i++)
		if (!strcmp(d->names[i], name))
			return true;
	return false;
}

/* The second keying: agreed (0, an ordinary submit follows) or adjudication (1). */
static int double_second(struct engine *e, struct cmd *c, struct live_item *it,
			 struct live_keying *lk, const struct live_engagement *le, int64_t wid,
			 int64_t now)
{
	struct answers as;
	struct field_diff *d = NULL;
	char (*names)[64] = NULL;
	struct buf diff = BUF_INIT;
	size_t n_names = 0;
	int rc;

	if ((rc = engine__answers_read(e, it->ri.id, &as)))
		return rc;
	rc = ERR_NOMEM;
	if (as.n < 2 || !(d = calloc(1, sizeof(*d))) || !(names = calloc(FIELD_DIFF_MAX, 64))) {
		rc = as.n < 2 ? ERR_INTERNAL : rc;
		goto out;
	}
	rc = fieldset_compare(engine__result_fs(le), as.a[0].result, as.a[1].result, d);
	if (!rc)
		rc = keying_members(as.a[0].result, as.a[1].result, names, FIELD_DIFF_MAX, &n_names);
	if (rc == ERR_INVALID) {
		rc = engine__fail(c, ERR_INVALID, "a double-keyed result must be a JSON object");
		goto out;
	}
	/* Field-level agreement, one row per compared field per worker. */
	for (size_t i = 0; !rc && i < n_names; i++)
		for (size_t w = 0; !rc && w < 2; w++)
			rc = engine__kobs(e, it, as.a[w].worker_id, names[i], !in_diff(d, names[i]), now);
	if (rc)
		goto out;
	if (!d->n_diff) {
		rc = engine__kput(e, it, KPHASE_DECIDED, 2, "double", 1.0, NULL, NULL, now);
		if (!rc)
			rc = engine__kaudit(e, c, it, KPHASE_DECIDED, 2, "double", 1.0, now);
		if (rc)
			goto out;
		lk->phase = KPHASE_DECIDED;
		lk->n++;
		lk->by[lk->n_by++] = wid;
		it->keying = lk;
		goto out; /* 0: the ordinary submit, with this (agreed) result */
	}
	if ((rc = keying_names_json((const char(*)[64])d->names,
				    d->n_diff < FIELD_DIFF_MAX ? d->n_diff : FIELD_DIFF_MAX, &diff)))
		goto out;
	rc = engine__kput(e, it, KPHASE_ADJUDICATING, 2, "", 0, NULL, buf_str(&diff), now);
	if (!rc)
		rc = engine__kaudit(e, c, it, KPHASE_ADJUDICATING, 2, "double", 0, now);
	if (!rc)
		rc = engine__kstep(e, c, it, lk, KPHASE_ADJUDICATING, wid, now);
out:
	buf_release(&diff);
	free(names);
	free(d);
	engine__answers_free(&as);
	return rc;
}

/* The adjudicator's result (all fields, or only the differing ones) over the first keying. */
static int adjudicate(struct engine *e, struct cmd *c, struct live_item *it,
		      struct live_keying *lk, struct item_step *s, int64_t wid, int64_t now)
{
	struct answers as;
	char *merged = NULL;
	int rc;

	if ((rc = engine__answers_read(e, it->ri.id, &as)))
		return rc;
	if (!as.n) {
		engine__answers_free(&as);
		return ERR_INTERNAL;
	}
	rc = keying_merge(as.a[0].result, c->u.op.result_json, &merged);
	engine__answers_free(&as);
	if (rc == ERR_INVALID)
		return engine__fail(c, ERR_INVALID, "an adjudication must be a JSON object");
	if (!rc)
		rc = engine__kput(e, it, KPHASE_DECIDED, lk->n, "adjudicated", 1.0, NULL, NULL, now);
	if (!rc)
		rc = engine__kaudit(e, c, it, KPHASE_DECIDED, lk->n, "adjudicated", 1.0, now);
	if (rc) {
		free(merged);
		return rc;
	}
	free(lk->decided);
	lk->decided = merged;
	lk->phase = KPHASE_DECIDED;
	lk->by[lk->n_by++] = wid;
	s->result = merged;
	return 0;
}

/* ------------------------------------------------------------- the submit */

int engine__keying_submit(struct engine *e, struct cmd *c, struct live_item *it,
			  struct item_step *s, int64_t now)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, it->engagement_id);
	const struct keying_conf *k = le ? le->keying : NULL;
	struct live_keying *lk = it->keying, *fresh = NULL;
	enum keying_phase phase = lk ? lk->phase : KPHASE_NONE;
	int64_t wid = c->actor->worker_id;
	struct answer_rec a;
	int rc;

	/* Decided items are ordinary work (a rework's next submit); settings set to single
	 * later make the next answer the result. An adjudication always finishes. */
	if (phase == KPHASE_DECIDED)
		return 0;
	if (phase != KPHASE_ADJUDICATING && (!k || k->mode == KEYING_SINGLE))
		return 0;
	if (answered(lk, wid))
		return engine__conflict(c, ERR_CONFLICT, it->state,
					"you answered this item already: another worker keys it");
	if ((size_t)(lk ? lk->n_by : 0) >= KEYING_K_MAX + 1)
		return engine__conflict(c, ERR_CONFLICT, it->state, "the item has every answer");
	if (!lk && !(lk = fresh = calloc(1, sizeof(*lk))))
		return ERR_NOMEM;
	memset(&a, 0, sizeof(a));
	a.item_id = it->ri.id;
	a.engagement_id = it->engagement_id;
	a.client_id = it->client_id;
	a.worker_id = wid;
	a.epoch = it->epoch;
	a.at = now;
	a.kind = phase == KPHASE_ADJUDICATING ? ANSWER_ADJUDICATE : ANSWER_KEY;
	a.result = (char *)c->u.op.result_json;
	rc = store_answer_add(e->store, &a);
	if (rc == ERR_EXISTS)
		rc = engine__conflict(c, ERR_CONFLICT, it->state,
				      "you answered this item already: another worker keys it");
	if (!rc && phase == KPHASE_ADJUDICATING)
		rc = adjudicate(e, c, it, lk, s, wid, now);
	else if (!rc && k->mode == KEYING_DOUBLE && lk->n + 1 >= 2)
		rc = double_second(e, c, it, lk, le, wid, now);
	else if (!rc && k->mode == KEYING_OVERLAP && lk->n + 1 >= k->k)
		rc = engine__keying_overlap(e, c, it, lk, le, s, wid, now);
	else if (!rc) {
		rc = engine__kput(e, it, KPHASE_ANSWERING, lk->n + 1, "", 0, NULL, NULL, now);
		if (!rc)
			rc = engine__kstep(e, c, it, lk, KPHASE_ANSWERING, wid, now);
	}
	/* A new record that memory did not take (an error, or not kept): freed. */
	if (fresh && it->keying != fresh)
		free(fresh);
	return rc;
}

/* ------------------------------------------------------------- recovery */

/* The loads' context: the state, and how many item keying and answer rows came. */
struct kload {
	struct engine_state *st;
	size_t rows;
};

static int load_conf(void *ctx, const struct keying_conf *c)
{
	struct engine_state *st = ((struct kload *)ctx)->st;
	struct live_engagement *le = idmap_get(&st->engagements, c->engagement_id);
	struct keying_conf *k;

	if (!le)
		return 0;
	if (!(k = malloc(sizeof(*k))))
		return ERR_NOMEM;
	*k = *c;
	free(le->keying);
	le->keying = k;
	return 0;
}

/* The live record of an open item's keying, made when first needed. */
static struct live_keying *live_of(struct engine_state *st, int64_t item_id)
{
	struct live_item *it = idtable_get(&st->items, item_id);

	if (it && !it->keying)
		it->keying = calloc(1, sizeof(*it->keying));
	return it ? it->keying : NULL;
}

static int load_item_keying(void *ctx, const struct item_keying_rec *r)
{
	struct kload *k = ctx;
	struct live_keying *lk;

	k->rows++;
	if (!idtable_get(&k->st->items, r->item_id))
		return 0;
	if (!(lk = live_of(k->st, r->item_id)))
		return ERR_NOMEM;
	lk->phase = r->phase;
	return 0;
}

static int load_answer(void *ctx, const struct answer_rec *a)
{
	struct kload *k = ctx;
	struct live_keying *lk;

	k->rows++;
	if (!idtable_get(&k->st->items, a->item_id))
		return 0;
	if (!(lk = live_of(k->st, a->item_id)))
		return ERR_NOMEM;
	if (a->kind == ANSWER_KEY)
		lk->n++;
	if (lk->n_by < KEYING_K_MAX + 1)
		lk->by[lk->n_by++] = a->worker_id;
	return 0;
}

int engine__keying_load(struct engine_state *st, struct store *s)
{
	struct kload k = {.st = st};
	int rc = store_keying_load(s,
				   &(struct store_keying_load){.conf = load_conf,
							       .item = load_item_keying,
							       .answer = load_answer},
				   &k);

	/* The items waiting for answers queue in the second engagement at the index's build. */
	st->rx_stale = 1;
	return rc;
}
