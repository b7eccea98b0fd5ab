#include "helper/prompt.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int read_all(int fd, char *buf, size_t cap, size_t *len, int line)
{
	size_t n = 0;

	for (;;) {
		ssize_t r;

		if (n == cap)
			return -1;
		r = read(fd, buf + n, line ? 1 : cap - n);
		if (r < 0)
			return -1;
		if (!r)
			break;
		n += (size_t)r;
		if (line && buf[n - 1] == '\n')
			break;
	}
	*len = n;
	return 0;
}

static int read_input(const char *prompt, char *buf, size_t cap,
		      size_t *len)
{
	struct termios saved, quiet;
	int tty = isatty(STDIN_FILENO);
	int ret;

	if (!tty)
		return read_all(STDIN_FILENO, buf, cap, len, 0);
	if (tcgetattr(STDIN_FILENO, &saved))
		return -1;
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	ret = read_all(STDIN_FILENO, buf, cap, len, 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	return ret;
}

int prompt_secret(const char *prompt, const char *what, char **out)
{
	char *buf = xmalloc(PROMPT_MAX_SECRET + 1);
	size_t len = 0, start = 0, end, i;
	int ret = TP_USAGE;

	if (read_input(prompt, buf, PROMPT_MAX_SECRET, &len)) {
		tp_error("cannot read the %s from standard input "
			 "(more than %d bytes, or a read error)", what,
			 PROMPT_MAX_SECRET);
		goto out;
	}
	end = len;
	while (start < end && isspace((unsigned char)buf[start]))
		start++;
	while (end > start && isspace((unsigned char)buf[end - 1]))
		end--;
	if (start == end) {
		tp_error("no %s on standard input; pipe it in, or run this "
			 "on a terminal to be prompted", what);
		goto out;
	}
	for (i = start; i < end; i++) {
		if (isspace((unsigned char)buf[i]) ||
		    iscntrl((unsigned char)buf[i])) {
			tp_error("the %s holds white space or a control "
				 "character inside it; copy it again", what);
			goto out;
		}
	}
	/* a single final newline ends the line; anything more was pasted */
	if (start || len - end > 1 || (len - end == 1 && buf[len - 1] != '\n'))
		tp_warn("removed white space or line breaks around the %s",
			what);
	buf[end] = '\0';
	*out = xstrdup(buf + start);
	ret = 0;
out:
	tp_memzero(buf, PROMPT_MAX_SECRET + 1);
	free(buf);
	return ret;
}
