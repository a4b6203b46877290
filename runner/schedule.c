/* schedule.c: running cases in parallel, with timeouts (see schedule.h). */
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUTPUT_CAP CASE_OUTPUT_CAP
#define OUTPUT_POLL_MS 10       /* how often a running case's output size is looked at */
#define FORK_RETRY_BOUND_MS 2000 /* how long no process can be started before the run stops */
#define IDLE_WINDOW_MS 50        /* how often the machine's idle CPU time is looked at */
#define SPLIT_MS 400             /* a case that took this long last time runs a process per family */
#define WAITING_PER_SLOT 2       /* units of long cases that may wait, beside the slots, per slot */

/* What a case program is run for: all its families, or one (--family). */
static const char *const split_families[] = {"inet", "inet6", "unix"};
#define NSPLIT (sizeof split_families / sizeof split_families[0])

struct unit {
	size_t index;       /* into the catalog */
	unsigned part;      /* which of split_families, when split */
	int split;
};

struct slot {
	struct proc proc;
	size_t unit;           /* into the run's units */
	struct case_result *r; /* where its result goes: the case's, or its family's part */
	double started, deadline;
	int busy;
	int waits; /* a long case's unit seen waiting: it holds no slot (slots_allowed) */
};

static void output_paths(const struct schedule *s, size_t unit, char *out, char *err, size_t size)
{
	snprintf(out, size, "%s/%zu.out", s->scratch_dir, unit);
	snprintf(err, size, "%s/%zu.err", s->scratch_dir, unit);
}

/* Reads at most cap bytes of path; *truncated when there was more. */
static char *read_capped(const char *path, size_t cap, size_t *len, int *truncated)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(cap + 1);

	*len = 0;
	*truncated = 0;
	if (!buf) {
		if (f)
			fclose(f);
		return NULL;
	}
	if (f) {
		*len = fread(buf, 1, cap, f);
		*truncated = fgetc(f) != EOF;
		fclose(f);
	}
	buf[*len] = '\0';
	return buf;
}

static void read_stderr_tail(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "rb");
	long end;
	size_t n;

	out[0] = '\0';
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (end = ftell(f)) > 0) {
		long from = end > (long)size - 1 ? end - (long)size + 1 : 0;
		fseek(f, from, SEEK_SET);
		n = fread(out, 1, size - 1, f);
		out[n] = '\0';
	}
	fclose(f);
}

/*
 * Whether the scratch directory (in TMPDIR) takes a case's output: a full
 * one makes every case's output short, which is the machine's fault, not
 * the stack's.  0, or -1 with the reason in s->env_error.
 */
static int scratch_writable(const struct schedule *s)
{
	static const char block[4096];
	char path[1200];
	FILE *f;
	int failed = 0, saved = 0;

	snprintf(path, sizeof path, "%s/probe", s->scratch_dir);
	errno = 0;
	f = fopen(path, "wb");
	for (int i = 0; f && i < 16 && !failed; i++) /* 64 KiB: what a verbose case prints */
		failed = fwrite(block, 1, sizeof block, f) != sizeof block;
	if (f) {
		failed |= fflush(f) != 0 || ferror(f);
		saved = errno;
		failed |= fclose(f) != 0;
		if (!saved)
			saved = errno;
	} else {
		failed = 1;
		saved = errno;
	}
	remove(path);
	if (!failed)
		return 0;
	if (s->env_error)
		snprintf(s->env_error, s->env_error_size,
			 "TMPDIR: cannot write the cases' output in %s: %s", s->scratch_dir,
			 strerror(saved ? saved : EIO));
	return -1;
}

/* A case whose own fork() hit the process limit says so in its message
 * (lib: "fork() failed: EAGAIN"): the machine's limit, not the stack. */
static int case_met_process_limit(const struct case_result *r)
{
	for (unsigned i = 0; r->tap_ok && i < r->tap.npoints; i++) {
		const char *m = point_diag(&r->tap.points[i], "message");
		if (m && strstr(m, "fork() failed: EAGAIN"))
			return 1;
	}
	return 0;
}

static void collect(const struct schedule *s, struct slot *sl)
{
	char out_path[1200], err_path[1200];
	struct case_result *r = sl->r;
	size_t len;
	char *text;

	proc_kill_group(&sl->proc); /* children the case left behind go with it */
	snprintf(r->left_running, sizeof r->left_running, "%s", sl->proc.left_running);
	r->ms = plat_now_ms() - sl->started;
	output_paths(s, sl->unit, out_path, err_path, sizeof out_path);
	text = read_capped(out_path, OUTPUT_CAP, &len, &r->output_truncated);
	r->tap_ok = text && case_tap_parse(text, len, &r->tap) == 0;
	free(text);
	read_stderr_tail(err_path, r->stderr_tail, sizeof r->stderr_tail);
	remove(out_path);
	remove(err_path);
	sl->busy = 0;
	sl->waits = 0;
}

/* 0 started; -1 it cannot run (a result); -2 no process to be had now; -3 the
 * target's setup for it failed (the message in r->error) */
static int start(const struct schedule *s, struct slot *sl, const struct unit *u, size_t unit,
		 struct case_result *r)
{
	const struct case_entry *e = &s->cat->cases[u->index];
	char out_path[1200], err_path[1200], timeout_env[64];
	char *argv[26], *env[16];
	size_t na = 0, ne = 0;
	int started;

	case_result_free(r); /* an earlier round's */
	memset(r, 0, sizeof *r);
	r->entry = e;
	if (!e->executable) {
		r->start_failed = 1;
		snprintf(r->error, sizeof r->error, "cannot run %s: %s", e->path, e->unrunnable);
		return -1;
	}
	for (size_t k = 0; s->wrap && s->wrap[k] && na < 22; k++) /* a target's wrapper first */
		argv[na++] = s->wrap[k];
	argv[na++] = (char *)e->path;
	if (u->split) {
		argv[na++] = "--family";
		argv[na++] = (char *)split_families[u->part];
	}
	argv[na] = NULL;
	snprintf(timeout_env, sizeof timeout_env, "SOCKCONF_TIMEOUT_MS=%u", s->timeout_ms);
	env[ne++] = timeout_env;
	for (size_t k = 0; s->env && s->env[k] && ne < 14; k++)
		env[ne++] = s->env[k];
	if (s->case_env && s->case_env[u->index])
		env[ne++] = s->case_env[u->index];
	env[ne] = NULL;
	output_paths(s, unit, out_path, err_path, sizeof out_path);
	sl->started = plat_now_ms();
	/* a case run directly gets a file size limit of one byte over the cap (SIGXFSZ past it);
	 * a target's wrapper writes files of its own, so its cases' output is polled instead */
	proc_set_output_cap(s->wrap ? 0 : OUTPUT_CAP + 1);
	proc_set_setup(s->setup, s->setup_ctx);
	proc_set_lend_capture(!s->wrap && !s->setup); /* a case run here, in the runner's namespace */
	started = proc_start(&sl->proc, argv, env, out_path, err_path, r->error, sizeof r->error);
	proc_set_output_cap(0); /* the runner's other processes (a target's tools) are not bounded */
	proc_set_setup(NULL, NULL);
	proc_set_lend_capture(0);
	if (started == PROC_SETUP_FAILED)
		return -3; /* the target could not make the case's surroundings: the machine's */
	if (started == -1) {
		if (errno == EAGAIN)
			return -2; /* no process to be had now: try again once something ends */
		r->start_failed = 1;
		return -1;
	}
	sl->unit = unit;
	sl->r = r;
	sl->deadline = sl->started + s->timeout_ms;
	sl->busy = 1;
	return 0;
}

/*
 * The run's units in the order to start them: the longest cases of the
 * last run first (ties, and cases without a time, in catalog order), a
 * case of SPLIT_MS or more as one unit per family.
 */
struct timed_index {
	size_t index;
	double ms;
};

static int longer_first(const void *a, const void *b)
{
	const struct timed_index *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index; /* qsort is not stable */
}

static struct unit *plan_units(const struct schedule *s, size_t *nunits)
{
	size_t n = s->cat->n, k = 0;
	struct timed_index *t = calloc(n ? n : 1, sizeof *t);
	struct unit *units = calloc(n ? n * NSPLIT : 1, sizeof *units);

	if (!t || !units) {
		free(t);
		free(units);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		t[i].index = i;
		t[i].ms = s->last_ms ? s->last_ms[i] : 0;
	}
	qsort(t, n, sizeof *t, longer_first);
	for (size_t i = 0; i < n; i++) {
		int split = t[i].ms >= SPLIT_MS;
		for (unsigned f = 0; f < (split ? NSPLIT : 1); f++)
			units[k++] = (struct unit){t[i].index, f, split};
	}
	free(t);
	*nunits = k;
	return units;
}

/*
 * One case run as a process per family: its parts, put together as one
 * run of the case would have printed them, families in order.
 */
struct split_case {
	struct case_result part[NSPLIT];
	unsigned done;
};

static void exit_worst(struct proc_exit *into, const struct proc_exit *e)
{
	if (into->signo || (into->code && !e->signo))
		return;
	*into = *e;
}

static void join_parts(struct case_result *r, struct split_case *sc)
{
	case_result_free(r); /* an earlier round's */
	*r = sc->part[0];
	sc->part[0].tap.text = NULL; /* r's now */
	for (unsigned f = 1; f < NSPLIT; f++) {
		struct case_result *p = &sc->part[f];
		struct case_tap *t = &r->tap;

		r->start_failed |= p->start_failed;
		r->timed_out |= p->timed_out;
		r->output_truncated |= p->output_truncated;
		r->output_capped |= p->output_capped;
		exit_worst(&r->exit, &p->exit);
		if (p->ms > r->ms)
			r->ms = p->ms; /* they ran at once: the case took as long as its longest part */
		if (!r->left_running[0])
			snprintf(r->left_running, sizeof r->left_running, "%s", p->left_running);
		if (!r->error[0])
			snprintf(r->error, sizeof r->error, "%s", p->error);
		if (p->stderr_tail[0] && (!r->stderr_tail[0] || p->exit.code || p->exit.signo))
			snprintf(r->stderr_tail, sizeof r->stderr_tail, "%s", p->stderr_tail);
		if (!p->tap_ok && r->tap_ok) {
			r->tap_ok = 0;
			snprintf(t->error, sizeof t->error, "%s (--family %s)", p->tap.error, split_families[f]);
		}
		for (unsigned i = 0; i < p->tap.npoints && t->npoints < MAX_POINTS; i++)
			t->points[t->npoints++] = p->tap.points[i];
		t->planned += p->tap.planned;
		t->have_plan &= p->tap.have_plan;
		t->quiet_ms += p->tap.quiet_ms;
		t->nquiet += p->tap.nquiet;
		if (!t->id[0])
			memcpy(t->id, p->tap.id, sizeof t->id);
		case_tap_adopt(t, &p->tap); /* the points copied above point into its texts */
	}
}

struct run_state {
	const struct schedule *s;
	struct case_result *results;
	struct unit *units;
	struct split_case **split; /* per catalog case, while its parts run */
};

/* Where a unit's result goes: the case's own, or its family's part. */
static struct case_result *unit_result(struct run_state *rs, const struct unit *u)
{
	struct split_case **sc = &rs->split[u->index];

	if (!u->split)
		return &rs->results[u->index];
	if (!*sc)
		*sc = calloc(1, sizeof **sc);
	return *sc ? &(*sc)->part[u->part] : NULL;
}

/* A unit has ended: 0; 1 when that completed its case, whose result goes to finish(). */
static int unit_ended(struct run_state *rs, const struct unit *u)
{
	struct split_case *sc = rs->split[u->index];

	if (!u->split)
		return 1;
	if (++sc->done < NSPLIT)
		return 0;
	join_parts(&rs->results[u->index], sc);
	free(sc);
	rs->split[u->index] = NULL;
	return 1;
}

/* Kills a running unit whose output files passed the cap (where no file size limit does it). */
static int kill_overflowing(struct run_state *rs, struct slot *slots, unsigned jobs)
{
	const struct schedule *s = rs->s;
	int killed = 0;

	for (unsigned j = 0; j < jobs; j++) {
		char out_path[1200], err_path[1200];
		struct stat out_st, err_st;
		const struct unit *u = &rs->units[slots[j].unit];

		if (!slots[j].busy)
			continue;
		output_paths(s, slots[j].unit, out_path, err_path, sizeof out_path);
		/* past cap + 1: where the file size limit (cap + 1) did not hold it */
		if ((stat(out_path, &out_st) == 0 && (unsigned long)out_st.st_size > OUTPUT_CAP + 1) ||
		    (stat(err_path, &err_st) == 0 && (unsigned long)err_st.st_size > OUTPUT_CAP + 1)) {
			slots[j].r->output_capped = 1;
			collect(s, &slots[j]);
			if (unit_ended(rs, u)) {
				s->done(u->index, &rs->results[u->index], s->ctx);
				killed++;
			}
		}
	}
	return killed;
}

/* A case is done: 0, or SCHEDULE_ENV_ERROR when what went wrong was the machine. */
static int finish(const struct schedule *s, size_t index, struct case_result *r)
{
	if ((!r->tap_ok || r->output_truncated) && scratch_writable(s) == -1)
		return SCHEDULE_ENV_ERROR;
	if (case_met_process_limit(r)) {
		if (s->env_error)
			snprintf(s->env_error, s->env_error_size,
				 "%s: fork() failed: EAGAIN: the machine's process limit is reached "
				 "(cgroup pids.max, or RLIMIT_NPROC)", r->entry->id);
		return SCHEDULE_ENV_ERROR;
	}
	s->done(index, r, s->ctx);
	return 0;
}

/* A slot's unit has ended and been collected: 1 when its case is finished too. */
static int slot_ended(struct run_state *rs, struct slot *sl, int *interrupted)
{
	const struct unit *u = &rs->units[sl->unit];

	if (!unit_ended(rs, u))
		return 0;
	*interrupted = finish(rs->s, u->index, &rs->results[u->index]);
	return !*interrupted;
}

/*
 * How many units may run now.  Cases mostly wait (for a segment, a bound,
 * a linger), so with `jobs` running the CPUs can sit idle: while half a
 * CPU or more stayed idle over the last window, a slot opens (one for each
 * whole idle CPU), up to max_jobs; when less than a quarter of a CPU was
 * idle, the extra slots close again as their units end.  (A whole idle CPU
 * to open one left up to a CPU of 2 idle through a Wine run, whose case
 * processes cost ~25 ms of CPU each to start, and so did other load.)
 *
 * A unit of a long case (SPLIT_MS or more last time: a linger, a bound
 * run out) that has run a window is waiting, and holds no slot from then
 * on: otherwise a few such units fill every slot for a second while the
 * CPUs idle (under Wine 12 of them, for 1-2 s, and the run's short cases
 * queued behind them).  It need not wait for the CPUs to idle first: under
 * Wine they never do while cases start, and the long units then began
 * two at a time, the last ~330 ms into the run, which ended that much
 * later.  At most WAITING_PER_SLOT x max_jobs units wait so, beside the
 * slots.
 */
struct idle_fill {
	struct plat_cpu_times last;
	double last_at;
	unsigned extra;
	int works;
};

/* The running units that hold a slot; *waiting (when not NULL): those that do not. */
static unsigned holding_slots(const struct slot *slots, unsigned nslots, unsigned *waiting)
{
	unsigned n = 0, w = 0;

	for (unsigned j = 0; j < nslots; j++) {
		n += slots[j].busy && !slots[j].waits;
		w += slots[j].busy && slots[j].waits;
	}
	if (waiting)
		*waiting = w;
	return n;
}

static void settle_waiting(struct slot *slots, unsigned nslots, const struct unit *units,
			   unsigned max_waiting, double now)
{
	unsigned waiting;

	holding_slots(slots, nslots, &waiting);
	for (unsigned j = 0; j < nslots && waiting < max_waiting; j++) {
		struct slot *sl = &slots[j];

		if (sl->busy && !sl->waits && units[sl->unit].split && now - sl->started >= IDLE_WINDOW_MS) {
			sl->waits = 1;
			waiting++;
		}
	}
}

static unsigned slots_allowed(struct idle_fill *f, unsigned jobs, unsigned max_jobs, struct slot *slots,
			      unsigned nslots, const struct unit *units, double now)
{
	struct plat_cpu_times t;
	unsigned busy;

	if (max_jobs <= jobs || !f->works)
		return jobs;
	settle_waiting(slots, nslots, units, WAITING_PER_SLOT * max_jobs, now);
	if (now - f->last_at >= IDLE_WINDOW_MS && plat_cpu_times(&t) == 0) {
		double idle_cpus = (t.idle_ms - f->last.idle_ms) / (now - f->last_at);
		unsigned more = idle_cpus >= 1.0 ? (unsigned)idle_cpus : 1; /* a slot for each idle CPU */

		busy = holding_slots(slots, nslots, NULL);
		if (idle_cpus >= 0.5 && busy >= jobs + f->extra)
			f->extra = jobs + f->extra + more < max_jobs ? f->extra + more : max_jobs - jobs;
		else if (idle_cpus < 0.25 && f->extra > 0)
			f->extra--;
		f->last = t;
		f->last_at = now;
	}
	return jobs + f->extra;
}

int schedule_run(const struct schedule *s, struct case_result *results)
{
	unsigned jobs = s->jobs ? s->jobs : 1;
	unsigned max_jobs = s->max_jobs > jobs ? s->max_jobs : jobs;
	/* and the units that wait beside them (slots_allowed) */
	unsigned nslots = max_jobs > jobs ? (1 + WAITING_PER_SLOT) * max_jobs : jobs;
	struct slot *slots = calloc(nslots, sizeof *slots);
	struct proc *procs = calloc(nslots, sizeof *procs);
	struct idle_fill fill = {{0, 0}, 0, 0, 0};
	struct run_state rs = {s, results, NULL, calloc(s->cat->n ? s->cat->n : 1, sizeof *rs.split)};
	size_t nunits = 0, next = 0, finished = 0;
	int interrupted = 0;
	double fork_failing_since = -1; /* when starting a process began to fail with EAGAIN */
	int backoff_ms = 10;

	rs.units = plan_units(s, &nunits);
	if (!slots || !procs || !rs.units || !rs.split) {
		free(slots);
		free(procs);
		free(rs.units);
		free(rs.split);
		if (s->env_error)
			snprintf(s->env_error, s->env_error_size, "out of memory");
		return SCHEDULE_ENV_ERROR;
	}
	if (scratch_writable(s) == -1) {
		interrupted = SCHEDULE_ENV_ERROR;
		goto out;
	}
	fill.works = plat_cpu_times(&fill.last) == 0;
	fill.last_at = plat_now_ms();
	while (finished < s->cat->n && !interrupted) {
		double now, soonest = -1;
		struct proc_exit ex;
		unsigned busy, allowed;
		int i;

		finished += (size_t)kill_overflowing(&rs, slots, nslots);
		if (finished == s->cat->n)
			break;

		allowed = slots_allowed(&fill, jobs, max_jobs, slots, nslots, rs.units, plat_now_ms());
		busy = holding_slots(slots, nslots, NULL);
		for (unsigned j = 0; j < nslots && busy < allowed && next < nunits; j++) {
			const struct unit *u = &rs.units[next];
			struct case_result *r;
			int started;

			if (slots[j].busy)
				continue;
			if (!(r = unit_result(&rs, u))) {
				if (s->env_error)
					snprintf(s->env_error, s->env_error_size, "out of memory");
				interrupted = SCHEDULE_ENV_ERROR;
				break;
			}
			started = start(s, &slots[j], u, next, r);
			if (started == -3) {
				if (s->env_error) /* the target's words: "--target lwip-linux: ..." */
					snprintf(s->env_error, s->env_error_size, "%s (starting %s)",
						 r->error, s->cat->cases[u->index].id);
				interrupted = SCHEDULE_ENV_ERROR;
				break;
			}
			if (started == -2) {
				/* EAGAIN: the process limit (pids.max, RLIMIT_NPROC); transient by
				 * definition, so a bounded back-off, then the machine's error */
				if (fork_failing_since < 0)
					fork_failing_since = plat_now_ms();
				if (plat_now_ms() - fork_failing_since > FORK_RETRY_BOUND_MS) {
					if (s->env_error)
						snprintf(s->env_error, s->env_error_size,
							 "cannot start %s: %s (EAGAIN) for %.1f s: the "
							 "machine's process limit is reached (cgroup "
							 "pids.max, or RLIMIT_NPROC)",
							 s->cat->cases[u->index].id, r->error,
							 FORK_RETRY_BOUND_MS / 1000.0);
					interrupted = SCHEDULE_ENV_ERROR;
				}
				break;
			}
			fork_failing_since = -1;
			backoff_ms = 10;
			busy += started == 0;
			next++;
			if (started == -1) {
				slots[j].unit = next - 1;
				finished += (size_t)slot_ended(&rs, &slots[j], &interrupted);
			}
			if (interrupted)
				break;
		}
		if (interrupted || finished == s->cat->n)
			break;
		now = plat_now_ms();
		busy = 0;
		for (unsigned j = 0; j < nslots; j++) {
			procs[j] = slots[j].proc;
			procs[j].running = slots[j].busy;
			busy += slots[j].busy;
			if (slots[j].busy && (soonest < 0 || slots[j].deadline - now < soonest))
				soonest = slots[j].deadline - now;
		}
		if (fork_failing_since >= 0 && (soonest < 0 || soonest > backoff_ms)) {
			soonest = backoff_ms; /* a case ending frees a process, or the back-off ends */
			backoff_ms = backoff_ms < 320 ? backoff_ms * 2 : 320;
		}
		if (busy && (soonest < 0 || soonest > OUTPUT_POLL_MS))
			soonest = OUTPUT_POLL_MS;
		i = proc_wait_any(procs, nslots, soonest < 0 ? 0 : (int)soonest + 1, &ex);
		if (i == -2) {
			interrupted = plat_interrupted();
			break;
		}
		if (i >= 0) {
			slots[i].proc.running = 0;
			slots[i].r->exit = ex;
			collect(s, &slots[i]);
			finished += (size_t)slot_ended(&rs, &slots[i], &interrupted);
			continue;
		}
		now = plat_now_ms();
		for (unsigned j = 0; j < nslots && !interrupted; j++) { /* the bound passed: kill who overran it */
			if (!slots[j].busy || slots[j].deadline > now)
				continue;
			slots[j].r->timed_out = 1;
			collect(s, &slots[j]);
			finished += (size_t)slot_ended(&rs, &slots[j], &interrupted);
		}
	}
out:
	for (unsigned j = 0; j < nslots; j++) /* interrupted: nothing of ours outlives the run */
		if (slots[j].busy)
			proc_kill_group(&slots[j].proc);
	for (size_t i = 0; i < s->cat->n; i++) { /* interrupted: the parts of a case not joined yet */
		for (unsigned f = 0; rs.split[i] && f < NSPLIT; f++)
			case_result_free(&rs.split[i]->part[f]);
		free(rs.split[i]);
	}
	free(rs.split);
	free(rs.units);
	free(slots);
	free(procs);
	return interrupted;
}
