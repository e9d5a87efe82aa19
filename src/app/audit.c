/* audit.c - audit trail use cases: the trail by seq, and the check of its hash chain. */
#include "app/audit.h"

#include "sec/audit.h"
#include "util/err.h"

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
