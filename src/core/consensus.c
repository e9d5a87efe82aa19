/* consensus.c - majority vote and Dawid-Skene EM over per-worker confusion matrices. */
#include "core/consensus.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static int check(const struct answer *a, size_t n, uint32_t n_items, uint32_t n_workers,
		 uint32_t n_classes)
{
	if (n_classes == 0 || (n && !a))
		return ERR_INVALID;
	for (size_t j = 0; j < n; j++)
		if (a[j].item >= n_items || a[j].worker >= n_workers || a[j].label >= n_classes)
			return ERR_INVALID;
	return 0;
}

/* The highest of v[0..k), the lowest index among equals. */
static uint32_t argmax(const double *v, uint32_t k)
{
	uint32_t best = 0;

	for (uint32_t c = 1; c < k; c++)
		if (v[c] > v[best])
			best = c;
	return best;
}

/* Vote shares of each item into t[n_items * k] (a row of zeros: no answers). OUT: votes[i]. */
static void shares(const struct answer *a, size_t n, uint32_t n_items, uint32_t k, double *t,
		   uint32_t *votes)
{
	memset(t, 0, (size_t)n_items * k * sizeof(*t));
	memset(votes, 0, (size_t)n_items * sizeof(*votes));
	for (size_t j = 0; j < n; j++) {
		t[(size_t)a[j].item * k + a[j].label] += 1.0;
		votes[a[j].item]++;
	}
	for (uint32_t i = 0; i < n_items; i++)
		if (votes[i]) {
			double inv = 1.0 / votes[i];

			for (uint32_t c = 0; c < k; c++)
				t[(size_t)i * k + c] *= inv;
		}
}

int consensus_majority(const struct answer *a, size_t n, uint32_t n_items, uint32_t n_workers,
		       uint32_t n_classes, uint32_t *label, double *conf)
{
	double *t;
	uint32_t *votes;
	int rc = check(a, n, n_items, n_workers, n_classes);

	if (rc)
		return rc;
	t = malloc((size_t)n_items * n_classes * sizeof(*t) + 1);
	votes = malloc((size_t)n_items * sizeof(*votes) + 1);
	if (!t || !votes) {
		rc = ERR_NOMEM;
		goto out;
	}
	shares(a, n, n_items, n_classes, t, votes);
	for (uint32_t i = 0; i < n_items; i++) {
		const double *row = t + (size_t)i * n_classes;

		if (!votes[i]) {
			label[i] = CONSENSUS_NONE;
			conf[i] = 0.0;
			continue;
		}
		/* shares are counts / votes: equal counts compare equal exactly */
		label[i] = argmax(row, n_classes);
		conf[i] = row[label[i]];
	}
out:
	free(t);
	free(votes);
	return rc;
}

/*
 * The working memory of one Dawid-Skene run, allocated once. The answers are
 * regrouped by item (start[i] .. start[i+1] in wl: worker, label), so the
 * E-step reads each item's answers together. Confusion matrices are kept as
 * [worker][answered label][true class], so that one answer's K cells (the
 * E-step's terms, the M-step's sums) are contiguous.
 */
struct ds {
	uint32_t k;
	uint32_t *start; /* n_items + 1 */
	uint32_t *wl;	 /* 2 n: worker, label of each answer by item */
	uint32_t *votes; /* n_items */
	double *t;	 /* n_items * k: the posterior of each item's class */
	double *logth;	 /* n_workers * k * k: log P(label | class), [w][label][class] */
	double *acc;	 /* n_workers * k * k: M-step sums, same layout */
	double *den;	 /* n_workers * k: sum of posteriors of w's answers per class */
	double *logpi;	 /* k */
	double *s;	 /* k: one item's log terms */
};

static void ds_free(struct ds *d)
{
	free(d->start);
	free(d->wl);
	free(d->votes);
	free(d->t);
	free(d->logth);
	free(d->acc);
	free(d->den);
	free(d->logpi);
	free(d->s);
}

static int ds_alloc(struct ds *d, size_t n, uint32_t n_items, uint32_t n_workers, uint32_t k)
{
	size_t wkk = (size_t)n_workers * k * k;

	memset(d, 0, sizeof(*d));
	d->k = k;
	d->start = malloc(((size_t)n_items + 1) * sizeof(*d->start));
	d->wl = malloc(2 * n * sizeof(*d->wl) + 1);
	d->votes = malloc((size_t)n_items * sizeof(*d->votes) + 1);
	d->t = malloc((size_t)n_items * k * sizeof(*d->t) + 1);
	d->logth = malloc(wkk * sizeof(*d->logth) + 1);
	d->acc = malloc(wkk * sizeof(*d->acc) + 1);
	d->den = malloc((size_t)n_workers * k * sizeof(*d->den) + 1);
	d->logpi = malloc(k * sizeof(*d->logpi));
	d->s = malloc(k * sizeof(*d->s));
	if (!d->start || !d->wl || !d->votes || !d->t || !d->logth || !d->acc || !d->den ||
	    !d->logpi || !d->s)
		return ERR_NOMEM;
	return 0;
}

/* Regroups the answers by item: a counting sort, stable in answer order. */
static void ds_group(struct ds *d, const struct answer *a, size_t n, uint32_t n_items)
{
	memset(d->start, 0, ((size_t)n_items + 1) * sizeof(*d->start));
	for (size_t j = 0; j < n; j++)
		d->start[a[j].item + 1]++;
	for (uint32_t i = 0; i < n_items; i++)
		d->start[i + 1] += d->start[i];
	/* votes[] as the fill cursor first, then as the count */
	memcpy(d->votes, d->start, (size_t)n_items * sizeof(*d->votes));
	for (size_t j = 0; j < n; j++) {
		uint32_t at = d->votes[a[j].item]++;

		d->wl[2 * (size_t)at] = a[j].worker;
		d->wl[2 * (size_t)at + 1] = a[j].label;
	}
	for (uint32_t i = 0; i < n_items; i++)
		d->votes[i] = d->start[i + 1] - d->start[i];
}

/* M-step: the prior and every worker's confusion matrix from the posteriors t. */
static void ds_mstep(struct ds *d, uint32_t n_items, uint32_t n_workers)
{
	const uint32_t k = d->k;
	size_t wkk = (size_t)n_workers * k * k;
	double *pi = d->s, total = 0;

	for (size_t x = 0; x < wkk; x++)
		d->acc[x] = CONSENSUS_DS_BETA;
	for (size_t x = 0; x < (size_t)n_workers * k; x++)
		d->den[x] = k * CONSENSUS_DS_BETA;
	for (uint32_t c = 0; c < k; c++)
		pi[c] = CONSENSUS_DS_ALPHA;
	for (uint32_t i = 0; i < n_items; i++) {
		const double *ti = d->t + (size_t)i * k;

		if (!d->votes[i])
			continue; /* no answers: it says nothing about the classes */
		for (uint32_t c = 0; c < k; c++)
			pi[c] += ti[c];
		for (uint32_t j = d->start[i]; j < d->start[i + 1]; j++) {
			uint32_t w = d->wl[2 * (size_t)j], l = d->wl[2 * (size_t)j + 1];
			double *cell = d->acc + ((size_t)w * k + l) * k,
			       *dw = d->den + (size_t)w * k;

			for (uint32_t c = 0; c < k; c++) {
				cell[c] += ti[c];
				dw[c] += ti[c];
			}
		}
	}
	for (uint32_t c = 0; c < k; c++)
		total += pi[c];
	for (uint32_t c = 0; c < k; c++)
		d->logpi[c] = log(pi[c] / total);
	for (uint32_t w = 0; w < n_workers; w++) {
		const double *dw = d->den + (size_t)w * k;

		for (uint32_t l = 0; l < k; l++) {
			const double *cell = d->acc + ((size_t)w * k + l) * k;
			double *out = d->logth + ((size_t)w * k + l) * k;

			for (uint32_t c = 0; c < k; c++)
				out[c] = log(cell[c] / dw[c]);
		}
	}
}

/* E-step: every item's posterior from the prior and the matrices. Returns the log-likelihood. */
static double ds_estep(struct ds *d, uint32_t n_items)
{
	const uint32_t k = d->k;
	double ll = 0, *s = d->s;

	for (uint32_t i = 0; i < n_items; i++) {
		double *ti = d->t + (size_t)i * k, mx, sum = 0;

		if (!d->votes[i])
			continue;
		memcpy(s, d->logpi, k * sizeof(*s));
		for (uint32_t j = d->start[i]; j < d->start[i + 1]; j++) {
			uint32_t w = d->wl[2 * (size_t)j], l = d->wl[2 * (size_t)j + 1];
			const double *lt = d->logth + ((size_t)w * k + l) * k;

			for (uint32_t c = 0; c < k; c++)
				s[c] += lt[c];
		}
		mx = s[argmax(s, k)];
		for (uint32_t c = 0; c < k; c++) {
			ti[c] = exp(s[c] - mx);
			sum += ti[c];
		}
		for (uint32_t c = 0; c < k; c++)
			ti[c] /= sum;
		ll += mx + log(sum);
	}
	return ll;
}

int consensus_dawid_skene(const struct answer *a, size_t n, uint32_t n_items, uint32_t n_workers,
			  uint32_t n_classes, int max_iter, double tol, uint32_t *label,
			  double *conf, int *iters)
{
	struct ds d;
	double ll, prev = 0, scale = n ? 1.0 / (double)n : 1.0;
	int rc = check(a, n, n_items, n_workers, n_classes), it = 0;

	if (rc)
		return rc;
	if (max_iter < 1 || !(tol >= 0))
		return ERR_INVALID;
	if (n > UINT32_MAX - 1)
		return ERR_INVALID; /* the item index is 32-bit */
	rc = ds_alloc(&d, n, n_items, n_workers, n_classes);
	if (rc)
		goto out;
	ds_group(&d, a, n, n_items);
	shares(a, n, n_items, n_classes, d.t, d.votes); /* the majority vote's shares */
	while (it < max_iter) {
		ds_mstep(&d, n_items, n_workers);
		ll = ds_estep(&d, n_items);
		it++;
		if (it > 1 && fabs(ll - prev) * scale < tol)
			break;
		prev = ll;
	}
	for (uint32_t i = 0; i < n_items; i++) {
		const double *ti = d.t + (size_t)i * n_classes;

		if (!d.votes[i]) {
			label[i] = CONSENSUS_NONE;
			conf[i] = 0.0;
			continue;
		}
		label[i] = argmax(ti, n_classes);
		conf[i] = ti[label[i]];
	}
	if (iters)
		*iters = it;
out:
	ds_free(&d);
	return rc;
}
