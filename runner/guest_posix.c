/*
 * guest_posix.c: the uml and qemu targets on a Linux host (see target.h):
 * each boots a guest once, whose init runs this runner inside it; here
 * their init scripts and command lines (target_posix.c boots them).
 *
 * The recipes, measured on Debian 12 (BRIEF §5):
 *   uml     linux root=/dev/root rootfstype=hostfs rootflags=/ ro init=SCRIPT
 *           con=null con0=null,fd:1 ssl=null quiet (boots in ~0.4 s); IPv6
 *           is a module (crc-ccitt, then ipv6); the script writes the guest
 *           runner's output to a writable hostfs directory in our scratch
 *           and its status to /proc/exitcode.  A panic ends the process.
 *   qemu    qemu-system-x86_64 -nodefaults -nic none -accel tcg -kernel
 *           VMLINUZ -initrd CPIO -serial file:CONSOLE -serial file:CHANNEL;
 *           VMLINUZ is Debian's cloud kernel (apt-get download, unpacked,
 *           never installed), the initramfs (initramfs_posix.c, newc) holds
 *           busybox, this runner, the cases, the divergences and the shared
 *           libraries ldd names for them (so libpcap works in the guest too);
 *           panic=-1 with -no-reboot ends QEMU on a panic, with exit 0: only
 *           the channel's last line is a verdict.
 *
 * --link: the init loads the guest kernel's sch_netem.ko (qemu: from the
 * kernel's package, unpacked with xz; uml: Debian's UML modules) and the
 * guest's runner, given --link, puts itself behind netem as a native run
 * does (link_posix.c), with this machine's tc (its libraries come along).
 *
 * Both guests write one channel (see target_posix.c).
 */

#include "case_times.h"
#include "target_posix.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

/* A string that lives as long as the guest's argv. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static char *gstr(struct guest *g, const char *fmt, ...)
{
	char *s = g->strings[g->nstrings++];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof g->strings[0], fmt, ap);
	va_end(ap);
	return s;
}

/* text as the file path, with permissions mode: 0, or -1 with errno. */
static int write_text(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	return ok && chmod(path, (mode_t)mode) == 0 ? 0 : -1;
}

int guest_command(char *out, size_t size, const struct options *o, const char *runner,
		  const char *cases, const char *divs, const char *label, const char *junit)
{
	char word[1200], num[64];

	out[0] = '\0';
	shell_quote(word, sizeof word, runner);
	append(out, size, word);
	append(out, size, " --as-target ");
	append(out, size, o->target);
	append(out, size, " run --no-out --cases ");
	shell_quote(word, sizeof word, cases);
	append(out, size, word);
	append(out, size, " --divergences ");
	shell_quote(word, sizeof word, divs);
	append(out, size, word);
	snprintf(num, sizeof num, " --timeout %u.%03u --repeat %u", o->timeout_ms / 1000,
		 o->timeout_ms % 1000, o->repeat);
	append(out, size, num);
	if (o->jobs) {
		snprintf(num, sizeof num, " -j %u", o->jobs);
		append(out, size, num);
	}
	if (o->times)
		append(out, size, " --times");
	if (o->link.set) { /* the guest's runner puts its cases behind netem, as a native run does */
		link_describe(&o->link, word, sizeof word);
		append(out, size, " --link ");
		append(out, size, word); /* digits, letters and ,=.%: one word for sh */
	}
	if (!label)
		label = o->label;
	if (label) {
		append(out, size, " --label ");
		shell_quote(word, sizeof word, label);
		append(out, size, word);
	}
	if (junit) {
		append(out, size, " --junit ");
		shell_quote(word, sizeof word, junit);
		append(out, size, word);
	}
	for (size_t i = 0; i < o->nfilters; i++) {
		append(out, size, " ");
		shell_quote(word, sizeof word, o->filters[i]);
		if (append(out, size, word) == -1)
			return -1;
	}
	return 0;
}

/*
 * The guest starts with an empty environment (gVisor's is runsc's: TMPDIR):
 * these settings of ours pass through to its runner and cases (the stack ones too: the guest's runner
 * asks its first case which stack that makes, and labels the run by it; a
 * case there gets SOCKCONF_TIMEOUT_MS from the guest runner's --timeout, as
 * here), and SOCKCONF_PRELOAD=PATH (qemu), a
 * library copied into the initramfs, becomes their LD_PRELOAD, as it is for
 * a native run under LD_PRELOAD (tests/mutants); the init and busybox are
 * not preloaded.
 */
int guest_environment(char *out, size_t size, const char *preload_in)
{
	static const char *const passed[] = {
		"SOCKCONF_WAIT_MS",      "SOCKCONF_QUIET_MS",     "SOCKCONF_MUTANT",
		"SOCKCONF_TIMEOUT_MS",   "SOCKCONF_STACK",        "SOCKCONF_PEER_STACK",
		"SOCKCONF_LWIP_NETIF",   "SOCKCONF_LWIP_ADDR4",   "SOCKCONF_LWIP_ADDR6",
		"SOCKCONF_KERNEL_ADDR4", "SOCKCONF_KERNEL_ADDR6",
	};
	char word[1200];
	int failed = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++) {
		const char *value = getenv(passed[i]);

		if (!value)
			continue;
		shell_quote(word, sizeof word, value);
		failed |= append(out, size, passed[i]) | append(out, size, "=") |
			  append(out, size, word) | append(out, size, " ");
	}
	if (preload_in) {
		shell_quote(word, sizeof word, preload_in);
		failed |= append(out, size, "LD_PRELOAD=") | append(out, size, word) |
			  append(out, size, " ");
	}
	return failed ? -1 : 0;
}

int guest_times(struct guest *g, const char *name, const char *cases_abs, const char *in_guest,
		char *host_path, size_t host_size, char *env, size_t env_size, char *also, size_t also_size)
{
	char q[1300];

	if (name)
		snprintf(g->times_name, sizeof g->times_name, "%s", name);
	else
		snprintf(g->times_name, sizeof g->times_name, "guest-%s", g->target);
	case_times_path(cases_abs, g->times_name, host_path, host_size);
	shell_quote(q, sizeof q, in_guest ? in_guest : host_path);
	if ((size_t)snprintf(env, env_size, "SOCKCONF_TIMES_FILE=%s ", q) >= env_size)
		return -1;
	/* back to the host by the host's name for them (inside, a guest's own label may differ) */
	return (size_t)snprintf(also, also_size, "  [ -f %s ] && $B sed 's/^/sockconf-times: /' %s\n", q, q) >=
			       also_size
		       ? -1
		       : 0;
}

/*
 * UML: this machine's root, read-only over hostfs, made writable for the
 * guest by an overlay whose changes stay in a tmpfs (glibc's tmpfile() wants
 * /tmp; nothing reaches this machine); the channel is a writable hostfs
 * mount of one directory of our scratch, which the guest sees at its path.
 */
int uml_setup(struct guest *g, const struct options *o, const char *exe_dir, const char *cases_dir,
	      const char *div_dir, char *err, size_t errsize)
{
	char kernel[1024], busybox[1024], runner[1200], cases[1200], divs[1200], cwd[1024];
	char cmd[8192], script[12288], init[1200], out[1200], tmp[1200], q_dir[1300], q_cwd[1100];
	char envs[2048], run[10240], times[1300], times_env[1400], also[3000];
	const char *k = getenv("SOCKCONF_UML_KERNEL");
	size_t n = 0;

	if (plat_find_program(k && *k ? k : "linux", kernel, sizeof kernel) == -1) {
		if (k && *k)
			snprintf(err, errsize, "--target uml: SOCKCONF_UML_KERNEL=%s is not executable", k);
		else
			snprintf(err, errsize, "--target uml: user-mode Linux is not installed (Debian: apt-get install user-mode-linux)");
		return -1;
	}
	if (plat_find_program("busybox", busybox, sizeof busybox) == -1) {
		snprintf(err, errsize, "--target uml: busybox is not installed (Debian: apt-get install busybox-static)");
		return -1;
	}
	snprintf(runner, sizeof runner, "%s/sockconf", exe_dir);
	absolute(cases_dir, cases, sizeof cases);
	absolute(div_dir, divs, sizeof divs);
	if (!getcwd(cwd, sizeof cwd))
		snprintf(cwd, sizeof cwd, "/");
	snprintf(out, sizeof out, "%s/out", g->dir);
	snprintf(tmp, sizeof tmp, "%s/tmp", g->dir);
	if (plat_mkdir_p(out) == -1 || plat_mkdir_p(tmp) == -1) {
		snprintf(err, errsize, "--target uml: cannot create %s: %s", out, strerror(errno));
		return -1;
	}
	if (guest_command(cmd, sizeof cmd, o, runner, cases, divs, NULL, NULL) == -1) {
		snprintf(err, errsize, "--target uml: the command line is too long");
		return -1;
	}
	/* the host's file, seen at its own path through the overlay: read there, written above it */
	if (guest_environment(envs, sizeof envs, NULL) == -1 ||
	    guest_times(g, NULL, cases, NULL, times, sizeof times, times_env, sizeof times_env, also, sizeof also) == -1 ||
	    (size_t)snprintf(run, sizeof run, "%s%s%s", envs, times_env, cmd) >= sizeof run) {
		snprintf(err, errsize, "--target uml: the SOCKCONF_* settings passed to the guest are too long");
		return -1;
	}
	shell_quote(q_dir, sizeof q_dir, g->dir);
	shell_quote(q_cwd, sizeof q_cwd, cwd);
	snprintf(g->channel, sizeof g->channel, "%s/channel", out);
	snprintf(g->console, sizeof g->console, "%s/console", g->dir);
	snprintf(g->out, sizeof g->out, "%s", g->console);
	snprintf(script, sizeof script,
		 "#!%s sh\n"
		 "# sockconf --target uml: the guest's init (pid 1).  First this machine's tree,\n"
		 "# read-only over hostfs, becomes writable (an overlay, its changes in a tmpfs)\n"
		 "# and the script enters it; then IPv6, loopback, and the runner.\n"
		 "B=%s\n"
		 "G=%s\n"
		 "M=/usr/lib/uml/modules/$($B uname -r)/kernel\n"
		 "if [ \"$1\" != inside ]; then\n"
		 "  $B mount -t proc proc /proc\n"
		 "  $B insmod $M/fs/overlayfs/overlay.ko\n"
		 "  $B mount -t tmpfs tmpfs \"$G/tmp\" && $B mkdir \"$G/tmp/up\" \"$G/tmp/work\" \"$G/tmp/root\" &&\n"
		 "  $B mount -t overlay overlay -o \"lowerdir=/,upperdir=$G/tmp/up,workdir=$G/tmp/work\" \"$G/tmp/root\" &&\n"
		 "  exec $B chroot \"$G/tmp/root\" $B sh \"$G/init\" inside\n"
		 "  echo 'sockconf: the guest could not make its root writable'\n"
		 "  $B poweroff -f\n"
		 "fi\n"
		 "$B mount -t proc proc /proc\n"
		 "$B mount -t hostfs -o \"$G/out\" hostfs \"$G/out\"\n"
		 "$B insmod $M/lib/crc-ccitt.ko && $B insmod $M/net/ipv6/ipv6.ko\n"
		 "%s"
		 "$B ip link set lo up\n"
		 "cd %s\n" GUEST_RUN_AND_REPORT
		 "echo $rc >/proc/exitcode\n"
		 "$B sync\n"
		 "$B poweroff -f\n",
		 busybox, busybox, q_dir,
		 /* --link: Debian's UML modules have sch_netem (it needs no other module); tc is this machine's */
		 o->link.set ? "$B insmod $M/net/sched/sch_netem.ko\n" : "", q_cwd, "/tmp", run, "/tmp",
		 "/tmp", also, "\"$G/out/channel\"");
	snprintf(init, sizeof init, "%s/init", g->dir);
	if (write_text(init, script, 0755) == -1) {
		snprintf(err, errsize, "--target uml: cannot write %s: %s", init, strerror(errno));
		return -1;
	}
	g->argv[n++] = gstr(g, "%s", kernel);
	g->argv[n++] = "mem=512M";
	g->argv[n++] = "root=/dev/root";
	g->argv[n++] = "rootfstype=hostfs";
	g->argv[n++] = "rootflags=/";
	g->argv[n++] = "ro";
	g->argv[n++] = gstr(g, "init=%s", init);
	g->argv[n++] = gstr(g, "uml_dir=%s", g->dir);
	g->argv[n++] = gstr(g, "umid=sockconf-%d", plat_pid()); /* unique on this machine */
	g->argv[n++] = "con=null";
	g->argv[n++] = "con0=null,fd:1";
	g->argv[n++] = "ssl=null";
	g->argv[n++] = "quiet";
	g->argv[n++] = "initcall_blacklist=raid6_select_algo,pty_init";
	g->argv[n] = NULL;
	/* UML's memory is a file in $TMPDIR (unlinked at once): best on a tmpfs */
	g->env[0] = gstr(g, "TMPDIR=%s", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : g->dir);
	g->env[1] = NULL;
	g->bound_ms = 30000; /* boot and power-off take ~0.5 s */
	return 0;
}

/* "linux-image-6.12-cloud-amd64": fetched with apt-get download, unpacked, never installed. */
#define QEMU_DEFAULT_PACKAGE "linux-image-6.12-cloud-amd64"

static const char qemu_fetch[] =
	"set -e\n"
	"cd \"$1\"\n"
	"pkg=$2\n"
	"# a meta-package names the image it stands for\n"
	"dep=$(apt-cache depends \"$pkg\" 2>/dev/null | sed -n 's/^ *Depends: \\(linux-image-[^ ]*\\).*/\\1/p' | head -n 1)\n"
	"[ -n \"$dep\" ] || dep=$pkg\n"
	"rm -rf fetch && mkdir fetch && cd fetch\n"
	"apt-get download \"$dep\" || { apt-get update -qq && apt-get download \"$dep\"; }\n"
	"dpkg-deb --fsys-tarfile ./*.deb | tar -x --wildcards './boot/vmlinuz-*'\n"
	"mv ./boot/vmlinuz-* ../vmlinuz.new\n"
	"# --link: the kernel's netem, uncompressed (busybox insmod loads a plain .ko); best effort\n"
	"if dpkg-deb --fsys-tarfile ./*.deb | tar -x --wildcards './lib/modules/*/kernel/net/sched/sch_netem.ko*' 2>/dev/null; then\n"
	"  for m in ./lib/modules/*/kernel/net/sched/sch_netem.ko*; do\n"
	"    case $m in *.xz) xz -dc \"$m\" >../sch_netem.ko.new ;; *) cp \"$m\" ../sch_netem.ko.new ;; esac &&\n"
	"      mv ../sch_netem.ko.new ../sch_netem.ko || rm -f ../sch_netem.ko.new\n"
	"  done\n"
	"fi\n"
	"cd .. && rm -rf fetch\n"
	"echo \"$dep\" >package && mv vmlinuz.new vmlinuz\n";

/*
 * The kernel QEMU boots: $SOCKCONF_QEMU_KERNEL, or Debian's, fetched once
 * into cache_dir.  With --link (netem set) also its sch_netem.ko, in
 * netem: beside a fetched kernel (a cache from before --link is fetched
 * again), or beside $SOCKCONF_QEMU_KERNEL.
 */
static int qemu_kernel(struct guest *g, const char *cache_root, char *out, size_t size,
		       char *netem, size_t netem_size, char *err, size_t errsize)
{
	const char *k = getenv("SOCKCONF_QEMU_KERNEL"), *pkg = getenv("SOCKCONF_QEMU_PACKAGE");
	char cache[1200], sh[1024];
	struct proc_exit ex;

	if (k && *k) {
		snprintf(out, size, "%s", k);
		if (access(out, R_OK) != 0) {
			snprintf(err, errsize, "--target qemu: SOCKCONF_QEMU_KERNEL=%s cannot be read", k);
			return -1;
		}
		if (netem) {
			const char *slash = strrchr(k, '/');
			snprintf(netem, netem_size, "%.*s%ssch_netem.ko", slash ? (int)(slash - k) : 0, k,
				 slash ? "/" : "");
			if (access(netem, R_OK) != 0) {
				snprintf(err, errsize, "--link needs sch_netem: put the kernel's sch_netem.ko (uncompressed) at %s",
					 netem);
				return -1;
			}
		}
		return 0;
	}
	if (!pkg || !*pkg || strpbrk(pkg, "/ '\"\\$`"))
		pkg = QEMU_DEFAULT_PACKAGE;
	snprintf(cache, sizeof cache, "%s/%s", cache_root, pkg);
	snprintf(out, size, "%s/vmlinuz", cache);
	if (netem)
		snprintf(netem, netem_size, "%s/sch_netem.ko", cache);
	if (access(out, R_OK) == 0 && (!netem || access(netem, R_OK) == 0))
		return 0;
	if (plat_find_program("apt-get", sh, sizeof sh) == -1 || plat_find_program("dpkg-deb", sh, sizeof sh) == -1) {
		snprintf(err, errsize, "--target qemu: no kernel: fetching %s needs apt-get and dpkg-deb (Debian), or set SOCKCONF_QEMU_KERNEL to a bzImage", pkg);
		return -1;
	}
	if (plat_mkdir_p(cache) == -1) {
		snprintf(err, errsize, "--target qemu: cannot create %s: %s", cache, strerror(errno));
		return -1;
	}
	fprintf(stderr, "sockconf: --target qemu: fetching %s into %s (once)\n", pkg, cache);
	{
		char *argv[] = {"/bin/sh", "-c", (char *)qemu_fetch, "sh", cache, (char *)pkg, NULL};
		if (run_bounded(argv, NULL, g->dir, "fetch", 600000, &ex, err, errsize) == -1)
			return -1;
	}
	if (ex.signo || ex.code != 0 || access(out, R_OK) != 0) {
		char path[1300], *e;
		snprintf(path, sizeof path, "%s/fetch.err", g->dir);
		e = slurp(path, NULL);
		snprintf(err, errsize, "--target qemu: could not fetch %s (exit %d): %s", pkg, ex.code,
			 e ? tail_of(e, 300) : "");
		for (char *p = err; *p; p++)
			if (*p == '\n')
				*p = ' ';
		free(e);
		return -1;
	}
	if (netem && access(netem, R_OK) != 0) {
		snprintf(err, errsize, "--link needs sch_netem: %s has no sch_netem.ko (or xz is missing to unpack it: Debian: apt-get install xz-utils)",
			 pkg);
		return -1;
	}
	return 0;
}

/*
 * QEMU: an initramfs of busybox, the runner, the cases, the divergences and
 * the shared libraries they need; the channel is the second serial port.
 */
int qemu_setup(struct guest *g, const struct options *o, const char *exe_dir, const char *cases_dir,
	       const char *div_dir, char *err, size_t errsize)
{
	char qemu[1024], busybox[1024], runner[1200], kernel[1200], initrd[1200], libdirs[2048];
	char cmd[8192], script[12288], sys[64], rel[64], mach[64], cache[1200], netem[1300], tc[1024];
	char envs[2048], run[10240], preload_in[1100], cases_abs[1200], times[1300], times_env[1400], also[3000];
	const char *link_setup = "", *preload = getenv("SOCKCONF_PRELOAD");
	struct initramfs fs;
	size_t n = 0;
	int failed = 0, closed;

	plat_uname(sys, rel, mach, sizeof sys);
	if (strcmp(mach, "x86_64") != 0) {
		snprintf(err, errsize, "--target qemu: boots an x86-64 Debian kernel; this machine is %s", mach);
		return -1;
	}
	if (plat_find_program("qemu-system-x86_64", qemu, sizeof qemu) == -1) {
		snprintf(err, errsize, "--target qemu: QEMU is not installed (Debian: apt-get install qemu-system-x86)");
		return -1;
	}
	if (plat_find_program("busybox", busybox, sizeof busybox) == -1) {
		snprintf(err, errsize, "--target qemu: busybox is not installed (Debian: apt-get install busybox-static)");
		return -1;
	}
	snprintf(runner, sizeof runner, "%s/sockconf", exe_dir);
	absolute(cases_dir, cases_abs, sizeof cases_abs);
	snprintf(cache, sizeof cache, "%s/qemu-kernel", exe_dir); /* fetched once, kept with the build */
	if (qemu_kernel(g, cache, kernel, sizeof kernel, o->link.set ? netem : NULL, sizeof netem, err,
			errsize) == -1)
		return -1;
	/* --link: the guest's runner runs tc in the guest as a native run does; this machine's tc */
	if (o->link.set && link_find_tc(tc, sizeof tc) == -1) {
		snprintf(err, errsize, "--link needs tc to set netem up in the guest (Debian: apt-get install iproute2)");
		return -1;
	}

	snprintf(g->channel, sizeof g->channel, "%s/channel", g->dir);
	snprintf(g->console, sizeof g->console, "%s/console", g->dir);
	snprintf(g->out, sizeof g->out, "%s", g->console);
	if (guest_command(cmd, sizeof cmd, o, "/sockconf", "/cases", "/divergences", NULL, NULL) == -1) {
		snprintf(err, errsize, "--target qemu: the command line is too long");
		return -1;
	}

	if (preload && *preload) { /* the guest's copy, beside its own libraries */
		const char *base = strrchr(preload, '/') ? strrchr(preload, '/') + 1 : preload;

		if (access(preload, R_OK) != 0 || !*base) {
			snprintf(err, errsize, "--target qemu: SOCKCONF_PRELOAD=%s cannot be read", preload);
			return -1;
		}
		snprintf(preload_in, sizeof preload_in, "/preload/%s", base);
	}
	/* the last run's times, packed in at /times, where the guest's runner reads and writes them */
	if (guest_environment(envs, sizeof envs, preload && *preload ? preload_in : NULL) == -1 ||
	    guest_times(g, NULL, cases_abs, "/times", times, sizeof times, times_env, sizeof times_env, also,
			sizeof also) == -1 ||
	    (size_t)snprintf(run, sizeof run, "%s%s%s", envs, times_env, cmd) >= sizeof run) {
		snprintf(err, errsize, "--target qemu: the SOCKCONF_* settings passed to the guest are too long");
		return -1;
	}

	snprintf(initrd, sizeof initrd, "%s/initrd.cpio", g->dir);
	if (initramfs_open(&fs, initrd) == -1) {
		snprintf(err, errsize, "--target qemu: cannot write %s: %s", initrd, strerror(errno));
		return -1;
	}
	static const char *const dirs[] = {"bin", "dev", "proc", "sys", "tmp", "cases", "divergences"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		initramfs_dir(&fs, dirs[i]);
	initramfs_chardev(&fs, "dev/console", 0600, 5, 1); /* init's stdio before devtmpfs */
	initramfs_file(&fs, "bin/busybox", busybox);
	initramfs_symlink(&fs, "bin/sh", "busybox");
	initramfs_file(&fs, "sockconf", runner);
	initramfs_tree(&fs, cases_dir, "", "cases");
	initramfs_tree(&fs, div_dir, ".txt", "divergences");
	if (access(times, R_OK) == 0)
		initramfs_file(&fs, "times", times);
	if (o->link.set) { /* sch_netem depends on no other module in Debian's 6.12 cloud kernel */
		initramfs_file(&fs, "lib/modules/sch_netem.ko", netem);
		initramfs_file(&fs, "usr/sbin/tc", tc); /* its libraries come with the runner's */
		link_setup = "$B insmod /lib/modules/sch_netem.ko\n";
	}
	if (preload && *preload)
		initramfs_library(&fs, preload_in + 1, preload);
	failed = initramfs_libraries(&fs, g->dir, libdirs, sizeof libdirs, err, errsize) == -1;
	snprintf(script, sizeof script,
		 "#!/bin/busybox sh\n"
		 "# sockconf --target qemu: the guest's init (pid 1)\n"
		 "B=/bin/busybox\n"
		 "$B mount -t proc proc /proc\n"
		 "$B mount -t sysfs sysfs /sys\n"
		 "$B mount -t devtmpfs devtmpfs /dev\n"
		 "$B mount -t tmpfs tmpfs /tmp\n"
		 "$B ip link set lo up\n"
		 "%s"
		 "export LD_LIBRARY_PATH='%s'\n"
		 "cd /\n" GUEST_RUN_AND_REPORT
		 "$B sync\n"
		 "$B poweroff -f\n",
		 link_setup, libdirs, "/tmp", run, "/tmp", "/tmp", also, "/dev/ttyS1");
	initramfs_text(&fs, "init", script, 0755);
	closed = initramfs_close(&fs);
	if (failed)
		return -1;
	if (closed == -1) {
		snprintf(err, errsize, "--target qemu: could not build the initramfs %s from %s", initrd, cases_dir);
		return -1;
	}

	g->argv[n++] = gstr(g, "%s", qemu);
	g->argv[n++] = "-nodefaults";
	g->argv[n++] = "-no-user-config";
	g->argv[n++] = "-nic";
	g->argv[n++] = "none"; /* no network card: the guest has loopback only */
	g->argv[n++] = "-accel";
	g->argv[n++] = "tcg";
	g->argv[n++] = "-smp";
	g->argv[n++] = "2";
	g->argv[n++] = "-m";
	g->argv[n++] = "1024M";
	g->argv[n++] = "-display";
	g->argv[n++] = "none";
	g->argv[n++] = "-no-reboot"; /* with panic=-1: a panic ends QEMU */
	g->argv[n++] = "-kernel";
	g->argv[n++] = gstr(g, "%s", kernel);
	g->argv[n++] = "-initrd";
	g->argv[n++] = gstr(g, "%s", initrd);
	g->argv[n++] = "-append";
	g->argv[n++] = "console=ttyS0 panic=-1 quiet";
	g->argv[n++] = "-serial";
	g->argv[n++] = gstr(g, "file:%s", g->console);
	g->argv[n++] = "-serial";
	g->argv[n++] = gstr(g, "file:%s", g->channel);
	g->argv[n] = NULL;
	g->env[0] = NULL;
	g->bound_ms = 180000; /* a boot under emulation takes ~5 s */
	return 0;
}
