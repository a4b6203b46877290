/*
 * wine_posix.c: the wine target on a Linux host (see target.h): each case
 * of the Windows build runs as `wine CASE.exe`, on Winsock as Wine
 * implements it.  Under Wine a socket is this machine's kernel socket held
 * by wineserver: the run tests Wine's Winsock layer, not a Windows TCP stack.
 *
 * The recipe, measured on Debian 12 with Wine 8.0 (BRIEF §5, §8):
 *   - a prefix is made once, by `wineboot --init` (3-10 s), beside the
 *     Windows build's cases (build/x86_64-w64-mingw32/wine-prefix), and
 *     each run clones it with `cp -al` (~0.04 s) into its scratch: wineserver
 *     saves the registry to a new file and renames it over the old one, so
 *     what the run changes never reaches the template through a link;
 *   - one `wineserver -p` (persistent) for the run, killed at its end with
 *     Wine's services: without it each case would start a server and
 *     Wine's own processes again (~0.25 s a case instead of ~0.02 s);
 *   - WINEARCH=win64; WINEDEBUG=-all (no debug lines on a case's stderr,
 *     and Debian's wrapper prints no wine32 hint);
 *     WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" (no Mono or
 *     Gecko installer, no menu entries); DISPLAY unset: headless.
 * The first wine process of a prefix starts Wine's own processes
 * (services.exe, winedevice.exe, plugplay.exe, ...), which then serve every
 * later one: they and the server belong to the run, not to a case
 * (proc_set_run_wide), so the runner starts that first process itself,
 * asking a case which stack it runs, before any case does.
 */

#include "stack_target.h"
#include "summary.h"
#include "target_posix.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#define WINEBOOT_BOUND_MS 120000 /* a prefix is made in 3-10 s; a slow disk, a cold cache */
#define SERVER_BOUND_MS 30000    /* wineserver -p returns once it listens */
#define FIRST_CASE_BOUND_MS 60000 /* the first wine process starts Wine's services */

enum { S_WINE, S_WINESERVER, S_TEMPLATE, S_LOADER }; /* w->strings */

/*
 * The environment of every wine process of the run, for the prefix at
 * `prefix`.  TMPDIR is the run's: Debian's Wine keeps its server's socket
 * in a directory it makes there (its fixes/temporary-directory.patch;
 * upstream's is /tmp/.wine-UID, see remove_server_dir), named in the
 * prefix's file "wineserver".
 */
static void wine_env(char *env[], char settings[2][1300], const char *prefix, const char *tmp,
		     char *loader)
{
	size_t n = 0;

	snprintf(settings[0], sizeof settings[0], "WINEPREFIX=%s", prefix);
	snprintf(settings[1], sizeof settings[1], "TMPDIR=%s", tmp);
	env[n++] = settings[0];
	env[n++] = settings[1];
	env[n++] = "WINEARCH=win64";
	env[n++] = "WINEDEBUG=-all";
	env[n++] = "WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d";
	if (loader && loader[0])
		env[n++] = loader; /* "WINELOADER=...": how Wine starts its own processes */
	env[n] = NULL;
}

/* An ELF file: a program itself, not a script that runs one. */
static int is_elf(const char *path)
{
	unsigned char magic[4] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(magic, 1, sizeof magic, f) : 0;

	if (f)
		fclose(f);
	return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

/*
 * The loader each case runs under, into w->strings[S_WINE].  Upstream's
 * wine is the loader itself.  Debian's is a shell script that, without
 * wine32, execs /usr/lib/wine/wine64 with WINELOADER set to it: a shell a
 * case (2-4 ms of CPU each) is saved by doing what it does once, here,
 * with the wine64 beside the script the wineserver link leads to
 * (/usr/lib/wine/wineserver).  Where neither is found, the script is run.
 * w->strings[S_LOADER]: "WINELOADER=..." for each case's environment, or "".
 */
static void find_loader(struct target_wrap *w)
{
	char real[PATH_MAX], loader[PATH_MAX + 16];
	char *slash;

	w->strings[S_LOADER][0] = '\0';
	if (realpath(w->strings[S_WINE], real) && is_elf(real))
		return;
	if (!realpath(w->strings[S_WINESERVER], real) || !(slash = strrchr(real, '/')))
		return;
	snprintf(loader, sizeof loader, "%.*s/wine64", (int)(slash - real), real);
	if (!is_elf(loader) || strlen(loader) >= sizeof w->strings[0] - sizeof "WINELOADER=")
		return;
	snprintf(w->strings[S_WINE], sizeof w->strings[0], "%s", loader);
	snprintf(w->strings[S_LOADER], sizeof w->strings[0], "WINELOADER=%s", loader);
}

/* The last lines of dir/NAME.err, on one line, for a message. */
static void stderr_tail(const char *dir, const char *name, char *out, size_t size)
{
	char path[1300], *text;

	snprintf(path, sizeof path, "%s/%s.err", dir, name);
	text = slurp(path, NULL);
	snprintf(out, size, "%s", text && text[0] ? tail_of(text, 300) : "(nothing on stderr)");
	free(text);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/*
 * A process of the run's own (proc_set_run_wide), waited for up to bound_ms:
 * 0 with its exit in *ex; -1 with a message.  Not proc_kill_group'd when it
 * ends: what it leaves running (the daemon wineserver -p forks, Wine's
 * services) is the run's.
 */
static int run_wide(char *const argv[], char *const env[], const char *dir, const char *name,
		    int bound_ms, struct proc_exit *ex, char *err, size_t errsize)
{
	char out[1300], errp[1300];
	struct proc p;
	int i, started;

	snprintf(out, sizeof out, "%s/%s.out", dir, name);
	snprintf(errp, sizeof errp, "%s/%s.err", dir, name);
	proc_set_run_wide(1);
	started = proc_start(&p, argv, env, out, errp, err, errsize);
	proc_set_run_wide(0);
	if (started != 0)
		return -1;
	i = proc_wait_any(&p, 1, bound_ms, ex);
	if (i != 0) {
		proc_kill_group(&p);
		snprintf(err, errsize, i == -2 ? "%s: interrupted" : "%s: no answer within %d s", name,
			 bound_ms / 1000);
		return -1;
	}
	return 0;
}

/*
 * The template prefix, made once: wineboot --init into a directory of its
 * own, its server stopped, then renamed into place, so a prefix that is
 * there is whole (a second run making it at the same time keeps the first).
 */
static int make_template(struct target_wrap *w, const char *tpl, char *err, size_t errsize)
{
	char tmp[1300], reg[1300], settings[2][1300], tail[400], wineboot[1024], wine_tmp[1300];
	char *env[8];
	struct proc_exit ex;
	char *boot[] = {wineboot, "--init", NULL};
	char *wait_server[] = {w->strings[S_WINESERVER], "-w", NULL};
	int made;

	snprintf(reg, sizeof reg, "%s/system.reg", tpl);
	if (exists(reg))
		return 0;
	if (plat_find_program("wineboot", wineboot, sizeof wineboot) == -1) {
		snprintf(err, errsize, "--target wine: wineboot is not installed (Debian: apt-get install wine wine64)");
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp-%d", tpl, (int)getpid());
	plat_remove_tree(tmp);
	snprintf(wine_tmp, sizeof wine_tmp, "%s/tmp", w->dir);
	plat_mkdir_p(wine_tmp);
	wine_env(env, settings, tmp, wine_tmp, NULL);
	progress("making the Wine prefix %s once (wineboot --init, ~10 s); each run clones it", tpl);
	/*
	 * The run's own, not killed when wineboot ends: its server writes the
	 * registry files only as it exits, which it does once Wine's services
	 * are idle (wineserver -w waits for that, ~5 s).  Its exit status says
	 * nothing (1 where wine32 is missing); the registry does.
	 */
	made = run_wide(boot, env, w->dir, "wineboot", WINEBOOT_BOUND_MS, &ex, err, errsize) == 0 &&
	       run_wide(wait_server, env, w->dir, "wineboot-wait", WINEBOOT_BOUND_MS, &ex, err,
			errsize) == 0;
	proc_kill_run_wide(5000);
	if (!made) {
		char why[600];
		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errsize, "--target wine: wineboot --init did not make the prefix %s: %s", tmp, why);
		plat_remove_tree(tmp);
		return -1;
	}
	snprintf(reg, sizeof reg, "%s/system.reg", tmp);
	if (!exists(reg)) {
		stderr_tail(w->dir, "wineboot", tail, sizeof tail);
		snprintf(err, errsize, "--target wine: wineboot --init made no prefix in %s (exit %d): %s",
			 tmp, ex.signo ? 128 + ex.signo : ex.code, tail);
		plat_remove_tree(tmp);
		return -1;
	}
	snprintf(reg, sizeof reg, "%s/wineserver", tmp); /* names a directory of this run's */
	unlink(reg);
	if (rename(tmp, tpl) == -1) {
		int why = errno;
		plat_remove_tree(tmp);
		snprintf(reg, sizeof reg, "%s/system.reg", tpl);
		if (!exists(reg)) { /* not another run's, made meanwhile */
			snprintf(err, errsize, "--target wine: cannot put the prefix in place as %s: %s", tpl,
				 strerror(why));
			return -1;
		}
	}
	return 0;
}

/* "wine-8.0 (Debian 8.0~repack-4)": "8.0", a word of a file name. */
static void wine_release(const char *text, char *out, size_t size)
{
	const char *v = strncmp(text, "wine-", 5) == 0 ? text + 5 : text;
	size_t n = strspn(v, "0123456789.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

	snprintf(out, size, "%.*s", (int)n, v);
	if (!out[0])
		snprintf(out, size, "unknown");
}

/* The first line of a file, "" when there is none. */
static void first_line_of(const char *path, char *out, size_t size)
{
	char *text = slurp(path, NULL);

	snprintf(out, size, "%.*s", text ? (int)strcspn(text, "\r\n") : 0, text ? text : "");
	free(text);
}

int wine_prepare(struct target_wrap *w, const struct catalog *cat, struct identity *id,
		 int label_given, char *err, size_t errsize)
{
	char build[1200], version_text[200], release[64], line[300], name[32], version[64];
	char tail[400], path[1300], cp[1024];
	const struct case_entry *first = NULL;
	struct proc_exit ex;
	char *version_argv[] = {w->strings[S_WINE], "--version", NULL};
	char *server_argv[] = {w->strings[S_WINESERVER], "-p", NULL};
	char *clone_argv[] = {cp, "-al", w->strings[S_TEMPLATE], w->wine_prefix, NULL};
	char *ask_argv[4];

	if (plat_find_program("wine", w->strings[S_WINE], sizeof w->strings[0]) == -1 ||
	    plat_find_program("wineserver", w->strings[S_WINESERVER], sizeof w->strings[0]) == -1) {
		snprintf(err, errsize, "--target wine: wine is not installed (Debian: apt-get install wine wine64)");
		return -1;
	}
	if (plat_find_program("cp", cp, sizeof cp) == -1) {
		snprintf(err, errsize, "--target wine: no cp on PATH to clone the prefix with");
		return -1;
	}
	for (size_t k = 0; k < cat->n && !first; k++)
		if (cat->cases[k].executable)
			first = &cat->cases[k];
	if (!first) {
		snprintf(err, errsize, "--target wine: no runnable case to ask which stack it runs (CASE --stack)");
		return -1;
	}
	if (plat_mkdir_p(w->dir) == -1) {
		snprintf(err, errsize, "--target wine: cannot create %s: %s", w->dir, strerror(errno));
		return -1;
	}
	/* headless: Wine opens no window where there is no display to open */
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");

	if (run_bounded(version_argv, NULL, w->dir, "version", 30000, &ex, err, errsize) == -1)
		return -1;
	snprintf(path, sizeof path, "%s/version.out", w->dir);
	first_line_of(path, version_text, sizeof version_text);
	wine_release(version_text, release, sizeof release);

	/* the template: the Windows build's directory, the one above its cases */
	absolute(first->path, build, sizeof build);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(build, '/');
		if (slash && slash != build)
			*slash = '\0';
	}
	snprintf(w->strings[S_TEMPLATE], sizeof w->strings[0], "%s/wine-prefix", build);
	if (make_template(w, w->strings[S_TEMPLATE], err, errsize) == -1)
		return -1;
	absolute(w->dir, path, sizeof path);
	snprintf(w->wine_prefix, sizeof w->wine_prefix, "%s/prefix", path);
	if (run_bounded(clone_argv, NULL, w->dir, "clone", 60000, &ex, err, errsize) == -1)
		return -1;
	if (ex.signo || ex.code != 0) {
		stderr_tail(w->dir, "clone", tail, sizeof tail);
		snprintf(err, errsize, "--target wine: cp -al %s %s failed: %s", w->strings[S_TEMPLATE],
			 w->wine_prefix, tail);
		return -1;
	}
	snprintf(path, sizeof path, "%s/wineserver", w->wine_prefix); /* a template made before this rule */
	unlink(path);
	snprintf(path, sizeof path, "%s/tmp", w->dir);
	if (plat_mkdir_p(path) == -1) {
		snprintf(err, errsize, "--target wine: cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	find_loader(w);
	wine_env(w->env, w->wine_env, w->wine_prefix, path, w->strings[S_LOADER]);

	/* the run's server: the parent returns once the daemon listens */
	if (run_wide(server_argv, w->env, w->dir, "wineserver", SERVER_BOUND_MS, &ex, err, errsize) == -1)
		return -1;
	if (ex.signo || ex.code != 0) {
		stderr_tail(w->dir, "wineserver", tail, sizeof tail);
		snprintf(err, errsize, "--target wine: wineserver -p did not start (exit %d): %s",
			 ex.signo ? 128 + ex.signo : ex.code, tail);
		return -1;
	}
	/* the first wine process, which starts Wine's own: which stack does a case run */
	ask_argv[0] = w->strings[S_WINE];
	ask_argv[1] = (char *)first->path;
	ask_argv[2] = "--stack";
	ask_argv[3] = NULL;
	progress("starting Wine %s's services in the run's prefix; then each case runs as wine CASE.exe",
		 release);
	if (run_wide(ask_argv, w->env, w->dir, "stack", FIRST_CASE_BOUND_MS, &ex, err, errsize) == -1)
		return -1;
	snprintf(path, sizeof path, "%s/stack.out", w->dir);
	first_line_of(path, line, sizeof line);
	if (ex.signo || ex.code != 0 || stack_parse_answer(line, name, sizeof name, version,
							    sizeof version) == -1) {
		stderr_tail(w->dir, "stack", tail, sizeof tail);
		snprintf(err, errsize, "--target wine: wine %s --stack: exit %d, no 'NAME VERSION' line "
			 "(is %s the Windows build?): %s", first->id, ex.signo ? 128 + ex.signo : ex.code,
			 first->path, tail);
		return -1;
	}
	if (strcmp(name, "winsock") != 0) {
		snprintf(err, errsize, "--target wine: %s says it runs '%s', not winsock: %s is not the "
			 "Windows build of the cases", first->id, name, first->path);
		return -1;
	}

	/* each case: wine CASE.exe, in the run's prefix */
	w->argv[0] = w->strings[S_WINE];
	w->argv[1] = NULL;
	snprintf(id->host, sizeof id->host, "%s %s %s", id->os, id->kernel, id->machine);
	snprintf(id->target, sizeof id->target, "wine");
	snprintf(id->os, sizeof id->os, "Wine");
	/* "8.0 (wine-8.0 (Debian 8.0~repack-4))": the label takes the release */
	snprintf(id->kernel, sizeof id->kernel, "%s (%s)", release, version_text);
	/* Wine's sockets are this kernel's: id->sysctls stays "", the host's are shown */
	identity_set_stack(id, "winsock", version[0] ? version : release, NULL, label_given);
	return 0;
}

/*
 * The server's directory where it is not under the run's TMPDIR: upstream
 * Wine's /tmp/.wine-UID/server-DEV-INO, Debian's under /run/user/UID/wine
 * where that exists; DEV and INO are the prefix's, so it is the run's.
 */
static void remove_server_dir(const char *prefix)
{
	struct stat st;
	char dir[200];
	unsigned long long dev, ino;

	if (stat(prefix, &st) == -1)
		return;
	dev = (unsigned long long)st.st_dev, ino = (unsigned long long)st.st_ino;
	snprintf(dir, sizeof dir, "/tmp/.wine-%u/server-%llx-%llx", (unsigned)getuid(), dev, ino);
	plat_remove_tree(dir);
	snprintf(dir, sizeof dir, "/run/user/%u/wine/server-%llx-%llx", (unsigned)getuid(), dev, ino);
	plat_remove_tree(dir);
}

/*
 * The prefix is thrown away with the run, so nothing of Wine's needs an
 * orderly end: the server and Wine's services are killed (wineserver -k
 * would take ~0.8 s to say goodbye to each), then the server's socket
 * directory goes with the scratch, or by remove_server_dir.
 */
void wine_finish(struct target_wrap *w)
{
	proc_kill_run_wide(5000);
	remove_server_dir(w->wine_prefix);
}
