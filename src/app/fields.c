/* fields.c - an engagement's declared fields: read as the engagement is, declared by staff. */
#include "app/fields.h"

#include <stdlib.h>
#include <string.h>

#include "app/engagements.h"
#include "app/records.h"
#include "core/fields.h"
#include "util/err.h"

void engagement_fields_release(struct engagement_fields *f)
{
	free(f->payload);
	free(f->result);
	f->payload = f->result = NULL;
}

int app_engagement_fields_get(const struct app *app, const struct actor *actor, int64_t id,
			      struct engagement_fields *out, struct buf *err)
{
	struct engagement_rec e;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The role's rule first (403); then the engagement as engagement.read sees it (404). */
	if ((rc = app_allow(actor, POL_ENGAGEMENT_FIELDS_READ, NULL, err)))
		return rc;
	if ((rc = app_engagement_get(app, actor, id, &e, err)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld", (long long)id)
					  : rc;
	out->engagement_id = id;
	out->client_id = e.client_id;
	rc = store_engagement_fields_get(app->store, id, &out->payload, &out->result,
					 &out->updated_at);
	return rc ? app_got(app, rc, err) : 0;
}

/* One side's declaration checked; its problems appended to err after `what: `. */
static int side_check(const char *what, const char *text, struct buf *err, bool *bad)
{
	struct buf why = BUF_INIT;
	struct fieldset *fs = NULL;
	int rc;

	if (!text)
		return 0;
	rc = fieldset_parse(text, &fs, &why);
	fieldset_free(fs);
	if (rc == ERR_INVALID || rc == ERR_TOOBIG) {
		buf_printf(err, "%s%s: %s", *bad ? "; " : "", what, buf_str(&why));
		*bad = true;
	}
	buf_release(&why);
	return rc;
}

int app_engagement_fields_set(const struct app *app, const struct actor *actor, int64_t id,
			      const char *payload, const char *result, struct cmd *c,
			      struct buf *err)
{
	struct engagement_rec e;
	bool bad = false;
	int rc, rp, rr;

	if ((rc = app_allow(actor, POL_ENGAGEMENT_FIELDS_SET, NULL, err)))
		return rc;
	if ((rc = store_engagement_get(app->store, id, &e)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld", (long long)id)
					  : app_got(app, rc, err);
	/* Both sides checked before answering, so one answer names every problem of both. */
	rp = side_check("payload", payload, err, &bad);
	rr = side_check("result", result, err, &bad);
	if (rp == ERR_TOOBIG || rr == ERR_TOOBIG)
		return ERR_TOOBIG;
	if (rp || rr)
		return rp ? rp : rr;
	c->type = CMD_ENGAGEMENT_FIELDS;
	c->actor = actor;
	memset(&c->u.fields, 0, sizeof(c->u.fields));
	c->u.fields.engagement_id = id;
	c->u.fields.payload = payload;
	c->u.fields.result = result;
	return 0;
}
