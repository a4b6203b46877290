/* libFuzzer target: the strict reader of a case's TAP must never crash,
 * and what it accepts must hold together. */
#include "case_tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct case_tap t;

	if (case_tap_parse((const char *)data, size, &t) == 0) {
		if (!t.have_plan || t.npoints != t.planned || t.npoints > MAX_POINTS)
			abort();
		for (unsigned i = 0; i < t.npoints; i++)
			if (!t.points[i].family[0] || (t.points[i].skip && !t.points[i].ok))
				abort();
	} else if (!t.error[0]) {
		abort(); /* a rejection always says why */
	}
	case_tap_free(&t); /* the next input is parsed into it again */
	return 0;
}
