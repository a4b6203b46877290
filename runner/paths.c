/* paths.c: the build-tree and installed layouts of the runner's data (paths.h). */
#include "paths.h"
#include "platform.h"

#include <stdio.h>
#include <string.h>

struct layout {
	const char *name;
	const char *cases;       /* relative to the runner's directory */
	const char *divergences;
};

static const struct layout layouts[] = {
	{"build tree", "cases", "../../cases/divergences"},
	{"installed", "../libexec/sockconf/cases", "../share/sockconf/divergences"},
};
enum { NLAYOUTS = sizeof layouts / sizeof layouts[0] };

static void ignore_name(const char *name, void *ctx)
{
	(void)name, (void)ctx;
}

/* The runner's platform layer has no stat(); a directory is what it can list. */
static int is_directory(const char *path)
{
	return plat_list_files(path, "", ignore_name, NULL) == 0;
}

/* dir, or exe_dir/relative when dir was not given; whether it is a directory. */
static int resolve(const char *given, const char *exe_dir, const char *relative, char *out,
		   size_t size)
{
	if (given) {
		snprintf(out, size, "%s", given);
		return 1;
	}
	snprintf(out, size, "%s/%s", exe_dir, relative);
	return is_directory(out);
}

/* Append a, b and c to the string in buf, cut to size. */
static void append(char *buf, size_t size, const char *a, const char *b, const char *c)
{
	size_t n = strlen(buf);

	if (n + 1 < size)
		snprintf(buf + n, size - n, "%s%s%s", a, b, c);
}

int paths_find(const char *exe_dir, const char *cases_given, const char *divergences_given,
	       char *cases, char *divergences, size_t size, char *err, size_t errsize)
{
	for (int i = 0; i < NLAYOUTS; i++) {
		int found = resolve(cases_given, exe_dir, layouts[i].cases, cases, size);
		found &= resolve(divergences_given, exe_dir, layouts[i].divergences, divergences, size);
		if (found)
			return 0;
	}

	/* one line: every directory looked for, then how to name them instead */
	snprintf(err, errsize, "cannot find %s: tried",
		 cases_given ? "the divergence records"
		 : divergences_given ? "the case programs" : "the case programs and divergence records");
	for (int i = 0; i < NLAYOUTS; i++) {
		append(err, errsize, i ? ", " : " ", "", "");
		if (!cases_given)
			append(err, errsize, exe_dir, "/", layouts[i].cases);
		if (!cases_given && !divergences_given)
			append(err, errsize, " and ", "", "");
		if (!divergences_given)
			append(err, errsize, exe_dir, "/", layouts[i].divergences);
		append(err, errsize, " (", layouts[i].name, ")");
	}
	append(err, errsize, "; name them with --cases DIR and --divergences DIR", "", "");

	/* the build tree's, as before there were layouts: matrix can do without the programs */
	resolve(cases_given, exe_dir, layouts[0].cases, cases, size);
	resolve(divergences_given, exe_dir, layouts[0].divergences, divergences, size);
	return -1;
}
