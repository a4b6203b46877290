/*
 * platform_win.c: the runner's platform layer on Windows.  The twin of
 * platform_posix.c; see platform.h for the contract.
 *
 * A case runs as a process in a job object of its own (the job is the
 * "process group": proc_kill_group terminates the job, so whatever the
 * case started goes with it), started suspended so it cannot start
 * anything before it is in the job.  It has no console (DETACHED_PROCESS):
 * a Ctrl+C at the runner's console reaches the runner only, as a terminal
 * SIGINT reaches only the runner's process group on POSIX.
 *
 * Handles: proc_wait_any never closes anything (the caller may hold
 * copies of struct proc); proc_kill_group closes the process and job
 * handles and zeroes them, so calling it twice is harmless.
 */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#include "platform.h"
#include "text.h"

#include <windows.h>
#include <ctype.h>
#include <io.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define KILLED_EXIT_CODE 137 /* what TerminateJobObject leaves: 128 + SIGKILL, as a shell shows it */

/* GetLastError() as errno, for the file functions whose callers print strerror(errno). */
static int errno_of(DWORD err)
{
	switch (err) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_PATHNAME: return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION: return EACCES;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS: return EEXIST;
	case ERROR_DIRECTORY: return ENOTDIR;
	case ERROR_DIR_NOT_EMPTY: return ENOTEMPTY;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY: return ENOMEM;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL: return ENOSPC;
	case ERROR_FILENAME_EXCED_RANGE: return ENAMETOOLONG;
	case ERROR_NOT_SAME_DEVICE: return EXDEV;
	case ERROR_WRITE_PROTECT: return EROFS;
	case ERROR_BAD_EXE_FORMAT: return ENOEXEC;
	default: return EINVAL;
	}
}

static void win_message(char *out, size_t size, DWORD err)
{
	char text[256];
	DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err,
				 0, text, sizeof text, NULL);

	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ' ||
		     text[n - 1] == '.'))
		text[--n] = '\0';
	if (n)
		snprintf(out, size, "%s (Windows error %lu)", text, (unsigned long)err);
	else
		snprintf(out, size, "Windows error %lu", (unsigned long)err);
}

/* ---- interrupts ----------------------------------------------------------- */

static volatile LONG interrupted;
static HANDLE interrupt_event; /* set by the console handler: wakes proc_wait_any */

static BOOL WINAPI on_console_event(DWORD type)
{
	/* Ctrl+C is SIGINT; Ctrl+Break, closing the console, logoff, shutdown ask us to end: SIGTERM */
	InterlockedExchange(&interrupted, type == CTRL_C_EVENT ? SIGINT : SIGTERM);
	if (interrupt_event)
		SetEvent(interrupt_event);
	return TRUE; /* handled: the runner kills its cases and writes what it has */
}

static HANDLE wake_event(void)
{
	if (!interrupt_event)
		interrupt_event = CreateEventA(NULL, TRUE, FALSE, NULL);
	return interrupt_event;
}

void plat_catch_interrupts(void)
{
	wake_event();
	SetConsoleCtrlHandler(on_console_event, TRUE);
}

int plat_interrupted(void)
{
	return (int)interrupted;
}

/* ---- starting a case ------------------------------------------------------ */

static void add_quoted_arg(struct text *b, const char *arg)
{
	if (*arg && !strpbrk(arg, " \t\n\v\"")) {
		text_add(b, arg, strlen(arg));
		return;
	}
	text_add(b, "\"", 1);
	for (const char *p = arg;; p++) {
		size_t slashes = 0;

		while (*p == '\\')
			p++, slashes++;
		if (*p == '\0') {
			for (size_t i = 0; i < slashes * 2; i++) /* they precede the closing quote */
				text_add(b, "\\", 1);
			break;
		}
		for (size_t i = 0; i < (*p == '"' ? slashes * 2 + 1 : slashes); i++)
			text_add(b, "\\", 1);
		text_add(b, p, 1);
	}
	text_add(b, "\"", 1);
}

static char *command_line(char *const argv[])
{
	struct text b = {0};

	for (size_t i = 0; argv[i]; i++) {
		if (i)
			text_add(&b, " ", 1);
		add_quoted_arg(&b, argv[i]);
	}
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static size_t name_len(const char *entry)
{
	/* "=C:=C:\dir" is a name starting with '=': look for the '=' after the first character */
	const char *eq = strchr(entry + (entry[0] == '=' ? 1 : 0), '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

static int same_name(const char *a, const char *b)
{
	size_t la = name_len(a), lb = name_len(b);

	return la == lb && _strnicmp(a, b, la) == 0; /* Windows names are case-insensitive */
}

static int by_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = name_len(x), ly = name_len(y);
	int c = _strnicmp(x, y, lx < ly ? lx : ly);

	return c ? c : (lx > ly) - (lx < ly);
}

/*
 * This process's environment with `env` added (an entry of `env` replaces
 * one of the same name), as a CreateProcess block: "A=1\0B=2\0\0", sorted
 * by name as Windows expects.
 */
static char *environment_block(char *const env[])
{
	char *own = GetEnvironmentStringsA();
	size_t n = 0, k = 0, extra = 0;
	const char **entries;
	struct text b = {0};

	for (const char *e = own; e && *e; e += strlen(e) + 1)
		n++;
	for (; env && env[extra]; extra++)
		;
	entries = malloc((n + extra + 1) * sizeof *entries);
	if (!entries) {
		FreeEnvironmentStringsA(own);
		return NULL;
	}
	for (const char *e = own; e && *e; e += strlen(e) + 1) {
		int replaced = 0;

		for (size_t i = 0; i < extra && !replaced; i++)
			replaced = same_name(e, env[i]);
		if (!replaced)
			entries[k++] = e;
	}
	for (size_t i = 0; i < extra; i++)
		entries[k++] = env[i];
	qsort(entries, k, sizeof *entries, by_name);
	for (size_t i = 0; i < k; i++)
		text_add(&b, entries[i], strlen(entries[i]) + 1);
	text_add(&b, "", 1); /* the block ends with an empty string */
	if (k == 0)
		text_add(&b, "", 1);
	free(entries);
	FreeEnvironmentStringsA(own);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static HANDLE open_inheritable(const char *path, DWORD access, DWORD disposition)
{
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};

	/* FILE_SHARE_DELETE: the runner may remove the file while a straggler still holds it */
	return CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, &sa,
			   disposition, FILE_ATTRIBUTE_NORMAL, NULL);
}

static int is_regular_file(const char *path)
{
	DWORD attr = GetFileAttributesA(path);

	return attr != INVALID_FILE_ATTRIBUTES && !(attr & FILE_ATTRIBUTE_DIRECTORY);
}

/*
 * The file to run for `name`: as named, or with .exe added, or (a bare
 * name, such as a target's wrapper) found on PATH with .exe added, as
 * CreateProcess would.  0, or -1 when none exists.
 */
int plat_find_program(const char *name, char *app, size_t size)
{
	DWORD n;

	snprintf(app, size, "%s", name);
	if (is_regular_file(app))
		return 0;
	snprintf(app, size, "%s.exe", name);
	if (is_regular_file(app))
		return 0;
	if (strpbrk(name, "/\\:"))
		return -1; /* a path: not searched for */
	n = SearchPathA(NULL, name, ".exe", (DWORD)size, app, NULL);
	return n > 0 && n < size && is_regular_file(app) ? 0 : -1;
}

int proc_start(struct proc *p, char *const argv[], char *const env[], const char *stdout_path,
	       const char *stderr_path, char *err, size_t errsize)
{
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	HANDLE in, out, errh, job;
	char *cmd, *block, app[MAX_PATH + 8];
	char why[300];
	BOOL ok;
	DWORD last;

	memset(p, 0, sizeof *p);
	if (plat_find_program(argv[0], app, sizeof app) == -1) {
		snprintf(err, errsize, "cannot execute %s: no such file", argv[0]);
		return -1;
	}
	/* A crash ends the case with its status, not with an error dialog; children inherit the mode. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);

	in = open_inheritable("NUL", GENERIC_READ, OPEN_EXISTING);
	out = open_inheritable(stdout_path, GENERIC_WRITE, CREATE_ALWAYS);
	errh = strcmp(stdout_path, stderr_path) == 0 ? out
						     : open_inheritable(stderr_path, GENERIC_WRITE, CREATE_ALWAYS);
	if (out == INVALID_HANDLE_VALUE || errh == INVALID_HANDLE_VALUE) {
		win_message(why, sizeof why, GetLastError());
		snprintf(err, errsize, "cannot create output files in %s: %s", stdout_path, why);
		if (in != INVALID_HANDLE_VALUE)
			CloseHandle(in);
		if (out != INVALID_HANDLE_VALUE)
			CloseHandle(out);
		if (errh != INVALID_HANDLE_VALUE && errh != out)
			CloseHandle(errh);
		return -1;
	}
	cmd = command_line(argv);
	block = environment_block(env);
	if (!cmd || !block) {
		snprintf(err, errsize, "out of memory starting %s", argv[0]);
		ok = FALSE;
		last = 0;
	} else {
		memset(&si, 0, sizeof si);
		si.cb = sizeof si;
		si.dwFlags = STARTF_USESTDHANDLES;
		si.hStdInput = in;
		si.hStdOutput = out;
		si.hStdError = errh;
		/*
		 * Inheritance: the child gets every inheritable handle of the
		 * runner.  The runner's only inheritable handles are these three,
		 * closed right after this call, and it starts cases from one
		 * thread: a case never inherits another case's output files.
		 */
		ok = CreateProcessA(app, cmd, NULL, NULL, TRUE,
				    CREATE_SUSPENDED | DETACHED_PROCESS, block, NULL, &si, &pi);
		last = GetLastError();
	}
	if (in != INVALID_HANDLE_VALUE)
		CloseHandle(in);
	CloseHandle(out);
	if (errh != out)
		CloseHandle(errh);
	free(cmd);
	free(block);
	if (!ok) {
		if (last) {
			win_message(why, sizeof why, last);
			snprintf(err, errsize, "cannot execute %s: %s", argv[0], why);
		}
		return -1;
	}

	/*
	 * The job: TerminateJobObject ends the case and anything it started.
	 * KILL_ON_JOB_CLOSE: if the runner dies, its cases die with it.  A
	 * runner that is itself in a job that forbids nesting (before Windows
	 * 8) runs the case without one: kill then ends the case process only.
	 */
	job = CreateJobObjectA(NULL, NULL);
	if (job) {
		JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;

		memset(&lim, 0, sizeof lim);
		lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
		SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof lim);
		if (!AssignProcessToJobObject(job, pi.hProcess)) {
			CloseHandle(job);
			job = NULL;
		}
	}
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	p->id = (intptr_t)pi.hProcess;
	p->group = (intptr_t)job;
	p->running = 1;
	p->mark = 0;
	p->left_running[0] = '\0'; /* nothing leaves a job object */
	return 0;
}

/* No per-process file size limit here: the scheduler's polling of the output
 * files' size is the bound. */
void proc_set_output_cap(unsigned long bytes)
{
	(void)bytes;
}

void proc_set_setup(proc_setup_fn setup, void *ctx)
{
	(void)setup, (void)ctx; /* no target here makes surroundings for a case */
}

/* A case's job object is JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and only the runner
 * holds its handle: when the runner dies, however it dies, the system closes the
 * handle and kills the job, and nothing a case starts can leave the job.  There
 * is nothing more to set up. */
void plat_own_descendants(void)
{
}

/* ---- waiting ----------------------------------------------------------------- */

/*
 * A process that died of an exception exits with the NTSTATUS; the runner
 * reports signals, so the common ones are given as the C runtime's signal
 * that stands for them.
 * abort() in the Microsoft C runtimes: 3 (msvcrt, after raise(SIGABRT)),
 * or a fail-fast 0xC0000409 (ucrt, /GS): both SIGABRT.  Cases exit 0, 1
 * or 2 only, so 3 is no ordinary status.
 */
static void decode_exit(DWORD status, struct proc_exit *ex)
{
	int signo = 0;

	switch (status) {
	case 0xC0000005: /* STATUS_ACCESS_VIOLATION */
	case 0xC0000006: /* STATUS_IN_PAGE_ERROR */
	case 0xC00000FD: /* STATUS_STACK_OVERFLOW */
	case 0x80000002: /* STATUS_DATATYPE_MISALIGNMENT */
		signo = SIGSEGV;
		break;
	case 0xC000001D: /* STATUS_ILLEGAL_INSTRUCTION */
	case 0xC0000096: /* STATUS_PRIVILEGED_INSTRUCTION */
		signo = SIGILL;
		break;
	case 0xC000008C: /* array bounds exceeded */
	case 0xC000008D: case 0xC000008E: case 0xC000008F: case 0xC0000090: /* float */
	case 0xC0000091: case 0xC0000092: case 0xC0000093:
	case 0xC0000094: /* STATUS_INTEGER_DIVIDE_BY_ZERO */
	case 0xC0000095: /* STATUS_INTEGER_OVERFLOW */
		signo = SIGFPE;
		break;
	case 0xC0000409: /* STATUS_STACK_BUFFER_OVERRUN: __fastfail, ucrt abort() */
	case 3:          /* msvcrt abort() */
		/*
		 * The C runtime's SIGABRT (22, not POSIX's 6): signal numbers
		 * here are <signal.h>'s, so the runner names it.  SIGSEGV,
		 * SIGILL, SIGFPE and SIGINT have their POSIX numbers anyway.
		 */
		signo = SIGABRT;
		break;
	case 0xC000013A: /* STATUS_CONTROL_C_EXIT */
		signo = SIGINT;
		break;
	case KILLED_EXIT_CODE:
		break; /* only proc_kill_group uses it, and that reaps without reporting */
	default:
		break;
	}
	ex->signo = signo;
	ex->code = signo ? -1 : (int)status;
}

static int reap(struct proc *procs, size_t i, struct proc_exit *ex)
{
	DWORD status = 0;

	if (!GetExitCodeProcess((HANDLE)procs[i].id, &status) || status == STILL_ACTIVE)
		return -1; /* signalled means ended: this does not happen */
	procs[i].running = 0;
	decode_exit(status, ex);
	return (int)i;
}

int proc_wait_any(struct proc *procs, size_t n, int timeout_ms, struct proc_exit *ex)
{
	double deadline = plat_now_ms() + timeout_ms;
	HANDLE wake = wake_event();

	for (;;) {
		HANDLE handles[MAXIMUM_WAIT_OBJECTS];
		size_t which[MAXIMUM_WAIT_OBJECTS];
		DWORD count = 0, r, slice;
		size_t running = 0;
		int left;

		if (interrupted)
			return -2;
		if (wake)
			handles[count++] = wake;
		for (size_t i = 0; i < n; i++) {
			if (!procs[i].running)
				continue;
			running++;
			if (count < MAXIMUM_WAIT_OBJECTS) {
				which[count] = i;
				handles[count++] = (HANDLE)procs[i].id;
			}
		}
		left = timeout_ms < 0 ? -1 : (int)(deadline - plat_now_ms());
		if (timeout_ms >= 0 && left < 0)
			left = 0;
		slice = left < 0 ? INFINITE : (DWORD)left;
		if (running > count - (wake ? 1 : 0)) {
			/* More than one wait can hold: check the rest now, then wait briefly on these. */
			for (size_t i = 0; i < n; i++)
				if (procs[i].running &&
				    WaitForSingleObject((HANDLE)procs[i].id, 0) == WAIT_OBJECT_0 &&
				    reap(procs, i, ex) >= 0)
					return (int)i;
			if (slice > 10)
				slice = 10;
		}
		if (count == 0) {
			/* no event and nothing running: nothing can end before the timeout */
			Sleep(slice);
			return -1;
		}
		r = WaitForMultipleObjects(count, handles, FALSE, slice);
		if (r < WAIT_OBJECT_0 + count) { /* WAIT_OBJECT_0 is 0 */
			DWORD k = r - WAIT_OBJECT_0;

			if (wake && k == 0)
				continue; /* the interrupt: returns -2 above */
			if (reap(procs, which[k], ex) >= 0)
				return (int)which[k];
			continue;
		}
		if (r == WAIT_FAILED && slice)
			Sleep(1); /* a handle went bad: do not spin */
		if (timeout_ms >= 0 && plat_now_ms() >= deadline)
			return -1;
	}
}

/* Waits (bounded) until nothing in the job runs, so its output files are closed. */
static void wait_job_empty(HANDLE job)
{
	double until = plat_now_ms() + 2000;

	for (;;) {
		JOBOBJECT_BASIC_ACCOUNTING_INFORMATION acct;

		if (!QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &acct,
					       sizeof acct, NULL) ||
		    acct.ActiveProcesses == 0 || plat_now_ms() > until)
			return;
		Sleep(1);
	}
}

void proc_kill_group(struct proc *p)
{
	HANDLE process = (HANDLE)p->id, job = (HANDLE)p->group;

	if (job) {
		TerminateJobObject(job, KILLED_EXIT_CODE);
		wait_job_empty(job);
		CloseHandle(job);
		p->group = 0;
	} else if (process && p->running) {
		TerminateProcess(process, KILLED_EXIT_CODE);
	}
	if (process) {
		if (p->running)
			WaitForSingleObject(process, 10000);
		CloseHandle(process);
		p->id = 0;
	}
	p->running = 0;
}

/* ---- machine facts --------------------------------------------------------- */

double plat_now_ms(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER now;

	if (freq.QuadPart == 0)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&now);
	return (double)now.QuadPart * 1e3 / (double)freq.QuadPart;
}

unsigned plat_cpu_count(void)
{
	SYSTEM_INFO si;

	GetSystemInfo(&si);
	return si.dwNumberOfProcessors ? (unsigned)si.dwNumberOfProcessors : 1;
}

int plat_cpu_times(struct plat_cpu_times *t)
{
	FILETIME idle, kernel, user; /* 100 ns units; kernel time includes idle time */
	ULARGE_INTEGER i, k, u;

	if (!GetSystemTimes(&idle, &kernel, &user))
		return -1;
	i.LowPart = idle.dwLowDateTime, i.HighPart = idle.dwHighDateTime;
	k.LowPart = kernel.dwLowDateTime, k.HighPart = kernel.dwHighDateTime;
	u.LowPart = user.dwLowDateTime, u.HighPart = user.dwHighDateTime;
	t->idle_ms = (double)i.QuadPart / 1e4;
	t->busy_ms = (double)(k.QuadPart - i.QuadPart + u.QuadPart) / 1e4;
	return 0;
}

/* A function of ntdll.dll, or NULL: RtlGetVersion, and Wine's own exports. */
static void (*ntdll_function(const char *name))(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");

	/* through void (*)(void), which any function pointer converts to and from */
	return ntdll ? (void (*)(void))GetProcAddress(ntdll, name) : NULL;
}

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);
typedef const char *(__cdecl *wine_get_version_fn)(void);
typedef void(__cdecl *wine_get_host_version_fn)(const char **sysname, const char **release);

/*
 * Under Wine the stack under test is Wine's ws2_32 on the host's kernel,
 * not Windows: the machine is named "Wine" with Wine's version, so a run
 * is never filed as a Windows result.
 */
static const char *wine_version(void)
{
	wine_get_version_fn fn = (wine_get_version_fn)ntdll_function("wine_get_version");

	return fn ? fn() : NULL;
}

static void windows_version(char *out, size_t size)
{
	rtl_get_version_fn fn = (rtl_get_version_fn)ntdll_function("RtlGetVersion");
	OSVERSIONINFOW v;

	memset(&v, 0, sizeof v);
	v.dwOSVersionInfoSize = sizeof v;
	/* RtlGetVersion: GetVersionEx lies (6.2) to programs without a manifest */
	if (fn && fn(&v) == 0)
		snprintf(out, size, "%lu.%lu.%lu", (unsigned long)v.dwMajorVersion,
			 (unsigned long)v.dwMinorVersion, (unsigned long)v.dwBuildNumber);
	else
		snprintf(out, size, "unknown");
}

void plat_uname(char *sys, char *release, char *machine, size_t size)
{
	SYSTEM_INFO si;
	const char *wine = wine_version();
	const char *arch;

	if (wine) {
		snprintf(sys, size, "Wine");
		snprintf(release, size, "%s", wine);
	} else {
		snprintf(sys, size, "Windows");
		windows_version(release, size);
	}
	GetNativeSystemInfo(&si);
	switch (si.wProcessorArchitecture) {
	case PROCESSOR_ARCHITECTURE_AMD64: arch = "x86_64"; break;
	case PROCESSOR_ARCHITECTURE_INTEL: arch = "i686"; break;
	case PROCESSOR_ARCHITECTURE_ARM: arch = "arm"; break;
#ifdef PROCESSOR_ARCHITECTURE_ARM64
	case PROCESSOR_ARCHITECTURE_ARM64: arch = "aarch64"; break;
#endif
	default: arch = "unknown"; break;
	}
	snprintf(machine, size, "%s", arch);
}

/*
 * Windows: no settings are written (the TCP parameters live in the
 * registry and are rarely changed).  Under Wine the TCP stack is the
 * host's kernel, and which Windows Wine pretends to be changes some
 * answers: both are recorded.
 */
void plat_write_sysctls(FILE *out)
{
	wine_get_host_version_fn host =
		(wine_get_host_version_fn)ntdll_function("wine_get_host_version");
	char version[64];

	if (!wine_version())
		return;
	windows_version(version, sizeof version);
	fprintf(out, "# sysctl wine.windows_version = %s\n", version);
	if (host) {
		const char *sysname = NULL, *rel = NULL;

		host(&sysname, &rel);
		if (sysname && rel)
			fprintf(out, "# sysctl wine.host_kernel = %s %s\n", sysname, rel);
	}
}

/* ---- files ------------------------------------------------------------------- */

static char *last_separator(char *path)
{
	char *slash = strrchr(path, '/'), *back = strrchr(path, '\\');

	return slash > back ? slash : back;
}

void plat_exe_dir(const char *argv0, char *out, size_t size)
{
	char path[MAX_PATH * 2];
	DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
	char *sep;

	if (n == 0 || n >= sizeof path)
		snprintf(path, sizeof path, "%s", argv0);
	sep = last_separator(path);
	if (sep)
		*sep = '\0';
	else
		snprintf(path, sizeof path, ".");
	snprintf(out, size, "%s", path);
}

static int ends_with(const char *name, const char *suffix, int fold_case)
{
	size_t len = strlen(name), slen = strlen(suffix);

	if (len < slen)
		return 0;
	return fold_case ? _stricmp(name + len - slen, suffix) == 0
			 : strcmp(name + len - slen, suffix) == 0;
}

/* Windows runs what ends in .exe; there is no execute bit to test. */
int plat_is_executable(const char *path)
{
	return is_regular_file(path) && ends_with(path, ".exe", 1);
}

static int make_dir(const char *path)
{
	DWORD attr;

	if (CreateDirectoryA(path, NULL))
		return 0;
	attr = GetFileAttributesA(path);
	if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
		return 0; /* exists already (ERROR_ALREADY_EXISTS, or ACCESS_DENIED for a drive root) */
	errno = errno_of(GetLastError());
	return -1;
}

int plat_mkdir_p(const char *dir)
{
	char path[MAX_PATH * 2];
	char *p = path;

	snprintf(path, sizeof path, "%s", dir);
	/* skip what is not a directory to create: "C:", "\\server\share", a leading separator */
	if (isalpha((unsigned char)p[0]) && p[1] == ':')
		p += 2;
	if ((p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/')) {
		int parts = 0;

		for (p += 2; *p && parts < 2; p++)
			if (*p == '\\' || *p == '/')
				parts++;
	}
	while (*p == '\\' || *p == '/')
		p++;
	for (; *p; p++) {
		char c = *p;

		if (c != '/' && c != '\\')
			continue;
		*p = '\0';
		if (make_dir(path) == -1)
			return -1;
		*p = c;
	}
	return make_dir(path);
}

int plat_rename_replace(const char *tmp, const char *path)
{
	/*
	 * Replacing fails for a moment while another program (a virus
	 * scanner, an indexer, a reader without FILE_SHARE_DELETE) has the
	 * destination open: try again for up to about a second.
	 */
	for (int attempt = 0;; attempt++) {
		DWORD err;

		if (MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
			return 0;
		err = GetLastError();
		if ((err != ERROR_ACCESS_DENIED && err != ERROR_SHARING_VIOLATION) || attempt == 100) {
			errno = errno_of(err);
			return -1;
		}
		Sleep(10);
	}
}

int plat_make_temp_dir(char *out, size_t size)
{
	char base[MAX_PATH + 1];
	DWORD n = GetTempPathA(sizeof base, base);

	if (n == 0 || n > sizeof base) {
		errno = ENOENT;
		return -1;
	}
	if (base[n - 1] == '\\' || base[n - 1] == '/')
		base[n - 1] = '\0';
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		/* CreateDirectory fails on a name that exists: the directory is ours alone */
		snprintf(out, size, "%s\\sockconf.%lu.%lu.%u", base, (unsigned long)GetCurrentProcessId(),
			 (unsigned long)GetTickCount(), attempt);
		if (CreateDirectoryA(out, NULL))
			return 0;
		if (GetLastError() != ERROR_ALREADY_EXISTS) {
			errno = errno_of(GetLastError());
			return -1;
		}
	}
	errno = EEXIST;
	return -1;
}

void plat_remove_tree(const char *dir)
{
	WIN32_FIND_DATAA fd;
	char pattern[MAX_PATH * 2];
	HANDLE h;

	snprintf(pattern, sizeof pattern, "%s\\*", dir);
	h = FindFirstFileA(pattern, &fd);
	if (h != INVALID_HANDLE_VALUE) {
		do {
			char path[MAX_PATH * 2];

			if (strcmp(fd.cFileName, ".") == 0 || strcmp(fd.cFileName, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s\\%s", dir, fd.cFileName);
			if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
				plat_remove_tree(path);
			} else {
				if (fd.dwFileAttributes & FILE_ATTRIBUTE_READONLY)
					SetFileAttributesA(path, FILE_ATTRIBUTE_NORMAL);
				DeleteFileA(path);
			}
		} while (FindNextFileA(h, &fd));
		FindClose(h);
	}
	RemoveDirectoryA(dir);
}

const char *plat_exe_suffix(void)
{
	return ".exe";
}

int plat_pid(void)
{
	return (int)GetCurrentProcessId();
}

int plat_process_alive(int pid)
{
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	DWORD code = 0;
	int alive;

	if (!h)
		return GetLastError() == ERROR_ACCESS_DENIED; /* there, but not ours */
	alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
	CloseHandle(h);
	return alive;
}

int plat_stdout_open(void)
{
	if (_get_osfhandle(_fileno(stdout)) != -1)
		return 1;
	(void)freopen("NUL", "w", stdout); /* writes go nowhere, and fail nothing else */
	return 0;
}

int plat_stderr_is_terminal(void)
{
	return _isatty(_fileno(stderr));
}
