/* staff.c - the `staff` subcommand: Erlang staffing from the command line. */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/erlang.h"
#include "util/clock.h"
#include "util/err.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

static const char staff_usage[] =
    "usage: alihdaya staff <command> [options]\n"
    "\n"
    "commands:\n"
    "  erlang   agents needed for one interval's load (Erlang C or Erlang A)\n"
    "  plan     staffing plan for an engagement from its forecast (not available yet)\n"
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
/* Argument parsing                                                          */
/* ------------------------------------------------------------------------ */

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

/* "30%" or "30" -> 0.30; the number must lie in [0, 100]. */
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
	if (parse_number(tmp, &v) < 0 || v < 0 || v > 100)
		return ERR_INVALID;
	*out = v / 100.0;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	int64_t ms;

	if (clock_parse_duration(s, &ms) < 0)
		return ERR_INVALID;
	*out = (double)ms / 1000.0;
	return 0;
}

/* "80/20s", "80%/20s" or "80/20" (seconds). */
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

struct erlang_args {
	struct erlang_load load;
	struct erlang_target target;
	const char *contacts, *interval, *aht, *target_s, *patience;
	bool json;
};

/* Splits "--name=value" or takes the next argument; NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *arg, size_t namelen)
{
	if (arg[namelen] == '=')
		return arg + namelen + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool opt_is(const char *arg, const char *name, size_t *len)
{
	*len = strlen(name);
	return !strncmp(arg, name, *len) && (arg[*len] == '\0' || arg[*len] == '=');
}

static int parse_erlang_args(int argc, char **argv, struct erlang_args *a)
{
	*a = (struct erlang_args){.load.model = ERLANG_C, .target.max_occupancy = 1.0};

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		size_t len;

		if (!strcmp(arg, "--json")) {
			a->json = true;
			continue;
		}
#define OPT(name)                                                                                  \
	if (opt_is(arg, name, &len)) {                                                             \
		if (!(v = opt_value(argc, argv, &i, arg, len)))                                    \
			return usage_error("missing value for", name);
#define END_OPT                                                                                    \
	continue;                                                                                  \
	}
		OPT("--contacts")
		if (parse_number(v, &a->load.contacts) < 0 || a->load.contacts < 0)
			return usage_error("--contacts wants a number >= 0", v);
		a->contacts = v;
		END_OPT
		OPT("--interval")
		if (parse_seconds(v, &a->load.interval_s) < 0 || a->load.interval_s <= 0)
			return usage_error("--interval wants a duration like 30m", v);
		a->interval = v;
		END_OPT
		OPT("--aht")
		if (parse_seconds(v, &a->load.aht_s) < 0 || a->load.aht_s <= 0)
			return usage_error("--aht wants a duration like 180s", v);
		a->aht = v;
		END_OPT
		OPT("--target")
		if (parse_target(v, &a->target.service_level, &a->target.sl_time_s) < 0 ||
		    a->target.service_level <= 0 || a->target.service_level >= 1)
			return usage_error("--target wants PCT/DUR like 80/20s, 0 < PCT < 100", v);
		a->target_s = v;
		END_OPT
		OPT("--shrinkage")
		if (parse_percent(v, &a->target.shrinkage) < 0 || a->target.shrinkage >= 1)
			return usage_error("--shrinkage wants a percentage below 100", v);
		END_OPT
		OPT("--max-occupancy")
		if (parse_percent(v, &a->target.max_occupancy) < 0 || a->target.max_occupancy <= 0)
			return usage_error("--max-occupancy wants a percentage above 0", v);
		END_OPT
		OPT("--max-abandon")
		if (parse_percent(v, &a->target.max_abandon) < 0 || a->target.max_abandon <= 0 ||
		    a->target.max_abandon >= 1)
			return usage_error("--max-abandon wants a percentage between 0 and 100", v);
		END_OPT
		OPT("--patience")
		if (parse_seconds(v, &a->load.patience_s) < 0 || a->load.patience_s <= 0)
			return usage_error("--patience wants a duration like 120s", v);
		a->patience = v;
		END_OPT
		OPT("--model")
		if (!strcmp(v, "c") || !strcmp(v, "C"))
			a->load.model = ERLANG_C;
		else if (!strcmp(v, "a") || !strcmp(v, "A"))
			a->load.model = ERLANG_A;
		else
			return usage_error("--model wants c or a", v);
		END_OPT
#undef OPT
#undef END_OPT
		return usage_error("unknown option", arg);
	}
	if (!a->contacts || !a->interval || !a->aht || !a->target_s)
		return usage_error(
		    "erlang needs --contacts, --interval, --aht and --target (see --help)", NULL);
	if (a->load.model == ERLANG_A && !a->patience)
		return usage_error("--model a needs --patience", NULL);
	if (a->load.model == ERLANG_C && a->patience)
		return usage_error("--patience applies to --model a only", NULL);
	if (a->load.model == ERLANG_C && a->target.max_abandon > 0)
		return usage_error("--max-abandon applies to --model a only", NULL);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

static json_t *json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *metrics_json(const struct erlang_metrics *m, bool model_a)
{
	json_t *o = json_object();

	json_object_set_new(o, "agents", json_integer(m->agents));
	json_object_set_new(o, "p_wait", json_num(m->p_wait));
	json_object_set_new(o, "service_level", json_num(m->service_level));
	json_object_set_new(o, "asa_s", json_num(m->asa_s));
	json_object_set_new(o, "occupancy", json_num(m->occupancy));
	if (model_a) {
		json_object_set_new(o, "sl_of_answered", json_num(m->sl_of_answered));
		json_object_set_new(o, "p_abandon", json_num(m->p_abandon));
		json_object_set_new(o, "abandon_within_t", json_num(m->abandon_within_t));
	}
	return o;
}

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

/* The rows shown around the answer, so a manager sees what one more or less does. */
#define ROWS_BELOW 3
#define ROWS_ABOVE 2

static int collect_rows(const struct erlang_args *a, const struct erlang_plan *p,
			struct erlang_metrics *rows, int *nrows)
{
	long first = p->agents - ROWS_BELOW < 1 ? 1 : p->agents - ROWS_BELOW;
	int n = 0;

	for (long k = first; k <= p->agents + ROWS_ABOVE; k++) {
		int rc = erlang_metrics(&a->load, k, a->target.sl_time_s, &rows[n]);

		if (rc < 0)
			return rc;
		n++;
	}
	*nrows = n;
	return 0;
}

static int print_json(const struct erlang_args *a, const struct erlang_plan *p,
		      const struct erlang_metrics *rows, int nrows)
{
	bool model_a = a->load.model == ERLANG_A;
	json_t *o = json_object(), *tg = json_object(), *tbl = json_array();
	char *s;

	json_object_set_new(o, "model", json_string(model_a ? "erlang_a" : "erlang_c"));
	json_object_set_new(o, "contacts", json_real(a->load.contacts));
	json_object_set_new(o, "interval_s", json_real(a->load.interval_s));
	json_object_set_new(o, "aht_s", json_real(a->load.aht_s));
	json_object_set_new(o, "patience_s", model_a ? json_real(a->load.patience_s) : json_null());
	json_object_set_new(o, "traffic_erlangs", json_real(p->at.traffic));
	json_object_set_new(tg, "service_level", json_real(a->target.service_level));
	json_object_set_new(tg, "within_s", json_real(a->target.sl_time_s));
	json_object_set_new(tg, "max_occupancy", json_real(a->target.max_occupancy));
	json_object_set_new(tg, "shrinkage", json_real(a->target.shrinkage));
	json_object_set_new(tg, "max_abandon",
			    a->target.max_abandon > 0 ? json_real(a->target.max_abandon)
						      : json_null());
	json_object_set_new(o, "target", tg);
	json_object_set_new(o, "agents", json_integer(p->agents));
	json_object_set_new(o, "scheduled", json_integer(p->scheduled));
	json_object_set_new(o, "limited_by", json_string(erlang_limit_name(p->limit)));
	json_object_set_new(o, "metrics", metrics_json(&p->at, model_a));
	for (int i = 0; i < nrows; i++)
		json_array_append_new(tbl, metrics_json(&rows[i], model_a));
	json_object_set_new(o, "table", tbl);
	s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(o);
	if (!s) {
		fprintf(stderr, "staff: out of memory\n");
		return EXIT_RUNTIME;
	}
	puts(s);
	free(s);
	return 0;
}

static void print_table(const struct erlang_args *a, const struct erlang_plan *p,
			const struct erlang_metrics *rows, int nrows)
{
	bool model_a = a->load.model == ERLANG_A;

	printf("%s: %s contacts per %s, AHT %s", model_a ? "Erlang A" : "Erlang C", a->contacts,
	       a->interval, a->aht);
	if (model_a)
		printf(", mean patience %s", a->patience);
	printf(" -> %.2f Erlangs\n", p->at.traffic);
	printf("target: %g%% answered within %gs", 100 * a->target.service_level,
	       a->target.sl_time_s);
	if (a->target.max_occupancy < 1)
		printf(", occupancy <= %g%%", 100 * a->target.max_occupancy);
	if (a->target.max_abandon > 0)
		printf(", abandonment <= %g%%", 100 * a->target.max_abandon);
	printf(", shrinkage %g%%\n\n", 100 * a->target.shrinkage);
	if (p->agents == 0) {
		printf("no traffic: 0 agents, 0 scheduled\n");
		return;
	}
	printf("   agents   P(wait)  service level         ASA  occupancy%s\n",
	       model_a ? "   abandon" : "");
	for (int i = 0; i < nrows; i++)
		print_row(&rows[i], model_a, rows[i].agents == p->agents);
	printf("\nrequired: %ld agents on the phones, %ld scheduled (set by %s)\n", p->agents,
	       p->scheduled, erlang_limit_name(p->limit));
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                  */
/* ------------------------------------------------------------------------ */

/* staff erlang --contacts N --interval DUR --aht DUR --target PCT/DUR [...] */
static int staff_erlang(int argc, char **argv)
{
	struct erlang_args a;
	struct erlang_plan p;
	struct erlang_metrics rows[ROWS_BELOW + ROWS_ABOVE + 1];
	int nrows = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(erlang_usage, stdout);
			return 0;
		}
	}
	if ((rc = parse_erlang_args(argc, argv, &a)) != 0)
		return rc;
	rc = erlang_required(&a.load, &a.target, &p);
	if (rc == 0 && p.agents > 0)
		rc = collect_rows(&a, &p, rows, &nrows);
	if (rc < 0)
		return usage_error("the load or target is out of range (traffic up to 1e6 Erlangs)",
				   NULL);
	if (a.json)
		return print_json(&a, &p, rows, nrows);
	print_table(&a, &p, rows, nrows);
	return 0;
}

/* staff plan --engagement ID --days N: needs the store and engine (issue 4, later). */
static int staff_plan(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: alihdaya staff plan --engagement ID [--days N] [--json]\n"
			       "(not available yet: it needs the recorded arrival history)\n");
			return 0;
		}
	}
	fprintf(stderr, "staff plan: not available yet (needs the store and engine)\n");
	return EXIT_RUNTIME;
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
