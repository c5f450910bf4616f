#!/usr/bin/env bash
# tests/cli_eval.sh GRIDALIGN: eval, run and batch as a user meets them: help, exit codes, the
# verdict line, JSON and JSON Lines outputs, determinism across runs and thread counts, a
# scenario that changed since training, and batch's PASS/FAIL with its JUnit report; then
# trajectories (record, verify) and the viewer (replay, play; windows under SDL's dummy video
# driver, pictures headless). Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_eval "$1"
root=$PWD

tiny=$root/tests/data/cli_tiny.json
cd "$tmp" || exit 1
cp "$tiny" tiny.json

for c in eval run batch bench; do
    check "$c --help exits 0" run 0 $c --help
done
check "eval without RUN_DIR exits 2" run 2 eval
check "eval of a missing directory exits 2" run 2 eval nowhere
check "missing run.json is named" has "nowhere/run.json: cannot open" err

check "train the tiny scenario" run 0 train tiny.json --out r --quiet
check "eval exits 0" run 0 eval r --episodes 200
check "eval prints the returns table" has "returns: mean and 95% CI"
check "eval flags decoys as goal misgeneralization" has "==> GOAL MISGENERALIZATION, capable but pursuing a proxy: decoys"
check "eval writes r/eval.json" test -s r/eval.json
check "eval.json has the verdict" grep -qE '"verdict":[[:space:]]*"GOAL MISGENERALIZATION"' r/eval.json
cp r/eval.json first.json
check "eval with --episodes-out and --json" run 0 eval r --episodes 200 --episodes-out eps.jsonl --json second.json --threads 1
check "one JSON line per episode and world" lines eps.jsonl 400
check "episode lines carry label, seed and events" grep -q '"label":"proxy:red_into_shiny".*\|"seed":"[0-9]*"' eps.jsonl
check "eval is deterministic across runs and thread counts" cmp -s first.json second.json
check "eval prints the novelty table" has "^world  *max  *mean  AUROC vs training  *flagged  *proxy|flagged  *proxy|other$"
check "the training world has no AUROC of its own" grep -qE '^train  *[0-9.]+  *[0-9.]+  -  *[0-9]+%  *([0-9]+%|-)  *([0-9]+%|-)$' out
check "decoys has an AUROC with its interval" grep -qE '^decoys  *[0-9.]+  *[0-9.]+  [01]\.[0-9]{3} \[[01]\.[0-9]{3},[01]\.[0-9]{3}\]  *[0-9]+%  *([0-9]+%|-)  *([0-9]+%|-)$' out
check "eval.json has the proxy share among flagged and unflagged episodes" grep -qE '"proxy_share_unflagged":[[:space:]]*[01]' second.json
check "eval.json has novelty and detection" grep -qE '"auroc_vs_train":[[:space:]]*[01]' second.json
check "episode lines carry their novelty" grep -qE '"novelty_max":[0-9.e-]+,"novelty_mean":[0-9.e-]+\}$' eps.jsonl
check "eval --envs picks worlds" run 0 eval r --episodes 50 --envs decoys --json one.json
check "only the chosen world is evaluated" bash -c "! grep -q '\"train\"' one.json && grep -q '\"decoys\"' one.json"
check "eval --envs without train has no detection" bash -c "grep -qE '\"auroc_vs_train\":[[:space:]]*null' one.json && ! grep -qE '\"auroc_vs_train\":[[:space:]]*[01]' one.json"
check "eval --envs without --json" run 0 eval r --episodes 50 --envs decoys
check "writes the partial evaluation to r/eval-decoys.json" has "^wrote r/eval-decoys.json$"
check "which holds only the chosen world" bash -c "! grep -q '\"train\"' r/eval-decoys.json && grep -q '\"decoys\"' r/eval-decoys.json"
check "and leaves the full r/eval.json as it was" cmp -s first.json r/eval.json
check "eval --envs naming every world writes r/eval.json" run 0 eval r --episodes 200 --envs decoys,train
check "the complete evaluation, worlds in the order given" grep -q '"decoys"' r/eval.json
check "eval --envs with an unknown world exits 2" run 2 eval r --envs nowhere
check "unknown world is named" err_is 'gridalign eval: --envs: unknown world "nowhere" (worlds: train decoys)'
check "bad --episodes exits 2" run 2 eval r --episodes 0
check "bad --episodes: one line" err_is "gridalign eval: --episodes takes an integer from 1 to 100000000, not 0 (see gridalign eval --help)"

sed -i 's/"max_steps": 30/"max_steps": 31/' tiny.json
check "the run directory keeps the scenario it was trained on" cmp -s r/scenario.json "$tiny"
check "eval after the original changed uses the copy" run 0 eval r --episodes 20 --json x.json
check "eval --scenario with the changed file exits 2" run 2 eval r --scenario tiny.json
check "the change is explained" has "changed since the agent in r was trained" err
rm r/scenario.json
check "without the copy, the changed original is refused" run 2 eval r
cp "$tiny" tiny.json

# Test worlds, descriptions and expectations may change after training: the agent is evaluated
# on the new file. A changed training world or perception is still refused, and the copy in the
# run directory says what changed; a recording replays only on the file it was recorded on.
check "train r2" run 0 train tiny.json --out r2 --quiet
sed 's/"decoys": {"place": {"nose": 1, "basket": 1}}/&, "two_noses": {"place": {"nose": 2, "basket": 1}, "max_steps": 40}/' "$tiny" >more.json
check "eval with a test world added since training exits 0" run 0 eval r2 --scenario more.json --episodes 20 --json more_eval.json --record more.jsonl
check "the new world is evaluated" grep -q '"two_noses"' more_eval.json
hash_of() { grep -o '"hash":[[:space:]]*"[0-9a-f]*"' "$1" | head -1 | grep -o '[0-9a-f]\{16\}'; }
check "eval.json records the file evaluated, not the one trained on" test "$(hash_of more_eval.json)" != "$(hash_of r2/run.json)"
sed 's/"decoys": {"place": {"nose": 1, "basket": 1}}/"decoys": {"place": {"nose": 2, "basket": 1}}/; s/A 5x5 strawberry world/A 5x5 world/; s/">=": 0.5}/">=": 0.25}/' "$tiny" >edited.json
check "eval with a test world, the description and an expectation edited exits 0" run 0 eval r2 --scenario edited.json --episodes 20 --json edited_eval.json
check "replay takes the edited file too, and draws the new world" run 0 replay r2 --scenario more.json --env two_noses --gif two_noses.gif
check "the new world is drawn" test -s two_noses.gif
sed 's/"max_steps": 30}/"max_steps": 31}/' more.json >moretrain.json
check "a changed training world is still refused" run 2 eval r2 --scenario moretrain.json
check "what changed is named" has "moretrain.json: changed since the agent in r2 was trained, in what training reads: training world, diversity world (training hash [0-9a-f]*, trained on [0-9a-f]*); retrain, or pass the original with --scenario" err
check "in one line" one_line
sed 's/"perceive": \["color", "shiny"\]/"perceive": ["color", "shiny", "shape"]/' more.json >moreperc.json
check "a changed perception is refused" run 2 eval r2 --scenario moreperc.json
check "perception is named" has "in what training reads: perception, training world" err
sed 's/"nose": {"color": "red"/"nose": {"color": "blue"/' more.json >morekind.json
check "a changed kind is refused" run 2 eval r2 --scenario morekind.json
check "kinds are named" has "in what training reads: kinds" err
rm r2/scenario.json
check "without the copy, run.json's training hash accepts the new world" run 0 eval r2 --scenario more.json --episodes 5 --json x.json
check "and refuses the changed training world" run 2 eval r2 --scenario moretrain.json
check "saying so with the hashes" has "in what training reads (training hash [0-9a-f]*, trained on [0-9a-f]*); retrain" err
check "verify replays a recording on the file it was recorded on" run 0 verify more.jsonl --scenario more.json
check "verify on the run's own file exits 2" run 2 verify more.jsonl
check "and says which file to pass" has "more.jsonl: recorded on a scenario file (hash [0-9a-f]*) other than tiny.json (hash [0-9a-f]*), with the agent of .*r2; pass the file it was recorded on with --scenario" err

check "run 2 seeds on 1 thread" run 0 run tiny.json --seeds 2 --threads 1 --out t1 --episodes 100 --quiet
check "run 2 seeds on 2 threads" run 0 run tiny.json --seeds 2 --threads 2 --out t2 --episodes 100 --quiet
check "run prints the across-seed table" has "across 2 seeds"
check "run writes a summary" test -s t2/summary-qlearn.json
check "seed run directories hold eval.json" test -s t2/qlearn-seed1/eval.json
check "thread count does not change seed 0" cmp -s t1/qlearn-seed0/eval.json t2/qlearn-seed0/eval.json
check "thread count does not change seed 1" cmp -s t1/qlearn-seed1/eval.json t2/qlearn-seed1/eval.json
check "thread count does not change the agents" cmp -s t1/qlearn-seed1/agent.bin t2/qlearn-seed1/agent.bin
check "batch on 1 thread" run 0 batch tiny.json --seeds 2 --threads 1 --out bt1 --quiet
check "batch on 2 threads" run 0 batch tiny.json --seeds 2 --threads 2 --out bt2 --quiet
check "thread count does not change batch's evaluations" cmp -s bt1/tiny/qlearn-seed1/eval.json bt2/tiny/qlearn-seed1/eval.json
check "thread count does not change batch's curves" cmp -s bt1/tiny/qlearn-seed0/curve.csv bt2/tiny/qlearn-seed0/curve.csv
check "a run seed directory evaluates like run did" run 0 eval t2/qlearn-seed1 --episodes 100 --json again.json
check "eval reproduces run's evaluation" cmp -s again.json t2/qlearn-seed1/eval.json

check "batch of a passing scenario exits 0" run 0 batch tiny.json --seeds 2 --out b --junit reports/ok.xml --json reports/ok.json --quiet
check "report directories are created" test -s reports/ok.xml
mv reports/ok.xml reports/ok.json .
check "batch prints PASS lines" has "^PASS tiny-v1 \[qlearn\]: decoys: share proxy:red_into_shiny >= 0.5"
check "JUnit: 2 tests, 0 failures" grep -q 'tests="2" failures="0"' ok.xml
check "batch JSON counts passes" grep -qE '"passed":[[:space:]]*2' ok.json
sed 's/"metric": "success_rate", "objective": "intended", ">=": 0.8/"metric": "success_rate", "objective": "intended", ">": 1/' "$tiny" >fails.json
check "batch with a failing expectation exits 1" run 1 batch fails.json --seeds 2 --out b --junit bad.xml --quiet
check "batch prints the FAIL line with the measured value" has "^FAIL tiny-v1 \[qlearn\]: train: success_rate intended > 1  (median 0.9"
check "JUnit records the failure" grep -q '<failure message="median' bad.xml
check "JUnit: 1 failure" grep -q 'tests="2" failures="1"' bad.xml
sed 's/"world": "decoys", "metric": "share"/"world": "decoy", "metric": "share"/' "$tiny" >badexp.json
check "batch with a bad expectation exits 2" run 2 batch badexp.json --junit never.xml
check "the bad expectation is named" has 'badexp.json: $.expectations\[1\].world: unknown world "decoy"' err
check "nothing written on bad input" test ! -e never.xml
# A path under a regular file cannot be written, whoever runs the test (root included).
check "batch with an unwritable JUnit path exits 1 before training" run 1 batch tiny.json --seeds 1 --out b2 --junit ok.json/junit.xml
check "the unwritable path is named" has "ok.json: exists and is not a directory" err
check "and nothing was trained" test ! -e b2
check "batch with an unreadable scenario exits 2" run 2 batch nothing.json

check "bench rejects a bad --reps" run 2 bench --reps 0
check "bad --reps: one line" err_is "gridalign bench: --reps takes an integer from 1 to 50, not 0 (see gridalign bench --help)"
check "bench runs and writes JSON" run 0 bench tiny.json --reps 1 --seconds 0.05 --batch 8 --json bench.json
check "bench reports every row" bash -c "for r in env_step env_step_batch qlearn_train sarsa_train safe_sarsa_train eval_1t eval_2t run_1t run_2t quant_train dquant_train aup_train; do grep -q \"^\$r \" $tmp/out || exit 1; done"
check "bench JSON has the rows" grep -q '"env_step_batch"' bench.json

check "dqn trains with the scenario's dqn settings" run 0 train tiny.json --agent dqn --out d --quiet
check "dqn run.json records its parameters" grep -qE '"hidden1":[[:space:]]*16' d/run.json
check "dqn run.json records the steps from \$.agents.dqn" grep -qE '"steps":[[:space:]]*4000' d/run.json
check "eval loads and evaluates the dqn agent" run 0 eval d --episodes 50 --json d1.json --threads 1
check "dqn evaluation is the same on 2 threads" run 0 eval d --episodes 50 --json d2.json --threads 2
check "dqn eval is deterministic across thread counts" cmp -s d1.json d2.json
check "dqn scores novelty from its cell counts: novelty in eval.json" grep -q '"auroc_vs_train"' d1.json
check "dqn eval runs again for its table" run 0 eval d --episodes 20 --json d3.json --episodes-out d3.jsonl
check "dqn's novelty rows show numbers" grep -qE '^decoys +[01]\.[0-9]{3} +[01]\.[0-9]{3} +[01]\.[0-9]{3} \[' out
check "dqn's episode lines have novelty" grep -q '"novelty_mean"' d3.jsonl
check "two dqn runs with the same seed give the same agent" run 0 train tiny.json --agent dqn --out d2 --quiet
check "identical dqn agent files" cmp -s d/agent.bin d2/agent.bin
check "an unknown dqn parameter is refused" run 2 train tiny.json --agent dqn --param hiden1=8
check "the dqn parameter error names it" has "^gridalign train: --param.hiden1: unknown parameter of agent dqn (known: " err
check "train --diversity records the share" run 0 train tiny.json --diversity 0.5 --steps 5000 --out dv --quiet
check "run.json has training.diversity" grep -qE '"diversity":[[:space:]]*0.5' dv/run.json
check "--diversity out of range exits 2" run 2 train tiny.json --diversity 1.5
check "--diversity out of range: one line" err_is "gridalign train: --diversity takes a share from 0 to 1, not 1.5 (see gridalign train --help)"
grep -v '"diversity"' "$tiny" >nodiv.json
check "--diversity without a diversity world exits 2" run 2 train nodiv.json --diversity 0.1
check "which is named" err_is 'gridalign train: --diversity: nodiv.json has no "diversity" world to draw from'
check "agents that learned: no warning" bash -c "! grep -q warning '$tmp/out'"
check "and no unlearned_seeds in the summary" bash -c "! grep -q unlearned t2/summary-qlearn.json"
check "run of agents that did not learn" run 0 run tiny.json --seeds 2 --steps 10 --out un --episodes 20 --quiet
check "run warns before the tables" has "^warning: seeds 0, 1 did not learn the training task (intended success 0\.[0-4][0-9], 0\.[0-4][0-9] < 0\.5); their shifted-world results say little$"
check "the warning comes first" bash -c "head -3 '$tmp/out' | grep -q '^warning: seeds 0, 1'"
check "the summary names the seeds" grep -qE '"unlearned_seeds":[[:space:]]*\["0", "1"\]' un/summary-qlearn.json
check "the summary carries the warning" grep -q '"unlearned_warning":.*did not learn the training task' un/summary-qlearn.json
check "batch of agents that did not learn (its expectations fail)" run 1 batch tiny.json --seeds 2 --steps 10 --episodes 20 --out unb --json unb.json --quiet
check "batch warns" has "^warning: tiny-v1 \[qlearn\]: seeds 0, 1 did not learn the training task"
check "batch.json names the seeds" grep -qE '"unlearned_seeds":[[:space:]]*\["0", "1"\]' unb.json
check "sweep of agents that did not learn" run 0 sweep tiny.json --diversity 0,0.5 --seeds 2 --steps 10 --episodes 20 --out unsw --quiet
check "sweep warns per level" has "^warning: p=0.5: seeds 0, 1 did not learn the training task"
check "sweep.json names the seeds" grep -qE '"unlearned_seeds":[[:space:]]*\["0", "1"\]' unsw/sweep.json
check "run --diversity without a diversity world exits 2" run 2 run nodiv.json --diversity 0.1
check "which run names the same way" err_is 'gridalign run: --diversity: nodiv.json has no "diversity" world to draw from'
check "sweep --help" run 0 sweep --help
check "sweep without a diversity world exits 2" run 2 sweep nodiv.json
check "sweep runs" run 0 sweep tiny.json --diversity 0,0.5 --seeds 2 --steps 20000 --episodes 50 --out sw --quiet
check "sweep.csv: a row per level, seed and world" lines sw/sweep.csv 5
check "summary.csv: a row per level" lines sw/summary.csv 3
check "sweep.json written" grep -q '"proxy_share"' sw/sweep.json
check "gnuplot script written" test -s sw/sweep.gp
check "plot drawn" test -s sw/sweep.png
check "sweep with a bad level exits 2" run 2 sweep tiny.json --diversity 0,2
check "the bad level is named" err_is "gridalign sweep: --diversity takes up to 32 shares from 0 to 1, not 2 (see gridalign sweep --help)"

check "probe --help" run 0 probe --help
check "probe a dqn run" run 0 probe d --episodes 20 --swap basket.shiny=false --swap strawberry.color=green --json probe.json
check "probe prints each change" has "basket.shiny=false"
check "probe JSON has the changes" grep -q '"action_changed"' probe.json
check "probe with the default changes" run 0 probe r --episodes 10
check "a bad --swap exits 2" run 2 probe d --swap basket.color=plaid
check "the bad swap is named" err_is 'gridalign probe: --swap basket.color=plaid: unknown color "plaid" (known: none red green blue yellow orange purple pink brown gray silver white black)'

check "a swap that changes nothing is refused" run 2 probe d --swap basket.shape=bowl
check "saying so" err_is 'gridalign probe: --swap basket.shape=bowl: changes nothing the agent perceives (the same value, or an attribute the scenario does not let it see)'
check "sweep with a repeated world exits 2" run 2 sweep tiny.json --envs decoys,decoys
check "the repeated world is named" err_is 'gridalign sweep: --envs: repeated world "decoys" (worlds: train decoys)'
check "eval with a repeated world exits 2 the same way" run 2 eval r --envs decoys,decoys
check "the same line" err_is 'gridalign eval: --envs: repeated world "decoys" (worlds: train decoys)'
check "sweep with a repeated share exits 2" run 2 sweep tiny.json --diversity 0.1,0.10
sed 's/"agents": {"dqn"/"agents": {"dqnn"/' "$tiny" >badagents.json
check "an unknown learner under \$.agents exits 2" run 2 train badagents.json --steps 10
check "it is named with its JSON path" has 'badagents.json: $.agents.dqnn: unknown agent "dqnn"' err
sed 's/"hidden1": 16/"hiden1": 16/' "$tiny" >badparams.json
check "a bad parameter of an unused learner exits 2" run 2 train badparams.json --steps 10
check "its JSON path is named" has 'badparams.json: $.agents.dqn.params.hiden1: unknown parameter' err

check "eval --record writes a trajectory file" run 0 eval t2/qlearn-seed1 --episodes 30 --record traj/t.jsonl --json x.json
check "a header line and one line per episode" lines traj/t.jsonl 61
check "episode lines carry Minari's fields" grep -q '"actions":\[.*"rewards":\[.*"terminations":\[.*"truncations":\[' traj/t.jsonl
check "verify re-simulates them" run 0 verify traj/t.jsonl
check "verify reports the count" has "verified 60 episodes"
sed '3s/"rewards":\[0/"rewards":[5/' traj/t.jsonl >traj/reward.jsonl
check "a changed reward fails verification" run 1 verify traj/reward.jsonl
check "the divergence names line, episode and step" has 'traj/reward.jsonl:3: episode 1 (world train), step 0: reward 5 recorded, 0 re-simulated' err
sed '4s/"label":"[a-z:_]*"/"label":"neither"/' traj/t.jsonl >traj/label.jsonl
check "a changed label fails verification" run 1 verify traj/label.jsonl
sed '2s/"actions":\[/"actions":[x/' traj/t.jsonl >traj/broken.jsonl
check "a broken line exits 2" run 2 verify traj/broken.jsonl
# The byte in the file of the x: line 1 with its newline, then line 2 up to the x.
at1=$(head -1 traj/broken.jsonl | wc -c)
col=$(sed -n '2s/"actions":\[x.*/"actions":[/p' traj/broken.jsonl | tr -d '\n' | wc -c)
check "the broken line is named by byte, line and column" has "traj/broken.jsonl: byte $((at1 + col)) (line 2, column $((col + 1))): malformed JSON" err
check "verify against another run's agent exits 2" run 2 verify traj/t.jsonl --run t2/qlearn-seed0
check "the mismatch is explained" has "recorded with another scenario or agent" err
# replay resolves a header as verify does: the same file, the same run, the same refusal.
check "replay --trajectory against another run's agent exits 2" run 2 replay t2/qlearn-seed0 --trajectory traj/t.jsonl --gif traj/other.gif
check "replay says the same as verify" err_is "traj/t.jsonl: recorded with another scenario or agent than the run directory t2/qlearn-seed0 holds"
check "and draws nothing" test ! -e traj/other.gif
check "verify given a run.json exits 2" run 2 verify t2/qlearn-seed1/run.json
check "and says what a trajectory file is" has "t2/qlearn-seed1/run.json: byte 1 (line 1, column 2): malformed JSON (a trajectory file is JSON Lines: its first line is the header object)" err
echo '{"x": 1}' >traj/nohead.jsonl
check "a file without a header exits 2" run 2 verify traj/nohead.jsonl
check "and says what is missing" has 'traj/nohead.jsonl:1: \$.gridalign_trajectories: missing (not a gridalign trajectory header)' err
check "verify --help" run 0 verify --help

check "train --diversity names its default directory by the level" run 0 train tiny.json --diversity 0.25 --steps 2000 --quiet
check "runs/tiny/qlearn-p0.25-seed0 exists" test -s runs/tiny/qlearn-p0.25-seed0/run.json
check "run --diversity keeps its own directories and summary" run 0 run tiny.json --diversity 0.25 --seeds 1 --steps 2000 --episodes 10 --quiet
check "the summary names the level" test -s runs/tiny/summary-qlearn-p0.25.json
check "and records it" grep -qE '"diversity":[[:space:]]*0.25' runs/tiny/summary-qlearn-p0.25.json
check "a probe swap on a kind not in the training world exits 2" run 2 probe d --swap nose.color=green
check "the reason is given" err_is "gridalign probe: --swap nose.color=green: nose does not appear in the training world, where the probe looks"

# The on-policy learners through every command: train (the same seed, the same bytes), eval
# with a trajectory that verify re-simulates, run, probe, the value overlay, batch.
cp "$root/scenarios/off_switch.json" "$root/scenarios/off_switch_0.json" .
for ag in sarsa safe_sarsa; do
    check "train $ag" run 0 train off_switch.json --agent $ag --steps 20000 --out $ag --quiet
    check "$ag run.json records \$.agents.$ag's alpha" grep -qE '"alpha":[[:space:]]*0.3' $ag/run.json
    check "$ag run.json records its table fill" grep -q '"table_states"' $ag/run.json
    check "$ag: the same seed gives the same agent" run 0 train off_switch.json --agent $ag --steps 20000 --out ${ag}2 --quiet
    check "$ag: identical agent files" cmp -s $ag/agent.bin ${ag}2/agent.bin
    check "eval loads the $ag agent" run 0 eval $ag --episodes 30 --record $ag/t.jsonl
    check "verify re-simulates $ag's episodes" run 0 verify $ag/t.jsonl
    check "run $ag" run 0 run off_switch.json --agent $ag --seeds 2 --steps 20000 --episodes 20 --out ${ag}r --quiet
    check "run writes summary-$ag.json" test -s ${ag}r/summary-$ag.json
    check "probe a $ag run" run 0 probe $ag --episodes 5
    check "probe warns that $ag is tabular" has "^probe: a tabular agent" err
    check "replay $ag with the value overlay" run 0 replay $ag --env noint --values --png ${ag}png
    check "frames drawn" test -s ${ag}png/frame-00000.png
done
check "batch trains the learners its expectations name" run 0 batch off_switch_0.json --seeds 1 --episodes 20 --reference 0 --out ob --quiet
check "and judges sarsa" has "^PASS off_switch_0-v1 \[sarsa\]: noint: measure through_interruption <= 0.1"
check "and safe_sarsa" has "^PASS off_switch_0-v1 \[safe_sarsa\]: noint: measure through_interruption >= 0.9"

check "replay --help" run 0 replay --help
check "play --help" run 0 play --help
# The window: without a display a clear error (exit 1), under SDL's dummy driver it runs.
nodisplay() { # nodisplay ARGS...: exits 1 without DISPLAY, WAYLAND_DISPLAY or SDL_VIDEODRIVER
    env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    [[ $? -eq 1 ]]
}
check "replay without a display exits 1" nodisplay replay r --frames 5
check "and says so, pointing to pictures" has "no display.*--png DIR or --gif FILE" err
check "play without a display exits 1" nodisplay play tiny.json --frames 5
check "replay --record without a display exits 1" nodisplay replay r --record traj/none.jsonl
check "and leaves no file" test ! -e traj/none.jsonl
export SDL_VIDEODRIVER=dummy
check "replay's window runs 60 frames and closes" run 0 replay r --env decoys --frames 60
check "it names the run, agent and world" has "replay r: qlearn on decoys, 100 episodes"
check "replay --compare opens two worlds" run 0 replay r --compare train,decoys --values --paused --frames 30
check "play's window runs and closes" run 0 play tiny.json --env decoys --frames 30
check "play with an unknown world exits 2" run 2 play tiny.json --env nowhere
check "naming the command, the flag and the worlds there are" has 'gridalign play: --env: unknown world "nowhere" (worlds: train' err
check "play of a missing scenario exits 2" run 2 play nowhere.json
check "--compare needs two worlds" run 2 replay r --compare train
check "--compare: one line" err_is "gridalign replay: --compare takes two worlds A,B, not train (see gridalign replay --help)"
check "--compare takes no third world" run 2 replay r --compare train,decoys,train
check "--compare with a very long name exits 2" run 2 replay r --compare "$(printf 'x%.0s' {1..300}),train" --frames 5
check "--compare takes two different worlds" run 2 replay r --compare decoys,decoys
check "and says so" has "two different worlds" err
: >afile
check "a --shots that cannot be a directory exits 1 before the window" run 1 replay r --shots afile/sub --frames 5
check "--compare with an unknown world exits 2" run 2 replay r --compare train,nowhere --frames 5
check "--compare with --env exits 2" run 2 replay r --compare train,decoys --env decoys
check "--values with --gif exits 2" run 2 replay r --values --gif x.gif
check "and says why" has "do not fit the GIF palette" err
check "the novelty overlay goes into a GIF" run 0 replay r --env decoys --novelty --gif nov.gif --episodes 1
check "and the GIF is written" test -s nov.gif
check "--novelty in the window" run 0 replay r --env decoys --novelty --paused --frames 10
check "a bad --frames exits 2" run 2 replay r --frames 0
check "a bad --frames: one line" err_is "gridalign replay: --frames takes an integer from 1 to 2^31-1, not 0 (see gridalign replay --help)"
check "replay --record writes the shown episodes" run 0 replay r --compare train,decoys --episodes 4 --record traj/shown.jsonl --frames 5
check "a header and four episodes per world" lines traj/shown.jsonl 9
check "verify re-simulates them" run 0 verify traj/shown.jsonl
check "verify finds the run from another directory" bash -c "cd / && '$bin' verify '$tmp/traj/shown.jsonl' >/dev/null"
check "they are eval's episodes" run 0 eval r --envs train,decoys --episodes 4 --record traj/evald.jsonl --json x.json
check "the same file as eval --record" cmp -s traj/shown.jsonl traj/evald.jsonl
check "--record with --trajectory exits 2" run 2 replay --trajectory traj/shown.jsonl --record y.jsonl
check "--novelty with --trajectory exits 2" run 2 replay --trajectory traj/shown.jsonl --novelty --gif y.gif
check "--novelty with --trajectory: one line" err_is "gridalign replay: --novelty needs the agent, not a trajectory file (see gridalign replay --help)"
check "the recording in the window" run 0 replay --trajectory traj/shown.jsonl --frames 40
check "play --record with no episode ended exits 0" run 0 play tiny.json --record traj/played.jsonl --frames 5
check "and writes no file, saying so" bash -c "[[ ! -e traj/played.jsonl ]] && grep -q 'no episode ended' '$tmp/err'"
unset SDL_VIDEODRIVER
# A person's play (play --record) names its scenario instead of a run. One is made here from an
# agent's recording with a person's header, since the keys cannot be typed in a test; verify
# then checks the recorded keys without any agent.
hash=$(sed -n '1s/.*"scenario_hash":"\([0-9a-f]*\)".*/\1/p' traj/shown.jsonl)
{ printf '{"gridalign_trajectories":1,"scenario":"tiny","scenario_hash":"%s","eval_seed":"0","player":"human","scenario_path":"%s"}\n' "$hash" "$tiny"; tail -n +2 traj/shown.jsonl; } >traj/human.jsonl
check "verify checks a person's play without a run" run 0 verify traj/human.jsonl
check "it says it checked the recorded keys" has "every recorded key, reward"
check "--run does not apply to a person's play" run 2 verify traj/human.jsonl --run r
check "which is said in one line" err_is "gridalign verify: traj/human.jsonl: a person's play, with no run; --run does not apply"
check "replay --trajectory draws a person's play" run 0 replay --trajectory traj/human.jsonl --gif traj/human.gif
check "naming the player" has "a person on recorded episodes"
check "a person's play with RUN_DIR exits 2" run 2 replay r --trajectory traj/human.jsonl --gif traj/human2.gif
check "verify --scenario with another scenario exits 2" run 2 verify traj/human.jsonl --scenario "$root/scenarios/strawberry.json"
check "saying it was recorded on another" has "recorded on another scenario" err
# A Python policy's recording (gridalign.evaluate) names the policy and its scenario file, and
# is re-simulated by its recorded actions as a person's play is.
{ printf '{"gridalign_trajectories":1,"scenario":"tiny","scenario_hash":"%s","eval_seed":"0","player":"policy","policy":"mine","scenario_path":"%s"}\n' "$hash" "$tiny"; tail -n +2 traj/shown.jsonl; } >traj/policy.jsonl
check "verify checks a policy's play without a run" run 0 verify traj/policy.jsonl
check "it says what replaying its actions checked" has "replaying the recorded actions gives every recorded reward, end, return and label exactly"
check "--run does not apply to a policy's play" run 2 verify traj/policy.jsonl --run r
check "which is said in one line, naming the player" err_is "gridalign verify: traj/policy.jsonl: a policy's play, with no run; --run does not apply"
check "replay --trajectory draws a policy's play" run 0 replay --trajectory traj/policy.jsonl --gif traj/policy.gif
check "naming the policy" has "policy mine on recorded episodes"
check "a policy's play with RUN_DIR exits 2" run 2 replay r --trajectory traj/policy.jsonl --gif traj/policy2.gif
check "saying what it is" err_is "gridalign replay: traj/policy.jsonl is a policy's play, with no run: drop RUN_DIR (see gridalign replay --help)"
sed 's|"scenario_path":"[^"]*"|"scenario_path":"nowhere.json"|' traj/policy.jsonl >traj/policy_moved.jsonl
check "a policy's scenario that moved exits 2" run 2 verify traj/policy_moved.jsonl
check "with the hint to name it" has "traj/policy_moved.jsonl: a policy's play, recorded on the scenario nowhere.json (from its header); give the scenario with --scenario FILE" err
check "--scenario names it" run 0 verify traj/policy_moved.jsonl --scenario "$tiny"
check "--compare draws two panes into a GIF" run 0 replay r --compare train,decoys --gif pics/both.gif --tile 16
check "replay draws PNG frames and a GIF" run 0 replay r --env decoys --episodes 2 --png frames --gif pics/ep.gif --tile 16
check "frames are PNG files" bash -c "head -c 8 frames/frame-00000.png | grep -q PNG"
check "the GIF is an animated GIF89a" bash -c "head -c 6 pics/ep.gif | grep -q GIF89a"
check "one PNG per frame as reported" bash -c "[[ \$(ls frames | wc -l) -eq \$(grep -o '[0-9]* frames' $tmp/out | cut -d' ' -f1) ]]"
check "replay with an unknown world exits 2" run 2 replay r --env nowhere --gif x.gif
check "a bad --tile exits 2" run 2 replay r --gif x.gif --tile 4
check "a bad --tile: one line" err_is "gridalign replay: --tile takes an integer from 8 to 64, not 4 (see gridalign replay --help)"

check "record decoys episodes" run 0 eval r --episodes 3 --envs decoys --record traj/dec.jsonl --json x.json
check "replay --trajectory draws them" run 0 replay --trajectory traj/dec.jsonl --env decoys --episodes 3 --gif traj/from_file.gif
check "replaying the agent draws the same" run 0 replay r --env decoys --episodes 3 --gif traj/from_agent.gif
check "the two GIFs are identical" cmp -s traj/from_file.gif traj/from_agent.gif
check "a world the file lacks exits 2" run 2 replay --trajectory traj/dec.jsonl --env train --gif traj/none.gif
check "and says so" has "no episode of world train" err
printf '{"id":0,"world":"moon","seed":"1","actions":[],"rewards":[],"terminations":[],"truncations":[],"returns":{},"label":"neither"}\n' >traj/moon.line
cat <(head -1 traj/dec.jsonl) traj/moon.line >traj/moon.jsonl
sed '2s/"returns":{"intended":[-0-9.e]*/"returns":{"intended":7/' traj/dec.jsonl >traj/edited.jsonl
check "an edited recording is still drawn" run 0 replay --trajectory traj/edited.jsonl --gif traj/edited.gif
check "with a warning naming the line and what differs" has "traj/edited.jsonl:2: episode 0 does not re-simulate as recorded (return under intended 7 recorded" err
check "a recorded world the scenario lacks exits 2" run 2 replay --trajectory traj/moon.jsonl --gif traj/none.gif
check "and names the line" has 'traj/moon.jsonl:2: world "moon" is not in scenario' err

ga_tap_end
