/* keys.c - the keyring's status and a rotation as JSON (wire/keys.h). */
#include "wire/keys.h"

json_t *wire_keys_status(const struct keys_view *v)
{
	json_t *list = json_array(), *j;

	for (size_t i = 0; list && i < v->n; i++) {
		const struct keys_client *c = &v->clients[i];

		if (json_array_append_new(list, json_pack("{s:I, s:I, s:I, s:b}", "client_id",
							  (json_int_t)c->client_id, "version",
							  (json_int_t)c->version, "versions",
							  (json_int_t)c->n_versions, "destroyed",
							  c->destroyed))) {
			json_decref(list);
			return NULL;
		}
	}
	if (!list)
		return NULL;
	j = json_pack("{s:I, s:s, s:o}", "master_version", (json_int_t)v->info.master_version,
		      "master_source", v->info.master_source, "clients", list);
	return j;
}

json_t *wire_keys_rotation(const struct keys_rotation *r)
{
	return json_pack("{s:I, s:b, s:I}", "master_version", (json_int_t)r->master_version,
			 "master_changed", r->master_changed, "clients", (json_int_t)r->clients);
}
