/* buf.h - the one growable byte buffer, with a hard size cap (after curl's dynbuf). */
#ifndef ALIHDAYA_BUF_H
#define ALIHDAYA_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A buffer owns `data` (always NUL-terminated once anything was appended).
 * Appending past `cap` fails with ERR_TOOBIG and leaves the buffer as it was,
 * so input from the network can never grow memory without bound.
 * `struct buf b = BUF_INIT;` is valid and safe to buf_release() unused.
 */
struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap;
};

#define BUF_DEFAULT_CAP ((size_t)16 << 20)
#define BUF_INIT { NULL, 0, 0, BUF_DEFAULT_CAP }

void buf_init(struct buf *b, size_t cap);
/* 0, -ERR_TOOBIG past the cap, -ERR_NOMEM. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Never NULL: "" for an empty buffer. Valid until the next append. */
const char *buf_str(const struct buf *b);
/* Empty the buffer, keep its memory. */
void buf_reset(struct buf *b);
/* Free the memory; the buffer is BUF_INIT-like again (cap kept). */
void buf_release(struct buf *b);
/* Hand the data to the caller (who frees it); the buffer becomes empty. */
char *buf_detach(struct buf *b, size_t *len_out);

/*
 * Error detail helpers: library code appends a reason to a caller's buffer
 * and returns the code, instead of printing. `err` may be NULL.
 */
int buf_error(struct buf *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
