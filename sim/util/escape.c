/* escape.c: user text made safe to show on a terminal or in a script.
 *
 * Error messages quote what the user gave: trace lines, csv fields,
 * Cache-Control headers, YAML values, file names. A trace from elsewhere
 * may hold ESC sequences that recolour, retitle or rewrite a terminal;
 * they are shown as \x1b instead. Valid UTF-8 is kept (a node may be
 * called "zürich"), except the C1 controls, which some terminals obey. */
#include "util/escape.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

int
esc_is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

size_t
esc_find_control(const char *s)
{
    for (size_t i = 0; s[i] != '\0'; i++)
        if (esc_is_control((unsigned char)s[i]))
            return i + 1;
    return 0;
}

/* The length of the valid, printable UTF-8 character at s (n bytes left),
 * or 0 when the byte at s must be escaped. Overlong forms, surrogates and
 * code points past U+10FFFF are not valid. */
static size_t
utf8_printable_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return esc_is_control(c) ? 0 : 1;
    size_t len;
    unsigned cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, cp = c & 0x1fu, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, cp = c & 0x0fu, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    if (cp >= 0x80 && cp <= 0x9f) /* C1 controls: CSI is U+009B */
        return 0;
    return len;
}

size_t
esc_term(char *dst, size_t cap, const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_printable_len(s + i, n - i);
        if (len > 0) {
            if (k + len >= cap)
                break;
            memcpy(dst + k, s + i, len);
            k += len;
            i += len;
        } else {
            if (k + 4 >= cap)
                break;
            snprintf(dst + k, 5, "\\x%02x", s[i]);
            k += 4;
            i++;
        }
    }
    dst[k] = '\0';
    return k;
}

char *
esc_term_dup(const char *src)
{
    size_t n = strlen(src);
    size_t cap = 4 * n + 1; /* every byte may become \xHH */
    char *dst = xmalloc(cap);
    esc_term(dst, cap, src, n);
    return dst;
}
