/*
 * case_main.c: main() of every case program.
 *
 *   case            run every family, print TAP (a plan, a point a family)
 *   case --describe print id, claim and citations only
 *   case --family F run one family (inet, inet6, unix)
 *
 * The metadata comes first, as "# key: value" comments that the runner
 * reads; then the plan and one point per family, with YAML diagnostics
 * for a failure.  Exit status: 0 no family failed, 1 one did, 2 bad usage.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum sc_family families[] = {SC_INET, SC_INET6, SC_UNIX};
#define NFAMILIES (sizeof families / sizeof families[0])

static void print_metadata(const struct sc_case *c)
{
	printf("# id: %s\n# claim: %s\n", c->id, c->claim);
	for (int i = 0; i < SC_MAX_CITES && c->cites[i].what; i++)
		printf("# cite: %s <%s>\n", c->cites[i].what, c->cites[i].url);
	/* read by tests/claims-check.sh: two cases must not accept different outcomes of one state */
	for (int i = 0; i < SC_MAX_ASSERTS && c->asserts[i].state; i++)
		printf("# asserts: %s = %s\n", c->asserts[i].state, c->asserts[i].outcomes);
}

/* ---- the watchdog: a case that stops making progress still says where ---- */

static char watchdog_head[256];  /* "not ok N - family" and the YAML opening */
static char watchdog_tail[1024]; /* the closing, and SKIP points for the families not run */

static void watchdog_fired(void)
{
	char step[600];
	size_t n = 0;
	const char *s = sc_current_step;

	/* escape the step for YAML by hand: only async-signal-safe work here */
	for (; *s && n < sizeof step - 2; s++) {
		if (*s == '"' || *s == '\\')
			step[n++] = '\\';
		step[n++] = (*s == '\n') ? ' ' : *s;
	}
	sc_plat_write_stdout(watchdog_head, strlen(watchdog_head));
	sc_plat_write_stdout(step, n);
	sc_plat_write_stdout(watchdog_tail, strlen(watchdog_tail));
	sc_plat_exit_now(1);
}

static void prepare_watchdog(unsigned point, enum sc_family family, unsigned ms, int more)
{
	size_t n;

	snprintf(watchdog_head, sizeof watchdog_head,
		 "not ok %u - %s\n  ---\n  message: \"watchdog: no progress within %u ms\"\n"
		 "  step: \"",
		 point, sc_family_name(family), ms);
	n = (size_t)snprintf(watchdog_tail, sizeof watchdog_tail, "\"\n  ...\n");
	for (unsigned i = point; more && i < NFAMILIES && n < sizeof watchdog_tail; i++)
		n += (size_t)snprintf(watchdog_tail + n, sizeof watchdog_tail - n,
				      "ok %u - %s # SKIP not run: the watchdog fired earlier\n", i + 1,
				      sc_family_name(families[i]));
}

static unsigned watchdog_ms(void)
{
	/* The runner passes its per-case timeout; fire well before it kills us. */
	const char *s = getenv("SOCKCONF_TIMEOUT_MS");
	long ms = s ? strtol(s, NULL, 10) : 10000;

	if (ms <= 0)
		ms = 10000;
	return (unsigned)(ms * 9 / 10);
}

/* ---- one family ---------------------------------------------------------- */

static void print_outcome(unsigned point, enum sc_family family)
{
	const struct sc_outcome *o = &sc_outcome;

	if (o->status == SC_SKIP) {
		printf("ok %u - %s # SKIP %s\n", point, sc_family_name(family), o->message);
		return;
	}
	printf("%s %u - %s\n", o->status == SC_PASS ? "ok" : "not ok", point, sc_family_name(family));
	if (o->status == SC_PASS && o->nnotes == 0)
		return;
	printf("  ---\n");
	if (o->message[0])
		tap_yaml_pair(stdout, 2, "message", o->message);
	if (o->check[0])
		tap_yaml_pair(stdout, 2, "check", o->check);
	if (o->syscall[0])
		tap_yaml_pair(stdout, 2, "syscall", o->syscall);
	if (o->expected[0])
		tap_yaml_pair(stdout, 2, "expected", o->expected);
	if (o->got[0])
		tap_yaml_pair(stdout, 2, "got", o->got);
	if (o->err[0])
		tap_yaml_pair(stdout, 2, "errno", o->err);
	for (unsigned i = 0; i < o->nnotes; i++)
		tap_yaml_pair(stdout, 2, o->note_key[i], o->note_val[i]);
	if (o->at[0])
		tap_yaml_pair(stdout, 2, "at", o->at);
	printf("  ...\n");
}

static enum sc_status run_family(const struct sc_case *c, unsigned point, enum sc_family family)
{
	sc_outcome_reset();
	sc_recorded_family(family);
	if (!(c->families & family)) {
		sc_outcome.status = SC_SKIP;
		snprintf(sc_outcome.message, sizeof sc_outcome.message, "%s",
			 c->unix_note && family == SC_UNIX ? c->unix_note
							   : "the claim does not apply to this family");
	} else if (setjmp(sc_family_exit) == 0) {
		c->run(family);
		sc_family_returned(); /* a pass, or "no checks made" */
	}
	sc_run_family_end();
	sc_close_family_sockets();
	print_outcome(point, family);
	fflush(stdout);
	return sc_outcome.status;
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--describe | --stack | --family inet|inet6|unix]\n", argv0);
	return 2;
}

/*
 * --stack: "NAME VERSION" of the stack the case's end would live on, once
 * it has started (the runner labels a run by it); exit 2 with the reason
 * where this build has no such stack or it does not start.
 */
static int print_stack(void)
{
	char why[256];
	const char *name = sc_stack_name_in("SOCKCONF_STACK", sc_kernel_stack.name);
	const struct sc_stack *s = sc_stack_start("SOCKCONF_STACK", name, why, sizeof why);

	if (!s) {
		fprintf(stderr, "%s\n", why);
		return 2;
	}
	printf("%s%s%s\n", s->name, s->version ? " " : "", s->version ? s->version() : "");
	return 0;
}

int main(int argc, char **argv)
{
	const struct sc_case *c = &sc_this_case;
	const char *only = NULL;
	unsigned point = 0, failed = 0, ms;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--describe") == 0) {
			print_metadata(c);
			return 0;
		} else if (strcmp(argv[i], "--stack") == 0) {
			sc_plat_init();
			return print_stack();
		} else if (strcmp(argv[i], "--family") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else {
			return usage(argv[0]);
		}
	}
	if (only && strcmp(only, "inet") && strcmp(only, "inet6") && strcmp(only, "unix"))
		return usage(argv[0]);

	sc_plat_init();
	print_metadata(c);
	printf("1..%u\n", only ? 1u : (unsigned)NFAMILIES);
	fflush(stdout);
	ms = watchdog_ms();
	prepare_watchdog(1, only ? SC_INET : families[0], ms, !only);
	sc_plat_watchdog(ms, watchdog_fired); /* one budget for the whole case */
	for (size_t i = 0; i < NFAMILIES; i++) {
		if (only && strcmp(only, sc_family_name(families[i])) != 0)
			continue;
		point++;
		prepare_watchdog(point, families[i], ms, !only);
		if (run_family(c, point, families[i]) == SC_FAIL)
			failed++;
	}
	sc_plat_watchdog(0, NULL);
	return failed ? 1 : 0;
}
