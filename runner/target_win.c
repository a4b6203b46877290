/* target_win.c: on a Windows host only the native target runs. */
#include "target.h"

#include <stdio.h>
#include <string.h>

int target_prepare(struct target_wrap *w, const char *target, const struct catalog *cat,
		   struct identity *id, int label_given, const char *scratch, char *err,
		   size_t errsize)
{
	(void)cat, (void)id, (void)label_given, (void)scratch;
	memset(w, 0, sizeof *w);
	if (strcmp(target, "native") == 0)
		return 0;
	snprintf(err, errsize, "--target %s: not available on Windows", target);
	return -1;
}

void target_finish(struct target_wrap *w)
{
	(void)w;
}

int target_run_guest(const struct options *o, const struct catalog *cat, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, const char *scratch)
{
	(void)cat, (void)exe_dir, (void)cases_dir, (void)div_dir, (void)scratch;
	fprintf(stderr, "sockconf: --target %s: not available on Windows\n", o->target);
	return 2;
}
