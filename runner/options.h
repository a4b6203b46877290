/* options.h: the runner's command line. */
#ifndef RUNNER_OPTIONS_H
#define RUNNER_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum command { CMD_HELP, CMD_LIST, CMD_RUN };

#define MAX_FILTERS 64

struct options {
	enum command command;
	unsigned jobs;            /* parallel cases; default: the number of CPUs */
	unsigned timeout_ms;      /* per case; default 10 s */
	unsigned repeat;          /* run the selection this many times; default 1 */
	const char *target;       /* "native" */
	const char *out_dir;      /* where results/<label>.tap goes; NULL: nowhere */
	const char *cases_dir;    /* NULL: <runner's dir>/cases */
	const char *divergences_dir; /* NULL: <runner's dir>/../../cases/divergences */
	const char *label;        /* NULL: made from OS, release and target */
	int times;                /* print each case's wall time */
	int markdown;             /* list: a Markdown table of id, claim, sources */
	const char *filters[MAX_FILTERS];
	size_t nfilters;
};

/* 0, or -1 with a one-line message in err (the caller exits 2). */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errsize);
void options_usage(FILE *out);

#endif
