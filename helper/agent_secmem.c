/*
 * Locked memory for the agent's secrets: chunks from mmap, locked in RAM
 * (never swapped), left out of core dumps, carved into power-of-two
 * blocks with one free list per size. A block is wiped when it is freed.
 * When the memory limit (RLIMIT_MEMLOCK) refuses a lock, the agent says
 * so once and goes on: the keyring is the store of record.
 */
#include "helper/agent.h"
#include "helper/secmem.h"
#include "helper/tokenpass.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK (64 * 1024)
#define MIN_SHIFT 5		/* 32 bytes */
#define MAX_SHIFT 16		/* 64 KiB: larger blocks get their own map */
#define HDR 16

struct block {
	struct block *next;
};

static struct block *free_list[MAX_SHIFT + 1];
static char *chunk;
static size_t chunk_used = CHUNK;
static int lock_warned;

static void *map_locked(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		tp_die("out of memory mapping %zu bytes", n);
	madvise(p, n, MADV_DONTDUMP);
	if (mlock(p, n) && !lock_warned) {
		lock_warned = 1;
		tp_warn("agent: cannot lock memory (%s); raise "
			"LimitMEMLOCK, tokens may reach swap meanwhile",
			strerror(errno));
	}
	return p;
}

static unsigned shift_for(size_t n)
{
	unsigned s = MIN_SHIFT;

	while (((size_t)1 << s) < n)
		s++;
	return s;
}

char *agent_secmem_strdup(const char *s)
{
	size_t n, want;
	unsigned sh;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	want = n + HDR;
	sh = shift_for(want);
	if (sh > MAX_SHIFT) {
		size_t len = (want + 4095) & ~(size_t)4095;

		p = map_locked(len);
		memcpy(p, &len, sizeof(len));
		p[sizeof(len)] = (char)sh;
	} else if (free_list[sh]) {
		p = (char *)free_list[sh];
		free_list[sh] = free_list[sh]->next;
		p[sizeof(size_t)] = (char)sh;
	} else {
		size_t sz = (size_t)1 << sh;

		if (chunk_used + sz > CHUNK) {
			chunk = map_locked(CHUNK);
			chunk_used = 0;
		}
		p = chunk + chunk_used;
		chunk_used += sz;
		p[sizeof(size_t)] = (char)sh;
	}
	memcpy(p + HDR, s, n);
	return p + HDR;
}

void agent_secmem_free(char *s)
{
	unsigned sh;
	char *p;

	if (!s)
		return;
	p = s - HDR;
	sh = (unsigned char)p[sizeof(size_t)];
	if (sh > MAX_SHIFT) {
		size_t len;

		memcpy(&len, p, sizeof(len));
		tp_memzero(p, len);
		munmap(p, len);
		return;
	}
	tp_memzero(p, (size_t)1 << sh);
	((struct block *)p)->next = free_list[sh];
	free_list[sh] = (struct block *)p;
}
