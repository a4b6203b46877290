/*
 * matrix.h: behaviour x platform, from every results file of a directory.
 *
 * `sockconf matrix [--results DIR]` reads every .tap file in DIR and writes DIR/MATRIX.md
 * and DIR/index.html (each to a temporary name, then renamed).  A row is a
 * behaviour (a case id and its claim), a column a platform (a run's label),
 * a cell what the platform did:
 *
 *   conforms                       every family that ran conforms
 *   documented (inet: got 5)       differs from the case's documents as the platform's
 *                                  own do, as a documented record says
 *   diverges (inet, inet6: got 5)  differs as a divergence record says, with what it did
 *   fails (inet: got 7, ...)       differs and no record says so, or the case broke
 *   skipped (why)                  no family applies there
 *   not run                        the platform's file has no such case
 *
 * Families are told apart: "diverges (unix: got -1 EPIPE; inet, inet6:
 * conform)"; in a cell that diverges, a family on a documented record says
 * "as documented, got 5".  The HTML page is self-contained (inline CSS, no script, no
 * external resource); each cell's <details> holds the families' YAML.
 */
#ifndef RUNNER_MATRIX_H
#define RUNNER_MATRIX_H

#include "run_tap.h"

#include <stddef.h>
#include <stdio.h>

enum cell_status {
	CELL_NOT_RUN,
	CELL_CONFORMS,
	CELL_DIVERGES,   /* as a divergence record says (one among its families makes it so) */
	CELL_FAILS,
	CELL_SKIPPED,
	CELL_DOCUMENTED, /* as documented records say, every one */
	CELL_STATUSES    /* how many */
};

struct behaviour {
	char *id;
	char *claim;  /* "" when no file and no case program says */
	char **cites; /* "TITLE: quote <URL>" */
	size_t ncites;
};

struct matrix {
	struct run_tap *runs; /* the columns, sorted by label */
	char **titles;        /* each column's title: its label, with the file name if two share it */
	size_t nruns;
	struct behaviour *rows; /* sorted by id */
	size_t nrows;
};

/* The status of a case on a platform; c NULL: not run. */
enum cell_status matrix_cell_status(const struct run_case *c);
const char *matrix_status_name(enum cell_status s); /* "conforms" ... "documented" */
/* One line of plain text: "diverges (inet, inet6: got 5; unix: skipped)". */
void matrix_cell_text(const struct run_case *c, char *out, size_t size);

/* 1 when the platforms' cells for rows[row] are not all the same text. */
int matrix_row_differs(const struct matrix *m, size_t row);

/* Read every *.tap in dir (a filtered run's *.partial.tap aside).  0, or -1 with a message naming the file and line. */
int matrix_load(struct matrix *m, const char *dir, char *err, size_t errsize);
/* Claims and cites the results files lack (a case that conforms carries
 * none): asked of the case programs in cases_dir, where they exist. */
void matrix_describe(struct matrix *m, const char *cases_dir);
void matrix_write_markdown(FILE *out, const struct matrix *m);
void matrix_write_html(FILE *out, const struct matrix *m);
/* DIR/MATRIX.md and DIR/index.html, atomically.  0, or -1 with a message. */
int matrix_write_files(const struct matrix *m, const char *dir, char *err, size_t errsize);
void matrix_free(struct matrix *m);

/* The command: 0 written, 2 on any error (said on stderr). */
int matrix_main(const char *results_dir, const char *cases_dir);

#endif
