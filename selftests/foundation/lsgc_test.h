/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the foundation test programs.
 */
#ifndef _LSGC_TEST_H
#define _LSGC_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/lsgc.h>

/* The family number in force, from sysfs; -1 if the module is not loaded. */
static inline int lsgc_test_family(void)
{
	FILE *f = fopen(LSGC_FAMILY_SYSFS, "r");
	int family = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &family) != 1)
		family = -1;
	fclose(f);
	return family;
}

/* /sys/module/lsgc/refcnt, or -1 when the module is not loaded. */
static inline int lsgc_test_refcnt(void)
{
	FILE *f = fopen("/sys/module/lsgc/refcnt", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static inline int lsgc_test_loaded(void)
{
	struct stat st;

	return stat("/sys/module/lsgc", &st) == 0;
}

/* The module under test: $LSGC_MODULE, else the tree's build. */
static inline const char *lsgc_test_module_path(void)
{
	const char *p = getenv("LSGC_MODULE");

	return p && *p ? p : "../../net/lsgc/lsgc.ko";
}

static inline int lsgc_test_load(const char *params)
{
	int fd, ret;

	fd = open(lsgc_test_module_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	if (ret) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static inline int lsgc_test_unload(int flags)
{
	return syscall(SYS_delete_module, "lsgc", flags);
}

#endif /* _LSGC_TEST_H */
