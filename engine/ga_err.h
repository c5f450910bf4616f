/* engine/ga_err.h: status codes and the one-line error message that travels with them.
 * Library code never prints; it fills a caller-supplied GaErr and returns a negative code.
 * Only tools/ turns a GaErr into output and an exit status. */
#ifndef GA_ERR_H
#define GA_ERR_H

enum {
    GA_OK = 0,
    GA_EIO = -1,       /* a file could not be read or written */
    GA_EPARSE = -2,    /* malformed or invalid scenario JSON */
    GA_EINVAL = -3,    /* a bad argument from the user (flag value, parameter name) */
    GA_ENOMEM = -4,    /* an up-front allocation failed */
    GA_EFORMAT = -5,   /* an agent file that is corrupt, truncated or of another version */
    GA_ESTOP = -6,     /* stopped at the caller's request (a signal): outputs left as they were */
    GA_EDIVERGED = -7, /* training made the learner's values NaN or infinite: a failed run */
};

typedef struct {
    int code;
    char msg[512];
} GaErr;

/* Formats msg into err (when err is not NULL) and returns code, so callers can write
 * `return ga_err_set(err, GA_EPARSE, "%s: $.x: ...", path);`. */
int ga_err_set(GaErr *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
