/* tests/test_jread.c: the JSON reader (engine/ga_jread.c): where malformed text is reported
 * (byte, line, column; truncated text, text after the value, a JSON Lines line at a known
 * offset), the exact one-line error of every check and getter with its JSON path, control
 * characters from the file kept out of messages, and the node accessors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_jread.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

static GaErr err;
static const GaJread R = {.file = "f.json", .err = &err};

/* The error ga_jread_parse gives for text (NUL-terminated here) read as r. */
static const char *parse_err(const GaJread *r, const char *text)
{
    GaJson *root = (GaJson *)1;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ga_jread_parse(r, text, strlen(text), &root), GA_EPARSE);
    ck_assert_ptr_null(root);
    ck_assert_int_eq(err.code, GA_EPARSE);
    return err.msg;
}

static GaJson *parse_ok(const char *text)
{
    GaJson *root = NULL;
    memset(&err, 0, sizeof err);
    int rc = ga_jread_parse(&R, text, strlen(text), &root);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(root);
    return root;
}

START_TEST(test_positions)
{
    /* The x on line 3 is byte 25: 9 bytes of line 1, 13 of line 2, then 3 spaces. */
    ck_assert_str_eq(parse_err(&R, "{\"a\": 1,\n \"b\": [1, 2,\n   x]}"),
                     "f.json: byte 25 (line 3, column 4): malformed JSON");
    ck_assert_str_eq(parse_err(&R, "{\"a\": tru}"),
                     "f.json: byte 6 (line 1, column 7): malformed JSON");
    /* Truncated: cJSON names the last byte it could read, or the first byte of a cut string. */
    ck_assert_str_eq(parse_err(&R, "{\"a\": [1, 2"),
                     "f.json: byte 10 (line 1, column 11): malformed JSON");
    ck_assert_str_eq(parse_err(&R, "{\"a\":\n \"bc"),
                     "f.json: byte 8 (line 2, column 3): malformed JSON");
    ck_assert_str_eq(parse_err(&R, ""), "f.json: byte 0 (line 1, column 1): malformed JSON");
    ck_assert_str_eq(parse_err(&R, "   "), "f.json: byte 2 (line 1, column 3): malformed JSON");
    /* Only white space may follow the value. */
    ck_assert_str_eq(parse_err(&R, "{\"a\": 1}\n\n  x"),
                     "f.json: byte 12 (line 3, column 3): unexpected text after the JSON value");
    ck_assert_str_eq(parse_err(&R, "{} {}"),
                     "f.json: byte 3 (line 1, column 4): unexpected text after the JSON value");
    ck_assert_str_eq(parse_err(&R, "1 \v"),
                     "f.json: byte 2 (line 1, column 3): unexpected text after the JSON value");
    ga_json_free(parse_ok(" \t{\"a\": 1} \t\r\n\n"));
    ga_json_free(parse_ok("3"));
}
END_TEST

START_TEST(test_positions_json_lines)
{
    /* Line 7 of a JSON Lines file, starting at byte 500: the byte is counted in the file, the
     * column in the line, and the message names the byte, not "f.json:7:". */
    const GaJread line7 = {.file = "f.jsonl", .line = 7, .byte = 500, .err = &err};
    ck_assert_str_eq(parse_err(&line7, "{\"a\": x}\n"),
                     "f.jsonl: byte 506 (line 7, column 7): malformed JSON");
    ck_assert_str_eq(parse_err(&line7, "{\"a\": 1} 2\n"),
                     "f.jsonl: byte 509 (line 7, column 10): unexpected text after the JSON value");
    ck_assert_str_eq(parse_err(&line7, "\n"),
                     "f.jsonl: byte 500 (line 7, column 1): malformed JSON");
    /* Field errors of that line start "FILE:LINE:". */
    GaJson *root = NULL;
    ck_assert_int_eq(ga_jread_parse(&line7, "[]\n", 3, &root), GA_OK);
    ck_assert_int_eq(ga_jread_want_object(&line7, root, "$"), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.jsonl:7: $: expected an object, found an array");
    ga_json_free(root);
}
END_TEST

START_TEST(test_length_bounded)
{
    /* Only text[0, len) is read: what follows is not seen; a NUL inside is not white space. */
    GaJson *root = NULL;
    ck_assert_int_eq(ga_jread_parse(&R, "{\"a\": 1}garbage", 8, &root), GA_OK);
    ga_json_free(root);
    ck_assert_int_eq(ga_jread_parse(&R, "{\"a\": 1}\0", 9, &root), GA_EPARSE);
    ck_assert_str_eq(err.msg,
                     "f.json: byte 8 (line 1, column 9): unexpected text after the JSON value");
    ck_assert_int_eq(ga_jread_parse(&R, "{\"a\": 12", 7, &root), GA_EPARSE);
}
END_TEST

START_TEST(test_fail)
{
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ga_jread_fail(&R, "%s: %d", "$.x", 3), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.x: 3");
    const GaJread line4 = {.file = "t.jsonl", .line = 4, .err = &err};
    ga_jread_fail(&line4, "$.y: bad");
    ck_assert_str_eq(err.msg, "t.jsonl:4: $.y: bad");
    /* Control characters (escaped in the file) would break the one line: each becomes '?'. */
    ga_jread_fail(&R, "$.%s: unknown key",
                  "a\x01"
                  "b\nc\x7f\x1f");
    ck_assert_str_eq(err.msg, "f.json: $.a?b?c??: unknown key");
    /* The message part is cut at 399 bytes; no GaErr is a probe. */
    char long_key[600];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    ga_jread_fail(&R, "%s", long_key);
    ck_assert_uint_eq(strlen(err.msg), strlen("f.json: ") + 399);
    const GaJread probe = {.file = "f.json"};
    ck_assert_int_eq(ga_jread_fail(&probe, "x"), GA_EPARSE);
}
END_TEST

START_TEST(test_control_characters_from_the_file)
{
    GaJson *root = parse_ok("{\"a\\u0001b\\nc\": \"v\\u0007\", \"k\": \"x\\ty\"}");
    static const char *const none[] = {NULL};
    ck_assert_int_eq(ga_jread_keys(&R, root, "$", none), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a?b?c: unknown key");
    static const char *const names[] = {"red", "blue"};
    int v;
    ck_assert_int_eq(ga_jread_vocab(&R, root, "k", "$", names, 2, "color", &v), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.k: unknown color \"x?y\" (known: red, blue)");
    ga_json_free(root);
}
END_TEST

START_TEST(test_checks)
{
    GaJson *root = parse_ok("{\"o\": {\"a\": 1, \"b\": 2, \"a\": 3}, \"l\": [1], \"s\": \"x\"}");
    const GaJson *o = ga_jread_get(root, "o");
    ck_assert_int_eq(ga_jread_want_object(&R, o, "$.o"), GA_OK);
    ck_assert_int_eq(ga_jread_want_object(&R, ga_jread_get(root, "l"), "$.l"), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.l: expected an object, found an array");
    ck_assert_int_eq(ga_jread_want_array(&R, ga_jread_get(root, "l"), "$.l"), GA_OK);
    ck_assert_int_eq(ga_jread_want_array(&R, ga_jread_get(root, "s"), "$.s"), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.s: expected an array, found a string");
    ck_assert_int_eq(ga_jread_want_array(&R, NULL, "$.none"), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.none: expected an array, found null");
    ck_assert_int_eq(ga_jread_unique(&R, o, "$.o"), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.o.a: duplicate key");
    static const char *const ab[] = {"a", "b", NULL}, *const a[] = {"a", NULL};
    ck_assert_int_eq(ga_jread_keys(&R, o, "$.o", a), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.o.b: unknown key (known: a)");
    ck_assert_int_eq(ga_jread_keys(&R, o, "$.o", ab), GA_EPARSE); /* known, but repeated */
    ck_assert_str_eq(err.msg, "f.json: $.o.a: duplicate key");
    ck_assert_int_eq(ga_jread_keys(&R, ga_jread_get(root, "s"), "$.s", ab), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.s: expected an object, found a string");
    static const char *const ols[] = {"o", "l", "s", NULL};
    ck_assert_int_eq(ga_jread_keys(&R, root, "$", ols), GA_OK);
    ga_json_free(root);
}
END_TEST

/* Found by fuzzing: the duplicate check was pairwise, over a minute for 200,000 keys (which
 * Check's 4 s timeout turns into a failure); it must still name the first repeated key. */
START_TEST(test_unique_many_keys)
{
    enum { N = 200000 };
    size_t cap = (size_t)N * 32 + 64, n = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    n += (size_t)snprintf(t + n, cap - n, "{");
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s\"k%d\": %d", i ? ", " : "", i, i);
    snprintf(t + n, cap - n, "}");
    GaJson *root = parse_ok(t);
    ck_assert_int_eq(ga_jread_count(root), N);
    ck_assert_int_eq(ga_jread_unique(&R, root, "$"), GA_OK);
    ga_json_free(root);
    /* The same keys and two repeats at the end: the first repeat is named. */
    snprintf(t + n, cap - n, ", \"k123456\": 0, \"k7\": 0}");
    root = parse_ok(t);
    ck_assert_int_eq(ga_jread_unique(&R, root, "$"), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.k123456: duplicate key");
    ga_json_free(root);
    free(t);
}
END_TEST

/* Found by fuzzing: valid JSON nested deeper than cJSON's limit was called "malformed". */
START_TEST(test_nested_too_deeply)
{
    enum { D = 1200 };
    static char t[2 * D + 64];
    for (int deep = 0; deep < 2; deep++) {
        int d = deep ? 1001 : 1000, n = 0;
        n += snprintf(t + n, sizeof t - (size_t)n, "{\"a\": ");
        for (int i = 1; i < d; i++)
            t[n++] = i % 2 ? '[' : '{';
        t[n] = '\0';
        /* Objects need keys: use arrays throughout past the first level. */
        for (int i = 7; i < n; i++)
            t[i] = '[';
        for (int i = 1; i < d; i++)
            t[n++] = ']';
        t[n++] = '}';
        t[n] = '\0';
        GaJson *root = NULL;
        memset(&err, 0, sizeof err);
        int rc = ga_jread_parse(&R, t, (size_t)n, &root);
        if (!deep) {
            ck_assert_msg(rc == GA_OK, "%s", err.msg);
            ga_json_free(root);
        } else {
            ck_assert_int_eq(rc, GA_EPARSE);
            /* At the bracket that opens the 1001st: "{"a": " is bytes 0-5, the 2nd at 6. */
            ck_assert_msg(strstr(err.msg, ": byte 1005 (line 1, column 1006): nested too deeply "
                                          "(more than 1000 arrays and objects)"),
                          "%s", err.msg);
        }
    }
    /* A bracket inside a string is not nesting: a plain syntax error stays "malformed". */
    ck_assert_int_eq(ga_jread_parse(&R, "{\"[[[\": x}", 11, &(GaJson *){NULL}), GA_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.msg, "malformed JSON"));
}
END_TEST

START_TEST(test_getters)
{
    GaJson *root = parse_ok("{\"i\": 42, \"neg\": -3, \"frac\": 2.5, \"big\": 1e20,"
                            " \"t\": true, \"f\": false, \"s\": \"str\", \"n\": null,"
                            " \"x\": 1.5, \"inf\": 1e999, \"o\": {}, \"a\": []}");
    int64_t i = -1;
    ck_assert_int_eq(ga_jread_int(&R, root, "i", "$", 0, 100, &i), GA_OK);
    ck_assert_int_eq(i, 42);
    ck_assert_int_eq(ga_jread_int(&R, root, "gone", "$", 0, 100, &i), GA_JREAD_ABSENT);
    ck_assert_int_eq(i, 42); /* untouched */
    ck_assert_int_eq(ga_jread_int(&R, root, "neg", "$", 0, 100, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.neg: -3 is out of range [0, 100]");
    ck_assert_int_eq(ga_jread_int(&R, root, "big", "$", 0, 100, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.big: 100000000000000000000 is out of range [0, 100]");
    /* Found by fuzzing: a bound of INT64_MAX is 2^63 as a double, so 2^63 passed and was cast
     * to int64 (undefined). */
    GaJson *huge = parse_ok("{\"h\": 9223372036854775807, \"g\": 1e63, \"ok\": 9007199254740992}");
    int64_t hv = 0;
    ck_assert_int_eq(ga_jread_int(&R, huge, "h", "$", 0, INT64_MAX, &hv), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.h: 9223372036854775808 is out of range [0, "
                              "9223372036854775807]");
    ck_assert_int_eq(ga_jread_int(&R, huge, "g", "$", INT64_MIN, INT64_MAX, &hv), GA_EPARSE);
    ck_assert_int_eq(ga_jread_int(&R, huge, "ok", "$", 0, INT64_MAX, &hv), GA_OK);
    ck_assert(hv == (int64_t)1 << 53);
    ga_json_free(huge);
    ck_assert_int_eq(ga_jread_int(&R, root, "frac", "$", 0, 100, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.frac: expected an integer, found a fraction");
    ck_assert_int_eq(ga_jread_int(&R, root, "s", "$", 0, 100, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.s: expected an integer, found a string");
    ck_assert_int_eq(ga_jread_int(&R, root, "n", "$", 0, 100, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.n: expected an integer, found null");

    int b = -1;
    ck_assert_int_eq(ga_jread_bool(&R, root, "t", "$", &b), GA_OK);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(ga_jread_bool(&R, root, "f", "$", &b), GA_OK);
    ck_assert_int_eq(b, 0);
    ck_assert_int_eq(ga_jread_bool(&R, root, "gone", "$", &b), GA_JREAD_ABSENT);
    ck_assert_int_eq(ga_jread_bool(&R, root, "i", "$.obj", &b), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.obj.i: expected true or false, found a number");

    const char *s = NULL;
    ck_assert_int_eq(ga_jread_string(&R, root, "s", "$", &s), GA_OK);
    ck_assert_str_eq(s, "str");
    ck_assert_int_eq(ga_jread_string(&R, root, "gone", "$", &s), GA_JREAD_ABSENT);
    ck_assert_int_eq(ga_jread_string(&R, root, "o", "$", &s), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.o: expected a string, found an object");

    double d = 0;
    ck_assert_int_eq(ga_jread_number(&R, root, "x", "$", &d), GA_OK);
    ck_assert_double_eq(d, 1.5);
    ck_assert_int_eq(ga_jread_number(&R, root, "gone", "$", &d), GA_JREAD_ABSENT);
    ck_assert_int_eq(ga_jread_number(&R, root, "t", "$", &d), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.t: expected a number, found a boolean");
    ck_assert_int_eq(ga_jread_number(&R, root, "inf", "$", &d), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.inf: expected a finite number, found an infinite one");
    ck_assert_double_eq(d, 1.5);

    static const char *const names[] = {"none", "str", "other"};
    int v = -1;
    ck_assert_int_eq(ga_jread_vocab(&R, root, "s", "$", names, 3, "word", &v), GA_OK);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(ga_jread_vocab(&R, root, "gone", "$", names, 3, "word", &v), GA_JREAD_ABSENT);
    ck_assert_int_eq(ga_jread_vocab(&R, root, "s", "$", names + 2, 1, "word", &v), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.s: unknown word \"str\" (known: other)");
    ck_assert_int_eq(ga_jread_vocab(&R, root, "a", "$", names, 3, "word", &v), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a: expected a string, found an array");
    ga_json_free(root);
}
END_TEST

START_TEST(test_u64_and_hex)
{
    GaJson *root =
        parse_ok("{\"max\": \"18446744073709551615\", \"over\": \"18446744073709551616\","
                 " \"neg\": \"-1\", \"sp\": \" 5\", \"empty\": \"\", \"num\": 5,"
                 " \"h\": \"00fFa1\", \"h16\": \"ffffffffffffffff\","
                 " \"h17\": \"0ffffffffffffffff\", \"h0x\": \"0x1f\", \"hneg\": \"-1\"}");
    uint64_t u = 7;
    ck_assert_int_eq(ga_jread_u64(&R, root, "max", "$", &u), GA_OK);
    ck_assert_uint_eq(u, 18446744073709551615ull);
    ck_assert_int_eq(ga_jread_u64(&R, root, "gone", "$", &u), GA_JREAD_ABSENT);
    static const char *const bad_u64[] = {"over", "neg", "sp", "empty"};
    for (int k = 0; k < 4; k++) {
        const char *text = ga_jread_str(ga_jread_get(root, bad_u64[k]));
        char want[200];
        snprintf(want, sizeof want,
                 "f.json: $.%s: \"%s\" is not a whole number from 0 to 18446744073709551615",
                 bad_u64[k], text);
        ck_assert_int_eq(ga_jread_u64(&R, root, bad_u64[k], "$", &u), GA_EPARSE);
        ck_assert_str_eq(err.msg, want);
    }
    ck_assert_int_eq(ga_jread_u64(&R, root, "num", "$", &u), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.num: expected a decimal string, found a number");
    ck_assert_uint_eq(u, 18446744073709551615ull);

    ck_assert_int_eq(ga_jread_hex(&R, root, "h", "$", &u), GA_OK);
    ck_assert_uint_eq(u, 0xffa1);
    ck_assert_int_eq(ga_jread_hex(&R, root, "h16", "$", &u), GA_OK);
    ck_assert_uint_eq(u, 0xffffffffffffffffull);
    ck_assert_int_eq(ga_jread_hex(&R, root, "gone", "$", &u), GA_JREAD_ABSENT);
    static const char *const bad_hex[] = {"h17", "h0x", "hneg", "empty", "sp"};
    for (int k = 0; k < 5; k++) {
        const char *text = ga_jread_str(ga_jread_get(root, bad_hex[k]));
        char want[200];
        snprintf(want, sizeof want, "f.json: $.%s: \"%s\" is not 1 to 16 hexadecimal digits",
                 bad_hex[k], text);
        ck_assert_int_eq(ga_jread_hex(&R, root, bad_hex[k], "$", &u), GA_EPARSE);
        ck_assert_str_eq(err.msg, want);
    }
    ck_assert_int_eq(ga_jread_hex(&R, root, "num", "$", &u), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.num: expected a hexadecimal string, found a number");
    ga_json_free(root);
}
END_TEST

START_TEST(test_element_getters)
{
    GaJson *root = parse_ok("{\"a\": [0, 6, 7, 1.5, true, \"s\", 1e999]}");
    const GaJson *a = ga_jread_get(root, "a");
    const GaJson *e[7];
    int n = 0;
    for (const GaJson *x = ga_jread_first(a); x; x = ga_jread_next(x))
        e[n++] = x;
    ck_assert_int_eq(n, 7);
    int64_t i;
    ck_assert_int_eq(ga_jread_int_at(&R, e[1], "$.a", 1, 0, 6, &i), GA_OK);
    ck_assert_int_eq(i, 6);
    ck_assert_int_eq(ga_jread_int_at(&R, e[2], "$.a", 2, 0, 6, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a[2]: 7 is out of range [0, 6]");
    ck_assert_int_eq(ga_jread_int_at(&R, e[3], "$.a", 3, 0, 6, &i), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a[3]: expected an integer, found a fraction");
    int b;
    ck_assert_int_eq(ga_jread_bool_at(&R, e[4], "$.a", 4, &b), GA_OK);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(ga_jread_bool_at(&R, e[0], "$.a", 0, &b), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a[0]: expected true or false, found a number");
    double d;
    ck_assert_int_eq(ga_jread_number_at(&R, e[3], "$.a", 3, &d), GA_OK);
    ck_assert_double_eq(d, 1.5);
    ck_assert_int_eq(ga_jread_number_at(&R, e[5], "$.a", 5, &d), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a[5]: expected a number, found a string");
    ck_assert_int_eq(ga_jread_number_at(&R, e[6], "$.a", 6, &d), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a[6]: expected a finite number, found an infinite one");
    const char *s;
    ck_assert_int_eq(ga_jread_string_at(&R, e[5], "$.a", 5, &s), GA_OK);
    ck_assert_str_eq(s, "s");
    ck_assert_int_eq(ga_jread_string_at(&R, e[4], "$.a", 4, &s), GA_EPARSE);
    ck_assert_str_eq(err.msg, "f.json: $.a[4]: expected a string, found a boolean");
    ga_json_free(root);
}
END_TEST

START_TEST(test_nodes)
{
    GaJson *root = parse_ok("{\"o\": {\"k1\": 1, \"k2\": \"v\"}, \"a\": [null, true, 2.5],"
                            " \"e\": {}}");
    ck_assert(ga_jread_is_object(root));
    ck_assert_int_eq(ga_jread_count(root), 3);
    const GaJson *o = ga_jread_get(root, "o"), *a = ga_jread_get(root, "a");
    const GaJson *m = ga_jread_first(o);
    ck_assert_str_eq(ga_jread_key(m), "k1");
    ck_assert_double_eq(ga_jread_num(m), 1);
    m = ga_jread_next(m);
    ck_assert_str_eq(ga_jread_key(m), "k2");
    ck_assert_str_eq(ga_jread_str(m), "v");
    ck_assert_ptr_null(ga_jread_next(m));
    ck_assert_ptr_null(ga_jread_get(o, "K1")); /* keys are case-sensitive */
    ck_assert_ptr_null(ga_jread_get(a, "k1")); /* an array has no members */
    ck_assert_ptr_null(ga_jread_first(ga_jread_get(root, "e")));
    ck_assert_ptr_null(ga_jread_first(m)); /* a string has no children */
    ck_assert_int_eq(ga_jread_count(a), 3);
    ck_assert_int_eq(ga_jread_count(m), 0);
    const GaJson *e0 = ga_jread_first(a), *e1 = ga_jread_next(e0), *e2 = ga_jread_next(e1);
    ck_assert_str_eq(ga_jread_type(e0), "null");
    ck_assert_str_eq(ga_jread_type(e1), "a boolean");
    ck_assert_str_eq(ga_jread_type(e2), "a number");
    ck_assert_str_eq(ga_jread_type(m), "a string");
    ck_assert_str_eq(ga_jread_type(a), "an array");
    ck_assert_str_eq(ga_jread_type(o), "an object");
    ck_assert_str_eq(ga_jread_type(NULL), "null");
    ck_assert(ga_jread_true(e1) && !ga_jread_true(e2));
    ck_assert(ga_jread_is_bool(e1) && ga_jread_is_number(e2) && ga_jread_is_string(m) &&
              ga_jread_is_array(a) && !ga_jread_is_object(a));
    ck_assert_ptr_null(ga_jread_str(e2));
    ck_assert_double_eq(ga_jread_num(m), 0);
    /* NULL is no value everywhere. */
    ck_assert_ptr_null(ga_jread_get(NULL, "x"));
    ck_assert_ptr_null(ga_jread_first(NULL));
    ck_assert_ptr_null(ga_jread_next(NULL));
    ck_assert_ptr_null(ga_jread_key(NULL));
    ck_assert_ptr_null(ga_jread_str(NULL));
    ck_assert_int_eq(ga_jread_count(NULL), 0);
    ck_assert(!ga_jread_is_object(NULL) && !ga_jread_true(NULL));
    int64_t i;
    ck_assert_int_eq(ga_jread_int(&R, NULL, "x", "$", 0, 1, &i), GA_JREAD_ABSENT);
    ga_json_free(root);
}
END_TEST

START_TEST(test_load)
{
    char path[256], want[512];
    ga_test_tmp_path(path, sizeof path, "doc.json");
    const GaJread r = {.file = path, .err = &err};
    GaJson *root = (GaJson *)1;
    ck_assert_int_eq(ga_jread_load(&r, &root), GA_EIO);
    ck_assert_ptr_null(root);
    snprintf(want, sizeof want, "%s: cannot open", path);
    ck_assert_ptr_nonnull(strstr(err.msg, want));
    ga_test_write_file(path, "{\n  \"a\": [1,,2]\n}\n", 18);
    ck_assert_int_eq(ga_jread_load(&r, &root), GA_EPARSE);
    snprintf(want, sizeof want, "%s: byte 12 (line 2, column 11): malformed JSON", path);
    ck_assert_str_eq(err.msg, want);
    ga_test_write_file(path, "{\"a\": [1, 2]}\n", 14);
    ck_assert_int_eq(ga_jread_load(&r, &root), GA_OK);
    ck_assert_int_eq(ga_jread_count(ga_jread_get(root, "a")), 2);
    ga_json_free(root);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("jread");
    TCase *tc = tcase_create("jread");
    tcase_add_test(tc, test_positions);
    tcase_add_test(tc, test_positions_json_lines);
    tcase_add_test(tc, test_length_bounded);
    tcase_add_test(tc, test_fail);
    tcase_add_test(tc, test_control_characters_from_the_file);
    tcase_add_test(tc, test_checks);
    tcase_add_test(tc, test_nested_too_deeply);
    tcase_add_test(tc, test_unique_many_keys);
    tcase_add_test(tc, test_getters);
    tcase_add_test(tc, test_u64_and_hex);
    tcase_add_test(tc, test_element_getters);
    tcase_add_test(tc, test_nodes);
    tcase_add_test(tc, test_load);
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    suite_add_tcase(s, tc);
    return s;
}
