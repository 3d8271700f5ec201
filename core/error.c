/*
 * error.c - error codes and the per-thread error trail.
 *
 * The trail is diagnostics, not state: nothing in a decision reads it. It is the one place in
 * core/ that includes <stdio.h>, for vsnprintf, which formats into memory and does no I/O.
 */
#include "core.h"

#include <stdarg.h>
#include <stdio.h> /* vsnprintf only: formatting into a buffer, not I/O */
#include <string.h>

#define OMS_ERRMSG_MAX 1024

static _Thread_local char err_msg[OMS_ERRMSG_MAX];
static _Thread_local int err_corrupt_line;

const char *oms_strerror(int code)
{
    switch (code) {
    case 0: return "success";
    case OMS_ECORRUPT: return "corrupt data";
    case OMS_ETRUNCATED: return "torn tail (data ends inside a unit being written)";
    case OMS_EVERSION: return "unknown format version";
    case OMS_EFULL: return "queue or buffer full";
    case OMS_EPOISONED: return "handle poisoned by an earlier write or sync failure";
    case OMS_EOVERFLOW: return "fixed-point overflow";
    case OMS_ENOTFOUND: return "not found";
    case OMS_EGAP: return "sequence gap";
    default: break;
    }
    if (code < 0 && code > -1000)
        return strerror(-code);
    return "unknown error";
}

const char *oms_errmsg(void)
{
    return err_msg[0] ? err_msg : "no error recorded";
}

int oms_corrupt_line(void)
{
    return err_corrupt_line;
}

void oms__err_clear(void)
{
    err_msg[0] = '\0';
    err_corrupt_line = 0;
}

int oms__err_set(int code, const char *file, int line, const char *fmt, ...)
{
    (void)file;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_msg, sizeof err_msg, fmt, ap);
    va_end(ap);
    if (code == OMS_ECORRUPT)
        err_corrupt_line = line;
    return code;
}

int oms__err_context(int code, const char *fmt, ...)
{
    char prefix[OMS_ERRMSG_MAX];
    char old[OMS_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return code;
    memcpy(old, err_msg, sizeof old);
    /* prefix + ": " + the old message, cut at the buffer's end */
    const char *parts[3] = {prefix, ": ", old[0] ? old : oms_strerror(code)};
    size_t used = 0;
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(parts[i]);
        if (len > sizeof err_msg - 1 - used)
            len = sizeof err_msg - 1 - used;
        memcpy(err_msg + used, parts[i], len);
        used += len;
    }
    err_msg[used] = '\0';
    return code;
}

const char *oms_version(void)
{
    return OMS_VERSION_STRING;
}
