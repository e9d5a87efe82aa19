/* keying.c - `engagement keying ID [--mode ...]`: an engagement's keying settings, read or set. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/keying.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/remote.h"
#include "util/err.h"
#include "wire/keying.h"

static const char keying_usage[] =
    "usage: alihdaya engagement keying ID [--mode single|double|overlap] [--k N] [--max-k N]\n"
    "                                    [--min-confidence X] [--field NAME]\n"
    "                                    [--aggregate majority|dawid_skene] [--json]\n"
    "                                    [--data DIR]\n\n"
    "Without --mode, prints the engagement's keying; with it, sets it (as PUT\n"
    "/v1/engagements/ID/keying, docs/api.md \"Double keying and overlap\"): double keying\n"
    "has each item keyed by two workers and a third adjudicating a disagreement; overlap\n"
    "asks k answers (2..15), up to max-k while the consensus is under min-confidence.\n";

static void print_text(const struct keying_conf *k)
{
	printf("engagement %lld keying %s", (long long)k->engagement_id,
	       keying_mode_name(k->mode));
	if (k->mode == KEYING_OVERLAP)
		printf(" k %d max_k %d min_confidence %.2f field %s aggregate %s", k->k, k->max_k,
		       k->min_confidence, k->field[0] ? k->field : "(whole result)",
		       keying_agg_name(k->aggregate));
	printf("\n");
}

/* A number option: "" for none. */
static int num_arg(const char *name, const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (end == s || *end || !isfinite(*out))
		return cli_fail("engagement keying", 2, "--%s: a number, not %s", name, s);
	return 0;
}

/* The checked settings as the API's PUT body (the server checks them again). */
static char *put_body(const struct keying_conf *k)
{
	json_t *j = json_pack("{s:s, s:i, s:i, s:f, s:s, s:s}", "mode", keying_mode_name(k->mode),
			      "k", k->k, "max_k", k->max_k, "min_confidence", k->min_confidence,
			      "field", k->field, "aggregate", keying_agg_name(k->aggregate));
	char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return t;
}

/* Sets the settings: on the engine, or on the running server through its socket. */
static int set(struct cli_noun *w, const struct app_keying_in *in)
{
	struct cmd c = {0};
	struct buf err = BUF_INIT;
	int rc = app_keying_set(&w->ctx.app, cli_actor(&w->ctx), in, &c, &err);

	if (rc) {
		rc = cli_fail("engagement keying", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
		buf_release(&err);
		return rc;
	}
	if (w->ctx.served) {
		char path[64], *body = put_body(&c.u.keying);
		json_t *answer = NULL;
		long status = 0;

		snprintf(path, sizeof(path), "/v1/engagements/%lld/keying",
			 (long long)in->engagement_id);
		rc = body ? cli_remote_request(&w->ctx, "PUT", path, body, &status, &answer, &err)
			  : ERR_NOMEM;
		free(body);
		if (!rc && status != 200) {
			json_t *m = json_object_get(json_object_get(answer, "error"), "message");

			rc = cli_fail("engagement keying", 1, "%s",
				      json_is_string(m) ? json_string_value(m) : "refused");
		} else if (rc) {
			rc = cli_fail("engagement keying", 1, "%s",
				      err.len ? buf_str(&err) : err_message(rc));
		}
		json_decref(answer);
		buf_release(&err);
		return rc;
	}
	buf_release(&err);
	rc = cli_engine(&w->ctx, "engagement keying", &c);
	cmd_release(&c);
	return rc;
}

int cli_engagement_keying(int argc, char **argv)
{
	static const struct option opts[] = {{"data", required_argument, 0, 'd'},
					     {"json", no_argument, 0, 'j'},
					     {"mode", required_argument, 0, 'm'},
					     {"k", required_argument, 0, 'k'},
					     {"max-k", required_argument, 0, 'x'},
					     {"min-confidence", required_argument, 0, 'c'},
					     {"field", required_argument, 0, 'f'},
					     {"aggregate", required_argument, 0, 'a'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct app_keying_in in = {.k = APP_ABSENT, .max_k = APP_ABSENT,
				   .min_confidence = APP_ABSENT};
	struct buf err = BUF_INIT;
	const char *idtext = NULL;
	struct keying_conf k;
	struct cli_noun w;
	int opt, rc = cli_noun_begin(&w, argc, argv, "engagement keying");

	if (rc)
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (opt) {
		case 'h': fputs(keying_usage, stdout); return 0;
		case 'm': in.mode = optarg; break;
		case 'k': if (num_arg("k", optarg, &in.k)) return 2; break;
		case 'x': if (num_arg("max-k", optarg, &in.max_k)) return 2; break;
		case 'c':
			if (num_arg("min-confidence", optarg, &in.min_confidence))
				return 2;
			break;
		case 'f': in.field = optarg; break;
		case 'a': in.aggregate = optarg; break;
		default: fputs(keying_usage, stderr); return 2;
		}
	}
	/* getopt ran over argv + 1 (the verb is its argv[0]) and moved the id to its end. */
	for (int i = optind + 1; i < argc; i++)
		if (!idtext)
			idtext = argv[i];
		else
			return cli_fail("engagement keying", 2, "one engagement id, not %s", argv[i]);
	if (!idtext || cli_parse_id(idtext, &in.engagement_id))
		return cli_fail("engagement keying", 2, "an engagement id is required (see --help)");
	if (cli_noun_open(&w, in.mode ? CLI_WRITE : CLI_READ))
		return 1;
	if (in.mode && (rc = set(&w, &in))) {
		cli_close(&w.ctx);
		return rc;
	}
	rc = app_keying_get(&w.ctx.app, &AUTH_LOCAL_ADMIN, in.engagement_id, &k, &err);
	if (rc) {
		rc = cli_fail("engagement keying", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	} else if (w.json) {
		json_t *j = wire_keying(&k);

		if (j)
			cli_print_json(j);
		else
			rc = cli_fail("engagement keying", 1, "%s", err_message(ERR_NOMEM));
		json_decref(j);
	} else {
		print_text(&k);
	}
	buf_release(&err);
	cli_close(&w.ctx);
	return rc;
}
