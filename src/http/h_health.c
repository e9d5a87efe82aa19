/* h_health.c - liveness and Prometheus metrics: totals public, per engagement for staff. */
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

/*
 * GET /metrics (public): the process's totals only. GET /v1/metrics
 * (metrics.read: staff and auditors, a bearer token in the scraper's
 * configuration) adds the series per engagement and the workers by state:
 * which engagements a provider runs and their volumes are not for anyone who
 * can reach the port, nor for one client about another.
 */
static int metrics(struct req *r, bool detail)
{
	struct buf b = BUF_INIT;
	size_t len;

	http__metrics_text(r->srv, &b, detail);
	http__reply(r, 200, NULL);
	r->raw = buf_detach(&b, &len);
	if (!r->raw)
		return ERR_NOMEM;
	r->raw_len = len;
	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

int h_metrics(struct req *r)
{
	return metrics(r, false);
}

int h_metrics_detail(struct req *r)
{
	return metrics(r, true);
}
