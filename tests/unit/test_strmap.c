/*
 * test_strmap.c: the hash table (src/strmap.c): put, get, remove, and
 * what a removal leaves behind: a removed key is not found, and the keys
 * its removal moved back still are.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "strmap.h"
#include "strv.h"
#include "unit.h"

#define NKEYS	200

static char keys[NKEYS][16];

/* The value stored for key i: any pointer that is not NULL. */
static void *
value_of(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

/* hash64: lengths, zero bytes and the split between strings all count. */
static void
test_hash64(void)
{
	const uint64_t h0 = HASH64_INIT;
	const char zeros[16] = { 0 };
	bool distinct = true;
	size_t i, j;

	for (i = 0; i <= 16; i++)
		for (j = 0; j < i; j++)
			if (hash64_bytes(h0, zeros, i) ==
			    hash64_bytes(h0, zeros, j))
				distinct = false;
	CHECK("hash64: 0 to 16 zero bytes, each its own hash", distinct);
	CHECK("hash64: \"ab\",\"c\" is not \"a\",\"bc\"",
	    hash64_str(hash64_str(h0, "ab"), "c") !=
	    hash64_str(hash64_str(h0, "a"), "bc"));
	CHECK("hash64: a string's NUL counts (\"x\" the string, not the byte)",
	    hash64_str(h0, "x") != hash64_bytes(h0, "x", 1));
	CHECK("hash64: the same bytes, the same hash",
	    hash64_str(h0, "command=sleep 1") ==
	    hash64_str(h0, "command=sleep 1"));
}

int
main(void)
{
	struct strmap m;
	bool ok;
	size_t i;

	UNIT_BEGIN("test_strmap");
	test_hash64();
	strmap_init(&m);
	CHECK("empty: nothing found", strmap_get(&m, "a") == NULL);
	CHECK("empty: nothing to remove", strmap_remove(&m, "a") == NULL);

	CHECK("put a", strmap_put(&m, "a", value_of(0)) == 0);
	CHECK("get a", strmap_get(&m, "a") == value_of(0));
	CHECK("put a again: a new value", strmap_put(&m, "a", value_of(1)) ==
	    0 && strmap_get(&m, "a") == value_of(1) && m.sm_count == 1);
	CHECK("remove a returns its value",
	    strmap_remove(&m, "a") == value_of(1) && m.sm_count == 0);
	/* Its slot is free but held a's value: a lookup must not see it. */
	CHECK("a removed is not found", strmap_get(&m, "a") == NULL);
	CHECK("a removed twice", strmap_remove(&m, "a") == NULL);

	/* Enough keys for long probe runs, then every other one removed:
	 * each removal moves later keys of its run back. */
	for (i = 0; i < NKEYS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key%zu", i);
		(void)strmap_put(&m, keys[i], value_of(i));
	}
	CHECK("many keys counted", m.sm_count == NKEYS);
	for (i = 0; i < NKEYS; i += 2)
		(void)strmap_remove(&m, keys[i]);
	ok = true;
	for (i = 0; i < NKEYS; i++)
		if (strmap_get(&m, keys[i]) != (i % 2 ? value_of(i) : NULL))
			ok = false;
	CHECK("after removals: kept keys found, removed ones not", ok);
	CHECK("after removals: counted", m.sm_count == NKEYS / 2);
	ok = true;
	for (i = 0; i < NKEYS; i++) {
		char absent[24];

		snprintf(absent, sizeof(absent), "absent%zu", i);
		if (strmap_get(&m, absent) != NULL)
			ok = false;
	}
	CHECK("keys never put are not found", ok);
	strmap_free(&m);
	CHECK("freed: empty again", m.sm_slots == NULL &&
	    strmap_get(&m, keys[1]) == NULL);
	return unit_failed;
}
