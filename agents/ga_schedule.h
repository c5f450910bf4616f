/* agents/ga_schedule.h: the exploration schedule the learners share: epsilon falls linearly
 * from start to end over the first `decay` fraction of the planned training steps, then stays. */
#ifndef GA_SCHEDULE_H
#define GA_SCHEDULE_H

#include <stdint.h>

static inline double ga_linear_decay(double start, double end, double decay, int64_t steps,
                                     int64_t total_steps)
{
    double span = decay * (double)total_steps;
    double frac = span > 0 ? 1.0 - (double)steps / span : 0.0;
    if (frac < 0)
        frac = 0;
    return end + (start - end) * frac;
}

#endif
