/* change.h - the detail of an edit's audit event: {"<field>": {"before": x, "after": y}} as JSON
 * text, written by the engine, which has no JSON library. */
#ifndef ALIHDAYA_ENGINE_CHANGE_H
#define ALIHDAYA_ENGINE_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/buf.h"

/*
 * The fields written so far and the first error (sticky: every put after an
 * error does nothing). `struct change ch = {.b = BUF_INIT};`, then
 * change_end(), or buf_release(&ch.b) on a path that gives up.
 */
struct change {
	struct buf b;
	size_t n; /* fields written */
	int rc;
};


void change_put(struct change *ch, const char *s);
/* "<field>":{"before": — the opening of one changed field. */
void change_field(struct change *ch, const char *name);
void change_codes(struct change *ch, const char (*c)[MODEL_CODE_MAX], size_t n);
void change_ids(struct change *ch, const int64_t *ids, size_t n);
/* Each writes the field only if a and b differ. */
void change_str(struct change *ch, const char *name, const char *a, const char *b, size_t max);
void change_int(struct change *ch, const char *name, int64_t a, int64_t b);
void change_id(struct change *ch, const char *name, int64_t a, int64_t b); /* 0 is null */
void change_bool(struct change *ch, const char *name, bool a, bool b);
void change_levels(struct change *ch, const char *name, const struct skill_level *a, size_t na,
		   const struct skill_level *b, size_t nb);
/* A worker's clearances: ids, or objects for those with an expiry (ms) or terms. */
void change_clear(struct change *ch, const char *name, const struct worker_rec *a,
		  const struct worker_rec *b);
/* An engagement's sensitive fields: [{"field", "mask"}]. */
void change_sensitive(struct change *ch, const char *name, const struct sensitive_field *a,
		      size_t na, const struct sensitive_field *b, size_t nb);
/* The expiries and terms that go with an edit's clearances, from in to r. */
void change_clear_copy(struct worker_rec *r, const struct worker_rec *in);
/* The detail's text (malloc'd, "{}" when nothing changed). OUT: *out. 0 or ERR_NOMEM. */
int change_end(struct change *ch, char **out);

#endif
