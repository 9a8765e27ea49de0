/*
 * strmap.h: a hash table from strings to pointers, the one table type of
 * the supervisor (config sections, process names, log paths).  Keys are
 * borrowed: the caller keeps each key alive while it is in the table.
 */
#ifndef SUPERVISOR_STRMAP_H
#define SUPERVISOR_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap_slot {
	const char	*ss_key;	/* NULL: free */
	void		*ss_value;
};

struct strmap {
	struct strmap_slot *sm_slots;	/* sm_mask + 1 of them, or NULL */
	size_t		 sm_mask;
	size_t		 sm_count;	/* keys in the table */
};

void	 strmap_init(struct strmap *m);
void	 strmap_free(struct strmap *m);
int	 strmap_reserve(struct strmap *m, size_t n);
int	 strmap_put(struct strmap *m, const char *key, void *value);
void	*strmap_get(const struct strmap *m, const char *key);
void	*strmap_remove(struct strmap *m, const char *key);

#endif
