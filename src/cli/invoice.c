/* invoice.c - `invoice draft PERIOD`, `invoice issue|pay|credit|show|pdf|csv INVOICE`: invoices from the terminal. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/billing.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/remote.h"
#include "util/err.h"
#include "wire/invoice.h"

static const char invoice_usage[] =
    "usage: alihdaya invoice draft PERIOD [--json] [--data DIR]\n"
    "       alihdaya invoice issue|pay|credit INVOICE [--json] [--data DIR]\n"
    "       alihdaya invoice credit INVOICE --reason TEXT (--amount DEC | --line N:QTY |\n"
    "                                       --line N=DEC ...) [--json] [--data DIR]\n"
    "       alihdaya invoice show INVOICE [--lang en|id|ms] [--json] [--data DIR]\n"
    "       alihdaya invoice pdf|csv INVOICE [--lang en|id|ms] [--out FILE] [--data DIR]\n\n"
    "Invoices (docs/api.md \"Invoices\"): draft the invoice of a locked billing period,\n"
    "issue it (the next gap-free number), mark it paid, credit it (a credit note), show it\n"
    "with its lines, or write it as PDF or CSV (to stdout unless --out). A partial credit\n"
    "note credits an amount of the net (--amount) or lines (--line, repeated: a quantity\n"
    "in the line's unit after ':', or an amount after '='), with a reason. While a server\n"
    "runs, the writes go to it through its socket. Reads (show, pdf, csv) are audited\n"
    "(invoice.read with the format), through the server when one runs.\n";

/* The invoice as a table: its head, then its lines. */
static void print_doc(const struct invoice_doc *d)
{
	const struct invoice_rec *r = &d->rec;
	char a[MONEY_TEXT_MAX], text[160];

	printf("%s %s %s %s %s\n", invoice_kind_name(r->kind), r->number[0] ? r->number : "-",
	       invoice_state_name(r->state), money_format(r->total, r->exponent, a, sizeof(a)),
	       r->currency);
	for (size_t i = 0; i < d->n_lines; i++) {
		wire_line_text(&d->lines[i], d->lang, text, sizeof(text));
		printf("  %3d %-40s %20s\n", d->lines[i].line_no, text,
		       money_format(d->lines[i].amount, r->exponent, a, sizeof(a)));
	}
}

static int show(struct cli_noun *w, int64_t id, const char *lang, const char *verb,
		const char *out)
{
	struct invoice_doc *d = malloc(sizeof(*d));
	struct buf err = BUF_INIT, csv = BUF_INIT;
	unsigned char *pdf = NULL;
	size_t len = 0;
	FILE *f = stdout;
	int rc;

	if (!d)
		return cli_fail("invoice", 1, "%s", err_message(ERR_NOMEM));
	rc = app_invoice_doc(&w->ctx.app, cli_actor(&w->ctx), id, lang, d, &err);
	if (rc) {
		rc = cli_fail("invoice", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
		goto out;
	}
	if (!strcmp(verb, "show") || !strcmp(verb, "issue") || !strcmp(verb, "pay") ||
	    !strcmp(verb, "credit") || !strcmp(verb, "draft")) {
		if (w->json) {
			json_t *j = wire_invoice_doc(d);

			cli_print_json(j);
			json_decref(j);
		} else {
			print_doc(d);
		}
		goto out;
	}
	rc = !strcmp(verb, "pdf") ? wire_invoice_pdf(d, &pdf, &len) : wire_invoice_csv(d, &csv);
	if (rc) {
		rc = cli_fail("invoice", 1, "cannot render the invoice: %s", err_message(rc));
		goto out;
	}
	if (out && !(f = fopen(out, "wb"))) {
		rc = cli_fail("invoice", 1, "cannot write %s", out);
		goto out;
	}
	if (pdf)
		rc = fwrite(pdf, 1, len, f) == len ? 0 : 1;
	else
		rc = fwrite(buf_str(&csv), 1, csv.len, f) == csv.len ? 0 : 1;
	if (f != stdout && fclose(f))
		rc = 1;
	if (rc)
		rc = cli_fail("invoice", 1, "cannot write %s", out ? out : "stdout");
out:
	free(pdf);
	buf_release(&csv);
	buf_release(&err);
	free(d);
	return rc;
}

/*
 * A read (show, pdf, csv) is audited before it is shown, as over HTTP: with a
 * server running, the server's route is asked (it writes the event in the
 * format asked; the document is then read from the store here); without,
 * the event is made durable on our own engine.
 */
static int audit_read(struct cli_noun *w, const char *verb, int64_t id, const char *lang)
{
	enum billing_read what = !strcmp(verb, "pdf")   ? BILLING_READ_PDF
				 : !strcmp(verb, "csv") ? BILLING_READ_CSV
							: BILLING_READ_JSON;
	struct buf err = BUF_INIT;
	struct cmd *audit;
	int rc;

	if (w->ctx.served) {
		char path[128];
		json_t *answer = NULL;
		long status = 0;

		snprintf(path, sizeof(path), "/v1/invoices/%lld%s%s%s%s", (long long)id,
			 what == BILLING_READ_JSON ? "" : "/", what == BILLING_READ_JSON ? "" : verb,
			 lang ? "?lang=" : "", lang && strlen(lang) < 8 ? lang : "");
		rc = cli_remote_request(&w->ctx, "GET", path, "", &status, &answer, &err);
		if (!rc && status != 200) {
			json_t *m = json_object_get(json_object_get(answer, "error"), "message");

			rc = cli_fail("invoice", status == 400 ? 2 : 1, "%s",
				      json_is_string(m) ? json_string_value(m) : "refused");
		} else if (rc) {
			rc = cli_fail("invoice", 1, "%s", err.len ? buf_str(&err) : err_message(rc));
		}
		json_decref(answer);
		buf_release(&err);
		return rc;
	}
	if (!(audit = calloc(1, sizeof(*audit))))
		return cli_fail("invoice", 1, "%s", err_message(ERR_NOMEM));
	rc = app_invoice_read_audit(&w->ctx.app, cli_actor(&w->ctx), id, what, 0, audit, &err);
	if (!rc)
		rc = app_billing_read_end(app_call(&w->ctx.app, audit), &err);
	if (rc)
		rc = cli_fail("invoice", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	cmd_release(audit);
	free(audit);
	buf_release(&err);
	return rc;
}

/* The partial note as its API body (malloc'd), or NULL when out of memory. */
static char *credit_body(const struct credit_in *in)
{
	json_t *b = json_object(), *lines = json_array();
	char *text = NULL;

	if (!b || !lines)
		goto out;
	if (in->reason)
		json_object_set_new(b, "reason", json_string(in->reason));
	if (in->amount)
		json_object_set_new(b, "amount", json_string(in->amount));
	for (size_t i = 0; i < in->n_lines; i++) {
		const struct credit_line_in *l = &in->lines[i];
		json_t *j = json_pack("{s:I}", "line", (json_int_t)l->line);

		if (j && l->amount)
			json_object_set_new(j, "amount", json_string(l->amount));
		else if (j)
			json_object_set_new(j, "quantity", json_integer(l->quantity));
		json_array_append_new(lines, j);
	}
	if (in->n_lines) {
		json_object_set(b, "lines", lines);
	}
	text = json_dumps(b, JSON_COMPACT);
out:
	json_decref(lines);
	json_decref(b);
	return text;
}

/* "N:QTY" (a quantity) or "N=DEC" (an amount) into l; the text stays argv's. */
static int line_arg(const char *s, struct credit_line_in *l)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (end == s || n < 1 || n > BILL_LINES_MAX || (*end != ':' && *end != '='))
		return -1;
	l->line = n;
	l->quantity = -1;
	l->amount = NULL;
	if (*end == '=') {
		l->amount = end + 1;
		return 0;
	}
	s = end + 1;
	n = strtoll(s, &end, 10);
	if (end == s || *end || n < 1)
		return -1;
	l->quantity = n;
	return 0;
}

/* A write: on the engine, or on the running server's socket as its API request. */
static int write_cmd(struct cli_noun *w, const char *verb, int64_t id,
		     const struct credit_in *part, int64_t *result)
{
	struct cmd c = {0};
	struct buf err = BUF_INIT;
	int rc;

	*result = id;
	if (w->ctx.served) {
		char path[96];
		json_t *answer = NULL;
		long status = 0;

		if (!strcmp(verb, "draft"))
			snprintf(path, sizeof(path), "/v1/periods/%lld/invoice", (long long)id);
		else
			snprintf(path, sizeof(path), "/v1/invoices/%lld/%s", (long long)id, verb);
		char *body = part ? credit_body(part) : NULL;

		if (part && !body)
			return cli_fail("invoice", 1, "%s", err_message(ERR_NOMEM));
		rc = cli_remote_request(&w->ctx, "POST", path, body ? body : "{}", &status, &answer,
					&err);
		free(body);
		if (!rc && status >= 300) {
			json_t *m = json_object_get(json_object_get(answer, "error"), "message");

			rc = cli_fail("invoice", status == 400 ? 2 : 1, "%s",
				      json_is_string(m) ? json_string_value(m) : "refused");
		} else if (rc) {
			rc = cli_fail("invoice", 1, "%s", err.len ? buf_str(&err) : err_message(rc));
		} else {
			*result = json_integer_value(json_object_get(answer, "id"));
		}
		json_decref(answer);
		buf_release(&err);
		return rc;
	}
	if (!strcmp(verb, "draft"))
		rc = app_invoice_draft(&w->ctx.app, cli_actor(&w->ctx), id, &c, &err);
	else if (part)
		rc = app_invoice_credit(&w->ctx.app, cli_actor(&w->ctx), id, part, &c, &err);
	else
		rc = app_invoice_act(&w->ctx.app, cli_actor(&w->ctx), id,
				     !strcmp(verb, "issue")	? INVOICE_ACT_ISSUE
				     : !strcmp(verb, "pay") ? INVOICE_ACT_PAY
							    : INVOICE_ACT_CREDIT,
				     &c, &err);
	if (rc) {
		rc = cli_fail("invoice", rc == ERR_INVALID ? 2 : 1, "%s",
			      err.len ? buf_str(&err) : err_message(rc));
	} else if (!(rc = cli_engine(&w->ctx, "invoice", &c))) {
		if (!strcmp(verb, "draft") || !strcmp(verb, "credit"))
			*result = c.result.id;
	}
	free(c.u.invoice.draft);
	free(c.u.invoice.credit);
	c.u.invoice.credit = NULL;
	cmd_release(&c);
	buf_release(&err);
	return rc;
}

int cli_invoice(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, 0, 'd'}, {"json", no_argument, 0, 'j'},
	    {"lang", required_argument, 0, 'l'}, {"out", required_argument, 0, 'o'},
	    {"reason", required_argument, 0, 'r'}, {"amount", required_argument, 0, 'a'},
	    {"line", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	static const char *const verbs[] = {"draft", "issue", "pay", "credit",
					    "show",  "pdf",   "csv", NULL};
	const char *idtext = NULL, *lang = NULL, *out = NULL, *verb;
	static struct credit_line_in lines[BILL_LINES_MAX];
	struct credit_in part = {.lines = lines};
	bool partial = false;
	struct cli_noun w;
	int64_t id = 0, shown;
	bool writes;
	size_t v;
	int opt, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(invoice_usage, stdout);
		return 0;
	}
	if ((rc = cli_noun_begin(&w, argc, argv, "invoice")))
		return rc;
	verb = w.verb;
	for (v = 0; verbs[v] && strcmp(verbs[v], verb); v++)
		;
	if (!verbs[v]) {
		fputs(invoice_usage, stderr);
		return 2;
	}
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		switch (opt) {
		case 'h': fputs(invoice_usage, stdout); return 0;
		case 'l': lang = optarg; break;
		case 'o': out = optarg; break;
		case 'r': part.reason = optarg; partial = true; break;
		case 'a': part.amount = optarg; partial = true; break;
		case 'n':
			if (part.n_lines == BILL_LINES_MAX || line_arg(optarg, &lines[part.n_lines]))
				return cli_fail("invoice", 2,
						"--line is N:QTY or N=AMOUNT (at most %d), not %s",
						BILL_LINES_MAX, optarg);
			part.n_lines++;
			partial = true;
			break;
		default: fputs(invoice_usage, stderr); return 2;
		}
	}
	for (int i = optind + 1; i < argc; i++)
		if (!idtext)
			idtext = argv[i];
		else
			return cli_fail("invoice", 2, "one id, not %s", argv[i]);
	if (!idtext || cli_parse_id(idtext, &id))
		return cli_fail("invoice", 2, "a %s id is required (see --help)",
				strcmp(verb, "draft") ? "invoice" : "period");
	writes = v < 4;
	if (partial && strcmp(verb, "credit"))
		return cli_fail("invoice", 2, "--reason, --amount and --line are for invoice credit");
	/* a read writes its audit event: the engine too (or the server's) */
	if (cli_noun_open(&w, CLI_WRITE))
		return 1;
	shown = id;
	rc = writes ? write_cmd(&w, verb, id, partial ? &part : NULL, &shown) : audit_read(&w, verb, id, lang);
	if (!rc)
		rc = show(&w, shown, lang, verb, out);
	cli_close(&w.ctx);
	return rc;
}
