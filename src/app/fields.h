/* fields.h - an engagement's declared payload and result fields: read, and declared (replaced whole). */
#ifndef ALIHDAYA_APP_FIELDS_H
#define ALIHDAYA_APP_FIELDS_H

#include <stdint.h>

#include "app/app.h"
#include "util/buf.h"

/*
 * docs/api.md "Fields". A declaration is a JSON array of field objects
 * (core/fields.h); an engagement declares its payload fields (checked at
 * item create) and its result fields (checked at item submit), each or
 * neither (NULL: any JSON, as before fields existed).
 */
struct engagement_fields {
	int64_t engagement_id;
	int64_t client_id;
	char *payload, *result; /* JSON texts as declared, NULL: not declared; owned */
	int64_t updated_at;	/* 0: never declared */
};

#define ENGAGEMENT_FIELDS_INIT {0, 0, NULL, NULL, 0}
void engagement_fields_release(struct engagement_fields *f);

/*
 * The declaration of engagement id: whoever may read the engagement
 * (engagement.read, with a worker's clearances and the ethical wall) and
 * whose role has engagement.fields.read. OUT: *out. ERR_NOTFOUND (hidden
 * or missing), ERR_FORBIDDEN, the store's errors.
 */
int app_engagement_fields_get(const struct app *app, const struct actor *actor, int64_t id,
			      struct engagement_fields *out, struct buf *err);

/*
 * Both declarations checked (payload, result: JSON texts, NULL = not
 * declared), every problem of both named in err ("payload: fields[1] (x):
 * ...; result: ..."), and c filled as CMD_ENGAGEMENT_FIELDS (the texts stay
 * the caller's and must outlive the command). ERR_INVALID, ERR_TOOBIG,
 * ERR_NOTFOUND (no such engagement), ERR_FORBIDDEN.
 */
int app_engagement_fields_set(const struct app *app, const struct actor *actor, int64_t id,
			      const char *payload, const char *result, struct cmd *c,
			      struct buf *err);

#endif
