/*
 * io.c - the journal's I/O seam. Every write, sync and truncate of journal data goes through an
 * oms_journal_io_t, so that tests can fail the Nth operation and check what survives.
 */
#include "journal_int.h"

#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static ssize_t real_write(void *ctx, int fd, const void *buf, size_t len)
{
    (void)ctx;
    return write(fd, buf, len);
}

static int real_fdatasync(void *ctx, int fd)
{
    (void)ctx;
    return fdatasync(fd);
}

static int real_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd);
}

static int real_ftruncate(void *ctx, int fd, off_t len)
{
    (void)ctx;
    return ftruncate(fd, len);
}

void oms__io_init(oms__io_t *io, const oms_journal_io_t *user)
{
    io->fn.write = user && user->write ? user->write : real_write;
    io->fn.fdatasync = user && user->fdatasync ? user->fdatasync : real_fdatasync;
    io->fn.fsync = user && user->fsync ? user->fsync : real_fsync;
    io->fn.ftruncate = user && user->ftruncate ? user->ftruncate : real_ftruncate;
    io->fn.ctx = user ? user->ctx : NULL;
}

int oms__io_write_all(const oms__io_t *io, int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = io->fn.write(io->fn.ctx, fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0) /* a write that makes no progress would loop forever: treat as disk full */
            return -ENOSPC;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int oms__fsync_dir(const oms__io_t *io, const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return OMS_SET_ERR(-errno, "opening directory %s to sync it: %s", dir, strerror(errno));
    int rc = 0;
    if (io->fn.fsync(io->fn.ctx, fd) != 0)
        rc = OMS_SET_ERR(-errno, "fsync of directory %s: %s", dir, strerror(errno));
    close(fd);
    return rc;
}
