/* link_win.c: Windows has no netem to put a run behind (see link.h). */
#include "link.h"

#include <stdio.h>

int link_prepare(const struct link *l, struct identity *id, int label_given, const char *scratch,
		 char *err, size_t errsize)
{
	(void)id, (void)label_given, (void)scratch;
	if (!l->set)
		return 0;
	snprintf(err, errsize, "--link needs Linux's tc netem: not available on Windows");
	return -1;
}
