/* fields.c - an engagement's declared fields rendered: the declarations as declared. */
#include "wire/fields.h"

#include "util/clock.h"

/* A stored declaration as JSON (NULL text: null). NULL on failure. */
static json_t *decl(const char *text)
{
	return text ? json_loads(text, 0, NULL) : json_null();
}

json_t *wire_engagement_fields(const struct engagement_fields *f)
{
	char at[40];

	clock_format_ms(f->updated_at, at, sizeof(at));
	/* "o" steals its value, on failure too. */
	return json_pack("{s:I, s:o, s:o, s:o}", "engagement_id", (json_int_t)f->engagement_id,
			 "payload", decl(f->payload), "result", decl(f->result), "updated_at",
			 f->updated_at ? json_string(at) : json_null());
}
