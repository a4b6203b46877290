/*
 * target.h: where the cases run (--target).
 *
 *   native  this machine's kernel, each case as its own process (default)
 *   gvisor  each case inside gVisor (`runsc do`), on gVisor's own netstack
 *           with loopback only; labelled gvisor-<runsc version>
 *   uml     the whole run inside a user-mode Linux guest booted once, which
 *           sees this machine's files read-only (hostfs); labelled
 *           linux-<guest release>-uml
 *   qemu    the whole run inside a QEMU guest (software emulation) booted
 *           once on a Debian kernel fetched with apt-get download, from an
 *           initramfs of busybox, this build and the shared libraries it
 *           needs; labelled linux-<guest release>-qemu
 *
 * gvisor wraps each case: the scheduler starts `runsc ... do CASE` instead
 * of CASE, and the run is labelled by what the sandbox reports.  uml and
 * qemu run this runner again inside the guest (`--as-target uml`), which
 * applies the divergences and labels the run; the host prints the guest's
 * TAP as it arrives, writes DIR/<label>.tap, and exits with the guest
 * runner's status.  A guest that panics, hangs past its bound or ends
 * without a verdict is an environment error: one message, exit 2.
 * Everything a target creates lives under the run's scratch directory and
 * is removed with it.
 */
#ifndef RUNNER_TARGET_H
#define RUNNER_TARGET_H

#include "catalog.h"
#include "identity.h"
#include "options.h"

#include <stddef.h>

#define TARGET_NAMES "native, gvisor, uml, qemu"

/* 1 when the runner knows the target `name`. */
int target_known(const char *name);
/* 1 for the targets that boot a guest and run the whole run inside it. */
int target_is_guest(const char *name);

/* How each case process of a per-case target is started. */
struct target_wrap {
	char *argv[12];   /* put before the case's path; argv[0] == NULL: nothing */
	char *env[4];     /* more "NAME=value" for each case; NULL-terminated */
	char dir[1100];   /* the target's scratch, removed by target_finish ("" none) */
	char shared[1100]; /* one the target's unprivileged helpers can enter (gVisor's sandbox) */
	char strings[4][1200];
};

/*
 * Get a per-case target (native, gvisor) ready in the scratch directory:
 * check that its tool works, fill *w, and describe the platform in *id
 * (kernel, stack, sysctls; the label too unless label_given).  0, or -1
 * with a one-line message in err.
 */
int target_prepare(struct target_wrap *w, const char *target, struct identity *id, int label_given,
		   const char *scratch, char *err, size_t errsize);
void target_finish(struct target_wrap *w);

/*
 * Run the selection inside a guest target (uml, qemu): boot it, run the
 * runner in it, print its TAP, write the results file.  Returns the exit
 * status: the guest runner's, 2 when the guest gave no verdict, 128+signo
 * when interrupted.
 */
int target_run_guest(const struct options *o, const struct catalog *cat, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, const char *scratch);

#endif
