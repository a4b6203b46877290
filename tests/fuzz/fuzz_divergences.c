/* libFuzzer target: the divergence-record parser must never crash, and a
 * record it accepts has every required field. */
#include "divergence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct divergences d = {NULL, 0};
	char err[512] = "";
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* the loader rejects NUL bytes before parsing */
	if (divergences_parse(&d, text, "fuzz.txt", err, sizeof err) == 0) {
		for (size_t i = 0; i < d.n; i++)
			if (!d.items[i].id[0] || !d.items[i].on[0] || !d.items[i].why[0] || !d.items[i].nsources ||
			    d.items[i].kind == KIND_UNSET) /* every accepted record has its kind */
				abort();
	} else if (!err[0]) {
		abort();
	}
	divergences_free(&d);
	free(text);
	return 0;
}
