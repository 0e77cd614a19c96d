/* escape.h: user text made safe to show on a terminal or in a script. */
#ifndef SIM_UTIL_ESCAPE_H
#define SIM_UTIL_ESCAPE_H

#include <stddef.h>

/*
 * Is byte c a control character: below 0x20 (tab and newline included) or
 * DEL? Such a byte ends a line or drives a terminal.
 */
int esc_is_control(unsigned char c);

/* Does s hold a control character? Returns its first one's offset + 1,
 * or 0 when there is none. */
size_t esc_find_control(const char *s);

/*
 * Copies the n bytes of src into dst (cap bytes, cap > 0, always
 * NUL-terminated) with every byte that a terminal could take as a command
 * written as the four characters \xHH: control characters, the C1
 * controls U+0080..U+009F and any byte that is not part of valid UTF-8.
 * Printable ASCII and valid UTF-8 text pass unchanged, so names in other
 * scripts still read well. When dst is too small the copy ends at a whole
 * character or escape. Returns the length written (without the NUL).
 */
size_t esc_term(char *dst, size_t cap, const char *src, size_t n);

/* esc_term of the string src into a new string; caller frees. */
char *esc_term_dup(const char *src);

#endif
