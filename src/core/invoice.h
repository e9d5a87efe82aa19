/* invoice.h - invoices and credit notes as records: states, numbers, lines and what each line bills. */
#ifndef ALIHDAYA_INVOICE_H
#define ALIHDAYA_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rates.h"

/*
 * An invoice bills one locked billing period of one engagement (docs/api.md
 * "Invoices"). States: draft -> issued -> paid, and issued or paid ->
 * credited. Nothing of an issued invoice is ever edited: a mistake is
 * answered by a credit note (kind credit_note), which negates every line of
 * the invoice it credits and is issued at once; the period may then be
 * drafted again.
 *
 * Numbers: "INV-<year>-<seq>" for invoices and "CN-<year>-<seq>" for credit
 * notes, seq 6 digits, gap-free per series and year of issue: the engine
 * takes max(seq) + 1 of the series in the transaction that issues, so a
 * failed or crashed issue leaves no number used. Drafts have none.
 */
enum invoice_state { INVOICE_DRAFT, INVOICE_ISSUED, INVOICE_PAID, INVOICE_CREDITED,
		     INVOICE_PART_CREDITED, /* some of it credited by partial notes */
		     INVOICE_STATE__COUNT };
enum invoice_kind { INVOICE_KIND_INVOICE, INVOICE_KIND_CREDIT, INVOICE_KIND__COUNT };

/* "draft", "issued", "paid", "credited", "partially_credited" */
const char *invoice_state_name(enum invoice_state s);
const char *invoice_kind_name(enum invoice_kind k);   /* "invoice", "credit_note" */

#define INVOICE_NUMBER_MAX 32
#define INVOICE_LABEL_MAX 64
#define INVOICE_LANG_MAX 4
#define INVOICE_REASON_MAX 256 /* a partial credit note's reason, bytes with the NUL */

struct invoice_rec {
	int64_t id, client_id, engagement_id, period_id;
	int64_t from_at, to_at; /* the period, [from_at, to_at) UTC ms */
	enum invoice_kind kind;
	enum invoice_state state;
	char number[INVOICE_NUMBER_MAX]; /* "" while a draft */
	int64_t year, seq;		 /* of the number; 0 while a draft */
	int64_t credit_of;		 /* a credit note: the invoice it credits */
	int64_t credited_by;		 /* an invoice: its credit note (0: none) */
	char currency[4];
	int exponent;
	int64_t work, fee, credits, net, tax, total; /* as struct bill */
	int64_t hours_ms;			     /* billable time */
	int64_t items;				     /* items done */
	int64_t created_at, created_by, issued_at, paid_at, credited_at;
	/* an invoice: the total its credit notes credited so far (>= 0, <= total) */
	int64_t credited_total;
	/* a partial credit note: why ("" for a whole one) */
	char reason[INVOICE_REASON_MAX];
};

/*
 * A line. What it bills (docs/api.md): an hours line the current time
 * entries of the period by the workers it names (refs of kind worker: the
 * workers of that grade when drafted); an items line the items it names
 * (refs of kind item); a milestone line its milestones. Credits, the
 * minimum and tax bill the invoice itself.
 */
struct invoice_line {
	int64_t invoice_id;
	int line_no; /* 1.. */
	enum bill_line_kind kind;
	int grade, tier;		/* -1: not this kind */
	char label[INVOICE_LABEL_MAX];	/* item type or tax name; "" else */
	int64_t qty, first, price, amount;
};

enum invoice_ref_kind { IREF_WORKER, IREF_ITEM, IREF_MILESTONE, IREF__COUNT };
const char *invoice_ref_kind_name(enum invoice_ref_kind k); /* "worker", "item", "milestone" */

struct invoice_ref {
	int line_no;
	enum invoice_ref_kind kind;
	int64_t ref_id;
};

/*
 * A draft as the use case computed it, for the engine to write: the record,
 * its lines and refs in one block (invoice_draft_size(n_refs) bytes, one
 * malloc, freed with free()).
 */
struct invoice_draft {
	struct invoice_rec rec;
	size_t n_lines;
	struct invoice_line lines[BILL_LINES_MAX];
	size_t n_refs;
	struct invoice_ref refs[];
};
#define INVOICE_REFS_MAX ((size_t)5000000) /* items a draft names at most */
size_t invoice_draft_size(size_t n_refs);

/*
 * A client's billing settings (PUT /v1/clients/:id/billing): the language
 * its invoices are written in, and what the same work would cost it
 * in-house (the savings report's assumptions). has_inhouse false: the
 * catalogue's defaults (core/savings.h).
 */
struct client_billing {
	int64_t client_id;
	char language[INVOICE_LANG_MAX]; /* "en", "id", "ms"; "" unset */
	bool has_inhouse;
	int64_t inhouse_hour;	    /* minor units per hour of an in-house employee */
	char inhouse_currency[4];
	int64_t overhead_bp;	    /* on top of the hourly cost: benefits, space, tools */
	int64_t updated_at, updated_by;
};

/* "INV-2026-000001" / "CN-2026-000001" into out (at least INVOICE_NUMBER_MAX bytes). */
void invoice_number_format(enum invoice_kind k, int64_t year, int64_t seq, char *out, size_t n);
/* The UTC calendar year of t (ms since the epoch). */
int64_t invoice_year_of(int64_t t_ms);

/* The next state of an invoice asked to move by act, or ERR_CONFLICT with why (a static text). */
enum invoice_act { INVOICE_ACT_ISSUE, INVOICE_ACT_PAY, INVOICE_ACT_CREDIT };
int invoice_advance(const struct invoice_rec *r, enum invoice_act act, enum invoice_state *to,
		    const char **why);

/* ---------------------------------------------------------------- partial credit notes */

/*
 * A partial credit note credits part of an issued (or paid, or already
 * partly credited) invoice, by lines or by an amount, never more in sum
 * than the invoice (docs/api.md "Partial credit notes"):
 *  - a line (hours, items, milestone, minimum) by a quantity q of its own
 *    unit (ms, items, milestones): amount = line.amount * q / line.qty,
 *    rounded half away from zero; or by an amount; each line at most its
 *    quantity and its amount over all notes;
 *  - or an amount of the net (an "adjustment" line, CREDIT_ADJUST_LINE);
 *  - tax in proportion, cumulatively: after the note, the tax credited on
 *    each tax line is round(tax_line * net credited so far / invoice net),
 *    half away from zero, so the notes' taxes add up to at most the tax and
 *    to exactly it once the whole net is credited; this note's tax is that
 *    minus what earlier notes credited.
 * The net credited over all notes never passes the invoice's net (hence
 * the total never passes its total).
 */
#define CREDIT_ADJUST_LINE (BILL_LINES_MAX + 1) /* an amount credit's line_no in its note */
#define CREDIT_SLOTS (BILL_LINES_MAX + 2)	 /* per-line sums, indexed by line_no */

struct credit_ask {
	int line_no;
	bool by_qty;	/* else by amount */
	int64_t qty;	/* by_qty: > 0, in the line's unit */
	int64_t amount; /* !by_qty: > 0, minor units */
};

struct credit_req {
	size_t n_asks; /* 0: by amount */
	struct credit_ask asks[BILL_LINES_MAX];
	int64_t amount; /* n_asks == 0: the net to credit, > 0 */
	char reason[INVOICE_REASON_MAX];
};

/* What the earlier notes of an invoice credited, per line_no of the invoice (their lines). */
struct credited {
	int64_t qty[CREDIT_SLOTS], amount[CREDIT_SLOTS]; /* positive */
	int64_t notes;
};

/*
 * The note req asks of invoice inv (its lines[n]) after the notes before:
 * its record (kind credit_note, negative amounts, the reason; not yet
 * numbered) and lines (out, n_out: as the invoice's line numbers, amounts
 * negative, the adjustment at CREDIT_ADJUST_LINE, tax lines last).
 * ERR_INVALID (why: the field) for an ask that is not a creditable line, a
 * duplicate, a zero or negative figure, more than a line's quantity or
 * amount left; ERR_CONFLICT (why names the remaining creditable total and
 * net) when the note passes what is left. *remaining: the total left after.
 */
int invoice_credit_compute(const struct invoice_rec *inv, const struct invoice_line *lines,
			   size_t n, const struct credited *before, const struct credit_req *req,
			   struct invoice_rec *note, struct invoice_line *out, size_t *n_out,
			   char *why, size_t wn);

#endif
