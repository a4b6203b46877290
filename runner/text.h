/*
 * text.h: a string that grows as it is built (a JUnit report, what a guest
 * passes back, a Windows command line).  One copy of the growing.
 */
#ifndef RUNNER_TEXT_H
#define RUNNER_TEXT_H

#include <stddef.h>

/* {NULL, 0, 0, 0} is empty; `failed` once memory ran out (the text is then not whole). */
struct text {
	char *s; /* NUL-terminated once anything was added */
	size_t len, cap;
	int failed;
};

/* Appends n bytes of s; after a failure, nothing more. */
void text_add(struct text *t, const char *s, size_t n);

#endif
