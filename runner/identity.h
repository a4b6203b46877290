/* identity.h: which platform a run describes, and the label of its results file. */
#ifndef RUNNER_IDENTITY_H
#define RUNNER_IDENTITY_H

#include <stddef.h>
#include <stdio.h>

struct identity {
	char target[32];   /* "native" */
	char os[64];       /* "Linux" */
	char kernel[128];  /* "6.18.44-fc-v509" */
	char machine[64];  /* "x86_64" */
	char stack[32];    /* "kernel" */
	char date[32];     /* "2026-11-22T03:10:00Z" */
	char label[160];   /* "linux-6.18.44-native" */
	char sysctls[1024]; /* "# sysctl ..." lines a target reported; "": this machine's */
};

void identity_of_this_machine(struct identity *id, const char *target, const char *label_override);
/* "linux-6.18.44-native": OS lowercased, the release's leading version, the target. */
void make_label(char *out, size_t size, const char *os, const char *release, const char *target);
/* The comment lines a run's TAP starts with. */
void identity_write(FILE *out, const struct identity *id);

#endif
