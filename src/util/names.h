/* names.h - tables of names: the names of an enum's values, and names paired with a text. */
#ifndef ALIHDAYA_NAMES_H
#define ALIHDAYA_NAMES_H

#include <stddef.h>

/*
 * An enum's names: a table indexed by value (a NULL cell is a value without
 * a name). names_of() answers the name of v, or fallback for a value out of
 * the table or without a name; names_index() the value of the name s: 0 and
 * *out set, or ERR_INVALID (also for s NULL).
 */
const char *names_of(const char *const *table, size_t n, int v, const char *fallback);
int names_index(const char *const *table, size_t n, const char *s, int *out);

#define NAMES_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/*
 * Defines PREFIX_name(TYPE) ("unknown" for a value without a name) and
 * PREFIX_parse(const char *, TYPE *) (0 or ERR_INVALID) over TABLE.
 */
#define NAMES_ENUM(PREFIX, TYPE, TABLE)                                                            \
	const char *PREFIX##_name(TYPE v)                                                          \
	{                                                                                          \
		return names_of(TABLE, NAMES_COUNT(TABLE), (int)v, "unknown");                     \
	}                                                                                          \
	int PREFIX##_parse(const char *s, TYPE *out)                                               \
	{                                                                                          \
		int v, rc = names_index(TABLE, NAMES_COUNT(TABLE), s, &v);                         \
                                                                                                   \
		if (!rc)                                                                           \
			*out = (TYPE)v;                                                            \
		return rc;                                                                         \
	}

/* A name and its text (a file extension and its content type, ...). */
struct name_pair {
	const char *name;
	const char *text;
};

/* The text paired with name in table[n], or NULL when there is none (or name is NULL). */
const char *names_find(const struct name_pair *table, size_t n, const char *name);

#endif
