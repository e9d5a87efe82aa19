/* h_engagements.c - engagements (one client's contract for one service): create, list, get. */
#include <string.h>

#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/wire.h"

#define SLA_MAX_S ((json_int_t)10 * 365 * 86400)
#define LEASE_MAX_S ((json_int_t)30 * 86400)

/* The engagement's zone defaults to its client's. */
static int client_zone(struct req *r, int64_t client_id, char *out, size_t n)
{
	struct client_rec cl;
	int rc = store_client_get(r->srv->store, client_id, &cl);

	if (rc == ERR_NOTFOUND)
		return http__fail(r, rc, "no client %lld", (long long)client_id);
	if (rc)
		return http__fail(r, rc, NULL);
	return http__str(r, "time_zone", cl.time_zone, out, n, true);
}

/*
 * POST /v1/engagements {client_id, service_id | service_code, name,
 *   required_skills?: [{code, level}], required_languages?: [{code, level?=1}],
 *   sla_seconds, default_priority?=5, lease_seconds?=1800, time_zone?}
 */
int h_engagements_create(struct req *r)
{
	const char *name = NULL, *scode = NULL, *tz = NULL;
	json_int_t client_id = 0, service_id = 0, sla = 0, prio = 5, lease = 1800;
	json_t *in = NULL, *skills = NULL, *langs = NULL;
	struct engagement_rec *e;
	struct service_rec sv;
	struct cmd *c = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(
		 r, in, "{s:I, s?I, s?s, s:s, s?o, s?o, s:I, s?I, s?I, s?s}", "client_id",
		 &client_id, "service_id", &service_id, "service_code", &scode, "name", &name,
		 "required_skills", &skills, "required_languages", &langs, "sla_seconds", &sla,
		 "default_priority", &prio, "lease_seconds", &lease, "time_zone", &tz)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_ENGAGEMENT_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	e = &c->u.engagement;
	if ((rc = http__range(r, "client_id", client_id, 1, INT64_MAX)) ||
	    (rc = http__str(r, "name", name, e->name, sizeof(e->name), true)) ||
	    (rc = http__levels(r, "required_skills", skills, e->skills, MODEL_MAX_SKILLS,
			       &e->n_skills, true)) ||
	    (rc = http__levels(r, "required_languages", langs, e->langs, MODEL_MAX_LANGS,
			       &e->n_langs, false)) ||
	    (rc = http__range(r, "sla_seconds", sla, 1, SLA_MAX_S)) ||
	    (rc = http__range(r, "default_priority", prio, 1, 9)) ||
	    (rc = http__range(r, "lease_seconds", lease, 1, LEASE_MAX_S)))
		goto out;
	if (!!service_id == !!scode) {
		rc = http__fail(r, ERR_INVALID, "give exactly one of service_id and service_code");
		goto out;
	}
	if (scode) {
		if (strlen(scode) >= MODEL_CODE_MAX) {
			rc = http__fail(r, ERR_INVALID, "service_code is too long");
			goto out;
		}
		rc = store_service_by_code(r->srv->store, scode, &sv);
		if (rc) {
			http__fail(r, rc, rc == ERR_NOTFOUND ? "no service with this code" : NULL);
			goto out;
		}
		service_id = sv.id;
	} else if ((rc = http__range(r, "service_id", service_id, 1, INT64_MAX))) {
		goto out;
	}
	if (tz) {
		if ((rc = http__str(r, "time_zone", tz, e->time_zone, sizeof(e->time_zone), true)))
			goto out;
	} else if ((rc = client_zone(r, client_id, e->time_zone, sizeof(e->time_zone)))) {
		goto out;
	}
	if (!clock_valid_tz(e->time_zone)) {
		rc = http__fail(r, ERR_INVALID, "time_zone %s is not an IANA time zone",
				e->time_zone);
		goto out;
	}
	e->client_id = client_id;
	e->service_id = service_id;
	e->sla_ms = (int64_t)sla * 1000;
	e->default_priority = (int)prio;
	e->lease_ms = (int64_t)lease * 1000;
	if (!(rc = http__engine(r, c)))
		http__expand(r, wire_engagement_read);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

/* GET /v1/engagements?after=&limit=&client_id= (client users: their own client only) */
int h_engagements_list(struct req *r)
{
	struct store_page pg;
	int64_t client_id;
	json_t *j = NULL;
	int rc;

	if ((rc = http__page(r, &pg)) || (rc = http__query_id(r, "client_id", &client_id)))
		return rc;
	pg.client_id = client_id;
	if (r->actor.role == ROLE_CLIENT) {
		if (client_id && client_id != r->actor.client_id)
			return http__read(r, 0, wire_page(json_array(), 0));
		pg.client_id = r->actor.client_id;
	}
	rc = wire_engagement_list(r->srv->store, &pg, &j);
	return http__read(r, rc, j);
}

/* GET /v1/engagements/:id (workers may read any: it says what skills a queue needs) */
int h_engagements_get(struct req *r)
{
	struct engagement_rec e;
	int rc = store_engagement_get(r->srv->store, r->param[0], &e);

	if (rc)
		return http__fail(r, rc, NULL);
	if (r->actor.role != ROLE_WORKER && !auth_client_visible(&r->actor, e.client_id))
		return http__fail(r, ERR_NOTFOUND, NULL);
	return http__read(r, 0, wire_engagement(&e));
}
