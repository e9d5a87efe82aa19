/* import.h - bulk imports: the job record, its rejected rows, and a file's row turned into a
 * payload. */
#ifndef ALIHDAYA_IMPORT_H
#define ALIHDAYA_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fields.h"
#include "core/model.h"
#include "util/buf.h"
#include "util/csv.h"

enum import_state { IMPORT_RECEIVING, IMPORT_RUNNING, IMPORT_DONE, IMPORT_FAILED };
const char *import_state_name(enum import_state s);

#define IMPORT_ERROR_MAX 512
/*
 * Rows per engine command (group commit): a batch is one engine step of a
 * few milliseconds (bench/import.sh), so other users' commands wait at most
 * about that behind it, and a million rows are 500 commits, not 2,000.
 */
#define IMPORT_BATCH_ROWS 2000
/* The engine's time for one batch while others wait: past it, the rest go in the next command. */
#define IMPORT_BATCH_BUDGET_US 25000
/* A batch also ends once its payloads reach this many bytes (large rows). */
#define IMPORT_BATCH_BYTES ((size_t)8 << 20)
/* Rejected rows kept with their line and reason; past it they are only counted. */
#define IMPORT_ERRORS_KEPT 100000

/* One import job. Counters count data rows (a CSV header is not one). */
struct import_rec {
	int64_t id, engagement_id, client_id, created_by, created_at, updated_at;
	enum import_state state;
	int64_t rows_read, created, duplicate, rejected, bytes;
	bool all_or_nothing;
	char format[8];		      /* "csv" or "jsonl" */
	char error[IMPORT_ERROR_MAX]; /* failed: why, naming the line */
};

/* A rejected row: where and why (never the cell's value). */
struct import_error_rec {
	int64_t import_id, line;
	char column[FIELDS_NAME_MAX + 1]; /* the column's header, "" = the row */
	char reason[256];
};

/* A row to create: the engine fills outcome. */
enum import_outcome { IMPORT_ROW_CREATED, IMPORT_ROW_DUPLICATE, IMPORT_ROW_REJECTED };
struct import_row {
	int64_t line;
	char external_ref[MODEL_REF_MAX]; /* "" = none */
	char type[MODEL_ITEM_TYPE_MAX];	  /* the item's type, "" = default */
	const char *payload;		  /* JSON object text, the caller's */
	enum import_outcome outcome;	  /* OUT */
	char reason[256];		  /* OUT: rejected */
};

/*
 * CSV columns mapped to payload members. The header names the columns; a
 * mapping "col:field,col2:field2" renames some (field "-" drops a column).
 * A column named external_ref (after mapping) is the row's reference, one
 * named type the item's type (1..32 of [a-z0-9_]; whether the engagement
 * declares it is the caller's check). With fs, every other column must name
 * a declared field.
 *
 * Cells become JSON by the declared field's type (docs/api.md "Imports"):
 * an empty cell is an absent member; integer: a whole number (-?digits)
 * becomes a JSON integer; decimal: the text as a JSON string ("12.50",
 * exact, checked at the field's scale); boolean: true/false/1/0/yes/no;
 * list: the cell is a JSON array; text, enum, date, and every column when
 * nothing is declared: a JSON string.
 */
struct import_map;
int import_map_new(const struct fieldset *fs, const struct csv_record *header, const char *mapping,
		   struct import_map **out, struct buf *err);
void import_map_free(struct import_map *m);

/*
 * A CSV record as a payload (JSON object text in payload) and its external
 * reference. 0, or ERR_INVALID with the column's header in column ("" =
 * the row) and why in reason.
 */
int import_csv_row(const struct import_map *m, const struct csv_record *rec, struct buf *payload,
		   char ref[MODEL_REF_MAX], char type[MODEL_ITEM_TYPE_MAX],
		   char column[FIELDS_NAME_MAX + 1], struct buf *reason);

/*
 * One line of JSON Lines: an object, its "external_ref" member (a string)
 * taken out as the reference, its "type" member (a string) as the item's
 * type. As import_csv_row.
 */
int import_jsonl_row(const char *line, size_t len, struct buf *payload, char ref[MODEL_REF_MAX],
		     char type[MODEL_ITEM_TYPE_MAX], char column[FIELDS_NAME_MAX + 1],
		     struct buf *reason);

#endif
