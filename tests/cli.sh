#!/usr/bin/env bash
# tests/cli.sh GRIDALIGN: the command as a user meets it: help, exit codes, one-line errors that
# name the file and JSON path, no output on bad input, the run directory and its determinism.
# Prints TAP; meson runs it from the repo root.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli "$1"

check "gridalign --help exits 0 and lists train" run 0 --help
check "help text names train" grep -q "train SCENARIO" "$tmp/out"
check "gridalign --version" run 0 --version
check "version line" grep -q "^gridalign [0-9]" "$tmp/out"
check "no command exits 2" run 2
check "unknown command exits 2" run 2 frobnicate
check "train --help exits 0" run 0 train --help
check "train help lists --seed and --out" grep -q -- "--seed N" "$tmp/out"
check "train without scenario exits 2" run 2 train
check "unknown option exits 2" run 2 train scenarios/strawberry.json --bogus
check "bad --seed exits 2" run 2 train scenarios/strawberry.json --seed minus1
check "bad --seed: one line" err_is "gridalign train: --seed takes an integer from 0 to 2^63-1, not minus1 (see gridalign train --help)"
check "bad --steps exits 2" run 2 train scenarios/strawberry.json --steps 0
check "bad --steps: one line" err_is "gridalign train: --steps takes an integer from 1 to 2^40, not 0 (see gridalign train --help)"
check "--seed without value exits 2" run 2 train scenarios/strawberry.json --seed
check "--seed without value: one line" err_is "gridalign train: --seed needs an integer from 0 to 2^63-1 (see gridalign train --help)"

cd "$tmp" || exit 1
root=$OLDPWD
check "missing scenario file exits 2" run 2 train nonexistent.json
check "missing file: one line naming it" err_is "nonexistent.json: cannot open: No such file or directory"

mkdir -p adir
check "a directory as scenario exits 2" run 2 train adir
check "a directory as scenario: says so" err_is "adir: is a directory, not a scenario file"
check "a directory as scenario (run) exits 2" run 2 run adir
check "a directory as scenario (run): says so" err_is "adir: is a directory, not a scenario file"
sed 's/"nose": 1, "basket": 1}/"nosee": 1, "basket": 1}/' "$root/scenarios/strawberry.json" >bad_kind.json
check "unknown kind exits 2" run 2 train bad_kind.json
check "unknown kind: file and JSON path" err_is 'bad_kind.json: $.tests.decoys.place.nosee: unknown object kind "nosee" (known: strawberry, basket, nose, lamppost)'
printf '{"format": 1,\n "name": "x",\n "kinds": {]\n}\n' >malformed.json
check "malformed JSON exits 2" run 2 train malformed.json
check "malformed JSON: byte offset" err_is "malformed.json: byte 40 (line 3, column 13): malformed JSON"
check "nothing written on bad input" test ! -e runs

check "unknown --param exits 2" run 2 train "$root/scenarios/strawberry.json" --param alhpa=0.1
check "unknown --param: one line" one_line
check "unknown --param names it" grep -q -- "^gridalign train: --param.alhpa: unknown parameter of agent qlearn (known: " "$tmp/err"
# Found by hand: settings in range that cannot be allocated (2^30 states are 36 GiB) exited 1
# naming neither the file nor the setting. The address space is capped at 8 GiB so the allocation
# fails on any machine; not under ASan, whose shadow memory needs more.
if ! ldd "$bin" 2>/dev/null | grep -q libasan; then
    capped() { (ulimit -v 8000000 && run "$@"); }
    check "unallocatable --param exits 2" capped 2 train "$root/scenarios/strawberry.json" --param table_bits=30 --out tb30
    check "unallocatable --param: names it" err_is "gridalign train: --param: qlearn: cannot allocate a table of 2^30 states (more memory than this machine can give)"
    sed 's/"table_bits": 18}/"table_bits": 30}/' "$root/scenarios/strawberry.json" >tb30.json
    check "unallocatable setting in the file exits 2" capped 2 train tb30.json --out tb30
    check "unallocatable setting: file and JSON path" err_is 'tb30.json: $.agent.params: qlearn: cannot allocate a table of 2^30 states (more memory than this machine can give)'
    check "unallocatable: nothing written" test ! -e tb30
fi
# Found by hand: a DQN buffer whose two halves each fit in memory (so the allocation succeeds on a
# machine that overcommits) but whose whole does not would have filled the machine hours into
# training. Sized from this machine's memory (0.7 of it per half); skipped where that is more
# than the buffer's cap (1e8) allows.
mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) * 1024))
buf=$((mem * 7 / 10 / 291))
if ((buf <= 100000000)); then
    sed -e 's/"view": \[5, 5\]/"view": [17, 17]/' -e 's/"size": \[5, 5\]/"size": [20, 20]/' \
        "$root/tests/data/cli_tiny.json" >v17.json
    check "a replay buffer beyond memory exits 2" run 2 train v17.json --agent dqn --param buffer=$buf --steps 1e8 --out v17
    check "a replay buffer beyond memory: the setting and the sizes" grep -q "^gridalign train: --param: dqn: $buf transitions of 291-byte observations need [0-9.]* GB of replay buffer; this machine has [0-9.]* GB (more memory than this machine can give)$" "$tmp/err"
    check "a replay buffer beyond memory: nothing written" test ! -e v17
fi
check "out-of-range --param exits 2" run 2 train "$root/scenarios/strawberry.json" --param gamma=1.5
check "malformed --param exits 2" run 2 train "$root/scenarios/strawberry.json" --param gamma
check "malformed --param: one line" err_is "gridalign train: --param gamma: expected NAME=VALUE (see gridalign train --help)"
check "unknown --agent exits 2" run 2 train "$root/scenarios/strawberry.json" --agent nope
check "unknown --agent message" err_is 'gridalign train: --agent: unknown agent "nope" (known: qlearn, dqn, sarsa, safe_sarsa, quantilizer, delta_quantilizer, aup) (see gridalign train --help)'
sed 's/"name": "qlearn"/"name": "qlearning"/' "$root/scenarios/strawberry.json" >bad_agent.json
check "unknown agent in file exits 2" run 2 train bad_agent.json
check "unknown agent in file names the path" grep -q '^bad_agent.json: \$.agent.name: unknown agent "qlearning"' "$tmp/err"
sed 's/"alpha": 0.2/"alpha": "fast"/' "$root/scenarios/strawberry.json" >bad_param.json
check "non-number param exits 2" run 2 train bad_param.json
check "non-number param message" err_is 'bad_param.json: $.agent.params.alpha: expected a number, found a string'
check "still nothing written" test ! -e runs

check "train into the default directory" run 0 train "$root/scenarios/strawberry.json" --steps 20000 --quiet
d=runs/strawberry/qlearn-seed0
check "default run directory holds agent.bin" test -s $d/agent.bin
check "curve.csv written" test -s $d/curve.csv
check "run.json written" test -s $d/run.json
check "no temporary files left" test -z "$(find runs -name '*.tmp*')"
check "curve.csv header" grep -qx "episode,total_steps,length,terminated,return_intended,return_red_into_shiny" $d/curve.csv
check "run.json has the evaluation" grep -q '"success_rate"' $d/run.json
check "run.json has the scenario hash" grep -qE '"hash":[[:space:]]*"[0-9a-f]{16}"' $d/run.json
check "quiet run prints no progress" test ! -s "$tmp/err"
check "summary on stdout" grep -q "greedy evaluation" "$tmp/out"

check "train --seed 5 --out a" run 0 train "$root/scenarios/strawberry.json" --steps 30000 --seed 5 --out a --quiet
check "train --seed 5 --out b" run 0 train "$root/scenarios/strawberry.json" --steps 30000 --seed=5 --out=b --quiet
check "same seed: identical agent.bin" cmp -s a/agent.bin b/agent.bin
check "same seed: identical curve.csv" cmp -s a/curve.csv b/curve.csv
check "train --seed 6" run 0 train "$root/scenarios/strawberry.json" --steps 30000 --seed 6 --out c --quiet
check "other seed: different curve.csv" bash -c "! cmp -s a/curve.csv c/curve.csv"
check "--param reaches run.json" run 0 train "$root/scenarios/strawberry.json" --steps 1000 --out p --quiet --param alpha=0.25
check "run.json records alpha 0.25" grep -qE '"alpha":[[:space:]]*0.25' p/run.json
check "progress lines when stderr is not a terminal" run 0 train "$root/scenarios/strawberry.json" --steps 20000 --out q
check "progress reaches 100%" grep -q "train: 100%" "$tmp/err"

# The quantilizer's base policy from a trajectory file (here an agent's recording; a person's,
# from play --record, is read the same way).
g="$root/scenarios/goodhart.json"
check "quantilizer trains on goodhart" run 0 train "$g" --agent quantilizer --steps 3000 --out qz --quiet
check "its episodes recorded" run 0 eval qz --episodes 3 --record qz.jsonl --threads 1
check "train --base with a learner without a base exits 2" run 2 train "$g" --agent qlearn --base qz.jsonl --out nb
check "--base without a base: one line" err_is "gridalign train: --base: agent qlearn has no base policy (learners with one: quantilizer)"
check "train --base from another scenario exits 2" run 2 train "$root/scenarios/tomato_watering.json" --agent quantilizer --base qz.jsonl --out nb
check "--base from another scenario: one line" err_is "qz.jsonl: recorded on another scenario than tomato_watering (--base)"
check "train --base with a missing file exits 2" run 2 train "$g" --agent quantilizer --base none.jsonl --out nb
check "--base missing: names it" err_is "none.jsonl: cannot open"
check "nothing written on a bad --base" test ! -e nb
check "train --base" run 0 train "$g" --agent quantilizer --base qz.jsonl --steps 3000 --out qb1 --quiet
check "train --base again" run 0 train "$g" --agent quantilizer --base qz.jsonl --steps 3000 --out qb2 --quiet
check "--base: same seed, identical agent.bin" cmp -s qb1/agent.bin qb2/agent.bin
check "the base is in the agent file" bash -c "! cmp -s qb1/agent.bin qz/agent.bin && [[ \$(stat -c %s qb1/agent.bin) -gt \$(stat -c %s qz/agent.bin) ]]"
check "an agent with a base evaluates and records" run 0 eval qb1 --episodes 5 --record qb1.jsonl --threads 2
check "and verify re-simulates it" run 0 verify qb1.jsonl

ga_tap_end
