/* audit.h - the audit trail's use cases: list it, verify its hash chain. */
#ifndef ALIHDAYA_APP_AUDIT_H
#define ALIHDAYA_APP_AUDIT_H

#include "app/records.h"

/* What a verification found. */
struct audit_check {
	int64_t checked;  /* events looked at */
	int64_t first_bad; /* 0: the chain is intact; else the first event that breaks it */
};

/* audit.read: the trail by seq (the cursor is a seq). */
int app_audit_list(const struct app *app, const struct actor *actor,
		   const struct app_page_in *in, app_rec_cb cb, void *ctx, int64_t *next,
		   struct buf *err);
/* audit.read: recomputes the chain (sec/audit.h). */
int app_audit_verify(const struct app *app, const struct actor *actor, struct audit_check *out,
		     struct buf *err);

#endif
