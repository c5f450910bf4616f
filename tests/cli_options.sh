#!/usr/bin/env bash
# tests/cli_options.sh GRIDALIGN: the option tables as a user meets them. Every command's help
# lists exactly its options and the command reads each one; a flag several commands share is
# refused with the same one line, limits included, in each; --name=VALUE and a missing value;
# --envs in eval and sweep; replay's --eval-seed and its older name --seed. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/tap.sh"
ga_tap_init cli_options "$1"
root=$PWD
# refused CMD MESSAGE ARGS...: exit 2, nothing on stdout, and exactly the line
# "gridalign CMD: MESSAGE (see gridalign CMD --help)" on stderr
refused() {
    local c=$1 msg=$2
    shift 2
    run 2 "$c" "$@" && [[ ! -s $tmp/out ]] && err_is "gridalign $c: $msg (see gridalign $c --help)"
}

# Each command's options, as its table declares them (and so as its help lists them).
declare -A opts=(
    [train]="--agent --seed --steps --out --param --dial --diversity --eval-episodes --eval-seed --base --quiet"
    [eval]="--episodes --envs --json --episodes-out --eval-seed --reference --record --scenario --threads --help-threshold --fallback --request-cost --no-help"
    [run]="--seeds --first-seed --agent --steps --param --dial --diversity --episodes --eval-seed --reference --threads --out --json --shard --quiet"
    [batch]="--seeds --first-seed --steps --episodes --eval-seed --reference --threads --out --junit --json --shard --quiet"
    [suite]="--seeds --first-seed --steps --episodes --eval-seed --reference --threads --out --md --csv --json --quiet"
    [bench]="--seconds --reps --batch --json"
    [sweep]="--diversity --seeds --agent --steps --param --dial --envs --episodes --threads --out --shard --quiet --help-threshold --fallback --request-cost"
    [probe]="--swap --episodes --eval-seed --json"
    [verify]="--run --scenario"
    [replay]="--env --compare --episodes --eval-seed --seed --values --novelty --paused --record --png --gif --tile --delay --trajectory --scenario --shots --frames"
    [play]="--env --eval-seed --seed --episodes --tile --record --shots --frames"
    [merge]=""
)
# the options a help lists, in its order: lines "  --name ..." before the line of -h, --help
listed() { sed -n 's/^  \(--[a-z-]*\).*/\1/p' "$tmp/out" | tr '\n' ' ' | sed 's/ $//'; }
lists() { [[ $(listed) == "$1" ]] || { echo "# listed: $(listed)"; return 1; }; }
# Every option the help lists is one the command reads: with an empty value it is refused for
# that value, never as an unknown option.
reads_all() {
    local c=$1 o
    for o in $(listed); do
        "$bin" "$c" "$o=" >/dev/null 2>"$tmp/e1"
        [[ $? -eq 2 && $(wc -l <"$tmp/e1") -eq 1 ]] && grep -q "^gridalign $c: $o \(needs\|takes\)" "$tmp/e1" ||
            { echo "# $c $o=: $(cat "$tmp/e1")"; return 1; }
    done
}
for c in train eval run batch suite bench sweep probe verify replay play merge; do
    check "$c --help exits 0" run 0 "$c" --help
    check "$c --help lists its options, in order" lists "${opts[$c]}"
    check "$c reads every option its help lists" reads_all "$c"
    check "$c --help ends its options with -h, --help" grep -q '^  -h, --help  *this help$' "$tmp/out"
    cp "$tmp/out" "$tmp/help"
    check "$c -h is the same help" run 0 "$c" -h
    check "$c -h prints what --help prints" cmp -s "$tmp/out" "$tmp/help"
    check "$c: an unknown option" refused "$c" "unknown option --bogus" --bogus
done

# A shared flag's bad value: the same line in every command that takes it, limits included.
same() { # same "ARGS" "MESSAGE" CMD...
    local args=$1 msg=$2 c
    shift 2
    for c in "$@"; do
        # shellcheck disable=SC2086 # ARGS are words on purpose
        check "$c $args: $msg" refused "$c" "$msg" $args
    done
}
all_episodes="eval run batch suite sweep probe replay play"
same "--episodes 0" "--episodes takes an integer from 1 to 100000000, not 0" $all_episodes
same "--episodes 100000001" "--episodes takes an integer from 1 to 100000000, not 100000001" $all_episodes
same "--episodes=1e9" "--episodes takes an integer from 1 to 100000000, not 1e9" $all_episodes
same "--episodes=1.5" "--episodes takes an integer from 1 to 100000000, not 1.5" $all_episodes
same "--seed minus1" "--seed takes an integer from 0 to 2^63-1, not minus1" train replay play
same "--seed 9223372036854775808" "--seed takes an integer from 0 to 2^63-1, not 9223372036854775808" train replay play
same "--eval-seed -1" "--eval-seed takes an integer from 0 to 2^63-1, not -1" train eval run batch suite probe replay play
same "--threads 0" "--threads takes an integer from 1 to 256, not 0" eval run batch suite sweep
same "--threads 257" "--threads takes an integer from 1 to 256, not 257" eval run batch suite sweep
same "--steps 0" "--steps takes an integer from 1 to 2^40, not 0" train run batch suite sweep
same "--steps 1099511627777" "--steps takes an integer from 1 to 2^40, not 1099511627777" train run batch suite sweep
same "--seeds 1025" "--seeds takes an integer from 1 to 1024, not 1025" run batch suite sweep
same "--first-seed -1" "--first-seed takes an integer from 0 to 2^62-1, not -1" run batch suite
same "--reference 1025" "--reference takes an integer from 0 to 1024, not 1025" eval run batch suite
same "--tile 65" "--tile takes an integer from 8 to 64, not 65" replay play
same "--frames 0" "--frames takes an integer from 1 to 2^31-1, not 0" replay play
same "--agent nope" "--agent: unknown agent \"nope\" (known: qlearn, dqn, sarsa, safe_sarsa, quantilizer, delta_quantilizer, aup)" train run sweep
same "--agent=" "--agent needs a learner name" train run sweep
same "--param gamma" "--param gamma: expected NAME=VALUE" train run sweep
same "--param gamma=fast" "--param gamma=fast: \"fast\" is not a number" train run sweep
same "--diversity 1.5" "--diversity takes a share from 0 to 1, not 1.5" train run
same "--quiet=1" "--quiet takes no value" train run batch suite sweep
same "--out=" "--out needs a directory" train run batch suite sweep
same "--json=" "--json needs a file" eval run batch suite bench probe
same "--envs=," "--envs needs world names A,B" eval sweep
same "--envs= " "--envs needs world names A,B" eval sweep
same "--scenario=" "--scenario needs a file" eval verify replay
same "--record=" "--record needs a file" eval replay play
same "--shots=" "--shots needs a directory" replay play
same "--env=" "--env needs a world name" replay play

# The upper limit of --episodes is accepted everywhere: the next flag is the one refused.
for c in $all_episodes; do
    check "$c takes --episodes 100000000" refused "$c" "unknown option --bogus" --episodes 100000000 --bogus
done
# A value that starts with '-' is the value (a bad one here), not a missing value.
check "--seed -1 is a bad seed" refused train "--seed takes an integer from 0 to 2^63-1, not -1" x.json --seed -1

# A missing value: the flag is the last argument.
check "train --seed without a value" refused train "--seed needs an integer from 0 to 2^63-1" x.json --seed
check "eval --episodes without a value" refused eval "--episodes needs an integer from 1 to 100000000" r --episodes
check "run --agent without a value" refused run "--agent needs a learner name" x.json --agent
check "batch --junit without a value" refused batch "--junit needs a file" --junit
check "suite --md without a value" refused suite "--md needs a file" --md
check "suite --csv without a value" refused suite "--csv needs a file" --csv
check "bench --seconds without a value" refused bench "--seconds needs a number above 0, up to 600" --seconds
check "bench --seconds 0" refused bench "--seconds takes a number above 0, up to 600, not 0" --seconds 0
check "sweep --envs without a value" refused sweep "--envs needs world names A,B" x.json --envs
check "probe --swap without a value" refused probe "--swap needs KIND.ATTR=VALUE" r --swap
check "verify --run without a value" refused verify "--run needs a directory" t.jsonl --run
check "replay --eval-seed without a value" refused replay "--eval-seed needs an integer from 0 to 2^63-1" r --eval-seed
check "play --seed without a value" refused play "--seed needs an integer from 0 to 2^63-1" x.json --seed
check "replay --compare without a value" refused replay "--compare needs two worlds A,B" r --compare

# Positional arguments.
check "train without its scenario" refused train "missing SCENARIO"
check "eval without its run" refused eval "missing RUN_DIR"
check "verify without its file" refused verify "missing FILE"
check "train with two scenarios" refused train "unexpected argument b.json" a.json b.json
check "bench with two scenarios" refused bench "unexpected argument b.json" a.json b.json
check "batch with 65 scenarios" refused batch "too many SCENARIO arguments, at most 64 (at s65.json)" $(printf 's%d.json ' {1..65})
check "suite with 65 scenarios" refused suite "too many SCENARIO arguments, at most 64 (at s65.json)" $(printf 's%d.json ' {1..65})
check "probe with 33 swaps" refused probe "too many --swap flags, at most 32 (at k.shape=33)" r $(printf -- '--swap k.shape=%d ' {1..33})
check "train with 17 --param flags" refused train "too many --param flags, at most 16 (at p17=1)" x.json $(printf -- '--param p%d=1 ' {1..17})
check "replay --compare with one world" refused replay "--compare takes two worlds A,B, not train" r --compare train

# --envs: one meaning in eval and sweep, the worlds looked up after the scenario is loaded.
cd "$tmp" || exit 1
cp "$root/tests/data/cli_tiny.json" tiny.json
check "train a tiny run" run 0 train tiny.json --steps 3000 --out r --quiet
for c in eval sweep; do
    target=r
    [[ $c == sweep ]] && target=tiny.json
    check "$c --envs with a repeated world exits 2" run 2 $c $target --envs decoys,decoys
    check "$c names the repeated world and lists the worlds" err_is "gridalign $c: --envs: repeated world \"decoys\" (worlds: train decoys)"
    check "$c --envs trims the spaces around a name" run 2 $c $target --envs " decoys , decoys "
    check "$c: the trimmed name is the repeated one" err_is "gridalign $c: --envs: repeated world \"decoys\" (worlds: train decoys)"
    check "$c --envs with an unknown world exits 2" run 2 $c $target --envs decoys,nowhere
    check "$c names the unknown world" err_is "gridalign $c: --envs: unknown world \"nowhere\" (worlds: train decoys)"
    check "$c wrote nothing" test ! -e "runs"
done
check "eval --envs with spaces evaluates those worlds" run 0 eval r --envs " decoys , train" --episodes 20 --json spaced.json
check "eval --envs decoys,train" run 0 eval r --envs decoys,train --episodes 20 --json plain.json
check "the spaces change nothing" cmp -s spaced.json plain.json

# --name=VALUE reads as --name VALUE.
check "eval with --name=VALUE" run 0 eval r --episodes=20 --envs=decoys,train --json=eq.json --threads=1 --eval-seed=3
check "eval with --name VALUE" run 0 eval r --episodes 20 --envs decoys,train --json eq2.json --threads 1 --eval-seed 3
check "the same evaluation" cmp -s eq.json eq2.json
check "and the eval seed took effect" bash -c "! cmp -s eq.json plain.json"

# replay and play: --eval-seed is eval's evaluation seed; --seed is its older name.
check "replay --eval-seed 7" run 0 replay r --env decoys --episodes 3 --gif es.gif --tile 8 --eval-seed 7 --record es.jsonl
check "replay --seed 7" run 0 replay r --env decoys --episodes 3 --gif s.gif --tile 8 --seed 7 --record s.jsonl
check "replay with the default seed" run 0 replay r --env decoys --episodes 3 --gif s0.gif --tile 8
check "--seed and --eval-seed draw the same frames" cmp -s es.gif s.gif
check "and record the same episodes" cmp -s es.jsonl s.jsonl
check "which another seed does not" bash -c "! cmp -s es.gif s0.gif"
check "eval --eval-seed 7 records them too" run 0 eval r --envs decoys --episodes 3 --eval-seed 7 --record ev.jsonl --json x.json
check "replay's episodes are eval's" cmp -s es.jsonl ev.jsonl
check "the last of the two flags counts" run 0 replay r --env decoys --episodes 3 --gif last.gif --tile 8 --eval-seed 0 --seed 7
check "--eval-seed 0 --seed 7 is seed 7" cmp -s last.gif es.gif
export SDL_VIDEODRIVER=dummy
check "play --eval-seed runs" run 0 play tiny.json --eval-seed 7 --frames 5
check "play --seed runs" run 0 play tiny.json --seed 7 --frames 5
unset SDL_VIDEODRIVER

ga_tap_end
