/*
 * unit.h: the smallest test framework that does the job.  Each check
 * prints "PASS file: name" or "FAIL file: name (file:line: expression)";
 * main() returns unit_failed so the binary's status says it too.
 */
#ifndef SUPERVISOR_UNIT_H
#define SUPERVISOR_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;
static const char *unit_file = "unit";

#define UNIT_BEGIN(name)	(unit_file = (name))

/* CHECK(name, expr): one named result line. */
#define CHECK(name, expr) do {						\
	if (expr)							\
		printf("PASS %s: %s\n", unit_file, (name));		\
	else {								\
		printf("FAIL %s: %s (%s:%d: %s)\n", unit_file, (name),	\
		    __FILE__, __LINE__, #expr);				\
		unit_failed = 1;					\
	}								\
} while (0)

/* CHECK_STR(name, got, want): compares strings, shows both on failure. */
#define CHECK_STR(name, got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0)		\
		printf("PASS %s: %s\n", unit_file, (name));		\
	else {								\
		printf("FAIL %s: %s (%s:%d: got \"%s\", want \"%s\")\n",\
		    unit_file, (name), __FILE__, __LINE__,		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
		unit_failed = 1;					\
	}								\
} while (0)

#endif
