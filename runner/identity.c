/* identity.c: naming the platform a run describes. */
#include "identity.h"
#include "platform.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One word of a file name: lowercase, and nothing that makes a directory
 * ("GNU/kFreeBSD") or another word. */
static void label_word(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; s[n] && n + 1 < size; n++) {
		char c = (char)tolower((unsigned char)s[n]);
		out[n] = isalnum((unsigned char)c) || c == '.' || c == '_' ? c : '_';
	}
	out[n] = '\0';
}

int label_check(const char *label, char *why, size_t whysize)
{
	const size_t most = sizeof ((struct identity *)0)->label - 1;
	size_t len = strlen(label), bad = 0;

	while (bad < len && (unsigned char)label[bad] >= 0x20 && label[bad] != 0x7f &&
	       !strchr("/\\:*?\"<>| ", label[bad]))
		bad++;
	if (!len)
		snprintf(why, whysize, "the label is empty");
	else if (bad < len && ((unsigned char)label[bad] < 0x20 || label[bad] == 0x7f))
		snprintf(why, whysize, "the label has a control character (\\x%02x) at character %zu",
			 (unsigned)(unsigned char)label[bad], bad + 1);
	else if (bad < len)
		snprintf(why, whysize, "the label has '%c' at character %zu (a label is a file name: "
			 "none of / \\ : * ? \" < > | or space)", label[bad], bad + 1);
	else if (len > most)
		snprintf(why, whysize, "the label is %zu characters long; at most %zu fit", len, most);
	else if (label[0] == '.')
		snprintf(why, whysize, "the label starts with '.' (a label is a visible file name)");
	else
		return 0;
	return -1;
}

void make_label(char *out, size_t size, const struct identity *id)
{
	char os[64], version[64], target[32], stack[32], machine[64];
	size_t v = 0;

	/* "6.18.44-fc-v509" -> "6.18.44": the local suffix says nothing about the stack */
	while (id->kernel[v] && v < sizeof version - 1 &&
	       (isdigit((unsigned char)id->kernel[v]) || id->kernel[v] == '.'))
		v++;
	memcpy(version, id->kernel, v);
	version[v] = '\0';
	while (v && version[v - 1] == '.')
		version[--v] = '\0';
	label_word(os, sizeof os, id->os);
	label_word(target, sizeof target, id->target);
	label_word(stack, sizeof stack, id->stack);
	label_word(machine, sizeof machine, id->machine[0] ? id->machine : "unknown");
	/* a target that is its own platform (gvisor-20221219-...) is named once */
	snprintf(out, size, "%s-%s%s%s-%s-%s", os, v ? version : "unknown",
		 strcmp(os, target) ? "-" : "", strcmp(os, target) ? target : "", stack, machine);
	if (id->peer_word[0]) {
		char peer[32];
		size_t n = strlen(out);
		label_word(peer, sizeof peer, id->peer_word);
		snprintf(out + n, size - n, "-peer-%s", peer);
	}
	if (id->link.set) {
		char tag[96];
		size_t n = strlen(out);
		link_tag(&id->link, tag, sizeof tag);
		snprintf(out + n, size - n, "-link-%s", tag);
	}
}

void identity_of_this_machine(struct identity *id, const char *target, const char *label_override)
{
	time_t now = time(NULL);
	struct tm *utc = gmtime(&now);

	memset(id, 0, sizeof *id);
	snprintf(id->target, sizeof id->target, "%s", target);
	plat_uname(id->os, id->kernel, id->machine, sizeof id->os);
	snprintf(id->stack, sizeof id->stack, "kernel");
	snprintf(id->stack_version, sizeof id->stack_version, "%s", id->kernel);
	if (utc)
		strftime(id->date, sizeof id->date, "%Y-%m-%dT%H:%M:%SZ", utc);
	if (label_override)
		snprintf(id->label, sizeof id->label, "%s", label_override);
	else
		make_label(id->label, sizeof id->label, id);
}

void identity_set_stack(struct identity *id, const char *stack, const char *version,
			const char *peer, int label_given)
{
	/* the platform's own stack (lib's name for it: "kernel", "winsock" under Windows) */
	if (strcmp(stack, "kernel") != 0 && strcmp(stack, "winsock") != 0) {
		snprintf(id->host, sizeof id->host, "%s %s %s", id->os, id->kernel, id->machine);
		snprintf(id->os, sizeof id->os, "%s", stack);
		snprintf(id->kernel, sizeof id->kernel, "%s", version[0] ? version : "unknown");
	}
	snprintf(id->stack, sizeof id->stack, "%s", stack);
	snprintf(id->stack_version, sizeof id->stack_version, "%s", version[0] ? version : id->kernel);
	snprintf(id->peer_stack, sizeof id->peer_stack, "%s", peer ? peer : "");
	if (!label_given)
		make_label(id->label, sizeof id->label, id);
}

void identity_write(FILE *out, const struct identity *id)
{
	fprintf(out, "# sockconf: socket teardown conformance\n");
	fprintf(out, "# label: %s\n", id->label);
	fprintf(out, "# target: %s\n", id->target);
	fprintf(out, "# os: %s\n", id->os);
	fprintf(out, "# kernel: %s\n", id->kernel);
	fprintf(out, "# stack: %s\n", id->stack);
	if (id->stack_version[0])
		fprintf(out, "# stack-version: %s\n", id->stack_version);
	if (id->peer_stack[0])
		fprintf(out, "# peer-stack: %s\n", id->peer_stack);
	fprintf(out, "# machine: %s\n", id->machine);
	if (id->host[0])
		fprintf(out, "# host: %s\n", id->host);
	fprintf(out, "# date: %s\n", id->date);
	fprintf(out, "# version: sockconf %s\n", sockconf_version);
	if (id->command[0])
		fprintf(out, "# command: %s\n", id->command);
	if (id->partial[0])
		fprintf(out, "# partial: %s\n", id->partial);
	if (id->link.set) {
		char link[160];
		link_describe(&id->link, link, sizeof link);
		fprintf(out, "# link: %s (inet, inet6: netem on lo; unix is not on a link)\n", link);
	}
	if (id->sysctls[0])
		fputs(id->sysctls, out);
	else
		plat_write_sysctls(out);
}
