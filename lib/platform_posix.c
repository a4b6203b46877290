/*
 * platform_posix.c: the platform layer on POSIX systems.  It defines no
 * _POSIX_C_SOURCE of its own: that would hide what it needs beyond POSIX
 * on the BSDs and macOS (setitimer, pthread_cond_timedwait_relative_np).
 * On glibc the Makefile's _DEFAULT_SOURCE gives setitimer and syscall().
 */
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

const char *sc_plat_no_capture(void)
{
	return "built without libpcap: the wire cannot be watched (Debian: libpcap-dev)";
}

void sc_plat_init(void)
{
}

double sc_plat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int sc_plat_pause_ms(int ms)
{
	return poll(NULL, 0, ms); /* no descriptor: a pause, interrupted by a signal */
}

#define MAX_COUNTED 64
static volatile unsigned *signal_counters[MAX_COUNTED];

static void count_signal(int signo)
{
	if (signo > 0 && signo < MAX_COUNTED && signal_counters[signo])
		(*signal_counters[signo])++;
}

int sc_plat_count_signal(int signo, volatile unsigned *counter)
{
	struct sigaction sa;

	if (signo <= 0 || signo >= MAX_COUNTED)
		return -1;
	signal_counters[signo] = counter;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = count_signal;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

static void (*watchdog_fire)(void);

static void on_alarm(int signo)
{
	(void)signo;
	if (watchdog_fire)
		watchdog_fire();
}

void sc_plat_watchdog(unsigned ms, void (*fire)(void))
{
	struct itimerval it;
	struct sigaction sa;

	memset(&it, 0, sizeof it);
	if (ms) {
		watchdog_fire = fire;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		it.it_value.tv_sec = ms / 1000;
		it.it_value.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

void sc_plat_write_stdout(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return;
		}
		buf += n, len -= (size_t)n;
	}
}

void sc_plat_exit_now(int status)
{
	_exit(status);
}

int sc_plat_socket_errno(void)
{
	return errno;
}

/* ---- threads, events, holder processes ------------------------------------ */

#include <pthread.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_start ts = *(struct thread_start *)p;

	free(p);
	ts.fn(ts.arg);
	return NULL;
}

int sc_plat_thread_start(void (*fn)(void *), void *arg)
{
	pthread_t t;
	struct thread_start *ts = malloc(sizeof *ts);

	if (!ts)
		return -1;
	ts->fn = fn, ts->arg = arg;
	if (pthread_create(&t, NULL, thread_main, ts) != 0) {
		free(ts);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

long sc_plat_thread_id(void)
{
#if defined(__linux__)
	return (long)syscall(SYS_gettid);
#else
	return -1;
#endif
}

int sc_plat_thread_sleeping(long id)
{
	/* Linux: /proc/self/task/TID/stat, the state after the command's ')' */
	char path[64], buf[512], *paren;
	FILE *f;
	size_t n;

	if (id < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/self/task/%ld/stat", id);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'S';
}

/*
 * The event's bounded wait runs on the monotonic clock, so a step of the
 * wall clock neither ends it early nor stretches it:
 *  - macOS has no pthread_condattr_setclock; pthread_cond_timedwait_relative_np
 *    takes the time left instead of a deadline.
 *  - elsewhere the condition is put on CLOCK_MONOTONIC.  This is tried, not
 *    read from _POSIX_CLOCK_SELECTION: FreeBSD and OpenBSD say -1 there and
 *    implement it.  Where it fails the deadlines are CLOCK_REALTIME ones,
 *    and the loop in sc_plat_event_wait re-arms them from the monotonic
 *    time left, so a forward step cannot end the wait early.
 */
struct sc_plat_event {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	clockid_t clock; /* the clock pthread_cond_timedwait reads the deadline on */
	int set;
};

struct sc_plat_event *sc_plat_event_new(void)
{
	struct sc_plat_event *e = calloc(1, sizeof *e);
	pthread_condattr_t attr;

	if (!e)
		return NULL;
	pthread_mutex_init(&e->lock, NULL);
	pthread_condattr_init(&attr);
	e->clock = CLOCK_REALTIME;
#if !defined(__APPLE__)
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0)
		e->clock = CLOCK_MONOTONIC;
#endif
	pthread_cond_init(&e->cond, &attr);
	pthread_condattr_destroy(&attr);
	return e;
}

void sc_plat_event_set(struct sc_plat_event *e)
{
	pthread_mutex_lock(&e->lock);
	e->set = 1;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

/* t + ms, normalised */
static struct timespec timespec_after(struct timespec t, double ms)
{
	long long ns = (long long)(ms * 1e6);

	t.tv_sec += (time_t)(ns / 1000000000LL);
	t.tv_nsec += (long)(ns % 1000000000LL);
	if (t.tv_nsec >= 1000000000L)
		t.tv_sec++, t.tv_nsec -= 1000000000L;
	return t;
}

/* One wait on e->cond (e->lock held) of at most left_ms; it may end sooner. */
static void event_cond_wait(struct sc_plat_event *e, double left_ms)
{
#if defined(__APPLE__)
	struct timespec zero = {0, 0}, left = timespec_after(zero, left_ms);

	pthread_cond_timedwait_relative_np(&e->cond, &e->lock, &left);
#else
	struct timespec now, until;

	clock_gettime(e->clock, &now);
	until = timespec_after(now, left_ms);
	pthread_cond_timedwait(&e->cond, &e->lock, &until);
#endif
}

int sc_plat_event_wait(struct sc_plat_event *e, int timeout_ms)
{
	double deadline_ms = sc_plat_now_ms() + timeout_ms, left_ms;
	int set;

	pthread_mutex_lock(&e->lock);
	/* woken early (spuriously, or by a wall-clock step): wait out what is left */
	while (!e->set && (left_ms = deadline_ms - sc_plat_now_ms()) > 0)
		event_cond_wait(e, left_ms);
	set = e->set;
	pthread_mutex_unlock(&e->lock);
	return set;
}

long sc_plat_spawn_holder(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause(); /* hold every descriptor until SIGKILL */
	}
	return pid;
}

int sc_plat_kill_holder(long holder, int timeout_ms)
{
	double deadline = sc_plat_now_ms() + timeout_ms;
	int backoff_ms = 0;

	kill((pid_t)holder, SIGKILL);
	while (waitpid((pid_t)holder, NULL, WNOHANG) == 0) {
		struct timespec pause_for = {0, (long)backoff_ms * 1000000L};

		if (sc_plat_now_ms() > deadline)
			return -1;
		nanosleep(&pause_for, NULL); /* a bounded back-off while the kernel tears it down */
		backoff_ms = backoff_ms ? (backoff_ms < 8 ? backoff_ms * 2 : 8) : 1;
	}
	return 0;
}
