/*
 * agent-load: T threads asking the agent for one credential over and over
 * for S seconds, one connection per request as every caller does; prints
 * requests per second and the 50th and 99th percentile latency.
 *
 *   agent-load THREADS SECONDS REQUEST-FILE
 */
#include "common/agent_sock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (4 * 1024 * 1024)

static char req[65536];
static size_t req_len;
static char *path;
static double stop_at;
static long *lat;		/* microseconds */
static long nlat;
static long failures;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	long local[4096];
	int n = 0, bad = 0;

	while (now() < stop_at) {
		double t0 = now();
		char *ans = NULL;
		size_t len = 0;
		int fd = agent_sock_connect(path);

		if (fd < 0 || agent_sock_exchange(fd, req, req_len, 5000, &ans,
						  &len) ||
		    !strstr(ans, "tokenpass_exit=0"))
			bad++;
		if (fd >= 0)
			close(fd);
		free(ans);
		local[n++] = (long)((now() - t0) * 1e6);
		if (n == 4096 || now() >= stop_at) {
			pthread_mutex_lock(&mu);
			if (nlat + n <= MAX_SAMPLES) {
				memcpy(lat + nlat, local, n * sizeof(long));
				nlat += n;
			}
			failures += bad;
			pthread_mutex_unlock(&mu);
			n = bad = 0;
		}
	}
	return arg;
}

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	int threads, secs, i;
	FILE *f;
	double t0;

	if (argc != 4 || (threads = (int)strtol(argv[1], NULL, 10)) < 1 ||
	    threads > 64 || (secs = (int)strtol(argv[2], NULL, 10)) < 1) {
		fprintf(stderr, "usage: agent-load THREADS SECONDS REQUEST\n");
		return 2;
	}
	f = fopen(argv[3], "r");
	if (!f)
		return 1;
	req_len = fread(req, 1, sizeof(req), f);
	fclose(f);
	path = agent_sock_path();
	lat = malloc(MAX_SAMPLES * sizeof(long));
	if (!path || !lat)
		return 1;
	t0 = now();
	stop_at = t0 + secs;
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	qsort(lat, (size_t)nlat, sizeof(long), cmp);
	printf("%d clients, %d s: %ld requests, %.0f requests/s, "
	       "p50 %.3f ms, p99 %.3f ms, %ld failed\n", threads, secs,
	       nlat, nlat / (now() - t0), nlat ? lat[nlat / 2] / 1000.0 : 0,
	       nlat ? lat[nlat * 99 / 100] / 1000.0 : 0, failures);
	return failures ? 1 : 0;
}
