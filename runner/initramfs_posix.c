/*
 * initramfs_posix.c: the QEMU guest's initramfs (see target_posix.h): a
 * cpio archive (newc) of host files, with the shared libraries that the
 * dynamically linked ones among them need, at the paths ldd names.
 */

#include "target_posix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- the initramfs --------------------------------------------------------------- */

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

int initramfs_open(struct initramfs *fs, const char *path)
{
	memset(fs, 0, sizeof *fs);
	fs->c.f = fopen(path, "wb");
	return fs->c.f ? 0 : -1;
}

void initramfs_dir(struct initramfs *fs, const char *name)
{
	set_add(&fs->dirs, &fs->ndirs, name);
	cpio_dir(&fs->c, name);
}

void initramfs_chardev(struct initramfs *fs, const char *name, unsigned perm, unsigned rmajor,
		       unsigned rminor)
{
	cpio_header(&fs->c, name, 0020000 | perm, 0, rmajor, rminor);
}

void initramfs_symlink(struct initramfs *fs, const char *name, const char *to)
{
	cpio_symlink(&fs->c, name, to);
}

void initramfs_text(struct initramfs *fs, const char *name, const char *text, unsigned perm)
{
	cpio_text(&fs->c, name, text, perm);
}

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

void initramfs_file(struct initramfs *fs, const char *in, const char *host)
{
	initramfs_parents(fs, in);
	if (cpio_file(&fs->c, in, host, plat_is_executable(host) ? 0755 : 0644) == -1)
		fs->c.failed = 1;
	if (elf_is_static(host) == 0) /* dynamically linked: its libraries come too */
		set_add(&fs->files, &fs->nfiles, host);
}

void initramfs_library(struct initramfs *fs, const char *in, const char *host)
{
	initramfs_parents(fs, in);
	if (cpio_file(&fs->c, in, host, 0755) == -1)
		fs->c.failed = 1;
	set_add(&fs->files, &fs->nfiles, host); /* no PT_INTERP, yet it needs libraries: ldd it */
}

static void initramfs_listed(const char *name, void *ctx)
{
	struct initramfs *fs = ctx;
	char host[2400], in[1300];

	snprintf(host, sizeof host, "%s/%s", fs->dir, name);
	snprintf(in, sizeof in, "%s/%s", fs->into, name);
	initramfs_file(fs, in, host);
}

void initramfs_tree(struct initramfs *fs, const char *host_dir, const char *suffix,
		    const char *into)
{
	fs->dir = host_dir;
	fs->into = into;
	if (plat_list_files(host_dir, suffix, initramfs_listed, fs) == -1)
		fs->c.failed = 1;
}

/*
 * The shared libraries of the dynamically linked programs, at the paths
 * ldd names (the loader included), so the guest runs them as they are:
 * a build with libpcap watches the wire there too.  Their directories go
 * in *libdirs (':'-separated), for LD_LIBRARY_PATH.
 */
int initramfs_libraries(struct initramfs *fs, const char *work_dir, char *libdirs, size_t size,
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
	if (plat_find_program("ldd", path, sizeof path) == -1) {
		snprintf(err, errsize, "--target qemu: ldd is not installed: it finds the libraries the guest needs (Debian: libc-bin)");
		free(argv);
		free(copy);
		return -1;
	}
	argv[n++] = path;
	for (char *tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	if (run_bounded(argv, NULL, work_dir, "ldd", 60000, &ex, err, errsize) == -1)
		status = -1;
	snprintf(path, sizeof path, "%s/ldd.out", work_dir);
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

int initramfs_close(struct initramfs *fs)
{
	cpio_header(&fs->c, "TRAILER!!!", 0, 0, 0, 0);
	if (fclose(fs->c.f) != 0)
		fs->c.failed = 1;
	free(fs->dirs);
	free(fs->files);
	return fs->c.failed ? -1 : 0;
}
