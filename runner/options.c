/* options.c: parsing the runner's command line, strictly. */
#include "options.h"
#include "agent_target.h"
#include "agent_stream.h"
#include "identity.h"
#include "target.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void options_usage(FILE *out)
{
	fputs("usage: sockconf [options] list [FILTER...]\n"
	      "       sockconf [options] run [FILTER...]\n"
	      "       sockconf matrix [--results DIR]\n"
	      "       sockconf diff A.tap B.tap\n"
	      "\n"
	      "Runs socket-teardown conformance cases, prints TAP and writes\n"
	      "DIR/<label>.tap.  A FILTER is a case id, a glob (rst.*), or a group (rst).\n"
	      "matrix writes DIR/MATRIX.md and DIR/index.html, behaviour x platform, from\n"
	      "every DIR/*.tap.  diff lists the behaviours whose verdict or observed\n"
	      "values differ between two results files.\n"
	      "\n"
	      "options:\n"
	      "  -j, --jobs N          run N cases at once (default: number of CPUs)\n"
	      "  --timeout SECONDS     kill a case after this long (default 10)\n"
	      "  --repeat N            run the selection N times; verdicts must agree\n"
	      "  --target NAME         where cases run: native (default); gvisor: all in\n"
	      "                        one sandbox; lwip: each case on lwIP, both ends, in its\n"
	      "                        process; lwip-linux: the case's end on lwIP, its peer\n"
	      "                        on this kernel, over a tap in a network namespace of\n"
	      "                        the case's own (root); uml, qemu: the whole run in a\n"
	      "                        guest kernel; wine: each case of the Windows build\n"
	      "                        (CASE.exe) under Wine, in a prefix of the run's own;\n"
	      "                        agent:exec:COMMAND, agent:tcp:HOST:PORT,\n"
	      "                        agent:serial:DEVICE[,BAUD]: the case's end on a\n"
	      "                        sockconf agent's stack (its stdin and stdout, a TCP\n"
	      "                        connection, a serial line), its peer on this kernel;\n"
	      "                        one case at a time, or with exec one a copy: -j N\n"
	      "                        starts N copies of COMMAND\n"
	      "  --peer-addr4 ADDR     agent: this machine's IPv4 address on the link to the\n"
	      "                        agent, where peers listen (default 127.0.0.1)\n"
	      "  --peer-addr6 ADDR     agent: the same for IPv6 (default ::1)\n"
	      "  --agent-wire DEV      agent: this machine's interface towards the agent, where\n"
	      "                        wire checks capture (default: none; they skip)\n"
	      "  --as-target NAME      run here, but label the run as target NAME (what the\n"
	      "                        runner inside a uml or qemu guest is given)\n"
	      "  --out DIR             write DIR/<label>.tap (default: results)\n"
	      "  --no-out              write no results file\n"
	      "  --junit FILE          run: write a JUnit XML report of the run to FILE too\n"
	      "  --cases DIR           case programs (default: the build tree's, else the\n"
	      "                        installed ones; see sockconf(1), FILES)\n"
	      "  --divergences DIR     recorded divergences (default: found the same way)\n"
	      "  --label LABEL         name the results file LABEL.tap\n"
	      "  --times               print each case's wall time\n"
	      "  --link delay=MS,jitter=MS,loss=PCT,reorder=PCT\n"
	      "                        run: inet and inet6 over tc netem (any of the four)\n"
	      "  --markdown            list: a Markdown table of id, claim and sources\n"
	      "  --results DIR         matrix: the results files (default: results)\n"
	      "  --version             the suite's version\n"
	      "  -h, --help            this text\n"
	      "\n"
	      "exit status: 0 every case conforms or diverges as recorded, 1 a case does\n"
	      "not conform, 2 usage or environment error, 129/130/131/143 interrupted\n"
	      "(SIGHUP, SIGINT, SIGQUIT, SIGTERM).\n"
	      "diff: 0 no differences, 1 differences, 2 a file is unreadable or malformed.\n",
	      out);
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_seconds(const char *s, unsigned *ms)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (*end || !(v >= 0.001 && v <= 86400))
		return -1;
	*ms = (unsigned)(v * 1000 + 0.5);
	return 0;
}

/* --name VALUE or --name=VALUE; returns the value or NULL. */
static const char *value_of(const char *arg, const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errsize)
{
	int have_command = 0;

	memset(o, 0, sizeof *o);
	o->command = CMD_HELP;
	o->timeout_ms = 10000;
	o->repeat = 1;
	o->target = "native";
	o->out_dir = "results";
	o->results_dir = "results";
	o->argc = argc;
	o->argv = argv;
	err[0] = '\0';

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			o->command = CMD_HELP;
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			o->command = CMD_VERSION;
			return 0;
		} else if ((v = value_of(a, "--jobs", argc, argv, &i)) ||
			   (v = value_of(a, "-j", argc, argv, &i))) {
			if (parse_uint(v, 1, 1024, &o->jobs) == -1)
				goto bad_value;
		} else if (strncmp(a, "-j", 2) == 0 && a[2] >= '0' && a[2] <= '9') {
			v = a + 2;
			if (parse_uint(v, 1, 1024, &o->jobs) == -1)
				goto bad_value;
		} else if ((v = value_of(a, "--timeout", argc, argv, &i))) {
			if (parse_seconds(v, &o->timeout_ms) == -1)
				goto bad_value;
		} else if ((v = value_of(a, "--repeat", argc, argv, &i))) {
			if (parse_uint(v, 1, 100000, &o->repeat) == -1)
				goto bad_value;
		} else if ((v = value_of(a, "--target", argc, argv, &i))) {
			if (target_is_agent(v) && agent_target_check(v, err, errsize) == -1)
				return -1;
			if (!target_known(v)) {
				snprintf(err, errsize, "--target %s: no such target (%s)", v,
					 TARGET_NAMES);
				return -1;
			}
			o->target = v;
		} else if ((v = value_of(a, "--as-target", argc, argv, &i))) {
			if (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
				goto bad_value;
			o->as_target = v;
		} else if ((v = value_of(a, "--out", argc, argv, &i))) {
			if (!*v)
				goto bad_value;
			o->out_dir = v;
		} else if (strcmp(a, "--no-out") == 0) {
			o->out_dir = NULL;
		} else if ((v = value_of(a, "--junit", argc, argv, &i))) {
			if (!*v)
				goto bad_value;
			o->junit_path = v;
		} else if ((v = value_of(a, "--cases", argc, argv, &i))) {
			if (!*v)
				goto bad_value;
			o->cases_dir = v;
		} else if ((v = value_of(a, "--divergences", argc, argv, &i))) {
			if (!*v)
				goto bad_value;
			o->divergences_dir = v;
		} else if ((v = value_of(a, "--label", argc, argv, &i))) {
			char why[160];
			size_t shown = 0; /* the value is echoed only when it is one short line */
			while (v[shown] && (unsigned char)v[shown] >= 0x20 && v[shown] != 0x7f)
				shown++;
			if (label_check(v, why, sizeof why) == -1) {
				if (!v[shown] && shown < 160)
					snprintf(err, errsize, "bad value '%s' for --label: %s", v, why);
				else
					snprintf(err, errsize, "bad value for --label: %s", why);
				return -1;
			}
			o->label = v;
		} else if ((v = value_of(a, "--link", argc, argv, &i))) {
			if (link_parse(v, &o->link, err, errsize) == -1)
				return -1;
		} else if ((v = value_of(a, "--peer-addr4", argc, argv, &i)) ||
			   (v = value_of(a, "--peer-addr6", argc, argv, &i))) {
			/* numeric: lib's inet_pton() says more of a bad one */
			if (!*v || strspn(v, "0123456789abcdefABCDEF.:") != strlen(v))
				goto bad_value;
			if (a[11] == '4')
				o->peer_addr4 = v;
			else
				o->peer_addr6 = v;
		} else if ((v = value_of(a, "--agent-wire", argc, argv, &i))) {
			if (!*v)
				goto bad_value;
			o->agent_wire = v;
		} else if (strcmp(a, "--times") == 0) {
			o->times = 1;
		} else if (strcmp(a, "--markdown") == 0) {
			o->markdown = 1;
		} else if ((v = value_of(a, "--results", argc, argv, &i))) {
			if (!*v)
				goto bad_value;
			o->results_dir = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			snprintf(err, errsize, "unknown option %s", a);
			return -1;
		} else if (!have_command) {
			if (strcmp(a, "run") == 0)
				o->command = CMD_RUN;
			else if (strcmp(a, "list") == 0)
				o->command = CMD_LIST;
			else if (strcmp(a, "help") == 0)
				o->command = CMD_HELP;
			else if (strcmp(a, "matrix") == 0)
				o->command = CMD_MATRIX;
			else if (strcmp(a, "diff") == 0)
				o->command = CMD_DIFF;
			else {
				snprintf(err, errsize, "unknown command %s (expected run, list, matrix or diff)", a);
				return -1;
			}
			have_command = 1;
		} else {
			if (o->nfilters == MAX_FILTERS) {
				snprintf(err, errsize, "more than %d filters", MAX_FILTERS);
				return -1;
			}
			o->filters[o->nfilters++] = a;
		}
		continue;
	bad_value:
		snprintf(err, errsize, "bad value '%s' for %s", v ? v : "", a);
		return -1;
	}
	if (!have_command) {
		snprintf(err, errsize, "no command given (run or list)");
		return -1;
	}
	if (o->as_target && strcmp(o->target, "native") != 0) {
		snprintf(err, errsize, "--as-target names a run on this machine: not with --target %s",
			 o->target);
		return -1;
	}
	if (o->junit_path && o->command != CMD_RUN) {
		snprintf(err, errsize, "--junit FILE goes with run");
		return -1;
	}
	if (o->junit_path && target_is_guest(o->target)) { /* the guest's runner judges the cases */
		snprintf(err, errsize, "--junit FILE: not with --target %s (native and gvisor runs write it)",
			 o->target);
		return -1;
	}
	if (o->link.set && o->command != CMD_RUN) {
		snprintf(err, errsize, "--link goes with run");
		return -1;
	}
	if (o->link.set && strcmp(o->target, "gvisor") == 0) { /* runsc has no qdiscs */
		snprintf(err, errsize, "--link needs sch_netem: gVisor's netstack has none; use --target qemu");
		return -1;
	}
	if (o->link.set && target_is_lwip(o->target)) { /* netem is on the kernel's lo, not lwIP's links */
		snprintf(err, errsize, "--link puts netem on the kernel's loopback: not with --target %s, "
			 "whose connections do not cross it", o->target);
		return -1;
	}
	if ((o->peer_addr4 || o->peer_addr6 || o->agent_wire) && !target_is_agent(o->target)) {
		snprintf(err, errsize, "--peer-addr4, --peer-addr6 and --agent-wire go with --target agent:...");
		return -1;
	}
	if (o->link.set && target_is_agent(o->target)) { /* the link to an agent is its own */
		snprintf(err, errsize, "--link puts netem on the kernel's loopback: not with --target %s",
			 o->target);
		return -1;
	}
	/* an agent serves one session: one case at a time on a stream; -j N starts N copies
	 * of an exec agent (agent_stream.h's pool), for an agent whose copies do not collide */
	if (target_is_agent(o->target) && strncmp(o->target, "agent:exec:", 11) != 0)
		o->jobs = 1;
	if (target_is_agent(o->target) && o->jobs > AGENT_POOL_MAX) {
		snprintf(err, errsize, "--target agent:exec: at most %d copies of the agent (-j)", AGENT_POOL_MAX);
		return -1;
	}
	if (target_is_agent(o->target) && !o->jobs)
		o->jobs = 1;
	if (o->command == CMD_MATRIX && o->nfilters) {
		snprintf(err, errsize, "matrix takes no arguments (--results DIR names the directory)");
		return -1;
	}
	if (o->command == CMD_DIFF && o->nfilters != 2) {
		snprintf(err, errsize, "diff takes two results files: sockconf diff A.tap B.tap");
		return -1;
	}
	return 0;
}

void shell_quote(char *out, size_t size, const char *s)
{
	size_t n = 0;

	if (size < 3)
		return;
	out[n++] = '\'';
	for (; *s && n + 6 < size; s++) {
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else
			out[n++] = *s;
	}
	out[n++] = '\'';
	out[n] = '\0';
}

void options_command_line(const struct options *o, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < o->argc && n + 1 < size; i++) {
		const char *w = o->argv[i];
		char quoted[600];

		/* plain words stay as they are: sockconf run -j 2 rst.* reads as typed */
		if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%*") == strlen(w))
			snprintf(quoted, sizeof quoted, "%s", w);
		else
			shell_quote(quoted, sizeof quoted, w);
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "", quoted);
	}
}
