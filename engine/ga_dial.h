/* engine/ga_dial.h: scenario dials (format 2, "$.dials"): named numbers a scenario declares,
 * each written at one or more JSON paths of the file ("$.world.max_steps",
 * "$.world.place.cheese.region[1][0]"). Setting dials rewrites the scenario text before it is
 * loaded, so everything downstream (hashes, the run directory's copy, eval on that copy) sees
 * an ordinary scenario. Leaves out what a dial means: the loader checks the result as usual. */
#ifndef GA_DIAL_H
#define GA_DIAL_H

#include <stddef.h>

#include "ga_err.h"
#include "ga_jread.h"

#define GA_MAX_DIALS 8    /* per scenario */
#define GA_DIAL_MAX_AT 16 /* paths per dial */
#define GA_DIAL_NAME_LEN 32

/* One setting, NAME=VALUE, as --dial gives it. */
typedef struct {
    char name[GA_DIAL_NAME_LEN];
    double value;
} GaDialSet;

/* Parses "NAME=VALUE" into d. GA_OK, or GA_EINVAL with "--dial TEXT: ..." in err. */
int ga_dial_parse(const char *text, GaDialSet *d, GaErr *err);

/* Checks root's $.dials, if any: each dial's keys (value, min, max, integer, at, description),
 * min <= value <= max, an integer value for an integer dial, and each path in "at": well
 * formed, outside $.dials, existing, holding a number equal to the declared value (the file as
 * written is the dial's default), and no value named twice (by one dial or two). GA_OK or GA_EPARSE
 * with "FILE: $.dials.NAME...: ...". */
int ga_dial_check(const GaJread *r, const GaJson *root);

/* The scenario text[0, len) with the dials set[0, n) written at their paths and as their
 * "value", printed back as JSON into *out (malloc'd, caller frees; *out_len its length). When
 * n is 0 or every setting equals the declared value, *out is a copy of the text, byte for
 * byte. file names the source in messages. Errors (GA_EPARSE, or GA_ENOMEM), one line:
 * the declaration's as ga_dial_check; "FILE: --dial k: unknown dial (declared: a, b)",
 * "... declares no dials", "... given twice", "FILE: --dial k=12: outside the dial's range
 * [1, 11]", "FILE: --dial k=2.5: dial k takes integers". */
int ga_dial_apply(const char *file, const char *text, size_t len, const GaDialSet *set, int n,
                  char **out, size_t *out_len, GaErr *err);

#endif
