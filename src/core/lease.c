/* lease.c - binary min-heap of lease deadlines. */
#include "core/lease.h"

#include <stdlib.h>

#include "util/err.h"

static int earlier(const struct lease_deadline *a, const struct lease_deadline *b)
{
	return a->expires < b->expires || (a->expires == b->expires && a->item_id < b->item_id);
}

int lease_heap_push(struct lease_heap *h, struct lease_deadline d)
{
	size_t i;

	if (h->n == h->alloc) {
		size_t na = h->alloc ? h->alloc * 2 : 256;
		struct lease_deadline *nv = realloc(h->v, na * sizeof(*nv));
		if (!nv)
			return ERR_NOMEM;
		h->v = nv;
		h->alloc = na;
	}
	i = h->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!earlier(&d, &h->v[p]))
			break;
		h->v[i] = h->v[p];
		i = p;
	}
	h->v[i] = d;
	return 0;
}

const struct lease_deadline *lease_heap_peek(const struct lease_heap *h)
{
	return h->n ? &h->v[0] : NULL;
}

void lease_heap_pop(struct lease_heap *h)
{
	struct lease_deadline last;
	size_t i = 0;

	if (!h->n)
		return;
	last = h->v[--h->n];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && earlier(&h->v[c + 1], &h->v[c]))
			c++;
		if (!earlier(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
}

void lease_heap_release(struct lease_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->alloc = 0;
}
