/* staff.c - the `staff` subcommand: Erlang staffing, engagement and skill plans from the CLI. */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/staffing.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/staffing.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

static const char staff_usage[] =
    "usage: alihdaya staff <command> [options]\n"
    "\n"
    "commands:\n"
    "  erlang   agents needed for one interval's load (Erlang C or Erlang A)\n"
    "  plan     staffing plan for an engagement or a skill from recorded arrivals\n"
    "\n"
    "Run `alihdaya staff <command> --help` for its options. See docs/staffing.md.\n";

static const char erlang_usage[] =
    "usage: alihdaya staff erlang --contacts N --interval DUR --aht DUR --target PCT/DUR\n"
    "                             [--shrinkage PCT] [--max-occupancy PCT]\n"
    "                             [--model c|a] [--patience DUR] [--max-abandon PCT] [--json]\n"
    "\n"
    "  --contacts N         contacts offered in the interval (may be fractional)\n"
    "  --interval DUR       interval length: 15m, 30m, 1h, 900s, ...\n"
    "  --aht DUR            average handle time: 180s, 3m, ...\n"
    "  --target PCT/DUR     service level: 80/20s = 80% answered within 20 seconds\n"
    "  --shrinkage PCT      paid time off the phones (default 0%); gives the scheduled count\n"
    "  --max-occupancy PCT  occupancy cap (default 100%, no cap)\n"
    "  --model c|a          c: Erlang C (default); a: Erlang A, callers abandon\n"
    "  --patience DUR       mean patience before abandoning (required with --model a)\n"
    "  --max-abandon PCT    Erlang A: also keep abandonment at or below this\n"
    "  --json               print JSON instead of a table\n"
    "\n"
    "Percentages are given as 30% or 30. The service level is answered within the\n"
    "time over all offered contacts; abandoned contacts count as misses.\n"
    "\n"
    "example: alihdaya staff erlang --contacts 100 --interval 30m --aht 180s --target 80/20s\n";

static int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "staff: %s: '%s'\n", what, arg);
	else
		fprintf(stderr, "staff: %s\n", what);
	return EXIT_USAGE;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * The options of a command as a table: each turns its text into the typed
 * input of the use case. Only the syntax is checked here (a number, a
 * duration, a percentage); the ranges and the rules between options are the
 * use case's (app/staffing.c), so the CLI and the API refuse the same input.
 */
enum opt_kind {
	OPT_FLAG,    /* no value: *(bool *)dst = true */
	OPT_NUMBER,  /* "12.5" -> *(double *)dst */
	OPT_SECONDS, /* "15m" -> *(double *)dst in seconds */
	OPT_PERCENT, /* "30%" or "30" -> *(double *)dst = 0.30 */
	OPT_TARGET,  /* "80/20s" -> *(double *)dst = 0.80, *dst2 = 20 */
	OPT_ID,	     /* a positive id -> *(int64_t *)dst */
	OPT_TEXT,    /* *(const char **)dst = the text */
};

struct opt {
	const char *name;
	enum opt_kind kind;
	void *dst;
	double *dst2;
	const char *given; /* OUT: the value's text, NULL if the option was not given */
};

static int parse_number(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return ERR_INVALID;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return ERR_INVALID;
	*out = v;
	return 0;
}

/* "30%" or "30" -> 0.30. */
static int parse_percent(const char *s, double *out)
{
	char tmp[64];
	size_t n = s ? strlen(s) : 0;
	double v;

	if (n == 0 || n >= sizeof(tmp))
		return ERR_INVALID;
	memcpy(tmp, s, n + 1);
	if (tmp[n - 1] == '%')
		tmp[n - 1] = '\0';
	if (parse_number(tmp, &v) < 0)
		return ERR_INVALID;
	*out = v / 100.0;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	int64_t ms;

	/* A unit is required (issue 14): "300" could be seconds or minutes to a reader. */
	if (clock_parse_duration_unit(s, &ms) < 0)
		return ERR_INVALID;
	*out = (double)ms / 1000.0;
	return 0;
}

/* "80/20s" or "80%/20s": the time takes a unit, as every duration. */
static int parse_target(const char *s, double *sl, double *t)
{
	char tmp[64];
	char *slash;
	size_t n = strlen(s);

	if (n >= sizeof(tmp))
		return ERR_INVALID;
	memcpy(tmp, s, n + 1);
	slash = strchr(tmp, '/');
	if (!slash)
		return ERR_INVALID;
	*slash = '\0';
	if (parse_percent(tmp, sl) < 0 || parse_seconds(slash + 1, t) < 0)
		return ERR_INVALID;
	return 0;
}

/* What a kind of option wants, for the message when its value does not parse. */
static const char *const opt_wants[] = {
    [OPT_NUMBER] = "a number",
    [OPT_SECONDS] = "a duration with a unit, like 90s, 30m, 1h",
    [OPT_PERCENT] = "a percentage like 30%",
    [OPT_TARGET] = "PCT/DUR like 80/20s",
    [OPT_ID] = "a positive id",
};

static int opt_set(struct opt *o, const char *v)
{
	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)o->dst = true;
		return 0;
	case OPT_NUMBER:
		return parse_number(v, o->dst);
	case OPT_SECONDS:
		return parse_seconds(v, o->dst);
	case OPT_PERCENT:
		return parse_percent(v, o->dst);
	case OPT_TARGET:
		return parse_target(v, o->dst, o->dst2);
	case OPT_ID:
		return cli_parse_id(v, o->dst);
	case OPT_TEXT:
		*(const char **)o->dst = v;
		return 0;
	}
	return ERR_INVALID;
}

/* argv[1..] against opts[n]: "--name value" or "--name=value". 0 or EXIT_USAGE (said). */
static int parse_opts(int argc, char **argv, struct opt *opts, size_t n)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v = NULL;
		struct opt *o = NULL;
		size_t len = 0;

		for (size_t k = 0; k < n && !o; k++) {
			len = strlen(opts[k].name);
			if (!strncmp(arg, opts[k].name, len) &&
			    (arg[len] == '\0' || arg[len] == '='))
				o = &opts[k];
		}
		if (!o)
			return usage_error("unknown option", arg);
		if (o->kind != OPT_FLAG) {
			if (arg[len] == '=')
				v = arg + len + 1;
			else if (i + 1 < argc)
				v = argv[++i];
			else
				return usage_error("missing value for", o->name);
		}
		if (opt_set(o, v)) {
			fprintf(stderr, "staff: %s wants %s: '%s'\n", o->name, opt_wants[o->kind],
				v);
			return EXIT_USAGE;
		}
		o->given = v ? v : arg;
	}
	return 0;
}

/* The options of a service target (struct staff_target_in t), in both commands' tables. */
// clang-format off
#define TARGET_OPTS(t)                                                                             \
	{"--target", OPT_TARGET, &(t).service_level, &(t).within_s, NULL},                         \
	{"--shrinkage", OPT_PERCENT, &(t).shrinkage, NULL, NULL},                                  \
	{"--max-occupancy", OPT_PERCENT, &(t).max_occupancy, NULL, NULL}
// clang-format on

/* The text given for the option called name; NULL if it was not given. */
static const char *opt_given(const struct opt *opts, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(opts[k].name, name))
			return opts[k].given;
	}
	return NULL;
}

/* True if argv asks for help. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

/* A use case's error: ERR_INVALID is the caller's input (exit 2), the rest the machine's. */
static int app_fail(const char *cmd, int rc, const struct buf *err)
{
	return cli_fail(cmd, rc == ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME, "%s", buf_str(err));
}

/* ------------------------------------------------------------------------ */
/* staff erlang                                                              */
/* ------------------------------------------------------------------------ */

static void print_row(const struct erlang_metrics *m, bool model_a, bool chosen)
{
	char asa[32];

	if (isfinite(m->asa_s))
		snprintf(asa, sizeof(asa), "%.1f s", m->asa_s);
	else
		snprintf(asa, sizeof(asa), "unbounded");
	printf("%s %7ld  %7.2f%%  %12.2f%%  %10s  %8.1f%%", chosen ? ">" : " ", m->agents,
	       100 * m->p_wait, 100 * m->service_level, asa, 100 * m->occupancy);
	if (model_a)
		printf("  %8.2f%%", 100 * m->p_abandon);
	printf("\n");
}

static int print_erlang_json(const struct staff_erlang *e)
{
	json_t *o = wire_staff_erlang(e);
	char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : NULL;

	json_decref(o);
	if (!s) {
		fprintf(stderr, "staff: out of memory\n");
		return EXIT_RUNTIME;
	}
	puts(s);
	free(s);
	return 0;
}

/* The load as the user wrote it (contacts, interval, aht, patience), then the answer. */
static void print_erlang_table(const struct staff_erlang *e, const char *contacts,
			       const char *interval, const char *aht, const char *patience)
{
	const struct erlang_target *t = &e->target;
	const struct erlang_plan *p = &e->plan;
	bool model_a = e->load.model == ERLANG_A;

	printf("%s: %s contacts per %s, AHT %s", model_a ? "Erlang A" : "Erlang C", contacts,
	       interval, aht);
	if (model_a)
		printf(", mean patience %s", patience);
	printf(" -> %.2f Erlangs\n", p->at.traffic);
	printf("target: %g%% answered within %gs", 100 * t->service_level, t->sl_time_s);
	if (t->max_occupancy < 1)
		printf(", occupancy <= %g%%", 100 * t->max_occupancy);
	if (t->max_abandon > 0)
		printf(", abandonment <= %g%%", 100 * t->max_abandon);
	printf(", shrinkage %g%%\n\n", 100 * t->shrinkage);
	if (p->agents == 0) {
		printf("no traffic: 0 agents, 0 scheduled\n");
		return;
	}
	printf("   agents   P(wait)  service level         ASA  occupancy%s\n",
	       model_a ? "   abandon" : "");
	for (int i = 0; i < e->nrows; i++)
		print_row(&e->rows[i], model_a, e->rows[i].agents == p->agents);
	printf("\nrequired: %ld agents on the phones, %ld scheduled (set by %s)\n", p->agents,
	       p->scheduled, erlang_limit_name(p->limit));
}

/* staff erlang --contacts N --interval DUR --aht DUR --target PCT/DUR [...] */
static int staff_erlang(int argc, char **argv)
{
	struct staff_erlang_in in = STAFF_ERLANG_IN_INIT;
	struct app app = {0}; /* the check reads nothing */
	struct staff_erlang out;
	struct buf err = BUF_INIT;
	bool json = false;
	struct opt opts[] = {
	    {"--json", OPT_FLAG, &json, NULL, NULL},
	    {"--contacts", OPT_NUMBER, &in.contacts, NULL, NULL},
	    {"--interval", OPT_SECONDS, &in.interval_s, NULL, NULL},
	    {"--aht", OPT_SECONDS, &in.aht_s, NULL, NULL},
	    TARGET_OPTS(in.target),
	    {"--max-abandon", OPT_PERCENT, &in.max_abandon, NULL, NULL},
	    {"--patience", OPT_SECONDS, &in.patience_s, NULL, NULL},
	    {"--model", OPT_TEXT, &in.model, NULL, NULL},
	};
	size_t n = sizeof(opts) / sizeof(opts[0]);
	int rc;

	if (wants_help(argc, argv)) {
		fputs(erlang_usage, stdout);
		return 0;
	}
	if ((rc = parse_opts(argc, argv, opts, n)))
		return rc;
	/* The API defaults the target (80/20s); on the command line it is said. */
	if (!opt_given(opts, n, "--target"))
		return usage_error(
		    "erlang needs --contacts, --interval, --aht and --target (see --help)", NULL);
	if ((rc = app_staff_erlang(&app, &AUTH_LOCAL_ADMIN, &in, &out, &err))) {
		rc = app_fail("staff erlang", rc, &err);
		goto out;
	}
	if (json)
		rc = print_erlang_json(&out);
	else
		print_erlang_table(&out, opt_given(opts, n, "--contacts"),
				   opt_given(opts, n, "--interval"), opt_given(opts, n, "--aht"),
				   opt_given(opts, n, "--patience"));
out:
	buf_release(&err);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* staff plan                                                                */
/* ------------------------------------------------------------------------ */

static const char plan_usage[] =
    "usage: alihdaya staff plan (--engagement ID | --skill CODE) [--day DAY] [--days N]\n"
    "                           [--interval DUR] [--aht DUR] [--model backlog|erlang_c]\n"
    "                           [--target PCT/DUR]\n"
    "                           [--shrinkage PCT] [--max-occupancy PCT] [--json] [--data DIR]\n"
    "\n"
    "  --engagement ID      the engagement to plan\n"
    "  --skill CODE         or a skill: every engagement requiring it, planned as above and\n"
    "                       summed per interval, beside the workers that meet every\n"
    "                       requirement of one of those engagements\n"
    "  --day DAY            today, tomorrow or YYYY-MM-DD: that local day of the engagement's\n"
    "                       time zone (today: from now), and --days from it; default: from\n"
    "                       now, --days times 24 hours (UTC intervals)\n"
    "  --days N             days ahead, 1 to 28 (default 7)\n"
    "  --interval DUR       15m, 30m or 1h (default 15m)\n"
    "  --aht DUR            handle time per item (default 5m)\n"
    "  --model M            backlog (deferred work, due = arrival + SLA) or erlang_c (callers\n"
    "                       wait); default: erlang_c if the SLA is shorter than an interval\n"
    "  --target PCT/DUR     erlang_c: service level, e.g. 80/20s (default 80%, within the SLA)\n"
    "  --shrinkage PCT      paid time off the work (default 0%)\n"
    "  --max-occupancy PCT  erlang_c: occupancy cap (default 100%)\n"
    "  --json               print JSON (the same as GET /v1/engagements/:id/staffing, or\n"
    "                       GET /v1/staff/skill-plan?skill=CODE)\n"
    "  --data DIR           data directory (default from the configuration)\n"
    "\n"
    "The forecast comes from the recorded arrivals (up to six weeks); with too little\n"
    "history it falls back to a seasonal-naive forecast and says so. A plan that holds\n"
    "the current interval also counts the work queued now and this interval's arrivals.\n"
    "Reads only: safe beside a running server. See docs/staffing.md.\n"
    "\n"
    "examples: alihdaya staff plan --engagement 1 --days 7 --interval 30m --aht 4m\n"
    "          alihdaya staff plan --engagement 1 --day tomorrow --days 1\n"
          "          alihdaya staff plan --skill data_entry --days 7\n";

/* "2026-05-04T09:15:00.000Z" -> "2026-05-04 09:15" */
static void short_time(int64_t ms, char *out, size_t n)
{
	char iso[40];

	clock_format_ms(ms, iso, sizeof(iso));
	snprintf(out, n, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
}

/* Minor units as major.minor (two decimals: the common case of ISO 4217). */
static void money(long long minor, char *out, size_t n)
{
	snprintf(out, n, "%s%lld.%02lld", minor < 0 ? "-" : "", llabs(minor) / 100,
		 llabs(minor) % 100);
}

/* "horizon: ..." of a plan, up to the AHT; the caller ends the line. */
static void print_horizon(const struct staff_opts *o, int64_t start_ms, int64_t end_ms)
{
	char a[32], b[32];

	short_time(start_ms, a, sizeof(a));
	short_time(end_ms, b, sizeof(b));
	printf("horizon: %s to %s UTC, %lld-minute intervals; AHT %gs%s", a, b,
	       (long long)o->interval_s / 60, o->aht_s, o->aht_default ? " (default)" : "");
}

/*
 * The rows, summary and cost lines every plan's table ends with. Runs of
 * intervals with the same required count share one row.
 */
static void print_rows_and_cost(const struct plan_interval *iv, size_t n, int64_t start_ms,
				int64_t end_ms, int64_t interval_s, const struct plan_result *res)
{
	char a[32], b[32], c1[32], c2[32];
	double total = 0;

	printf("  %-16s  %-16s  %9s  %8s  %9s  %s\n", "from", "to", "volume", "required",
	       "available", "advice");
	for (size_t i = 0; i < n;) {
		const char *adv = plan_advice(&iv[i]);
		double vol = 0;
		size_t j = i;

		while (j < n && iv[j].required == iv[i].required) {
			vol += iv[j].volume;
			j++;
		}
		short_time(start_ms + (int64_t)i * interval_s * 1000, a, sizeof(a));
		short_time(j < n ? start_ms + (int64_t)j * interval_s * 1000 : end_ms, b,
			   sizeof(b));
		if (strcmp(adv, "ok"))
			snprintf(c1, sizeof(c1), "%s %ld", adv, labs(iv[i].change));
		else
			snprintf(c1, sizeof(c1), "ok");
		/* The end's date only when it is not the start's. */
		printf("  %-16s  %-16s  %9.1f  %8ld  %9ld  %s\n", a, strncmp(a, b, 10) ? b : b + 11,
		       vol, iv[i].required, iv[i].available, c1);
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		total += iv[i].volume;
	printf("\npeak %ld required; intervals: %zu add, %zu release, %zu ok; forecast "
	       "volume %.1f items\n",
	       res->peak_required, res->n_add, res->n_release, res->n_ok, total);
	if (res->cost_state == PLAN_COST_OK) {
		money(res->cost_minor, c1, sizeof(c1));
		money(res->available_cost_minor, c2, sizeof(c2));
		money(res->avg_cost_minor, a, sizeof(a));
		printf("cost: %s %s for %.1f worker-hours at %s/h on average (the workers "
		       "available now: %s %s)\n",
		       c1, res->currency, (double)res->worker_seconds / 3600.0, a, c2,
		       res->currency);
	} else if (res->n_costs) {
		printf("cost: %.1f worker-hours, priced per currency (each currency's workers "
		       "take their share):\n",
		       (double)res->worker_seconds / 3600.0);
		for (size_t k = 0; k < res->n_costs; k++) {
			const struct plan_cost *pc = &res->costs[k];

			money(pc->cost_minor, c1, sizeof(c1));
			money(pc->available_cost_minor, c2, sizeof(c2));
			money(pc->avg_cost_minor, a, sizeof(a));
			printf("  %s: %s for %ld workers at %s/h on average (available now: %s)\n",
			       pc->currency, c1, pc->workers, a, c2);
		}
	} else {
		printf("cost: not priced (%s); %.1f worker-hours\n",
		       plan_cost_state_name(res->cost_state), (double)res->worker_seconds / 3600.0);
	}
}

static void print_plan_table(const struct staff_plan *p)
{
	const struct staff_forecast *f = &p->forecast;

	printf("staffing plan: engagement %lld \"%s\" (%s), model %s\n",
	       (long long)p->engagement.id, p->engagement.name,
	       service_kind_name(p->engagement.kind), plan_model_name(p->model));
	print_horizon(&p->opts, p->start_ms, p->end_ms);
	printf("; SLA %gs; shrinkage %g%%\n", p->sla_s, 100 * p->opts.shrinkage);
	printf("forecast: %s", forecast_method_name(f->fit.method));
	if (isfinite(f->fit.wape))
		printf(", WAPE %.1f%% on %zu held-out intervals", 100 * f->fit.wape,
		       f->fit.holdout);
	else
		printf(", WAPE n/a (nothing to score)");
	printf("; history %zu intervals, %lld items\n", f->history_intervals,
	       (long long)f->history_items);
	printf("          %s\n", f->note);
	if (p->date[0])
		printf("day: %s in %s\n", p->date, p->engagement.time_zone);
	if (p->now.counted)
		printf("now: %ld queued (%ld from before this interval, planned at their due "
		       "times); %.0f arrived this interval\n",
		       p->now.waiting, p->now.carried, p->now.arrived);
	printf("workers: %ld qualified and cleared, %ld available now\n\n", p->result.qualified,
	       p->result.available);
	print_rows_and_cost(p->iv, p->n, p->start_ms, p->end_ms, p->opts.interval_s, &p->result);
}

/* A skill plan: its engagements one line each, then the summed rows as an engagement plan's. */
static void print_skill_table(const struct staff_skill_plan *p)
{
	printf("staffing plan: skill %s", p->skill);
	if (p->n_parts)
		printf(" at level %d", p->level);
	printf(", %zu engagement%s\n", p->n_parts, p->n_parts == 1 ? "" : "s");
	print_horizon(&p->opts, p->start_ms, p->end_ms);
	printf("; shrinkage %g%%\n", 100 * p->opts.shrinkage);
	if (p->note)
		printf("note: %s\n", p->note);
	for (size_t k = 0; k < p->n_parts; k++) {
		const struct staff_skill_part *e = &p->parts[k];

		printf("  engagement %lld \"%s\": level %d, model %s, forecast %s",
		       (long long)e->engagement_id, e->name, e->level, plan_model_name(e->model),
		       forecast_method_name(e->forecast.fit.method));
		if (isfinite(e->forecast.fit.wape))
			printf(" (WAPE %.1f%%)", 100 * e->forecast.fit.wape);
		printf(", peak %ld, %.1f worker-hours\n", e->peak_required,
		       (double)e->worker_seconds / 3600.0);
	}
	printf("workers: %ld hold the skill and are cleared, %ld available now\n\n",
	       p->result.qualified, p->result.available);
	print_rows_and_cost(p->iv, p->n, p->start_ms, p->end_ms, p->opts.interval_s, &p->result);
}

/* Prints a plan's JSON (the API's body); EXIT_RUNTIME when out of memory. */
static int print_json(json_t *j)
{
	if (!j)
		return cli_fail("staff plan", EXIT_RUNTIME, "out of memory");
	cli_print_json(j);
	json_decref(j);
	return 0;
}

/* staff plan (--engagement ID | --skill CODE) [--days N] [--interval DUR] [--aht DUR] [--json] */
static int staff_plan(int argc, char **argv)
{
	struct staff_plan_in in = STAFF_PLAN_IN_INIT;
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	struct staff_plan plan = {0};
	struct staff_skill_plan skill = {0};
	const char *data = NULL;
	bool json = false;
	struct opt opts[] = {
	    {"--json", OPT_FLAG, &json, NULL, NULL},
	    {"--engagement", OPT_ID, &in.engagement_id, NULL, NULL},
	    {"--skill", OPT_TEXT, &in.skill, NULL, NULL},
	    {"--day", OPT_TEXT, &in.day, NULL, NULL},
	    {"--days", OPT_NUMBER, &in.days, NULL, NULL},
	    {"--interval", OPT_SECONDS, &in.interval_s, NULL, NULL},
	    {"--aht", OPT_SECONDS, &in.aht_s, NULL, NULL},
	    {"--model", OPT_TEXT, &in.model, NULL, NULL},
	    TARGET_OPTS(in.target),
	    {"--data", OPT_TEXT, &data, NULL, NULL},
	};
	struct app app = {0};
	int rc;

	if (wants_help(argc, argv)) {
		fputs(plan_usage, stdout);
		return 0;
	}
	if (cli_config(&ctx, &err)) {
		rc = cli_fail("staff plan", EXIT_USAGE, "%s", buf_str(&err));
		goto out;
	}
	if ((rc = parse_opts(argc, argv, opts, sizeof(opts) / sizeof(opts[0]))))
		goto out;
	if (data && config_set(&ctx.cfg, "data", data, &err)) {
		fprintf(stderr, "staff: --data: %s\n", buf_str(&err));
		rc = EXIT_USAGE;
		goto out;
	}
	/* One command for both plans (the API has a route each): say which. */
	if (in.engagement_id && in.skill) {
		rc = usage_error("give --engagement or --skill, not both", NULL);
		goto out;
	}
	if (!in.engagement_id && !in.skill) {
		rc = usage_error("plan needs --engagement ID or --skill CODE (see --help)", NULL);
		goto out;
	}
	if (cli_open(&ctx, CLI_READ, false, &err)) {
		rc = cli_fail("staff plan", EXIT_RUNTIME, "%s", buf_str(&err));
		goto out;
	}
	app.store = ctx.store;
	if (in.skill)
		rc = app_staff_skill_plan(&app, &AUTH_LOCAL_ADMIN, &in, &skill, &err);
	else
		rc = app_staff_plan(&app, &AUTH_LOCAL_ADMIN, &in, &plan, &err);
	if (rc)
		rc = app_fail("staff plan", rc, &err);
	else if (json)
		rc = print_json(in.skill ? wire_staff_skill_plan(&skill) : wire_staff_plan(&plan));
	else if (in.skill)
		print_skill_table(&skill);
	else
		print_plan_table(&plan);
out:
	staff_plan_release(&plan);
	staff_skill_plan_release(&skill);
	cli_close(&ctx);
	buf_release(&err);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} staff_commands[] = {
    {"erlang", staff_erlang},
    {"plan", staff_plan},
};

int cli_staff(int argc, char **argv)
{
	if (argc < 2) {
		fputs(staff_usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(staff_usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(staff_commands) / sizeof(staff_commands[0]); i++) {
		if (!strcmp(argv[1], staff_commands[i].name))
			return staff_commands[i].fn(argc - 1, argv + 1);
	}
	return usage_error("unknown command (try `alihdaya staff --help`)", argv[1]);
}
