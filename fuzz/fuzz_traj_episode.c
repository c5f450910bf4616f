/* fuzz/fuzz_traj_episode.c: libFuzzer target for a trajectory file's episode lines
 * (ga_traj_parse_episode, from memory, as line 2 at byte 0). An accepted episode's arrays are
 * freed, so a leak shows up; the episode is not re-simulated against a scenario. */
#include <stddef.h>
#include <stdint.h>

#include "ga_traj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GaTrajEpisode e;
    GaErr err;
    if (ga_traj_parse_episode((const char *)data, size, "fuzz.jsonl", 2, 0, &e, &err) == GA_OK)
        ga_traj_free(&e);
    return 0;
}
