/*
 * fuzz_config.c: libFuzzer target for the config loader (src/config*.c,
 * src/inifile.c, src/parse.c): any INI text gives a validated config or
 * errors, never a crash, a leak or a hang.  A text load reads nothing
 * from disk, so a run depends on the input alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
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
	config_free(cf);
	config_msgs_free(&msgs);
	return 0;
}
