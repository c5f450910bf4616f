/* engine/ga_io.c: file helpers. POSIX rename is atomic within one file system, which is why the
 * temporary lives beside its target rather than in /tmp. */
#include "ga_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ga_io_read_file(const char *path, char **data, size_t *len, GaErr *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ga_err_set(err, GA_EIO, "%s: cannot open: %s", path, strerror(errno));
    /* A directory opens on Linux and then fails to read with EISDIR ("read error"): name it. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return ga_err_set(err, GA_EIO, "%s: is a directory, not a file", path);
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 2) {
            size_t nc = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                fclose(f);
                return ga_err_set(err, GA_ENOMEM, "%s: out of memory reading the file", path);
            }
            buf = nb;
            cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return ga_err_set(err, GA_EIO, "%s: read error", path);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return GA_OK;
}

int ga_io_open(GaOutFile *o, const char *path, GaErr *err)
{
    memset(o, 0, sizeof *o);
    if (strlen(path) >= sizeof o->path)
        return ga_err_set(err, GA_EIO, "%.200s...: path too long", path);
    snprintf(o->path, sizeof o->path, "%s", path);
    /* A unique name: two processes writing one target never share a temporary. */
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            remove(o->tmp);
        }
        o->f = NULL;
        return ga_err_set(err, GA_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp creates 0600; results are ordinary files, readable as the umask allows. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return GA_OK;
}

int ga_io_commit(GaOutFile *o, GaErr *err)
{
    int bad = ferror(o->f);
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad) {
        remove(o->tmp);
        return ga_err_set(err, GA_EIO, "%s: write error", o->path);
    }
    if (rename(o->tmp, o->path) != 0) {
        int e = errno;
        remove(o->tmp);
        return ga_err_set(err, GA_EIO, "%s: cannot rename into place: %s", o->path, strerror(e));
    }
    return GA_OK;
}

void ga_io_abort(GaOutFile *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
        remove(o->tmp);
    }
}

int ga_io_check_writable(const char *path, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc == GA_OK)
        ga_io_abort(&o);
    return rc;
}

int ga_io_write_atomic(const char *path, const void *data, size_t len, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc)
        return rc;
    fwrite(data, 1, len, o.f);
    return ga_io_commit(&o, err);
}

int ga_io_mkdirs(const char *path, GaErr *err)
{
    return ga_io_mkdirs_made(path, NULL, 0, err);
}

int ga_io_mkdirs_made(const char *path, char *made, size_t n, GaErr *err)
{
    char buf[1024];
    if (made)
        made[0] = '\0';
    if (!path[0])
        return ga_err_set(err, GA_EIO, "(empty path): cannot create a directory");
    if (strlen(path) >= sizeof buf)
        return ga_err_set(err, GA_EIO, "%.200s...: path too long", path);
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char keep = *p;
            *p = '\0';
            if (mkdir(buf, 0777) == 0) {
                if (made && !made[0])
                    snprintf(made, n, "%s", buf);
            } else if (errno != EEXIST) {
                return ga_err_set(err, GA_EIO, "%s: cannot create directory: %s", buf,
                                  strerror(errno));
            }
            struct stat st;
            if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
                return ga_err_set(err, GA_EIO, "%s: exists and is not a directory", buf);
            *p = keep;
            if (!keep)
                break;
        }
    }
    return GA_OK;
}

int ga_io_rmdirs(const char *path, const char *made)
{
    size_t stop = strlen(made);
    char dir[1024];
    if (!stop || strlen(path) >= sizeof dir || strncmp(path, made, stop) != 0)
        return 0;
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        /* Gone already counts as removed: two seeds staging into one new parent each note a
         * part of it (one the outer, one the inner directory it won the race to create), and
         * the inner one may be taken back first. */
        if (rmdir(dir) != 0 && errno != ENOENT)
            return 0;
        if (strlen(dir) <= stop)
            return 1;
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < stop)
            return 0;
        *slash = '\0';
    }
}
