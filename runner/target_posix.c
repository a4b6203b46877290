/*
 * target_posix.c: the targets on a Linux host (see target.h): gVisor wraps each case,
 * UML and QEMU boot a guest once and run this runner inside it.
 *
 * The recipes, measured on Debian 12 (BRIEF §5):
 *   gvisor  runsc --root=DIR --network=none [--rootless] do -quiet CASE;
 *           `runsc do` passes the environment through and keeps its bundle
 *           in $TMPDIR, so TMPDIR points into our scratch (a case killed at
 *           its timeout leaves its bundle there, removed with it).
 *   uml     linux root=/dev/root rootfstype=hostfs rootflags=/ ro init=SCRIPT
 *           con=null con0=null,fd:1 ssl=null quiet (boots in ~0.4 s); IPv6
 *           is a module (crc-ccitt, then ipv6); the script writes the guest
 *           runner's output to a writable hostfs directory in our scratch
 *           and its status to /proc/exitcode.  A panic ends the process.
 *   qemu    qemu-system-x86_64 -nodefaults -nic none -accel tcg -kernel
 *           VMLINUZ -initrd CPIO -serial file:CONSOLE -serial file:CHANNEL;
 *           VMLINUZ is Debian's cloud kernel (apt-get download, unpacked,
 *           never installed), the initramfs (written here, newc) holds
 *           busybox, this runner, the cases, the divergences and the shared
 *           libraries ldd names for them (so libpcap works in the guest too);
 *           panic=-1 with -no-reboot ends QEMU on a panic, with exit 0: only
 *           the channel's last line is a verdict.
 *
 * Both guests write one channel: the guest runner's TAP, its stderr as
 * "sockconf-stderr: " lines, then "sockconf-exit: N".
 */

#include "target.h"
#include "platform.h"
#include "verdict.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- small tools ------------------------------------------------------------ */

/* A program by name on PATH (or a path as it is): 0 with its path in out, or -1. */
static int find_program(const char *name, char *out, size_t size)
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

/* The whole of a file, NUL-terminated (NULL when unreadable); its length in *len. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (len)
		*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			char *more = realloc(buf, cap ? cap * 2 : 8192);
			if (!more)
				break;
			buf = more;
			cap = cap ? cap * 2 : 8192;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

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

/* rm -r, without following symbolic links. */
static void remove_all(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) == -1)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d)) != NULL) {
		char sub[4096];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		remove_all(sub);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

/* The last `max` bytes of a text, from a line start, for messages. */
static const char *tail_of(const char *text, size_t max)
{
	size_t n = strlen(text);
	const char *t = n > max ? text + n - max : text;

	if (t != text && strchr(t, '\n'))
		t = strchr(t, '\n') + 1;
	return t;
}

/*
 * Run argv to its end within bound_ms, its stdout and stderr in
 * dir/NAME.out and dir/NAME.err.  0 with its exit in *ex; -1 with a message
 * (it could not start, or it was killed at the bound).
 */
static int run_bounded(char *const argv[], char *const env[], const char *dir, const char *name,
		       int bound_ms, struct proc_exit *ex, char *err, size_t errsize)
{
	char out[1200], errp[1200];
	struct proc p;
	int i;

	snprintf(out, sizeof out, "%s/%s.out", dir, name);
	snprintf(errp, sizeof errp, "%s/%s.err", dir, name);
	if (proc_start(&p, argv, env, out, errp, err, errsize) == -1)
		return -1;
	i = proc_wait_any(&p, 1, bound_ms, ex);
	if (i != 0) {
		proc_kill_group(&p);
		snprintf(err, errsize, i == -2 ? "%s: interrupted" : "%s: no answer within %d s",
			 argv[0], bound_ms / 1000);
		return -1;
	}
	proc_kill_group(&p); /* whatever it left behind */
	return 0;
}

/* A path made absolute (the guest sees the same tree, not the same cwd). */
static void absolute(const char *path, char *out, size_t size)
{
	char *r = realpath(path, NULL);

	snprintf(out, size, "%s", r ? r : path);
	free(r);
}

/* ---- gVisor: each case in its own sandbox ----------------------------------- */

/* "runsc version 0.0~20221219.0" (Debian) or "release-20221219.0": the date. */
static void runsc_version(const char *text, char *out, size_t size)
{
	const char *v = strstr(text, "version ");
	size_t n;

	v = v ? v + 8 : text;
	for (const char *p = v; *p && *p != '\n'; p++) {
		n = strspn(p, "0123456789");
		if (n >= 8) { /* a release date */
			snprintf(out, size, "%.*s", (int)n, p);
			return;
		}
		if (n)
			p += n - 1;
	}
	n = strcspn(v, " \n");
	snprintf(out, size, "%.*s", (int)n, v);
	for (char *p = out; *p; p++) /* a file name */
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *p))
			*p = '_';
	if (!out[0])
		snprintf(out, size, "unknown");
}

/*
 * What the sandbox says about itself: uname inside is gVisor's (fixed)
 * answer; the sysctls are the ones the runner reports natively
 * (plat_write_sysctls), read inside, where gVisor has them.
 */
static const char gvisor_probe[] =
	"uname -s; uname -r; uname -m\n"
	"for n in net.ipv4.tcp_fin_timeout net.ipv4.tcp_rfc1337 net.ipv4.tcp_abort_on_overflow \\\n"
	"         net.ipv4.tcp_max_orphans net.ipv4.tcp_orphan_retries net.ipv4.tcp_tw_reuse \\\n"
	"         net.ipv4.tcp_rmem net.ipv4.tcp_wmem; do\n"
	"  f=/proc/sys/$(echo $n | tr . /)\n"
	"  [ -r $f ] && echo \"# sysctl $n = $(tr '\\t' ' ' < $f)\"\n"
	"done\n"
	"exit 0\n";

static int gvisor_prepare(struct target_wrap *w, struct identity *id, int label_given,
			  char *err, size_t errsize)
{
	char runsc[1024], version[64], *text, *line, *save = NULL;
	char *probe[16];
	char tmpdir[1200];
	struct proc_exit ex;
	size_t n = 0;
	char *argv_version[] = {runsc, "--version", NULL};

	if (find_program("runsc", runsc, sizeof runsc) == -1) {
		snprintf(err, errsize, "--target gvisor: runsc is not installed (Debian: apt-get install runsc)");
		return -1;
	}
	/*
	 * runsc do keeps its bundle in $TMPDIR and its sandbox, as an unprivileged
	 * user, mounts its chroot there: our scratch is private (0700), so runsc
	 * gets a directory of its own, one it can enter, under /tmp.
	 */
	snprintf(w->shared, sizeof w->shared, "/tmp/sockconf-gvisor.XXXXXX");
	if (plat_mkdir_p(w->dir) == -1 || !mkdtemp(w->shared) || chmod(w->shared, 0755) == -1) {
		snprintf(err, errsize, "--target gvisor: cannot create a directory for runsc: %s",
			 strerror(errno));
		w->shared[0] = '\0';
		return -1;
	}
	snprintf(w->strings[0], sizeof w->strings[0], "--root=%s/root", w->shared);
	snprintf(w->strings[1], sizeof w->strings[1], "TMPDIR=%s", w->shared);
	snprintf(w->strings[2], sizeof w->strings[2], "%s", runsc);
	w->argv[n++] = w->strings[2];
	w->argv[n++] = w->strings[0];
	w->argv[n++] = "--network=none"; /* gVisor's own netstack, loopback only */
	if (geteuid() != 0)
		w->argv[n++] = "--rootless";
	w->argv[n++] = "do";
	w->argv[n++] = "-quiet";
	w->argv[n] = NULL;
	w->env[0] = w->strings[1];
	w->env[1] = NULL;

	if (run_bounded(argv_version, NULL, w->dir, "version", 30000, &ex, err, errsize) == -1)
		return -1;
	snprintf(tmpdir, sizeof tmpdir, "%s/version.out", w->dir);
	text = slurp(tmpdir, NULL);
	runsc_version(text ? text : "", version, sizeof version);
	free(text);

	/* the probe: does a sandbox start at all, and what does it say it is */
	memcpy(probe, w->argv, (n + 1) * sizeof *probe);
	probe[n] = "/bin/sh";
	probe[n + 1] = "-c";
	probe[n + 2] = (char *)gvisor_probe;
	probe[n + 3] = NULL;
	if (run_bounded(probe, w->env, w->dir, "probe", 60000, &ex, err, errsize) == -1)
		return -1;
	snprintf(tmpdir, sizeof tmpdir, "%s/probe.out", w->dir);
	text = slurp(tmpdir, NULL);
	if (ex.signo || ex.code != 0 || !text || !text[0]) {
		char *e;
		snprintf(tmpdir, sizeof tmpdir, "%s/probe.err", w->dir);
		e = slurp(tmpdir, NULL);
		snprintf(err, errsize, "--target gvisor: runsc cannot start a sandbox here (exit %d): %s",
			 ex.signo ? 128 + ex.signo : ex.code, e ? tail_of(e, 300) : "");
		for (char *p = err; *p; p++)
			if (*p == '\n')
				*p = ' ';
		free(e);
		free(text);
		return -1;
	}
	snprintf(id->target, sizeof id->target, "gvisor");
	snprintf(id->stack, sizeof id->stack, "gvisor netstack");
	id->sysctls[0] = '\0';
	n = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		if (n == 0)
			snprintf(id->os, sizeof id->os, "%s", line);
		else if (n == 1) /* gVisor's uname is fixed; say whose it is */
			snprintf(id->kernel, sizeof id->kernel, "%s (gVisor runsc %s)", line, version);
		else if (n == 2)
			snprintf(id->machine, sizeof id->machine, "%s", line);
		else if (strncmp(line, "# sysctl ", 9) == 0 &&
			 strlen(id->sysctls) + strlen(line) + 2 < sizeof id->sysctls) {
			strcat(id->sysctls, line);
			strcat(id->sysctls, "\n");
		}
	}
	free(text);
	if (!id->sysctls[0]) /* none there: say so rather than show this machine's */
		snprintf(id->sysctls, sizeof id->sysctls, "# sysctl (none readable in the sandbox)\n");
	if (!label_given)
		snprintf(id->label, sizeof id->label, "gvisor-%s", version);
	return 0;
}

int target_prepare(struct target_wrap *w, const char *target, struct identity *id, int label_given,
		   const char *scratch, char *err, size_t errsize)
{
	memset(w, 0, sizeof *w);
	if (strcmp(target, "gvisor") != 0)
		return 0;
	snprintf(w->dir, sizeof w->dir, "%s/gvisor", scratch);
	if (gvisor_prepare(w, id, label_given, err, errsize) == -1) {
		target_finish(w);
		return -1;
	}
	return 0;
}

void target_finish(struct target_wrap *w)
{
	if (w->dir[0])
		remove_all(w->dir);
	if (w->shared[0])
		remove_all(w->shared);
	w->dir[0] = w->shared[0] = '\0';
}

/* ---- ELF: which programs need shared libraries in the QEMU guest ------------- */

static unsigned long long le(const unsigned char *p, int n)
{
	unsigned long long v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* 1: a statically linked ELF; 0: dynamically linked; -1: not ELF (a script), unreadable. */
static int elf_is_static(const char *path)
{
	unsigned char h[64], ph[56];
	FILE *f = fopen(path, "rb");
	unsigned long long phoff;
	unsigned phentsize, phnum;
	int wide, found = 0;

	if (!f)
		return -1;
	if (fread(h, 1, sizeof h, f) != sizeof h || memcmp(h, "\177ELF", 4) != 0 || h[5] != 1) {
		fclose(f);
		return -1;
	}
	wide = h[4] == 2;
	phoff = wide ? le(h + 32, 8) : le(h + 28, 4);
	phentsize = (unsigned)le(h + (wide ? 54 : 42), 2);
	phnum = (unsigned)le(h + (wide ? 56 : 44), 2);
	for (unsigned i = 0; i < phnum && phentsize >= 4 && phentsize <= sizeof ph; i++) {
		if (fseek(f, (long)(phoff + (unsigned long long)i * phentsize), SEEK_SET) != 0 ||
		    fread(ph, 1, phentsize, f) != phentsize)
			break;
		if (le(ph, 4) == 3) /* PT_INTERP: it needs ld.so */
			found = 1;
	}
	fclose(f);
	return !found;
}

/* ---- cpio (newc), the initramfs format ------------------------------------- */

struct cpio {
	FILE *f;
	unsigned ino;
	int failed;
};

static void cpio_pad(struct cpio *c, unsigned long long n)
{
	static const char zeros[4];

	if (n % 4 && fwrite(zeros, 1, 4 - n % 4, c->f) != 4 - n % 4)
		c->failed = 1;
}

static void cpio_header(struct cpio *c, const char *name, unsigned mode, unsigned long long size,
			unsigned rmajor, unsigned rminor)
{
	size_t namesize = strlen(name) + 1;

	if (fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08llX%08X%08X%08X%08X%08zX%08X", ++c->ino,
		    mode, 0u, 0u, (mode & 0170000) == 0040000 ? 2u : 1u, 0u, size, 0u, 0u, rmajor,
		    rminor, namesize, 0u) < 0 ||
	    fwrite(name, 1, namesize, c->f) != namesize)
		c->failed = 1;
	cpio_pad(c, 110 + namesize);
}

static void cpio_dir(struct cpio *c, const char *name)
{
	cpio_header(c, name, 0040755, 0, 0, 0);
}

/* A host file into the archive as `name`; -1 when it cannot be read. */
static int cpio_file(struct cpio *c, const char *name, const char *host_path, unsigned perm)
{
	size_t len;
	char *data = slurp(host_path, &len);

	if (!data)
		return -1;
	cpio_header(c, name, 0100000 | perm, len, 0, 0);
	if (fwrite(data, 1, len, c->f) != len)
		c->failed = 1;
	cpio_pad(c, len);
	free(data);
	return 0;
}

static void cpio_text(struct cpio *c, const char *name, const char *text, unsigned perm)
{
	size_t len = strlen(text);

	cpio_header(c, name, 0100000 | perm, len, 0, 0);
	if (fwrite(text, 1, len, c->f) != len)
		c->failed = 1;
	cpio_pad(c, len);
}

static void cpio_symlink(struct cpio *c, const char *name, const char *to)
{
	size_t len = strlen(to);

	cpio_header(c, name, 0120777, len, 0, 0);
	if (fwrite(to, 1, len, c->f) != len)
		c->failed = 1;
	cpio_pad(c, len);
}

/* ---- guests: UML and QEMU ------------------------------------------------------- */

struct guest {
	const char *target;     /* "uml", "qemu" */
	char dir[1100];         /* our scratch for it: removed at the end */
	char channel[1200];     /* what the guest runner said (see the top of this file) */
	char console[1200];     /* the kernel's console */
	char *argv[40];         /* the guest: the kernel (uml) or qemu */
	char *env[4];
	char strings[16][1200];
	unsigned nstrings;
	int bound_ms;
};

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

/* A word for sh: single-quoted. */
static void sh_quote(char *out, size_t size, const char *s)
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

static int append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf), m = strlen(s);

	if (n + m + 1 > size)
		return -1;
	memcpy(buf + n, s, m + 1);
	return 0;
}

/*
 * The guest runner's command line: this run's options, the guest's own
 * paths, labelled as the target, no results file (the host writes it).
 */
static int guest_command(char *out, size_t size, const struct options *o, const char *runner,
			 const char *cases, const char *divs)
{
	char word[1200], num[64];

	out[0] = '\0';
	sh_quote(word, sizeof word, runner);
	append(out, size, word);
	append(out, size, " --as-target ");
	append(out, size, o->target);
	append(out, size, " run --no-out --cases ");
	sh_quote(word, sizeof word, cases);
	append(out, size, word);
	append(out, size, " --divergences ");
	sh_quote(word, sizeof word, divs);
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
	if (o->label) {
		append(out, size, " --label ");
		sh_quote(word, sizeof word, o->label);
		append(out, size, word);
	}
	for (size_t i = 0; i < o->nfilters; i++) {
		append(out, size, " ");
		sh_quote(word, sizeof word, o->filters[i]);
		if (append(out, size, word) == -1)
			return -1;
	}
	return 0;
}

/* The end of both init scripts: run, report on the channel, power off. */
#define GUEST_RUN_AND_REPORT                                                              \
	"{\n"                                                                             \
	"  TMPDIR=%s %s 2>%s/runner.err\n"                                                \
	"  rc=$?\n"                                                                       \
	"  $B sed 's/^/sockconf-stderr: /' %s/runner.err\n"                             \
	"  echo \"sockconf-exit: $rc\"\n"                                                 \
	"} >%s\n"

/*
 * UML: this machine's root, read-only over hostfs, made writable for the
 * guest by an overlay whose changes stay in a tmpfs (glibc's tmpfile() wants
 * /tmp; nothing reaches this machine); the channel is a writable hostfs
 * mount of one directory of our scratch, which the guest sees at its path.
 */
static int uml_setup(struct guest *g, const struct options *o, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, char *err, size_t errsize)
{
	char kernel[1024], busybox[1024], runner[1200], cases[1200], divs[1200], cwd[1024];
	char cmd[8192], script[12288], init[1200], out[1200], tmp[1200], q_dir[1300], q_cwd[1100];
	const char *k = getenv("SOCKCONF_UML_KERNEL");
	size_t n = 0;

	if (find_program(k && *k ? k : "linux", kernel, sizeof kernel) == -1) {
		if (k && *k)
			snprintf(err, errsize, "--target uml: SOCKCONF_UML_KERNEL=%s is not executable", k);
		else
			snprintf(err, errsize, "--target uml: user-mode Linux is not installed (Debian: apt-get install user-mode-linux)");
		return -1;
	}
	if (find_program("busybox", busybox, sizeof busybox) == -1) {
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
	if (guest_command(cmd, sizeof cmd, o, runner, cases, divs) == -1) {
		snprintf(err, errsize, "--target uml: the command line is too long");
		return -1;
	}
	sh_quote(q_dir, sizeof q_dir, g->dir);
	sh_quote(q_cwd, sizeof q_cwd, cwd);
	snprintf(g->channel, sizeof g->channel, "%s/channel", out);
	snprintf(g->console, sizeof g->console, "%s/console", g->dir);
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
		 "$B ip link set lo up\n"
		 "cd %s\n" GUEST_RUN_AND_REPORT
		 "echo $rc >/proc/exitcode\n"
		 "$B sync\n"
		 "$B poweroff -f\n",
		 busybox, busybox, q_dir, q_cwd, "/tmp", cmd, "/tmp", "/tmp", "\"$G/out/channel\"");
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
	"cd .. && rm -rf fetch\n"
	"echo \"$dep\" >package && mv vmlinuz.new vmlinuz\n";

/* The kernel QEMU boots: $SOCKCONF_QEMU_KERNEL, or Debian's, fetched once into cache_dir. */
static int qemu_kernel(struct guest *g, const char *cache_root, char *out, size_t size, char *err,
		       size_t errsize)
{
	const char *k = getenv("SOCKCONF_QEMU_KERNEL"), *pkg = getenv("SOCKCONF_QEMU_PACKAGE");
	char cache[1200], sh[1024];
	struct proc_exit ex;

	if (k && *k) {
		snprintf(out, size, "%s", k);
		if (access(out, R_OK) == 0)
			return 0;
		snprintf(err, errsize, "--target qemu: SOCKCONF_QEMU_KERNEL=%s cannot be read", k);
		return -1;
	}
	if (!pkg || !*pkg || strpbrk(pkg, "/ '\"\\$`"))
		pkg = QEMU_DEFAULT_PACKAGE;
	snprintf(cache, sizeof cache, "%s/%s", cache_root, pkg);
	snprintf(out, size, "%s/vmlinuz", cache);
	if (access(out, R_OK) == 0)
		return 0;
	if (find_program("apt-get", sh, sizeof sh) == -1 || find_program("dpkg-deb", sh, sizeof sh) == -1) {
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
	return 0;
}

/* A '\n'-separated set of strings: add s unless it is there; 1 when added. */
static int set_add(char **set, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *more;

	if (*set) {
		for (const char *p = *set; (p = strstr(p, s)) != NULL; p++)
			if ((p == *set || p[-1] == '\n') && p[n] == '\n')
				return 0;
	}
	more = realloc(*set, *len + n + 2);
	if (!more)
		return 0;
	*set = more;
	memcpy(*set + *len, s, n);
	*len += n;
	(*set)[(*len)++] = '\n';
	(*set)[*len] = '\0';
	return 1;
}

struct initramfs {
	struct cpio c;
	char *dirs, *files; /* made so far; the programs whose libraries it needs */
	size_t ndirs, nfiles;
	const char *dir, *into; /* plat_list_files: from where, to where */
};

/* The directories above `path` (no leading '/'), each once, parents first. */
static void initramfs_parents(struct initramfs *fs, const char *path)
{
	char dir[1200];

	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		snprintf(dir, sizeof dir, "%.*s", (int)(p - path), path);
		if (set_add(&fs->dirs, &fs->ndirs, dir))
			cpio_dir(&fs->c, dir);
	}
}

static void initramfs_file(struct initramfs *fs, const char *in, const char *host)
{
	initramfs_parents(fs, in);
	if (cpio_file(&fs->c, in, host, plat_is_executable(host) ? 0755 : 0644) == -1)
		fs->c.failed = 1;
	if (elf_is_static(host) == 0) /* dynamically linked: its libraries come too */
		set_add(&fs->files, &fs->nfiles, host);
}

static void initramfs_listed(const char *name, void *ctx)
{
	struct initramfs *fs = ctx;
	char host[2400], in[1300];

	snprintf(host, sizeof host, "%s/%s", fs->dir, name);
	snprintf(in, sizeof in, "%s/%s", fs->into, name);
	initramfs_file(fs, in, host);
}

/*
 * The shared libraries of the dynamically linked programs, at the paths
 * ldd names (the loader included), so the guest runs them as they are:
 * a build with libpcap watches the wire there too.  Their directories go
 * in *libdirs (':'-separated), for LD_LIBRARY_PATH.
 */
static int initramfs_libraries(struct initramfs *fs, struct guest *g, char *libdirs, size_t size,
			       char *err, size_t errsize)
{
	char **argv, path[1300], *copy, *text = NULL, *line, *save = NULL, *libs = NULL, *dirs = NULL;
	size_t n = 0, nlibs = 0, ndirs = 0;
	struct proc_exit ex;
	int status = 0;

	libdirs[0] = '\0';
	if (!fs->files)
		return 0;
	argv = calloc(fs->nfiles + 2, sizeof *argv);
	copy = strdup(fs->files);
	if (!argv || !copy) {
		free(argv);
		free(copy);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	if (find_program("ldd", path, sizeof path) == -1) {
		snprintf(err, errsize, "--target qemu: ldd is not installed: it finds the libraries the guest needs (Debian: libc-bin)");
		free(argv);
		free(copy);
		return -1;
	}
	argv[n++] = path;
	for (char *tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	if (run_bounded(argv, NULL, g->dir, "ldd", 60000, &ex, err, errsize) == -1)
		status = -1;
	snprintf(path, sizeof path, "%s/ldd.out", g->dir);
	if (status == 0 && !(text = slurp(path, NULL))) { /* argv[0] is path: done with it */
		snprintf(err, errsize, "--target qemu: ldd said nothing about %s", argv[1]);
		status = -1;
	}
	save = NULL;
	for (line = status ? NULL : strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *lib = strstr(line, "=> "), *end;

		if (strstr(line, "not found")) {
			snprintf(err, errsize, "--target qemu: a library is missing here:%s", line);
			status = -1;
			break;
		}
		if (lib)
			lib += 3;
		else if (line[0] == '\t' && line[1] == '/') /* the loader */
			lib = line + 1;
		else
			continue;
		if ((end = strstr(lib, " (")) != NULL)
			*end = '\0';
		if (lib[0] != '/' || !set_add(&libs, &nlibs, lib))
			continue;
		initramfs_parents(fs, lib + 1);
		if (cpio_file(&fs->c, lib + 1, lib, 0755) == -1)
			fs->c.failed = 1;
		*strrchr(lib, '/') = '\0';
		if (set_add(&dirs, &ndirs, lib)) {
			if (libdirs[0])
				append(libdirs, size, ":");
			append(libdirs, size, lib);
		}
	}
	free(text);
	free(libs);
	free(dirs);
	free(copy);
	free(argv);
	return status;
}

/*
 * QEMU: an initramfs of busybox, the runner, the cases, the divergences and
 * the shared libraries they need; the channel is the second serial port.
 */
static int qemu_setup(struct guest *g, const struct options *o, const char *exe_dir,
		      const char *cases_dir, const char *div_dir, char *err, size_t errsize)
{
	char qemu[1024], busybox[1024], runner[1200], kernel[1200], initrd[1200], libdirs[2048];
	char cmd[8192], script[12288], sys[64], rel[64], mach[64], cache[1200];
	struct initramfs fs;
	size_t n = 0;
	int failed = 0;

	plat_uname(sys, rel, mach, sizeof sys);
	if (strcmp(mach, "x86_64") != 0) {
		snprintf(err, errsize, "--target qemu: boots an x86-64 Debian kernel; this machine is %s", mach);
		return -1;
	}
	if (find_program("qemu-system-x86_64", qemu, sizeof qemu) == -1) {
		snprintf(err, errsize, "--target qemu: QEMU is not installed (Debian: apt-get install qemu-system-x86)");
		return -1;
	}
	if (find_program("busybox", busybox, sizeof busybox) == -1) {
		snprintf(err, errsize, "--target qemu: busybox is not installed (Debian: apt-get install busybox-static)");
		return -1;
	}
	snprintf(runner, sizeof runner, "%s/sockconf", exe_dir);
	snprintf(cache, sizeof cache, "%s/qemu-kernel", exe_dir); /* fetched once, kept with the build */
	if (qemu_kernel(g, cache, kernel, sizeof kernel, err, errsize) == -1)
		return -1;

	snprintf(g->channel, sizeof g->channel, "%s/channel", g->dir);
	snprintf(g->console, sizeof g->console, "%s/console", g->dir);
	if (guest_command(cmd, sizeof cmd, o, "/sockconf", "/cases", "/divergences") == -1) {
		snprintf(err, errsize, "--target qemu: the command line is too long");
		return -1;
	}

	memset(&fs, 0, sizeof fs);
	snprintf(initrd, sizeof initrd, "%s/initrd.cpio", g->dir);
	fs.c.f = fopen(initrd, "wb");
	if (!fs.c.f) {
		snprintf(err, errsize, "--target qemu: cannot write %s: %s", initrd, strerror(errno));
		return -1;
	}
	static const char *const dirs[] = {"bin", "dev", "proc", "sys", "tmp", "cases", "divergences"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		set_add(&fs.dirs, &fs.ndirs, dirs[i]);
		cpio_dir(&fs.c, dirs[i]);
	}
	cpio_header(&fs.c, "dev/console", 0020600, 0, 5, 1); /* init's stdio before devtmpfs */
	initramfs_file(&fs, "bin/busybox", busybox);
	cpio_symlink(&fs.c, "bin/sh", "busybox");
	initramfs_file(&fs, "sockconf", runner);
	fs.dir = cases_dir;
	fs.into = "cases";
	if (plat_list_files(cases_dir, "", initramfs_listed, &fs) == -1)
		fs.c.failed = 1;
	fs.dir = div_dir;
	fs.into = "divergences";
	if (plat_list_files(div_dir, ".txt", initramfs_listed, &fs) == -1)
		fs.c.failed = 1;
	failed = initramfs_libraries(&fs, g, libdirs, sizeof libdirs, err, errsize) == -1;
	snprintf(script, sizeof script,
		 "#!/bin/busybox sh\n"
		 "# sockconf --target qemu: the guest's init (pid 1)\n"
		 "B=/bin/busybox\n"
		 "$B mount -t proc proc /proc\n"
		 "$B mount -t sysfs sysfs /sys\n"
		 "$B mount -t devtmpfs devtmpfs /dev\n"
		 "$B mount -t tmpfs tmpfs /tmp\n"
		 "$B ip link set lo up\n"
		 "export LD_LIBRARY_PATH='%s'\n"
		 "cd /\n" GUEST_RUN_AND_REPORT
		 "$B sync\n"
		 "$B poweroff -f\n",
		 libdirs, "/tmp", cmd, "/tmp", "/tmp", "/dev/ttyS1");
	cpio_text(&fs.c, "init", script, 0755);
	cpio_header(&fs.c, "TRAILER!!!", 0, 0, 0, 0);
	if (fclose(fs.c.f) != 0)
		fs.c.failed = 1;
	free(fs.dirs);
	free(fs.files);
	if (failed)
		return -1;
	if (fs.c.failed) {
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

/* ---- the channel ---------------------------------------------------------------- */

struct channel {
	size_t offset;       /* read so far */
	char line[8192];     /* a line not yet complete */
	size_t nline;
	char *tap;           /* the TAP, for the results file */
	size_t ntap, captap;
	int have_exit, exit_code, have_plan;
	char label[160];
};

static void channel_line(struct channel *ch, char *line)
{
	size_t n = strlen(line);

	if (n && line[n - 1] == '\r') /* a serial port's line ends */
		line[--n] = '\0';
	if (strncmp(line, "sockconf-exit: ", 15) == 0) {
		ch->have_exit = 1;
		ch->exit_code = atoi(line + 15);
		return;
	}
	if (strncmp(line, "sockconf-stderr: ", 17) == 0) {
		fprintf(stderr, "%s\n", line + 17);
		return;
	}
	if (!ch->label[0] && strncmp(line, "# label: ", 9) == 0)
		snprintf(ch->label, sizeof ch->label, "%s", line + 9);
	if (strncmp(line, "1..", 3) == 0)
		ch->have_plan = 1;
	printf("%s\n", line);
	if (ch->ntap + n + 2 > ch->captap) {
		size_t cap = (ch->captap + n + 2) * 2;
		char *more = realloc(ch->tap, cap);
		if (!more)
			return;
		ch->tap = more;
		ch->captap = cap;
	}
	memcpy(ch->tap + ch->ntap, line, n);
	ch->ntap += n;
	ch->tap[ch->ntap++] = '\n';
	ch->tap[ch->ntap] = '\0';
}

/* Hand on whatever complete lines the guest has written since the last look. */
static void channel_poll(struct channel *ch, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t got;

	if (!f)
		return;
	if (fseek(f, (long)ch->offset, SEEK_SET) == 0)
		while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
			ch->offset += got;
			for (size_t i = 0; i < got; i++) {
				if (buf[i] == '\n' || ch->nline == sizeof ch->line - 1) {
					ch->line[ch->nline] = '\0';
					channel_line(ch, ch->line);
					ch->nline = 0;
					if (buf[i] == '\n')
						continue;
				}
				if (buf[i] != '\0')
					ch->line[ch->nline++] = buf[i];
			}
		}
	fclose(f);
	fflush(stdout);
}

/* Why a guest gave no verdict, from its console: a panic line, else its last lines. */
static void console_reason(const char *console, char *out, size_t size)
{
	char *text = slurp(console, NULL);
	const char *p = text ? strstr(text, "Kernel panic") : NULL;

	if (p) {
		snprintf(out, size, "the guest kernel panicked: %.*s", (int)strcspn(p, "\r\n"), p);
	} else if (text && text[0]) {
		snprintf(out, size, "its console ended with: %s", tail_of(text, 240));
	} else
		snprintf(out, size, "its console is empty");
	for (char *q = out; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	free(text);
}

/* DIR/<label>.tap, written whole under a temporary name, then renamed. */
static int write_results(const char *out_dir, const char *label, const char *tap, size_t len)
{
	char tmp[1300], final[1300];
	FILE *f;
	int failed;

	if (plat_mkdir_p(out_dir) == -1) {
		fprintf(stderr, "sockconf: cannot create the results directory %s\n", out_dir);
		return -1;
	}
	snprintf(final, sizeof final, "%s/%s.tap", out_dir, label);
	snprintf(tmp, sizeof tmp, "%s/.%s.tap.tmp.%d", out_dir, label, plat_pid());
	f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "sockconf: cannot write in the results directory %s\n", out_dir);
		return -1;
	}
	failed = fwrite(tap, 1, len, f) != len;
	failed |= fclose(f) != 0;
	if (failed || plat_rename_replace(tmp, final) == -1) {
		remove(tmp);
		fprintf(stderr, "sockconf: could not write %s: %s\n", final, strerror(errno));
		return -1;
	}
	return 0;
}

/* A label from the guest is a file name here: nothing that leaves the directory. */
static int safe_label(const char *s)
{
	return s[0] && s[0] != '.' && !strpbrk(s, "/\\:*?\"<>| ");
}

int target_run_guest(const struct options *o, const struct catalog *cat, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, const char *scratch)
{
	struct guest *g = calloc(1, sizeof *g);
	struct channel ch;
	struct proc p;
	struct proc_exit ex = {0, 0};
	char err[2048], reason[1024], errpath[1300];
	const char *bound_env = getenv("SOCKCONF_GUEST_TIMEOUT");
	double deadline, quiet_since, boot_ms;
	int status = 2, i = -1, quiet = 0;
	unsigned jobs;

	memset(&ch, 0, sizeof ch);
	if (!g) {
		fprintf(stderr, "sockconf: out of memory\n");
		return 2;
	}
	g->target = o->target;
	absolute(scratch, g->dir, sizeof g->dir); /* the guest sees paths, not our cwd */
	append(g->dir, sizeof g->dir, "/");
	append(g->dir, sizeof g->dir, o->target);
	if (plat_mkdir_p(g->dir) == -1) {
		fprintf(stderr, "sockconf: --target %s: cannot create %s: %s\n", o->target, g->dir,
			strerror(errno));
		goto out;
	}
	err[0] = '\0';
	if ((strcmp(o->target, "uml") == 0 ? uml_setup : qemu_setup)(g, o, exe_dir, cases_dir,
								      div_dir, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		goto out;
	}
	/* the bound: the boot, then every case at its timeout, as many at once as the guest runs */
	boot_ms = g->bound_ms;
	jobs = o->jobs ? o->jobs : 1;
	g->bound_ms += (int)((cat->n * o->repeat + jobs - 1) / jobs * (o->timeout_ms + 500) + 10000);
	if (bound_env && atof(bound_env) > 0) /* for tests: one bound for everything */
		boot_ms = g->bound_ms = (int)(atof(bound_env) * 1000);

	snprintf(errpath, sizeof errpath, "%s/%s.err", g->dir, o->target);
	if (proc_start(&p, g->argv, g->env, g->console, errpath, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: --target %s: %s\n", o->target, err);
		goto out;
	}
	/*
	 * Two bounds: the whole run, and silence.  The guest runner prints each
	 * case as it ends, in order, every one within its timeout: a guest
	 * quiet for longer than two of them (or the boot, before its first
	 * line) is stuck.
	 */
	deadline = plat_now_ms() + g->bound_ms;
	quiet_since = plat_now_ms();
	for (;;) {
		double left = deadline - plat_now_ms();
		size_t before = ch.offset;
		i = proc_wait_any(&p, 1, left < 0 ? 0 : left < 100 ? (int)left : 100, &ex);
		channel_poll(&ch, g->channel);
		if (ch.offset != before)
			quiet_since = plat_now_ms();
		if (i != -1 || plat_now_ms() >= deadline)
			break;
		if (plat_now_ms() - quiet_since > (ch.offset ? 2.0 * o->timeout_ms + 10000 : boot_ms)) {
			quiet = 1;
			break;
		}
	}
	if (i == -2) {
		proc_kill_group(&p);
		printf("Bail out! interrupted by %s\n", signal_name(plat_interrupted()));
		fflush(stdout);
		status = 128 + plat_interrupted();
		goto out;
	}
	proc_kill_group(&p); /* on time or not: nothing of the guest outlives the run */
	channel_poll(&ch, g->channel);
	if (ch.nline) { /* a last line without its newline */
		ch.line[ch.nline] = '\0';
		channel_line(&ch, ch.line);
		ch.nline = 0;
	}
	fflush(stdout);
	if (!ch.have_exit) {
		console_reason(g->console, reason, sizeof reason);
		if (quiet)
			fprintf(stderr, "sockconf: --target %s: the guest %s for %.0f s and was killed; %s\n",
				o->target, ch.offset ? "went silent" : "said nothing",
				(plat_now_ms() - quiet_since) / 1000, reason);
		else if (i == -1)
			fprintf(stderr, "sockconf: --target %s: the guest gave no verdict within %d s and was killed; %s\n",
				o->target, g->bound_ms / 1000, reason);
		else {
			char *qerr = slurp(errpath, NULL);
			fprintf(stderr, "sockconf: --target %s: the guest ended (%s %d) without a verdict; %s%s%s\n",
				o->target, ex.signo ? "signal" : "exit", ex.signo ? ex.signo : ex.code,
				reason, qerr && qerr[0] ? "; " : "", qerr ? tail_of(qerr, 300) : "");
			free(qerr);
		}
		goto out;
	}
	status = ch.exit_code;
	if ((status == 0 || status == 1) && !ch.have_plan) { /* a verdict needs a run */
		fprintf(stderr, "sockconf: --target %s: the guest's runner exited %d without a TAP plan\n",
			o->target, status);
		status = 2;
		goto out;
	}
	if (o->out_dir && (status == 0 || status == 1) && ch.tap) {
		if (!safe_label(ch.label)) {
			fprintf(stderr, "sockconf: --target %s: the guest's TAP names no usable label\n",
				o->target);
			status = 2;
		} else if (write_results(o->out_dir, ch.label, ch.tap, ch.ntap) == -1)
			status = 2;
	}
out:
	free(ch.tap);
	remove_all(g->dir);
	free(g);
	return status;
}
