/* json_escape.c: strings as JSON string literals. */
#include "util/json_escape.h"

size_t
json_escape_char(unsigned char c, char out[JSON_ESCAPE_MAX])
{
    static const char hex[] = "0123456789abcdef";
    char short_form = 0;
    switch (c) {
    case '"':
        short_form = '"';
        break;
    case '\\':
        short_form = '\\';
        break;
    case '\b':
        short_form = 'b';
        break;
    case '\f':
        short_form = 'f';
        break;
    case '\n':
        short_form = 'n';
        break;
    case '\r':
        short_form = 'r';
        break;
    case '\t':
        short_form = 't';
        break;
    default:
        break;
    }
    if (short_form) {
        out[0] = '\\';
        out[1] = short_form;
        return 2;
    }
    /* DEL is not a control character to JSON, but escaping it keeps the
     * output plain printable text. */
    if (c < 0x20 || c == 0x7f) {
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = hex[c >> 4];
        out[5] = hex[c & 0xf];
        return 6;
    }
    out[0] = (char)c;
    return 1;
}

void
json_fputs(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[JSON_ESCAPE_MAX];
        fwrite(esc, 1, json_escape_char(*p, esc), f);
    }
    fputc('"', f);
}
