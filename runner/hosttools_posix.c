/*
 * hosttools_posix.c: small tools the targets use on the host (see
 * target_posix.h): whole files, runs within a bound.
 */

#include "target_posix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (len)
		*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			char *more = realloc(buf, cap ? cap * 2 : 8192);
			if (!more)
				break;
			buf = more;
			cap = cap ? cap * 2 : 8192;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

const char *tail_of(const char *text, size_t max)
{
	size_t n = strlen(text);
	const char *t = n > max ? text + n - max : text;

	if (t != text && strchr(t, '\n'))
		t = strchr(t, '\n') + 1;
	return t;
}

int run_bounded(char *const argv[], char *const env[], const char *dir, const char *name,
		int bound_ms, struct proc_exit *ex, char *err, size_t errsize)
{
	char out[1200], errp[1200];
	struct proc p;
	int i;

	snprintf(out, sizeof out, "%s/%s.out", dir, name);
	snprintf(errp, sizeof errp, "%s/%s.err", dir, name);
	if (proc_start(&p, argv, env, out, errp, err, errsize) != 0) /* -1, PROC_SETUP_FAILED */
		return -1;
	i = proc_wait_any(&p, 1, bound_ms, ex);
	if (i != 0) {
		proc_kill_group(&p);
		snprintf(err, errsize, i == -2 ? "%s: interrupted" : "%s: no answer within %d s",
			 argv[0], bound_ms / 1000);
		return -1;
	}
	proc_kill_group(&p); /* whatever it left behind */
	return 0;
}

void absolute(const char *path, char *out, size_t size)
{
	char *r = realpath(path, NULL);

	snprintf(out, size, "%s", r ? r : path);
	free(r);
}

int append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf), m = strlen(s);

	if (n + m + 1 > size)
		return -1;
	memcpy(buf + n, s, m + 1);
	return 0;
}
