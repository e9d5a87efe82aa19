/* routing.c - `engagement routing ID [--set FILE|-]`: an engagement's widening rings and item
 * weight read or set (app/routing.h, docs/routing.md). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/routing.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"

static const char routing_usage[] =
    "usage: alihdaya engagement routing ID [--set FILE|-] [--data DIR]\n\n"
    "Without --set: prints the engagement's routing as JSON (GET\n"
    "/v1/engagements/ID/routing). With --set: replaces it from FILE (- reads stdin), a\n"
    "JSON object {\"weight\": 1..1000, \"rings\": [{\"after_s\": 60, \"lower_levels_by\": 1},\n"
    "{\"after_s\": 300, \"skills\": [{\"code\": \"tax\", \"level\": 2}], \"langs\": []}]}\n"
    "(PUT /v1/engagements/ID/routing; docs/routing.md), then prints it.\n";

static int print_routing(struct cli_noun *w, int64_t id)
{
	struct buf err = BUF_INIT;
	char *conf = malloc(RINDEX_TEXT_MAX);
	int64_t at = 0;
	json_t *j = NULL;
	int rc = conf ? app_routing_get(&w->ctx.app, &AUTH_LOCAL_ADMIN, id, conf, RINDEX_TEXT_MAX,
					&at, &err)
		      : ERR_NOMEM;

	if (!rc && (!(j = json_loads(conf, 0, NULL)) ||
		    json_object_set_new(j, "engagement_id", json_integer((json_int_t)id)) ||
		    json_object_set_new(j, "updated_at_ms", json_integer((json_int_t)at))))
		rc = ERR_NOMEM;
	if (rc)
		rc = cli_fail("engagement routing", 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	else
		cli_print_json(j);
	json_decref(j);
	free(conf);
	buf_release(&err);
	return rc;
}

/* The whole of FILE or stdin, at most RINDEX_TEXT_MAX bytes. */
static int read_all(const char *path, struct buf *out, struct buf *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char chunk[4096];
	size_t n;
	int rc = 0;

	if (!f)
		return buf_error(err, ERR_INVALID, "cannot open %s", path);
	buf_init(out, RINDEX_TEXT_MAX);
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(out, chunk, n);
	if (!rc && ferror(f))
		rc = buf_error(err, ERR_IO, "cannot read %s", path);
	else if (rc == ERR_TOOBIG)
		buf_error(err, ERR_INVALID, "%s is larger than %d bytes", path, RINDEX_TEXT_MAX);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int set_routing(struct cli_noun *w, int64_t id, const char *path)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct cmd *c = calloc(1, sizeof(*c));
	bool opened = false;
	int rc;

	if (!c)
		return cli_fail("engagement routing", 1, "%s", err_message(ERR_NOMEM));
	if ((rc = read_all(path, &text, &err)))
		goto out;
	if (cli_noun_open(w, CLI_WRITE)) {
		rc = 1;
		goto done;
	}
	opened = true;
	if ((rc = app_routing_set(&w->ctx.app, cli_actor(&w->ctx), id, buf_str(&text), c, &err)))
		goto out;
	if (cli_engine(&w->ctx, "engagement routing", c)) {
		rc = 1;
		goto close;
	}
	rc = print_routing(w, id);
	goto close;
out:
	rc = cli_fail("engagement routing", rc == ERR_INVALID ? 2 : 1, "%s",
		      err.len ? buf_str(&err) : err_message(rc));
close:
	if (opened)
		cli_close(&w->ctx);
done:
	cmd_release(c);
	free(c);
	buf_release(&text);
	buf_release(&err);
	return rc;
}

int cli_engagement_routing(int argc, char **argv)
{
	return cli_engagement_doc(argc, argv, "engagement routing", routing_usage, set_routing, print_routing);
}
