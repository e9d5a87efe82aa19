/* h_edit.c - edits of records (PATCH) and switching them off and on (deactivate, activate). */
#include <stdlib.h>

#include "app/clients.h"
#include "app/engagements.h"
#include "app/people.h"
#include "app/services.h"
#include "http/http_int.h"
#include "util/err.h"

/*
 * A PATCH body holds only the fields to change, each as its create takes it
 * (docs/api.md); a field the record cannot change, or any other, answers
 * 400 (the unpack is strict). The use case is the create's input rules
 * applied to the fields given (app_update()); the answer is the record as
 * it now is.
 */

/* PATCH /v1/clients/:id {name?, time_zone?} */
int h_clients_update(struct req *r)
{
	struct client_in in = {0};
	struct app_update_in u = {.id = r->param[0], .in = &in};

	return http__write(r, CMD_CLIENT_UPDATE, &u, "{s?s, s?s}", "name", &in.name, "time_zone",
			   &in.time_zone);
}

/* PATCH /v1/services/:id {name?, category?} */
int h_services_update(struct req *r)
{
	struct service_in in = {0};
	struct app_update_in u = {.id = r->param[0], .in = &in};

	return http__write(r, CMD_SERVICE_UPDATE, &u, "{s?s, s?s}", "name", &in.name, "category",
			   &in.category);
}

/*
 * PATCH /v1/engagements/:id {name?, required_skills?, required_languages?, sla_seconds?,
 *   default_priority?, lease_seconds?, lease_max_seconds?, time_zone?, sensitive?,
 *   retention_days?, wall?}
 */
int h_engagements_update(struct req *r)
{
	struct app_level_in skills[MODEL_MAX_SKILLS], langs[MODEL_MAX_LANGS];
	struct sensitive_in sens[MODEL_MAX_SENSITIVE];
	int64_t wall[MODEL_MAX_WALL];
	const char *types[MODEL_MAX_ITEM_TYPES];
	json_t *jtypes = NULL;
	struct engagement_in in = ENGAGEMENT_IN_INIT;
	struct app_update_in u = {.id = r->param[0], .in = &in};
	json_t *jskills = NULL, *jlangs = NULL, *jsla = NULL, *jprio = NULL, *jlease = NULL,
	       *jmax = NULL, *jsens = NULL, *jret = NULL, *jwall = NULL;
	struct http_write w;
	int rc;

	if (http__write_begin(r, &w, CMD_ENGAGEMENT_UPDATE,
			      "{s?s, s?o, s?o, s?o, s?o, s?o, s?o, s?s, s?o, s?o, s?o, s?o}", "name",
			      &in.name, "required_skills", &jskills, "required_languages", &jlangs,
			      "sla_seconds", &jsla, "default_priority", &jprio, "lease_seconds",
			      &jlease, "lease_max_seconds", &jmax, "time_zone", &in.time_zone,
			      "sensitive", &jsens, "retention_days", &jret, "wall", &jwall,
			      "item_types", &jtypes))
		return w.rc;
	in.sensitive = sens;
	in.has_sensitive = jsens;
	in.skills = skills;
	in.langs = langs;
	in.has_skills = jskills;
	in.has_langs = jlangs;
	if (!(rc = http__levels(r, "required_skills", jskills, skills, MODEL_MAX_SKILLS,
				&in.n_skills)) &&
	    !(rc = http__levels(r, "required_languages", jlangs, langs, MODEL_MAX_LANGS,
				&in.n_langs)) &&
	    !(rc = http__num(r, "sla_seconds", jsla, &in.sla_s)) &&
	    !(rc = http__num(r, "default_priority", jprio, &in.priority)) &&
	    !(rc = http__num(r, "lease_seconds", jlease, &in.lease_s)) &&
	    !(rc = http__sensitive(r, jsens, sens, MODEL_MAX_SENSITIVE, &in.n_sensitive)) &&
	    !(rc = http__num(r, "retention_days", jret, &in.retention_days)) &&
	    !(rc = http__wall(r, jwall, wall, &in)) &&
	    !(rc = http__item_types(r, jtypes, types, &in)))
		rc = http__num(r, "lease_max_seconds", jmax, &in.lease_max_s);
	return http__write_end(&w, rc, &u);
}

/* PATCH /v1/users/:id {name?, role?, client_id?} (client_id: only with role client) */
int h_users_update(struct req *r)
{
	struct user_in in = {0};
	struct app_update_in u = {.id = r->param[0], .in = &in};
	json_t *jclient = NULL;
	struct http_write w;
	int rc = 0;

	if (http__write_begin(r, &w, CMD_USER_UPDATE, "{s?s, s?s, s?o}", "name", &in.name, "role",
			      &in.role, "client_id", &jclient))
		return w.rc;
	if (jclient) {
		if (!json_is_integer(jclient))
			rc = http__fail(r, ERR_INVALID, "invalid body: client_id must be an integer");
		in.has_client_id = true;
		in.client_id = json_integer_value(jclient);
	}
	return http__write_end(&w, rc, &u);
}

/*
 * POST /v1/{clients,engagements,users,workers}/:id/deactivate {}  [Idempotency-Key]
 * POST /v1/{clients,engagements,users,workers}/:id/activate {}  [Idempotency-Key]
 * 200 with the record as it now is ("active": false or true).
 */
static int set_active(struct req *r, enum app_kind k, bool on)
{
	struct app_active_in in = {.kind = k, .id = r->param[0], .active = on};

	return http__write(r, CMD_RECORD_ACTIVE, &in, "{}");
}

#define ACTIVE_ROUTES(NOUN, KIND)                                                                  \
	int h_##NOUN##_deactivate(struct req *r)                                                   \
	{                                                                                          \
		return set_active(r, KIND, false);                                                 \
	}                                                                                          \
	int h_##NOUN##_activate(struct req *r)                                                     \
	{                                                                                          \
		return set_active(r, KIND, true);                                                  \
	}

ACTIVE_ROUTES(clients, APP_CLIENT)
ACTIVE_ROUTES(engagements, APP_ENGAGEMENT)
ACTIVE_ROUTES(users, APP_USER)
ACTIVE_ROUTES(workers, APP_WORKER)

#undef ACTIVE_ROUTES
