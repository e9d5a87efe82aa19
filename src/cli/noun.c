/* noun.c - the one shape of a record subcommand: <noun> create|list|get|update|... */
#include "cli/common.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/remote.h"
#include "wire/wire.h"
#include "util/err.h"

/* ------------------------------------------------------------------ */
/* The shape every record subcommand shares: <noun> create|list.       */
/* ------------------------------------------------------------------ */

/* The shared options: 1 handled, 0 not one of them, <0 the negated exit code. */
static int cli_noun_opt(struct cli_noun *w, int c, const char *arg)
{
	struct buf err = BUF_INIT;
	int rc = 1;

	switch (c) {
	case 'd':
		if (config_set(&w->ctx.cfg, "data", arg, &err))
			rc = -cli_fail(w->noun, 2, "--data: %s", buf_str(&err));
		break;
	case 'j': w->json = true; break;
	/* Checked with the page rule once the options are read (cli_noun_getopt). */
	case 'A': w->page.after = arg; break;
	case 'L': w->page.limit = arg; break;
	default: rc = 0;
	}
	buf_release(&err);
	return rc;
}

/* The end of the options: the page's rule, the checked page into w->pg. -1, or '?'. */
static int page_done(struct cli_noun *w)
{
	struct app_page_in in = {.after = w->page.after, .limit = w->page.limit};
	struct buf err = BUF_INIT;
	struct store_page pg;
	int rc = app_page(&in, &pg, &err);

	if (rc)
		cli_fail(w->noun, 2, "%s", buf_str(&err));
	buf_release(&err);
	if (rc)
		return '?';
	w->pg.after = pg.after;
	w->pg.limit = pg.limit;
	return -1;
}

int cli_noun_getopt(struct cli_noun *w, int argc, char **argv, const struct option *opts)
{
	int c, rc;

	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		rc = cli_noun_opt(w, c, optarg);
		if (rc < 0)
			return '?'; /* explained on stderr; a usage error like any other */
		if (rc == 0)
			return c;
	}
	return page_done(w);
}

int cli_noun_begin(struct cli_noun *w, int argc, char **argv, const char *noun)
{
	struct buf err = BUF_INIT;
	int rc;

	memset(w, 0, sizeof(*w));
	w->ctx.lock_fd = -1;
	w->noun = noun;
	w->verb = argc >= 2 ? argv[1] : "";
	w->argc = argc;
	w->argv = argv;
	w->pg.limit = STORE_PAGE_DEFAULT;
	rc = cli_config(&w->ctx, &err);
	if (rc)
		rc = cli_fail(noun, 2, "%s", buf_str(&err));
	buf_release(&err);
	optind = 1;
	return rc;
}

int cli_noun_open(struct cli_noun *w, enum cli_open_mode m)
{
	struct buf err = BUF_INIT;
	int rc = cli_open(&w->ctx, m, false, &err);

	if (rc)
		rc = cli_fail(w->noun, 1, "%s", buf_str(&err));
	buf_release(&err);
	return rc;
}

bool cli_wants_help(int argc, char **argv)
{
	return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

int cli_noun_list(struct cli_noun *w, int rc, json_t *out, const char *const *cols)
{
	if (rc)
		rc = cli_fail(w->noun, 1, "%s", store_errmsg(w->ctx.store));
	else
		cli_print_list(out, cols, w->json);
	json_decref(out);
	return rc ? 1 : 0;
}

int cli_noun_created(struct cli_noun *w, struct cmd *cm)
{
	int rc = cli_engine(&w->ctx, w->noun, cm);

	if (!rc)
		printf("%s %lld created\n", w->noun, (long long)cm->result.id);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The record subcommands' one path: argv into a use case's input.     */
/* ------------------------------------------------------------------ */

#define CLI_OPTS_MAX 32
#define CLI_GO_ON (-1) /* noun_parse(): the options are read, go on */

/* Appends v to a repeated option's array (counted past max, kept up to it). */
static void *slot(const struct cli_arg *a, size_t size)
{
	size_t i = (*a->n)++;

	return i < a->max ? (char *)a->dst + i * size : NULL;
}

static int arg_levels(const struct cli_arg *a, const char *v)
{
	struct cli_levels *lv = a->dst;
	size_t i = (*a->n)++;

	if (i >= CLI_LEVELS_MAX)
		return 0; /* the use case refuses the count */
	if (cli_parse_skill(v, &lv->sl[i]))
		return ERR_INVALID;
	lv->in[i] = (struct app_level_in){.code = lv->sl[i].code, .level = lv->sl[i].level};
	return 0;
}

/* One option's argument into its place: syntax only. 0 or ERR_INVALID. */
static int arg_take(const struct cli_arg *a, const char *v)
{
	int64_t ms, *id;
	int rc;
	const char **str;
	char *end;

	switch (a->type) {
	case CLI_ARG_STR: *(const char **)a->dst = v; return 0;
	case CLI_ARG_NUM:
		*(double *)a->dst = strtod(v, &end);
		return *v && !*end ? 0 : ERR_INVALID;
	case CLI_ARG_ID: return cli_parse_id(v, a->dst);
	case CLI_ARG_DUR:
		/* A bare number is refused: noun_parse asks for a unit. */
		if ((rc = clock_parse_duration_unit(v, &ms)))
			return rc;
		*(double *)a->dst = (double)ms / 1000.0;
		return 0;
	case CLI_ARG_STRS:
		if ((str = slot(a, sizeof(*str))))
			*str = v;
		return 0;
	case CLI_ARG_IDS: return (id = slot(a, sizeof(*id))) ? cli_parse_id(v, id) : 0;
	case CLI_ARG_LEVELS: return arg_levels(a, v);
	case CLI_ARG_CLEARANCES: return ERR_INVALID; /* clearance_take() */
	}
	return ERR_INVALID;
}

/* A --clearance argument (counted past max, kept up to it). 0, or the exit code said. */
static int clearance_take(const struct cli_noun *w, const struct cli_arg *a, const char *v)
{
	struct buf err = BUF_INIT;
	size_t i = (*a->n)++;
	int rc = 0;

	if (i < a->max && (rc = cli_clearance_parse(a->dst, i, v, &err)))
		rc = cli_fail(w->noun, rc == ERR_INVALID ? 2 : 1, "--%s %s: %s", a->name, v,
			      buf_str(&err));
	buf_release(&err);
	return rc;
}

static const char *arg_syntax(enum cli_arg_type t)
{
	switch (t) {
	case CLI_ARG_NUM: return "a number";
	case CLI_ARG_ID:
	case CLI_ARG_IDS: return "a positive id";
	case CLI_ARG_DUR: return "a duration with its unit, like 90s, 30m, 24h or 5d (days)";
	case CLI_ARG_LEVELS: return "CODE[:LEVEL] with LEVEL 1 to 5";
	default: return "a value";
	}
}

static bool verb_ok(const char *verbs, const char *verb)
{
	size_t n = strlen(verb);

	for (const char *p = verbs; n && (p = strstr(p, verb)); p += n)
		if ((p == verbs || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* The arguments after the verb. CLI_GO_ON, or the exit code (usage printed or explained). */
static int noun_parse(struct cli_noun *w, int argc, char **argv, const struct cli_noun_def *d,
		      const struct cli_arg *args)
{
	static const struct option shared[] = {
		{"data", required_argument, 0, 'd'}, {"json", no_argument, 0, 'j'},
		{"after", required_argument, 0, 'A'}, {"limit", required_argument, 0, 'L'},
		{"help", no_argument, 0, 'h'},
	};
	struct option opts[CLI_OPTS_MAX + 1] = {{0}};
	size_t n = sizeof(shared) / sizeof(shared[0]), k;
	int64_t ms;
	int c, rc;

	memcpy(opts, shared, sizeof(shared));
	for (k = 0; args && args[k].name && n < CLI_OPTS_MAX; k++, n++)
		opts[n] = (struct option){args[k].name, required_argument, 0, 256 + (int)k};
	if (d->verbs && !verb_ok(d->verbs, w->verb)) {
		fputs(d->usage, stdout);
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	while ((c = cli_noun_getopt(w, argc, argv, opts)) != -1) {
		if (c == 'h') {
			fputs(d->usage, stdout);
			return 0;
		}
		if (c < 256)
			return 2; /* explained by getopt or the shared options */
		k = (size_t)(c - 256);
		if (args[k].given)
			*args[k].given = true;
		if (args[k].type == CLI_ARG_CLEARANCES) {
			if ((rc = clearance_take(w, &args[k], optarg)))
				return rc;
			continue;
		}
		if ((rc = arg_take(&args[k], optarg)) && args[k].type == CLI_ARG_DUR &&
		    !clock_parse_duration(optarg, &ms))
			return cli_fail(w->noun, 2,
					"--%s: %s has no unit; write it with one: %ss, %sm, %sh or "
					"%sd (days)",
					args[k].name, optarg, optarg, optarg, optarg, optarg);
		if (rc)
			return cli_fail(w->noun, 2, "--%s: %s", args[k].name,
					arg_syntax(args[k].type));
	}
	return CLI_GO_ON;
}

/* A use case's error: its line (or the error's message); ERR_INVALID is a usage error. */
static int app_fail(const struct cli_noun *w, int rc, const struct buf *err)
{
	return cli_fail(w->noun, rc == ERR_INVALID ? 2 : 1, "%s",
			err->len ? buf_str(err) : err_message(rc));
}

/* app_fail() of a create or an update: the line in the options' words when d says so. */
static int write_fail(const struct cli_noun *w, const struct cli_noun_def *d, const void *in,
		      int rc, struct buf *err)
{
	if (rc == ERR_INVALID && d->explain && err->len)
		d->explain(in, err);
	return app_fail(w, rc, err);
}

static int noun_page(struct cli_noun *w, const struct cli_noun_def *d, struct buf *err)
{
	json_t *data = json_array(), *page = NULL;
	int64_t next = 0;
	int rc = cli_noun_open(w, CLI_READ);

	if (rc || !data) {
		json_decref(data);
		return rc ? rc : cli_fail(w->noun, 1, "out of memory");
	}
	if (d->list_in)
		d->list_in(&w->page);
	rc = app_list(&w->ctx.app, &AUTH_LOCAL_ADMIN, d->kind, &w->page, wire_rec_add, data, &next,
		      err);
	if (!rc && d->list_out)
		rc = d->list_out(w, data, err);
	if (rc) {
		json_decref(data);
		return app_fail(w, rc, err);
	}
	if (!(page = wire_page(data, next)))
		return cli_fail(w->noun, 1, "out of memory");
	cli_print_list(page, d->cols, w->json);
	json_decref(page);
	return 0;
}

static int noun_create(struct cli_noun *w, const struct cli_noun_def *d, const void *in,
		       struct buf *err)
{
	struct cmd *c = calloc(1, sizeof(*c)); /* a worker's command is several KiB */
	int rc;

	if (!c)
		return cli_fail(w->noun, 1, "out of memory");
	/* Beside a running server, the server runs the command (cli_engine). */
	if ((rc = cli_noun_open(w, CLI_WRITE)))
		goto out;
	if ((rc = app_write(&w->ctx.app, &AUTH_LOCAL_ADMIN, d->create, in, c, err))) {
		rc = write_fail(w, d, in, rc, err);
		goto out;
	}
	if ((rc = cli_engine(&w->ctx, w->noun, c)))
		goto out;
	if (c->type == CMD_TOKEN_CREATE)
		printf("%s\n", c->result.token);
	else
		printf("%s %lld created\n", w->noun, (long long)c->result.id);
out:
	cmd_release(c);
	free(c);
	return rc;
}

/* The one ID after the verb (update, deactivate, activate). 0, or the exit code. */
static int noun_id(struct cli_noun *w, int argc, char **argv, int64_t *id)
{
	/* getopt ran over argv + 1 and moved what is not an option to its end. */
	int at = 1 + optind;

	if (at >= argc || at + 1 != argc)
		return cli_fail(w->noun, 2, "%s takes one %s id: alihdaya %s %s ID [options]",
				w->verb, w->noun, w->noun, w->verb);
	if (cli_parse_id(argv[at], id))
		return cli_fail(w->noun, 2, "%s: not a %s id", argv[at], w->noun);
	return 0;
}

/* update ID, deactivate ID, activate ID: the write as the local admin, then its line. */
static int noun_change(struct cli_noun *w, const struct cli_noun_def *d, int argc, char **argv,
		       const void *in, struct buf *err)
{
	struct cmd *c = calloc(1, sizeof(*c)); /* a worker's command is several KiB */
	bool update = !strcmp(w->verb, "update");
	int64_t id = 0;
	int rc;

	if (!c)
		return cli_fail(w->noun, 1, "out of memory");
	if ((rc = noun_id(w, argc, argv, &id)) || (rc = cli_noun_open(w, CLI_WRITE)))
		goto out;
	if (update && d->before_update && (rc = d->before_update(w, id, in, err))) {
		rc = app_fail(w, rc, err);
		goto out;
	}
	rc = update ? app_update(&w->ctx.app, &AUTH_LOCAL_ADMIN, d->kind, id, in, c, err)
		    : app_set_active(&w->ctx.app, &AUTH_LOCAL_ADMIN, d->kind, id,
				     !strcmp(w->verb, "activate"), c, err);
	if (rc) {
		rc = write_fail(w, d, in, rc, err);
		goto out;
	}
	if ((rc = cli_engine(&w->ctx, w->noun, c)))
		goto out;
	printf("%s %lld %s\n", w->noun, (long long)id,
	       update ? "updated" : c->u.active.active ? "activated" : "deactivated");
out:
	cmd_release(c);
	free(c);
	return rc;
}

int cli_noun_main(const struct cli_noun_def *d, int argc, char **argv, const struct cli_arg *args,
		  const void *in)
{
	struct buf err = BUF_INIT;
	struct cli_noun w;
	int rc;

	if ((rc = cli_noun_begin(&w, argc, argv, d->noun)) ||
	    (rc = noun_parse(&w, argc, argv, d, args)) != CLI_GO_ON)
		return rc;
	if (d->cols && !strcmp(w.verb, "list"))
		rc = noun_page(&w, d, &err);
	else if (!strcmp(w.verb, "create")) /* a verb of d->verbs */
		rc = noun_create(&w, d, in, &err);
	else if (!strcmp(w.verb, "update") || !strcmp(w.verb, "deactivate") ||
		 !strcmp(w.verb, "activate"))
		rc = noun_change(&w, d, argc, argv, in, &err);
	else
		rc = d->other(&w);
	buf_release(&err);
	cli_close(&w.ctx);
	return rc;
}

int cli_engagement_doc(int argc, char **argv, const char *verb, const char *usage,
		       cli_doc_fn *set_fn, cli_doc_show_fn *show)
{
	static const struct option opts[] = {{"data", required_argument, 0, 'd'},
					     {"set", required_argument, 0, 's'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *idtext = NULL, *set = NULL;
	struct cli_noun w;
	int64_t id = 0;
	int opt, rc = cli_noun_begin(&w, argc, argv, verb);

	if (rc)
		return rc;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		if (opt == 's') {
			set = optarg;
			continue;
		}
		if (opt == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		fputs(usage, stderr);
		return 2;
	}
	/* getopt ran over argv + 1 (the verb is its argv[0]) and moved the id to its end. */
	for (int i = optind + 1; i < argc; i++)
		if (!idtext)
			idtext = argv[i];
		else
			return cli_fail(verb, 2, "one engagement id, not %s", argv[i]);
	if (!idtext || cli_parse_id(idtext, &id))
		return cli_fail(verb, 2, "an engagement id is required (see --help)");
	if (set)
		return set_fn(&w, id, set);
	if (cli_noun_open(&w, CLI_READ))
		return 1;
	rc = show(&w, id);
	cli_close(&w.ctx);
	return rc;
}
