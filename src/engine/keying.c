/* keying.c - double keying and overlap in the engine: answers, routing exclusion, decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "engine/engine_int.h"
#include "util/err.h"

#if __has_include("core/consensus.h")
#include "core/consensus.h"
#define KEYING_HAVE_CONSENSUS 1
#else
#define KEYING_HAVE_CONSENSUS 0
#endif

/*
 * How it works (docs/architecture.md "Keying"):
 *  - every submit of a multi-keyed item is an answer (item_answers, its result
 *    sealed); until the item is decided its result stays empty, and a submit
 *    that is not the last answer needed moves it back to the queue
 *    (ACT_KEY: assigned -> queued) for another worker;
 *  - routing: such an item waits in its engagement's second queue (le->rekey)
 *    with the workers who answered it (struct live_keying.by); get-next takes
 *    the better of the main queue's head (no answers yet: anyone may take it)
 *    and the best rekey item the worker has not answered, found by a
 *    best-first walk of the rekey heap visiting at most KEYING_SCAN_MAX
 *    entries (keying_queue_best). A worker who answered every one of those
 *    gets the main queue's work, or none: it cannot run more than that far
 *    ahead of the others on items waiting for a second answer;
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

#define KEYING_DS_CLASSES 32
#define KEYING_DS_ITER 50
#define KEYING_DS_TOL 1e-6

/* The compiled result declaration of an engagement, NULL when it has none. */
static const struct fieldset *result_fs(const struct live_engagement *le)
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

/* ------------------------------------------------------------- routing */

static bool answered(const struct live_keying *lk, int64_t worker_id)
{
	for (size_t i = 0; lk && i < lk->n_by; i++)
		if (lk->by[i] == worker_id)
			return true;
	return false;
}

static bool skip_answered(const struct queue_entry *qe, void *ctx)
{
	const struct live_item *it = (const struct live_item *)qe;

	return answered(it->keying, *(const int64_t *)ctx);
}

struct queue_entry *engine__keying_head(struct live_engagement *le, int64_t worker_id)
{
	struct queue_entry *h = queue_peek(&le->q), *r;

	if (!queue_len(&le->rekey))
		return h;
	r = keying_queue_best(&le->rekey, skip_answered, &worker_id, KEYING_SCAN_MAX);
	if (!r || (h && queue_before(h, r)))
		return h;
	return r;
}

struct queue *engine__keying_queue(struct live_engagement *le, const struct live_item *it)
{
	const struct live_keying *lk = it->keying;

	return lk && (lk->phase == KPHASE_ANSWERING || lk->phase == KPHASE_ADJUDICATING)
		   ? &le->rekey
		   : &le->q;
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
	queue_release(&le->rekey);
	free(le->keying);
	le->keying = NULL;
}

/* ------------------------------------------------------------- answers */

/* An item's answers as read back (the writer sees this batch's). */
struct answers {
	size_t n;
	struct {
		int64_t worker_id;
		enum answer_kind kind;
		char *result;
	} a[KEYING_K_MAX + 2];
};

static void answers_free(struct answers *as)
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
static int answers_read(struct engine *e, int64_t item_id, struct answers *as)
{
	int rc;

	as->n = 0;
	rc = store_answer_walk(e->store, true, 0, item_id, 0, on_answer, as);
	if (rc)
		answers_free(as);
	return rc;
}

/* The item's decision or phase, as stored. */
static int keying_put(struct engine *e, const struct live_item *it, enum keying_phase phase,
		      int answers, const char *method, double confidence, const char *label,
		      const char *diff, int64_t now)
{
	struct item_keying_rec r;

	memset(&r, 0, sizeof(r));
	r.item_id = it->qe.id;
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
static int keying_audit(struct engine *e, const struct cmd *c, const struct live_item *it,
			enum keying_phase phase, int answers, const char *method,
			double confidence, int64_t now)
{
	char detail[192];

	snprintf(detail, sizeof(detail),
		 "{\"phase\":\"%s\",\"answers\":%d,\"method\":\"%s\",\"confidence\":%.4f}",
		 keying_phase_name(phase), answers, method, confidence);
	return engine__audit_append_detail(e, c, "item.keying", "item", it->qe.id, it->client_id,
					   detail, now);
}

static int obs_add(struct engine *e, const struct live_item *it, int64_t worker_id,
		   const char *field, bool ok, int64_t now)
{
	struct quality_obs o;

	memset(&o, 0, sizeof(o));
	o.at = now;
	o.engagement_id = it->engagement_id;
	o.worker_id = worker_id;
	o.item_id = it->qe.id;
	o.kind = QOBS_AGREE;
	snprintf(o.field, sizeof(o.field), "%s", field);
	o.ok = ok;
	return store_quality_obs_add(e->store, &o);
}

/* The answer goes back to the queue: ACT_KEY, and what memory learns from it. */
static int key_step(struct engine *e, struct cmd *c, struct live_item *it,
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

	if ((rc = answers_read(e, it->qe.id, &as)))
		return rc;
	rc = ERR_NOMEM;
	if (as.n < 2 || !(d = calloc(1, sizeof(*d))) || !(names = calloc(FIELD_DIFF_MAX, 64))) {
		rc = as.n < 2 ? ERR_INTERNAL : rc;
		goto out;
	}
	rc = fieldset_compare(result_fs(le), as.a[0].result, as.a[1].result, d);
	if (!rc)
		rc = keying_members(as.a[0].result, as.a[1].result, names, FIELD_DIFF_MAX, &n_names);
	if (rc == ERR_INVALID) {
		rc = engine__fail(c, ERR_INVALID, "a double-keyed result must be a JSON object");
		goto out;
	}
	/* Field-level agreement, one row per compared field per worker. */
	for (size_t i = 0; !rc && i < n_names; i++)
		for (size_t w = 0; !rc && w < 2; w++)
			rc = obs_add(e, it, as.a[w].worker_id, names[i], !in_diff(d, names[i]), now);
	if (rc)
		goto out;
	if (!d->n_diff) {
		rc = keying_put(e, it, KPHASE_DECIDED, 2, "double", 1.0, NULL, NULL, now);
		if (!rc)
			rc = keying_audit(e, c, it, KPHASE_DECIDED, 2, "double", 1.0, now);
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
	rc = keying_put(e, it, KPHASE_ADJUDICATING, 2, "", 0, NULL, buf_str(&diff), now);
	if (!rc)
		rc = keying_audit(e, c, it, KPHASE_ADJUDICATING, 2, "double", 0, now);
	if (!rc)
		rc = key_step(e, c, it, lk, KPHASE_ADJUDICATING, wid, now);
out:
	buf_release(&diff);
	free(names);
	free(d);
	answers_free(&as);
	return rc;
}

/* The adjudicator's result (all fields, or only the differing ones) over the first keying. */
static int adjudicate(struct engine *e, struct cmd *c, struct live_item *it,
		      struct live_keying *lk, struct item_step *s, int64_t wid, int64_t now)
{
	struct answers as;
	char *merged = NULL;
	int rc;

	if ((rc = answers_read(e, it->qe.id, &as)))
		return rc;
	if (!as.n) {
		answers_free(&as);
		return ERR_INTERNAL;
	}
	rc = keying_merge(as.a[0].result, c->u.op.result_json, &merged);
	answers_free(&as);
	if (rc == ERR_INVALID)
		return engine__fail(c, ERR_INVALID, "an adjudication must be a JSON object");
	if (!rc)
		rc = keying_put(e, it, KPHASE_DECIDED, lk->n, "adjudicated", 1.0, NULL, NULL, now);
	if (!rc)
		rc = keying_audit(e, c, it, KPHASE_DECIDED, lk->n, "adjudicated", 1.0, now);
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

/* ------------------------------------------------------------- overlap */

/* Distinct class texts, numbered in order of first sight. */
struct classes {
	size_t n, cap;
	char **text;
};

static void classes_free(struct classes *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		free(cl->text[i]);
	free(cl->text);
	memset(cl, 0, sizeof(*cl));
}

/* The number of class t (added when new). OUT: *id. */
static int class_id(struct classes *cl, const char *t, uint32_t *id)
{
	for (size_t i = 0; i < cl->n; i++)
		if (!strcmp(cl->text[i], t)) {
			*id = (uint32_t)i;
			return 0;
		}
	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? 2 * cl->cap : 8;
		char **v = realloc(cl->text, cap * sizeof(*v));

		if (!v)
			return ERR_NOMEM;
		cl->text = v;
		cl->cap = cap;
	}
	if (!(cl->text[cl->n] = strdup(t)))
		return ERR_NOMEM;
	*id = (uint32_t)cl->n++;
	return 0;
}

/* The class text of one answer's result. */
static int class_of(const struct live_engagement *le, const char *result, struct buf *out)
{
	int rc;

	buf_reset(out);
	if (le->keying->field[0])
		rc = fieldset_normalized(result_fs(le), result, le->keying->field, out);
	else
		rc = keying_canonical(result, out);
	/* A field the result lacks is its own class (absent), as fields.h says of null. */
	if (rc == ERR_NOTFOUND) {
		buf_reset(out);
		rc = buf_puts(out, "null") ? ERR_NOMEM : 0;
	}
	return rc;
}

#if KEYING_HAVE_CONSENSUS
/* Dense numbers for ids seen (items, workers), by linear probing. */
struct dense {
	size_t n, cap;
	int64_t *key;
	uint32_t *val;
};

static int dense_id(struct dense *d, int64_t key, uint32_t *out)
{
	size_t i;

	if (!d->cap) {
		d->cap = 2 * KEYING_DS_ANSWERS + 64;
		d->key = calloc(d->cap, sizeof(*d->key));
		d->val = calloc(d->cap, sizeof(*d->val));
		if (!d->key || !d->val)
			return ERR_NOMEM;
	}
	for (i = (size_t)key * 2654435761u % d->cap; d->key[i]; i = (i + 1) % d->cap)
		if (d->key[i] == key) {
			*out = d->val[i];
			return 0;
		}
	if (d->n + 1 >= d->cap)
		return ERR_INTERNAL;
	d->key[i] = key;
	*out = d->val[i] = (uint32_t)d->n++;
	return 0;
}

static void dense_free(struct dense *d)
{
	free(d->key);
	free(d->val);
}

/* The engagement's answers for Dawid-Skene: classes numbered, items and workers dense. */
struct ds_set {
	const struct live_engagement *le;
	int64_t item_id; /* the item decided: its answers are added apart */
	struct answer *a;
	size_t n;
	struct classes *cl;
	struct dense items, workers;
	struct buf text;
	int rc;
};

static int ds_add(struct ds_set *ds, int64_t item_id, int64_t worker_id, const char *result)
{
	struct answer *a = &ds->a[ds->n];
	int rc;

	if ((rc = class_of(ds->le, result, &ds->text)) ||
	    (rc = class_id(ds->cl, buf_str(&ds->text), &a->label)) ||
	    (rc = dense_id(&ds->items, item_id, &a->item)) ||
	    (rc = dense_id(&ds->workers, worker_id, &a->worker)))
		return rc == ERR_INVALID ? 0 : rc; /* a result that is not JSON counts for nothing */
	ds->n++;
	return 0;
}

static int on_ds_answer(void *ctx, const struct answer_rec *r)
{
	struct ds_set *ds = ctx;

	if (r->kind != ANSWER_KEY || r->item_id == ds->item_id || ds->n >= KEYING_DS_ANSWERS)
		return 0;
	return ds_add(ds, r->item_id, r->worker_id, r->result ? r->result : "{}");
}
#endif

/*
 * Dawid-Skene over the engagement's newest answers and this item's: the
 * label and confidence of this item. 1: not run (too many classes, or no
 * consensus library), the caller uses majority.
 */
static int ds_decide(struct engine *e, const struct live_engagement *le, int64_t item_id,
		     const struct answers *as, struct classes *cl, uint32_t *label, double *conf)
{
#if KEYING_HAVE_CONSENSUS
	struct ds_set ds = {.le = le, .item_id = item_id, .cl = cl, .text = BUF_INIT};
	uint32_t *labels = NULL, me = 0;
	double *confs = NULL;
	int rc, iters = 0;

	ds.a = calloc(KEYING_DS_ANSWERS + KEYING_K_MAX + 2, sizeof(*ds.a));
	if (!ds.a)
		return ERR_NOMEM;
	rc = store_answer_walk(e->store, true, le->rec.id, 0, KEYING_DS_ANSWERS, on_ds_answer,
			       &ds);
	for (size_t i = 0; !rc && i < as->n; i++)
		rc = ds_add(&ds, item_id, as->a[i].worker_id, as->a[i].result);
	if (!rc)
		rc = dense_id(&ds.items, item_id, &me);
	if (!rc && cl->n > KEYING_DS_CLASSES)
		rc = 1;
	if (!rc) {
		labels = calloc(ds.items.n, sizeof(*labels));
		confs = calloc(ds.items.n, sizeof(*confs));
		rc = labels && confs ? 0 : ERR_NOMEM;
	}
	if (!rc)
		rc = consensus_dawid_skene(ds.a, ds.n, (uint32_t)ds.items.n, (uint32_t)ds.workers.n,
					   (uint32_t)cl->n, KEYING_DS_ITER, KEYING_DS_TOL, labels,
					   confs, &iters);
	if (!rc) {
		*label = labels[me];
		*conf = confs[me];
	}
	free(labels);
	free(confs);
	free(ds.a);
	dense_free(&ds.items);
	dense_free(&ds.workers);
	buf_release(&ds.text);
	return rc;
#else
	(void)e, (void)le, (void)item_id, (void)as, (void)cl, (void)label, (void)conf;
	return 1;
#endif
}

/* Majority vote over this item's answers (ties: the class seen first). */
static int majority(const uint32_t *lab, size_t n, size_t n_classes, uint32_t *label, double *conf)
{
#if KEYING_HAVE_CONSENSUS
	struct answer a[KEYING_K_MAX + 2];

	for (size_t i = 0; i < n; i++)
		a[i] = (struct answer){0, (uint32_t)i, lab[i]};
	return consensus_majority(a, n, 1, (uint32_t)n, (uint32_t)n_classes, label, conf);
#else
	size_t best = 0, count[KEYING_K_MAX + 2] = {0};

	for (size_t i = 0; i < n; i++)
		count[lab[i]]++;
	for (size_t c = 1; c < n_classes; c++)
		if (count[c] > count[best])
			best = c;
	*label = (uint32_t)best;
	*conf = n ? (double)count[best] / (double)n : 0;
	return 0;
#endif
}

/* An overlap answer that completes k (or more): decided (0) or one more answer asked (1). */
static int overlap_decide(struct engine *e, struct cmd *c, struct live_item *it,
			  struct live_keying *lk, const struct live_engagement *le,
			  struct item_step *s, int64_t wid, int64_t now)
{
	const struct keying_conf *k = le->keying;
	struct classes cl = {0};
	struct answers as;
	struct buf text = BUF_INIT;
	uint32_t lab[KEYING_K_MAX + 2], label = 0;
	const char *method = "majority";
	double conf = 0;
	char *decided = NULL;
	int rc;

	if ((rc = answers_read(e, it->qe.id, &as)))
		return rc;
	for (size_t i = 0; !rc && i < as.n; i++)
		if (!(rc = class_of(le, as.a[i].result, &text)))
			rc = class_id(&cl, buf_str(&text), &lab[i]);
	if (rc == ERR_INVALID) {
		rc = engine__fail(c, ERR_INVALID, "an overlap answer must be a JSON object");
		goto out;
	}
	if (!rc && k->aggregate == KEYING_DAWID_SKENE) {
		rc = ds_decide(e, le, it->qe.id, &as, &cl, &label, &conf);
		if (!rc)
			method = "dawid_skene";
	}
	if (!rc || rc == 1) {
		if (rc == 1 || k->aggregate == KEYING_MAJORITY)
			rc = majority(lab, as.n, cl.n, &label, &conf);
	}
	if (rc)
		goto out;
	if (conf < k->min_confidence && (int)as.n < k->max_k) {
		rc = keying_put(e, it, KPHASE_ANSWERING, (int)as.n, method, conf, NULL, NULL, now);
		if (!rc)
			rc = key_step(e, c, it, lk, KPHASE_ANSWERING, wid, now);
		goto out;
	}
	/* Decided: the result is the first answer of the winning class. */
	for (size_t i = 0; i < as.n && !decided; i++)
		if (lab[i] == label && !(decided = strdup(as.a[i].result))) {
			rc = ERR_NOMEM;
			goto out;
		}
	for (size_t i = 0; !rc && i < as.n; i++)
		rc = obs_add(e, it, as.a[i].worker_id, k->field[0] ? k->field : "result",
			     lab[i] == label, now);
	if (!rc)
		rc = keying_put(e, it, KPHASE_DECIDED, (int)as.n, method, conf,
				label < cl.n ? cl.text[label] : NULL, NULL, now);
	if (!rc)
		rc = keying_audit(e, c, it, KPHASE_DECIDED, (int)as.n, method, conf, now);
	if (rc)
		goto out;
	free(lk->decided);
	lk->decided = decided;
	decided = NULL;
	lk->phase = KPHASE_DECIDED;
	lk->n++;
	lk->by[lk->n_by++] = wid;
	it->keying = lk;
	s->result = lk->decided;
out:
	free(decided);
	buf_release(&text);
	classes_free(&cl);
	answers_free(&as);
	return rc;
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
	a.item_id = it->qe.id;
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
		rc = overlap_decide(e, c, it, lk, le, s, wid, now);
	else if (!rc) {
		rc = keying_put(e, it, KPHASE_ANSWERING, lk->n + 1, "", 0, NULL, NULL, now);
		if (!rc)
			rc = key_step(e, c, it, lk, KPHASE_ANSWERING, wid, now);
	}
	/* A new record that memory did not take (an error, or not kept): freed. */
	if (fresh && it->keying != fresh)
		free(fresh);
	return rc;
}

/* ------------------------------------------------------------- recovery */

static int load_conf(void *ctx, const struct keying_conf *c)
{
	struct engine_state *st = ctx;
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
	struct live_item *it = idmap_get(&st->items, item_id);

	if (it && !it->keying)
		it->keying = calloc(1, sizeof(*it->keying));
	return it ? it->keying : NULL;
}

static int load_item_keying(void *ctx, const struct item_keying_rec *r)
{
	struct live_keying *lk;

	if (!idmap_get(&((struct engine_state *)ctx)->items, r->item_id))
		return 0;
	if (!(lk = live_of(ctx, r->item_id)))
		return ERR_NOMEM;
	lk->phase = r->phase;
	return 0;
}

static int load_answer(void *ctx, const struct answer_rec *a)
{
	struct live_keying *lk;

	if (!idmap_get(&((struct engine_state *)ctx)->items, a->item_id))
		return 0;
	if (!(lk = live_of(ctx, a->item_id)))
		return ERR_NOMEM;
	if (a->kind == ANSWER_KEY)
		lk->n++;
	if (lk->n_by < KEYING_K_MAX + 1)
		lk->by[lk->n_by++] = a->worker_id;
	return 0;
}

int engine__keying_load(struct engine_state *st, struct store *s)
{
	int64_t id;
	void *v;
	int rc = store_keying_load(s,
				   &(struct store_keying_load){.conf = load_conf,
							       .item = load_item_keying,
							       .answer = load_answer},
				   st);

	/* The queued items waiting for answers move to their engagement's second queue. */
	for (size_t i = 0; !rc && idmap_next(&st->items, &i, &id, &v);) {
		struct live_item *it = v;
		struct live_engagement *le = idmap_get(&st->engagements, it->engagement_id);
		struct queue *q;

		if (!le || it->state != ITEM_QUEUED || (q = engine__keying_queue(le, it)) == &le->q)
			continue;
		queue_remove(&le->q, &it->qe);
		rc = queue_push(q, &it->qe);
	}
	return rc;
}
