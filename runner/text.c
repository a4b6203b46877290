/* text.c: a growing string (see text.h). */
#include "text.h"

#include <stdlib.h>
#include <string.h>

void text_add(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *grown;

		while (t->len + n + 1 > cap)
			cap *= 2;
		grown = realloc(t->s, cap);
		if (!grown) {
			t->failed = 1;
			return;
		}
		t->s = grown;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}
