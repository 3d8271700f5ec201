/*
 * decimal.c - fixed-point decimals (int64 at 10^-8) and UTC timestamps, to and from text.
 *
 * Invariants: no floating point; every product goes through a 128-bit intermediate and is rounded
 * once, half away from zero; any result outside int64 is OMS_EOVERFLOW, never a wrapped value.
 * Text forms are exact in both directions: format(parse(s)) gives the canonical form of s, and
 * parse(format(v)) == v for every v.
 */
#include "core.h"
#include "core_int.h"

#include <errno.h>
#include <string.h>

#define I64_MAX_128 ((oms_i128)INT64_MAX)
#define I64_MIN_128 ((oms_i128)INT64_MIN)

oms_i128 oms__div_round(oms_i128 n, oms_i128 d)
{
    oms_i128 q = n / d, r = n % d;
    oms_i128 ar = r < 0 ? -r : r, ad = d < 0 ? -d : d;
    /* ar < ad, so 2 * ar cannot overflow for the divisors we use (|d| < 2^64). */
    if (2 * ar >= ad)
        q += ((n < 0) != (d < 0)) ? -1 : 1;
    return q;
}

/*
 * round(n / 10^8), half away from zero: the division every product at scale 10^-8 ends with.
 * Exact, and without a 128-bit division call: |n| = hi * 2^64 + lo is divided in three steps of
 * 64-bit divisions by the constant 10^8 (< 2^27), each dividend below 2^59, which compilers turn
 * into multiplications.
 */
oms_i128 oms__div_scale_round(oms_i128 n)
{
    const uint64_t d = (uint64_t)OMS_DEC_SCALE;
    unsigned __int128 u =
        n < 0 ? (unsigned __int128)0 - (unsigned __int128)n : (unsigned __int128)n;
    uint64_t hi = (uint64_t)(u >> 64), lo = (uint64_t)u;
    uint64_t qh = hi / d, r = hi % d;
    uint64_t t1 = (r << 32) | (lo >> 32);
    uint64_t q1 = t1 / d;
    r = t1 % d;
    uint64_t t2 = (r << 32) | (lo & 0xffffffffu);
    uint64_t q2 = t2 / d;
    r = t2 % d;
    unsigned __int128 q = ((unsigned __int128)qh << 64) + ((unsigned __int128)q1 << 32) + q2;
    if (2 * r >= d)
        q++;
    return n < 0 ? -(oms_i128)q : (oms_i128)q;
}

int oms__i128_to_i64(oms_i128 v, int64_t *out)
{
    if (v > I64_MAX_128 || v < I64_MIN_128)
        return OMS_EOVERFLOW;
    *out = (int64_t)v;
    return 0;
}

int oms_dec_mul(int64_t a, int64_t b, int64_t *out)
{
    return oms__i128_to_i64(oms__div_scale_round((oms_i128)a * b), out);
}

int oms_dec_div(int64_t a, int64_t b, int64_t *out)
{
    if (b == 0)
        return -EDOM;
    return oms__i128_to_i64(oms__div_round((oms_i128)a * OMS_DEC_SCALE, b), out);
}

int oms__mul_i128_dec(oms_i128 a, int64_t c, oms_i128 *out)
{
    /* |a| < 2^63 and |c| <= 2^63 keep |a * c| below 2^126; only a larger a needs the bound
     * |a| <= (2^126 - 1) / |c| (and a itself below 2^120). a is already at scale 10^-8. */
    oms_i128 aa = a < 0 ? -a : a;
    if (aa >> 63) {
        oms_i128 ac = c < 0 ? -(oms_i128)c : (oms_i128)c;
        if (aa > ((oms_i128)1 << 120) || (ac != 0 && aa > (((oms_i128)1 << 126) - 1) / ac))
            return OMS_EOVERFLOW;
    }
    *out = oms__div_scale_round(a * c);
    return 0;
}

int oms_dec_mul3(int64_t a, int64_t b, int64_t c, int64_t *out)
{
    oms_i128 t = oms__div_scale_round((oms_i128)a * b), r;
    int rc = oms__mul_i128_dec(t, c, &r);
    if (rc < 0)
        return rc;
    return oms__i128_to_i64(r, out);
}

int oms_dec_parse(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    /* Magnitude in units of 10^-8, at most 2^63 (INT64_MIN's magnitude). */
    uint64_t mag = 0;
    const uint64_t lim = (uint64_t)INT64_MAX + 1;
    size_t digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (mag > (lim / OMS_DEC_SCALE) + 1) /* cheap early stop; exact check below */
            return OMS_EOVERFLOW;
        mag = mag * 10 + d;
    }
    /* mag holds the integer part; scale it exactly. */
    if (mag > lim / OMS_DEC_SCALE)
        return OMS_EOVERFLOW;
    mag *= OMS_DEC_SCALE;
    if (i < len && s[i] == '.') {
        i++;
        uint64_t frac = 0, unit = OMS_DEC_SCALE / 10;
        size_t fdigits = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, fdigits++) {
            uint64_t d = (uint64_t)(s[i] - '0');
            if (fdigits < OMS_DEC_DIGITS) {
                frac += d * unit;
                unit /= 10;
            } else if (d != 0) {
                return -EINVAL; /* not exact at 10^-8 */
            }
        }
        if (fdigits == 0)
            return -EINVAL;
        digits += fdigits;
        if (mag > lim - frac)
            return OMS_EOVERFLOW;
        mag += frac;
    }
    if (digits == 0 || i != len)
        return -EINVAL;
    if (!neg && mag > (uint64_t)INT64_MAX)
        return OMS_EOVERFLOW;
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

size_t oms_u64_format(uint64_t v, char *buf, size_t cap)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (cap < n + 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

static size_t dec_format(int64_t v, char *buf, size_t cap, int fixed)
{
    char tmp[OMS_DEC_TEXT_MAX];
    size_t n = 0;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t ip = mag / OMS_DEC_SCALE, fp = mag % OMS_DEC_SCALE;
    if (v < 0)
        tmp[n++] = '-';
    n += oms_u64_format(ip, tmp + n, sizeof tmp - n);
    int fd = OMS_DEC_DIGITS;
    if (!fixed)
        while (fd > 0 && fp % 10 == 0) {
            fp /= 10;
            fd--;
        }
    if (fd > 0) {
        tmp[n++] = '.';
        for (int k = fd - 1; k >= 0; k--) {
            tmp[n + (size_t)k] = (char)('0' + fp % 10);
            fp /= 10;
        }
        n += (size_t)fd;
    }
    if (cap < n + 1)
        return 0;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return n;
}

size_t oms_dec_format(int64_t v, char *buf, size_t cap)
{
    return dec_format(v, buf, cap, 0);
}

size_t oms_dec_format_fixed(int64_t v, char *buf, size_t cap)
{
    return dec_format(v, buf, cap, 1);
}

/* ---------------------------------------------------------------------------------------------
 * Timestamps: proleptic Gregorian calendar, UTC, no leap seconds (as POSIX time).
 * ------------------------------------------------------------------------------------------- */

#define NS_PER_SEC 1000000000LL

/* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *p, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

size_t oms_ts_format(int64_t ns, char *buf, size_t cap)
{
    /* floor division so that times before 1970 format correctly */
    int64_t secs = ns / NS_PER_SEC, frac = ns % NS_PER_SEC;
    if (frac < 0) {
        frac += NS_PER_SEC;
        secs--;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    int64_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return 0;        /* outside the four-digit years the format has */
    const size_t n = 30; /* YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ */
    if (cap < n + 1)
        return 0;
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = 'T';
    put_digits(buf + 11, sod / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, sod / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, sod % 60, 2);
    buf[19] = '.';
    put_digits(buf + 20, frac, 9);
    buf[29] = 'Z';
    buf[30] = '\0';
    return n;
}

static int get_digits(const char *s, size_t len, size_t at, int width, int64_t *out)
{
    if (at + (size_t)width > len)
        return -EINVAL;
    int64_t v = 0;
    for (int i = 0; i < width; i++) {
        char c = s[at + (size_t)i];
        if (c < '0' || c > '9')
            return -EINVAL;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

int oms_ts_parse(const char *s, size_t len, int64_t *out)
{
    int64_t y, mo, d, h, mi, se, frac = 0;
    if (get_digits(s, len, 0, 4, &y) || len < 20 || s[4] != '-' || get_digits(s, len, 5, 2, &mo) ||
        s[7] != '-' || get_digits(s, len, 8, 2, &d) || s[10] != 'T' ||
        get_digits(s, len, 11, 2, &h) || s[13] != ':' || get_digits(s, len, 14, 2, &mi) ||
        s[16] != ':' || get_digits(s, len, 17, 2, &se))
        return -EINVAL;
    size_t i = 19;
    if (i < len && s[i] == '.') {
        i++;
        int nd = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && nd < 9) {
            frac = frac * 10 + (s[i] - '0');
            i++;
            nd++;
        }
        if (nd == 0)
            return -EINVAL;
        for (; nd < 9; nd++)
            frac *= 10;
    }
    if (i + 1 != len || s[i] != 'Z')
        return -EINVAL;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
        return -EINVAL;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -EINVAL;
    int64_t days = days_from_civil(y, mo, d);
    /* |days| <= 3.7e6 for four-digit years: days * 86400e9 fits in int64 only up to ~2262. */
    oms_i128 ns = ((oms_i128)days * 86400 + h * 3600 + mi * 60 + se) * NS_PER_SEC + frac;
    return oms__i128_to_i64(ns, out);
}
