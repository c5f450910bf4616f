/* fuzz/fuzz_file.h: for targets whose loader reads a path, not memory: one memfd per process,
 * rewritten with each input (and an optional 8-byte tail) and read back through
 * /proc/self/fd. Include after defining _GNU_SOURCE (memfd_create). */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of the memfd now holding data (size bytes), then tail (8 bytes) when not NULL. */
static const char *fuzz_file(const char *name, const uint8_t *data, size_t size,
                             const uint64_t *tail)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        if ((fd = memfd_create(name, 0)) < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
        (tail && pwrite(fd, tail, 8, (off_t)size) != 8))
        abort();
    return path;
}

#endif
