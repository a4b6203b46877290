/*
 * target_posix.h: what the parts of the targets on a Linux host share
 * (target.h is what they promise the runner).
 *
 *   target_posix.c     target_prepare, target_finish, target_run_guest and
 *                      the guest's channel
 *   gvisor_posix.c     gVisor: one sandbox (runsc do) with this runner inside
 *   wine_posix.c       Wine: each case of the Windows build as wine CASE.exe
 *   tapns_posix.c      lwip-linux: each case's network namespace and tap
 *   guest_posix.c      the UML and QEMU guests: their init scripts and command
 *                      lines; the guest runner's command line (gVisor's too)
 *   initramfs_posix.c  the QEMU guest's initramfs (cpio newc, with the
 *                      shared libraries its programs need)
 *   hosttools_posix.c  small tools on the host: programs, files, bounded runs
 */
#ifndef RUNNER_TARGET_POSIX_H
#define RUNNER_TARGET_POSIX_H

#include "identity.h"
#include "options.h"
#include "platform.h"
#include "target.h"

#include <stddef.h>
#include <stdio.h>

/* ---- hosttools_posix.c ---------------------------------------------------------- */


/* The whole of a file, NUL-terminated (NULL when unreadable); its length in *len. */
char *slurp(const char *path, size_t *len);
/* The last `max` bytes of a text, from a line start, for messages. */
const char *tail_of(const char *text, size_t max);
/*
 * Run argv to its end within bound_ms, its stdout and stderr in
 * dir/NAME.out and dir/NAME.err.  0 with its exit in *ex; -1 with a message
 * (it could not start, or it was killed at the bound).
 */
int run_bounded(char *const argv[], char *const env[], const char *dir, const char *name,
		int bound_ms, struct proc_exit *ex, char *err, size_t errsize);
/* A path made absolute (the guest sees the same tree, not the same cwd). */
void absolute(const char *path, char *out, size_t size);
/* s at the end of buf; -1 (buf as it was) when it does not fit. */
int append(char *buf, size_t size, const char *s);

/* ---- wine_posix.c --------------------------------------------------------------- */

/*
 * Wine for target_prepare (w->dir set by the caller): the prefix cloned
 * from its template (made once), the run's wineserver and Wine's services
 * started, *w filled in (each case: wine CASE.exe), *id Wine's.  0, or -1
 * with a message in err; wine_finish undoes what was done either way.
 */
int wine_prepare(struct target_wrap *w, const struct catalog *cat, struct identity *id,
		 int label_given, char *err, size_t errsize);
/* Stop the run's wineserver and everything of Wine's the run started. */
void wine_finish(struct target_wrap *w);

/* ---- tapns_posix.c: lwip-linux's namespace ------------------------------------- */

/*
 * A proc_setup_fn: the calling process (a case, before its program) moves
 * into a network namespace of its own holding the tap LWIP_TAP_NAME, up,
 * with the kernel's addresses (stack_target.h).  0, or -1 with a one-line
 * message, "--target lwip-linux ...", naming what is missing (root, /dev/net/tun).
 */
int tap_namespace_enter(void *ctx, char *err, size_t errsize);
/* "# sysctl ..." lines as a fresh network namespace has them: 0, or -1. */
int fresh_namespace_sysctls(const char *scratch, char *out, size_t size);

/* ---- guest_posix.c and gvisor_posix.c: the runner inside ---------------------------- */

struct guest {
	const char *target;     /* "uml", "qemu", "gvisor" */
	char dir[1100];         /* our scratch for it: removed at the end */
	char channel[1200];     /* what the guest runner said (see target_posix.c) */
	char console[1200];     /* the kernel's console (gvisor: runsc's stderr) */
	char out[1200];         /* where its stdout goes: the console, or the channel (gvisor) */
	char *argv[40];         /* the guest: the kernel (uml), qemu, or runsc */
	char *env[4];
	char strings[16][1200];
	unsigned nstrings;
	int bound_ms;
	/* gvisor: what the sandbox says it is, for the header lines it cannot know
	 * (kernel, stack, host), and runsc's directories (target_finish removes them) */
	struct identity id;
	int have_id;
	struct target_wrap wrap;
	char script[16384];     /* gvisor: sh -c's script */
	/* the host's name for the guest's case times (guest_times) */
	char times_name[200];
};

/*
 * The end of each guest's script: run the guest runner (TMPDIR=tmp), then on
 * the channel (out: a redirection's target) its stderr, each file `also` asks
 * for (sh lines that print them: "" none), and its exit status.  printf
 * arguments, in order: tmp, run, tmp, tmp, also, out.
 */
#define GUEST_RUN_AND_REPORT                                                              \
	"{\n"                                                                             \
	"  TMPDIR=%s %s 2>%s/runner.err\n"                                                \
	"  rc=$?\n"                                                                       \
	"  $B sed 's/^/sockconf-stderr: /' %s/runner.err\n"                             \
	"%s"                                                                              \
	"  echo \"sockconf-exit: $rc\"\n"                                                 \
	"} >%s\n"

/*
 * The guest runner's command line: this run's options, the guest's own
 * paths, labelled as the target, no results file (the host writes it);
 * label: its --label (NULL: the run's, if any), junit: its --junit (NULL: none).
 * 0, or -1 when too long.
 */
int guest_command(char *out, size_t size, const struct options *o, const char *runner,
		  const char *cases, const char *divs, const char *label, const char *junit);
/*
 * The SOCKCONF_* settings of ours that pass through to the guest's runner and
 * cases, as words for sh each followed by a space (preload_in: the guest's
 * LD_PRELOAD, or NULL); -1 when too long.
 */
int guest_environment(char *out, size_t size, const char *preload_in);
/*
 * The last run's case times for the runner inside a guest: g->times_name is
 * name, or guest-TARGET where only the guest learns its label (uml, qemu);
 * host_path is where the host keeps them; env gets "SOCKCONF_TIMES_FILE=
 * in_guest " for the guest's runner (the file it reads, then writes; NULL:
 * host_path, where the guest sees this machine's files), also the sh line
 * that prints it on the channel.  0, or -1 when too long.
 */
int guest_times(struct guest *g, const char *name, const char *cases_abs, const char *in_guest,
		char *host_path, size_t host_size, char *env, size_t env_size, char *also, size_t also_size);

/*
 * Get the guest in g->dir ready to boot: its files written, g->argv,
 * g->env, g->channel, g->console, g->out and g->bound_ms (the boot's)
 * filled in.  0, or -1 with a message in err.
 */
int uml_setup(struct guest *g, const struct options *o, const char *exe_dir, const char *cases_dir,
	      const char *div_dir, char *err, size_t errsize);
int qemu_setup(struct guest *g, const struct options *o, const char *exe_dir, const char *cases_dir,
	       const char *div_dir, char *err, size_t errsize);
/*
 * gVisor: runsc found and able to start a sandbox (its identity in g->id,
 * g->wrap its directories), and the one sandbox the run happens in: `runsc
 * do sh -c SCRIPT`, whose stdout is the channel; the guest runner's JUnit
 * report and case times come back on it too (target_posix.c).
 */
int gvisor_setup(struct guest *g, const struct options *o, const char *exe_dir, const char *cases_dir,
		 const char *div_dir, char *err, size_t errsize);

/* ---- initramfs_posix.c ---------------------------------------------------------- */

struct cpio {
	FILE *f;
	unsigned ino;
	int failed;
};

struct initramfs {
	struct cpio c;
	char *dirs, *files; /* made so far; the programs whose libraries it needs */
	size_t ndirs, nfiles;
	const char *dir, *into; /* plat_list_files: from where, to where */
};

/* Start an initramfs at path: 0, or -1 with errno. */
int initramfs_open(struct initramfs *fs, const char *path);
/* A directory, known from then on: a file in it does not make it again. */
void initramfs_dir(struct initramfs *fs, const char *name);
/* A character device node (perm: its permission bits). */
void initramfs_chardev(struct initramfs *fs, const char *name, unsigned perm, unsigned rmajor,
		       unsigned rminor);
/* A host file as `in`, its directories first; a dynamically linked one's libraries: see below. */
void initramfs_file(struct initramfs *fs, const char *in, const char *host);
/* A host shared object (an LD_PRELOAD library) as `in`, with the libraries it needs. */
void initramfs_library(struct initramfs *fs, const char *in, const char *host);
/* Each file of host_dir whose name ends with suffix ("" for all), into the directory `into`. */
void initramfs_tree(struct initramfs *fs, const char *host_dir, const char *suffix,
		    const char *into);
void initramfs_symlink(struct initramfs *fs, const char *name, const char *to);
void initramfs_text(struct initramfs *fs, const char *name, const char *text, unsigned perm);
/*
 * The shared libraries of the dynamically linked programs so far (ldd runs
 * in work_dir); their directories in libdirs.  0, or -1 with a message in err.
 */
int initramfs_libraries(struct initramfs *fs, const char *work_dir, char *libdirs, size_t size,
			char *err, size_t errsize);
/* End it, close it, free fs: 0, or -1 when any part of it could not be written. */
int initramfs_close(struct initramfs *fs);

#endif
