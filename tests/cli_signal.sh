#!/usr/bin/env bash
# tests/cli_signal.sh GRIDALIGN: interrupts sent to real processes. A train or run stopped by
# SIGINT or SIGTERM says so in one line, exits 130 or 143, leaves the earlier run (every seed and
# the summary) byte for byte and no temporaries; what a killed process left is cleaned by the
# next run.
# Prints TAP; meson runs it from the repo root.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_signal "$1"
scen=$(readlink -f scenarios/strawberry.json)
tiny=$(readlink -f tests/data/cli_tiny.json)
cd "$tmp" || exit 1

# Every file under the directories given with its bytes' hash, size, mode and modification
# time, and every directory's name (a directory's own time changes when a staging directory
# comes and goes beside it).
snapshot() {
    find "$@" -type f -print0 | sort -z | xargs -0 sha256sum
    find "$@" \( -type f -printf '%p %s %M %T@\n' \) -o \( -type d -printf '%p/\n' \) | sort
}

# interrupt_train SIGNAL DIR: a long train into DIR, interrupted.
interrupt_train() { interrupt "$1" ".$2.tmp.PID" train "$scen" --steps 100000000 --out "$2" --quiet; }

no_temporaries() {
    local left
    left=$(find . -name '*.tmp.*' -o -name '.*.old.*')
    [[ -z $left ]] || { echo "# left: $left"; return 1; }
}

check "train an earlier run" run 0 train "$scen" --steps 20000 --out r --quiet
echo "the user's own file" >r/notes.txt
snapshot r >before

interrupt_train INT r
check "SIGINT: exit 130" test "$code" -eq 130
check "SIGINT: one line on stderr" err_is "gridalign train: interrupted; r left as it was"
check "SIGINT: nothing on stdout" test ! -s "$tmp/out"
snapshot r >after
check "SIGINT: the earlier run byte-identical" cmp before after
check "SIGINT: no temporaries left" no_temporaries

interrupt_train TERM r
check "SIGTERM: exit 143" test "$code" -eq 143
check "SIGTERM: one line on stderr" err_is "gridalign train: interrupted; r left as it was"
snapshot r >after
check "SIGTERM: the earlier run byte-identical" cmp before after
check "SIGTERM: no temporaries left" no_temporaries

interrupt_train INT fresh
check "SIGINT into a new directory: exit 130" test "$code" -eq 130
check "SIGINT into a new directory: it is not created" test ! -e fresh
check "SIGINT into a new directory: no temporaries left" no_temporaries

# What a process killed outright leaves (no pid is ever this large): its staging directory,
# removed by the next run; a crash between the swap's renames, the earlier run set aside and
# no target, renamed back by the next run before it starts.
mkdir -p .r.tmp.999999999 && echo partial >.r.tmp.999999999/curve.csv
mv r .r.old.999999999
interrupt_train INT r
check "after a crash mid-swap: the interrupted run exits 130" test "$code" -eq 130
snapshot r >after
check "after a crash mid-swap: the earlier run is back, byte-identical" cmp before after
check "after a crash: the stale staging directory is gone" no_temporaries

check "a complete train replaces the run" run 0 train "$scen" --steps 20000 --seed 1 --out r --quiet
check "the new run.json" grep -qE '"seed":[[:space:]]*"1"' r/run.json
check "the user's own file is kept" grep -q "own file" r/notes.txt
check "no temporaries after a complete train" no_temporaries

# run: every seed's directory is staged until all seeds are done; the summary stays with them.
check "run an earlier experiment" run 0 run "$scen" --seeds 3 --steps 20000 --episodes 20 --reference 0 --out o --quiet
snapshot o >before
interrupt INT o/.qlearn-seed0.tmp.PID run "$scen" --seeds 3 --steps 100000000 --episodes 20 --reference 0 --threads 2 --out o --quiet
check "run, SIGINT: exit 130" test "$code" -eq 130
check "run, SIGINT: one line on stderr" err_is "gridalign run: interrupted; o left as it was"
snapshot o >after
check "run, SIGINT: every seed and the summary byte-identical" cmp before after
check "run, SIGINT: no temporaries left" no_temporaries
interrupt TERM o/.qlearn-seed1.tmp.PID run "$scen" --seeds 3 --steps 100000000 --episodes 20 --reference 0 --threads 2 --out o --quiet
check "run, SIGTERM: exit 143" test "$code" -eq 143
snapshot o >after
check "run, SIGTERM: every seed and the summary byte-identical" cmp before after
check "run, SIGTERM: no temporaries left" no_temporaries
interrupt INT fresh/o/.qlearn-seed0.tmp.PID run "$scen" --seeds 2 --steps 100000000 --episodes 20 --reference 0 --out fresh/o --quiet
check "run into a new directory, SIGINT: exit 130" test "$code" -eq 130
check "run into a new directory: nothing is created" test ! -e fresh

# batch goes through the same scheduler.
check "batch an earlier experiment (its expectations fail at 20000 steps: exit 1)" run 1 batch "$scen" --seeds 2 --steps 20000 --episodes 20 --reference 0 --out b --quiet
snapshot b >before
interrupt INT b/strawberry/.qlearn-seed0.tmp.PID batch "$scen" --seeds 2 --steps 100000000 --episodes 20 --reference 0 --out b --quiet
check "batch, SIGINT: exit 130" test "$code" -eq 130
check "batch, SIGINT: one line on stderr" err_is "gridalign batch: interrupted; every run directory left as it was"
snapshot b >after
check "batch, SIGINT: every run directory byte-identical" cmp before after
check "batch, SIGINT: no temporaries left" no_temporaries
# suite shares batch's plan and run: stopped the same way, before any of its files is written.
interrupt TERM sb/strawberry/.qlearn-seed0.tmp.PID suite "$scen" --seeds 2 --steps 100000000 --episodes 20 --reference 0 --out sb --md sb.md --csv sb.csv --quiet
check "suite, SIGTERM: exit 143" test "$code" -eq 143
check "suite, SIGTERM: one line on stderr" err_is "gridalign suite: interrupted; every run directory left as it was"
check "suite, SIGTERM: no run directory and no table written" test ! -e sb -a ! -e sb.md -a ! -e sb.csv
check "suite, SIGTERM: no temporaries left" no_temporaries

# sweep: every level's seeds are staged together; the sweep's own files come after them.
check "sweep an earlier experiment" run 0 sweep "$tiny" --diversity 0,0.1 --seeds 2 --steps 20000 --episodes 20 --out s --quiet
snapshot s >before
interrupt INT s/p0.1/.qlearn-seed1.tmp.PID sweep "$tiny" --diversity 0,0.1 --seeds 2 --steps 100000000 --episodes 20 --out s --quiet
check "sweep, SIGINT: exit 130" test "$code" -eq 130
check "sweep, SIGINT: one line on stderr" err_is "gridalign sweep: interrupted; s left as it was"
snapshot s >after
check "sweep, SIGINT: every level and the sweep's files byte-identical" cmp before after
check "sweep, SIGINT: no temporaries left" no_temporaries
interrupt TERM fresh/sweep/p0.1/.qlearn-seed0.tmp.PID sweep "$tiny" --diversity 0,0.1 --seeds 2 --steps 100000000 --episodes 20 --out fresh/sweep --quiet
check "sweep into a new directory, SIGTERM: exit 143" test "$code" -eq 143
check "sweep into a new directory: nothing is created" test ! -e fresh

# eval: the statistics and the episode files are renamed into place together, after the work.
check "evaluate the earlier run" run 0 eval r --episodes 20 --reference 0 --episodes-out r/eps.jsonl
snapshot r >before
interrupt INT "r/eps.jsonl.tmp.*" eval r --episodes 100000000 --reference 0 --episodes-out r/eps.jsonl
check "eval, SIGINT: exit 130" test "$code" -eq 130
check "eval, SIGINT: one line on stderr" err_is "gridalign eval: interrupted; r/eval.json left as it was"
snapshot r >after
check "eval, SIGINT: eval.json and the episode file byte-identical" cmp before after
check "eval, SIGINT: no temporaries left" no_temporaries

ga_tap_end
