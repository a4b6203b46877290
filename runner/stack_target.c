/* stack_target.c: the stack a run tests, asked of a case and put in its identity (see stack_target.h). */
#include "stack_target.h"
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASK_BOUND_MS 10000 /* a stack that does not start within this is no answer */

/* The first line of path, its control characters as '?': "" when there is none. */
static void first_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;
	int c;

	while (f && n + 1 < size && (c = fgetc(f)) != EOF && c != '\n')
		out[n++] = (char)c;
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\r'))
		n--;
	out[n] = '\0';
	for (char *p = out; *p; p++) /* one line on a terminal */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (f)
		fclose(f);
}

/* "lwip 2.1.3", "kernel": a name of [a-z0-9_], then a version of printable words. */
int stack_parse_answer(const char *line, char *name, size_t name_size, char *version,
		       size_t version_size)
{
	size_t n = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_");
	const char *v = line + n;

	if (n == 0 || n >= name_size || (*v && *v != ' '))
		return -1;
	while (*v == ' ')
		v++;
	if (strlen(v) >= version_size || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						   "0123456789._+~-") != strlen(v))
		return -1;
	snprintf(name, name_size, "%.*s", (int)n, line);
	snprintf(version, version_size, "%s", v);
	return 0;
}

/*
 * CASE --stack with w's environment (and SOCKCONF_STACK=stack when stack is
 * not NULL), in the surroundings w makes for a case: the stack's name and
 * version.  0; -1 with a one-line message in err; PROC_SETUP_FAILED when
 * the surroundings could not be made (err: the target's own whole line).
 */
static int ask_stack(const struct target_wrap *w, const struct catalog *cat, const char *stack,
		     const char *scratch, char *name, size_t name_size, char *version,
		     size_t version_size, char *err, size_t errsize)
{
	const struct case_entry *e = NULL;
	char out[1200], errp[1200], line[300], override[96], msg[600];
	char *env[16], *argv[3];
	size_t ne = 0;
	struct proc p;
	struct proc_exit ex = {0, 0};
	int started, i;

	for (size_t k = 0; k < cat->n && !e; k++)
		if (cat->cases[k].executable)
			e = &cat->cases[k];
	if (!e) {
		snprintf(err, errsize, "no runnable case to ask which stack it runs (CASE --stack)");
		return -1;
	}
	for (size_t k = 0; w->env[k] && ne < 14; k++)
		env[ne++] = w->env[k];
	if (stack) { /* last: it wins over the target's */
		snprintf(override, sizeof override, "SOCKCONF_STACK=%s", stack);
		env[ne++] = override;
	}
	env[ne] = NULL;
	argv[0] = (char *)e->path;
	argv[1] = "--stack";
	argv[2] = NULL;
	snprintf(out, sizeof out, "%s/stack.out", scratch);
	snprintf(errp, sizeof errp, "%s/stack.err", scratch);
	proc_set_setup(w->setup, w->setup_ctx);
	started = proc_start(&p, argv, env, out, errp, msg, sizeof msg);
	proc_set_setup(NULL, NULL);
	if (started != 0) {
		snprintf(err, errsize, "%s", msg); /* the namespace's reason, or why it cannot run */
		return started == PROC_SETUP_FAILED ? PROC_SETUP_FAILED : -1;
	}
	i = proc_wait_any(&p, 1, ASK_BOUND_MS, &ex);
	proc_kill_group(&p);
	if (i == -2) {
		snprintf(err, errsize, "interrupted while asking %s which stack it runs", e->id);
		return -1;
	}
	if (i == -1) {
		snprintf(err, errsize, "%s --stack: no answer within %d s", e->id, ASK_BOUND_MS / 1000);
		return -1;
	}
	first_line(out, line, sizeof line);
	if (!ex.signo && ex.code == 0 &&
	    stack_parse_answer(line, name, name_size, version, version_size) == 0)
		return 0;
	if (!ex.signo && ex.code == 2) { /* the case's own reason, as it says it */
		first_line(errp, line, sizeof line);
		if (line[0] && strncmp(line, "usage:", 6) != 0) {
			snprintf(err, errsize, "%s", line);
			return -1;
		}
		snprintf(err, errsize, "%s does not know --stack (built before lib had it?)%s%s",
			 e->id, line[0] ? ": " : "", line);
		return -1;
	}
	snprintf(err, errsize, "%s --stack: %s %d, and no 'NAME VERSION' line%s%s", e->id,
		 ex.signo ? "signal" : "exit", ex.signo ? ex.signo : ex.code, line[0] ? ": " : "",
		 line);
	return -1;
}

/* The stack asked for, answered as itself: 0, or as ask_stack fails. */
static int ask_for(const struct target_wrap *w, const struct catalog *cat, const char *stack,
		   const char *scratch, char *version, size_t version_size, char *err, size_t errsize)
{
	char name[32];
	int asked = ask_stack(w, cat, stack, scratch, name, sizeof name, version, version_size,
			      err, errsize);

	if (asked != 0)
		return asked;
	if (strcmp(name, stack) != 0) {
		snprintf(err, errsize, "asked for SOCKCONF_STACK=%s, the first case says it runs '%s%s%s' "
			 "(a case built before lib read SOCKCONF_STACK?)",
			 stack, name, version[0] ? " " : "", version);
		return -1;
	}
	return 0;
}

static void put_setting(struct target_wrap *w, size_t *n, const char *name, const char *value)
{
	snprintf(w->settings[*n], sizeof w->settings[0], "%s=%s", name, value);
	w->env[*n] = w->settings[*n];
	w->env[++*n] = NULL;
}

int stack_target_prepare(struct target_wrap *w, const char *target, const struct catalog *cat,
			 struct identity *id, int label_given, const char *scratch, char *err,
			 size_t errsize)
{
	char version[64], msg[900], peer[200];
	size_t n = 0;
	int tap = strcmp(target, "lwip-linux") == 0;

	/* every setting of the contract, so none comes from the runner's own environment */
	put_setting(w, &n, "SOCKCONF_STACK", "lwip");
	put_setting(w, &n, "SOCKCONF_PEER_STACK", tap ? "kernel" : "lwip");
	put_setting(w, &n, "SOCKCONF_LWIP_NETIF", tap ? "tap:" LWIP_TAP_NAME : "loop");
	if (tap) {
		put_setting(w, &n, "SOCKCONF_LWIP_ADDR4", LWIP_LWIP_ADDR4);
		put_setting(w, &n, "SOCKCONF_LWIP_ADDR6", LWIP_LWIP_ADDR6);
		put_setting(w, &n, "SOCKCONF_KERNEL_ADDR4", LWIP_KERNEL_ADDR4);
		put_setting(w, &n, "SOCKCONF_KERNEL_ADDR6", LWIP_KERNEL_ADDR6);
	}
	switch (ask_for(w, cat, "lwip", scratch, version, sizeof version, msg, sizeof msg)) {
	case 0:
		break;
	case PROC_SETUP_FAILED: /* the namespace's line names the target itself */
		snprintf(err, errsize, "%s", msg);
		return -1;
	default:
		snprintf(err, errsize, "--target %s: %s", target, msg);
		return -1;
	}
	/* the peer of lwip-linux is this machine's kernel, which the run already describes */
	snprintf(peer, sizeof peer, "kernel %s", id->kernel);
	identity_set_stack(id, "lwip", version, tap ? peer : NULL, label_given);
	return 0;
}

int stack_from_environment(const struct target_wrap *w, const struct catalog *cat,
			   struct identity *id, int label_given, const char *scratch, char *err,
			   size_t errsize)
{
	const char *stack = getenv("SOCKCONF_STACK"), *peer = getenv("SOCKCONF_PEER_STACK");
	char version[64], peer_version[64], peer_text[200];

	if ((!stack || !*stack) && (!peer || !*peer))
		return 0;
	if (!stack || !*stack)
		stack = "kernel"; /* lib's default */
	if (ask_for(w, cat, stack, scratch, version, sizeof version, err, errsize) != 0)
		return -1;
	peer_text[0] = '\0';
	if (peer && *peer && strcmp(peer, stack) != 0) {
		if (ask_for(w, cat, peer, scratch, peer_version, sizeof peer_version, err, errsize) != 0)
			return -1;
		snprintf(peer_text, sizeof peer_text, "%s %s", peer,
			 peer_version[0] ? peer_version : id->kernel);
		snprintf(id->peer_word, sizeof id->peer_word, "%s", peer); /* no target names the pair */
	}
	identity_set_stack(id, stack, version, peer_text, label_given);
	return 0;
}
