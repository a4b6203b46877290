/*
 * platform.h (runner): what the runner needs from the OS, in one small
 * interface: start a case as its own process group with its output in
 * files, wait for any of them with a deadline, kill a whole group, and a
 * few facts about the machine.  platform_posix.c and platform_win.c
 * implement it; nothing else in runner/ tests for the OS.
 */
#ifndef RUNNER_PLATFORM_H
#define RUNNER_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct proc {
	intptr_t id;     /* pid, or a process handle */
	intptr_t group;  /* process group, or a job object */
	int running;
	long mark;       /* which of this run's cases it is: its descendants carry the mark */
	/* set by proc_kill_group: what the case left running outside its group,
	 * "PID (setsid)", or "" */
	char left_running[160];
};

struct proc_exit {
	int code;   /* exit status, when signo == 0 */
	int signo;  /* the signal that ended it, or 0 */
};

/*
 * Start `argv[0]` with `env` ("NAME=value" entries, NULL-terminated) added
 * to the environment, in a process group of its own, stdout and stderr
 * sent to the given files.  0, or -1 with a message in err.
 */
int proc_start(struct proc *p, char *const argv[], char *const env[], const char *stdout_path,
	       const char *stderr_path, char *err, size_t errsize);
/*
 * Wait until one of the running procs ends or `timeout_ms` passes (-1: no
 * bound).  Returns the index of the one that ended (its exit in *ex), -1 on
 * timeout, -2 when interrupted by SIGINT/SIGTERM/SIGHUP/SIGQUIT.
 */
int proc_wait_any(struct proc *procs, size_t n, int timeout_ms, struct proc_exit *ex);
/*
 * Kill the process group, reap the leader if still running, then kill and
 * reap every descendant of the case that left the group (setsid(),
 * setpgid()): those are named in p->left_running.
 */
void proc_kill_group(struct proc *p);
/*
 * POSIX hosts (the wine target): processes started while run-wide is on
 * (1) belong to the run, not to a case: they and what they start carry
 * the run's own mark: no case's proc_kill_group touches them (and theirs
 * kills their group only), the guardian still kills them when the runner
 * dies, and proc_kill_run_wide kills and reaps every one left (trying for
 * up to bound_ms).
 */
void proc_set_run_wide(int on);
void proc_kill_run_wide(int bound_ms);
/* Cases started from now on may write at most `bytes` to a file (0: no
 * bound); past it they get SIGXFSZ.  Where there is no such limit, a no-op. */
void proc_set_output_cap(unsigned long bytes);
/*
 * Cases started from now on (1) are each lent a packet socket of the
 * runner's on the loopback, made once and kept for the run, as descriptor
 * 3 with SOCKCONF_WIRE_FD=3, for their capture (lib/wire_pcap.c): opening
 * and closing a capture of their own costs the kernel two RCU grace
 * periods (~30 ms a case).  Where there is none to lend (not Linux, no
 * CAP_NET_RAW), SOCKCONF_WIRE_FD is empty.  Only for a case that runs
 * here, in the runner's network namespace: not under a target's wrapper
 * or setup.  0: nothing lent (the default).
 */
void proc_set_lend_capture(int on);
/*
 * Surroundings a target makes for a case inside the case's own process,
 * before its program starts (lwip-linux: a network namespace and a tap):
 * 0, or -1 with a one-line message in err.
 */
typedef int (*proc_setup_fn)(void *ctx, char *err, size_t errsize);
/* Processes started from now on run setup(ctx) first (NULL: nothing); when
 * it fails, proc_start returns PROC_SETUP_FAILED with its message.  Where
 * a process cannot run code before its program (Windows), setup must be NULL. */
void proc_set_setup(proc_setup_fn setup, void *ctx);
#define PROC_SETUP_FAILED (-2)

/* SIGINT/SIGTERM/SIGHUP/SIGQUIT set a flag instead of killing the runner; which one, or 0. */
void plat_catch_interrupts(void);
int plat_interrupted(void);
/*
 * Make the runner own its cases' lifetimes even if it is killed itself:
 * orphaned descendants come back to it (Linux: a child subreaper), each
 * case dies with the runner, and a guardian process kills what is left of
 * the run's cases once the runner is gone.  Where there is no such thing, a
 * no-op (Windows: each case's job object is killed when the runner's
 * handle to it closes).
 */
void plat_own_descendants(void);

double plat_now_ms(void);
unsigned plat_cpu_count(void);
/*
 * The machine's CPU time so far, all CPUs together, in ms: busy and idle.
 * Two readings tell how much of the machine sat idle between them.  0, or
 * -1 where the platform does not say (the BSDs, macOS: nothing fills idle CPUs).
 * Inside a gVisor sandbox, which counts none, the machine is the runner's.
 */
struct plat_cpu_times {
	double busy_ms, idle_ms;
};
int plat_cpu_times(struct plat_cpu_times *t);
/* sysname (e.g. "Linux"), release ("6.18.44-fc-v509"), machine ("x86_64"). */
void plat_uname(char *sys, char *release, char *machine, size_t size);
/* Comment lines "# sysctl NAME = VALUE" for the settings teardown depends on. */
void plat_write_sysctls(FILE *out);

/* The directory holding the running executable, from argv[0]. */
void plat_exe_dir(const char *argv0, char *out, size_t size);
/* Call fn for each regular file (or symlink to one) in dir whose name ends
 * with suffix ("" for all), dot-files excepted. 0, or -1 with errno.
 * (entries.c, on plat_list_entries) */
int plat_list_files(const char *dir, const char *suffix, void (*fn)(const char *name, void *ctx),
		    void *ctx);
int plat_is_executable(const char *path);
int plat_mkdir_p(const char *dir);
/* Atomically replace `path` by `tmp`. 0, or -1 with errno. */
int plat_rename_replace(const char *tmp, const char *path);
/* Call fn for each regular file in dir, not a symlink, whose name starts with
 * prefix, dot-files included. 0, or -1 with errno. (entries.c) */
int plat_list_prefixed(const char *dir, const char *prefix, void (*fn)(const char *name, void *ctx),
		       void *ctx);
/* Whether a process with this id exists (1), or not (0). */
int plat_process_alive(int pid);
/* Whether the standard output is open (1); a closed one (`>&-`) is pointed at
 * the null device, so no file the runner opens takes its number, and 0 is returned. */
int plat_stdout_open(void);
/* A fresh private directory for the run's scratch files. 0, or -1. */
int plat_make_temp_dir(char *out, size_t size);
void plat_remove_tree(const char *dir);
const char *plat_exe_suffix(void); /* "" or ".exe" */
int plat_pid(void);
int plat_stderr_is_terminal(void);
/* name as given when it is a path, else the first on PATH (with .exe on Windows).
 * 0, or -1 when there is none. */
int plat_find_program(const char *name, char *out, size_t size); /* progress lines are for a person watching */

#endif
