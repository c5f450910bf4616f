/* tests/ga_testutil.c: the shared test fixtures declared in ga_testutil.h. The temporary
 * directory is the one piece of state: a fixture cannot take arguments, and a forked test
 * inherits the name the parent made. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "ga_hash.h"
#include "ga_io.h"
#include "ga_param.h"
#include "ga_testutil.h"

static char tmpdir[64];

/* ---- scenarios ------------------------------------------------------------------------- */

char *ga_test_swap_quotes(char *dst, size_t n, const char *quoted)
{
    size_t len = strlen(quoted);
    ck_assert_uint_lt(len, n);
    for (size_t i = 0; i <= len; i++)
        dst[i] = quoted[i] == '\'' ? '"' : quoted[i];
    return dst;
}

int ga_test_parse(GaScenario *sc, const char *path, const char *quoted, GaErr *err)
{
    size_t n = strlen(quoted) + 1;
    char *text = malloc(n);
    ck_assert_ptr_nonnull(text);
    ga_test_swap_quotes(text, n, quoted);
    int rc = ga_scenario_parse(sc, path, text, n - 1, err);
    free(text);
    return rc;
}

GaScenario *ga_test_load(const char *path)
{
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_scenario_load(sc, path, &err);
    ck_assert_msg(rc == GA_OK, "%s (tests run from the project root)", err.msg);
    return sc;
}

GaScenario *ga_test_load_inline(const char *quoted)
{
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_test_parse(sc, "inline", quoted, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    return sc;
}

int ga_test_find_kind(const GaScenario *sc, const char *name)
{
    for (int k = 0; k < sc->n_kinds; k++)
        if (strcmp(sc->kind[k].name, name) == 0)
            return k;
    ck_abort_msg("no kind %s", name);
    return -1;
}

static void set_interrupt(GaKind *k, float p)
{
    k->interrupt = 1;
    k->interrupt_p = p;
    k->interrupt_if = (GaCond){0, 0};
}

void ga_test_set_interrupt(GaScenario *sc, const char *name, float p)
{
    int k = ga_test_find_kind(sc, name);
    set_interrupt(&sc->kind[k], p);
    for (int i = 0; i < sc->n_worlds; i++)
        set_interrupt(&sc->world[i].kind[k], p);
    set_interrupt(&sc->diverse.kind[k], p);
}

/* ---- worlds ---------------------------------------------------------------------------- */

int ga_test_look_at(const GaWorld *w, int x, int y)
{
    return w->look[(y + GA_PAD) * GA_STRIDE + x + GA_PAD];
}

int ga_test_obj_at(const GaWorld *w, int x, int y)
{
    return w->obj_at[y * GA_MAX_W + x];
}

void ga_test_fill_episode(GaWorld *w, int t, int terminated, float r0, float r1, int target0,
                          int done0, int spoiled0, int target1, int done1, int spoiled1)
{
    memset(w, 0, sizeof *w);
    w->n_objectives = 2;
    w->t = t;
    w->terminated = terminated;
    w->truncated = !terminated;
    w->ret[0] = r0;
    w->ret[1] = r1;
    w->succ_target[0] = (uint16_t)target0;
    w->succ_done[0] = (uint16_t)done0;
    w->succ_spoiled[0] = (uint8_t)spoiled0;
    w->succ_target[1] = (uint16_t)target1;
    w->succ_done[1] = (uint16_t)done1;
    w->succ_spoiled[1] = (uint8_t)spoiled1;
}

int ga_test_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- files ----------------------------------------------------------------------------- */

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char sub[1024];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                rm_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

void ga_test_tmpdir_setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ga_test_XXXXXX");
    if (!mkdtemp(tmpdir))
        tmpdir[0] = '\0';
}

void ga_test_tmpdir_teardown(void)
{
    if (tmpdir[0])
        rm_tree(tmpdir);
}

const char *ga_test_tmpdir(void)
{
    return tmpdir;
}

void ga_test_tmp_path(char *out, size_t n, const char *name)
{
    ck_assert_msg(tmpdir[0], "mkdtemp failed");
    snprintf(out, n, "%s/%s", tmpdir, name);
}

unsigned char *ga_test_read_file(const char *path, size_t *len)
{
    char *data;
    GaErr err = {0};
    int rc = ga_io_read_file(path, &data, len, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    return (unsigned char *)data;
}

void ga_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    if (len)
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

void ga_test_reseal(unsigned char *data, size_t len)
{
    uint64_t sum = ga_hash_bytes(data, len - 8);
    memcpy(data + len - 8, &sum, 8);
}

size_t ga_test_payload_off(const unsigned char *data, int n_params)
{
    size_t at = 60 + (size_t)n_params * (GA_PARAM_NAME_LEN + 8);
    uint32_t n;
    memcpy(&n, data + at, 4);
    return at + 4 + (n == 0xFFFFFFFFu ? 0 : (size_t)n * 8);
}
