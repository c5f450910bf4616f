#!/usr/bin/env bash
# tests/cli_slurm.sh GRIDALIGN: gridalign slurm without Slurm: the scripts it writes for a small
# batch, run and sweep (their #SBATCH lines, every argument carried through the shell exactly,
# odd paths quoted for the shell and for sbatch), the tasks and the merge run by hand giving the
# unsharded batch, --submit against a stand-in sbatch (the ids, its refusals, its absence), and
# the refusals (slurm's options, the inner command's own errors, exit 2, nothing written).
# The real cluster is tests/slurm.sh. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_slurm "$1"
root=$PWD
# A working directory with a space, quotes, '#', '%' and '$' in its name: the scripts cd there.
work="$tmp/w d'q\"#%\$x"
mkdir -p "$work"
cd "$work" || exit 1
cp "$root/scenarios/strawberry.json" s.json
hint="(see gridalign slurm --help)"

# ---- the scripts of a small batch ---------------------------------------------------------------
small=(s.json --seeds 3 --steps 2000 --episodes 20 --reference 3)
check "slurm batch writes its scripts" run 0 slurm batch "${small[@]}" --out b --json b.json \
    --junit b.xml
check "it says what it wrote" bash -c "[[ \$(cat '$tmp/out') == 'wrote b/slurm/{array.sbatch,merge.sbatch,submit.sh}: 3 tasks, 1 seed each (3 in all), 1 CPU each; logs go to b/slurm/logs/
submit with: b/slurm/submit.sh' ]]"
check "array.sbatch, merge.sbatch and an executable submit.sh" \
    test -s b/slurm/array.sbatch -a -s b/slurm/merge.sbatch -a -x b/slurm/submit.sh
check "the logs' directory is made (sbatch does not make it)" test -d b/slurm/logs
check "each is a valid shell script" bash -c "bash -n b/slurm/array.sbatch && bash -n b/slurm/merge.sbatch && sh -n b/slurm/submit.sh"
sbatch_lines() { grep '^#SBATCH' "$1" | tr '\n' '|'; }
# In #SBATCH lines (which sbatch reads, not a shell) '"' and '#' are escaped, '%' doubled.
esc=${work//\"/\\\"}
esc=${esc//#/\\#}
esc=${esc//%/%%}
check "array.sbatch: a task per shard, a CPU each, the logs" \
    test "$(sbatch_lines b/slurm/array.sbatch)" == "#SBATCH --job-name=gridalign-batch|#SBATCH --array=1-3|#SBATCH --cpus-per-task=1|#SBATCH --output=\"$esc/b/slurm/logs/%A_%a.out\"|"
check "merge.sbatch: one CPU, its log" \
    test "$(sbatch_lines b/slurm/merge.sbatch)" == "#SBATCH --job-name=gridalign-merge|#SBATCH --cpus-per-task=1|#SBATCH --output=\"$esc/b/slurm/logs/merge-%j.out\"|"
# Every #SBATCH line follows a comment saying what it is for.
explained() { awk '/^#SBATCH/ && !(prev ~ /^# /) { bad = 1 } { prev = $0 } END { exit bad }' "$1"; }
check "every #SBATCH line has its comment" explained b/slurm/array.sbatch
check "in merge.sbatch too" explained b/slurm/merge.sbatch
check "the scripts name this binary by its absolute path" grep -qF "$bin" b/slurm/array.sbatch

# The arguments each script hands on, through a stand-in for gridalign that prints its working
# directory and its arguments, one per line.
cat >"$tmp/args.sh" <<'EOF'
#!/bin/sh
pwd
printf '%s\n' "$@"
EOF
chmod +x "$tmp/args.sh"
# as_run SCRIPT ARRAY_TASK CPUS: the script with the stand-in in place of gridalign, its output.
as_run() {
    sed "s|^exec [^ ]*|exec '$tmp/args.sh'|" "$1" >"$tmp/script"
    (unset SLURM_CPUS_PER_TASK; env SLURM_ARRAY_TASK_ID="${2:-}" ${3:+SLURM_CPUS_PER_TASK=$3} bash "$tmp/script")
}
want=$(printf '%s\n' "$work" batch "${small[@]}" --out b --json b.json --junit b.xml \
    --shard 2/3 --threads 4 --quiet)
check "task 2 runs shard 2/3 in this directory on its CPUs, quietly" \
    test "$(as_run b/slurm/array.sbatch 2 4)" == "$want"
check "without SLURM_CPUS_PER_TASK, one thread" \
    test "$(as_run b/slurm/array.sbatch 1 | tail -5 | tr '\n' ' ')" == "--shard 1/3 --threads 1 --quiet "
check "the merge runs gridalign merge OUT in this directory" \
    test "$(as_run b/slurm/merge.sbatch)" == "$(printf '%s\n' "$work" merge "$work/b")"

# An output directory whose name the shell would otherwise read: spaces, quotes, $, `, ;, #, %.
odd="o d'q\"\$HOME\`x\`;#%s"
check "slurm batch with that --out" run 0 slurm batch "${small[@]}" --out "$odd" --quiet
want=$(printf '%s\n' "$work" batch "${small[@]}" --out "$odd" --shard 3/3 --threads 2 --quiet)
check "every argument reaches the task as given" \
    test "$(as_run "$odd/slurm/array.sbatch" 3 2)" == "$want"
check "and the merge's" test "$(as_run "$odd/slurm/merge.sbatch")" == "$(printf '%s\n' "$work" merge "$work/$odd")"
oesc=$work/$odd
oesc=${oesc//\"/\\\"}
oesc=${oesc//#/\\#}
oesc=${oesc//%/%%}
check "the log path quoted for sbatch" \
    grep -qxF "#SBATCH --output=\"$oesc/slurm/logs/%A_%a.out\"" "$odd/slurm/array.sbatch"
check "the command's --quiet is given once, by the script" \
    test "$(grep -o -- '--quiet' "$odd/slurm/array.sbatch" | wc -l)" -eq 1

# ---- the tasks and the merge by hand: the unsharded batch -----------------------------------------
mkdir whole
cp s.json whole/
(cd whole && "$bin" batch "${small[@]}" --out b --json b.json --junit b.xml --threads 2 \
    --quiet >out.txt 2>&1)
whole_code=$?
tasks_ok=1
for i in 1 2 3; do
    (unset SLURM_CPUS_PER_TASK; SLURM_ARRAY_TASK_ID=$i bash b/slurm/array.sbatch) \
        >"$tmp/task$i" 2>&1 || { tasks_ok=0; sed 's/^/# /' "$tmp/task$i"; }
done
check "the three tasks, run by hand, succeed" test $tasks_ok -eq 1
bash b/slurm/merge.sbatch >merged.txt 2>&1
merge_code=$?
check "the merge exits as the unsharded batch ($whole_code)" test "$merge_code" -eq "$whole_code"
check "the same JSON report" cmp -s <(ga_stable_json whole/b.json) <(ga_stable_json b.json)
check "the same JUnit report" cmp -s <(ga_stable_junit whole/b.xml) <(ga_stable_junit b.xml)
check "the same PASS/FAIL lines" cmp -s <(grep -E '^(PASS|FAIL) ' whole/out.txt) \
    <(grep -E '^(PASS|FAIL) ' merged.txt)

# ---- the options ----------------------------------------------------------------------------
check "--partition, --time and --cpus" run 0 slurm --partition gpu,cpu batch "${small[@]}" \
    --time 1-02:00:00 --out p --cpus 3 --array 2
check "array.sbatch asks for them" \
    test "$(sbatch_lines p/slurm/array.sbatch)" == "#SBATCH --job-name=gridalign-batch|#SBATCH --array=1-2|#SBATCH --cpus-per-task=3|#SBATCH --partition=gpu,cpu|#SBATCH --time=1-02:00:00|#SBATCH --output=\"$esc/p/slurm/logs/%A_%a.out\"|"
check "merge.sbatch the partition and time, one CPU" \
    bash -c "sbatch_lines() { grep '^#SBATCH' \"\$1\" | tr '\n' '|'; }; [[ \$(sbatch_lines p/slurm/merge.sbatch) == *'--cpus-per-task=1|#SBATCH --partition=gpu,cpu|#SBATCH --time=1-02:00:00|'* ]]"
check "20 seeds: 16 tasks by default, 2 CPUs for the tasks with 2 seeds" \
    run 0 slurm batch s.json --seeds 20 --out d
check "it says so" has "^wrote d/slurm/{array.sbatch,merge.sbatch,submit.sh}: 16 tasks, 1 to 2 seeds each (20 in all), 2 CPUs each;"
check "run: the default output directory, runs/<scenario>" run 0 slurm run s.json --seeds 2 \
    --array 2
check "its scripts there, named for the scenario" test -s runs/strawberry/slurm/array.sbatch
check "and for run" grep -qx '#SBATCH --job-name=gridalign-run' runs/strawberry/slurm/array.sbatch
check "sweep: two levels of two seeds, four tasks" run 0 slurm sweep s.json \
    --param alpha=0.1,0.5 --seeds 2
check "in the sweep's default directory" has "^wrote runs/strawberry/sweep-qlearn/slurm/{array.sbatch,merge.sbatch,submit.sh}: 4 tasks, 1 seed each (4 in all)"

# ---- --submit, against a stand-in sbatch ------------------------------------------------------------
mkdir -p "$tmp/fake" "$tmp/empty"
# fake_sbatch ARRAY_REPLY MERGE_REPLY: each reply an id, or "no" (refuse); logs its arguments.
fake_sbatch() {
    cat >"$tmp/fake/sbatch" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/sbatch.log"
case "\$*" in *merge.sbatch) r=$2 ;; *) r=$1 ;; esac
[ "\$r" = no ] && { echo "sbatch: error: Batch job submission failed: Invalid partition name specified" >&2; exit 1; }
echo "\$r"
EOF
    chmod +x "$tmp/fake/sbatch"
    rm -f "$tmp/sbatch.log"
}
# run_path PATH CODE ARGS...: gridalign slurm batch ARGS... with that PATH (run's checks).
run_path() {
    local p=$1 want=$2
    shift 2
    PATH=$p run "$want" slurm batch "$@"
}
fake_sbatch 41 "42;cluster"
check "--submit submits both" run_path "$tmp/fake:$PATH" 0 "${small[@]}" --out b --submit
check "and prints their ids" has "^submitted array job 41 (.*/b/slurm/logs/41_\*.out) and merge job 42, which starts when every task succeeded$"
check "the array first, then the merge after it" test "$(cat "$tmp/sbatch.log")" == \
    "--parsable array.sbatch
--parsable --dependency=afterok:41 merge.sbatch"
fake_sbatch no 42
check "sbatch refusing the array: exit 1" run_path "$tmp/fake:$PATH" 1 "${small[@]}" --out b \
    --submit
check "with what sbatch said, one line" err_is "gridalign slurm: --submit: sbatch refused the job array: sbatch: error: Batch job submission failed: Invalid partition name specified"
check "nothing more was submitted" test "$(wc -l <"$tmp/sbatch.log")" -eq 1
fake_sbatch 41 no
check "sbatch refusing the merge: exit 1" run_path "$tmp/fake:$PATH" 1 "${small[@]}" --out b \
    --submit
check "naming the array job left without it" err_is "gridalign slurm: --submit: the merge job was refused (sbatch: error: Batch job submission failed: Invalid partition name specified); array job 41 is queued without it (scancel 41, or later sbatch $work/b/slurm/merge.sbatch)"
check "no sbatch: exit 1" run_path "$tmp/empty" 1 "${small[@]}" --out b --submit
check "saying so, and where the scripts are" err_is "gridalign slurm: --submit: sbatch is not on PATH (no Slurm here?); the scripts are in $work/b/slurm"

# ---- refusals: exit 2, one line, nothing written -----------------------------------------------------
refused() { # refused MESSAGE ARGS...
    local msg=$1
    shift
    run 2 slurm "$@" && [[ ! -s $tmp/out ]] && err_is "$msg"
}
check "more tasks than seeds" refused \
    "gridalign slurm: --array: more tasks than the command's 3 seeds, so at most 3 tasks $hint" \
    batch "${small[@]}" --out x --array 4
check "--array 0" refused "gridalign slurm: --array takes an integer from 1 to 256, not 0 $hint" \
    batch s.json --out x --array 0
check "--array without a number" refused \
    "gridalign slurm: --array takes an integer from 1 to 256, not many $hint" batch s.json --out x --array many
check "a command that cannot be sharded" refused \
    "gridalign slurm: unknown command \"train\": run, batch or sweep $hint" train s.json --out x
check "no command" refused "gridalign slurm: missing COMMAND $hint"
check "the inner command's unknown option, in its words" refused \
    "gridalign batch: unknown option --bogus (see gridalign batch --help)" batch s.json --bogus --out x
check "the inner command's bad value" refused \
    "gridalign run: --episodes takes an integer from 1 to 100000000, not 0 (see gridalign run --help)" run s.json --episodes 0 --out x
check "a scenario that is not there" run 2 slurm batch nothere.json --out x
check "said by batch" has "nothere.json" err
check "the inner --threads" refused \
    "gridalign slurm: --threads: each task is given its shard and its threads (--cpus) $hint" batch s.json --threads 2 --out x
check "the inner --shard" refused \
    "gridalign slurm: --shard: each task is given its shard and its threads (--cpus) $hint" batch s.json --shard=1/2 --out x
check "a time limit Slurm would not read" refused \
    "gridalign slurm: --time takes a time limit such as 90, 4:00:00 or 2-00:00:00, not 3h $hint" batch s.json --time 3h --out x
check "a partition with a space" refused \
    "gridalign slurm: --partition takes a partition name, not a b $hint" batch s.json --partition 'a b' --out x
check "no output directory from the refusals" test ! -e x
check "an argument with a line break" refused \
    "gridalign slurm: an argument holds a line break, which cannot go into an sbatch script $hint" \
    batch s.json --out x --json $'a\nb'
check "an output directory with a backslash" run 2 slurm batch s.json --out 'x\y'
check "is refused, naming it" err_is "gridalign slurm: $work/x\\y: a path with a line break or a backslash cannot go into an sbatch script"
check "--help" run 0 slurm --help
check "its usage" has "^usage: gridalign slurm run|batch|sweep ARGS..."
check "the default tasks" has "number of seeds, at most 16"
ga_tap_end
