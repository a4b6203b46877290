/*
 * paths.h: where the runner finds the case programs and the divergence
 * records when --cases and --divergences do not say.
 *
 * Two layouts, both relative to the runner's own directory, so that a
 * DESTDIR staging tree or a copied prefix works with no absolute path
 * built in:
 *
 *   build tree   <dir>/cases                   <dir>/../../cases/divergences
 *                (build/<triple>/sockconf; the records stay in the source tree)
 *   installed    <dir>/../libexec/sockconf/cases   <dir>/../share/sockconf/divergences
 *                (make install: <prefix>/bin/sockconf)
 */
#ifndef RUNNER_PATHS_H
#define RUNNER_PATHS_H

#include <stddef.h>

/*
 * Fill cases and divergences (each `size` bytes): a directory given on the
 * command line (non-NULL) as given; the others from the first layout in
 * which every one of them is a directory.  0, or -1 with a one-line
 * message in err naming the directories tried; the outputs then hold the
 * build tree's directories.
 */
int paths_find(const char *exe_dir, const char *cases_given, const char *divergences_given,
	       char *cases, char *divergences, size_t size, char *err, size_t errsize);

#endif
