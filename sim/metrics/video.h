/* video.h: part of metrics.h (include that): what video sessions' viewers saw
 * (video.c). Apart so that metrics.h stays short; metrics.h includes it where
 * these declarations were, so that every user of met_run sees them unchanged.
 */
#ifndef SIM_METRICS_VIDEO_H
#define SIM_METRICS_VIDEO_H

#ifndef SIM_METRICS_METRICS_H
#error "include metrics/metrics.h, which includes this file"
#endif

/*
 * Video sessions (the workload's video: block, played by
 * sim/model/video.c): what the viewers saw. Sessions count from the end
 * of the warm-up (a session is measured when it starts after it).
 */
struct met_video {
    uint64_t sessions;         /* measured sessions started */
    uint64_t finished;         /* watched to the end of their length */
    uint64_t failed;           /* ended by a segment answered with an error */
    uint64_t segments;         /* segments received */
    uint64_t bytes;            /* their bytes */
    uint64_t stalls;           /* playback stopped for an empty buffer */
    uint64_t stalled_sessions; /* sessions with at least one stall */
    uint64_t switches;         /* a segment at another rung than the last */
    int64_t stall_ns;          /* time spent stalled, after startup */
    int64_t played_ns;         /* media time played */
    double kbps_sum;           /* the segments' bitrates, summed */
    int64_t *startup_ns;       /* [n_startup]: each started playback's wait from
                                  the session's arrival, sorted at the end */
    size_t n_startup, cap_startup;
};

/* Appends one session's startup time. */
void met_video_startup(struct met_video *v, int64_t ns);
/* Sorts the startup times (once the run is over). */
void met_video_finish(struct met_video *v);
/* The q-quantile of the startup times (nearest rank), in ns; 0 when no
 * session started playback. */
int64_t met_video_startup_q(const struct met_video *v, double q);
/* stall / (played + stall), 0 when nothing was played. */
double met_video_rebuffer_ratio(const struct met_video *v);
double met_video_mean_kbps(const struct met_video *v);
void met_video_free(struct met_video *v); /* NULL is a no-op */
/* The "video" object's value (json.c's layout, depth levels). */
void met_video_json(const struct met_run *r, FILE *out, int depth);
/* Prints the sessions' figures under the run table; nothing without a
 * video: block. */
void met_video_print(const struct met_run *r, FILE *out);
/* The schema of table video_metrics (version 19). */
extern const char met_video_schema[];

#endif
