/* fuzz/fuzz_traj_header.c: libFuzzer target for a trajectory file's header line
 * (ga_traj_parse_header, from memory). Checks only that the parser neither crashes nor trips a
 * sanitizer; what a header names (run, scenario) is not resolved. */
#include <stddef.h>
#include <stdint.h>

#include "ga_traj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GaTrajHeader h;
    GaErr err;
    ga_traj_parse_header((const char *)data, size, "fuzz.jsonl", &h, &err);
    return 0;
}
