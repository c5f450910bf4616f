#!/usr/bin/env bash
# tests/setup_check.sh: the package check of tools/setup.sh, under the same `set -euo pipefail`
# as tools/gridalign: a package dpkg has never heard of must be reported missing (dpkg-query
# exits 1 for it, which once ended the check silently, so nothing was installed). Prints TAP.
set -euo pipefail
# shellcheck source=/dev/null
source tools/setup.sh
echo "1..2"
failed=0
# Called as ga_setup calls it: process substitution, which (unlike $(...)) inherits set -e.
# shellcheck disable=SC2034 # read by ga_missing_packages
GA_DEB_PACKAGES=(bash ga-no-such-package-xyz)
mapfile -t missing < <(ga_missing_packages)
out="${missing[*]}"
if [[ $out == "ga-no-such-package-xyz" ]]; then
    echo "ok 1 - an unknown package is reported missing"
else
    echo "not ok 1 - an unknown package is reported missing (got: ${out:-nothing})"
    failed=1
fi
# shellcheck disable=SC2034 # read by ga_missing_packages
GA_DEB_PACKAGES=(bash)
mapfile -t missing < <(ga_missing_packages)
out="${missing[*]}"
if [[ -z $out ]]; then
    echo "ok 2 - an installed package is not reported"
else
    echo "not ok 2 - an installed package is not reported (got: $out)"
    failed=1
fi
exit $failed
