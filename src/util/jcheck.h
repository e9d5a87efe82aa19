/* jcheck.h - the two steps every JSON document reader shares: a bad field named, no unknown keys. */
#ifndef ALIHDAYA_JCHECK_H
#define ALIHDAYA_JCHECK_H

#include <jansson.h>
#include <stddef.h>

/* Writes "field: msg" into why[n]; returns ERR_INVALID (a reader's `return jcheck_fail(...)`). */
int jcheck_fail(char *why, size_t n, const char *field, const char *msg);

/*
 * Every member of object o must be one of names[] (NULL-terminated): a typo
 * is an error, not silently ignored. 0, or ERR_INVALID with why[n] naming the
 * first unknown member as where.member (where "" at the top level).
 */
int jcheck_only(json_t *o, const char *const *names, const char *where, char *why, size_t n);

#endif
