/* fuzz/fuzz_agent.c: libFuzzer target for agent files (ga_agent_load). An input is an agent
 * file without its last 8 bytes: the target appends the FNV-1a checksum, so mutations reach
 * the header, the parameters and each learner's payload instead of dying at the checksum
 * (a checksum mismatch is tested in tests/test_agent.c). The loader reads a path, so the file
 * goes to one memfd, read back through /proc/self/fd. The loaded agent is freed, not run. */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ga_agent.h"
#include "ga_hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        if ((fd = memfd_create("fuzz_agent.bin", 0)) < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    uint64_t sum = ga_hash_bytes(data, size);
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
        pwrite(fd, &sum, 8, (off_t)size) != 8)
        abort();
    GaAgent ag;
    GaErr err;
    uint64_t scenario_hash;
    if (ga_agent_load(&ag, path, &scenario_hash, &err) == GA_OK)
        ga_agent_free(&ag);
    return 0;
}
