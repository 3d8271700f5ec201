/*
 * identity.c - a journal's identity: the hash of its first segment header and of its first block's
 * header (docs/journal-format.md sections 2 and 3). The segment header holds the creation time and
 * the writing engine's version; the block header holds the checksum of the journal's first block,
 * so of its first records. Both are written once and never change, so a journal that grows keeps
 * its identity, while two journals that merely look alike (two days created at the same simulated
 * time, a re-import) do not share one.
 */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SEGMENT_HEADER 128
#define BLOCK_HEADER 72
#define VERSION_OFF 48
#define VERSION_LEN 32

int oms_replay_identity(const char *dir, oms_report_identity_t *id)
{
    memset(id, 0, sizeof *id);
    char path[4200];
    snprintf(path, sizeof path, "%s/000001.oms", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return OMS_SET_ERR(errno == ENOENT ? OMS_ENOTFOUND : -errno, "%s holds no journal (%s: %s)",
                           dir, path, strerror(errno));
    uint8_t h[SEGMENT_HEADER + BLOCK_HEADER];
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n < SEGMENT_HEADER || memcmp(h, "OMSJRNL1", 8) != 0)
        return OMS_CORRUPT("%s: not a journal segment header", path);
    /* a journal without a block yet is known by its header alone */
    snprintf(id->journal_id, sizeof id->journal_id, "%016llx",
             (unsigned long long)oms_hash64(h, n == sizeof h ? sizeof h : SEGMENT_HEADER, 0));
    memcpy(id->journal_engine_version, h + VERSION_OFF, VERSION_LEN);
    id->journal_engine_version[VERSION_LEN] = '\0';
    oms_journal_reader_t *r = NULL;
    int rc = oms_journal_reader_open(&r, dir);
    if (rc)
        return rc;
    oms_journal_bounds_t b;
    rc = oms_journal_reader_bounds(r, &b);
    oms_journal_reader_close(r);
    if (rc)
        return rc;
    id->journal_last_seq = b.last_seq;
    return 0;
}
