/* video.c: the workload's video: block, open-loop adaptive-bitrate
 * sessions (struct cfg_video; sim/model/video.c plays them):
 *
 *   video:
 *     sessions: 500            # sessions started in the run
 *     rate: 5                  # session arrivals per second (Poisson)
 *     titles: 200              # Zipf(alpha) popularity over titles
 *     alpha: 0.8
 *     ladder: [235, 750, 1750, 3000, 5800]   # kbps, ascending
 *     segment: 4s              # media time per segment
 *     length: 2m               # mean watch time (length_dist: fixed or
 *     length_dist: exponential #   exponential), capped at max_length
 *     max_length: 1h
 *     startup_segments: 2      # buffered before playback starts
 *     max_buffer: 30s          # the player pauses downloads above it
 *     ttl: 0s                  # segments never change: 0 keeps forever
 */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define NS_PER_S 1000000000LL

static const char *const video_keys[] = {
    "sessions",   "rate",   "titles",      "alpha",      "ladder",
    "segment",    "length", "length_dist", "max_length", "startup_segments",
    "max_buffer", "ttl",    NULL};
static const char *const video_required[] = {"sessions", "rate", "ladder",
                                             NULL};

/* ladder: a list of bitrates in kbps, strictly ascending. */
static int
video_ladder(const struct cfg_map *m, struct cfg_video *v, struct sim_err *err)
{
    struct cfg_items it;
    int rc = cfg_map_items(m, "ladder", 1, &it, err);
    if (rc != 0)
        return rc;
    if (it.count > CFG_VIDEO_RUNGS_MAX)
        return cfg_map_bad(m, "ladder", it.id, "at most 16 bitrates", err);
    v->ladder_kbps = xcalloc(it.count, sizeof *v->ladder_kbps);
    for (size_t k = 0; k < it.count; k++) {
        const char *s = cfg_doc_scalar(m->d, it.item[k]);
        double kbps;
        if (s == NULL || parse_double(s, &kbps) != 0 || !(kbps > 0) ||
            kbps > 1e7 || (k > 0 && kbps <= v->ladder_kbps[k - 1])) {
            char key[32];
            snprintf(key, sizeof key, "ladder[%zu]", k);
            return cfg_map_bad(m, key, it.item[k],
                               "a bitrate in kbps above the one before it "
                               "(the ladder ascends), up to 1e7",
                               err);
        }
        v->ladder_kbps[k] = kbps;
        v->n_rungs = k + 1;
    }
    return 0;
}

/* The lengths: a session's segments must fit CFG_VIDEO_SEGMENTS_MAX. */
static int
video_lengths(const struct cfg_map *m, struct cfg_video *v, struct sim_err *err)
{
    static const char *const dists[] = {"exponential", "fixed", NULL};
    int dist = 0;
    int rc =
        cfg_map_duration(m, "segment", 0, 4 * NS_PER_S, &v->segment_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "length", 0, 120 * NS_PER_S, &v->length_ns,
                              err);
    if (rc == 0)
        rc = cfg_map_choice(m, "length_dist", dists, "exponential or fixed",
                            &dist, err);
    v->length_dist = dist == 1 ? CFG_VIDEO_FIXED : CFG_VIDEO_EXPONENTIAL;
    if (rc == 0)
        rc = cfg_map_duration(m, "max_length", 0, 3600 * NS_PER_S,
                              &v->max_length_ns, err);
    if (rc == 0 && v->max_length_ns < v->length_ns)
        rc = cfg_map_bad(m, "max_length", cfg_map_find(m, "max_length"),
                         "a duration at least length", err);
    if (rc == 0 && (double)v->max_length_ns / (double)v->segment_ns >
                       (double)CFG_VIDEO_SEGMENTS_MAX)
        rc = cfg_map_bad(m, "max_length", cfg_map_find(m, "max_length"),
                         "at most 2^20 segments (max_length / segment)", err);
    return rc;
}

int
cfg_video_build(const struct cfg_map *root, struct cfg_workload *w,
                struct sim_err *err)
{
    struct cfg_map m;
    int is_present;
    int rc = cfg_map_submap(root, "video", 0, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    struct cfg_video *v = xcalloc(1, sizeof *v);
    w->video = v;
    rc = cfg_map_check_keys(&m, video_keys, video_required, err);
    if (rc == 0)
        rc = cfg_map_count(&m, "sessions", 1, 0, 1, &v->n_sessions, err);
    if (rc == 0)
        rc =
            cfg_map_number(&m, "rate", 1, 0, 0, 1, CFG_RATE_MAX, &v->rate, err);
    if (rc == 0)
        rc = cfg_map_count(&m, "titles", 0, 100, 1, &v->n_titles, err);
    if (rc == 0 && v->n_titles > CFG_VIDEO_TITLES_MAX)
        rc = cfg_map_bad(&m, "titles", cfg_map_find(&m, "titles"),
                         "at most 65536 titles", err);
    if (rc == 0)
        rc = cfg_map_number(&m, "alpha", 0, 0.8, 0, 0, 10, &v->alpha, err);
    if (rc == 0)
        rc = video_ladder(&m, v, err);
    if (rc == 0)
        rc = video_lengths(&m, v, err);
    if (rc == 0)
        rc = cfg_map_count(&m, "startup_segments", 0, 2, 1,
                           &v->startup_segments, err);
    if (rc == 0)
        rc = cfg_map_duration(&m, "max_buffer", 0, 30 * NS_PER_S,
                              &v->max_buffer_ns, err);
    if (rc == 0 && v->max_buffer_ns < v->segment_ns)
        rc = cfg_map_bad(&m, "max_buffer", cfg_map_find(&m, "max_buffer"),
                         "a duration at least one segment", err);
    if (rc == 0 && cfg_map_find(&m, "ttl") != 0) {
        const char *s = cfg_doc_scalar(m.d, cfg_map_find(&m, "ttl"));
        if (s == NULL || parse_duration(s, &v->ttl_ns) != 0 || v->ttl_ns < 0 ||
            v->ttl_ns > CFG_TIME_MAX_NS)
            rc = cfg_map_bad(&m, "ttl", cfg_map_find(&m, "ttl"),
                             "a duration such as \"1h\" (0 keeps segments "
                             "forever)",
                             err);
    }
    return rc;
}

void
cfg_video_free(struct cfg_workload *w)
{
    if (w->video == NULL)
        return;
    free(w->video->ladder_kbps);
    free(w->video);
    w->video = NULL;
}
