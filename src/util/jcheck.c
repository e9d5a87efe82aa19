/* jcheck.c - a bad field named, no unknown keys: shared by core's JSON document readers. */
#include "util/jcheck.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

int jcheck_fail(char *why, size_t n, const char *field, const char *msg)
{
	snprintf(why, n, "%s: %s", field, msg);
	return ERR_INVALID;
}

int jcheck_only(json_t *o, const char *const *names, const char *where, char *why, size_t n)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;

		for (i = 0; names[i]; i++)
			if (!strcmp(names[i], k))
				break;
		if (!names[i]) {
			char f[160];

			snprintf(f, sizeof(f), "%s%s%.64s", where, where[0] ? "." : "", k);
			return jcheck_fail(why, n, f, "unknown field");
		}
	}
	(void)v;
	return 0;
}
