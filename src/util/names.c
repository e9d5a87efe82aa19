/* names.c - lookups in tables of names. */
#include "util/names.h"

#include <string.h>

#include "util/err.h"

const char *names_of(const char *const *table, size_t n, int v, const char *fallback)
{
	return v >= 0 && (size_t)v < n && table[v] ? table[v] : fallback;
}

int names_index(const char *const *table, size_t n, const char *s, int *out)
{
	if (!s)
		return ERR_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (table[i] && !strcmp(s, table[i])) {
			*out = (int)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

const char *names_find(const struct name_pair *table, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(name, table[i].name))
			return table[i].text;
	return NULL;
}
