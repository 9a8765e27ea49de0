/*
 * strv.c: NULL-terminated vectors of strings (argv, envp, name lists),
 * each string and the vector on the heap, and the string helpers every
 * layer uses: a hash for tables, an equality that takes NULL, UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include "strv.h"

char **
strv_new(void)
{
	return calloc(1, sizeof(char *));
}

size_t
strv_len(char *const *v)
{
	size_t n = 0;

	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

int
strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);
	char **nv, *copy;

	if ((copy = strdup(s)) == NULL)
		return -1;
	if ((nv = realloc(*v, (n + 2) * sizeof(char *))) == NULL) {
		free(copy);
		return -1;
	}
	nv[n] = copy;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

void
strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

char **
strv_dup(char *const *v)
{
	size_t i, n = strv_len(v);
	char **out;

	/* At its size at once: a reload copies 10,000 commands. */
	if ((out = calloc(n + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((out[i] = strdup(v[i])) == NULL) {
			strv_free(out);
			return NULL;
		}
	}
	return out;
}

bool
strv_equal(char *const *a, char *const *b)
{
	size_t i;

	if (strv_len(a) != strv_len(b))
		return false;
	for (i = 0; a != NULL && a[i] != NULL; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* FNV-1a: names into hash tables. */
size_t
str_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

uint64_t
hash64_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;
	size_t i;

	/* Eight bytes a step: a reload hashes every section it reads. */
	for (; n >= 8; n -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 32;
	}
	for (w = 0, i = n; i > 0; i--)
		w = (w << 8) ^ b[i - 1];
	w ^= (uint64_t)n << 56;		/* n < 8: the bytes are in bits 0-55 */
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

uint64_t
hash64_str(uint64_t h, const char *s)
{
	return hash64_bytes(h, s, strlen(s) + 1);
}

/* Equal strings, or both NULL. */
bool
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Bytes in s that start a well-formed UTF-8 character (1 to 4 bytes, no
 * overlong form, no surrogate, at most U+10FFFF): 0 when s[0] does not,
 * or s is at its end.
 */
size_t
utf8_char_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i;
	unsigned long c;

	if (u[0] == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (u[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/* True when s is well-formed UTF-8 throughout. */
bool
utf8_valid(const char *s)
{
	size_t n;

	while (*s != '\0') {
		if ((n = utf8_char_len(s)) == 0)
			return false;
		s += n;
	}
	return true;
}
