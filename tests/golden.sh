#!/usr/bin/env bash
# tests/golden.sh GRIDALIGN [--print]: the results researchers compare across versions, pinned.
# Short fixed-seed runs of every shipped scenario with every learner (train, eval with
# --episodes-out and --record, probe, run across two seeds), a small sweep and a batch, and the
# SHA-256 of what they write, against tests/golden.sha256. Only what does not depend on the
# clock or the checkout's location is hashed: wall times, paths and the build's version are
# dropped.
# A change that alters a result fails here: make it on purpose, say why in the commit, and
# re-record with `tests/golden.sh build/gridalign --print > tests/golden.sha256`.
# The exact optima (--reference) cost most of the time, so only 3 layouts per world get one:
# the sanitizer build runs this too. Prints TAP (or, with --print, the checksum lines); meson
# runs it from the repo root.
set -u
bin=$(readlink -f "$1")
mode=${2:-check}
root=$(pwd -P)
want=$root/tests/golden.sha256
tmp=$(mktemp -d /tmp/ga_golden_XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Drops the lines of pretty JSON that hold times, paths and the build's identity, and blanks
# the run directory in a trajectory header (one line); the rest is the result.
# The warning about seeds that did not learn the training task (unlearned_*) is advice drawn from
# the pinned numbers, added after these sums were recorded: dropped too, so they stay the same.
volatile='"(wall_seconds|train_seconds|steps_per_second|git_commit|gridalign_version|abs_path|run_dir|unlearned_seeds|unlearned_warning)"'
stable() {
    [[ $1 == *.bin ]] && { cat "$1"; return; }
    sed -E 's/"run_dir":"[^"]*"/"run_dir":""/' "$1" | grep -Ev "$volatile:[[:space:]]"
}

# Each output as "SHA256  NAME", NAME relative to the work directory.
sums() {
    local f
    for f in "$@"; do
        printf '%s  %s\n' "$(stable "$f" | sha256sum | cut -d' ' -f1)" "${f#"$tmp"/}"
    done
}

fail=0
runs() {
    local sc=$1 agent=$2 steps=$3 d=$tmp/$1-$2
    "$bin" train "scenarios/$sc.json" --agent "$agent" --seed 3 --steps "$steps" \
        --eval-episodes 100 --out "$d" --quiet >/dev/null || fail=1
    "$bin" eval "$d" --episodes 20 --reference 3 --threads 2 --episodes-out "$d/episodes.jsonl" \
        --record "$d/record.jsonl" >/dev/null || fail=1
    "$bin" probe "$d" --episodes 20 --json "$d/probe.json" >/dev/null 2>&1 || fail=1
    "$bin" run "scenarios/$sc.json" --agent "$agent" --seeds 2 --first-seed 5 --steps "$steps" \
        --episodes 20 --reference 3 --threads 2 --out "$tmp/run-$sc-$agent" --quiet \
        >/dev/null || fail=1
    sums "$d/agent.bin" "$d/curve.csv" "$d/run.json" "$d/scenario.json" "$d/eval.json" \
        "$d/episodes.jsonl" "$d/record.jsonl" "$d/probe.json" \
        "$tmp/run-$sc-$agent/summary-$agent.json" "$tmp/run-$sc-$agent/$agent-seed6/eval.json"
}

{
    for sc in strawberry strawberry_shape; do
        runs "$sc" qlearn 100000
        runs "$sc" dqn 3000
    done
    # The diversity curve: two levels of two seeds.
    "$bin" sweep scenarios/strawberry_shape.json --agent qlearn --steps 30000 --seeds 2 \
        --diversity 0,0.1 --episodes 20 --threads 2 --out "$tmp/sweep" --quiet >/dev/null 2>&1 ||
        fail=1
    sums "$tmp/sweep/sweep.csv" "$tmp/sweep/summary.csv" "$tmp/sweep/sweep.json"
    # The batch's verdicts and per-seed values (of the format 1 scenarios these sums were
    # recorded with); its last lines hold the wall time.
    "$bin" batch scenarios/strawberry.json scenarios/strawberry_shape.json --seeds 2 --steps 3000 \
        --episodes 20 --reference 3 --threads 2 --out "$tmp/batch" \
        --json "$tmp/batch.json" --quiet >"$tmp/batch.txt"
    [[ $? -le 1 ]] || fail=1
    grep -E '^(PASS|FAIL|SKIP) ' "$tmp/batch.txt" >"$tmp/batch-lines.txt"
    sums "$tmp/batch.json" "$tmp/batch-lines.txt"
} >"$tmp/got"

if [[ $mode == --print ]]; then
    cat "$tmp/got"
    exit $fail
fi
echo "1..2"
if [[ $fail -eq 0 ]]; then echo "ok 1 - every golden run succeeded"; else echo "not ok 1 - a golden run failed"; fi
if diff -u "$want" "$tmp/got" >"$tmp/diff"; then
    echo "ok 2 - $(wc -l <"$want") outputs match tests/golden.sha256"
else
    echo "not ok 2 - outputs differ from tests/golden.sha256 (a result changed: on purpose?)"
    sed 's/^/# /' "$tmp/diff"
    exit 1
fi
exit $fail
