/* utc.h: wall-clock times as ISO 8601 UTC text, for the records that say
 * when a run or sweep was made (never for anything a result depends on). */
#ifndef SIM_UTIL_UTC_H
#define SIM_UTIL_UTC_H

#include <time.h>

/* "2026-12-05T08:04:59Z" and its NUL. */
#define UTC_TEXT_LEN 21

/* Writes t (seconds since the epoch) as "YYYY-MM-DDTHH:MM:SSZ"; returns
 * buf. */
char *utc_format(time_t t, char buf[UTC_TEXT_LEN]);

/* The current time, as utc_format writes it; returns buf. */
char *utc_now(char buf[UTC_TEXT_LEN]);

#endif
