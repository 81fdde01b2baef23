// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_replay: stateful libFuzzer harness of lsgc_replay_check() in
 * net/lsgc/replay.c, built from the kernel's own source.
 *
 * An input is the sequence of packet counters one sender's packets carry
 * (enum fz_replay_op says how it is encoded).  Each counter goes to a
 * fresh window under test and to a reference model that keeps the exact
 * set of every counter it accepted: no bitmap, no modular arithmetic, the
 * window's rules stated once more in the plainest terms.  Each verdict
 * must agree with the model's, and is also checked on its own against
 * what the receive path relies on:
 * - counter 0 is never accepted (a sender starts at 1);
 * - no counter is ever accepted twice;
 * - an accepted counter is above top - LSGC_REPLAY_WINDOW at the time;
 * - a jump of more than U32_MAX above a non-zero top is refused;
 * - top moves only on acceptance, and then to the counter.
 */
#include "fuzz.h"
#include "replay.h"

/* The model: every counter it accepted, sorted, and the highest one. */
static u64 seen[FZ_REPLAY_MAX];
static unsigned int nseen;
static u64 model_top;

/* Index of the first counter >= c in seen[]. */
static unsigned int seen_pos(u64 c)
{
	unsigned int lo = 0, hi = nseen, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (seen[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool seen_has(u64 c)
{
	unsigned int i = seen_pos(c);

	return i < nseen && seen[i] == c;
}

static void seen_add(u64 c)
{
	unsigned int i = seen_pos(c);

	FZ_CHECK(nseen < FZ_REPLAY_MAX);
	memmove(&seen[i + 1], &seen[i], (nseen - i) * sizeof(seen[0]));
	seen[i] = c;
	nseen++;
}

static bool model_check(u64 c)
{
	bool plausible;

	if (!c || seen_has(c))
		return false;
	if (!model_top)
		plausible = true;	/* the first counter heard may be any */
	else if (c > model_top)
		plausible = c - model_top <= U32_MAX;
	else
		plausible = model_top - c < LSGC_REPLAY_WINDOW;
	if (!plausible)
		return false;
	seen_add(c);
	if (c > model_top)
		model_top = c;
	return true;
}

/* Operand bytes of each opcode. */
static const unsigned int op_len[FZ_R_NOPS] = {
	[FZ_R_NEXT] = 0,
	[FZ_R_NEAR] = 2,
	[FZ_R_OLD] = 2,
	[FZ_R_EDGE] = 1,
	[FZ_R_JUMP] = 1,
	[FZ_R_AGAIN] = 1,
	[FZ_R_ABS] = 8,
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static u64 fed[FZ_REPLAY_MAX];
	struct lsgc_replay *r;
	unsigned int n = 0;
	size_t pos = 0;

	/* On the heap and exactly sized: a bit set past the window's end is
	 * an AddressSanitizer report.  Zeroed, as a new peer's is.
	 */
	r = calloc(1, sizeof(*r));
	FZ_CHECK(r);
	nseen = 0;
	model_top = 0;

	while (pos < size && n < FZ_REPLAY_MAX) {
		unsigned int op = data[pos++] % FZ_R_NOPS;
		const u8 *a = data + pos;
		u64 c, top = model_top;
		bool ok;

		if (size - pos < op_len[op])
			break;
		pos += op_len[op];
		/* Unsigned arithmetic: wrapping around 0 or 2^64 is meant. */
		switch (op) {
		case FZ_R_NEXT:
			c = top + 1;
			break;
		case FZ_R_NEAR:
			c = top + (u64)(s64)(s16)get_unaligned_be16(a);
			break;
		case FZ_R_OLD:
			c = top - get_unaligned_be16(a);
			break;
		case FZ_R_EDGE:
			c = top - LSGC_REPLAY_WINDOW + (u64)(s64)(s8)a[0];
			break;
		case FZ_R_JUMP:
			c = top + U32_MAX + (u64)(s64)(s8)a[0];
			break;
		case FZ_R_AGAIN:
			c = n ? fed[n - 1 - a[0] % n] : 0;
			break;
		default:
			c = get_unaligned_be64(a);
			break;
		}
		fed[n++] = c;

		FZ_CHECK(r->top == top);
		ok = lsgc_replay_check(r, c);
		if (ok) {
			FZ_CHECK(c);
			FZ_CHECK(!seen_has(c));
			FZ_CHECK(c > top || top - c < LSGC_REPLAY_WINDOW);
			FZ_CHECK(!top || c <= top || c - top <= U32_MAX);
			FZ_CHECK(r->top == (c > top ? c : top));
		} else {
			FZ_CHECK(r->top == top);
		}
		FZ_CHECK(ok == model_check(c));
	}
	free(r);
	return 0;
}
