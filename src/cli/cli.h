/* cli.h - the subcommands of the alihdaya binary, one function per subcommand. */
#ifndef ALIHDAYA_CLI_H
#define ALIHDAYA_CLI_H

/*
 * Each subcommand gets argv starting at its own name (argv[0] = "init", ...),
 * prints its own --help, and returns the process exit code: 0 success,
 * 1 failure at run time, 2 bad usage. Errors are one line on stderr.
 */
int cli_init(int argc, char **argv);
/* gold.c: gold list|settings ENGAGEMENT, gold quality WORKER */
int cli_gold(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_client(int argc, char **argv);
int cli_service(int argc, char **argv);
int cli_engagement(int argc, char **argv);
/* engagement queue ID (queue.c); cli_engagement hands the verb over. */
int cli_engagement_queue(int argc, char **argv);
/* engagement fields ID [--set FILE|-] (fields.c); cli_engagement hands the verb over. */
int cli_engagement_fields(int argc, char **argv);
int cli_engagement_keying(int argc, char **argv); /* keying.c */
int cli_engagement_routing(int argc, char **argv); /* routing.c */
int cli_worker(int argc, char **argv);
int cli_item(int argc, char **argv);
/* release.c: work release ID --reason CODE */
int cli_work(int argc, char **argv);
int cli_item_import(int argc, char **argv); /* cli/import.c: item import */
int cli_item_export(int argc, char **argv); /* cli/export.c: item export */
/* worker status ID STATUS: the verb of `worker` that is not a record's (cli/items.c). */
struct cli_noun;
int cli_worker_status(struct cli_noun *w);
int cli_user(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_purge(int argc, char **argv);
int cli_staff(int argc, char **argv);
/* keys status|rotate (keys.c) */
int cli_keys(int argc, char **argv);
/* client remove ID --yes (keys.c): cli_client hands the verb over. */
int cli_client_remove(int argc, char **argv);
/* user password|password-link LOGIN (password.c): cli_user hands the verbs over. */
int cli_user_password(int argc, char **argv);
/* quality report --engagement ID (quality.c) */
int cli_quality(int argc, char **argv);
/* review list|lots|defects|sampling (review.c) */
int cli_review(int argc, char **argv);
/* time log|start|stop|list; assess (time.c) */
int cli_time(int argc, char **argv);
int cli_assess(int argc, char **argv);

/* invoice.c: invoices from the terminal (draft, issue, pay, credit, show, pdf, csv) */
int cli_invoice(int argc, char **argv);

#endif
