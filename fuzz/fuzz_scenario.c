/* fuzz/fuzz_scenario.c: libFuzzer target for the scenario loader. Feeds each input to
 * ga_scenario_parse from memory, format 1 and format 2 alike (the file says which); anything
 * but a crash, a sanitizer report or a hang is a pass. Does not run the worlds it loads. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ga_err.h"
#include "ga_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* About 1 MiB: allocated once, as the loader fills every field it uses. */
    static GaScenario *sc;
    if (!sc && !(sc = malloc(sizeof *sc)))
        abort();
    GaErr err;
    ga_scenario_parse(sc, "fuzz.json", (const char *)data, size, &err);
    return 0;
}
