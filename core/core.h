/*
 * core.h - the public interface of oms_core: error codes and the error trail shared by every
 * library, the engine version, and (see the sections below) the deterministic state machine.
 *
 * core/ is pure: no I/O, no clock, no randomness, no floating point in state or decisions. It
 * depends on libc alone, and every other library depends on it.
 */
#ifndef OMS_CORE_H
#define OMS_CORE_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------------------
 * Errors
 *
 * Functions return int: 0 on success, a negative code on failure. Codes from the C library are
 * returned as -errno; our own codes live in a band apart (below -1000) so the two never collide.
 * The place where an error starts records what and where with OMS_SET_ERR; callers add context on
 * the way up with OMS_ADD_CONTEXT, so oms_errmsg() reads like
 *   "opening journal /j: segment 000012.oms, offset 81920: block checksum mismatch (seq 10..20)".
 * The trail is per thread.
 * ------------------------------------------------------------------------------------------- */
enum {
    OMS_ECORRUPT   = -1001, /* data on disk or in a buffer fails a check: checksum, chain, framing */
    OMS_ETRUNCATED = -1002, /* a torn tail: the data ends inside a unit that was being written */
    OMS_EVERSION   = -1003, /* a format version this build does not know */
    OMS_EFULL      = -1004, /* a bounded queue or buffer is full */
    OMS_EPOISONED  = -1005, /* a handle refuses work after a failed write or sync; reopen it */
    OMS_EOVERFLOW  = -1006, /* a fixed-point computation would overflow */
    OMS_ENOTFOUND  = -1007, /* the thing asked for does not exist (a sequence number, a key) */
    OMS_EGAP       = -1008, /* sequence numbers are not dense */
};

/* The name of a code: ours, or strerror's text for -errno. Never NULL. */
const char *oms_strerror(int code);

/* The current thread's error message: the latest OMS_SET_ERR with the context added since. */
const char *oms_errmsg(void);

/* The source line of the latest corruption report (0 when none): one breakpoint catches them all. */
int oms_corrupt_line(void);

int oms__err_set(int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int oms__err_context(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oms__err_clear(void);

/* Record an error where it starts; evaluates to code, so `return OMS_SET_ERR(...)` works. */
#define OMS_SET_ERR(code, ...) oms__err_set((code), __FILE__, __LINE__, __VA_ARGS__)
/* Prefix the current message with context ("opening %s: ..."); evaluates to code. */
#define OMS_ADD_CONTEXT(code, ...) oms__err_context((code), __VA_ARGS__)
/* Every corruption report goes through here (SQLite's SQLITE_CORRUPT_BKPT). */
#define OMS_CORRUPT(...) oms__err_set(OMS_ECORRUPT, __FILE__, __LINE__, __VA_ARGS__)

/* ---------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------- */

/* The engine's version string ("0.1.0"), recorded in every journal segment header. */
const char *oms_version(void);

#endif /* OMS_CORE_H */
