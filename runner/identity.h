/* identity.h: which platform a run describes, and the label of its results file. */
#ifndef RUNNER_IDENTITY_H
#define RUNNER_IDENTITY_H

#include "link.h"

#include <stddef.h>
#include <stdio.h>

struct identity {
	char target[32];   /* "native" */
	char os[64];       /* "Linux" */
	char kernel[128];  /* "6.18.44-fc-v509" */
	char machine[64];  /* "x86_64" */
	char stack[32];    /* "kernel", "lwip": the stack the case's own end lives on */
	char stack_version[64]; /* "6.18.44-fc-v509", "2.1.3": that stack's release */
	char peer_stack[96];    /* "kernel 6.18.44-fc-v509": the peer end's, where it is another stack */
	char peer_word[32];     /* the peer's stack in the label ("-peer-lwip"), where no target names it */
	char host[288];         /* "Linux 6.18.44-fc-v509 x86_64": where a stack that is the platform ran */
	char date[32];     /* "2026-11-22T03:10:00Z" */
	char label[160];   /* "linux-6.18.44-native-kernel-x86_64" */
	char command[1024]; /* "sockconf run -j 2 rst.*": how the run was asked for */
	char partial[512];  /* "3 of 52 cases: rst.*": a filtered run; "": the whole catalogue */
	char sysctls[1024]; /* "# sysctl ..." lines a target reported; "": this machine's */
	struct link link;   /* --link the connections crossed (link.h); .set 0: loopback as it is */
};

/* "0.7+g1a2b3c4": the release and commit (the Makefile writes it to $(BUILD)/version.c) */
extern const char sockconf_version[];

void identity_of_this_machine(struct identity *id, const char *target, const char *label_override);
/* "linux-6.18.44-native-kernel-x86_64": the OS lowercased, the release's leading
 * version, the target (unless it is the OS: gvisor, lwip), the stack, the machine;
 * a peer on another stack that no target names adds "-peer-lwip"; a run behind
 * --link adds "-link-d20ms", so it sits beside the loopback run. */
void make_label(char *out, size_t size, const struct identity *id);
/*
 * The run tests `stack` at `version` (what a case's --stack answered), its
 * peer end on `peer` ("NAME VERSION"; NULL or "" when on the same stack).
 * A stack other than the platform's own ("kernel") is the platform, as
 * gVisor's netstack is: os is the stack's name, kernel its version, and
 * host says where it ran (lwip-2.1.3-lwip-x86_64).  The label is made again
 * unless label_given.
 */
void identity_set_stack(struct identity *id, const char *stack, const char *version,
			const char *peer, int label_given);
/*
 * A label is a file name (results/<label>.tap) and a TAP comment: at least
 * one printable character, no control character, none of / \ : * ? " < > |
 * or space, no leading '.', and it fits struct identity's label.  0, or -1
 * with the reason (control characters shown escaped) in why.  The rule for
 * --label and for the label a guest's runner reports.
 */
int label_check(const char *label, char *why, size_t whysize);
/* The comment lines a run's TAP starts with. */
void identity_write(FILE *out, const struct identity *id);

#endif
