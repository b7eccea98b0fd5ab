#include "config.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

void secmem_init(void)
{
	struct rlimit rl = { 0, 0 };

	/* A core file would hold every token this process touched. */
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

void tp_memzero(void *p, size_t n)
{
	if (!p || !n)
		return;
#if defined(HAVE_EXPLICIT_BZERO)
	explicit_bzero(p, n);
#else
	{
		volatile unsigned char *v = p;

		while (n--)
			*v++ = 0;
	}
#endif
}

void tp_free_wipe(void *p)
{
	if (!p)
		return;
	tp_memzero(p, malloc_usable_size(p));
	free(p);
}

void tp_free_secret(char *s)
{
	tp_free_wipe(s);
}

char *tp_strdup_secret(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void tp_set_secret(char **dst, const char *src)
{
	char *old = *dst;

	*dst = tp_strdup_secret(src);
	tp_free_secret(old);
}

int tp_secret_eq(const char *a, const char *b)
{
	size_t la, lb, i;
	unsigned char d;

	if (!a || !b)
		return a == b;
	la = strlen(a);
	lb = strlen(b);
	d = la != lb;
	for (i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb ? lb : 1)];
	return !d;
}
