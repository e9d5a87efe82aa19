/* password.h - users' passwords: Argon2id hashes (libsodium), at most one hash per core at once. */
#ifndef ALIHDAYA_PASSWORD_H
#define ALIHDAYA_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The parameters new hashes get: Argon2id, 2 passes over 19 MiB (OWASP's
 * minimum for Argon2id), so a sign-in costs tens of milliseconds, not a
 * second. A stored hash made with other parameters is made again at its
 * user's next sign-in (password_needs_rehash), so raising these upgrades
 * every account that signs in.
 */
#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT ((size_t)19 * 1024 * 1024)
#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES, with its NUL */
#define PASSWORD_MIN 8        /* characters (bytes) a new password has at least */
#define PASSWORD_MAX 1024     /* and at most: a longer one is refused, not hashed */

/*
 * Hashes password into out ("$argon2id$v=19$m=19456,t=2,p=1$..."). Waits
 * while as many hashes as the machine has cores run (a counting semaphore):
 * sign-ins beyond that queue instead of exhausting memory and CPU. Never on
 * the engine thread: it would hold every commit for the hash's duration.
 * ERR_INVALID for a password shorter than PASSWORD_MIN or longer than
 * PASSWORD_MAX; ERR_NOMEM when the hash's memory is not there.
 */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/*
 * True if password matches the stored hash. A NULL or empty hash (an
 * unknown login, a user without a password) is checked against a dummy
 * hash made once with the same parameters, so the answer takes about as
 * long as a real one and is false. Waits for a core as password_hash().
 */
bool password_verify(const char *hash, const char *password);

/* True if hash was made with other parameters than PASSWORD_OPSLIMIT / PASSWORD_MEMLIMIT. */
bool password_needs_rehash(const char *hash);

#endif
