/* audit.h - the audit trail's check: verify its hash chain (its list: app_list(APP_AUDIT)). */
#ifndef ALIHDAYA_APP_AUDIT_H
#define ALIHDAYA_APP_AUDIT_H

#include "app/records.h"

/* What a verification found. */
struct audit_check {
	int64_t checked;  /* events looked at */
	int64_t first_bad; /* 0: the chain is intact; else the first event that breaks it */
};

/* audit.read: recomputes the chain (sec/audit.h). */
int app_audit_verify(const struct app *app, const struct actor *actor, struct audit_check *out,
		     struct buf *err);

#endif
