/* platform_posix.c: the runner's platform layer on POSIX systems. */
#include "platform.h"
#include "capture_pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char **environ;

/* ---- processes ----------------------------------------------------------- */

static int child_pipe[2] = {-1, -1}; /* SIGCHLD writes a byte: poll() wakes */
static volatile sig_atomic_t interrupted;

static void on_sigchld(int signo)
{
	int saved = errno;
	(void)signo;
	if (child_pipe[1] != -1) {
		ssize_t n = write(child_pipe[1], "c", 1);
		(void)n;
	}
	errno = saved;
}

static void on_interrupt(int signo)
{
	interrupted = signo;
	on_sigchld(signo); /* wake proc_wait_any */
}

static void setup_child_pipe(void)
{
	struct sigaction sa;

	if (child_pipe[0] != -1)
		return;
	if (pipe(child_pipe) == -1)
		return;
	for (int i = 0; i < 2; i++) {
		fcntl(child_pipe[i], F_SETFL, fcntl(child_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(child_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

void plat_catch_interrupts(void)
{
	struct sigaction sa;

	setup_child_pipe();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);  /* the terminal closed */
	sigaction(SIGQUIT, &sa, NULL); /* ^\: a stop like ^C, not a core dump of the runner */
	/* a reader that goes away (| head) must not kill the run half-way:
	 * the cases still finish and the results file is still written whole */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int plat_interrupted(void)
{
	return interrupted;
}

/*
 * Every case and everything it starts carries SOCKCONF_CASE_MARK=RUNNER.N in
 * its environment: a process that left the case's group (setsid()) is still
 * known as the case's, at the end of the case and by the guardian.
 */
#define MARK_NAME "SOCKCONF_CASE_MARK="
static long cases_started;
static int run_wide; /* proc_set_run_wide: the run's own mark, .0, instead of a case's */
static unsigned long output_cap;

void proc_set_output_cap(unsigned long bytes)
{
	output_cap = bytes;
}

/* proc_set_lend_capture: cases started now are lent one of the pool's sockets (capture_pool.h) */
static int lend_capture;

void proc_set_lend_capture(int on)
{
	lend_capture = on;
}

static proc_setup_fn child_setup;
static void *child_setup_ctx;

void proc_set_setup(proc_setup_fn setup, void *ctx)
{
	child_setup = setup;
	child_setup_ctx = ctx;
}

/*
 * How a case process starts.  posix_spawn where it reports an exec failure
 * itself (glibc 2.24 and later, musl, the BSDs, macOS): no copy of the
 * runner's memory, whatever the runner holds.  fork where code must run in
 * the child before its program (a target's setup: lwip-linux enters the
 * case's network namespace), and where posix_spawn could not say that the
 * exec failed (older glibc).
 */
#if defined(__GLIBC__) && (__GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 24))
#define SPAWN_REPORTS_EXEC_FAILURE 0
#else
#define SPAWN_REPORTS_EXEC_FAILURE 1
#endif

/* The signals the runner handles or ignores: its cases get the default action. */
static const int runner_signals[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

/* What a forked child that did not reach its program says on the report pipe. */
struct start_report {
	int setup_failed; /* 1: the target's setup; 0: exec, errno in err */
	int err;
	char message[480];
};

static void mark_of(pid_t runner, long mark, char *out, size_t size)
{
	snprintf(out, size, MARK_NAME "%ld.%ld", (long)runner, mark);
}

/* Whether two "NAME=value" entries name the same variable. */
static int same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && b[n] == a[n];
}

/* The k-th entry a case's environment gets put in: env's, then the runner's own (the mark, ...). */
static char *put_in(char *const env[], size_t nenv, char *const own[], size_t k)
{
	return k < nenv ? env[k] : own[k - nenv];
}

/*
 * The environment a spawned case gets: the runner's, with each of `env`
 * and then each of `own` (NULL-terminated) put in as putenv(3) would (a
 * later entry replaces an earlier one of the same name).  A malloc'd array
 * of borrowed strings.
 */
static char **case_environment(char *const env[], char *const own[])
{
	size_t nown = 0, nenv = 0, nput, n = 0;
	char **out;

	while (environ && environ[nown])
		nown++;
	while (env && env[nenv])
		nenv++;
	for (nput = nenv; own[nput - nenv]; nput++)
		;
	if (!(out = malloc((nown + nput + 1) * sizeof *out)))
		return NULL;
	for (size_t i = 0; i < nown; i++) { /* the runner's own, unless one put in replaces it */
		size_t k = 0;
		while (k < nput && !same_name(environ[i], put_in(env, nenv, own, k)))
			k++;
		if (k == nput)
			out[n++] = environ[i];
	}
	for (size_t i = 0; i < nput; i++) { /* each put in, unless a later one replaces it */
		size_t k = i + 1;
		while (k < nput && !same_name(put_in(env, nenv, own, i), put_in(env, nenv, own, k)))
			k++;
		if (k == nput)
			out[n++] = put_in(env, nenv, own, i);
	}
	out[n] = NULL;
	return out;
}

/*
 * posix_spawn: its own process group, the runner's signals at their
 * defaults and none blocked, stdout and stderr to the files, a lent
 * capture socket (wire_fd, or -1) as CAPTURE_POOL_CASE_FD, and, with
 * output_cap, a file size limit (SIGXFSZ past it).  posix_spawn has no
 * rlimit attribute: the runner lowers its own soft limit for the call and
 * puts it back (a process may always raise its soft limit to its hard one),
 * so the case starts with soft = the cap.  Linux then lowers the case's
 * hard limit to it too (prlimit(2)); elsewhere a case that raised its own
 * limit is still killed by the schedule's polling of its files' size.
 * 0, or the error (from the exec, or from making the process).
 */
static int spawn_case(pid_t *pid, char *const argv[], char *const envp[], int out, int errfd, int wire_fd)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	struct rlimit before, bounded;
	int e, bounded_now = 0;

	if ((e = posix_spawn_file_actions_init(&actions)) != 0)
		return e;
	if ((e = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&actions);
		return e;
	}
	sigemptyset(&none);
	sigemptyset(&defaults);
	for (size_t i = 0; i < sizeof runner_signals / sizeof runner_signals[0]; i++)
		sigaddset(&defaults, runner_signals[i]);
	if ((e = posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO)) == 0 &&
	    (e = posix_spawn_file_actions_adddup2(&actions, errfd, STDERR_FILENO)) == 0 &&
	    (wire_fd == -1 || (e = posix_spawn_file_actions_adddup2(&actions, wire_fd, CAPTURE_POOL_CASE_FD)) == 0) &&
	    (e = posix_spawnattr_setpgroup(&attr, 0)) == 0 &&
	    (e = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
	    (e = posix_spawnattr_setsigdefault(&attr, &defaults)) == 0 &&
	    (e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
							 POSIX_SPAWN_SETSIGDEF)) == 0) {
		if (output_cap && getrlimit(RLIMIT_FSIZE, &before) == 0) {
			bounded = before;
			if (before.rlim_max == RLIM_INFINITY || before.rlim_max > (rlim_t)output_cap)
				bounded.rlim_cur = (rlim_t)output_cap;
			else
				bounded.rlim_cur = before.rlim_max;
			bounded_now = setrlimit(RLIMIT_FSIZE, &bounded) == 0;
		}
		e = posix_spawn(pid, argv[0], &actions, &attr, argv, envp);
		if (bounded_now)
			setrlimit(RLIMIT_FSIZE, &before);
#ifdef __linux__
		if (bounded_now && e == 0) { /* and the hard limit too, as a forked case sets it */
			struct rlimit capped = {bounded.rlim_cur, bounded.rlim_cur};
			prlimit(*pid, RLIMIT_FSIZE, &capped, NULL);
		}
#endif
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	return e;
}

/*
 * fork, for a target's setup (and where posix_spawn cannot report an exec
 * failure): the child does what spawn_case's attributes do, also takes
 * the parent-death signal (a runner killed with SIGKILL takes the case
 * with it; a spawned case has the guardian for that, plat_own_descendants),
 * runs the setup, and says on a close-on-exec pipe why it did not reach
 * its program.  0; -1 with err, and errno the fork's (0 when it was the
 * setup or the exec); PROC_SETUP_FAILED.
 */
static int fork_case(pid_t *pidp, char *const argv[], char *const env[], char *const own[], int out, int errfd,
		     int wire_fd, const char *stdout_path, char *err, size_t errsize)
{
	int report[2];
	pid_t pid, runner = getpid();
	struct start_report rep;

	if (pipe(report) == -1) {
		snprintf(err, errsize, "cannot create output files in %s: %s", stdout_path, strerror(errno));
		return -1;
	}
	fcntl(report[1], F_SETFD, FD_CLOEXEC);
	if (wire_fd != -1 && report[1] == CAPTURE_POOL_CASE_FD) { /* where the lent socket goes */
		int moved = fcntl(report[1], F_DUPFD_CLOEXEC, CAPTURE_POOL_CASE_FD + 1);
		if (moved != -1) {
			close(report[1]);
			report[1] = moved;
		}
	}
	pid = fork();
	if (pid == 0) {
		struct sigaction sa;

		setpgid(0, 0);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof runner_signals / sizeof runner_signals[0]; i++)
			sigaction(runner_signals[i], &sa, NULL);
#ifdef __linux__
		/* a runner killed with SIGKILL takes its case with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != runner)
			_exit(127); /* it died before the line above */
#endif
		if (output_cap) { /* the case's output files stay bounded on disk */
			struct rlimit fsize = {(rlim_t)output_cap, (rlim_t)output_cap};
			setrlimit(RLIMIT_FSIZE, &fsize);
		}
		dup2(out, STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		close(report[0]);
		if (wire_fd != -1)
			dup2(wire_fd, CAPTURE_POOL_CASE_FD);
		memset(&rep, 0, sizeof rep);
		if (child_setup && child_setup(child_setup_ctx, rep.message, sizeof rep.message) == -1) {
			rep.setup_failed = 1;
			if (write(report[1], &rep, sizeof rep) < 0)
				_exit(127);
			_exit(127);
		}
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		for (size_t i = 0; own[i]; i++)
			putenv(own[i]);
		execv(argv[0], argv);
		rep.err = errno;
		if (write(report[1], &rep, sizeof rep) < 0)
			_exit(127);
		_exit(127);
	}
	close(report[1]);
	if (pid == -1) {
		int fork_errno = errno;

		close(report[0]);
		snprintf(err, errsize, "fork() failed: %s", strerror(fork_errno));
		errno = fork_errno;
		return -1;
	}
	setpgid(pid, pid); /* also here: no race with the kill of a group */
	/* exec succeeded when the close-on-exec pipe reads end of file */
	if (read(report[0], &rep, sizeof rep) == (ssize_t)sizeof rep) {
		close(report[0]);
		waitpid(pid, NULL, 0);
		rep.message[sizeof rep.message - 1] = '\0';
		if (rep.setup_failed)
			snprintf(err, errsize, "%s", rep.message);
		else
			snprintf(err, errsize, "cannot execute %s: %s", argv[0], strerror(rep.err));
		errno = 0; /* not a fork() failure */
		return rep.setup_failed ? PROC_SETUP_FAILED : -1;
	}
	close(report[0]);
	*pidp = pid;
	return 0;
}

int proc_start(struct proc *p, char *const argv[], char *const env[], const char *stdout_path,
	       const char *stderr_path, char *err, size_t errsize)
{
	int out, errfd, started, wire_fd = -1;
	pid_t pid = -1;
	char mark[64], wire_env[48];
	char *own[3] = {mark, NULL, NULL};

	setup_child_pipe();
	mark_of(getpid(), run_wide ? 0 : ++cases_started, mark, sizeof mark);
	if (lend_capture && !run_wide) { /* "SOCKCONF_WIRE_FD=": none lent, whatever the runner's says */
		wire_fd = capture_pool_take();
		if (wire_fd == -1)
			snprintf(wire_env, sizeof wire_env, "SOCKCONF_WIRE_FD=");
		else
			snprintf(wire_env, sizeof wire_env, "SOCKCONF_WIRE_FD=%d", CAPTURE_POOL_CASE_FD);
		own[1] = wire_env;
	}
	out = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	errfd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out == -1 || errfd == -1) {
		snprintf(err, errsize, "cannot create output files in %s: %s", stdout_path,
			 strerror(errno));
		if (out != -1)
			close(out);
		if (errfd != -1)
			close(errfd);
		capture_pool_lent(wire_fd, 0);
		return -1;
	}
	if (child_setup || !SPAWN_REPORTS_EXEC_FAILURE) {
		started = fork_case(&pid, argv, env, own, out, errfd, wire_fd, stdout_path, err, errsize);
	} else {
		char **envp = case_environment(env, own);
		int e = envp ? spawn_case(&pid, argv, envp, out, errfd, wire_fd) : ENOMEM;

		free(envp);
		started = e ? -1 : 0;
		if (e == EAGAIN || e == ENOMEM) { /* no process to be had: as fork() says it */
			snprintf(err, errsize, "fork() failed: %s", strerror(e));
			errno = e;
		} else if (e) {
			snprintf(err, errsize, "cannot execute %s: %s", argv[0], strerror(e));
			errno = 0; /* not a fork() failure */
		}
	}
	close(out);
	close(errfd);
	capture_pool_lent(wire_fd, started == 0 ? (long)pid : 0);
	if (started != 0)
		return started;
	p->id = pid;
	p->group = pid;
	p->running = 1;
	p->mark = run_wide ? 0 : cases_started;
	p->left_running[0] = '\0';
	return 0;
}

void proc_set_run_wide(int on)
{
	run_wide = on;
}

static int reap(struct proc *procs, size_t n, struct proc_exit *ex)
{
	for (size_t i = 0; i < n; i++) {
		int status;

		if (!procs[i].running)
			continue;
		if (waitpid((pid_t)procs[i].id, &status, WNOHANG) != (pid_t)procs[i].id)
			continue;
		procs[i].running = 0;
		ex->signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		ex->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		return (int)i;
	}
	return -1;
}

int proc_wait_any(struct proc *procs, size_t n, int timeout_ms, struct proc_exit *ex)
{
	double deadline = plat_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = {.fd = child_pipe[0], .events = POLLIN, .revents = 0};
		char drain[64];
		int left, i = reap(procs, n, ex);

		if (i >= 0)
			return i;
		if (interrupted)
			return -2;
		left = timeout_ms < 0 ? -1 : (int)(deadline - plat_now_ms());
		if (timeout_ms >= 0 && left <= 0)
			return -1;
		/* a SIGCHLD between reap() and poll() left a byte in the pipe: no lost wake-up */
		poll(&pfd, 1, left);
		while (read(child_pipe[0], drain, sizeof drain) > 0)
			;
	}
}

/* ---- descendants that left the case's group ---------------------------------- */

struct proc_facts {
	pid_t ppid, pgrp, session;
	char state;
};

static int read_facts(pid_t pid, struct proc_facts *f)
{
	char path[64], text[512], *close_paren;
	long ppid, pgrp, session;
	FILE *in;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	in = fopen(path, "r");
	if (!in)
		return -1;
	n = fread(text, 1, sizeof text - 1, in);
	fclose(in);
	text[n] = '\0';
	close_paren = strrchr(text, ')'); /* the command name may hold anything */
	if (!close_paren || sscanf(close_paren + 1, " %c %ld %ld %ld", &f->state, &ppid, &pgrp, &session) != 4)
		return -1;
	f->ppid = (pid_t)ppid;
	f->pgrp = (pid_t)pgrp;
	f->session = (pid_t)session;
	return 0;
}

/* Whether pid's environment holds the entry `mark`, or (prefix) one starting
 * with it; a zombie has no environment. */
static int carries_mark(pid_t pid, const char *mark, int prefix)
{
	static char env[1 << 18];
	char path[64];
	size_t mlen = strlen(mark), n;
	int fd;

	snprintf(path, sizeof path, "/proc/%ld/environ", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	for (n = 0; n < sizeof env - 1;) {
		ssize_t got = read(fd, env + n, sizeof env - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	env[n] = '\0';
	for (size_t at = 0; at < n; at += strlen(env + at) + 1)
		if (prefix ? strncmp(env + at, mark, mlen) == 0 : strcmp(env + at, mark) == 0)
			return 1;
	return 0;
}

static void pause_ms(int ms)
{
	struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/*
 * Kill every process carrying `mark` (with `prefix`: any mark starting so)
 * and reap those that are (or become: a subreaper) our children, until none
 * is left or bound_ms passes.  `group`, when > 0, is the case's own group:
 * its zombies that came back to us are reaped too, and a marked process
 * outside it is named in `left` ("PID (setsid)").  Where there is no /proc,
 * nothing is found.
 */
/*
 * The pids kill_marked looks at, one by one: with `children_only`, the
 * runner's own children, from /proc/self/task/TID/children (Linux 3.5 and
 * later with CONFIG_PROC_CHILDREN; the runner is one thread), a handful
 * rather than every process on the machine; else, or where that file is
 * missing, every pid in /proc.
 */
struct pid_walk {
	FILE *children;
	DIR *all;
};

static int pid_walk_open(struct pid_walk *w, int children_only, pid_t me)
{
	char path[64];

	w->children = NULL;
	w->all = NULL;
	snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)me);
	if (children_only && (w->children = fopen(path, "r")) != NULL)
		return 0;
	return (w->all = opendir("/proc")) != NULL ? 0 : -1;
}

static int pid_walk_next(struct pid_walk *w, pid_t *pid)
{
	struct dirent *e;
	long n;

	if (w->children) {
		if (fscanf(w->children, "%ld", &n) != 1)
			return 0;
		*pid = (pid_t)n;
		return 1;
	}
	while ((e = readdir(w->all)) != NULL) {
		char *end;
		n = strtol(e->d_name, &end, 10);
		if (!*end && n > 0) {
			*pid = (pid_t)n;
			return 1;
		}
	}
	return 0;
}

static void pid_walk_close(struct pid_walk *w)
{
	if (w->children)
		fclose(w->children);
	if (w->all)
		closedir(w->all);
}

static void kill_marked(const char *mark, int prefix, pid_t group, int bound_ms, char *left,
			size_t leftsize)
{
	double deadline = plat_now_ms() + bound_ms;
	pid_t me = getpid(), named[16]; /* named in left already: a SIGKILL takes a moment */
	size_t nleft = left ? strlen(left) : 0, nnamed = 0;
	int backoff_ms = 1;

	for (;;) {
		struct pid_walk w;
		pid_t pid;
		int found = 0;

		/* without a prefix, only the runner's children can be ours (below): those are walked */
		if (pid_walk_open(&w, !prefix, me) == -1)
			return;
		while (pid_walk_next(&w, &pid)) {
			long n = (long)pid;
			struct proc_facts f;
			int ours;

			if (pid == me || read_facts(pid, &f) == -1)
				continue;
			/* at a case's end, what it left has come back to us (a subreaper), or
			 * will once its parent is killed: only our children are looked at */
			if (f.state == 'Z')
				ours = group > 0 && f.pgrp == group && f.ppid == me;
			else
				ours = (prefix || f.ppid == me) && carries_mark(pid, mark, prefix);
			if (!ours)
				continue;
			found = 1;
			if (f.state != 'Z') {
				size_t k = 0;

				while (k < nnamed && named[k] != pid)
					k++;
				if (left && group > 0 && f.pgrp != group && k == nnamed &&
				    nnamed < sizeof named / sizeof named[0] && nleft + 32 < leftsize) {
					named[nnamed++] = pid;
					nleft += (size_t)snprintf(left + nleft, leftsize - nleft, "%s%ld (%s)",
								  nleft ? ", " : "", n,
								  f.session == pid ? "setsid" : "setpgid");
				}
				kill(pid, SIGKILL);
			}
			if (f.ppid == me)
				waitpid(pid, NULL, 0); /* SIGKILLed: it goes at once */
		}
		pid_walk_close(&w);
		if (!found || plat_now_ms() > deadline)
			return;
		/* a grandchild comes back to us once its parent is gone: a bounded back-off */
		pause_ms(backoff_ms);
		backoff_ms = backoff_ms < 16 ? backoff_ms * 2 : 16;
	}
}

void proc_kill_group(struct proc *p)
{
	char mark[64];

	kill(-(pid_t)p->group, SIGKILL);
	if (p->running) {
		waitpid((pid_t)p->id, NULL, 0);
		p->running = 0;
	}
	p->left_running[0] = '\0';
	if (p->mark == 0) /* the run's own: what it started outlives it (proc_kill_run_wide) */
		return;
	mark_of(getpid(), p->mark, mark, sizeof mark);
	kill_marked(mark, 0, (pid_t)p->group, 2000, p->left_running, sizeof p->left_running);
	/* nothing of the case holds its capture socket now, unless it left something running */
	capture_pool_returned((long)p->id, p->left_running[0] == '\0');
}

void proc_kill_run_wide(int bound_ms)
{
	char mark[64];

	mark_of(getpid(), 0, mark, sizeof mark);
	kill_marked(mark, 0, 0, bound_ms, NULL, 0);
}

/* ---- when the runner itself is killed --------------------------------------------- */

/* The guardian: waits for the runner to end, then kills what is left of its cases. */
static void guard(int from_runner, pid_t runner)
{
	char mark[64], byte;
	DIR *fds;

	setsid(); /* a signal to the runner's group or terminal does not reach it */
	fds = opendir("/proc/self/fd"); /* hold nothing of the runner's: a reader sees EOF */
	if (fds) {
		struct dirent *e;
		int self = dirfd(fds);

		while ((e = readdir(fds)) != NULL) {
			int fd = atoi(e->d_name);
			if (e->d_name[0] != '.' && fd != from_runner && fd != self && fd > 2)
				close(fd);
		}
		closedir(fds);
	}
	for (int fd = 0; fd <= 2; fd++) {
		int null = open("/dev/null", O_RDWR);
		if (null != -1 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
	while (read(from_runner, &byte, 1) == -1 && errno == EINTR)
		;
	/* end of file: the runner is gone, however it went */
	snprintf(mark, sizeof mark, MARK_NAME "%ld.", (long)runner);
	kill_marked(mark, 1, 0, 5000, NULL, 0);
	_exit(0);
}

void plat_own_descendants(void)
{
	static int done;
	int pipefd[2];
	pid_t runner = getpid(), pid;

	if (done)
		return;
	done = 1;
#ifdef __linux__
	/* orphans of a case come back to the runner, not to init: they are found and reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
	if (pipe(pipefd) == -1)
		return;
	pid = fork();
	if (pid == 0) {
		close(pipefd[1]);
		guard(pipefd[0], runner);
	}
	close(pipefd[0]);
	/* the write end stays open in the runner only: it closes when the runner ends */
	fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
}

/* ---- machine facts --------------------------------------------------------- */

double plat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

unsigned plat_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/*
 * Where /proc/stat counts nothing (gVisor's is all zeros), the machine is
 * taken to be this runner's: busy is its CPU time and that of the cases it
 * has reaped, idle the rest of the wall time of every CPU.  Inside a gVisor
 * sandbox the run is all that runs; gVisor's own work for it (its netstack)
 * counts as idle, so a slot may open where the host has none spare.
 */
static int own_cpu_times(struct plat_cpu_times *t)
{
	struct rusage self, children;

	if (getrusage(RUSAGE_SELF, &self) == -1 || getrusage(RUSAGE_CHILDREN, &children) == -1)
		return -1;
	t->busy_ms = (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec +
			      children.ru_stime.tv_sec) * 1e3 +
		     (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec +
			      children.ru_stime.tv_usec) / 1e3;
	t->idle_ms = plat_now_ms() * plat_cpu_count() - t->busy_ms;
	return 0;
}

int plat_cpu_times(struct plat_cpu_times *t)
{
	/* Linux: the first line of /proc/stat, in USER_HZ ticks: user nice system idle iowait ... */
	unsigned long long v[8] = {0};
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 4 || hz <= 0)
		return -1;
	if (!(v[0] | v[1] | v[2] | v[3] | v[4] | v[5] | v[6] | v[7]))
		return own_cpu_times(t);
	t->idle_ms = (double)(v[3] + v[4]) * 1000.0 / (double)hz;
	t->busy_ms = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000.0 / (double)hz;
	return 0;
}

void plat_uname(char *sys, char *release, char *machine, size_t size)
{
	struct utsname u;

	if (uname(&u) == -1) {
		snprintf(sys, size, "unknown");
		snprintf(release, size, "unknown");
		snprintf(machine, size, "unknown");
		return;
	}
	snprintf(sys, size, "%s", u.sysname);
	snprintf(release, size, "%s", u.release);
	snprintf(machine, size, "%s", u.machine);
}

void plat_write_sysctls(FILE *out)
{
	/* Linux: the settings that change what teardown looks like */
	static const char *const names[] = {
		"net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_rfc1337",  "net.ipv4.tcp_abort_on_overflow",
		"net.ipv4.tcp_max_orphans", "net.ipv4.tcp_orphan_retries", "net.ipv4.tcp_tw_reuse",
		"net.ipv4.tcp_rmem",        "net.ipv4.tcp_wmem",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[128], value[128];
		FILE *f;
		size_t len;

		snprintf(path, sizeof path, "/proc/sys/%s", names[i]);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		f = fopen(path, "r");
		if (!f)
			continue;
		len = fread(value, 1, sizeof value - 1, f);
		fclose(f);
		value[len] = '\0';
		value[strcspn(value, "\n")] = '\0';
		for (char *p = value; *p; p++)
			if (*p == '\t')
				*p = ' ';
		fprintf(out, "# sysctl %s = %s\n", names[i], value);
	}
}

/* ---- files ------------------------------------------------------------------- */

int plat_find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return plat_is_executable(out) ? 0 : -1;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(out, size, "%.*s/%s", (int)n, n ? p : ".", name);
		if (plat_is_executable(out))
			return 0;
		p += n + (p[n] == ':');
	}
	return -1;
}

void plat_exe_dir(const char *argv0, char *out, size_t size)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	char *slash;

	if (n > 0)
		path[n] = '\0';
	else if (plat_find_program(argv0, path, sizeof path) == -1) /* no /proc (the BSDs): as the shell found it */
		snprintf(path, sizeof path, "%s", argv0);
	slash = strrchr(path, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(path, sizeof path, ".");
	snprintf(out, size, "%s", path);
}

int plat_is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int plat_mkdir_p(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0777) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

int plat_process_alive(int pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

int plat_stdout_open(void)
{
	int null;

	if (fcntl(STDOUT_FILENO, F_GETFD) != -1 || errno != EBADF)
		return 1;
	null = open("/dev/null", O_WRONLY);
	if (null != -1 && null != STDOUT_FILENO) {
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	return 0;
}

int plat_rename_replace(const char *tmp, const char *path)
{
	return rename(tmp, path);
}

int plat_make_temp_dir(char *out, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(out, size, "%s/sockconf.XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(out) ? 0 : -1;
}

void plat_remove_tree(const char *dir)
{
	/* the scratch directory holds files only */
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

const char *plat_exe_suffix(void)
{
	return "";
}

int plat_pid(void)
{
	return (int)getpid();
}

int plat_stderr_is_terminal(void)
{
	return isatty(STDERR_FILENO);
}
