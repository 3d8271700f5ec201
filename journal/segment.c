/*
 * segment.c - the journal's fixed layouts: segment headers, block headers and their checksums,
 * the record area, segment file names and the index file. journal_int.h has the byte tables.
 *
 * Every decoder here checks before it trusts: magic, reserved fields, lengths and checksums, so a
 * caller can hand it any bytes.
 */
#include "journal_int.h"

#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

void oms__seg_header_encode(uint8_t out[OMS_SEG_HEADER_LEN], const oms__seg_header_t *h)
{
    memset(out, 0, OMS_SEG_HEADER_LEN);
    memcpy(out, OMS_SEG_MAGIC, 8);
    oms__put_u32(out + 8, OMS_SEG_VERSION);
    oms__put_u32(out + 12, OMS_SEG_HEADER_LEN);
    oms__put_u64(out + 16, h->segment_no);
    oms__put_u64(out + 24, h->first_seq);
    oms__put_u64(out + 32, (uint64_t)h->created_ns);
    oms__put_u64(out + 40, h->prev_chain);
    size_t vlen = strnlen(h->engine_version, OMS_ENGINE_VERSION_LEN);
    memcpy(out + 48, h->engine_version, vlen);
    oms__put_u64(out + 120, XXH3_64bits(out, 120));
}

int oms__seg_header_decode(const uint8_t in[OMS_SEG_HEADER_LEN], oms__seg_header_t *h)
{
    if (memcmp(in, OMS_SEG_MAGIC, 8) != 0)
        return OMS_ECORRUPT;
    if (oms__get_u64(in + 120) != XXH3_64bits(in, 120))
        return OMS_ECORRUPT;
    /* The checksum matched, so the version is what the writer meant: one we do not know is a
     * newer format, not damage. */
    h->version = oms__get_u32(in + 8);
    if (h->version != OMS_SEG_VERSION || oms__get_u32(in + 12) != OMS_SEG_HEADER_LEN)
        return OMS_EVERSION;
    if (!oms__all_zero(in + 80, 40))
        return OMS_ECORRUPT;
    h->segment_no = oms__get_u64(in + 16);
    h->first_seq = oms__get_u64(in + 24);
    h->created_ns = (int64_t)oms__get_u64(in + 32);
    h->prev_chain = oms__get_u64(in + 40);
    memcpy(h->engine_version, in + 48, OMS_ENGINE_VERSION_LEN);
    h->engine_version[OMS_ENGINE_VERSION_LEN] = '\0';
    return 0;
}

static void block_header_fields(uint8_t hdr[OMS_BLOCK_HEADER_LEN], const oms__block_header_t *h)
{
    memcpy(hdr, OMS_BLOCK_MAGIC, 4);
    oms__put_u32(hdr + 4, h->flags);
    oms__put_u32(hdr + 8, h->stored_len);
    oms__put_u32(hdr + 12, h->raw_len);
    oms__put_u32(hdr + 16, h->record_count);
    oms__put_u32(hdr + 20, 0);
    oms__put_u64(hdr + 24, h->first_seq);
    oms__put_u64(hdr + 32, (uint64_t)h->first_ts);
    oms__put_u64(hdr + 40, (uint64_t)h->last_ts);
    oms__put_u64(hdr + 48, h->prev_checksum);
}

uint64_t oms__block_checksum(const uint8_t hdr[OMS_BLOCK_HEADER_LEN], const uint8_t *payload,
                             uint32_t stored_len)
{
    /* Seeding the payload hash with the hash of the header's first 64 bytes covers every byte of
     * the block with two plain XXH3-64 calls and no streaming state. */
    return XXH3_64bits_withSeed(payload, stored_len, XXH3_64bits(hdr, 64));
}

void oms__block_header_seal(uint8_t hdr[OMS_BLOCK_HEADER_LEN], oms__block_header_t *h,
                            const uint8_t *payload)
{
    block_header_fields(hdr, h);
    h->header_check = XXH3_64bits(hdr, 56);
    oms__put_u64(hdr + 56, h->header_check);
    h->block_checksum = oms__block_checksum(hdr, payload, h->stored_len);
    oms__put_u64(hdr + 64, h->block_checksum);
}

bool oms__block_header_decode(const uint8_t in[OMS_BLOCK_HEADER_LEN], oms__block_header_t *h)
{
    if (memcmp(in, OMS_BLOCK_MAGIC, 4) != 0)
        return false;
    if (oms__get_u64(in + 56) != XXH3_64bits(in, 56))
        return false;
    if (oms__get_u32(in + 20) != 0)
        return false;
    h->flags = oms__get_u32(in + 4);
    h->stored_len = oms__get_u32(in + 8);
    h->raw_len = oms__get_u32(in + 12);
    h->record_count = oms__get_u32(in + 16);
    h->first_seq = oms__get_u64(in + 24);
    h->first_ts = (int64_t)oms__get_u64(in + 32);
    h->last_ts = (int64_t)oms__get_u64(in + 40);
    h->prev_checksum = oms__get_u64(in + 48);
    h->header_check = oms__get_u64(in + 56);
    h->block_checksum = oms__get_u64(in + 64);
    if ((h->flags & ~OMS_BLOCK_FLAG_LZ4) != 0 || h->record_count == 0 || h->first_ts > h->last_ts)
        return false;
    if (h->raw_len > OMS_MAX_BLOCK_TARGET + OMS_RECORD_HEADER_LEN + OMS_JOURNAL_MAX_RECORD)
        return false;
    if (h->raw_len < (uint64_t)h->record_count * OMS_RECORD_HEADER_LEN)
        return false;
    if (!(h->flags & OMS_BLOCK_FLAG_LZ4) && h->stored_len != h->raw_len)
        return false;
    if ((h->flags & OMS_BLOCK_FLAG_LZ4) && h->stored_len > (uint32_t)LZ4_compressBound((int)h->raw_len))
        return false;
    return true;
}

int oms__block_unpack(const oms__block_header_t *h, const uint8_t *payload, uint8_t *raw,
                      uint32_t raw_cap)
{
    if (h->raw_len > raw_cap)
        return OMS_CORRUPT("block raw length %u exceeds the largest block", h->raw_len);
    if (!(h->flags & OMS_BLOCK_FLAG_LZ4)) {
        memcpy(raw, payload, h->raw_len);
        return 0;
    }
    int n = LZ4_decompress_safe((const char *)payload, (char *)raw, (int)h->stored_len, (int)h->raw_len);
    if (n < 0 || (uint32_t)n != h->raw_len)
        return OMS_CORRUPT("LZ4 payload does not decompress to %u bytes", h->raw_len);
    return 0;
}

int oms__records_check(const uint8_t *raw, uint32_t raw_len, const oms__block_header_t *h)
{
    uint32_t off = 0;
    int64_t prev_ts = h->first_ts;
    for (uint32_t i = 0; i < h->record_count; i++) {
        if (raw_len - off < OMS_RECORD_HEADER_LEN)
            return OMS_CORRUPT("record %u of %u: frame runs past the block", i + 1, h->record_count);
        uint32_t len = oms__get_u32(raw + off);
        int64_t ts = (int64_t)oms__get_u64(raw + off + 8);
        if (oms__get_u16(raw + off + 6) != 0)
            return OMS_CORRUPT("record %u: reserved field is not zero", i + 1);
        if (len > OMS_JOURNAL_MAX_RECORD || len > raw_len - off - OMS_RECORD_HEADER_LEN)
            return OMS_CORRUPT("record %u: length %u runs past the block", i + 1, len);
        if (ts < prev_ts || ts > h->last_ts)
            return OMS_CORRUPT("record %u: timestamp %lld out of order", i + 1, (long long)ts);
        if (i == 0 && ts != h->first_ts)
            return OMS_CORRUPT("first record's timestamp differs from the block header");
        prev_ts = ts;
        off += OMS_RECORD_HEADER_LEN + len;
    }
    if (off != raw_len)
        return OMS_CORRUPT("%u bytes after the last record of the block", raw_len - off);
    if (prev_ts != h->last_ts)
        return OMS_CORRUPT("last record's timestamp differs from the block header");
    return 0;
}

bool oms__all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return false;
    return true;
}

void oms__segment_name(char *out, size_t cap, uint64_t segment_no)
{
    snprintf(out, cap, "%06llu%s", (unsigned long long)segment_no, OMS_SEGMENT_SUFFIX);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int oms__list_segments(const char *dir, uint64_t **out, uint32_t *count)
{
    *out = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return OMS_SET_ERR(-errno, "opening journal directory %s: %s", dir, strerror(errno));
    uint64_t *v = NULL;
    uint32_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        size_t len = strlen(name);
        size_t slen = strlen(OMS_SEGMENT_SUFFIX);
        if (len <= slen || strcmp(name + len - slen, OMS_SEGMENT_SUFFIX) != 0)
            continue;
        uint64_t no = 0;
        size_t i = 0;
        for (; i < len - slen; i++) {
            if (name[i] < '0' || name[i] > '9' || no > UINT64_MAX / 10 - 9)
                break;
            no = no * 10 + (uint64_t)(name[i] - '0');
        }
        if (i != len - slen || no == 0)
            continue; /* not one of ours: *.oms files with other names are left alone */
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            uint64_t *nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                rc = OMS_SET_ERR(-ENOMEM, "listing %s: out of memory", dir);
                break;
            }
            v = nv;
        }
        v[n++] = no;
    }
    closedir(d);
    if (rc) {
        free(v);
        return rc;
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_u64);
    for (uint32_t i = 0; i < n; i++) {
        if (v[i] != (uint64_t)i + 1) {
            char want[32];
            oms__segment_name(want, sizeof want, (uint64_t)i + 1);
            rc = OMS_SET_ERR(OMS_EGAP, "journal %s: segment %s is missing (segments must be numbered from 1 without gaps)",
                             dir, want);
            free(v);
            return rc;
        }
    }
    *out = v;
    *count = n;
    return 0;
}

void oms__index_entry_encode(uint8_t out[OMS_INDEX_ENTRY_LEN], const oms__index_entry_t *e)
{
    oms__put_u32(out, e->segment_no);
    oms__put_u32(out + 4, 0);
    oms__put_u64(out + 8, e->offset);
    oms__put_u64(out + 16, e->first_seq);
    oms__put_u64(out + 24, (uint64_t)e->first_ts);
    oms__put_u64(out + 32, e->block_checksum);
}

static void index_header(uint8_t out[OMS_INDEX_HEADER_LEN])
{
    memset(out, 0, OMS_INDEX_HEADER_LEN);
    memcpy(out, OMS_INDEX_MAGIC, 8);
    oms__put_u32(out + 8, 1);
    oms__put_u32(out + 12, OMS_INDEX_ENTRY_LEN);
}

int oms__index_write(const char *dir, const oms__index_entry_t *e, size_t n)
{
    /* The index is derived data: written to a temporary name and renamed so a reader never sees a
     * half-written one, and never synced (a lost index is rebuilt from the segments). */
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, OMS_INDEX_FILE);
    snprintf(path, sizeof path, "%s/%s", dir, OMS_INDEX_FILE);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    uint8_t buf[OMS_INDEX_HEADER_LEN + 256 * OMS_INDEX_ENTRY_LEN];
    index_header(buf);
    size_t used = OMS_INDEX_HEADER_LEN;
    int rc = 0;
    for (size_t i = 0; i <= n && rc == 0; i++) {
        if (i == n || used + OMS_INDEX_ENTRY_LEN > sizeof buf) {
            size_t off = 0;
            while (off < used) {
                ssize_t w = write(fd, buf + off, used - off);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0) {
                    rc = w < 0 ? -errno : -ENOSPC;
                    break;
                }
                off += (size_t)w;
            }
            used = 0;
        }
        if (i < n) {
            oms__index_entry_encode(buf + used, &e[i]);
            used += OMS_INDEX_ENTRY_LEN;
        }
    }
    close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int oms__index_read(const char *dir, oms__index_entry_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, OMS_INDEX_FILE);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    int rc = 0;
    uint8_t *buf = NULL;
    oms__index_entry_t *e = NULL;
    if (fstat(fd, &st) != 0) {
        rc = -errno;
        goto cleanup;
    }
    if (st.st_size < (off_t)OMS_INDEX_HEADER_LEN || st.st_size > (off_t)1 << 34) {
        rc = OMS_ECORRUPT;
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size);
    if (!buf) {
        rc = -ENOMEM;
        goto cleanup;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    uint8_t want[OMS_INDEX_HEADER_LEN];
    index_header(want);
    if (got < OMS_INDEX_HEADER_LEN || memcmp(buf, want, OMS_INDEX_HEADER_LEN) != 0) {
        rc = OMS_ECORRUPT;
        goto cleanup;
    }
    /* A partial last entry (an interrupted append) is ignored: the scan past the index finds it. */
    size_t count = (got - OMS_INDEX_HEADER_LEN) / OMS_INDEX_ENTRY_LEN;
    e = malloc((count ? count : 1) * sizeof *e);
    if (!e) {
        rc = -ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < count; i++) {
        const uint8_t *p = buf + OMS_INDEX_HEADER_LEN + i * OMS_INDEX_ENTRY_LEN;
        e[i].segment_no = oms__get_u32(p);
        e[i].offset = oms__get_u64(p + 8);
        e[i].first_seq = oms__get_u64(p + 16);
        e[i].first_ts = (int64_t)oms__get_u64(p + 24);
        e[i].block_checksum = oms__get_u64(p + 32);
    }
    *out = e;
    *n = count;
    e = NULL;
cleanup:
    free(e);
    free(buf);
    close(fd);
    return rc;
}
