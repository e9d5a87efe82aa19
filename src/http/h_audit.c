/* h_audit.c - the audit trail: list it, verify its hash chain. */
#include "http/http_int.h"
#include "sec/audit.h"
#include "util/err.h"
#include "wire/wire.h"

/* GET /v1/audit?after=&limit= */
int h_audit_list(struct req *r)
{
	struct store_page pg;
	json_t *j = NULL;
	int rc;

	if ((rc = http__page(r, &pg)))
		return rc;
	rc = wire_audit_list(r->srv->store, &pg, &j);
	return http__read(r, rc, j);
}

/* GET /v1/audit/verify -> {"checked": N, "intact": bool, "first_bad_seq": N | null} */
int h_audit_verify(struct req *r)
{
	int64_t checked = 0, bad = 0;
	json_t *j;
	int rc;

	rc = audit_verify(r->srv->store, &checked, &bad);
	if (rc)
		return http__fail(r, rc, NULL);
	j = json_pack("{s:I, s:b, s:o}", "checked", (json_int_t)checked, "intact", bad == 0,
		      "first_bad_seq", bad ? json_integer(bad) : json_null());
	return j ? http__read(r, 0, j) : http__fail(r, ERR_NOMEM, NULL);
}
