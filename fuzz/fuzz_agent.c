/* fuzz/fuzz_agent.c: libFuzzer target for agent files (ga_agent_load). An input is an agent
 * file without its last 8 bytes: the target appends the FNV-1a checksum, so mutations reach
 * the header, the parameters and each learner's payload instead of dying at the checksum
 * (a checksum mismatch is tested in tests/test_agent.c). The loader reads a path, so the file
 * goes to one memfd, read back through /proc/self/fd. The loaded agent is freed, not run. */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_file.h"
#include "ga_agent.h"
#include "ga_hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t sum = ga_hash_bytes(data, size);
    const char *path = fuzz_file("fuzz_agent.bin", data, size, &sum);
    GaAgent ag;
    GaErr err;
    uint64_t scenario_hash;
    if (ga_agent_load(&ag, path, &scenario_hash, &err) == GA_OK)
        ga_agent_free(&ag);
    return 0;
}
