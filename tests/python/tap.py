"""Runs the Python test modules named on the command line (tests/python/test_*.py) with unittest
and reports every test case as a TAP line, as the C suites do, so meson shows each one.
Run from the repository root with PYTHONPATH=python (meson sets it, and GRIDALIGN_LIB and
GRIDALIGN_EXE to the build's library and command)."""

import os
import sys
import time
import unittest


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0
        self.t0 = 0.0

    def startTest(self, test):
        super().startTest(test)
        self.t0 = time.perf_counter()

    def _line(self, ok, test, note=""):
        self.n += 1
        took = time.perf_counter() - self.t0
        print("%s %d - %s%s (%.2f s)" % ("ok" if ok else "not ok", self.n, test.id(), note, took),
              flush=True)

    def addSuccess(self, test):
        self._line(True, test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, " # SKIP " + reason)

    def _fail(self, test, err, kind):
        self._line(False, test)
        for line in self._exc_info_to_string(err, test).splitlines():
            print("# " + line)
        print("# (%s)" % kind, flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err, "failure")

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err, "error")

    def addSubTest(self, test, subtest, err):
        # A failed subtest fails its test, which then reports neither success nor failure
        # itself: without this line it would vanish from the TAP output.
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(subtest, err, "failure" if issubclass(err[0], test.failureException)
                       else "error")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(True, test, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(False, test, " (unexpected success)")


def main(paths):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for p in paths:
        name = os.path.splitext(os.path.basename(p))[0]
        suite.addTests(loader.loadTestsFromName(name))
    result = TapResult()
    suite.run(result)
    print("1..%d" % result.n)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
