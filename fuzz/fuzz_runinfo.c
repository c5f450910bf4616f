/* fuzz/fuzz_runinfo.c: libFuzzer target for a run directory's run.json
 * (ga_rundir_parse_info). The loader reads a path, so each input goes to one memfd, read back
 * through /proc/self/fd; the files run.json names are not opened. */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ga_rundir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        if ((fd = memfd_create("fuzz_run.json", 0)) < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
    GaRunInfo info;
    GaErr err;
    ga_rundir_parse_info(path, &info, &err);
    return 0;
}
