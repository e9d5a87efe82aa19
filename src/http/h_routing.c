/* h_routing.c - an engagement's routing configuration over HTTP (app/routing.h, docs/routing.md). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app/routing.h"
#include "http/http_int.h"
#include "util/err.h"

static int run(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	if (rc)
		return http__app_fail(r, rc, err);
	buf_release(err);
	if ((rc = http__idem(r, c)))
		return rc;
	return http__engine(r, c);
}

/* {engagement_id, weight, rings: [...], updated_at_ms} from the stored canonical text. */
static int answer(struct req *r, int64_t id)
{
	struct buf err = BUF_INIT;
	char *conf = malloc(RINDEX_TEXT_MAX);
	int64_t at = 0;
	json_t *j = NULL;
	int rc;

	if (!conf)
		return ERR_NOMEM;
	rc = app_routing_get(&r->srv->app, &r->actor, id, conf, RINDEX_TEXT_MAX, &at, &err);
	if (rc) {
		free(conf);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	j = json_loads(conf, 0, NULL);
	free(conf);
	if (!j || json_object_set_new(j, "engagement_id", json_integer((json_int_t)id)) ||
	    json_object_set_new(j, "updated_at_ms", json_integer((json_int_t)at))) {
		json_decref(j);
		return ERR_NOMEM;
	}
	return http__read(r, 0, j);
}

/* GET /v1/engagements/:id/routing -> {engagement_id, weight, rings, updated_at_ms} (staff) */
int h_routing_get(struct req *r)
{
	return answer(r, r->param[0]);
}

/*
 * PUT /v1/engagements/:id/routing {weight?, rings?: [{after_s, lower_levels_by} |
 * {after_s, skills?, langs?}]}  [Idempotency-Key]
 * Staff. Replaced whole; 400 naming the field; 200 with the configuration.
 * The engagement's queued items are placed under the new rings at once.
 */
int h_routing_put(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_ROUTING_SET);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	/* the JSON checked as every body is (depth, duplicates); the use case parses the text */
	if ((rc = http__body(r, false, &body)))
		goto out;
	rc = run(r,
		 app_routing_set(&r->srv->app, &r->actor, r->param[0], buf_str(&r->body), c, &err),
		 &err, c);
	if (!rc && r->status < 300)
		rc = answer(r, r->param[0]);
out:
	buf_release(&err);
	json_decref(body);
	http__cmd_free(c);
	return rc;
}
