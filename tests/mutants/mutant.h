/*
 * mutant.h: what the two mutant libraries share (mutants.c wraps libc's
 * socket calls, lwip_mutants.c lwIP's): the catalogue's entry, the test
 * for the mutant SOCKCONF_MUTANT names, and the next definition of a call.
 */
#ifndef SOCKCONF_MUTANT_H
#define SOCKCONF_MUTANT_H

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

struct mutant {
	const char *name;
	const char *breaks;
};

/* Whether SOCKCONF_MUTANT names this mutant. */
static inline int is(const char *name)
{
	static const char *active;

	if (!active)
		active = getenv("SOCKCONF_MUTANT") ? getenv("SOCKCONF_MUTANT") : "";
	return strcmp(active, name) == 0;
}

/* get_NAME(): the definition of NAME after ours (the real call). */
#define REAL(name, ret, ...)                                                  \
	static ret (*real_##name)(__VA_ARGS__);                               \
	static ret (*get_##name(void))(__VA_ARGS__)                           \
	{                                                                     \
		if (!real_##name)                                             \
			real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name); \
		return real_##name;                                           \
	}

#endif
