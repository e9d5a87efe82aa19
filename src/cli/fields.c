/* fields.c - `engagement fields ID [--set FILE|-]`: an engagement's declared fields read or
 * declared (app/fields.h). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/fields.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/fields.h"
#include "util/err.h"
#include "wire/fields.h"

static const char fields_usage[] =
    "usage: alihdaya engagement fields ID [--set FILE|-] [--data DIR]\n\n"
    "Without --set: prints the engagement's declared payload and result fields as JSON\n"
    "(GET /v1/engagements/ID/fields). With --set: declares them from FILE (- reads\n"
    "stdin), a JSON object {\"payload\": [field, ...] | null, \"result\": [...] | null}\n"
    "that replaces both (PUT /v1/engagements/ID/fields; docs/api.md \"Fields\"), then\n"
    "prints the declaration. A side absent or null is not declared: any JSON is taken.\n";

/* The whole of FILE or stdin, at most FIELDS_DECL_MAX x 2 bytes. */
static int read_all(const char *path, struct buf *out, struct buf *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (!f)
		return buf_error(err, ERR_INVALID, "cannot open %s", path);
	buf_init(out, FIELDS_DECL_MAX * 2);
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(out, chunk, n);
	if (!rc && ferror(f))
		rc = buf_error(err, ERR_IO, "cannot read %s", path);
	else if (rc == ERR_TOOBIG)
		buf_error(err, rc, "%s is larger than %zu bytes", path, FIELDS_DECL_MAX * 2);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* One side of the object as its JSON text (NULL: not declared). */
static int side_text(json_t *o, const char *what, char **out, struct buf *err)
{
	json_t *v = json_object_get(o, what);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return buf_error(err, ERR_INVALID, "%s must be a JSON array of fields, or null",
				 what);
	*out = json_dumps(v, JSON_COMPACT);
	return *out ? 0 : buf_error(err, ERR_NOMEM, "out of memory");
}

static int print_fields(struct cli_noun *w, int64_t id)
{
	struct engagement_fields f = ENGAGEMENT_FIELDS_INIT;
	struct buf err = BUF_INIT;
	int rc = app_engagement_fields_get(&w->ctx.app, &AUTH_LOCAL_ADMIN, id, &f, &err);
	json_t *j = rc ? NULL : wire_engagement_fields(&f);

	if (rc)
		rc = cli_fail("engagement fields", 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	else if (!j)
		rc = cli_fail("engagement fields", 1, "%s", err_message(ERR_NOMEM));
	else
		cli_print_json(j);
	json_decref(j);
	engagement_fields_release(&f);
	buf_release(&err);
	return rc;
}

/* Declares from the text in: checked (every problem named), run, then printed. */
static int set_fields(struct cli_noun *w, int64_t id, const char *path)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	char *pt = NULL, *rt = NULL;
	json_t *o = NULL;
	const char *key;
	json_t *v;
	struct cmd *c = calloc(1, sizeof(*c));
	bool opened = false;
	int rc;

	if (!c)
		return cli_fail("engagement fields", 1, "%s", err_message(ERR_NOMEM));
	if ((rc = read_all(path, &text, &err)))
		goto out;
	o = json_loadb(buf_str(&text), text.len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		rc = buf_error(&err, ERR_INVALID,
			       "%s is not a JSON object {\"payload\": [...], \"result\": [...]}",
			       path);
		goto out;
	}
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "payload") && strcmp(key, "result")) {
			rc = buf_error(&err, ERR_INVALID, "unknown member %s (payload, result)",
				       key);
			goto out;
		}
	}
	if ((rc = side_text(o, "payload", &pt, &err)) || (rc = side_text(o, "result", &rt, &err)))
		goto out;
	if (cli_noun_open(w, CLI_WRITE)) {
		rc = 1;
		goto done;
	}
	opened = true;
	rc = app_engagement_fields_set(&w->ctx.app, cli_actor(&w->ctx), id, pt, rt, c, &err);
	if (rc)
		goto out;
	if (cli_engine(&w->ctx, "engagement fields", c)) {
		rc = 1;
		goto close;
	}
	rc = print_fields(w, id);
	goto close;
out:
	rc = cli_fail("engagement fields", rc == ERR_INVALID || rc == ERR_TOOBIG ? 2 : 1, "%s",
		      err.len ? buf_str(&err) : err_message(rc));
close:
	if (opened)
		cli_close(&w->ctx);
done:
	cmd_release(c);
	free(c);
	free(pt);
	free(rt);
	json_decref(o);
	buf_release(&text);
	buf_release(&err);
	return rc;
}

int cli_engagement_fields(int argc, char **argv)
{
	return cli_engagement_doc(argc, argv, "engagement fields", fields_usage, set_fields, print_fields);
}
