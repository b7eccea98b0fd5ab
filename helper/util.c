#include "config.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int tp_journal_stream(int fd)
{
	const char *env = getenv("JOURNAL_STREAM"), *colon;
	unsigned long long dev, ino;
	struct stat st;
	char *d;
	int ret = 0;

	if (!env || !(colon = strchr(env, ':')) || fstat(fd, &st))
		return 0;
	d = xstrndup(env, (size_t)(colon - env));
	if (!tp_parse_ulong(d, ~0ULL, &dev) &&
	    !tp_parse_ulong(colon + 1, ~0ULL, &ino))
		ret = (dev_t)dev == st.st_dev && (ino_t)ino == st.st_ino;
	free(d);
	return ret;
}

/*
 * Under a systemd unit, standard error is the journal: a "<N>" prefix
 * gives each line its priority (3 error, 4 warning; sd-daemon(3)).
 */
static void vreport(int prio, const char *prefix, const char *fmt,
		    va_list ap)
{
	static int journal = -1;
	char buf[1024];

	if (journal < 0)
		journal = tp_journal_stream(2);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (journal)
		fprintf(stderr, "<%d>", prio);
	fprintf(stderr, "tokenpass: %s%s\n", prefix, buf);
}

void tp_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(3, "", fmt, ap);
	va_end(ap);
}

void tp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(4, "warning: ", fmt, ap);
	va_end(ap);
}

void tp_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(3, "", fmt, ap);
	va_end(ap);
	exit(TP_ERROR);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		tp_die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t n)
{
	void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);

	if (!p)
		tp_die("out of memory allocating %zu * %zu bytes", nmemb, n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		tp_die("out of memory allocating %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		tp_die("out of memory copying a string");
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		tp_die("out of memory copying a string");
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		tp_die("out of memory formatting a string");
	return s;
}

time_t tp_now(void)
{
#ifdef TOKENPASS_TEST_CLOCK
	const char *fake = getenv("TOKENPASS_NOW");
	unsigned long long v;

	if (fake && !tp_parse_ulong(fake, (unsigned long long)INT64_MAX, &v))
		return (time_t)v;
#endif
	return time(NULL);
}

long tp_env_seconds(const char *name, long min, long max, long def)
{
	const char *s = getenv(name);
	unsigned long long v;

	if (s && !tp_parse_ulong(s, (unsigned long long)max, &v) &&
	    (long long)v >= min)
		return (long)v;
	return def;
}

long long tp_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *tp_shell_quote(const char *s)
{
	size_t n = 2, i;
	const char *p;
	char *out;

	if (*s && !strpbrk(s, " \t\n'\"$`\\;&|<>()*?[]#~={}!^"))
		return xstrdup(s);
	for (p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	out = xmalloc(n + 1);
	i = 0;
	out[i++] = '\'';
	for (p = s; *p; p++) {
		if (*p == '\'') {
			/* close, an escaped quote, open again */
			memcpy(out + i, "'\\''", 4);
			i += 4;
		} else {
			out[i++] = *p;
		}
	}
	out[i++] = '\'';
	out[i] = '\0';
	return out;
}

void tp_cmd_arg(char **cmd, const char *opt, const char *val)
{
	char *q, *next;

	if (!val || !*val)
		return;
	q = tp_shell_quote(val);
	next = xasprintf("%s %s %s", *cmd, opt, q);
	free(q);
	free(*cmd);
	*cmd = next;
}

int tp_parse_ulong(const char *s, unsigned long long max,
		   unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *tp_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, len, "never");
	return buf;
}

int tp_mkdir_p(char *path, mode_t mode)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, mode) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) && errno != EEXIST)
		return -1;
	return 0;
}

char *tp_clean_text(const char *s, size_t max)
{
	char *out = xstrndup(s, max);
	unsigned char *p;

	for (p = (unsigned char *)out; *p; p++) {
		/* C0, DEL, and C1 (U+0080..U+009F: 0xc2 0x80..0x9f) */
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p[0] = p[1] = ' ';
	}
	/* our sentences go on after it */
	while ((char *)p > out && (p[-1] == '.' || p[-1] == ' '))
		*--p = '\0';
	return out;
}
