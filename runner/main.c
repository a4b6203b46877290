/*
 * sockconf: lists and runs the cases, applies the recorded divergences,
 * prints TAP and writes results/<label>.tap.
 */
#include "agent_target.h"
#include "atomic_file.h"
#include "catalog.h"
#include "diff.h"
#include "divergence.h"
#include "identity.h"
#include "junit.h"
#include "link.h"
#include "matrix.h"
#include "options.h"
#include "paths.h"
#include "platform.h"
#include "report.h"
#include "schedule.h"
#include "case_times.h"
#include "summary.h"
#include "target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_CONFORMS = 0, EXIT_NONCONFORMING = 1, EXIT_USAGE = 2 };

static int fatal(const char *fmt, const char *detail)
{
	fprintf(stderr, "sockconf: ");
	fprintf(stderr, fmt, detail);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

/* Every record must name a case that exists: a typo would hide a failure. */
static int check_records_name_cases(const struct divergences *d, const struct catalog *all,
				    char *err, size_t errsize)
{
	for (size_t i = 0; i < d->n; i++)
		if (!catalog_find(all, d->items[i].id)) {
			snprintf(err, errsize, "%s: divergence for '%s', but there is no such case",
				 d->items[i].where, d->items[i].id);
			return -1;
		}
	return 0;
}

/* ---- list ----------------------------------------------------------------- */

/* Text inside a Markdown table cell: a | would end the cell. */
static void put_cell_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '|')
			putchar('\\');
		putchar(s[i]);
	}
}

/* "RFC 9293 §3.6: text <https://...>" as a Markdown link to the public original. */
static void print_cite_link(const char *cite)
{
	const char *lt = strrchr(cite, '<');
	size_t textlen = lt ? (size_t)(lt - cite) : strlen(cite);
	const char *colon = memchr(cite, ':', textlen);

	/* the title is what precedes the quote: "RFC 9293 §3.6" */
	if (colon)
		textlen = (size_t)(colon - cite);
	while (textlen && cite[textlen - 1] == ' ')
		textlen--;
	printf("[");
	put_cell_text(cite, textlen);
	if (lt)
		printf("](%.*s)", (int)strcspn(lt + 1, ">"), lt + 1);
	else
		printf("]");
}

static void print_markdown_row(const char *id, const struct case_tap *t)
{
	printf("| `%s` | ", id);
	put_cell_text(t->claim, strlen(t->claim));
	printf(" | ");
	for (unsigned i = 0; i < t->ncites; i++) {
		if (i)
			printf("<br>");
		print_cite_link(t->cites[i]);
	}
	printf(" |\n");
}

/* `wrap`: a per-case target's wrapper (wine); the describing runs where the cases would */
static int list_cases(const struct catalog *cat, const struct target_wrap *wrap, const char *scratch,
		      int markdown)
{
	if (markdown)
		printf("| id | claim | sources |\n|---|---|---|\n");
	for (size_t i = 0; i < cat->n; i++) {
		const struct case_entry *e = &cat->cases[i];
		char out[1200], err[1200], msg[256];
		char *argv[16];
		size_t na = 0;
		struct proc p;
		struct proc_exit ex;
		struct case_tap t;
		char text[8192];
		size_t len = 0;
		FILE *f;

		for (size_t k = 0; wrap->argv[k] && na < 13; k++)
			argv[na++] = wrap->argv[k];
		argv[na++] = (char *)e->path;
		argv[na++] = "--describe";
		argv[na] = NULL;
		snprintf(out, sizeof out, "%s/describe.out", scratch);
		snprintf(err, sizeof err, "%s/describe.err", scratch);
		if (!e->executable ||
		    proc_start(&p, argv, (char **)wrap->env, out, err, msg, sizeof msg) == -1) {
			printf("%-36s (cannot run: %s)\n", e->id, e->executable ? msg : e->unrunnable);
			continue;
		}
		switch (proc_wait_any(&p, 1, 5000, &ex)) {
		case 0:
			break;
		case -2:
			proc_kill_group(&p);
			return 128 + plat_interrupted();
		default:
			proc_kill_group(&p);
			printf("%-36s (no description within 5 s)\n", e->id);
			continue;
		}
		proc_kill_group(&p);
		f = fopen(out, "rb");
		if (f) {
			len = fread(text, 1, sizeof text - 1, f);
			fclose(f);
		}
		text[len] = '\0';
		case_tap_parse(text, len, &t); /* no plan: only the metadata is wanted */
		if (markdown)
			print_markdown_row(e->id, &t);
		else
			printf("%-36s %s\n", e->id, t.claim[0] ? t.claim : "(no claim)");
		case_tap_free(&t);
	}
	return EXIT_CONFORMS;
}

/* ---- run ------------------------------------------------------------------ */

struct printing {
	FILE *streams[2];
	size_t nstreams;
	struct case_result *results;
	unsigned char *ready;
	size_t next;        /* the next case to print, in catalog order */
	unsigned number;    /* its test point number */
	const struct divergences *d;
	const char *label;
	unsigned timeout_ms;
	int times;
	struct tally tally;
	struct summary summary;
	struct junit *junit;  /* --junit: the same cases as JUnit XML; NULL: none */
	int stdout_errno;     /* the first failed write of the TAP to stdout, or 0 */
};

/* A failed write to stdout (EPIPE: SIGPIPE is ignored; ENOSPC: /dev/full) is kept
 * for the end of the run: the TAP did not arrive. */
static void note_stdout_error(struct printing *pr)
{
	if ((fflush(stdout) != 0 || ferror(stdout)) && !pr->stdout_errno)
		pr->stdout_errno = errno ? errno : EIO;
}

/* A run killed before it removed its temporary results file (SIGKILL, a
 * power cut) left DIR/.NAME.tmp.PID: removed, once that process is gone. */
struct stale_temps {
	const char *dir;
	size_t prefix_len;
};

static void remove_if_stale(const char *name, void *ctx)
{
	const struct stale_temps *st = ctx;
	char *end, path[1600];
	long pid = strtol(name + st->prefix_len, &end, 10);

	if (end == name + st->prefix_len || *end || pid <= 0 || plat_process_alive((int)pid))
		return;
	snprintf(path, sizeof path, "%s/%s", st->dir, name);
	if (remove(path) == 0)
		fprintf(stderr, "sockconf: removed %s, left by run %ld, which is gone\n", path, pid);
}

static void remove_stale_temps(const char *dir, const char *label)
{
	static const char *const kinds[] = {".tap", ".partial.tap"};

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		char prefix[1200];
		struct stale_temps st = {dir, 0};

		st.prefix_len = (size_t)snprintf(prefix, sizeof prefix, ".%s%s.tmp.", label, kinds[k]);
		if (st.prefix_len < sizeof prefix)
			plat_list_prefixed(dir, prefix, remove_if_stale, &st);
	}
}

/* Called as each case finishes; prints every case whose turn has come. */
static void case_done(size_t index, struct case_result *r, void *ctx)
{
	struct printing *pr = ctx;

	agent_target_case_ended(r); /* agent targets: a link fault is no verdict; reach the agent again */
	verdict_apply(r, pr->d, pr->label, pr->timeout_ms);
	pr->ready[index] = 1;
	while (pr->ready[pr->next]) {
		struct case_result *c = &pr->results[pr->next];
		for (size_t s = 0; s < pr->nstreams; s++) {
			report_case(pr->streams[s], ++pr->number, c);
			pr->number -= s + 1 < pr->nstreams;
			fflush(pr->streams[s]);
		}
		note_stdout_error(pr);
		report_count(&pr->tally, c);
		summary_note(&pr->summary, c);
		if (pr->junit)
			junit_case(pr->junit, c);
		case_result_release(c); /* reported: its verdicts and times stay, its texts go */
		pr->ready[pr->next] = 0;
		pr->next++;
	}
}

/* A filtered run is marked partial and written beside, never over, a whole run's file. */
static void note_partial(struct identity *id, const struct options *o, size_t selected, size_t catalogued)
{
	size_t n;

	if (!o->nfilters)
		return;
	n = (size_t)snprintf(id->partial, sizeof id->partial, "%zu of %zu cases:", selected, catalogued);
	for (size_t i = 0; i < o->nfilters && n < sizeof id->partial; i++)
		n += (size_t)snprintf(id->partial + n, sizeof id->partial - n, " %s", o->filters[i]);
}

/* list: another platform's programs (wine's .exe) are described inside their target */
static int list_target_cases(const struct options *o, const struct catalog *cat, const char *scratch)
{
	struct target_wrap wrap;
	struct identity id;
	char terr[1200];
	int status;

	memset(&wrap, 0, sizeof wrap);
	if (strcmp(target_exe_suffix(o->target), plat_exe_suffix()) == 0)
		return list_cases(cat, &wrap, scratch, o->markdown);
	identity_of_this_machine(&id, o->target, o->label);
	if (target_prepare(&wrap, o->target, cat, &id, 1, scratch, terr, sizeof terr) == -1)
		return fatal("%s", terr);
	status = list_cases(cat, &wrap, scratch, o->markdown);
	target_finish(&wrap);
	return status;
}

/* Each case's SOCKCONF_RECORDED_GOT (divergence.h), or NULL for a case with none. */
static char **recorded_got_env(const struct divergences *d, const char *label, const struct catalog *cat)
{
	char **env = calloc(cat->n ? cat->n : 1, sizeof *env);

	for (size_t i = 0; env && i < cat->n; i++) {
		char text[256];
		divergence_recorded_got_env(d, label, cat->cases[i].id, text, sizeof text);
		env[i] = text[0] ? strdup(text) : NULL;
	}
	return env; /* NULL: out of memory, and the waits keep their bound */
}

static int run_cases(const struct options *o, const char *cases_dir, struct catalog *cat,
		     const struct divergences *d,
		     const char *scratch, size_t catalogued)
{
	double started = plat_now_ms(), start_ms;
	struct identity id;
	char final_path[1200] = "";
	struct atomic_file results;
	FILE *results_file = NULL;
	struct junit junit;
	struct printing pr;
	struct schedule s;
	char **summaries = NULL;
	double *last_ms;
	char **case_env;
	char times_path[1300];
	unsigned unstable = 0;
	int interrupted = 0, status;
	struct target_wrap wrap;
	char terr[1200], env_error[700] = "";

	identity_of_this_machine(&id, o->as_target ? o->as_target : o->target, o->label);
	options_command_line(o, id.command, sizeof id.command);
	note_partial(&id, o, cat->n, catalogued);
	if ((target_is_agent(o->target)
	     ? agent_target_prepare(&wrap, o, &id, o->label != NULL, scratch, terr, sizeof terr)
	     : target_prepare(&wrap, o->target, cat, &id, o->label != NULL, scratch, terr, sizeof terr)) == -1)
		return fatal("%s", terr);
	/* --link: this runner and its cases move behind netem (link.h) */
	if (link_prepare(&o->link, &id, o->label != NULL, scratch, terr, sizeof terr) == -1) {
		target_finish(&wrap);
		return fatal("%s", terr);
	}
	/* native without --link starts nothing; elsewhere the summary tells the start apart */
	start_ms = strcmp(o->target, "native") == 0 && !o->link.set ? -1 : plat_now_ms() - started;
	if (o->out_dir) {
		if (plat_mkdir_p(o->out_dir) == -1) {
			target_finish(&wrap);
			return fatal("cannot create the results directory %s", o->out_dir);
		}
		remove_stale_temps(o->out_dir, id.label);
		snprintf(final_path, sizeof final_path, "%s/%s%s.tap", o->out_dir, id.label,
			 id.partial[0] ? ".partial" : "");
		if (atomic_file_open(&results, final_path) == -1) {
			target_finish(&wrap);
			return fatal("cannot write in the results directory %s", o->out_dir);
		}
		results_file = results.f;
	}
	if (o->junit_path && junit_open(&junit, o->junit_path, &id) == -1) {
		snprintf(terr, sizeof terr, "cannot write the JUnit report %s: %s", o->junit_path,
			 strerror(errno));
		if (results_file)
			atomic_file_discard(&results);
		target_finish(&wrap);
		return fatal("%s", terr);
	}

	memset(&pr, 0, sizeof pr);
	pr.streams[pr.nstreams++] = stdout;
	if (results_file)
		pr.streams[pr.nstreams++] = results_file;
	pr.results = calloc(cat->n, sizeof *pr.results);
	pr.ready = calloc(cat->n + 1, 1);
	summaries = calloc(cat->n, sizeof *summaries);
	pr.d = d;
	pr.label = id.label;
	pr.timeout_ms = o->timeout_ms;
	pr.junit = o->junit_path ? &junit : NULL;
	if (!pr.results || !pr.ready || !summaries) {
		fprintf(stderr, "sockconf: out of memory\n");
		exit(EXIT_USAGE);
	}
	for (size_t st = 0; st < pr.nstreams; st++)
		report_start(pr.streams[st], &id, cat->n * o->repeat);

	s.cat = cat;
	s.jobs = o->jobs ? o->jobs : plat_cpu_count();
	/* -j N is at most N at once; by default, one a CPU and more while CPUs sit idle */
	s.max_jobs = o->jobs ? 0 : 4 * s.jobs;
	if (target_is_agent(o->target)) /* an agent serves one session a copy: no case waits for one */
		s.jobs = s.max_jobs = agent_target_sessions();
	case_times_path(cases_dir, id.label, times_path, sizeof times_path);
	if ((last_ms = calloc(cat->n ? cat->n : 1, sizeof *last_ms)) != NULL &&
	    case_times_load(times_path, cat, last_ms) == -1) {
		free(last_ms); /* no earlier run: the catalog's order */
		last_ms = NULL;
	}
	s.last_ms = last_ms;
	s.timeout_ms = o->timeout_ms;
	s.scratch_dir = scratch;
	s.wrap = wrap.argv[0] ? wrap.argv : NULL;
	s.env = wrap.env;
	s.case_env = case_env = recorded_got_env(d, id.label, cat);
	s.setup = wrap.setup; /* lwip-linux: each case in a network namespace of its own */
	s.setup_ctx = wrap.setup_ctx;
	s.done = case_done;
	s.ctx = &pr;
	s.env_error = env_error;
	s.env_error_size = sizeof env_error;

	for (unsigned round = 0; round < o->repeat && !interrupted; round++) {
		pr.next = 0;
		if (pr.junit)
			junit_round(pr.junit); /* a testsuite per round */
		interrupted = schedule_run(&s, pr.results);
		for (size_t i = 0; !interrupted && i < cat->n; i++) {
			char now[2048];
			verdict_summary(&pr.results[i], now, sizeof now);
			if (round == 0)
				summaries[i] = strdup(now);
			else if (summaries[i] && strcmp(summaries[i], now) != 0) {
				unstable++;
				for (size_t st = 0; st < pr.nstreams; st++)
					fprintf(pr.streams[st], "# unstable: %s in round %u: %s (round 1: %s)\n",
						cat->cases[i].id, round + 1, now, summaries[i]);
			}
			if (o->times)
				fprintf(stdout, "# time %s %.2f ms, %u quiet windows %u ms\n", cat->cases[i].id,
					pr.results[i].ms, pr.results[i].tap.nquiet, pr.results[i].tap.quiet_ms);
		}
	}

	if (interrupted == SCHEDULE_ENV_ERROR) { /* the machine, not the stack: nothing is written */
		printf("Bail out! %s\n", env_error);
		fflush(stdout);
		fprintf(stderr, "sockconf: %s\n", env_error);
		if (results_file)
			atomic_file_discard(&results);
		if (pr.junit)
			junit_finish(pr.junit, 0);
		status = EXIT_USAGE;
	} else if (interrupted) {
		printf("Bail out! interrupted by %s\n", signal_name(interrupted));
		fflush(stdout);
		if (results_file)
			atomic_file_discard(&results);
		if (pr.junit)
			junit_finish(pr.junit, 0);
		status = 128 + interrupted;
	} else {
		for (size_t st = 0; st < pr.nstreams; st++) {
			report_end(pr.streams[st], &pr.tally);
			if (o->repeat > 1)
				fprintf(pr.streams[st], "# repeat: %u rounds, %u verdict changes\n", o->repeat,
					unstable);
		}
		status = pr.tally.fail || unstable ? EXIT_NONCONFORMING : EXIT_CONFORMS;
		if (agent_target_lost(terr, sizeof terr)) { /* the rest were not run: an environment error */
			fprintf(stderr, "sockconf: %s\n", terr);
			status = EXIT_USAGE;
		}
		/* the times steer the next run's schedule only: where they cannot be kept
		 * (an installed tree, a guest's read-only view), the next run is slower */
		(void)case_times_save(times_path, cat, pr.results);
		if (results_file && atomic_file_commit(&results) == -1) {
			fprintf(stderr, "sockconf: could not write %s: %s\n", final_path, strerror(errno));
			status = EXIT_USAGE;
			results_file = NULL;
		}
		if (pr.junit && junit_finish(pr.junit, 1) == -1) {
			fprintf(stderr, "sockconf: could not write %s: %s\n", o->junit_path, strerror(errno));
			status = EXIT_USAGE;
		}
		fflush(stdout); /* the closing lines come after the TAP, wherever both go */
		note_stdout_error(&pr);
		if (pr.stdout_errno) {
			fprintf(stderr, "sockconf: cannot write the TAP to stdout: %s\n",
				strerror(pr.stdout_errno));
			status = EXIT_USAGE;
		}
		summary_print(stderr, &pr.summary, &pr.tally, plat_now_ms() - started, start_ms,
			      results_file ? final_path : NULL);
	}
	for (size_t i = 0; i < cat->n; i++) {
		free(summaries[i]);
		free(case_env ? case_env[i] : NULL);
		case_result_free(&pr.results[i]);
	}
	free(case_env);
	free(summaries);
	free(last_ms);
	free(pr.results);
	free(pr.ready);
	target_finish(&wrap);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct catalog cat, all;
	struct divergences d = {NULL, 0};
	char err[1024], exe_dir[1024], cases_dir[1200], div_dir[1200], scratch[1024];
	char target_cases[1100];
	int status;
	/* before any file is opened: a closed stdout (>&-) must not become a results file */
	int stdout_open = plat_stdout_open();

	if (options_parse(&o, argc, argv, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		fprintf(stderr, "usage: sockconf [options] list|run [FILTER...] | matrix | diff A B  (sockconf --help)\n");
		return EXIT_USAGE;
	}
	if (o.command == CMD_HELP) {
		options_usage(stdout);
		return EXIT_CONFORMS;
	}
	if (o.command == CMD_VERSION) {
		printf("sockconf %s\n", sockconf_version);
		return EXIT_CONFORMS;
	}
	if (o.command == CMD_DIFF)
		return diff_main(o.filters[0], o.filters[1]);
	if (o.command == CMD_RUN && !stdout_open)
		return fatal("cannot write the TAP to stdout: %s", strerror(EBADF));
	plat_exe_dir(argv[0], exe_dir, sizeof exe_dir);
	/* --target wine runs the Windows build's cases, beside this build (target.h) */
	if (!o.cases_dir && o.command != CMD_MATRIX &&
	    target_cases_dir(o.target, exe_dir, target_cases, sizeof target_cases))
		o.cases_dir = target_cases;
	/* the build tree's layout, else the installed one (paths.h) */
	if (paths_find(exe_dir, o.cases_dir, o.divergences_dir, cases_dir, div_dir, sizeof cases_dir,
		       err, sizeof err) == -1 && o.command != CMD_MATRIX)
		return fatal("%s", err);

	if (o.command == CMD_MATRIX) /* the case programs only tell claims the files lack */
		return matrix_main(o.results_dir, cases_dir);
	if (catalog_load_programs(&all, cases_dir, target_exe_suffix(o.target), err, sizeof err) == -1)
		return fatal(o.cases_dir == target_cases ? "%s (this target runs the Windows build: "
							   "make windows, or --cases DIR)" : "%s", err);
	cat = all;
	cat.cases = malloc(all.n * sizeof *cat.cases);
	if (!cat.cases) {
		catalog_free(&all);
		return fatal("%s", "out of memory");
	}
	memcpy(cat.cases, all.cases, all.n * sizeof *cat.cases);
	/* a bad filter, record or scratch directory: exit 2 with nothing left allocated (LeakSanitizer) */
	status = catalog_select(&cat, o.filters, o.nfilters, err, sizeof err);
	if (status == 0 && o.command == CMD_RUN &&
	    (divergences_load(&d, div_dir, err, sizeof err) == -1 ||
	     check_records_name_cases(&d, &all, err, sizeof err) == -1))
		status = -1;
	for (size_t i = 0; status == 0 && o.command == CMD_RUN && target_is_guest(o.target) && i < cat.n; i++)
		if (!cat.cases[i].is_file) { /* a guest is given the files only: it would never see this one */
			snprintf(err, sizeof err, "--target %s: %s is %s; a guest runs files only",
				 o.target, cat.cases[i].path, cat.cases[i].unrunnable);
			status = -1;
		}
	if (status == 0 && plat_make_temp_dir(scratch, sizeof scratch) == -1) {
		snprintf(err, sizeof err, "cannot create a scratch directory: %s", strerror(errno));
		status = -1;
	}
	if (status == -1) {
		divergences_free(&d);
		catalog_free(&cat);
		catalog_free(&all);
		return fatal("%s", err);
	}
	plat_catch_interrupts();
	plat_own_descendants(); /* no case outlives the runner, even one killed with SIGKILL */
	if (o.command == CMD_RUN && target_runs_inside(o.target)) /* the run happens inside a guest */
		status = target_run_guest(&o, &cat, exe_dir, cases_dir, div_dir, scratch);
	else
		status = o.command == CMD_LIST ? list_target_cases(&o, &cat, scratch)
					       : run_cases(&o, cases_dir, &cat, &d, scratch, all.n);
	plat_remove_tree(scratch);
	divergences_free(&d);
	catalog_free(&cat);
	catalog_free(&all);
	return status;
}
