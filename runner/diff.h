/*
 * diff.h: what changed between two runs, e.g. two kernel releases.
 *
 * `sockconf diff A.tap B.tap` prints one line per difference, sorted by
 * case id and then family (in A's order, B's extra families after):
 *
 *   shutrd.data_dropped inet: diverges (got "5") -> conforms
 *   linger.nonblocking inet: diverges (got "1") -> documented (got "1")
 *   rst.so_error inet6: conforms -> fails (got "0")
 *   fin.states unix: skipped ("why") -> conforms
 *   rst.process_killed: fails (crashed: killed by SIGSEGV (11)) -> conforms
 *   fin.new: only in B.tap (conforms)
 *
 * A family's state is its verdict with what it observed (got) or why it
 * was skipped; a line appears when the states differ.  A case gets a line
 * of its own when its verdict differs and no family line shows it (a crash,
 * a hang), or when its message differs.  Exit 0: no difference, 1:
 * differences, 2: a file could not be read.
 */
#ifndef RUNNER_DIFF_H
#define RUNNER_DIFF_H

#include "run_tap.h"

#include <stdio.h>

/* Print the differences between a and b, named name_a and name_b; their count. */
size_t diff_runs(FILE *out, const struct run_tap *a, const char *name_a, const struct run_tap *b,
		 const char *name_b);
/* The command: 0 no difference, 1 differences, 2 error (said on stderr). */
int diff_main(const char *path_a, const char *path_b);

#endif
