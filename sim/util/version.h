/* version.h: cdnsim's version, printed by --version and recorded with
 * every run and sweep. */
#ifndef SIM_UTIL_VERSION_H
#define SIM_UTIL_VERSION_H

#define CDNSIM_VERSION "0.1.0"

#endif
