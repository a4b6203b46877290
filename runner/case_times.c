/* case_times.c: the last run's time per case (see case_times.h). */
#include "case_times.h"

#include "atomic_file.h"
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMES_HEADER "# sockconf: each case's wall time in ms, the last run's or half the one before, the longer; read to schedule the next\n"

void case_times_path(const char *cases_dir, const char *label, char *out, size_t size)
{
	const char *told = getenv("SOCKCONF_TIMES_FILE"); /* a guest's runner, told by the host */

	if (told && *told)
		snprintf(out, size, "%s", told);
	else
		snprintf(out, size, "%s/.times/%s", cases_dir, label);
}

/* Calls keep(id, ms) for each well-formed line of path; -1 when it cannot be read. */
static int read_times(const char *path, void (*keep)(const char *id, double ms, void *ctx), void *ctx)
{
	FILE *f = fopen(path, "r");
	char line[512], id[256];
	double ms;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (line[0] != '#' && sscanf(line, "%255s %lf", id, &ms) == 2 && ms >= 0)
			keep(id, ms, ctx);
	fclose(f);
	return 0;
}

struct into_catalog {
	const struct catalog *cat;
	double *ms;
};

static void keep_in_catalog(const char *id, double ms, void *ctx)
{
	struct into_catalog *c = ctx;
	const struct case_entry *e = catalog_find(c->cat, id);

	if (e)
		c->ms[e - c->cat->cases] = ms;
}

int case_times_load(const char *path, const struct catalog *cat, double *ms)
{
	struct into_catalog c = {cat, ms};

	memset(ms, 0, cat->n * sizeof *ms);
	return read_times(path, keep_in_catalog, &c);
}

struct carry_over {
	const struct catalog *ran;
	FILE *out;
};

static void keep_if_not_run(const char *id, double ms, void *ctx)
{
	struct carry_over *c = ctx;

	if (!catalog_find(c->ran, id))
		fprintf(c->out, "%s %.1f\n", id, ms);
}

int case_times_save(const char *path, const struct catalog *cat, const struct case_result *results)
{
	struct atomic_file a;
	struct carry_over c;
	double *before;

	char dir[1300];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 0, path);
	if ((dir[0] && plat_mkdir_p(dir) == -1) || atomic_file_open(&a, path) == -1)
		return -1;
	fputs(TIMES_HEADER, a.f);
	before = calloc(cat->n ? cat->n : 1, sizeof *before);
	if (before)
		(void)case_times_load(path, cat, before); /* no file: all 0 */
	for (size_t i = 0; i < cat->n; i++) {
		/* a case whose outcome was quick by chance (a recv that had not blocked yet)
		 * keeps half its long time: one lucky run does not undo its split */
		double ms = before && before[i] / 2 > results[i].ms ? before[i] / 2 : results[i].ms;
		fprintf(a.f, "%s %.1f\n", cat->cases[i].id, ms);
	}
	free(before);
	c.ran = cat;
	c.out = a.f;
	read_times(path, keep_if_not_run, &c); /* a filtered run keeps the others' times */
	return atomic_file_commit(&a);
}
