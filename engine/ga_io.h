/* engine/ga_io.h: whole-file reads, atomic writes (temporary name, then rename) and directory
 * creation. Output files either appear complete or not at all. */
#ifndef GA_IO_H
#define GA_IO_H

#include <stddef.h>
#include <stdio.h>

#include "ga_err.h"

/* Reads the whole file into a malloc'd buffer (*data, caller frees) of *len bytes, plus a NUL. */
int ga_io_read_file(const char *path, char **data, size_t *len, GaErr *err);

/* Writes len bytes to path through a temporary path.tmp.XXXXXX and rename(2). */
int ga_io_write_atomic(const char *path, const void *data, size_t len, GaErr *err);

/* A file written under a temporary name until ga_io_commit renames it into place. */
typedef struct {
    FILE *f;
    char path[1024];
    char tmp[1050];
} GaOutFile;

int ga_io_open(GaOutFile *o, const char *path, GaErr *err);
/* Closes and renames; returns GA_EIO (and removes the temporary) when any write failed. */
int ga_io_commit(GaOutFile *o, GaErr *err);
/* Closes and removes the temporary. Safe to call on a file that was never opened. */
void ga_io_abort(GaOutFile *o);

/* Whether path can be written (as ga_io_open would): creates and removes its temporary.
 * For commands that would otherwise find out only after long work. */
int ga_io_check_writable(const char *path, GaErr *err);

/* mkdir -p. */
int ga_io_mkdirs(const char *path, GaErr *err);
/* mkdir -p that notes in made (n bytes) the outermost directory it created itself, or "", for
 * ga_io_rmdirs to take back. */
int ga_io_mkdirs_made(const char *path, char *made, size_t n, GaErr *err);
/* Removes path and its parents up to made (ga_io_mkdirs_made's), innermost first, while they
 * are empty (one already gone counts as removed); whether all of them went. Nothing when made
 * is "". */
int ga_io_rmdirs(const char *path, const char *made);

#endif
