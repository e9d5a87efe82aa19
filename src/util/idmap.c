/* idmap.c - open-addressing int64 -> pointer map with backward-shift deletion. */
#include "util/idmap.h"

#include <stdlib.h>

#include "util/err.h"

static size_t slot_of(int64_t id, size_t cap)
{
	return (size_t)id_hash(id) & (cap - 1);
}

void *idmap_get(const struct idmap *m, int64_t id)
{
	size_t i;

	if (!m->cap || id <= 0)
		return NULL;
	for (i = slot_of(id, m->cap); m->slots[i].id; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].id == id)
			return m->slots[i].val;
	return NULL;
}

static void place(struct idmap_slot *slots, size_t cap, int64_t id, void *val)
{
	size_t i = slot_of(id, cap);

	while (slots[i].id && slots[i].id != id)
		i = (i + 1) & (cap - 1);
	slots[i].id = id;
	slots[i].val = val;
}

static int grow_to(struct idmap *m, size_t ncap)
{
	struct idmap_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].id)
			place(ns, ncap, m->slots[i].id, m->slots[i].val);
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

static int grow(struct idmap *m)
{
	return grow_to(m, m->cap ? m->cap * 2 : 64);
}

int idmap_reserve(struct idmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;

	/* The capacity idmap_put() would reach for n entries: n * 4 <= cap * 3. */
	while (n > cap / 4 * 3) {
		if (cap > SIZE_MAX / 2 / sizeof(struct idmap_slot))
			return ERR_NOMEM;
		cap *= 2;
	}
	return cap > m->cap ? grow_to(m, cap) : 0;
}

int idmap_put(struct idmap *m, int64_t id, void *val)
{
	size_t i;

	if (id <= 0)
		return ERR_INVALID;
	if ((m->n + 1) * 4 > m->cap * 3) {
		int rc = grow(m);
		if (rc)
			return rc;
	}
	for (i = slot_of(id, m->cap); m->slots[i].id; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].id == id) {
			m->slots[i].val = val;
			return 0;
		}
	}
	m->slots[i].id = id;
	m->slots[i].val = val;
	m->n++;
	return 0;
}

void *idmap_del(struct idmap *m, int64_t id)
{
	size_t i, j, k, mask;
	void *val;

	if (!m->cap || id <= 0)
		return NULL;
	mask = m->cap - 1;
	for (i = slot_of(id, m->cap); m->slots[i].id != id; i = (i + 1) & mask)
		if (!m->slots[i].id)
			return NULL;
	val = m->slots[i].val;
	/* Backward shift: move later entries of the probe run into the hole. */
	for (j = (i + 1) & mask; m->slots[j].id; j = (j + 1) & mask) {
		k = slot_of(m->slots[j].id, m->cap);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].id = 0;
	m->slots[i].val = NULL;
	m->n--;
	return val;
}

int idmap_next(const struct idmap *m, size_t *pos, int64_t *id, void **val)
{
	while (*pos < m->cap) {
		size_t i = (*pos)++;
		if (m->slots[i].id) {
			*id = m->slots[i].id;
			*val = m->slots[i].val;
			return 1;
		}
	}
	return 0;
}

void idmap_release(struct idmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = 0;
	m->n = 0;
}
