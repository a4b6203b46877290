/*
 * stacks.c: the registry of stacks, and which stack each end of a
 * connection lives on.
 *
 * SOCKCONF_STACK names the stack of the case's own end (the one under
 * test); SOCKCONF_PEER_STACK the stack of the peer, by default the same.
 * A stack is one op table (stack.h) and one line below; lib/STACKS.md says
 * what else a new one needs.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	const struct sc_stack *stack; /* NULL: known, but not in this build */
	const char *missing;          /* why not, and what to install */
} registry[] = {
	{NULL, &sc_kernel_stack, NULL}, /* the platform's own: "kernel", or "winsock" on Windows */
#if SC_HAVE_LWIP
	{NULL, &sc_lwip_stack, NULL},
#else
	{"lwip", NULL, "built without lwIP (Debian: apt-get install liblwip-dev, then make)"},
#endif
	{NULL, &sc_agent_stack, NULL},
};
#define NSTACKS (sizeof registry / sizeof registry[0])

static int started[NSTACKS];

static const char *entry_name(size_t i)
{
	return registry[i].stack ? registry[i].stack->name : registry[i].name;
}

/*
 * The stack NAME names, started: NULL with the reason in why where there
 * is no such stack in this build, or it did not start.
 */
const struct sc_stack *sc_stack_start(const char *var, const char *name, char *why, size_t whysize)
{
	char known[128] = "";

	for (size_t i = 0; i < NSTACKS; i++) {
		const struct sc_stack *s = registry[i].stack;
		snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "", entry_name(i));
		if (strcmp(name, entry_name(i)) != 0)
			continue;
		if (!s) {
			snprintf(why, whysize, "%s=%s: this build has no %s stack: %s", var, name, name,
				 registry[i].missing);
			return NULL;
		}
		if (!started[i] && s->init() == -1) {
			char err[64];
			sc_format_errno(err, sizeof err, errno);
			snprintf(why, whysize, "the %s stack did not start: %s", s->name, err);
			return NULL;
		}
		started[i] = 1;
		return s;
	}
	snprintf(why, whysize, "%s=%s: no such stack (known: %s)", var, name, known);
	return NULL;
}

static const struct sc_stack *stack_named(const char *var, const char *name)
{
	char why[256];
	const struct sc_stack *s = sc_stack_start(var, name, why, sizeof why);

	if (!s)
		sc_fail(NULL, "%s", why);
	return s;
}

const char *sc_stack_name_in(const char *var, const char *fallback)
{
	const char *name = getenv(var);

	return name && *name ? name : fallback;
}

static const struct sc_stack *stack_from(const char *var, const char *fallback)
{
	return stack_named(var, sc_stack_name_in(var, fallback));
}

const struct sc_stack *sc_platform_stack(void)
{
	return stack_named("the platform", sc_kernel_stack.name);
}

const struct sc_stack *sc_stack_at(enum sc_end end)
{
	static const struct sc_stack *chosen[2];

	if (!chosen[SC_END_LOCAL])
		chosen[SC_END_LOCAL] = stack_from("SOCKCONF_STACK", sc_kernel_stack.name);
	if (end == SC_END_PEER && !chosen[SC_END_PEER])
		chosen[SC_END_PEER] = stack_from("SOCKCONF_PEER_STACK", chosen[SC_END_LOCAL]->name);
	return chosen[end];
}

/* An end's stack, for a family it must make: a stack without the family is a SKIP. */
const struct sc_stack *sc_stack_for(enum sc_end end, enum sc_family family)
{
	const struct sc_stack *s = sc_stack_at(end);

	if (!(s->families & family)) {
		char why[128];
		snprintf(why, sizeof why, "the %s stack has no %s sockets", s->name,
			 family == SC_INET6 ? "AF_INET6" : family == SC_UNIX ? "AF_UNIX" : "AF_INET");
		skip(why);
	}
	return s;
}
