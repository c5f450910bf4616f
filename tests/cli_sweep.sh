#!/usr/bin/env bash
# tests/cli_sweep.sh GRIDALIGN: sweep over a learner hyper-parameter (--param NAME=V1,V2,...) as
# a user meets it: the refusals (unknown parameter, a value out of range or not a number, two
# axes, a list beside --diversity), the files of a tiny sweep with their columns, goodhart's
# training-world default and skipped learning check, and an interrupt leaving nothing behind.
# Then scenario dials (--dial on train, run and sweep) on tests/data/dial_tiny.json, whose dial
# k is the side of the training corner the cheese is placed in.
# The diversity sweep is tested in cli_eval.sh and cli_signal.sh. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_sweep "$1"
root=$PWD
cd "$tmp" || exit 1
cp "$root/tests/data/cli_tiny.json" tiny.json
cp "$root/tests/data/dial_tiny.json" dial.json
g=$root/scenarios/goodhart.json

refused() { # refused MESSAGE ARGS...: exit 2, nothing on stdout, one line on stderr
    local msg=$1
    shift
    run 2 sweep "$@" && [[ ! -s $tmp/out ]] && err_is "$msg"
}
hint="(see gridalign sweep --help)"
check "an unknown parameter is refused, naming it" refused \
    "gridalign sweep: --param.alhpa: unknown parameter of agent qlearn (known: alpha, gamma, eps_start, eps_end, eps_decay, q_init, table_bits)" \
    tiny.json --param alhpa=0.1,0.2
check "a value out of range is refused, naming it" refused \
    "gridalign sweep: --param.q: 1.5 is out of range [0, 1]" \
    "$g" --agent quantilizer --param q=0.1,1.5
check "a value that is no number is refused while the options are read" refused \
    "gridalign sweep: --param q=fast: \"fast\" is not a number $hint" --param q=0.1,fast
check "two axes are refused" refused \
    "gridalign sweep: one axis per sweep: --param alpha and --param gamma both list values $hint" \
    tiny.json --param alpha=0.1,0.2 --param gamma=0.5,0.9
check "a list beside --diversity is refused" refused \
    "gridalign sweep: one axis per sweep: --diversity or --param alpha, not both $hint" \
    tiny.json --param alpha=0.1,0.2 --diversity 0,0.1
check "a parameter both fixed and swept is refused" refused \
    "gridalign sweep: --param alpha is both fixed and swept $hint" \
    tiny.json --param alpha=0.1,0.2 --param alpha=0.3
check "a repeated value is refused" refused \
    "gridalign sweep: --param alpha names the value 0.10 twice $hint" tiny.json --param alpha=0.1,0.10
check "a list without values is refused" refused \
    "gridalign sweep: --param alpha lists no values $hint" tiny.json --param alpha=,
check "nothing was written by the refusals" test ! -e runs

check "a tiny sweep over alpha" run 0 sweep tiny.json --param alpha=0.5,0.1 --param gamma=0.9 \
    --seeds 2 --steps 2000 --episodes 20 --out sa --quiet --threads 2
check "it prints the returns per value, ascending" \
    bash -c "grep -A3 '^alpha  *intended return  *intended return  *intended success  *proxy share' '$tmp/out' | sed -n '2p;3p' | cut -c1-4 | tr '\n' ' ' | grep -qx '0.1  0.5  '"
check "run directories named by the value" test -s sa/alpha0.1/qlearn-seed1/agent.bin
check "the other value's too" test -s sa/alpha0.5/qlearn-seed0/run.json
check "each trained with its value" grep -qE '"alpha":[[:space:]]*0.5,' sa/alpha0.5/qlearn-seed0/run.json
check "and the fixed parameter" grep -qE '"gamma":[[:space:]]*0.9,' sa/alpha0.5/qlearn-seed0/run.json
check "sweep.csv: a row per value, seed and test world" lines sa/sweep.csv 5
check "sweep.csv: the columns" bash -c "head -1 sa/sweep.csv | grep -qx 'alpha,seed,world,intended_success,proxy_share,competence,return_intended,return_red_into_shiny'"
check "summary.csv: a row per value" lines sa/summary.csv 3
check "summary.csv: each return with its band" grep -q ',return_intended,return_intended_lo,return_intended_hi,return_red_into_shiny,' sa/summary.csv
check "sweep.json names the parameter" grep -qE '"param":[[:space:]]*"alpha"' sa/sweep.json
check "sweep.json: the value and the returns of each level" bash -c "grep -cE '\"value\":|\"mean_return\":' sa/sweep.json | grep -qx 4"
check "the plot draws both returns" grep -q "title 'intended objective: intended'" sa/sweep.gp
check "on a linear axis (0.1 to 0.5 is within a decade)" bash -c "! grep -q logscale sa/sweep.gp"
check "plot drawn" test -s sa/sweep.png

check "goodhart, which has no test worlds, sweeps q" run 0 sweep "$g" --agent quantilizer \
    --param q=0.05,1 --seeds 1 --steps 2000 --episodes 10 --out sq --quiet
check "on the training world" bash -c "cut -d, -f3 sq/sweep.csv | sort -u | tr '\n' ' ' | grep -qx 'train world '"
check "with q on a log axis" grep -q "set logscale x" sq/sweep.gp
check "no seed is called unlearned" bash -c "! grep -q 'did not learn' '$tmp/out' sq/sweep.json"
check "the check is said to be skipped" has "the check that each seed learned its training task is skipped"
check "and the JSON says so" grep -q '"unlearned_check":.*defines no success' sq/sweep.json
check "--envs train works as well" run 0 sweep tiny.json --param alpha=0.1,0.5 --envs train \
    --seeds 1 --steps 500 --episodes 10 --out st --quiet
check "evaluating the training world only" bash -c "cut -d, -f3 st/sweep.csv | sort -u | tr '\n' ' ' | grep -qx 'train world '"

# Dials: a setting is written into the scenario before it is read; the run directory keeps it.
dial_refused() { # dial_refused CMD MESSAGE ARGS...: exit 2, one line on stderr
    local cmd=$1 msg=$2
    shift 2
    run 2 "$cmd" "$@" && err_is "$msg"
}
check "train --dial k=3" run 0 train dial.json --dial k=3 --out d3 --quiet
check "the run directory's scenario holds the region" \
    bash -c "tr -d ' \t\n' <d3/scenario.json | grep -q '\"region\":\[\[1,1\],\[3,3\]\]'"
check "and the dial's value" bash -c "tr -d ' \t\n' <d3/scenario.json | grep -q '\"k\":{\"value\":3,'"
check "eval reads that copy" run 0 eval d3
check "train with the default value keeps the file's bytes" run 0 train dial.json --dial k=1 \
    --out d1 --quiet
check "byte for byte" cmp dial.json d1/scenario.json
check "run --dial as well" run 0 run dial.json --dial k=2 --seeds 1 --out dr --quiet
check "its run directory holds the value" \
    bash -c "tr -d ' \t\n' <dr/qlearn-seed0/scenario.json | grep -q '\"region\":\[\[1,1\],\[2,2\]\]'"
check "a value out of range is refused" dial_refused train \
    "dial.json: --dial k=5: outside the dial's range [1, 4]" dial.json --dial k=5
check "a fraction, on an integer dial" dial_refused train \
    "dial.json: --dial k=2.5: dial k takes integers" dial.json --dial k=2.5
check "an unknown dial, listing the known" dial_refused run \
    "dial.json: --dial kk: unknown dial (declared: k)" dial.json --dial kk=2
check "a scenario without dials" dial_refused train \
    "tiny.json: --dial k: the scenario declares no dials" tiny.json --dial k=2
check "a value that is no number, while the options are read" dial_refused train \
    "gridalign train: --dial k=big: \"big\" is not a number (see gridalign train --help)" \
    dial.json --dial k=big
check "a dial list beside a --param list" refused \
    "gridalign sweep: one axis per sweep: --param alpha and --dial k both list values $hint" \
    dial.json --dial k=1,2 --param alpha=0.1,0.2
check "a dial list beside --diversity" refused \
    "gridalign sweep: one axis per sweep: --diversity or --dial k, not both $hint" \
    dial.json --dial k=1,2 --diversity 0,0.1
check "a dial both fixed and swept" refused \
    "gridalign sweep: --dial k is both fixed and swept $hint" dial.json --dial k=1,2 --dial k=3
check "a dial level out of range, before anything is written" refused \
    "dial.json: --dial k=9: outside the dial's range [1, 4]" dial.json --dial k=1,9 --out sx
check "so nothing was written" test ! -e sx
check "a sweep over the dial" run 0 sweep dial.json --dial k=4,1 --seeds 2 --steps 3000 \
    --episodes 20 --out sk --quiet --threads 2
check "it prints the returns per value, ascending" \
    bash -c "grep -A2 '^k  *intended return' '$tmp/out' | sed -n '2p;3p' | cut -c1-2 | tr '\n' ' ' | grep -qx '1  4  '"
check "run directories named by the value" test -s sk/k1/qlearn-seed1/agent.bin
check "each level trained on its own scenario" \
    bash -c "tr -d ' \t\n' <sk/k4/qlearn-seed0/scenario.json | grep -q '\"region\":\[\[1,1\],\[4,4\]\]'"
check "the other level on the file as written" cmp dial.json sk/k1/qlearn-seed0/scenario.json
check "sweep.csv: a row per value, seed and test world" lines sk/sweep.csv 5
check "sweep.csv: the columns" bash -c "head -1 sk/sweep.csv | grep -qx 'k,seed,world,intended_success,proxy_share,competence,return_intended'"
check "summary.csv: a row per value" lines sk/summary.csv 3
check "sweep.json names the dial" grep -qE '"dial":[[:space:]]*"k"' sk/sweep.json
check "sweep.json: the value and the returns of each level" bash -c "grep -cE '\"value\":|\"mean_return\":' sk/sweep.json | grep -qx 4"
check "the plot draws the returns against k" grep -q "xlabel 'k" sk/sweep.gp
check "a fixed dial beside a --param axis" run 0 sweep dial.json --dial k=2 --param alpha=0.1,0.5 \
    --seeds 1 --steps 500 --episodes 5 --out sf --quiet
check "holds in every level" \
    bash -c "tr -d ' \t\n' <sf/alpha0.5/qlearn-seed0/scenario.json | grep -q '\"region\":\[\[1,1\],\[2,2\]\]'"

# An interrupted parameter sweep leaves the earlier one as it was (staged like the diversity's).
find sa -type f -exec sha256sum {} + | sort >before
interrupt INT "sa/alpha0.*/.qlearn-seed*.tmp.PID" sweep tiny.json --param alpha=0.5,0.1 --param gamma=0.9 \
    --seeds 2 --steps 100000000 --episodes 20 --out sa --quiet
check "an interrupted sweep exits 130" test "$code" -eq 130
check "saying so in one line" err_is "gridalign sweep: interrupted; sa left as it was"
find sa -type f -exec sha256sum {} + | sort >after
check "the earlier sweep is byte-identical" cmp before after
check "no temporaries left" bash -c "[[ -z \$(find sa -name '*.tmp.*' -o -name '.*.old.*') ]]"

ga_tap_end
