/* h_audit.c - the audit trail: list it, verify its hash chain (app/audit.h). */
#include "app/audit.h"
#include "http/http_int.h"
#include "util/err.h"

/* GET /v1/audit?after=&limit= */
int h_audit_list(struct req *r)
{
	return http__list(r, APP_AUDIT, false);
}

/* GET /v1/audit/verify -> {"checked": N, "intact": bool, "first_bad_seq": N | null} */
int h_audit_verify(struct req *r)
{
	struct audit_check ck;
	struct buf err = BUF_INIT;
	json_t *j;
	int rc = app_audit_verify(&r->srv->app, &r->actor, &ck, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	j = json_pack("{s:I, s:b, s:o}", "checked", (json_int_t)ck.checked, "intact",
		      ck.first_bad == 0, "first_bad_seq",
		      ck.first_bad ? json_integer(ck.first_bad) : json_null());
	return http__read(r, 0, j);
}
