/*
 * target.c: the targets a run can have.  native runs each case here;
 * gvisor runs this runner inside one sandbox; lwip and lwip-linux run each case
 * here on lwIP (stack_target.c); wine runs each case of the Windows build
 * under Wine (wine_posix.c); agent:... runs each case here with its end on an
 * agent's stack (agent_target.c); uml and qemu boot a guest once and run this
 * runner inside it.  The recipes are host-specific:
 * target_posix.c and its parts (a Linux host; see target_posix.h) and
 * target_win.c (none yet).
 */
#include "target.h"
#include "agent_target.h"

#include <stdio.h>
#include <string.h>

static const char *const targets[] = {"native", "gvisor", "lwip", "lwip-linux", "uml", "qemu", "wine"};

int target_known(const char *name)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		if (strcmp(name, targets[i]) == 0)
			return 1;
	return target_is_agent(name); /* agent:exec:..., agent:tcp:..., agent:serial:... */
}

int target_is_lwip(const char *name)
{
	return strcmp(name, "lwip") == 0 || strcmp(name, "lwip-linux") == 0;
}

int target_is_guest(const char *name)
{
	return strcmp(name, "uml") == 0 || strcmp(name, "qemu") == 0;
}

int target_runs_inside(const char *name)
{
	return target_is_guest(name) || strcmp(name, "gvisor") == 0;
}

const char *target_exe_suffix(const char *name)
{
	return strcmp(name, "wine") == 0 ? ".exe" : plat_exe_suffix();
}

int target_cases_dir(const char *name, const char *exe_dir, char *out, size_t size)
{
	if (strcmp(name, "wine") != 0)
		return 0;
	/* build/<triple>/sockconf beside build/x86_64-w64-mingw32/cases (the Makefile's `make windows`) */
	snprintf(out, size, "%s/../x86_64-w64-mingw32/cases", exe_dir);
	return 1;
}
