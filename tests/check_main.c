/* tests/check_main.c: the one Check runner linked into every tests/test_<module>.c executable.
 * Each test file provides ga_test_suite(); this file runs it and reports TAP on stdout, which
 * meson reads with protocol 'tap'. It holds no tests itself and prints nothing besides the TAP. */
#include <stdlib.h>

#include <check.h>

Suite *ga_test_suite(void);

int main(void)
{
    Suite *s = ga_test_suite();
    SRunner *sr = srunner_create(s);
    /* "-" sends the TAP log to stdout (Check >= 0.10); CK_SILENT keeps Check's own summary
     * lines off stdout so the stream stays valid TAP. */
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
