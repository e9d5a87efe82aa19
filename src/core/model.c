/* model.c - names of the domain enums, a worker's clearances, and the item record's release. */
#include "core/model.h"

#include <stdlib.h>
#include <string.h>

#include "util/names.h"

static const char *const role_names[ROLE__COUNT] = { "admin", "manager", "worker", "client",
						     "auditor" };
static const char *const kind_names[] = { "bpo", "kpo" };
static const char *const status_names[] = { "available", "away", "offline" };
static const char *const qobs_names[QOBS_KIND__COUNT] = { "gold", "agree", "review" };

NAMES_ENUM(role, enum role, role_names)
NAMES_ENUM(service_kind, enum service_kind, kind_names)
NAMES_ENUM(worker_status, enum worker_status, status_names)
NAMES_ENUM(qobs_kind, enum qobs_kind, qobs_names)

void item_rec_release(struct item_rec *it)
{
	free(it->payload);
	free(it->result);
	it->payload = NULL;
	it->result = NULL;
}

struct clear_pair {
	int64_t id, until;
	size_t at; /* as given: the first of repeats wins */
};

static int cmp_pair(const void *a, const void *b)
{
	const struct clear_pair *x = a, *y = b;

	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->at > y->at) - (x->at < y->at);
}

void worker_clear_sort(struct worker_rec *w)
{
	static _Thread_local struct clear_pair p[MODEL_MAX_CLEAR]; /* 6 KiB: off the stack */
	size_t n = w->n_clear < MODEL_MAX_CLEAR ? w->n_clear : MODEL_MAX_CLEAR, k = 0, t = 0;

	for (size_t i = 0; i < n; i++)
		p[i] = (struct clear_pair){ w->clear[i], w->clear_until[i], i };
	qsort(p, n, sizeof(p[0]), cmp_pair);
	for (size_t i = 0; i < n; i++) {
		if (k && w->clear[k - 1] == p[i].id)
			continue;
		w->clear[k] = p[i].id;
		w->clear_until[k++] = p[i].until;
	}
	w->n_clear = k;
	for (size_t i = 0; i < w->n_terms && i < MODEL_MAX_TERMS; i++)
		if (worker_clear_find(w, w->terms[i].client_id) >= 0)
			w->terms[t++] = w->terms[i];
	w->n_terms = t;
}

long worker_clear_find(const struct worker_rec *w, int64_t client_id)
{
	size_t lo = 0, hi = w->n_clear < MODEL_MAX_CLEAR ? w->n_clear : MODEL_MAX_CLEAR;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->clear[mid] == client_id)
			return (long)mid;
		if (w->clear[mid] < client_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct clear_terms *worker_terms(const struct worker_rec *w, int64_t client_id)
{
	for (size_t i = 0; i < w->n_terms && i < MODEL_MAX_TERMS; i++)
		if (w->terms[i].client_id == client_id)
			return &w->terms[i];
	return NULL;
}
