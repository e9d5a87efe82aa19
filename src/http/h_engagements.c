/* h_engagements.c - engagements (one client's contract for one service): create, list, get. */
#include "app/engagements.h"
#include "http/http_int.h"
#include "util/err.h"

int http__sensitive(struct req *r, json_t *arr, struct sensitive_in *out, size_t cap, size_t *n)
{
	size_t i;
	json_t *el;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "sensitive must be an array of {field, mask}");
	*n = json_array_size(arr);
	json_array_foreach(arr, i, el)
	{
		json_error_t e;

		if (i >= cap)
			break;
		if (json_unpack_ex(el, &e, JSON_STRICT, "{s:s, s:s}", "field", &out[i].field,
				   "mask", &out[i].mask))
			return http__fail(r, ERR_INVALID, "sensitive[%zu]: %s", i, e.text);
	}
	return 0;
}

int http__item_types(struct req *r, json_t *v, const char **out, struct engagement_in *in)
{
	size_t i;
	json_t *el;

	in->has_item_types = v != NULL;
	in->item_types = out;
	in->n_item_types = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return http__fail(r, ERR_INVALID, "item_types must be an array of type codes");
	if (json_array_size(v) > MODEL_MAX_ITEM_TYPES)
		return http__fail(r, ERR_INVALID, "item_types holds more than %d types",
				  MODEL_MAX_ITEM_TYPES);
	json_array_foreach(v, i, el)
	{
		if (!json_is_string(el))
			return http__fail(r, ERR_INVALID, "item_types[%zu] must be a string", i);
		out[i] = json_string_value(el);
	}
	in->n_item_types = json_array_size(v);
	return 0;
}

int http__wall(struct req *r, json_t *v, int64_t *ids, struct engagement_in *in)
{
	json_t *clients = NULL, *days = NULL, *el;
	json_error_t e;
	size_t i;
	int rc;

	in->has_wall = v != NULL;
	in->wall = ids;
	if (!v || json_is_null(v))
		return 0;
	if (json_unpack_ex(v, &e, JSON_STRICT, "{s:o, s?o}", "clients", &clients, "days", &days) ||
	    !json_is_array(clients))
		return http__fail(r, ERR_INVALID,
				  "wall must be {\"clients\": [client id], \"days\": N} or null");
	in->n_wall = json_array_size(clients);
	json_array_foreach(clients, i, el)
	{
		if (i >= MODEL_MAX_WALL)
			break;
		if (!json_is_integer(el))
			return http__fail(r, ERR_INVALID, "wall.clients[%zu] must be a client id", i);
		ids[i] = json_integer_value(el);
	}
	if ((rc = http__num(r, "wall.days", days, &in->wall_days)))
		return rc;
	return 0;
}

/*
 * POST /v1/engagements {client_id, service_id | service_code, name,
 *   required_skills?: [{code, level}], required_languages?: [{code, level?=1}],
 *   sla_seconds, default_priority?=5, lease_seconds?=1800 (KPO: 28800),
 *   lease_max_seconds?=4 x lease_seconds, time_zone?,
 *   sensitive?: [{field, mask: last4|initials|hidden}], retention_days?=0,
 *   wall?: {clients: [client id], days}}
 */
int h_engagements_create(struct req *r)
{
	struct app_level_in skills[MODEL_MAX_SKILLS], langs[MODEL_MAX_LANGS];
	struct sensitive_in sens[MODEL_MAX_SENSITIVE];
	int64_t wall[MODEL_MAX_WALL];
	const char *types[MODEL_MAX_ITEM_TYPES];
	json_t *jtypes = NULL;
	struct engagement_in in = ENGAGEMENT_IN_INIT;
	json_int_t client_id = 0, service_id = 0, sla = 0;
	json_t *jskills = NULL, *jlangs = NULL, *jprio = NULL, *jlease = NULL, *jmax = NULL,
	       *jsens = NULL, *jret = NULL, *jwall = NULL;
	struct http_write w;
	int rc;

	if (http__write_begin(r, &w, CMD_ENGAGEMENT_CREATE,
			      "{s:I, s?I, s?s, s:s, s?o, s?o, s:I, s?o, s?o, s?o, s?s, s?o, s?o, s?o, s?o}",
			      "client_id", &client_id, "service_id", &service_id, "service_code",
			      &in.service_code, "name", &in.name, "required_skills", &jskills,
			      "required_languages", &jlangs, "sla_seconds", &sla,
			      "default_priority", &jprio, "lease_seconds", &jlease,
			      "lease_max_seconds", &jmax, "time_zone", &in.time_zone, "sensitive",
			      &jsens, "retention_days", &jret, "wall", &jwall, "item_types", &jtypes))
		return w.rc;
	in.sensitive = sens;
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
	    !(rc = http__num(r, "lease_seconds", jlease, &in.lease_s)) &&
	    !(rc = http__sensitive(r, jsens, sens, MODEL_MAX_SENSITIVE, &in.n_sensitive)) &&
	    !(rc = http__num(r, "retention_days", jret, &in.retention_days)) &&
	    !(rc = http__wall(r, jwall, wall, &in)) &&
	    !(rc = http__item_types(r, jtypes, types, &in)))
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
