/*
 * tp-fake-helper: a stand-in for 'tokenpass get' that reports how it was
 * started, for the spawn-hygiene tests. It reads the request on stdin and
 * then, by $TP_FAKE_MODE:
 *   report (default)  writes its state to $TP_FAKE_REPORT (stdout when
 *                     unset) and answers username=alice and
 *                     password=$TP_FAKE_TOKEN
 *   exitN             exits with status N, answering nothing
 *   hang              starts a grandchild that keeps stdout open, writes
 *                     "grandchild=PID" to $TP_FAKE_REPORT, and both sleep
 * The state: the blocked and ignored signal sets (/proc/self/status
 * SigBlk, SigIgn), the open descriptors, and whether it leads its own
 * process group. Test code only.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void report(FILE *f)
{
	char line[256];
	FILE *st = fopen("/proc/self/status", "r");
	DIR *d;
	struct dirent *e;
	const char *sep = "";

	while (st && fgets(line, sizeof(line), st))
		if (!strncmp(line, "SigBlk:", 7) ||
		    !strncmp(line, "SigIgn:", 7))
			fputs(line, f);
	if (st)
		fclose(st);
	fputs("fds:", f);
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d) ||
		    (f != stdout && atoi(e->d_name) == fileno(f)))
			continue;
		fprintf(f, "%s%s", sep, e->d_name);
		sep = ",";
	}
	if (d)
		closedir(d);
	fprintf(f, "\npgrp:%s\n", getpgrp() == getpid() ? "own" : "shared");
}

int main(int argc, char **argv)
{
	const char *mode = getenv("TP_FAKE_MODE");
	const char *path = getenv("TP_FAKE_REPORT");
	const char *token = getenv("TP_FAKE_TOKEN");
	char buf[4096];
	FILE *f = stdout;
	pid_t pid;

	while (fread(buf, 1, sizeof(buf), stdin) > 0)
		;
	if (!mode)
		mode = "report";
	if (path && !(f = fopen(path, "w")))
		return 90;
	if (!strncmp(mode, "exit", 4))
		return atoi(mode + 4);
	if (!strcmp(mode, "hang")) {
		pid = fork();
		if (pid == 0) {
			sleep(300);
			return 0;
		}
		fprintf(f, "grandchild=%d\n", (int)pid);
		fclose(f);
		sleep(300);
		return 0;
	}
	report(f);
	if (f != stdout)
		fclose(f);
	printf("username=alice\npassword=%s\n", token ? token : "tok-1");
	return 0;
}
