/*
 * run_tap.h: reading a whole run's TAP back, as report.c writes it and
 * results/<label>.tap holds it.  The reader is strict: a line that is not
 * the grammar below is an error naming the file and the line, so a matrix
 * or a diff never rests on a file it half understood.
 *
 *   TAP version 13
 *   1..N                                       the plan (report.c writes it here;
 *                                              anywhere before the first point reads)
 *   # label: linux-6.18.44-native              header comments up to the first point:
 *   # sysctl net.ipv4.tcp_fin_timeout = 60     "# key: value" (any key without a space),
 *                                              "# sysctl NAME = VALUE", others ignored
 *   # Subtest: ID                              optional: one point per family
 *       # claim: TEXT                          what the case asserts, and
 *       # cite: TEXT <URL>                     the documents it cites
 *       1..K
 *       ok 1 - inet [# SKIP why | # TODO what]
 *         ---                                  YAML after a family point: check,
 *         got: "5"                             expected, got ... and a record's
 *         kind: "divergence"                   kind, reason (under the kind's name),
 *         divergence: "Linux keeps ..."        sources, where it is recorded
 *         sources:
 *           - "https://..."
 *         ...
 *   ok|not ok n - ID [# SKIP why | # TODO what]
 *     ---                                      YAML after the case's point:
 *     key: "value"                             scalars, and lists:
 *     cites:                                     key:
 *       - "item"                                   - "item"
 *     ...
 *   # comment                                  anywhere between points
 *
 * A TODO's words say its record's kind: "conforms to its own documents" and
 * "documented record no longer holds" are a documented record's, anything
 * else a divergence's (files from before kinds say "diverges as recorded").
 * A family's kind: must agree with its TODO, and a case's TODO with its
 * families' (documented only when every family behind it is).
 *
 * A YAML block's keys are unique (a repeated key is an error, as in YAML);
 * a list's items come back as pairs under the list's key, in order.
 * With --repeat the same ids come back once per round; the reader keeps
 * the first round and notes the first later round whose verdicts differ.
 */
#ifndef RUNNER_RUN_TAP_H
#define RUNNER_RUN_TAP_H

#include <stddef.h>

/* A test point's outcome, as its line shows it. */
enum run_result {
	RR_PASS,        /* ok */
	RR_SKIP,        /* ok # SKIP why */
	RR_FAIL,        /* not ok */
	RR_TODO,        /* not ok # TODO: a recorded divergence */
	RR_TODO_PASSED, /* ok # TODO: a recorded divergence that no longer diverges */
};

struct run_pair {
	char *key;
	char *value;
};

/* YAML diagnostics in order; a list's items are pairs under the list's key. */
struct run_yaml {
	struct run_pair *pairs;
	size_t n, cap;
};

struct run_family {
	char *name;           /* "inet" */
	enum run_result result;
	char *directive;      /* the SKIP reason or the TODO text; "" when none */
	int documented;       /* a TODO on a documented record (its words say so) */
	struct run_yaml diag; /* check, expected, got, errno, kind, divergence, sources ... */
	unsigned line;
};

struct run_case {
	char *id;
	enum run_result result;
	char *directive;
	int documented;       /* a TODO resting on documented records only */
	struct run_family *families;
	size_t nfamilies;
	struct run_yaml diag; /* claim, cites, message, exit, signal, duration_ms ... */
	struct run_yaml about; /* from the subtest's comments: "claim", "cites" */
	unsigned line;        /* of its test point */
	unsigned rounds;      /* how many times it ran (--repeat) */
	unsigned changed_round; /* 0, or the first later round whose verdicts differ */
};

struct run_tap {
	char *path;
	char *label;          /* "# label:", or the file's name less .tap */
	struct run_yaml header; /* "# key: value" before the first point; "sysctl" -> "NAME = VALUE" */
	unsigned planned;
	struct run_case *cases; /* one per id, in the order of the file */
	size_t ncases;
};

/*
 * Parse len bytes of a run's TAP; `name` is the file name used in messages.
 * 0, or -1 with "name:line: problem" in err (and run left empty).
 */
int run_tap_parse(struct run_tap *run, const char *text, size_t len, const char *name, char *err,
		  size_t errsize);
/* Read and parse a file.  0, or -1 with a message naming the file. */
int run_tap_load(struct run_tap *run, const char *path, char *err, size_t errsize);
void run_tap_free(struct run_tap *run);

const struct run_case *run_tap_find(const struct run_tap *run, const char *id);
/* The first value of key, or NULL. */
const char *run_yaml_get(const struct run_yaml *y, const char *key);
/* "ok", "skip", "not ok", "todo", "todo passed": for messages. */
const char *run_result_name(enum run_result r);

/* The file name in a path, after its last '/' or '\\'. */
const char *base_name(const char *path);

#endif
