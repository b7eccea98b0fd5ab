/*
 * Secret memory. Every buffer that ever held a token, a refresh token, a
 * client secret or a document containing one is wiped before it is freed.
 */
#ifndef SECMEM_H
#define SECMEM_H

#include <stddef.h>

/* Turn core dumps off and make the process undumpable. */
void secmem_init(void);

/* Zero n bytes at p in a way the compiler may not remove. */
void tp_memzero(void *p, size_t n);

/* Wipe a NUL-terminated secret and free it; NULL is fine. */
void tp_free_secret(char *s);

/* Wipe a malloc'd block of any size (its usable size) and free it. */
void tp_free_wipe(void *p);

/* A copy of a secret, or NULL for NULL; dies on out-of-memory. */
char *tp_strdup_secret(const char *s);

/* Replace *dst (wiped and freed) with a copy of src. */
void tp_set_secret(char **dst, const char *src);

/* Constant-time string compare: 1 when equal, 0 otherwise. */
int tp_secret_eq(const char *a, const char *b);

#endif
