/* services.h - the provider's service catalogue: create, get, list. */
#ifndef ALIHDAYA_APP_SERVICES_H
#define ALIHDAYA_APP_SERVICES_H

#include "app/records.h"

/* A service as given; every field required on create (an edit: NULL is unchanged). */
struct service_in {
	const char *code;     /* a code */
	const char *name;     /* a display name */
	const char *kind;     /* "bpo" or "kpo" */
	const char *category; /* a code */
};

/* service.create: fills c (CMD_SERVICE_CREATE). */
int app_service_create(const struct app *app, const struct actor *actor,
		       const struct service_in *in, struct cmd *c, struct buf *err);
int app_service_get(const struct app *app, const struct actor *actor, int64_t id,
		    struct service_rec *out, struct buf *err);

#endif
