/* keying_vote.c - overlap's decision: the answers' classes aggregated by majority or Dawid-Skene. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/consensus.h"
#include "core/fields.h"
#include "engine/engine_int.h"
#include "engine/keying_int.h"
#include "util/err.h"

/*
 * Dawid-Skene runs over the engagement's newest KEYING_DS_ANSWERS answers
 * (and all of the item's), at most KEYING_DS_CLASSES classes (more:
 * majority), KEYING_DS_ITER iterations: a decision costs at most that many
 * JSON parses and EM steps, on the engine thread.
 */
#define KEYING_DS_CLASSES 32
#define KEYING_DS_ITER 50
#define KEYING_DS_TOL 1e-6

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
		rc = fieldset_normalized(engine__result_fs(le), result, le->keying->field, out);
	else
		rc = keying_canonical(result, out);
	/* A field the result lacks is its own class (absent), as fields.h says of null. */
	if (rc == ERR_NOTFOUND) {
		buf_reset(out);
		rc = buf_puts(out, "null") ? ERR_NOMEM : 0;
	}
	return rc;
}

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

/*
 * Dawid-Skene over the engagement's newest answers and this item's: the
 * label and confidence of this item. 1: not run (more than KEYING_DS_CLASSES
 * classes): the caller uses majority.
 */
static int ds_decide(struct engine *e, const struct live_engagement *le, int64_t item_id,
		     const struct answers *as, struct classes *cl, uint32_t *label, double *conf)
{
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
}

/* Majority vote over this item's answers (ties: the class seen first). */
static int majority(const uint32_t *lab, size_t n, size_t n_classes, uint32_t *label, double *conf)
{
	struct answer a[KEYING_K_MAX + 2];

	for (size_t i = 0; i < n; i++)
		a[i] = (struct answer){0, (uint32_t)i, lab[i]};
	return consensus_majority(a, n, 1, (uint32_t)n, (uint32_t)n_classes, label, conf);
}

/* An overlap answer that completes k (or more): decided (0) or one more answer asked (1). */
int engine__keying_overlap(struct engine *e, struct cmd *c, struct live_item *it,
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

	if ((rc = engine__answers_read(e, it->ri.id, &as)))
		return rc;
	for (size_t i = 0; !rc && i < as.n; i++)
		if (!(rc = class_of(le, as.a[i].result, &text)))
			rc = class_id(&cl, buf_str(&text), &lab[i]);
	if (rc == ERR_INVALID) {
		rc = engine__fail(c, ERR_INVALID, "an overlap answer must be a JSON object");
		goto out;
	}
	if (!rc && k->aggregate == KEYING_DAWID_SKENE) {
		rc = ds_decide(e, le, it->ri.id, &as, &cl, &label, &conf);
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
		rc = engine__kput(e, it, KPHASE_ANSWERING, (int)as.n, method, conf, NULL, NULL, now);
		if (!rc)
			rc = engine__kstep(e, c, it, lk, KPHASE_ANSWERING, wid, now);
		goto out;
	}
	/* Decided: the result is the first answer of the winning class. */
	for (size_t i = 0; i < as.n && !decided; i++)
		if (lab[i] == label && !(decided = strdup(as.a[i].result))) {
			rc = ERR_NOMEM;
			goto out;
		}
	for (size_t i = 0; !rc && i < as.n; i++)
		rc = engine__kobs(e, it, as.a[i].worker_id, k->field[0] ? k->field : "result",
			     lab[i] == label, now);
	if (!rc)
		rc = engine__kput(e, it, KPHASE_DECIDED, (int)as.n, method, conf,
				label < cl.n ? cl.text[label] : NULL, NULL, now);
	if (!rc)
		rc = engine__kaudit(e, c, it, KPHASE_DECIDED, (int)as.n, method, conf, now);
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
	engine__answers_free(&as);
	return rc;
}
