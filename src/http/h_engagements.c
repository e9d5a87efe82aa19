/* h_engagements.c - engagements (one client's contract for one service): create, list, get. */
#include "app/engagements.h"
#include "http/http_int.h"

/*
 * POST /v1/engagements {client_id, service_id | service_code, name,
 *   required_skills?: [{code, level}], required_languages?: [{code, level?=1}],
 *   sla_seconds, default_priority?=5, lease_seconds?=1800 (KPO: 28800),
 *   lease_max_seconds?=4 x lease_seconds, time_zone?}
 */
int h_engagements_create(struct req *r)
{
	struct app_level_in skills[MODEL_MAX_SKILLS], langs[MODEL_MAX_LANGS];
	struct engagement_in in = ENGAGEMENT_IN_INIT;
	json_int_t client_id = 0, service_id = 0, sla = 0;
	json_t *jskills = NULL, *jlangs = NULL, *jprio = NULL, *jlease = NULL, *jmax = NULL;
	struct http_write w;
	int rc;

	if (http__write_begin(r, &w, CMD_ENGAGEMENT_CREATE,
			      "{s:I, s?I, s?s, s:s, s?o, s?o, s:I, s?o, s?o, s?o, s?s}", "client_id",
			      &client_id, "service_id", &service_id, "service_code",
			      &in.service_code, "name", &in.name, "required_skills", &jskills,
			      "required_languages", &jlangs, "sla_seconds", &sla,
			      "default_priority", &jprio, "lease_seconds", &jlease,
			      "lease_max_seconds", &jmax, "time_zone", &in.time_zone))
		return w.rc;
	in.client_id = client_id;
	in.service_id = service_id;
	in.skills = skills;
	in.langs = langs;
	in.sla_s = (double)sla;
	if (!(rc = http__levels(r, "required_skills", jskills, skills, MODEL_MAX_SKILLS,
				&in.n_skills)) &&
	    !(rc = http__levels(r, "required_languages", jlangs, langs, MODEL_MAX_LANGS,
				&in.n_langs)) &&
	    !(rc = http__num(r, "default_priority", jprio, &in.priority)) &&
	    !(rc = http__num(r, "lease_seconds", jlease, &in.lease_s)))
		rc = http__num(r, "lease_max_seconds", jmax, &in.lease_max_s);
	return http__write_end(&w, rc, &in);
}

/* GET /v1/engagements?after=&limit=&client_id= (client users: their own client only) */
int h_engagements_list(struct req *r)
{
	return http__list(r, APP_ENGAGEMENT, true);
}

/* GET /v1/engagements/:id (workers: of the clients they are cleared for) */
int h_engagements_get(struct req *r)
{
	return http__get(r, APP_ENGAGEMENT, r->param[0]);
}
