/*
 * strv.h: NULL-terminated, heap-allocated vectors of heap-allocated
 * strings, and small string helpers.
 */
#ifndef SUPERVISOR_STRV_H
#define SUPERVISOR_STRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

char	**strv_new(void);
size_t	  strv_len(char *const *v);
int	  strv_push(char ***v, const char *s);
void	  strv_free(char **v);
char	**strv_dup(char *const *v);
bool	  strv_equal(char *const *a, char *const *b);
size_t	  str_hash(const char *s);
/* A 64-bit hash of bytes continued from h (HASH64_INIT to begin), not
 * for adversaries; a string's NUL is hashed too: "ab","c" and "a","bc"
 * differ. */
#define HASH64_INIT	14695981039346656037ULL
uint64_t  hash64_str(uint64_t h, const char *s);
uint64_t  hash64_bytes(uint64_t h, const void *p, size_t n);
bool	  str_same(const char *a, const char *b);
size_t	  utf8_char_len(const char *s);
bool	  utf8_valid(const char *s);

#endif
