/* rindex_json.h - an engagement's routing configuration (core/rindex.h) as JSON, read and written. */
#ifndef ALIHDAYA_RINDEX_JSON_H
#define ALIHDAYA_RINDEX_JSON_H

#include <stddef.h>

#include "core/rindex.h"

/*
 * The body of PUT /v1/engagements/:id/routing and its stored form:
 *
 *   {"weight": 1..1000,                      (optional, 1)
 *    "rings": [                              (optional, at most 7)
 *      {"after_s": 60, "lower_levels_by": 1},
 *      {"after_s": 300, "skills": [{"code": "tax", "level": 2}], "langs": []}]}
 *
 * A ring names after_s (whole seconds of waiting, 1..RINDEX_AFTER_MAX_S,
 * strictly increasing) and either lower_levels_by (1..4: the engagement's
 * own levels lowered) or skills and/or langs (another set of requirements;
 * empty lists: anyone cleared for the client). An unknown field, a wrong
 * type, a bound crossed: ERR_INVALID with why naming the field.
 */
#define RINDEX_AFTER_MAX_S (30LL * 86400)
#define RINDEX_TEXT_MAX 6144 /* bytes of the canonical text (the command carries it inline) */

/* Reads text into *out (then rindex_conf_check()ed): 0 or ERR_INVALID with why[n]. */
int rindex_conf_parse(const char *text, struct rindex_conf *out, char *why, size_t n);
/*
 * The canonical text of c into out[n] (compact, keys sorted, every ring in
 * full): 0, ERR_TOOBIG (longer than n - 1) or ERR_NOMEM.
 */
int rindex_conf_text(const struct rindex_conf *c, char *out, size_t n);

#endif
