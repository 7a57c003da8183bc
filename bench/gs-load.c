/* SPDX-License-Identifier: MIT */
/*
 * gs-load.c - a small HTTP/1.1 load client for graphsim's benchmark
 * (bench/graphsim-bench.sh), since wrk is not installed here.
 *
 *   gs-load URL TOKEN THREADS SECONDS
 *
 * Each thread holds one keep-alive connection to 127.0.0.1 and sends
 * GET requests back to back (a closed loop: the next request leaves when
 * the answer is in), so the figure is what graphsim serves when clients
 * never wait on anything else. It prints one line:
 *   requests=N ok=N errors=N seconds=S rps=R
 * where ok counts 200 answers. Exit 0, or 1 on a usage or connect error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct job {
	unsigned port;
	const char *request;
	size_t reqlen;
	double until;
	uint64_t done, ok, errors;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dial(unsigned port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Read one answer into buf; its status, or -1 when the connection died. */
static int
read_answer(int fd, char *buf, size_t size)
{
	size_t have = 0, need = 0;
	char *end = NULL, *cl;
	ssize_t n;

	for (;;) {
		if (have == size)
			return -1;
		n = read(fd, buf + have, size - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
		if (!end) {
			end = memmem(buf, have, "\r\n\r\n", 4);
			if (!end)
				continue;
			cl = memmem(buf, (size_t)(end - buf),
				    "Content-Length: ", 16);
			need = (size_t)(end - buf) + 4 +
			       (cl ? strtoul(cl + 16, NULL, 10) : 0);
		}
		if (have >= need)
			return (int)strtol(buf + 9, NULL, 10);
	}
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	static __thread char buf[1 << 16];
	int fd = dial(j->port), status;

	while (fd >= 0 && now() < j->until) {
		if (write(fd, j->request, j->reqlen) != (ssize_t)j->reqlen) {
			j->errors++;
			break;
		}
		status = read_answer(fd, buf, sizeof(buf));
		j->done++;
		if (status == 200)
			j->ok++;
		else
			j->errors++;
		if (status < 0) {
			close(fd);
			fd = dial(j->port);
		}
	}
	if (fd >= 0)
		close(fd);
	else
		j->errors++;
	return NULL;
}

int
main(int argc, char **argv)
{
	unsigned port = 0, threads;
	char path[1024], req[4096];
	double secs, t0;
	struct job *jobs;
	pthread_t *tid;
	uint64_t done = 0, ok = 0, errors = 0;

	if (argc != 5 ||
	    sscanf(argv[1], "http://127.0.0.1:%u%1023s", &port, path) != 2 ||
	    (threads = (unsigned)strtoul(argv[3], NULL, 10)) < 1 ||
	    threads > 256 || (secs = strtod(argv[4], NULL)) <= 0) {
		fprintf(stderr, "usage: gs-load http://127.0.0.1:PORT/PATH "
				"TOKEN THREADS SECONDS\n");
		return 1;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		 "Authorization: Bearer %s\r\n\r\n", path, port, argv[2]);
	jobs = calloc(threads, sizeof(*jobs));
	tid = calloc(threads, sizeof(*tid));
	t0 = now();
	for (unsigned i = 0; i < threads; i++) {
		jobs[i] = (struct job){ port, req, strlen(req), t0 + secs, 0, 0,
					0 };
		pthread_create(&tid[i], NULL, worker, &jobs[i]);
	}
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		done += jobs[i].done;
		ok += jobs[i].ok;
		errors += jobs[i].errors;
	}
	secs = now() - t0;
	printf("requests=%llu ok=%llu errors=%llu seconds=%.2f rps=%.0f\n",
	       (unsigned long long)done, (unsigned long long)ok,
	       (unsigned long long)errors, secs, (double)ok / secs);
	free(jobs);
	free(tid);
	return errors && !ok;
}
