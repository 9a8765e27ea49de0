/*
 * strmap.c: open addressing with linear probing, kept at most half full
 * so a probe is short; removal shifts the following entries back instead
 * of leaving tombstones, so a table that churns (processes coming and
 * going over reloads) never fills with dead slots.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "strv.h"

#define STRMAP_MIN	16

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m)
{
	free(m->sm_slots);
	strmap_init(m);
}

/* The slot holding key, or the free slot where it would go. */
static size_t
find_slot(const struct strmap *m, const char *key)
{
	size_t slot = str_hash(key) & m->sm_mask;

	while (m->sm_slots[slot].ss_key != NULL &&
	    strcmp(m->sm_slots[slot].ss_key, key) != 0)
		slot = (slot + 1) & m->sm_mask;
	return slot;
}

static int
rehash(struct strmap *m, size_t cap)
{
	struct strmap_slot *old = m->sm_slots, *nl;
	size_t i, oldcap = old != NULL ? m->sm_mask + 1 : 0;

	if ((nl = calloc(cap, sizeof(*nl))) == NULL)
		return -1;
	m->sm_slots = nl;
	m->sm_mask = cap - 1;
	for (i = 0; i < oldcap; i++)
		if (old[i].ss_key != NULL)
			m->sm_slots[find_slot(m, old[i].ss_key)] = old[i];
	free(old);
	return 0;
}

/* Room for n keys without growing; -1 when out of memory. */
int
strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = m->sm_slots != NULL ? m->sm_mask + 1 : STRMAP_MIN;

	while (n * 2 > cap)
		cap *= 2;
	if (m->sm_slots != NULL && cap == m->sm_mask + 1)
		return 0;
	return rehash(m, cap);
}

/* Adds key, or gives it a new value; -1 when out of memory. */
int
strmap_put(struct strmap *m, const char *key, void *value)
{
	size_t slot;

	if (strmap_reserve(m, m->sm_count + 1) == -1)
		return -1;
	slot = find_slot(m, key);
	if (m->sm_slots[slot].ss_key == NULL)
		m->sm_count++;
	m->sm_slots[slot].ss_key = key;
	m->sm_slots[slot].ss_value = value;
	return 0;
}

/* The value of key, or NULL. */
void *
strmap_get(const struct strmap *m, const char *key)
{
	const struct strmap_slot *s;

	if (m->sm_slots == NULL)
		return NULL;
	/* A free slot may still hold the value of a key removed from it. */
	s = &m->sm_slots[find_slot(m, key)];
	return s->ss_key != NULL ? s->ss_value : NULL;
}

/*
 * Takes key out and returns its value (NULL if it was not there).  The
 * entries after it in its run move back into the hole where their probe
 * would pass it, as Knuth's algorithm R does.
 */
void *
strmap_remove(struct strmap *m, const char *key)
{
	size_t hole, next, home;
	void *value;

	if (m->sm_slots == NULL)
		return NULL;
	hole = find_slot(m, key);
	if (m->sm_slots[hole].ss_key == NULL)
		return NULL;
	value = m->sm_slots[hole].ss_value;
	m->sm_slots[hole].ss_key = NULL;
	m->sm_count--;
	for (next = (hole + 1) & m->sm_mask; m->sm_slots[next].ss_key != NULL;
	    next = (next + 1) & m->sm_mask) {
		home = str_hash(m->sm_slots[next].ss_key) & m->sm_mask;
		/* Stays unless its home is cyclically outside (hole, next]. */
		if ((next > hole && (home <= hole || home > next)) ||
		    (next < hole && (home <= hole && home > next))) {
			m->sm_slots[hole] = m->sm_slots[next];
			m->sm_slots[next].ss_key = NULL;
			hole = next;
		}
	}
	return value;
}
