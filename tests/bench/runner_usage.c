/*
 * runner_usage.c: LD_PRELOAD=runner_usage.so SOCKCONF_BENCH_USAGE=FILE sockconf ...
 * appends "user_ms system_ms max_rss_kb" of the runner process alone to
 * FILE when it exits: its own CPU time and peak resident memory, without
 * its cases' (getrusage(2) RUSAGE_SELF).  The library takes itself out of
 * the environment first, so the cases the runner starts do not load it.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static char path[4096];

__attribute__((constructor)) static void note_path(void)
{
	const char *p = getenv("SOCKCONF_BENCH_USAGE");

	if (p)
		snprintf(path, sizeof path, "%s", p);
	unsetenv("LD_PRELOAD");
	unsetenv("SOCKCONF_BENCH_USAGE");
}

__attribute__((destructor)) static void write_usage(void)
{
	struct rusage ru;
	FILE *f;

	if (!path[0] || getrusage(RUSAGE_SELF, &ru) == -1 || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%.3f %.3f %ld\n", ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
		ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3, ru.ru_maxrss);
	fclose(f);
}
