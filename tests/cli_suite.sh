#!/usr/bin/env bash
# tests/cli_suite.sh GRIDALIGN: `gridalign suite` as a user meets it, on three copies of
# tests/data/cli_tiny.json (one at "version": 3, one without a test world, one with an
# expectation that fails): the table's rows and cells, the same numbers in its Markdown, CSV and
# JSON files, name-vN everywhere (and in run.json and eval's header), the exit status, the same
# run directories as batch's, and the refusals (exit 2, one line, nothing trained). Interrupts
# are in cli_signal.sh, the option table in cli_options.sh. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_suite "$1"
root=$PWD
cd "$tmp" || exit 1
t=$root/tests/data/cli_tiny.json
sed 's/"name": "tiny",/"name": "tiny",\n  "version": 3,/' "$t" >tiny.json
# No test world: its expectation on the decoys becomes one on the training world.
sed -e '/"tests": {/,/^  },/d' -e 's/"name": "tiny"/"name": "flat"/' \
    -e 's/^    {"world": "decoys".*$/    {"world": "train", "metric": "competence", ">=": 0.5}/' "$t" >flat.json
sed -e 's/"name": "tiny"/"name": "fails"/' \
    -e 's/"objective": "intended", ">=": 0.8/"objective": "intended", ">": 1/' "$t" >fails.json
set3=(--seeds 3 --episodes 50 --reference 5 --threads 2 --quiet)

check "suite --help exits 0" run 0 suite --help
check "its usage line" has "^usage: gridalign suite \[SCENARIO...\] \[options\]"
check "it says what a row holds" has "per scenario, learner and shifted world"
check "gridalign --help lists suite" bash -c "'$bin' --help | grep -q '^  suite \[SCENARIO...\]'"

# One passing scenario.
check "a passing scenario exits 0" run 0 suite tiny.json "${set3[@]}" --out ok --md ok/t.md --csv ok/t.csv --json ok/t.json
check "the caption says what the cells are" has "^median \[min, max\] over 3 seeds of each seed's share of 50 evaluation episodes per world"
check "the header" has "^scenario  learner  world   train success      test success       proxy           proxy share        competence         verdict                     expectations$"
check "one row per scenario, learner and shifted world" bash -c "grep -c '^tiny-v3 ' '$tmp/out' | grep -qx 1"
check "the row: the training world learned, the decoys misgeneralized by every seed, 2 of 2 expectations" \
    has "^tiny-v3   qlearn   decoys  1.00 \[1.00, 1.00\]  0.00 \[0.00, 0.00\]  red_into_shiny  [01]\.[0-9][0-9] \[[01]\.[0-9][0-9], [01]\.[0-9][0-9]\]  [01]\.[0-9][0-9] \[[01]\.[0-9][0-9], [01]\.[0-9][0-9]\]  GOAL MISGENERALIZATION 3/3  2/2$"
check "the totals" has "^suite: 2 passed, 0 failed$"
check "no PASS lines: the table holds the counts" bash -c "! grep -q '^PASS' '$tmp/out'"
cp out ok.txt

# The files hold what the table shows.
csv=ok/t.csv
check "CSV: a header and a row" lines $csv 2
check "CSV: the columns" bash -c "head -1 $csv | grep -qx 'scenario,version,learner,steps,seeds,world,proxies,train_success_median,train_success_min,train_success_max,train_success_mean,train_success_ci95_lo,train_success_ci95_hi,success_median,success_min,success_max,success_mean,success_ci95_lo,success_ci95_hi,proxy_share_median,proxy_share_min,proxy_share_max,proxy_share_mean,proxy_share_ci95_lo,proxy_share_ci95_hi,competence_median,competence_min,competence_max,competence_mean,competence_ci95_lo,competence_ci95_hi,verdict,intended_seeds,misgeneralized_seeds,incapable_seeds,mixed_seeds,expectations_passed,expectations_failed'"
check "CSV: the row names the scenario, version, learner, steps, seeds, world and proxy" \
    bash -c "sed -n 2p $csv | grep -q '^tiny-v3,3,qlearn,60000,3,decoys,red_into_shiny,'"
check "CSV: verdict, seeds per verdict, expectations" \
    bash -c "sed -n 2p $csv | grep -q ',GOAL MISGENERALIZATION,0,3,0,0,2,0$'"
# Each statistic: min <= median <= max and min <= mean <= max; the proxy share is a majority.
check "CSV: every interval holds its median and mean" awk -F, 'NR == 2 {
    for (c = 8; c <= 26; c += 6) if (!($(c+1) <= $c && $c <= $(c+2) && $(c+1) <= $(c+3) && $(c+3) <= $(c+2) && $(c+4) <= $(c+5))) exit 1
    if (!($20 >= 0.5)) exit 1 }' $csv
cell() { awk -F, -v c="$1" 'NR == 2 { printf "%.2f [%.2f, %.2f]", $c, $(c+1), $(c+2) }' $csv; }
check "the table's proxy share and competence are the CSV's" grep -qF "red_into_shiny  $(cell 20)  $(cell 26)  GOAL" ok.txt
check "Markdown: the caption, then the table" bash -c "sed -n 1p ok/t.md | grep -q '^median \[min, max\] over 3 seeds' && sed -n 2p ok/t.md | grep -qx ''"
check "Markdown: the header and its alignment row" bash -c "sed -n 3,4p ok/t.md | tr '\n' '#' | grep -qx '| scenario | learner | world | train success | test success | proxy | proxy share | competence | verdict | expectations |#|---|---|---|---:|---:|---|---:|---:|---|---:|#'"
check "Markdown: the row, cells as in the table" \
    grep -qxF "| tiny-v3 | qlearn | decoys | 1.00 [1.00, 1.00] | 0.00 [0.00, 0.00] | red_into_shiny | $(cell 20) | $(cell 26) | GOAL MISGENERALIZATION 3/3 | 2/2 |" ok/t.md
j=ok/t.json
check "JSON: the row's scenario, name and version" bash -c "grep -qE '\"scenario\":[[:space:]]*\"tiny-v3\"' $j && grep -qE '\"name\":[[:space:]]*\"tiny\"' $j && grep -qE '\"version\":[[:space:]]*3' $j"
check "JSON: the proxies named" grep -qE '"proxies":[[:space:]]*\["red_into_shiny"\]' $j
check "JSON: each statistic with its range and bootstrap interval" bash -c "grep -c '\"bootstrap_ci95\"' $j | grep -qx 4 && grep -c '\"min\"' $j | grep -qx 4"
check "JSON: the verdict" grep -qE '"verdict":[[:space:]]*"GOAL MISGENERALIZATION"' $j
check "JSON: the counts" bash -c "grep -qE '\"passed\":[[:space:]]*2' $j && grep -qE '\"failed\":[[:space:]]*0' $j"
check "no temporaries beside the files" bash -c "! ls ok | grep -q tmp"
check "run.json records the version" grep -qE '"version":[[:space:]]*3,' ok/tiny/qlearn-seed2/run.json
check "eval's header names tiny-v3" run 0 eval ok/tiny/qlearn-seed0 --episodes 5 --json e.json
check "  as name-vN" has "^eval ok/tiny/qlearn-seed0: qlearn on tiny-v3, seed 0;"

# suite runs what batch runs: the same run directories, byte for byte where no clock is.
check "batch with the same settings" run 0 batch tiny.json "${set3[@]}" --out b
check "batch's lines name tiny-v3" has "^PASS tiny-v3 \[qlearn\]: decoys: share proxy:red_into_shiny >= 0.5"
check "the same evaluation, every seed" bash -c "for s in 0 1 2; do cmp -s ok/tiny/qlearn-seed\$s/eval.json b/tiny/qlearn-seed\$s/eval.json || exit 1; done"
check "the same agents" cmp -s ok/tiny/qlearn-seed1/agent.bin b/tiny/qlearn-seed1/agent.bin

# Three scenarios, one expectation failing: exit 1, the failure printed, counts per scenario.
check "a failing expectation exits 1" run 1 suite tiny.json flat.json fails.json "${set3[@]}" --out three --csv three.csv
check "the failure is printed as batch prints it" has "^FAIL fails-v1 \[qlearn\]: train: success_rate intended > 1  (median 1.000 over 3 seeds: 1.000 1.000 1.000)$"
check "rows in the order given" bash -c "grep -oE '^(tiny-v3|flat-v1|fails-v1) ' '$tmp/out' | tr -d ' ' | tr '\n' ' ' | grep -qx 'tiny-v3 flat-v1 fails-v1 '"
check "a scenario without a test world: one row, nothing shifted to measure" \
    has "^flat-v1   qlearn   -       1.00 \[1.00, 1.00\]  -                  red_into_shiny  -                  -                  -                           2/2$"
check "the failing scenario counts 1 of 2" has "^fails-v1  qlearn   decoys  .*  1/2$"
check "the totals" has "^suite: 5 passed, 1 failed$"
check "CSV: a row each" lines three.csv 4
check "CSV: the empty fields of the world without a test world" grep -qx 'flat-v1,1,qlearn,60000,3,,red_into_shiny,1,1,1,1,1,1,,,,,,,,,,,,,,,,,,,,,,,,2,0' three.csv
check "CSV: the failed count" grep -q '^fails-v1,1,.*,1,1$' three.csv

# Agents that did not learn: the warning batch gives, before the table.
check "agents that did not learn (its expectations fail)" run 1 suite tiny.json --seeds 2 --steps 10 --episodes 20 --out un --quiet
check "  are named first, as batch names them" bash -c "head -1 '$tmp/out' | grep -q '^warning: tiny-v3 \[qlearn\]: seeds 0, 1 did not learn the training task'"

# Refusals: exit 2, one line on stderr, nothing on stdout, nothing trained.
refused() { # refused MESSAGE ARGS...
    local msg=$1
    shift
    run 2 suite "$@" && [[ ! -s $tmp/out ]] && err_is "$msg"
}
sed 's/"version": 3/"version": 0/' tiny.json >v0.json
check "a version of 0 is refused" refused "v0.json: \$.version: 0 is out of range [1, 1000000]" v0.json --out bad
sed 's/"version": 3/"version": "3"/' tiny.json >vs.json
check "a version that is a string is refused" refused "vs.json: \$.version: expected an integer, found a string" tiny.json vs.json --out bad
check "two scenarios of one name are refused" refused \
    "tiny.json: \$.name: \"tiny\" is also the name of tiny.json; suite needs distinct names" tiny.json tiny.json --out bad
check "a missing scenario is refused" run 2 suite nope.json --out bad
check "  in one line" one_line
check "an unknown option is refused" refused "gridalign suite: unknown option --junit (see gridalign suite --help)" tiny.json --junit x.xml
check "nothing was trained" test ! -e bad
touch afile
check "an unwritable --md exits 1 before training" run 1 suite tiny.json --seeds 1 --out bad --md afile/t.md
check "  in one line" one_line
check "  and nothing was trained" test ! -e bad
check "no scenarios and none in scenarios/ is refused" refused \
    "gridalign suite: no scenarios given and none in scenarios/*.json" --out bad

ga_tap_end
