/* gold.c - a worker's tally on gold items and the rule that mixes them into its work. */
#include "core/gold.h"

#include <math.h>
#include <stdlib.h>

#include "core/quality.h"

void gold_rec_release(struct gold_rec *g)
{
	free(g->payload);
	free(g->result);
	g->payload = NULL;
	g->result = NULL;
}

const char *gold_state_name(enum gold_state s)
{
	switch (s) {
	case GOLD_QUALIFIED:
		return "qualified";
	case GOLD_QUALIFYING:
		return "qualifying";
	default:
		return "suspended";
	}
}

double gold_tally_lower(const struct gold_tally *t)
{
	return wilson_lower(t->k, t->n, GOLD_Z);
}

double gold_tally_upper(const struct gold_tally *t)
{
	return wilson_upper(t->k, t->n, GOLD_Z);
}

void gold_tally_reset(struct gold_tally *t)
{
	t->state = GOLD_QUALIFIED;
	t->n = t->k = t->qn = t->qk = 0;
}

bool gold_tally_answer(struct gold_tally *t, const struct gold_settings *gs, bool ok, int64_t at)
{
	t->total_n++;
	t->total_k += ok;
	switch (t->state) {
	case GOLD_QUALIFIED:
		t->n++;
		t->k += ok;
		if (t->n < gs->min_answers || gold_tally_lower(t) >= gs->threshold)
			return false;
		t->state = gs->qualification > 0 ? GOLD_QUALIFYING : GOLD_SUSPENDED;
		t->qn = t->qk = 0;
		t->suspended_at = at;
		return true;
	case GOLD_QUALIFYING:
		t->qn++;
		t->qk += ok;
		if (t->qn < gs->qualification)
			return false;
		/* Compared without a division: qk / qn >= threshold. */
		if ((double)t->qk >= gs->threshold * (double)t->qn)
			gold_tally_reset(t);
		else
			t->state = GOLD_SUSPENDED;
		return true;
	default:
		/* An answer given while suspended (a lease taken before) counts in the totals only.
		 */
		return false;
	}
}

int64_t gold_period(double rate)
{
	double p;

	if (!(rate > 0))
		return 0;
	p = floor(1.0 / rate + 0.5);
	return p < 1 ? 1 : p > 1000000 ? 1000000 : (int64_t)p;
}

/* ---- SipHash-2-4 (Aumasson and Bernstein), a 16-byte message ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static void sipword(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

uint64_t gold_jitter(uint64_t salt, int64_t engagement_id, int64_t a, int64_t b)
{
	uint64_t k0 = salt, k1 = (uint64_t)engagement_id;
	uint64_t v[4] = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
			 k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};

	sipword(v, (uint64_t)a);
	sipword(v, (uint64_t)b);
	sipword(v, (uint64_t)16 << 56); /* the length byte of a 16-byte message, no tail */
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

bool gold_slot(const struct gold_settings *gs, int64_t worker_id, int64_t assigned)
{
	int64_t p = gold_period(gs->rate);

	if (p <= 0 || assigned < 0)
		return false;
	return (uint64_t)(assigned % p) ==
	       gold_jitter(gs->salt, gs->engagement_id, worker_id, assigned / p) % (uint64_t)p;
}
