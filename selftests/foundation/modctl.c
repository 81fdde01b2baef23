// SPDX-License-Identifier: GPL-2.0
/*
 * modctl: load or unload a module with the raw system calls, so a test can
 * assert the exact errno (insmod and rmmod only print messages).
 *
 *   modctl load PATH [PARAMS]     finit_module(PATH, PARAMS)
 *   modctl unload NAME            delete_module(NAME, O_NONBLOCK)
 *
 * Exit status: 0 on success, else the errno (and a line on stderr).
 */
#include "lsgc_test.h"

int main(int argc, char **argv)
{
	int fd, ret;

	if (argc >= 3 && !strcmp(argv[1], "load")) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[2]);
			return 255;
		}
		ret = syscall(SYS_finit_module, fd, argc > 3 ? argv[3] : "", 0);
	} else if (argc == 3 && !strcmp(argv[1], "unload")) {
		ret = syscall(SYS_delete_module, argv[2], O_NONBLOCK);
	} else {
		fprintf(stderr, "usage: modctl load PATH [PARAMS] | unload NAME\n");
		return 255;
	}
	if (ret) {
		int e = errno;

		fprintf(stderr, "modctl %s %s: %s (errno %d)\n", argv[1],
			argv[2], strerror(e), e);
		return e;
	}
	return 0;
}
