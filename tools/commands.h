/* tools/commands.h: the gridalign subcommands, each in its own cmd_<name>.c. Each takes the
 * arguments after `gridalign` (argv[0] is the command name) and returns the exit status. */
#ifndef GA_COMMANDS_H
#define GA_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_suite(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_play(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_slurm(int argc, char **argv);

/* run, batch and sweep as a shard, merge or slurm's check asks (tools/shard.h); NULL: as the
 * command line says. */
struct CliShard;
int cmd_run_as(int argc, char **argv, struct CliShard *sh);
int cmd_batch_as(int argc, char **argv, struct CliShard *sh);
int cmd_sweep_as(int argc, char **argv, struct CliShard *sh);

#endif
