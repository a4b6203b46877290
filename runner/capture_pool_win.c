/* capture_pool_win.c: Windows has no packet socket to lend a case (platform.h). */
#include "platform.h"

void proc_set_lend_capture(int on)
{
	(void)on;
}
