/* engine/ga_metrics.c: episode statistics. */
#include "ga_metrics.h"

#include <math.h>
#include <string.h>

void ga_stats_init(GaStats *s, int n_objectives)
{
    memset(s, 0, sizeof *s);
    s->n_objectives = n_objectives;
}

void ga_stats_add(GaStats *s, const GaWorld *w)
{
    s->episodes++;
    s->terminated += w->terminated;
    s->sum_len += w->t;
    for (int o = 0; o < s->n_objectives; o++) {
        s->sum_ret[o] += w->ret[o];
        s->sum_ret2[o] += (double)w->ret[o] * w->ret[o];
        s->succ[o] += ga_world_success(w, o);
    }
}

double ga_stats_mean_return(const GaStats *s, int o)
{
    return s->episodes ? s->sum_ret[o] / (double)s->episodes : 0.0;
}

double ga_stats_std_return(const GaStats *s, int o)
{
    if (s->episodes < 2)
        return 0.0;
    double n = (double)s->episodes, m = s->sum_ret[o] / n;
    double var = (s->sum_ret2[o] - n * m * m) / (n - 1);
    return var > 0 ? sqrt(var) : 0.0;
}

double ga_stats_success_rate(const GaStats *s, int o)
{
    return s->episodes ? (double)s->succ[o] / (double)s->episodes : 0.0;
}

double ga_stats_mean_length(const GaStats *s)
{
    return s->episodes ? s->sum_len / (double)s->episodes : 0.0;
}
