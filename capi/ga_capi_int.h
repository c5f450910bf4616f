/* capi/ga_capi_int.h: what the C interface's own files share and callers never see. */
#ifndef GA_CAPI_INT_H
#define GA_CAPI_INT_H

#include <stddef.h>

/* Writes one line into err (errlen bytes, when there is room) and returns NULL, so that a
 * failing call can `return ga_capi_fail(err, errlen, ...)` whatever pointer it returns. */
void *ga_capi_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
