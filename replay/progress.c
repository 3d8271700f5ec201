/*
 * progress.c - a progress bar for long replays: "[#####.....] 1234567/10000000 events
 * 2.1M events/s 4s left" on stderr, redrawn at most five times a second.
 *
 * Invariant: nothing at all is written unless stderr is a terminal, so a pipe, a log file or a
 * test's captured output never holds control characters or timing-dependent text.
 */
#include "replay.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_NS 200000000LL

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void oms_progress_init(oms_progress_t *p, const char *label)
{
    p->tty = isatty(STDERR_FILENO) == 1;
    p->label = label;
    p->start_ns = now_ns();
    p->last_draw_ns = 0;
    p->first = 0;
    p->drawn = false;
    p->started = false;
}

void oms_progress_update(void *ctx, uint64_t done, uint64_t total)
{
    oms_progress_t *p = ctx;
    if (!p->tty || total == 0)
        return;
    int64_t t = now_ns();
    if (!p->started) {
        p->started = true;
        p->first = done;
        p->start_ns = t;
    }
    if (done < total && p->drawn && t - p->last_draw_ns < REDRAW_NS)
        return;
    p->last_draw_ns = t;
    double secs = (double)(t - p->start_ns) / 1e9;
    double rate = secs > 0 ? (double)(done - p->first) / secs : 0;
    double left = rate > 0 && total > done ? (double)(total - done) / rate : 0;
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    int filled = (int)((double)WIDTH * (double)(done > total ? total : done) / (double)total);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    const char *unit = rate >= 1e6 ? "M" : rate >= 1e3 ? "k" : "";
    double shown = rate >= 1e6 ? rate / 1e6 : rate >= 1e3 ? rate / 1e3 : rate;
    fprintf(stderr, "\r%s [%s] %llu/%llu  %.1f%s events/s  %.0fs left \033[K", p->label, bar,
            (unsigned long long)done, (unsigned long long)total, shown, unit, left);
    fflush(stderr);
    p->drawn = true;
}

void oms_progress_end(oms_progress_t *p)
{
    if (p->tty && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = false;
}
