/* video.h: part of config.h (include that): the workload's video: block
 * (video.c). Apart so that config.h stays short; config.h includes it
 * where these types were. */
#ifndef SIM_CONFIG_VIDEO_H
#define SIM_CONFIG_VIDEO_H

#ifndef SIM_CONFIG_CONFIG_H
#error "include config/config.h, which includes this file"
#endif

/*
 * Open-loop adaptive-bitrate video sessions (the workload's video:
 * block, sim/config/video.c; played by sim/model/video.c). Sessions
 * arrive as a Poisson process until n_sessions have started; each
 * watches one title (Zipf over titles) for a length drawn from
 * length_dist, one segment after another, at the rung the throughput
 * rule picks.
 */
enum cfg_video_length { CFG_VIDEO_EXPONENTIAL, CFG_VIDEO_FIXED };

#define CFG_VIDEO_RUNGS_MAX 16
#define CFG_VIDEO_TITLES_MAX 65536
#define CFG_VIDEO_SEGMENTS_MAX 1048576 /* per session (2^20) */
/* Segment ids: FIRST_ID + ((title x rungs + rung) << 20) + segment, below
 * 2^42 so that cache keys (bits 0-41 the object) still hold them. */
#define CFG_VIDEO_FIRST_ID ((uint64_t)1 << 41)

struct cfg_video {
    uint64_t n_sessions;    /* sessions started in the run, > 0 */
    double rate;            /* session arrivals per second */
    uint64_t n_titles;      /* titles, [1, CFG_VIDEO_TITLES_MAX] */
    double alpha;           /* Zipf exponent of title popularity */
    double *ladder_kbps;    /* [n_rungs], strictly ascending */
    size_t n_rungs;         /* [1, CFG_VIDEO_RUNGS_MAX] */
    cfg_time_ns segment_ns; /* media time per segment */
    enum cfg_video_length length_dist;
    cfg_time_ns length_ns;     /* mean (exponential) or the length */
    cfg_time_ns max_length_ns; /* a session never watches longer */
    uint64_t startup_segments; /* buffered before playback starts */
    cfg_time_ns max_buffer_ns; /* the player waits above this buffer */
    cfg_time_ns ttl_ns;        /* caches keep segments; 0 = forever */
};

#endif
