// SPDX-License-Identifier: GPL-2.0
/*
 * sockhold: open AF_LSGC sockets and keep them open, for shell tests.
 *
 *   sockhold [-n N] [-r READYFILE] [-N NETNS_PATH] [-1]
 *
 * Opens N (default 2) sockets, alternating SOCK_SEQPACKET and SOCK_DGRAM,
 * with the family read from sysfs.  With -N, the sockets are created in
 * the network namespace NETNS_PATH and the process then returns to its own
 * namespace.  Then creates READYFILE and waits for SIGTERM/SIGKILL.  With
 * -1, closes the sockets and exits at once instead (a load/unload smoke).
 * Exit status: 0, or 1 with a message if a socket could not be created.
 */
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>

#include "lsgc_test.h"

int main(int argc, char **argv)
{
	const char *ready = NULL, *netns = NULL;
	int n = 2, once = 0, fam, i, opt, self_ns = -1, ns;
	int *fds;

	while ((opt = getopt(argc, argv, "n:r:N:1")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'r': ready = optarg; break;
		case 'N': netns = optarg; break;
		case '1': once = 1; break;
		default:
			fprintf(stderr, "usage: sockhold [-n N] [-r READY] [-N NETNS] [-1]\n");
			return 2;
		}
	}
	fam = lsgc_test_family();
	if (fam < 0) {
		fprintf(stderr, "sockhold: module not loaded\n");
		return 1;
	}
	if (netns) {
		self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ns = open(netns, O_RDONLY | O_CLOEXEC);
		if (self_ns < 0 || ns < 0 || setns(ns, CLONE_NEWNET)) {
			perror("sockhold: netns");
			return 1;
		}
		close(ns);
	}
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return 1;
	for (i = 0; i < n; i++) {
		fds[i] = socket(fam, i & 1 ? SOCK_DGRAM : SOCK_SEQPACKET, 0);
		if (fds[i] < 0) {
			fprintf(stderr, "sockhold: socket %d (family %d): %s\n",
				i, fam, strerror(errno));
			return 1;
		}
	}
	if (netns && setns(self_ns, CLONE_NEWNET)) {
		perror("sockhold: setns back");
		return 1;
	}
	if (once) {
		for (i = 0; i < n; i++)
			close(fds[i]);
		return 0;
	}
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0) {
			perror(ready);
			return 1;
		}
		close(fd);
	}
	for (;;)
		pause();
}
