/* utc.c: wall-clock times as ISO 8601 UTC text. */
#include "util/utc.h"

char *
utc_format(time_t t, char buf[UTC_TEXT_LEN])
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, UTC_TEXT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0'; /* a year past 9999: no text rather than a wrong one */
    return buf;
}

char *
utc_now(char buf[UTC_TEXT_LEN])
{
    return utc_format(time(NULL), buf);
}
