/*
 * Reading a secret. Secrets never come from argv or the environment: from
 * standard input, or from a no-echo prompt when standard input is a
 * terminal.
 */
#ifndef PROMPT_H
#define PROMPT_H

#include <stddef.h>

/* Bytes a secret read from standard input may hold at most. */
#define PROMPT_MAX_SECRET (64 * 1024)

/*
 * Read one secret into *out (release with tp_free_secret). White space and
 * line breaks around it are trimmed, with a warning naming what when more
 * than the final newline went. what names it in messages ("token").
 * Returns 0, or an exit code after printing why: TP_USAGE when the input
 * is empty, too long, or holds a line break or control character inside.
 */
int prompt_secret(const char *prompt, const char *what, char **out);

#endif
