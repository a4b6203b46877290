/* identity.c: naming the platform a run describes. */
#include "identity.h"
#include "platform.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

void make_label(char *out, size_t size, const char *os, const char *release, const char *target)
{
	char los[64], version[64];
	size_t n = 0, v = 0;

	for (; os[n] && n < sizeof los - 1; n++)
		los[n] = (char)tolower((unsigned char)os[n]);
	los[n] = '\0';
	/* "6.18.44-fc-v509" -> "6.18.44": the local suffix says nothing about the stack */
	while (release[v] && v < sizeof version - 1 &&
	       (isdigit((unsigned char)release[v]) || release[v] == '.'))
		v++;
	memcpy(version, release, v);
	version[v] = '\0';
	while (v && version[v - 1] == '.')
		version[--v] = '\0';
	for (char *p = los; *p; p++) /* a file name: "GNU/kFreeBSD" must not make a directory */
		if (!isalnum((unsigned char)*p) && *p != '.')
			*p = '_';
	snprintf(out, size, "%s-%s-%s", los, v ? version : "unknown", target);
}

void identity_of_this_machine(struct identity *id, const char *target, const char *label_override)
{
	time_t now = time(NULL);
	struct tm *utc = gmtime(&now);

	memset(id, 0, sizeof *id);
	snprintf(id->target, sizeof id->target, "%s", target);
	plat_uname(id->os, id->kernel, id->machine, sizeof id->os);
	snprintf(id->stack, sizeof id->stack, "kernel");
	if (utc)
		strftime(id->date, sizeof id->date, "%Y-%m-%dT%H:%M:%SZ", utc);
	if (label_override)
		snprintf(id->label, sizeof id->label, "%s", label_override);
	else
		make_label(id->label, sizeof id->label, id->os, id->kernel, target);
}

void identity_write(FILE *out, const struct identity *id)
{
	fprintf(out, "# sockconf: socket teardown conformance\n");
	fprintf(out, "# label: %s\n", id->label);
	fprintf(out, "# target: %s\n", id->target);
	fprintf(out, "# os: %s\n", id->os);
	fprintf(out, "# kernel: %s\n", id->kernel);
	fprintf(out, "# stack: %s\n", id->stack);
	fprintf(out, "# machine: %s\n", id->machine);
	fprintf(out, "# date: %s\n", id->date);
	if (id->sysctls[0])
		fputs(id->sysctls, out);
	else
		plat_write_sysctls(out);
}
