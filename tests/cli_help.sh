#!/usr/bin/env bash
# tests/cli_help.sh GRIDALIGN: asking for help (issue 15) as a user meets it: eval's
# --help-threshold, --fallback, --request-cost and --no-help, their bad values (exit 2, one
# line), the help table, eval.json's help keys beside unchanged old keys, the episode lines,
# determinism across thread counts; a scenario's "help" read by eval and batch; sweep's
# threshold axis and its files. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_help "$1"
root=$PWD
cd "$tmp" || exit 1
cp "$root/tests/data/cli_tiny.json" tiny.json
cp "$root/scenarios/lava_shift.json" lava.json

# refused CMD MESSAGE ARGS...: exit 2, nothing on stdout, exactly one line naming the option
refused() {
    local c=$1 msg=$2
    shift 2
    run 2 "$c" "$@" && [[ ! -s $tmp/out ]] && err_is "gridalign $c: $msg (see gridalign $c --help)"
}

check "train the tiny scenario" run 0 train tiny.json --out r --quiet
check "a threshold above 1" refused eval "--help-threshold takes a novelty from 0 to 1, not 2" r --help-threshold 2
check "a threshold that is no number" refused eval "--help-threshold takes a novelty from 0 to 1, not x" r --help-threshold x
check "an unknown fallback" refused eval "--fallback takes mentor or stop, not ask" r --help-threshold 0.5 --fallback ask
check "a negative request cost" refused eval "--request-cost takes a cost from 0 to 1e9, not -1" r --help-threshold 0.5 --request-cost -1
check "--fallback without a threshold" refused eval "--fallback needs --help-threshold (or a scenario with \"help\")" r --fallback stop
check "--request-cost without a threshold" refused eval "--request-cost needs --help-threshold (or a scenario with \"help\")" r --request-cost 1
check "--no-help beside a threshold" refused eval "--no-help and --help-threshold contradict each other" r --no-help --help-threshold 0.5

check "eval without help" run 0 eval r --episodes 60 --json plain.json --threads 1
check "no help table without help" bash -c "! grep -q '^help:' '$tmp/out'"
check "eval with mentor help" run 0 eval r --episodes 60 --json helped.json --help-threshold 0.5 --request-cost 0.5 --episodes-out eps.jsonl --threads 1
check "the help table's heading" has "^help: where a step's novelty is above 0.5 the agent asks; the mentor"
check "the help table's columns" has "^world  *req/step  *asked  *success (alone)  *return (alone)  *net$"
check "eval.json has the request rate" grep -qE '"request_rate":[[:space:]]*[01]' helped.json
check "eval.json has success with and without help" grep -qE '"success_rate_alone":' helped.json
check "eval.json has the settings" grep -qE '"fallback":[[:space:]]*"mentor"' helped.json
# The old keys keep their values: without the help objects (and the commas before them), the
# helped report is the plain one.
strip() { sed '/^\t\t\t"help":/,/^\t\t\t}/d' "$1" | sed 's/,$//'; }
check "eval.json's other keys are unchanged by help" cmp -s <(strip plain.json) <(strip helped.json)
check "episode lines carry the helped episode" grep -qE '"help":\{"requests":[0-9]+,"length":[0-9]+,"returns":' eps.jsonl
check "eval with help, two threads" run 0 eval r --episodes 60 --json helped2.json --help-threshold 0.5 --request-cost 0.5 --threads 2
check "help is deterministic across thread counts" cmp -s helped.json helped2.json
check "eval with stop" run 0 eval r --episodes 30 --json stop.json --help-threshold 0 --fallback stop --threads 1
check "stop asks at every step" grep -qE '"request_rate":[[:space:]]*1,' stop.json
check "stop's table names the noop" has "the step is a noop (stop)"

# A scenario that asks for help itself: eval and batch read it.
check "train lava_shift" run 0 train lava.json --out lava --quiet
check "eval reads the scenario's help" run 0 eval lava --episodes 30 --threads 1
check "its threshold and cost" has "^help: where a step's novelty is above 0.5 the agent asks; the mentor .*, 1 a request$"
check "the shifted lava: every step asks, the mentor reaches the goal" grep -qE '^lava_lower +1\.000 +100% +1\.000 \(0\.[0-9]+\)' out
check "eval --no-help" run 0 eval lava --episodes 30 --threads 1 --no-help
check "--no-help prints no help table" bash -c "! grep -q '^help:' '$tmp/out'"
check "batch judges the help expectations" run 0 batch lava.json --seeds 2 --episodes 60 --threads 1 --out b --quiet
check "a request_rate expectation passes" has "^PASS lava_shift-v1 \[qlearn\]: lava_lower: request_rate"
check "a helped expectation passes" has "^PASS lava_shift-v1 \[qlearn\]: lava_lower: helped measure lava"

# sweep over the threshold: trained once, evaluated at each threshold.
check "sweep a list beside --help-threshold" refused sweep "one axis per sweep: --help-threshold and --param alpha both list values" lava.json --help-threshold 0.5,1 --param alpha=0.1,0.2
check "sweep two diversities beside --help-threshold" refused sweep "one axis per sweep: --help-threshold takes one --diversity share, not 0,0.1" lava.json --help-threshold 0.5,1 --diversity 0,0.1
check "sweep --fallback alone" refused sweep "--fallback needs --help-threshold" lava.json --fallback stop
check "sweep a threshold twice" refused sweep "--help-threshold names the threshold 0.5 twice" lava.json --help-threshold 0.5,0.5
check "sweep over the threshold" run 0 sweep lava.json --help-threshold 1,0,0.5 --seeds 2 --episodes 30 --threads 1 --out sw --quiet
check "the sweep's table" has "^threshold  *requests per step  *episodes that asked  *success with help  *success alone  *net return"
check "trained once" test -d sw/trained/qlearn-seed0
check "sweep.csv: a row per threshold, seed and world" lines sw/sweep.csv $((1 + 3 * 2 * 2))
check "sweep.csv's header" grep -q '^help_threshold,seed,world,intended_success,proxy_share,competence,lava,reached_goal,request_rate,asked_share,intended_success_alone,net_return$' sw/sweep.csv
check "summary.csv: thresholds ascending" bash -c "cut -d, -f1 '$tmp/sw/summary.csv' | tail -n +2 | tr '\n' ' ' | grep -qx '0 0.5 1 '"
check "sweep.json names the axis" grep -qE '"axis":[[:space:]]*"help_threshold"' sw/sweep.json
check "sweep.gp plots the request rate" grep -q "title 'requests per step'" sw/sweep.gp
check "at threshold 1 nothing is asked" bash -c "[[ \$(awk -F, '\$1 == 1 {print \$17}' '$tmp/sw/summary.csv') == 0 ]]"
check "at threshold 0 every step is asked" bash -c "[[ \$(awk -F, '\$1 == 0 {print \$17}' '$tmp/sw/summary.csv') == 1 ]]"

ga_tap_end
