/* engine/ga_traj.c: reading trajectory files through ga_jread.h (no cJSON here, so the reader
 * can move up to lab/). Every field is checked: a damaged or hand-edited file gives an error
 * with its line and JSON path, or the byte of malformed text, never a crash. Whether the
 * episodes re-simulate is lab/ga_record.c's question. */
#include "ga_traj.h"

#include <stdlib.h>
#include <string.h>

#include "ga_jread.h"

/* Doubles hold every integer up to 2^53: the largest episode id a JSON number can carry. */
#define MAX_ID ((int64_t)1 << 53)

/* A getter's result for a member that must be there. */
static int need(const GaJread *r, int rc, const char *path, const char *why)
{
    if (rc == GA_JREAD_ABSENT)
        return ga_jread_fail(r, "%s: missing%s", path, why);
    return rc;
}

static int read_header(const GaJread *r, const GaJson *j, GaTrajHeader *h)
{
    int rc = ga_jread_want_object(r, j, "$");
    if (rc)
        return rc;
    int64_t fmt;
    rc = ga_jread_int(r, j, "gridalign_trajectories", "$", 0, 1000000, &fmt);
    if ((rc = need(r, rc, "$.gridalign_trajectories", " (not a gridalign trajectory header)")))
        return rc;
    if (fmt != GA_TRAJ_FORMAT)
        return ga_jread_fail(r,
                             "$.gridalign_trajectories: format %lld is not supported (this "
                             "gridalign reads format %d)",
                             (long long)fmt, GA_TRAJ_FORMAT);
    const char *player = ga_jread_str(ga_jread_get(j, "player"));
    h->human = player && !strcmp(player, "human");
    /* A person's recording names its scenario file; an agent's, its run directory. */
    const char *where;
    if (h->human) {
        rc = ga_jread_string(r, j, "scenario_path", "$", &where);
        if ((rc = need(r, rc, "$.scenario_path", " (a person's play names its scenario file)")))
            return rc;
        snprintf(h->scenario_path, sizeof h->scenario_path, "%s", where);
    } else {
        rc = ga_jread_string(r, j, "run_dir", "$", &where);
        if ((rc = need(r, rc, "$.run_dir", " (an agent's recording names its run directory)")))
            return rc;
        snprintf(h->run_dir, sizeof h->run_dir, "%s", where);
    }
    if ((rc = need(r, ga_jread_hex(r, j, "scenario_hash", "$", &h->scenario_hash),
                   "$.scenario_hash", "")) ||
        (rc = need(r, ga_jread_u64(r, j, "eval_seed", "$", &h->eval_seed), "$.eval_seed", "")))
        return rc;
    if (h->human)
        return GA_OK;
    if ((rc = need(r, ga_jread_hex(r, j, "agent_hash", "$", &h->agent_hash), "$.agent_hash", "")) ||
        (rc = need(r, ga_jread_u64(r, j, "agent_seed", "$", &h->agent_seed), "$.agent_seed", "")))
        return rc;
    return GA_OK;
}

int ga_traj_parse_header(const char *text, size_t len, const char *path, GaTrajHeader *h,
                         GaErr *err)
{
    memset(h, 0, sizeof *h);
    GaJread r = {.file = path, .line = 1, .byte = 0, .err = err};
    GaJson *j;
    int rc = ga_jread_parse(&r, text, len, &j);
    if (rc)
        return rc;
    rc = read_header(&r, j, h);
    ga_json_free(j);
    if (rc)
        memset(h, 0, sizeof *h);
    return rc;
}

void ga_traj_free(GaTrajEpisode *e)
{
    free(e->actions);
    free(e->rewards);
    free(e->terminations);
    free(e->truncations);
    e->actions = e->terminations = e->truncations = NULL;
    e->rewards = NULL;
}

/* The per-step arrays, one element per step, in this order. */
static const char *const STEP_PATHS[4] = {"$.actions", "$.rewards", "$.terminations",
                                          "$.truncations"};

static int read_steps(const GaJread *r, const GaJson *arr[4], GaTrajEpisode *e)
{
    size_t n = e->n > 0 ? (size_t)e->n : 1;
    e->actions = malloc(n);
    e->rewards = malloc(n * sizeof *e->rewards);
    e->terminations = malloc(n);
    e->truncations = malloc(n);
    if (!e->actions || !e->rewards || !e->terminations || !e->truncations)
        return ga_err_set(r->err, GA_ENOMEM, "%s:%lld: out of memory", r->file, (long long)r->line);
    int t = 0, rc;
    for (const GaJson *a = ga_jread_first(arr[0]); a; a = ga_jread_next(a), t++) {
        int64_t v;
        if ((rc = ga_jread_int_at(r, a, STEP_PATHS[0], t, 0, GA_NUM_ACTIONS - 1, &v)))
            return rc;
        e->actions[t] = (uint8_t)v;
    }
    t = 0;
    for (const GaJson *a = ga_jread_first(arr[1]); a; a = ga_jread_next(a), t++) {
        double v;
        if ((rc = ga_jread_number_at(r, a, STEP_PATHS[1], t, &v)))
            return rc;
        e->rewards[t] = (float)v;
    }
    for (int k = 2; k < 4; k++) {
        uint8_t *dst = k == 2 ? e->terminations : e->truncations;
        t = 0;
        for (const GaJson *a = ga_jread_first(arr[k]); a; a = ga_jread_next(a), t++) {
            int v;
            if ((rc = ga_jread_bool_at(r, a, STEP_PATHS[k], t, &v)))
                return rc;
            dst[t] = (uint8_t)v;
        }
    }
    return GA_OK;
}

static int read_returns(const GaJread *r, const GaJson *ret, GaTrajEpisode *e)
{
    int rc = ga_jread_want_object(r, ret, "$.returns");
    if (rc || (rc = ga_jread_unique(r, ret, "$.returns")))
        return rc;
    if (ga_jread_count(ret) > GA_MAX_OBJECTIVES)
        return ga_jread_fail(r, "$.returns: more than %d objectives", GA_MAX_OBJECTIVES);
    for (const GaJson *m = ga_jread_first(ret); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        if ((rc = ga_jread_number(r, ret, key, "$.returns", &e->returns[e->n_returns])))
            return rc;
        snprintf(e->objective[e->n_returns++], GA_NAME_LEN, "%s", key);
    }
    return GA_OK;
}

static int read_episode(const GaJread *r, const GaJson *j, GaTrajEpisode *e)
{
    int rc = ga_jread_want_object(r, j, "$");
    if (rc)
        return rc;
    int64_t id;
    const char *world, *label;
    if ((rc = need(r, ga_jread_int(r, j, "id", "$", 0, MAX_ID, &id), "$.id", "")) ||
        (rc = need(r, ga_jread_string(r, j, "world", "$", &world), "$.world", "")) ||
        (rc = need(r, ga_jread_u64(r, j, "seed", "$", &e->seed), "$.seed", "")))
        return rc;
    e->id = id;
    snprintf(e->world, sizeof e->world, "%s", world);
    const GaJson *arr[4];
    for (int k = 0; k < 4; k++) {
        arr[k] = ga_jread_get(j, STEP_PATHS[k] + 2); /* the key: the path after "$." */
        if (!arr[k])
            return ga_jread_fail(r, "%s: missing", STEP_PATHS[k]);
        if ((rc = ga_jread_want_array(r, arr[k], STEP_PATHS[k])))
            return rc;
    }
    e->n = ga_jread_count(arr[0]);
    for (int k = 1; k < 4; k++)
        if (ga_jread_count(arr[k]) != e->n)
            return ga_jread_fail(r,
                                 "%s: length %d, but $.actions has length %d (one element "
                                 "per step in each)",
                                 STEP_PATHS[k], ga_jread_count(arr[k]), e->n);
    if ((rc = read_steps(r, arr, e)))
        return rc;
    const GaJson *ret = ga_jread_get(j, "returns");
    if (!ret)
        return ga_jread_fail(r, "$.returns: missing");
    if ((rc = read_returns(r, ret, e)) ||
        (rc = need(r, ga_jread_string(r, j, "label", "$", &label), "$.label", "")))
        return rc;
    snprintf(e->label, sizeof e->label, "%s", label);
    return GA_OK;
}

int ga_traj_parse_episode(const char *text, size_t len, const char *path, int64_t lineno,
                          int64_t byte, GaTrajEpisode *e, GaErr *err)
{
    memset(e, 0, sizeof *e);
    GaJread r = {.file = path, .line = lineno, .byte = byte, .err = err};
    GaJson *j;
    int rc = ga_jread_parse(&r, text, len, &j);
    if (rc)
        return rc;
    rc = read_episode(&r, j, e);
    ga_json_free(j);
    if (rc)
        ga_traj_free(e);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------ */

/* The next line into r->buf: its length, 0 at the end of the file, -1 on a read error. */
static ssize_t next_line(GaTrajReader *r, int64_t *start)
{
    ssize_t n = getline(&r->buf, &r->cap, r->f);
    if (n < 0)
        return ferror(r->f) ? -1 : 0;
    r->line++;
    *start = r->next_byte;
    r->next_byte += n;
    return n;
}

int ga_traj_open(GaTrajReader *r, const char *path, GaTrajHeader *h, GaErr *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    if (!(r->f = fopen(path, "r")))
        return ga_err_set(err, GA_EIO, "%s: cannot open", path);
    int64_t start;
    ssize_t n = next_line(r, &start);
    int rc = n < 0    ? ga_err_set(err, GA_EIO, "%s: cannot read", path)
             : n == 0 ? ga_err_set(err, GA_EPARSE, "%s: empty, not a trajectory file", path)
                      : ga_traj_parse_header(r->buf, (size_t)n, path, h, err);
    if (rc)
        ga_traj_close(r);
    return rc;
}

int ga_traj_next(GaTrajReader *r, GaTrajEpisode *e, GaErr *err)
{
    memset(e, 0, sizeof *e);
    for (;;) {
        int64_t start;
        ssize_t n = next_line(r, &start);
        if (n < 0)
            return ga_err_set(err, GA_EIO, "%s: cannot read after line %lld", r->path,
                              (long long)r->line);
        if (n == 0)
            return GA_TRAJ_END;
        if (r->buf[0] == '\n')
            continue;
        return ga_traj_parse_episode(r->buf, (size_t)n, r->path, r->line, start, e, err);
    }
}

void ga_traj_close(GaTrajReader *r)
{
    if (r->f)
        fclose(r->f);
    free(r->buf);
    r->f = NULL;
    r->buf = NULL;
    r->cap = 0;
}
