/*
 * Diagnostic records: the hook's own, kept on its handles (a leaf: it
 * knows nothing of handles or drivers; diag_api.c hands them out).
 */
#include "config.h"
#include "plugin/px.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void px_diag_clear(struct px_diag *d)
{
	int i;

	for (i = 0; i < d->nr; i++)
		free(d->rec[i].msg);
	d->nr = 0;
	d->own_next = 0;
	d->real_next = 1;
	d->ret = SQL_SUCCESS;
}

void px_diag_post(struct px_diag *d, const char *state, const char *fmt, ...)
{
	struct px_diag_rec *r;
	va_list ap;
	int n;

	if (d->nr >= PX_DIAG_MAX)
		return;
	r = &d->rec[d->nr];
	memcpy(r->state, state, 5);
	r->state[5] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	r->msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!r->msg) {
		/* out of memory: keep the SQLSTATE at least */
		r->msg = NULL;
	} else {
		va_start(ap, fmt);
		vsnprintf(r->msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	d->nr++;
}

void px_diag_oom(struct px_diag *d)
{
	px_diag_post(d, "HY001", "[tokenpass] out of memory");
}
