/* fuzz/fuzz_runinfo.c: libFuzzer target for a run directory's run.json
 * (ga_rundir_parse_info). The loader reads a path, so each input goes to one memfd, read back
 * through /proc/self/fd; the files run.json names are not opened. */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_file.h"
#include "ga_rundir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file("fuzz_run.json", data, size, NULL);
    GaRunInfo info;
    GaErr err;
    ga_rundir_parse_info(path, &info, &err);
    return 0;
}
