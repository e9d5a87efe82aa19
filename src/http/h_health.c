/* h_health.c - liveness and Prometheus metrics; neither needs a token. */
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"

/* GET /v1/health */
int h_health(struct req *r)
{
	json_t *j = json_pack("{s:s}", "status", "ok");

	if (!j)
		return ERR_NOMEM;
	http__reply(r, 200, j);
	return 0;
}

/* GET /metrics */
int h_metrics(struct req *r)
{
	struct buf b = BUF_INIT;
	size_t len;

	http__metrics_text(r->srv, &b);
	http__reply(r, 200, NULL);
	r->raw = buf_detach(&b, &len);
	if (!r->raw)
		return ERR_NOMEM;
	r->raw_len = len;
	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}
