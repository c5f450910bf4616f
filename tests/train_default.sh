#!/usr/bin/env bash
# tests/train_default.sh GRIDALIGN: the promise of the Quick start, checked end to end: training
# the shipped strawberry scenario with its defaults reaches an intended success rate >= 0.9 on
# fresh training-world episodes. Suite 'slow' (a few seconds in a release build). Prints TAP.
set -u
bin=$(readlink -f "$1")
tmp=$(mktemp -d /tmp/ga_slow_XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "1..2"
if "$bin" train scenarios/strawberry.json --out "$tmp/run" --quiet >"$tmp/out" 2>&1; then
    echo "ok 1 - default training run"
else
    echo "not ok 1 - default training run"
    sed 's/^/# /' "$tmp/out"
fi
# run.json's first success_rate under "eval" is the intended objective's (objectives are
# written in scenario order and "intended" comes first in strawberry.json).
rate=$(sed -n '/"eval"/,$p' "$tmp/run/run.json" 2>/dev/null | grep -m1 '"success_rate"' | grep -oE '[0-9.eE+-]+$')
if awk -v r="${rate:-0}" 'BEGIN { exit !(r >= 0.9) }'; then
    echo "ok 2 - intended success rate $rate >= 0.9"
else
    echo "not ok 2 - intended success rate ${rate:-missing} < 0.9"
    exit 1
fi
