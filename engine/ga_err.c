/* engine/ga_err.c: formatting of GaErr messages. Truncates over-long messages rather than
 * failing, since an error path must not itself fail. */
#include "ga_err.h"

#include <stdarg.h>
#include <stdio.h>

int ga_err_set(GaErr *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}
