/* options.h: the runner's command line. */
#ifndef RUNNER_OPTIONS_H
#define RUNNER_OPTIONS_H

#include "link.h"

#include <stddef.h>
#include <stdio.h>

enum command { CMD_HELP, CMD_VERSION, CMD_LIST, CMD_RUN, CMD_MATRIX, CMD_DIFF };

#define MAX_FILTERS 64

struct options {
	enum command command;
	unsigned jobs;            /* parallel cases; default: the number of CPUs */
	unsigned timeout_ms;      /* per case; default 10 s */
	unsigned repeat;          /* run the selection this many times; default 1 */
	const char *target;       /* "native", "gvisor", "lwip", "lwip-linux", "uml", "qemu" (target.h) */
	const char *as_target;    /* run natively, but name the platform this target (a guest's runner) */
	const char *out_dir;      /* where results/<label>.tap goes; NULL: nowhere */
	const char *junit_path;   /* run: a JUnit XML report of the run too (--junit FILE); NULL: none */
	const char *cases_dir;    /* NULL: found as runner/paths.h says */
	const char *divergences_dir; /* NULL: found as runner/paths.h says */
	const char *label;        /* NULL: made from OS, release and target */
	int times;                /* print each case's wall time */
	struct link link;         /* run: --link, netem between the ends (link.h); .set 0: none */
	const char *peer_addr4;   /* agent targets: this machine's addresses on the link to the agent */
	const char *peer_addr6;   /*   (NULL: 127.0.0.1, ::1) */
	const char *agent_wire;   /* agent targets: the interface towards the agent, watched; NULL: none */
	int markdown;             /* list: a Markdown table of id, claim, sources */
	const char *results_dir;  /* matrix: where the *.tap files are; default "results" */
	const char *filters[MAX_FILTERS]; /* diff: the two results files */
	size_t nfilters;
	int argc;                 /* the command line as given, for the results file */
	char **argv;
};

/* 0, or -1 with a one-line message in err (the caller exits 2). */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errsize);
void options_usage(FILE *out);
/* The command line as given, one line, each word quoted for sh where it needs it. */
void options_command_line(const struct options *o, char *out, size_t size);
/* 'word' for sh: single quotes, each ' as '\''. */
void shell_quote(char *out, size_t size, const char *s);

#endif
