/* err.h - the one error enum of alihdaya, with its codes and messages in one table. */
#ifndef ALIHDAYA_ERR_H
#define ALIHDAYA_ERR_H

/*
 * Functions return 0 on success and one of these negative values on failure.
 * The table gives each a stable machine code (sent to API clients as
 * error.code), a default message, and the HTTP status it maps to.
 */
#define ERR_TABLE(X)                                                          \
	X(ERR_NOMEM, -1, "out_of_memory", "out of memory", 503)                    \
	X(ERR_INVALID, -2, "invalid", "invalid input", 400)                        \
	X(ERR_NOTFOUND, -3, "not_found", "no such record", 404)                    \
	X(ERR_CONFLICT, -4, "conflict", "the record is not in a state that allows this", 409) \
	X(ERR_FORBIDDEN, -5, "forbidden", "your role may not do this", 403)        \
	X(ERR_UNAUTH, -6, "unauthorized", "missing or unknown bearer token", 401)  \
	X(ERR_TOOBIG, -7, "too_large", "input exceeds its size limit", 413)        \
	X(ERR_IO, -8, "io", "storage error", 500)                                  \
	X(ERR_BUSY, -9, "busy", "server busy, retry", 503)                         \
	X(ERR_STALE, -10, "stale_lease", "the lease is stale or has expired", 409) \
	X(ERR_EXISTS, -11, "exists", "a record with this key already exists", 409) \
	X(ERR_RATE, -12, "rate_limited", "too many requests", 429)                 \
	X(ERR_METHOD, -13, "method_not_allowed", "method not allowed on this route", 405) \
	X(ERR_SHUTDOWN, -14, "shutting_down", "server is shutting down", 503)      \
	X(ERR_IDEM, -15, "idempotency_mismatch", "Idempotency-Key was used with a different request", 422) \
	X(ERR_INTERNAL, -16, "internal", "internal error", 500)                    \
	X(ERR_SUSPENDED, -17, "suspended", "request waits for the engine (internal)", 500) \
	X(ERR_SHREDDED, -18, "gone", "the client was removed: its data key is destroyed", 410) \
	X(ERR_CRYPTO, -19, "sealed", "a sealed value does not open with the keyring", 500) \
	X(ERR_CSRF, -20, "csrf", "a write signed in by session cookie needs its X-CSRF-Token header", 403)

enum err {
	ERR_OK = 0,
#define X(name, val, code, msg, http) name = val,
	ERR_TABLE(X)
#undef X
};

/* Stable machine-readable code, e.g. "not_found". Never NULL. */
const char *err_code(int e);
/* Default human message. Never NULL. */
const char *err_message(int e);
/* HTTP status for the error; 200 for 0. */
int err_http_status(int e);

#endif
