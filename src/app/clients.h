/* clients.h - client (tenant) use cases: create, get, list. */
#ifndef ALIHDAYA_APP_CLIENTS_H
#define ALIHDAYA_APP_CLIENTS_H

#include "app/records.h"

/* A client as given; NULL when not given (an edit: unchanged). */
struct client_in {
	const char *code;      /* required: 1..MODEL_CODE_MAX-1 of [A-Za-z0-9_.:-] */
	const char *name;      /* required */
	const char *time_zone; /* an IANA zone; NULL: UTC */
};

/* client.create: fills c (CMD_CLIENT_CREATE). */
int app_client_create(const struct app *app, const struct actor *actor,
		      const struct client_in *in, struct cmd *c, struct buf *err);
/* client.read: a client user reads only its own client. */
int app_client_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct client_rec *out, struct buf *err);

#endif
