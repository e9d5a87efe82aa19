/* csv.h - a streamed RFC 4180 reader over libcsv: limits, BOM, delimiter detection, line numbers.
 */
#ifndef ALIHDAYA_CSV_H
#define ALIHDAYA_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/*
 * Input arrives in pieces of any size (an HTTP upload, a file read): the
 * reader hands each complete record to a callback and keeps only the
 * record being read, so memory is bounded by max_row_bytes whatever the
 * file's size. Parsing is libcsv's (strict mode: a stray quote is an
 * error; spaces are kept, as RFC 4180 says; empty lines are skipped).
 *
 * What a bad input does:
 *  - a record longer than max_row_bytes, more than max_rows records, a NUL
 *    byte, a stray or unterminated quote: the whole reading fails
 *    (csv_feed/csv_finish answer ERR_TOOBIG or ERR_INVALID with the line
 *    named in err, "line N: ...");
 *  - a record with more than max_fields fields or a field that is not
 *    well-formed UTF-8: that record comes to the callback with `bad` set
 *    and a reason naming its column; the caller rejects the row.
 * Lines are physical lines of the file, counted from 1, where the record
 * begins (a field with embedded newlines spans several).
 */

#define CSV_MAX_ROW_DEFAULT ((size_t)1 << 20) /* 1 MiB */
#define CSV_MAX_FIELDS_DEFAULT 10000
#define CSV_MAX_ROWS_DEFAULT 5000000

struct csv_limits {
	size_t max_row_bytes; /* 0 = CSV_MAX_ROW_DEFAULT */
	size_t max_fields;    /* 0 = CSV_MAX_FIELDS_DEFAULT */
	int64_t max_rows;     /* records, the header included; 0 = CSV_MAX_ROWS_DEFAULT */
};

struct csv_field {
	const char *p; /* NUL-terminated, valid during the callback */
	size_t len;
};

struct csv_record {
	int64_t line;  /* where it begins */
	int64_t index; /* 0 = the first record (a header) */
	size_t n;      /* fields */
	const struct csv_field *f;
	bool bad;	    /* too many fields or bad UTF-8: reason says which */
	const char *reason; /* "" unless bad */
	size_t bad_column;  /* 1-based column of the bad field, 0 = the record */
};

/* Answers 0 to go on, or a negative ERR_* that stops the reading (returned by csv_feed). */
typedef int (*csv_record_fn)(void *ctx, const struct csv_record *rec);

struct csv_reader;

/*
 * delim: ',' or ';', or 0 to detect it from the first line (the one of the
 * two that occurs more often outside quotes; ',' on a tie).
 */
int csv_reader_new(const struct csv_limits *lim, char delim, csv_record_fn fn, void *ctx,
		   struct csv_reader **out, struct buf *err);
void csv_reader_free(struct csv_reader *r);
/* Feeds n bytes. 0, a callback's error, or ERR_INVALID / ERR_TOOBIG with the line in err. */
int csv_feed(struct csv_reader *r, const char *p, size_t n, struct buf *err);
/* The end of input: the last record (no final newline needed); an open quote fails. */
int csv_finish(struct csv_reader *r, struct buf *err);
/* The delimiter in use (0 until the first line is in when detecting). */
char csv_delimiter(const struct csv_reader *r);
/* Bytes fed so far (a BOM included). */
uint64_t csv_bytes(const struct csv_reader *r);

#endif
