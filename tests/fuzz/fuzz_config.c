/*
 * fuzz_config.c: libFuzzer target for the config loader (src/config*.c,
 * src/inifile.c, src/parse.c): any INI text gives a validated config or
 * errors, never a crash, a leak or a hang.  A text load reads nothing
 * from disk, so a run depends on the input alone.  A config accepted is
 * read again after itself (config_load_after, as a reload reads): the
 * same messages, the same programs, each process the same; and edits of
 * it read after it are what a fresh read of them is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_diff.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_CRIT);
	return 0;
}

/* Two reads alike: the same messages, programs, lines and processes. */
static void
check_same(const struct config *a_cf, const struct config_msgs *a_msgs,
    const struct config *b_cf, const struct config_msgs *b_msgs)
{
	const struct program_config *a, *b;
	const struct proc_config *pa, *pb;
	size_t i;
	int j;

	if ((a_cf == NULL) != (b_cf == NULL) ||
	    a_msgs->cm_count != b_msgs->cm_count)
		abort();
	for (i = 0; i < a_msgs->cm_count; i++)
		if (strcmp(a_msgs->cm_list[i].cm_text,
		    b_msgs->cm_list[i].cm_text) != 0)
			abort();
	if (a_cf == NULL)
		return;
	if (a_cf->cf_nprograms != b_cf->cf_nprograms)
		abort();
	for (i = 0; i < a_cf->cf_nprograms; i++) {
		a = a_cf->cf_programs[i];
		b = b_cf->cf_programs[i];
		if (a->pg_numprocs != b->pg_numprocs ||
		    a->pg_depends_level != b->pg_depends_level ||
		    a->pg_line != b->pg_line ||
		    a->pg_depends_line != b->pg_depends_line ||
		    a->pg_span != b->pg_span || a->pg_source != b->pg_source)
			abort();
		for (j = 0; j < a->pg_numprocs; j++) {
			pa = &a->pg_procs[j];
			pb = &b->pg_procs[j];
			if (!config_process_same(a, pa, b, pb) ||
			    pa->pcf_stderr_joined != pb->pcf_stderr_joined ||
			    pa->pcf_tapped[0] != pb->pcf_tapped[0] ||
			    pa->pcf_tapped[1] != pb->pcf_tapped[1])
				abort();
		}
	}
}

/* Read again after cf, the text the same: what a reload reads. */
static void
check_again(const struct config *cf, const uint8_t *data, size_t size,
    const struct config_msgs *msgs)
{
	struct config_msgs again;
	struct config *cf2;

	cf2 = config_load_text_after("fuzz.ini", (const char *)data, size,
	    &again, cf);
	if (cf2 == NULL || cf2->cf_copied > cf2->cf_nprograms)
		abort();
	check_same(cf, msgs, cf2, &again);
	config_free(cf2);
	config_msgs_free(&again);
}

/*
 * An edit of the text (at an offset from the input: a line added above,
 * a byte changed) read after cf and read fresh: the same.
 */
static void
check_edit(const struct config *cf, const uint8_t *data, size_t size)
{
	struct config_msgs m1, m2;
	struct config *after, *fresh;
	size_t at = size > 0 ? data[0] % size : 0, k;
	char *text;

	if ((text = malloc(size + 8)) == NULL)
		return;
	for (k = 0; k < 2; k++) {
		if (k == 0) {		/* a line added at a line's start */
			while (at > 0 && data[at - 1] != '\n')
				at--;
			memcpy(text, data, at);
			memcpy(text + at, ";x\n", 3);
			memcpy(text + at + 3, data + at, size - at);
		} else {		/* one byte changed */
			memcpy(text, data, size);
			if (size > 0)
				text[size / 2] = text[size / 2] == '1' ? '2' :
				    '1';
		}
		after = config_load_text_after("fuzz.ini", text,
		    k == 0 ? size + 3 : size, &m1, cf);
		fresh = config_load_text("fuzz.ini", text,
		    k == 0 ? size + 3 : size, &m2);
		check_same(after, &m1, fresh, &m2);
		config_free(after);
		config_msgs_free(&m1);
		config_free(fresh);
		config_msgs_free(&m2);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_msgs msgs;
	struct config *cf;
	size_t i, errors = 0;

	/* A few hundred KB of config say all a small one can, slower. */
	if (size > 256 * 1024)
		return 0;
	cf = config_load_text("fuzz.ini", (const char *)data, size, &msgs);
	for (i = 0; i < msgs.cm_count; i++) {
		if (msgs.cm_list[i].cm_text == NULL ||
		    strncmp(msgs.cm_list[i].cm_text, "fuzz.ini", 8) != 0)
			abort();
		if (msgs.cm_list[i].cm_error)
			errors++;
	}
	/* Accepted means no error; refused means at least one says why. */
	if (errors != msgs.cm_errors || (cf != NULL) != (errors == 0))
		abort();
	if (cf != NULL && (cf->cf_nfiles != 1 ||
	    strcmp(cf->cf_files[0], "fuzz.ini") != 0))
		abort();
	if (cf != NULL) {
		check_again(cf, data, size, &msgs);
		check_edit(cf, data, size);
	}
	config_free(cf);
	config_msgs_free(&msgs);
	return 0;
}
