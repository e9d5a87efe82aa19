/* password.c - Argon2id password hashes through libsodium, limited to one per core at once. */
#include "sec/password.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"

_Static_assert(PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES, "the stored hash's size");

/*
 * Each hash holds PASSWORD_MEMLIMIT and one core for its duration: more at
 * once than cores only makes each slower and multiplies the memory, so a
 * burst of sign-ins waits here instead.
 */
static sem_t slots;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;
static char dummy[PASSWORD_HASH_MAX];

static void slots_init(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	sem_init(&slots, 0, n > 0 && n < 256 ? (unsigned)n : 1);
	/* A hash of a random password: what an unknown login is checked against. */
	{
		unsigned char raw[16];
		char text[33];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(text, sizeof(text), raw, sizeof(raw));
		if (crypto_pwhash_str_alg(dummy, text, strlen(text), PASSWORD_OPSLIMIT,
					  PASSWORD_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13))
			dummy[0] = '\0';
		sodium_memzero(text, sizeof(text));
	}
}

static void slot_take(void)
{
	pthread_once(&slots_once, slots_init);
	while (sem_wait(&slots))
		; /* EINTR */
}

static void slot_give(void)
{
	sem_post(&slots);
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	size_t n = strnlen(password, PASSWORD_MAX + 1);
	int rc;

	memset(out, 0, PASSWORD_HASH_MAX);
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return ERR_INVALID;
	slot_take();
	rc = crypto_pwhash_str_alg(out, password, n, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT,
				   crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	return rc ? ERR_NOMEM : 0;
}

bool password_verify(const char *hash, const char *password)
{
	size_t n = strnlen(password, PASSWORD_MAX + 1);
	bool known = hash && hash[0] && strnlen(hash, PASSWORD_HASH_MAX) < PASSWORD_HASH_MAX;
	bool ok;

	if (n > PASSWORD_MAX)
		n = PASSWORD_MAX; /* still hashed: a long password must not answer faster */
	slot_take();
	ok = crypto_pwhash_str_verify(known ? hash : dummy, password, n) == 0;
	slot_give();
	return known && ok;
}

bool password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0;
}
