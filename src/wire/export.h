/* export.h - an export's rows rendered: CSV (RFC 4180), JSON Lines, or an XLSX workbook on disk. */
#ifndef ALIHDAYA_WIRE_EXPORT_H
#define ALIHDAYA_WIRE_EXPORT_H

#include "app/exports.h"
#include "core/export.h"
#include "util/buf.h"

/*
 * CSV and JSON Lines are rendered row by row into a caller's buffer (the
 * caller streams it and empties it); nothing is kept. CSV: a header row,
 * CRLF line ends, UTF-8 without BOM, every cell text (core/export.h:
 * formula guard, quoting). JSON Lines: one object a line whose keys are the
 * columns and whose values keep their JSON types (a whole payload or result
 * is an object).
 *
 * XLSX needs a file: the workbook is written in libxlsxwriter's
 * constant_memory mode (a row at a time to disk) to a file made with mode
 * 0600 in dir (the data directory), which wire_export_finish() closes,
 * opens, unlinks and hands back as a descriptor to stream. Numbers and
 * booleans are written as such, everything else as text cells (never a
 * formula, so no guard is needed), times as RFC 3339 text.
 */
struct wire_export;

/* cols must outlive the export; dir only for XLSX (NULL: /tmp). OUT: *out. */
int wire_export_new(enum export_format f, const struct export_cols *cols, const char *dir,
		    struct wire_export **out, struct buf *err);
/* The header row (CSV, XLSX; JSON Lines has none). */
int wire_export_header(struct wire_export *we, struct buf *out, struct buf *err);
/* One row: appended to out (CSV, JSONL) or written to the workbook (XLSX). */
int wire_export_row(struct wire_export *we, const struct app_export_row *row, struct buf *out,
		    struct buf *err);
/* XLSX: the workbook closed; OUT: *fd, the file opened for reading and already unlinked. */
int wire_export_finish(struct wire_export *we, int *fd, struct buf *err);
/* The media type and the file name's extension of a format. */
const char *wire_export_media_type(enum export_format f);
void wire_export_free(struct wire_export *we);

#endif
