/* audit.c - audit trail use cases: the trail by seq, and the check of its hash chain. */
#include "app/audit.h"

#include "sec/audit.h"
#include "util/err.h"

static int each_event(void *ctx, const struct audit_rec *a)
{
	return app_fwd(ctx, &(struct app_rec){.kind = APP_AUDIT, .u.audit = a});
}

int app_audit_list(const struct app *app, const struct actor *actor,
		   const struct app_page_in *in, app_rec_cb cb, void *ctx, int64_t *next,
		   struct buf *err)
{
	struct app_fwd f = {cb, ctx, 0};
	struct store_page pg;
	int rc;

	*next = 0;
	if ((rc = app_allow(actor, POL_AUDIT_READ, NULL, err)) || (rc = app_page(in, &pg, err)))
		return rc;
	return app_store_end(app, &f, store_audit_list(app->store, &pg, each_event, &f, next), err);
}

int app_audit_verify(const struct app *app, const struct actor *actor, struct audit_check *out,
		     struct buf *err)
{
	int rc;

	*out = (struct audit_check){0};
	if ((rc = app_allow(actor, POL_AUDIT_READ, NULL, err)))
		return rc;
	return app_store_end(app, NULL, audit_verify(app->store, &out->checked, &out->first_bad),
			     err);
}
