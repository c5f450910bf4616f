/* lab/ga_shard.c: the split of jobs over shards, and a shard's files: a readable JSON record of
 * what made it and a binary one of its results. The results go raw (the structs as this build
 * lays them out) so that the merge's reports are those of the unsharded command bit for bit;
 * the record's build and record size keep another build from reading them. */
#include "ga_shard.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_hash.h"
#include "ga_io.h"
#include "ga_jread.h"
#include "ga_json.h"

static const char MAGIC[8] = {'G', 'A', 'S', 'H', 'A', 'R', 'D', '1'};

typedef struct {
    double cost;
    int job;
} Ranked;

/* Largest cost first, then by job index: a total order, so the split is the same whatever the
 * sort's algorithm. */
static int cmp_ranked(const void *a, const void *b)
{
    const Ranked *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return (x->job > y->job) - (x->job < y->job);
}

int ga_shard_split(const double *cost, int n_jobs, int n_shards, int *shard)
{
    Ranked *r = malloc((size_t)(n_jobs > 0 ? n_jobs : 1) * sizeof *r);
    double load[GA_SHARD_MAX] = {0};
    if (!r)
        return GA_ENOMEM;
    for (int j = 0; j < n_jobs; j++)
        r[j] = (Ranked){cost[j], j};
    qsort(r, (size_t)n_jobs, sizeof *r, cmp_ranked);
    for (int k = 0; k < n_jobs; k++) {
        int best = 0;
        for (int i = 1; i < n_shards; i++)
            if (load[i] < load[best])
                best = i;
        shard[r[k].job] = best + 1;
        load[best] += r[k].cost;
    }
    free(r);
    return GA_OK;
}

void ga_shard_path(char *buf, size_t n, const char *dir, const char *stem, int index, int count)
{
    snprintf(buf, n, "%s/shards/%s.%d-of-%d.json", dir, stem, index, count);
}

int ga_shard_parse_name(const char *name, size_t *stem_len, int *index, int *count)
{
    size_t len = strlen(name);
    if (len < 5 || strcmp(name + len - 5, ".json"))
        return 0;
    const char *dot = NULL;
    for (const char *c = name; c < name + len - 5; c++)
        if (*c == '.')
            dot = c;
    int i, n, used = 0;
    if (!dot || dot == name || !(dot[1] >= '1' && dot[1] <= '9') ||
        sscanf(dot + 1, "%d-of-%d.json%n", &i, &n, &used) != 2 ||
        (size_t)used != len - (size_t)(dot + 1 - name))
        return 0;
    if (stem_len)
        *stem_len = (size_t)(dot - name);
    if (index)
        *index = i;
    if (count)
        *count = n;
    return 1;
}

void ga_shard_remove_stale(const char *dir, const char *stem, int keep_count)
{
    char shards[1100], path[1400];
    snprintf(shards, sizeof shards, "%s/shards", dir);
    DIR *d = opendir(shards);
    if (!d)
        return;
    size_t want = strlen(stem), len;
    int count;
    for (struct dirent *e; (e = readdir(d));) {
        if (!ga_shard_parse_name(e->d_name, &len, NULL, &count) || len != want ||
            strncmp(e->d_name, stem, want) || count == keep_count)
            continue;
        snprintf(path, sizeof path, "%s/%.*s.bin", shards, (int)strlen(e->d_name) - 5, e->d_name);
        remove(path);
        snprintf(path, sizeof path, "%s/%s", shards, e->d_name);
        remove(path);
    }
    closedir(d);
    /* The directory stays, even empty: a shard running beside this one (of this split, or of
     * another command into the same output directory) may have just made it to write into. */
}

/* The .bin beside a .json path: the same name with the other extension. */
static void bin_path(char *buf, size_t n, const char *json)
{
    size_t len = strlen(json);
    snprintf(buf, n, "%.*s.bin", (int)(len > 5 ? len - 5 : len), json);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int ga_shard_write(const char *dir, const char *stem, GaShard *s, GaErr *err)
{
    char shards[1100], bin[1100];
    snprintf(shards, sizeof shards, "%s/shards", dir);
    int rc = ga_io_mkdirs(shards, err);
    if (rc)
        return rc;
    ga_shard_path(s->path, sizeof s->path, dir, stem, s->index, s->count);
    bin_path(bin, sizeof bin, s->path);
    uint32_t head[2] = {(uint32_t)sizeof(GaSeedResult), (uint32_t)s->n_slots};
    size_t len =
        sizeof MAGIC + sizeof head + (size_t)s->n_slots * (sizeof(int32_t) + sizeof(GaSeedResult));
    unsigned char *buf = calloc(1, len), *p = buf;
    if (!buf)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory", bin);
    memcpy(p, MAGIC, sizeof MAGIC);
    p += sizeof MAGIC;
    memcpy(p, head, sizeof head);
    p += sizeof head;
    for (int i = 0; i < s->n_slots; i++, p += sizeof(int32_t)) {
        int32_t v = s->slot[i];
        memcpy(p, &v, sizeof v);
    }
    for (int i = 0; i < s->n_slots; i++, p += sizeof(GaSeedResult)) {
        GaSeedResult r = s->res[i];
        memset(&r.stage, 0, sizeof r.stage); /* where it was built: gone by now */
        memcpy(p, &r, sizeof r);
    }
    uint64_t sum = ga_hash_bytes(buf, len);
    rc = ga_io_write_atomic(bin, buf, len, err);
    free(buf);
    if (rc)
        return rc;

    GaJson *j = ga_json_object();
    char hex[17];
    ga_json_add_num(j, "gridalign_shard", 1);
    ga_json_add_str(j, "command", s->command);
    GaJson *ja = ga_json_add_array(j, "args");
    for (int i = 0; i < s->n_args; i++)
        ga_json_add_str(ja, NULL, s->args[i]);
    ga_json_add_num(j, "shard", s->index);
    ga_json_add_num(j, "of", s->count);
    ga_json_add_str(j, "gridalign_version", s->version);
    ga_json_add_str(j, "git_commit", s->commit);
    ga_json_add_str(j, "cwd", s->cwd ? s->cwd : "");
    GaJson *js = ga_json_add_array(j, "scenarios");
    for (int i = 0; i < s->n_scenarios; i++) {
        GaJson *o = ga_json_add_object(js, NULL);
        ga_json_add_str(o, "file", s->scenario[i]);
        snprintf(hex, sizeof hex, "%016" PRIx64, s->hash[i]);
        ga_json_add_str(o, "hash", hex);
    }
    /* For people: which seeds this shard trained and where they went. The merge reads the
     * .bin. */
    GaJson *jr = ga_json_add_array(j, "results");
    for (int i = 0; i < s->n_slots; i++) {
        GaJson *o = ga_json_add_object(jr, NULL);
        ga_json_add_num(o, "slot", s->slot[i]);
        ga_json_add_u64(o, "seed", s->res[i].seed);
        ga_json_add_str(o, "run_dir", s->res[i].dir);
    }
    ga_json_add_num(j, "wall_seconds", s->wall_seconds);
    ga_json_add_str(j, "bin", base_name(bin));
    ga_json_add_num(j, "bin_bytes", (double)len);
    snprintf(hex, sizeof hex, "%016" PRIx64, sum);
    ga_json_add_str(j, "bin_hash", hex);
    rc = ga_json_write(j, s->path, err);
    ga_json_free(j);
    return rc;
}

void ga_shard_free(GaShard *s)
{
    free(s->args);
    free(s->slot);
    free(s->res);
    free(s->owned);
    ga_json_free(s->owned_json);
    s->args = NULL;
    s->slot = NULL;
    s->res = NULL;
    s->owned = NULL;
    s->owned_json = NULL;
}

static int read_header(const GaJread *r, const GaJson *j, GaShard *s, uint64_t *bin_hash,
                       int64_t *bin_bytes, const char **bin)
{
    int64_t v, idx, cnt;
    int rc;
    if ((rc = ga_jread_want_object(r, j, "$")))
        return rc;
    if (ga_jread_int(r, j, "gridalign_shard", "$", 1, 1, &v) != GA_OK)
        return ga_jread_fail(r, "$.gridalign_shard: missing or not 1 (not a gridalign shard file "
                                "of this version)");
    if ((rc = ga_jread_string(r, j, "command", "$", &s->command)) ||
        (rc = ga_jread_int(r, j, "shard", "$", 1, GA_SHARD_MAX, &idx)) ||
        (rc = ga_jread_int(r, j, "of", "$", 1, GA_SHARD_MAX, &cnt)) ||
        (rc = ga_jread_string(r, j, "gridalign_version", "$", &s->version)) ||
        (rc = ga_jread_string(r, j, "git_commit", "$", &s->commit)) ||
        (rc = ga_jread_number(r, j, "wall_seconds", "$", &s->wall_seconds)) ||
        (rc = ga_jread_string(r, j, "bin", "$", bin)) ||
        (rc = ga_jread_int(r, j, "bin_bytes", "$", 0, (int64_t)1 << 50, bin_bytes)) ||
        (rc = ga_jread_hex(r, j, "bin_hash", "$", bin_hash)))
        return rc == GA_JREAD_ABSENT ? ga_jread_fail(r, "$: a shard file's field is missing") : rc;
    if (idx > cnt)
        return ga_jread_fail(r, "$.shard: %" PRId64 " is more than $.of, %" PRId64, idx, cnt);
    s->index = (int)idx;
    s->count = (int)cnt;
    s->cwd = "";
    if ((rc = ga_jread_string(r, j, "cwd", "$", &s->cwd)) == GA_EPARSE)
        return rc;
    const GaJson *ja = ga_jread_get(j, "args"), *js = ga_jread_get(j, "scenarios");
    if ((rc = ga_jread_want_array(r, ja, "$.args")) ||
        (rc = ga_jread_want_array(r, js, "$.scenarios")))
        return rc;
    s->n_args = ga_jread_count(ja);
    if (!(s->args = calloc((size_t)s->n_args + 1, sizeof *s->args)))
        return ga_err_set(r->err, GA_ENOMEM, "%s: out of memory", r->file);
    int i = 0;
    for (const GaJson *e = ga_jread_first(ja); e; e = ga_jread_next(e), i++) {
        const char *str;
        if ((rc = ga_jread_string_at(r, e, "$.args", i, &str)))
            return rc;
        s->args[i] = (char *)str; /* points into the tree, which s keeps */
    }
    if (ga_jread_count(js) > GA_SHARD_MAX_SCENARIOS)
        return ga_jread_fail(r, "$.scenarios: more than %d", GA_SHARD_MAX_SCENARIOS);
    i = 0;
    for (const GaJson *e = ga_jread_first(js); e; e = ga_jread_next(e), i++) {
        char path[64];
        snprintf(path, sizeof path, "$.scenarios[%d]", i);
        if ((rc = ga_jread_want_object(r, e, path)) ||
            (rc = ga_jread_string(r, e, "file", path, &s->scenario[i])) ||
            (rc = ga_jread_hex(r, e, "hash", path, &s->hash[i])))
            return rc == GA_JREAD_ABSENT ? ga_jread_fail(r, "%s: file or hash missing", path) : rc;
    }
    s->n_scenarios = i;
    return GA_OK;
}

int ga_shard_read(const char *path, GaShard *s, GaErr *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    GaJread r = {.file = path, .err = err};
    GaJson *root = NULL;
    int rc = ga_jread_load(&r, &root);
    s->owned_json = root;
    if (rc)
        return rc;
    uint64_t want_hash;
    int64_t want_bytes;
    const char *bin_name;
    if ((rc = read_header(&r, root, s, &want_hash, &want_bytes, &bin_name)))
        return rc;
    char bin[1100];
    bin_path(bin, sizeof bin, path);
    if (strcmp(base_name(bin), bin_name))
        return ga_err_set(err, GA_EFORMAT, "%s: $.bin: \"%s\", not %s (a renamed shard file?)",
                          path, bin_name, base_name(bin));
    size_t len;
    if ((rc = ga_io_read_file(bin, &s->owned, &len, err)))
        return rc;
    if ((int64_t)len != want_bytes || ga_hash_bytes(s->owned, len) != want_hash)
        return ga_err_set(err, GA_EFORMAT,
                          "%s: %zu bytes whose checksum is not the one %s records (truncated or "
                          "changed since the shard wrote it)",
                          bin, len, base_name(path));
    uint32_t head[2];
    if (len < sizeof MAGIC + sizeof head || memcmp(s->owned, MAGIC, sizeof MAGIC))
        return ga_err_set(err, GA_EFORMAT, "%s: not a gridalign shard's results", bin);
    memcpy(head, s->owned + sizeof MAGIC, sizeof head);
    if (head[0] != sizeof(GaSeedResult))
        return ga_err_set(err, GA_EFORMAT,
                          "%s: results of %u bytes each, this build's are %zu: made by another "
                          "build of gridalign",
                          bin, head[0], sizeof(GaSeedResult));
    size_t n = head[1];
    if (len != sizeof MAGIC + sizeof head + n * (sizeof(int32_t) + sizeof(GaSeedResult)))
        return ga_err_set(err, GA_EFORMAT, "%s: %zu bytes do not hold %zu results", bin, len, n);
    s->n_slots = (int)n;
    s->slot = malloc((n ? n : 1) * sizeof *s->slot);
    s->res = malloc((n ? n : 1) * sizeof *s->res);
    if (!s->slot || !s->res)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory", bin);
    const char *p = s->owned + sizeof MAGIC + sizeof head;
    for (size_t i = 0; i < n; i++, p += sizeof(int32_t)) {
        int32_t v;
        memcpy(&v, p, sizeof v);
        s->slot[i] = v;
    }
    memcpy(s->res, p, n * sizeof *s->res);
    return GA_OK;
}

/* The command line of s as one string, for messages: "run scenarios/x.json --seeds 4". */
static void command_text(const GaShard *s, char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%s", s->command);
    for (int i = 0; i < s->n_args && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, " %s", s->args[i]);
}

static int same_command(const GaShard *a, const GaShard *b)
{
    if (strcmp(a->command, b->command) || a->n_args != b->n_args)
        return 0;
    for (int i = 0; i < a->n_args; i++)
        if (strcmp(a->args[i], b->args[i]))
            return 0;
    return 1;
}

static int same_scenarios(const GaShard *a, const GaShard *b)
{
    if (a->n_scenarios != b->n_scenarios)
        return 0;
    for (int i = 0; i < a->n_scenarios; i++)
        if (a->hash[i] != b->hash[i] || strcmp(a->scenario[i], b->scenario[i]))
            return 0;
    return 1;
}

int ga_shard_check_set(GaShard *const *sh, int n, GaErr *err)
{
    if (n <= 0)
        return ga_err_set(err, GA_EINVAL, "no shard files");
    const GaShard *a = sh[0];
    for (int k = 1; k < n; k++) {
        const GaShard *b = sh[k];
        char ta[600], tb[600];
        if (!same_command(a, b)) {
            command_text(a, ta, sizeof ta);
            command_text(b, tb, sizeof tb);
            return ga_err_set(err, GA_EINVAL,
                              "%s and %s are shards of different commands: `%s` and `%s`", a->path,
                              b->path, ta, tb);
        }
        if (strcmp(a->version, b->version) || strcmp(a->commit, b->commit))
            return ga_err_set(err, GA_EINVAL,
                              "%s and %s were made by different builds (gridalign %s (%s) and %s "
                              "(%s)): run every shard with one build",
                              a->path, b->path, a->version, a->commit, b->version, b->commit);
        if (!same_scenarios(a, b))
            return ga_err_set(err, GA_EINVAL,
                              "%s and %s are shards of different scenarios (a scenario file "
                              "changed between them)",
                              a->path, b->path);
        if (a->count != b->count)
            return ga_err_set(err, GA_EINVAL, "%s is shard %d of %d but %s is of %d", a->path,
                              a->index, a->count, b->path, b->count);
    }
    const GaShard *by_index[GA_SHARD_MAX + 1] = {0};
    for (int k = 0; k < n; k++) {
        const GaShard *s = sh[k];
        if (by_index[s->index])
            return ga_err_set(err, GA_EINVAL, "shard %d of %d appears twice: %s and %s", s->index,
                              s->count, by_index[s->index]->path, s->path);
        by_index[s->index] = s;
    }
    for (int i = 1; i <= a->count; i++) {
        if (by_index[i])
            continue;
        char found[800] = "";
        size_t at = 0;
        for (int k = 1; k <= a->count && at < sizeof found; k++)
            if (by_index[k])
                at += (size_t)snprintf(found + at, sizeof found - at, "%s%d", at ? ", " : "", k);
        return ga_err_set(err, GA_EINVAL, "shard %d of %d is missing (found %s: %s, ...)", i,
                          a->count, found, a->path);
    }
    return GA_OK;
}
