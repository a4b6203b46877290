/*
 * target.h: where the cases run (--target).
 *
 *   native  this machine's kernel, each case as its own process (default)
 *   gvisor  the whole run inside one gVisor sandbox (`runsc do`), on gVisor's
 *           own netstack with loopback only; labelled gvisor-<runsc version>
 *   lwip    each case here with both ends on lwIP, in the case's process over
 *           lwIP's own loopback netif (SOCKCONF_STACK=lwip); labelled
 *           lwip-<lwIP version>-lwip-<machine>
 *   lwip-linux  the case's end on lwIP, its peer on this machine's kernel,
 *           across a tap device in a network namespace the runner makes for
 *           each case (it ends with the case); labelled
 *           lwip-<lwIP version>-lwip_linux-lwip-<machine>
 *   uml     the whole run inside a user-mode Linux guest booted once, which
 *           sees this machine's files read-only (hostfs); labelled
 *           linux-<guest release>-uml
 *   qemu    the whole run inside a QEMU guest (software emulation) booted
 *           once on a Debian kernel fetched with apt-get download, from an
 *           initramfs of busybox, this build and the shared libraries it
 *           needs; labelled linux-<guest release>-qemu
 *   wine    each case of the Windows build (CASE.exe, by default from
 *           build/x86_64-w64-mingw32/cases) as `wine CASE.exe`, on Winsock
 *           as Wine implements it over this machine's sockets, in a prefix
 *           of the run's own with one wineserver for the run; labelled
 *           wine-<wine version>-winsock-<machine>
 *   agent:exec:COMMAND, agent:tcp:HOST:PORT, agent:serial:DEVICE[,BAUD]
 *           each case here with its own end on a sockconf agent's stack
 *           (lib/agent/, lib/stack_agent.c) and its peer on this machine's
 *           kernel, across the link between them: an agent started once
 *           for the run with sh -c and spoken to over its stdin and stdout,
 *           one listening on TCP, or one on a serial line; one case at a
 *           time an agent (exec: -j N starts N copies); labelled by what the agent says it is, e.g.
 *           linux-<release>-agent-kernel-<machine>, lwip-<version>-agent-lwip-<machine>
 *           (agent_target.h: hello, faults of the link, reconnecting)
 *
 * The lwip targets give each case the stack's settings (SOCKCONF_STACK, ...;
 * lwip-linux also its namespace, made in the case's process before it
 * starts) and label the run by what the first case says its stack is (CASE
 * --stack).  uml, qemu and gvisor run this runner again inside the guest
 * (`--as-target uml`), which applies the divergences and labels the run
 * (gvisor: by the label the host gives it, from runsc's release; the host
 * gives the header the lines the sandbox cannot know, the kernel's, the
 * stack's, its own, as a sandbox a case had them); the host prints the
 * guest's TAP as it arrives, writes DIR/<label>.tap, and exits with the
 * guest runner's status.  A guest that panics, hangs past its bound or ends
 * without a verdict is an environment error: one message, exit 2.
 * Everything a target creates lives under the run's scratch directory and
 * is removed with it.
 */
#ifndef RUNNER_TARGET_H
#define RUNNER_TARGET_H

#include "catalog.h"
#include "identity.h"
#include "options.h"
#include "platform.h"

#include <stddef.h>

#define TARGET_NAMES "native, gvisor, lwip, lwip-linux, uml, qemu, wine"

/* 1 when the runner knows the target `name`. */
int target_known(const char *name);
/* 1 for the targets that boot a guest kernel and run the whole run inside it. */
int target_is_guest(const char *name);
/* 1 where this runner runs again inside the target (the guests, gvisor's sandbox). */
int target_runs_inside(const char *name);
/* How the target's case programs are named: ".exe" for wine, else this platform's suffix. */
const char *target_exe_suffix(const char *name);
/*
 * Where the target's cases are when --cases does not say, from the
 * runner's directory (wine: the Windows build beside this one,
 * <dir>/../x86_64-w64-mingw32/cases): 1 with it in out, or 0 when the
 * target runs this build's cases.
 */
int target_cases_dir(const char *name, const char *exe_dir, char *out, size_t size);

/* How each case process of a per-case target is started. */
struct target_wrap {
	char *argv[12];   /* put before the case's path (gvisor: the sandbox's command); NULL: nothing */
	char *env[12];    /* more "NAME=value" for each case; NULL-terminated */
	/* run in each case's process before the case (platform.h); NULL: nothing */
	proc_setup_fn setup;
	void *setup_ctx;
	char dir[1100];   /* the target's scratch, removed by target_finish ("" none) */
	char shared[1100]; /* one the target's unprivileged helpers can enter (gVisor's sandbox) */
	char strings[4][1200];
	char settings[10][96]; /* the stack's settings, env's strings */
	char wine_prefix[1200]; /* wine: the run's prefix (under dir); target_finish stops its wineserver */
	char wine_env[2][1300]; /* wine: WINEPREFIX=, TMPDIR= (env's strings) */
};

/* 1 for the targets whose stack is lwIP (lwip, lwip-linux). */
int target_is_lwip(const char *name);

/*
 * Get a per-case target (native, lwip, lwip-linux, wine) ready in the
 * scratch directory: check that its tool works, fill *w, and describe the
 * platform in *id (kernel, stack, sysctls; the label too unless
 * label_given).  A target that names its stack asks the first runnable case
 * of cat which stack it runs (CASE --stack).  0, or -1 with a one-line
 * message in err.
 */
int target_prepare(struct target_wrap *w, const char *target, const struct catalog *cat,
		   struct identity *id, int label_given, const char *scratch, char *err,
		   size_t errsize);
void target_finish(struct target_wrap *w);

/*
 * Run the selection inside a guest target (uml, qemu) or gvisor's sandbox:
 * boot or start it, run the runner in it, print its TAP, write the results
 * file (and gvisor's --junit FILE and case times).  Returns the exit
 * status: the guest runner's, 2 when the guest gave no verdict, 128+signo
 * when interrupted.
 */
int target_run_guest(const struct options *o, const struct catalog *cat, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, const char *scratch);

#endif
