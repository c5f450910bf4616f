/* tools/gridalign.c: the `gridalign` command: dispatch to the subcommands in cmd_*.c.
 * Exit codes: 0 success, 1 a failed check or an output error, 2 bad input. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_version.h"

const char *const cli_version = GA_VERSION, *const cli_commit = GA_GIT_COMMIT;

static const char HELP[] =
    "usage: gridalign COMMAND [options]\n"
    "\n"
    "A testbed for goal misgeneralization: trains agents in gridworlds, then measures them on\n"
    "shifted test worlds under every objective a scenario declares.\n"
    "\n"
    "commands:\n"
    "  train SCENARIO        train an agent and write a run directory\n"
    "  eval RUN_DIR          evaluate a trained agent on the training and every test world\n"
    "  run SCENARIO          train and evaluate several seeds; results across seeds\n"
    "  batch [SCENARIO...]   train, evaluate and check every scenario's expectations (CI)\n"
    "  suite [SCENARIO...]   batch's runs as one benchmark table across scenarios (MD, CSV)\n"
    "  bench [SCENARIO]      speed figures: environment, training, evaluation, threads\n"
    "  sweep SCENARIO        goal misgeneralization against training diversity, with a plot\n"
    "  probe RUN_DIR         which perceived features the agent's choices rest on\n"
    "  verify FILE           re-simulate a trajectory file (eval/replay --record), exactly\n"
    "  replay RUN_DIR        watch the agent in a window (keys: pause, step back, worlds),\n"
    "                        or draw its episodes as PNG frames or an animated GIF\n"
    "  play SCENARIO         play a world yourself with the keyboard, scored like an agent\n"
    "  merge DIR...          the reports of run, batch or sweep from their --shard parts\n"
    "  slurm COMMAND ...     run, batch or sweep as a Slurm job array of shards, then merged\n"
    "\n"
    "Run `gridalign COMMAND --help` for a command's options. `gridalign --version` prints\n"
    "the version and the git commit it was built from.\n";

static const struct {
    const char *name;
    int (*fn)(int, char **);
} COMMANDS[] = {
    {"train", cmd_train},   {"eval", cmd_eval},     {"run", cmd_run},     {"batch", cmd_batch},
    {"suite", cmd_suite},   {"bench", cmd_bench},   {"sweep", cmd_sweep}, {"probe", cmd_probe},
    {"verify", cmd_verify}, {"replay", cmd_replay}, {"play", cmd_play},   {"merge", cmd_merge},
    {"slurm", cmd_slurm},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(HELP, stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(HELP, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("gridalign %s (%s)\n", cli_version, cli_commit);
        return 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (!strcmp(cmd, COMMANDS[i].name))
            return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "gridalign: unknown command \"%s\" (see gridalign --help)\n", cmd);
    return EXIT_BAD_INPUT;
}
