/* tests/test_cli.c: the option-table parser of tools/cli.c: each kind of value with its limits,
 * --name VALUE and --name=VALUE, flags, repeatable options, positional arguments, the one-line
 * usage errors and their wording, the help written from the table, --envs lists and the exit
 * status of each error code. The commands' own tables are exercised through the binary by
 * tests/cli_options.sh. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cli.h"

/* What cli_parse printed to stdout and stderr, captured through their descriptors (stdout
 * carries the TAP stream, so the help must not reach it). */
typedef struct {
    int ret, code;
    char out[4096], err[1024];
} Parsed;

static void read_back(FILE *t, char *buf, size_t n)
{
    rewind(t);
    size_t got = fread(buf, 1, n - 1, t);
    buf[got] = '\0';
    fclose(t);
}

static Parsed parse(const CliCmd *c, int argc, char **argv)
{
    Parsed p = {0};
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    FILE *out = tmpfile(), *err = tmpfile();
    ck_assert(out && err && saved_out >= 0 && saved_err >= 0);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    p.code = -1;
    p.ret = cli_parse(c, argc, argv, &p.code);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    read_back(out, p.out, sizeof p.out);
    read_back(err, p.err, sizeof p.err);
    return p;
}

/* One command with an option of every kind; reset() puts back the defaults. */
static int64_t n_val, big;
static int flag;
static double share, num;
static const char *str, *file, *dir, *list, *arg1, *multi[3];
static GaParam params[GA_MAX_PARAMS];
static int n_params, n_multi;

static int check_no_x(const char *v, char *why, size_t n)
{
    if (strchr(v, 'x')) {
        snprintf(why, n, "no x in \"%s\"", v);
        return -1;
    }
    return strchr(v, 'y') ? -1 : 0; /* a y: refused without a reason */
}

static const CliOpt OPTS[] = {
    CLI_OPT_INT("--n", "N", &n_val, 1, 100, "a number\nover two lines"),
    CLI_OPT_INT("--big", "N", &big, 0, INT64_MAX, "a big number"),
    CLI_OPT_FLAG("--flag", &flag, "a flag"),
    {.name = "--share",
     .meta = "P",
     .kind = CLI_SHARE,
     .dst = CLI_DST(double, &share),
     .help = "a share"},
    {.name = "--num",
     .meta = "S",
     .kind = CLI_NUM,
     .dst = CLI_DST(double, &num),
     .min = 0,
     .max = 10,
     .help = "a number above 0"},
    {.name = "--str",
     .meta = "NAME",
     .kind = CLI_STR,
     .dst = CLI_DST(const char *, &str),
     .what = "a name",
     .check = check_no_x,
     .help = "a name"},
    CLI_OPT_STR("--file", "FILE", CLI_FILE, &file, "a file"),
    CLI_OPT_STR("--dir", "DIR", CLI_DIR, &dir, "a directory"),
    {.name = "--list",
     .meta = "A,B",
     .kind = CLI_LIST,
     .dst = CLI_DST(const char *, &list),
     .what = "names A,B",
     .help = "a list"},
    CLI_PARAM(params, &n_params, "a parameter"),
    {.name = "--multi",
     .meta = "M",
     .kind = CLI_MULTI,
     .dst = CLI_DST(const char *, multi),
     .count = &n_multi,
     .hi = 3,
     .help = "repeatable"},
};

static const CliCmd CMD = {.name = "demo",
                           .usage = "gridalign demo ARG [options]",
                           .about = "Demonstrates.\n",
                           .after = "The end.\n",
                           .opts = OPTS,
                           .n_opts = CLI_N(OPTS),
                           .arg = "ARG",
                           .args = &arg1,
                           .min_args = 1,
                           .max_args = 1};

static void reset(void)
{
    n_val = 7;
    big = flag = 0;
    share = num = -1;
    str = file = dir = list = arg1 = NULL;
    n_params = n_multi = 0;
}

/* parse of the words given, after the command's name */
#define PARSE(...)                                                                                 \
    parse(&CMD, (int)(sizeof((char *[]){"demo", __VA_ARGS__}) / sizeof(char *)),                   \
          (char *[]){"demo", __VA_ARGS__})

static void assert_refused(Parsed p, const char *what)
{
    char want[512];
    snprintf(want, sizeof want, "gridalign demo: %s (see gridalign demo --help)\n", what);
    ck_assert_int_eq(p.ret, 1);
    ck_assert_int_eq(p.code, EXIT_BAD_INPUT);
    ck_assert_str_eq(p.err, want);
    ck_assert_str_eq(p.out, "");
}

START_TEST(test_values_both_forms)
{
    reset();
    Parsed p = PARSE("a", "--n", "5", "--share=0.25", "--num", "10", "--str=ab", "--file", "f",
                     "--dir=d", "--list", " a ,b", "--flag", "--big=9223372036854775807");
    ck_assert_int_eq(p.ret, 0);
    ck_assert_str_eq(p.err, "");
    ck_assert_int_eq(n_val, 5);
    ck_assert(share == 0.25 && num == 10);
    ck_assert_str_eq(str, "ab");
    ck_assert_str_eq(file, "f");
    ck_assert_str_eq(dir, "d");
    ck_assert_str_eq(list, " a ,b");
    ck_assert_str_eq(arg1, "a");
    ck_assert_int_eq(flag, 1);
    ck_assert(big == INT64_MAX);
}
END_TEST

START_TEST(test_integer_limits)
{
    reset();
    ck_assert_int_eq(PARSE("a", "--n", "1").ret, 0);
    ck_assert_int_eq(n_val, 1);
    ck_assert_int_eq(PARSE("a", "--n=100").ret, 0);
    ck_assert_int_eq(n_val, 100);
    assert_refused(PARSE("a", "--n", "0"), "--n takes an integer from 1 to 100, not 0");
    assert_refused(PARSE("a", "--n=101"), "--n takes an integer from 1 to 100, not 101");
    assert_refused(PARSE("a", "--n", "5x"), "--n takes an integer from 1 to 100, not 5x");
    assert_refused(PARSE("a", "--n", "-1"), "--n takes an integer from 1 to 100, not -1");
    ck_assert_int_eq(n_val, 100); /* a refused value leaves the variable alone */
    assert_refused(PARSE("a", "--big", "9223372036854775808"),
                   "--big takes an integer from 0 to 2^63-1, not 9223372036854775808");
}
END_TEST

/* Step counts as people write them: exponents and k, M, G; fractions and overflow refused. */
START_TEST(test_integer_shorthands)
{
    reset();
    static const struct {
        char *text;
        int64_t want;
    } ok[] = {
        {"1e6", 1000000},   {"2.5e5", 250000}, {"100k", 100000},
        {"100K", 100000},   {"2M", 2000000},   {"1.5M", 1500000},
        {"3G", 3000000000}, {"1E2", 100},      {"9.2233720368547758e18", 9223372036854775800}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ck_assert_msg(PARSE("a", "--big", ok[i].text).ret == 0, "%s refused", ok[i].text);
        ck_assert_msg(big == ok[i].want, "%s read as %lld", ok[i].text, (long long)big);
    }
    ck_assert_int_eq(PARSE("a", "--n", "1e2").ret, 0);
    ck_assert_int_eq(n_val, 100);
    assert_refused(PARSE("a", "--n", "1e3"), "--n takes an integer from 1 to 100, not 1e3");
    assert_refused(PARSE("a", "--n", "1.5"), "--n takes an integer from 1 to 100, not 1.5");
    assert_refused(PARSE("a", "--n", "1e-1"), "--n takes an integer from 1 to 100, not 1e-1");
    assert_refused(PARSE("a", "--big", "1.2345k"),
                   "--big takes an integer from 0 to 2^63-1, not 1.2345k");
    assert_refused(PARSE("a", "--big", "1e19"),
                   "--big takes an integer from 0 to 2^63-1, not 1e19");
    assert_refused(PARSE("a", "--big", "9223372036854775808k"),
                   "--big takes an integer from 0 to 2^63-1, not 9223372036854775808k");
    assert_refused(PARSE("a", "--big", "10000000000G"),
                   "--big takes an integer from 0 to 2^63-1, not 10000000000G");
    assert_refused(PARSE("a", "--big", "1e"), "--big takes an integer from 0 to 2^63-1, not 1e");
    assert_refused(PARSE("a", "--big", "k"), "--big takes an integer from 0 to 2^63-1, not k");
    assert_refused(PARSE("a", "--big", "2m"), "--big takes an integer from 0 to 2^63-1, not 2m");
    assert_refused(PARSE("a", "--big", "1kk"), "--big takes an integer from 0 to 2^63-1, not 1kk");
}
END_TEST

START_TEST(test_missing_and_empty_values)
{
    reset();
    assert_refused(PARSE("a", "--n"), "--n needs an integer from 1 to 100");
    assert_refused(PARSE("a", "--n="), "--n needs an integer from 1 to 100");
    assert_refused(PARSE("a", "--file="), "--file needs a file");
    assert_refused(PARSE("a", "--dir"), "--dir needs a directory");
    assert_refused(PARSE("a", "--str="), "--str needs a name");
    assert_refused(PARSE("a", "--list", " , "), "--list needs names A,B");
    assert_refused(PARSE("a", "--param"), "--param needs NAME=VALUE");
    assert_refused(PARSE("a", "--multi="), "--multi needs M");
    /* The next word is the value, even when it looks like an option. */
    assert_refused(PARSE("a", "--n", "--flag"), "--n takes an integer from 1 to 100, not --flag");
}
END_TEST

START_TEST(test_shares_numbers_flags)
{
    reset();
    assert_refused(PARSE("a", "--share", "1.5"), "--share takes a share from 0 to 1, not 1.5");
    assert_refused(PARSE("a", "--share", "nan"), "--share takes a share from 0 to 1, not nan");
    assert_refused(PARSE("a", "--num", "0"), "--num takes a number above 0, up to 10, not 0");
    assert_refused(PARSE("a", "--num", "10.5"), "--num takes a number above 0, up to 10, not 10.5");
    assert_refused(PARSE("a", "--flag=1"), "--flag takes no value");
    ck_assert_int_eq(PARSE("a", "--flag", "--flag").ret, 0);
    ck_assert_int_eq(flag, 1);
}
END_TEST

START_TEST(test_checked_strings)
{
    reset();
    assert_refused(PARSE("a", "--str", "max"), "--str: no x in \"max\"");
    assert_refused(PARSE("a", "--str", "yes"), "--str takes a name, not yes");
    ck_assert_ptr_null(str);
}
END_TEST

START_TEST(test_repeatable)
{
    reset();
    Parsed p =
        PARSE("a", "--param", "alpha=0.5", "--param=gamma=0.9", "--multi", "m1", "--multi=m2");
    ck_assert_int_eq(p.ret, 0);
    ck_assert_int_eq(n_params, 2);
    ck_assert_str_eq(params[1].name, "gamma");
    ck_assert(params[1].value == 0.9);
    ck_assert_int_eq(n_multi, 2);
    ck_assert_str_eq(multi[1], "m2");
    reset();
    assert_refused(PARSE("a", "--multi", "1", "--multi", "2", "--multi", "3", "--multi", "4"),
                   "too many --multi flags, at most 3 (at 4)");
    assert_refused(PARSE("a", "--param", "gamma"), "--param gamma: expected NAME=VALUE");
    reset();
    char *argv[2 + 2 * (GA_MAX_PARAMS + 1)] = {"demo", "a"};
    char text[GA_MAX_PARAMS + 1][16];
    for (int i = 0; i <= GA_MAX_PARAMS; i++) {
        snprintf(text[i], sizeof text[i], "p%d=1", i);
        argv[2 + 2 * i] = "--param";
        argv[3 + 2 * i] = text[i];
    }
    char want[64];
    snprintf(want, sizeof want, "too many --param flags, at most %d (at p%d=1)", GA_MAX_PARAMS,
             GA_MAX_PARAMS);
    assert_refused(parse(&CMD, (int)(sizeof argv / sizeof argv[0]), argv), want);
}
END_TEST

START_TEST(test_arguments_and_unknown_options)
{
    reset();
    assert_refused(PARSE("--n", "5"), "missing ARG");
    assert_refused(PARSE("a", "b"), "unexpected argument b");
    assert_refused(PARSE("a", "--bogus"), "unknown option --bogus");
    assert_refused(PARSE("a", "--bogus=1"), "unknown option --bogus=1");
    assert_refused(PARSE("a", "--nn", "1"), "unknown option --nn"); /* no prefix matching */
    ck_assert_int_eq(PARSE("-").ret, 0);                            /* a lone - is an argument */
    ck_assert_str_eq(arg1, "-");

    const char *files[2];
    int n_files = -1;
    CliCmd many = CMD;
    many.args = files;
    many.min_args = 0;
    many.max_args = 2;
    many.n_args = &n_files;
    char *none[] = {"demo"};
    ck_assert_int_eq(parse(&many, 1, none).ret, 0);
    ck_assert_int_eq(n_files, 0);
    char *two[] = {"demo", "x", "--flag", "y"};
    ck_assert_int_eq(parse(&many, 4, two).ret, 0);
    ck_assert_int_eq(n_files, 2);
    ck_assert_str_eq(files[1], "y");
    char *three[] = {"demo", "x", "y", "z"};
    assert_refused(parse(&many, 4, three), "too many ARG arguments, at most 2 (at z)");
}
END_TEST

START_TEST(test_help_from_the_table)
{
    reset();
    Parsed p = PARSE("--n", "0", "--help"); /* the bad value comes first */
    ck_assert_int_eq(p.code, EXIT_BAD_INPUT);
    p = PARSE("--help", "--bogus"); /* the help, whatever follows */
    ck_assert_int_eq(p.ret, 1);
    ck_assert_int_eq(p.code, 0);
    ck_assert_str_eq(p.err, "");
    ck_assert(
        !strncmp(p.out, "usage: gridalign demo ARG [options]\n\nDemonstrates.\n\noptions:\n",
                 strlen("usage: gridalign demo ARG [options]\n\nDemonstrates.\n\noptions:\n")));
    /* Every option of the table, its value name, its help, continued lines aligned. */
    ck_assert_ptr_nonnull(strstr(p.out, "\n  --n N                 a number\n"
                                        "                        over two lines\n"));
    for (int k = 0; k < CLI_N(OPTS); k++) {
        char head[64];
        snprintf(head, sizeof head, "\n  %s%s%s ", OPTS[k].name, OPTS[k].meta ? " " : "",
                 OPTS[k].meta ? OPTS[k].meta : "");
        char *at = strstr(p.out, head);
        ck_assert_msg(at, "%s is not in the help", OPTS[k].name);
        size_t first = strcspn(OPTS[k].help, "\n");
        ck_assert_msg(!strncmp(at + 1 + 24, OPTS[k].help, first), "%s: help text", head + 1);
    }
    ck_assert_ptr_nonnull(strstr(p.out, "\n  -h, --help            this help\n\nThe end.\n"));
    ck_assert_int_eq(p.out[strlen(p.out) - 1], '\n');
    ck_assert_ptr_null(strstr(p.out, " \n")); /* no trailing spaces */
    Parsed h = PARSE("-h");
    ck_assert_str_eq(h.out, p.out);
}
END_TEST

START_TEST(test_envs)
{
    GaScenario *sc;
    ck_assert_int_eq(cli_load_scenario("tests/data/cli_tiny.json", &sc), 0);
    int worlds[GA_MAX_WORLDS];
    ck_assert_int_eq(cli_parse_envs("demo", sc, " decoys ,train", worlds), 2);
    ck_assert(worlds[0] == 1 && worlds[1] == 0);
    ck_assert_int_eq(cli_parse_envs("demo", sc, "train,,decoys,", worlds), 2);

    fflush(stderr);
    int saved = dup(2);
    FILE *t = tmpfile();
    dup2(fileno(t), 2);
    int dup_rc = cli_parse_envs("demo", sc, "decoys, decoys", worlds);
    int unk_rc = cli_parse_envs("demo", sc, "train,nowhere", worlds);
    int none_rc = cli_parse_envs("demo", sc, " , ", worlds);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char err[1024];
    read_back(t, err, sizeof err);
    ck_assert(dup_rc == -1 && unk_rc == -1 && none_rc == -1);
    ck_assert_str_eq(err,
                     "gridalign demo: --envs: repeated world \"decoys\" (worlds: train decoys)\n"
                     "gridalign demo: --envs: unknown world \"nowhere\" (worlds: train decoys)\n"
                     "gridalign demo: --envs needs world names A,B (see gridalign demo --help)\n");
    free(sc);
}
END_TEST

/* The exit status of each error code: 2 for what the user gave, 1 for a run that failed. */
START_TEST(test_fail_codes)
{
    static const struct {
        int code, status;
    } cases[] = {{GA_EIO, 2},     {GA_EPARSE, 2}, {GA_EINVAL, 2},
                 {GA_EFORMAT, 2}, {GA_ENOMEM, 1}, {GA_EDIVERGED, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fflush(stderr);
        int saved = dup(2);
        FILE *err = tmpfile();
        ck_assert(err && saved >= 0);
        dup2(fileno(err), 2);
        GaErr e = {cases[i].code, "r: training diverged"};
        int status = cli_fail(&e);
        fflush(stderr);
        dup2(saved, 2);
        close(saved);
        char msg[64];
        read_back(err, msg, sizeof msg);
        ck_assert_int_eq(status, cases[i].status);
        ck_assert_str_eq(msg, "r: training diverged\n");
    }
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("options");
    tcase_add_test(tc, test_values_both_forms);
    tcase_add_test(tc, test_integer_limits);
    tcase_add_test(tc, test_integer_shorthands);
    tcase_add_test(tc, test_missing_and_empty_values);
    tcase_add_test(tc, test_shares_numbers_flags);
    tcase_add_test(tc, test_checked_strings);
    tcase_add_test(tc, test_repeatable);
    tcase_add_test(tc, test_arguments_and_unknown_options);
    tcase_add_test(tc, test_help_from_the_table);
    tcase_add_test(tc, test_envs);
    tcase_add_test(tc, test_fail_codes);
    suite_add_tcase(s, tc);
    return s;
}
