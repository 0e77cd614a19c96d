/* video.c: open-loop adaptive-bitrate video sessions (the workload's
 * video: block, struct cfg_video).
 *
 * Sessions arrive as a Poisson process (rate) until `sessions` have
 * started, each in a region drawn by the regions' weights. A session
 * watches one title (Zipf(alpha) over titles, title 0 the most popular)
 * for a number of segments drawn from its length distribution, and
 * fetches them one after another through the CDN as client requests for
 * the object (title, rung, segment): object id CFG_VIDEO_FIRST_ID +
 * ((title x rungs + rung) << 20) + segment, of size bitrate x segment.
 *
 * The bitrate rule is the rate-based (throughput) rule: the next segment
 * is fetched at the highest rung of the ladder whose bitrate is at most
 * the throughput measured over the last segment (its bytes over the time
 * from sending the request to receiving the body), and at the lowest rung
 * when none is. The first segment is fetched at the lowest rung. This is
 * the baseline of T.-Y. Huang et al., "A Buffer-Based Approach to Rate
 * Adaptation", SIGCOMM 2014 (section 2, "rate-based" adaptation), and of
 * J. Jiang, V. Sekar, H. Zhang, "Improving Fairness, Efficiency, and
 * Stability in HTTP-based Adaptive Video Streaming with FESTIVE", CoNEXT
 * 2012, without their smoothing (one sample, no harmonic mean).
 *
 * The playback clock: playback starts when startup_segments segments (or
 * all of a shorter session) have arrived; the wait from the session's
 * arrival is its startup time. From then on the buffer drains at one
 * second of media per second; a segment that arrives after the buffer
 * ran dry ends a stall (counted, and its length added to the stall time),
 * and playback resumes at once with that segment. While the buffer holds
 * more than max_buffer - segment, the player waits before it asks for
 * the next segment. A segment answered with an error (or a 404) ends the
 * session (failed); what it had buffered still plays.
 *
 * Every segment is also an ordinary client request, counted as any
 * other (requests, hits, latency). A request carries no session, so the
 * session of each request slot is kept beside the pool (slot_session).
 */
#include "model/model_int.h"

#include <math.h>
#include <string.h>

#include "engine/engine.h"
#include "model/edge.h"
#include "model/observers.h"
#include "model/transfer.h"

enum video_step { VIDEO_ARRIVE, VIDEO_FETCH };

struct video_session {
    int64_t arrived;   /* the session's arrival, ns */
    int64_t sent_at;   /* when its pending segment was asked for */
    int64_t play_at;   /* playing: when buffer_ns was last brought up to
                          date */
    int64_t buffer_ns; /* media buffered at play_at */
    uint32_t title;
    uint32_t n_segments; /* the session's length */
    uint32_t received;   /* segments received so far */
    uint16_t region;
    uint8_t rung;      /* of the next (or pending) segment */
    uint8_t last_rung; /* of the last segment received */
    uint8_t is_playing;
    uint8_t is_measured;
    uint8_t has_stalled;
};

struct video {
    const struct cfg_video *cfg;
    gsl_rng *rng; /* arrivals, titles, lengths, regions */
    struct wl_zipf zipf;
    double region_weight_sum;
    struct video_session *s; /* [n]: every session started */
    size_t n, cap;
    uint32_t *slot_session; /* [request slot]: session + 1, 0: none */
    size_t n_slots;
    struct met_video *m; /* the run's, owned by the met_run */
};

void
video_init(struct cdn *c)
{
    if (c->w->video == NULL)
        return;
    struct video *v = xcalloc(1, sizeof *v);
    v->cfg = c->w->video;
    v->rng = sim_rng_new(c->w->seed, SIM_RNG_ID(SIM_RNG_VIDEO, 0));
    wl_zipf_init(&v->zipf, v->cfg->n_titles, v->cfg->alpha);
    for (size_t r = 0; r < c->t->n_regions; r++)
        v->region_weight_sum += c->t->regions[r].weight;
    c->video = v;
}

void
video_fini(struct cdn *c)
{
    struct video *v = c->video;
    if (v == NULL)
        return;
    gsl_rng_free(v->rng);
    free(v->s);
    free(v->slot_session);
    free(v);
    c->video = NULL;
}

/* Bytes of one segment at rung k: kbps x 125 bytes/s x its seconds. */
static uint64_t
segment_bytes(const struct cfg_video *cfg, unsigned k)
{
    double b = cfg->ladder_kbps[k] * 125.0 * (double)cfg->segment_ns / 1e9;
    return b < 1 ? 1 : (uint64_t)llround(b);
}

static uint64_t
segment_object(const struct cfg_video *cfg, const struct video_session *s,
               uint32_t segment)
{
    uint64_t stream = (uint64_t)s->title * cfg->n_rungs + s->rung;
    return CFG_VIDEO_FIRST_ID + (stream << 20) + segment;
}

/* Segments of a session: its length over the segment, rounded up, at
 * least one, at most max_length's. */
static uint32_t
draw_segments(struct video *v)
{
    const struct cfg_video *cfg = v->cfg;
    double len = (double)cfg->length_ns;
    if (cfg->length_dist == CFG_VIDEO_EXPONENTIAL)
        len = wl_exponential(v->rng, len);
    double seg = (double)cfg->segment_ns;
    double most = ceil((double)cfg->max_length_ns / seg);
    double n = ceil(len / seg);
    if (n < 1)
        n = 1;
    return (uint32_t)(n < most ? n : most);
}

static uint16_t
draw_region(struct cdn *c, struct video *v)
{
    size_t n = c->t->n_regions;
    double u = gsl_rng_uniform(v->rng) * v->region_weight_sum;
    for (size_t r = 0; r + 1 < n; r++) {
        if (u < c->t->regions[r].weight)
            return (uint16_t)r;
        u -= c->t->regions[r].weight;
    }
    return (uint16_t)(n - 1);
}

/* Makes the slot map cover slot s; new entries are 0 (no session). */
static void
slots_cover(struct video *v, size_t s)
{
    size_t old = v->n_slots;
    v->slot_session = xgrow(v->slot_session, &v->n_slots, s + 1,
                            sizeof *v->slot_session, 1024);
    if (v->n_slots > old)
        memset(v->slot_session + old, 0,
               (v->n_slots - old) * sizeof *v->slot_session);
}

/* The session's next segment leaves its client as a request. */
static void
fetch_segment(struct cdn *c, uint32_t k, int64_t now)
{
    struct video *v = c->video;
    struct video_session *se = &v->s[k];
    uint32_t s = req_alloc(c);
    slots_cover(v, s);
    v->slot_session[s] = k + 1;
    se->sent_at = now;
    struct req *r = &c->reqs[s];
    *r = (struct req){0};
    r->object = segment_object(v->cfg, se, se->received);
    r->hash = hash_key32(r->object);
    r->size = segment_bytes(v->cfg, se->rung);
    r->t_arrive = now;
    r->ttl_ns = v->cfg->ttl_ns;
    r->node = route_client(c, se->region, now);
    r->child = REQ_NIL;
    r->next = REQ_NIL;
    r->asked = WL_NO_VERSION;
    r->cond = NO_VERSION;
    r->current = c->w->change_interval_ns > 0
                     ? origin_version(c, r->object, now)
                     : NO_VERSION;
    r->region = se->region;
    r->measured = se->is_measured;
    r->bypass = c->is_no_cdn || wl_is_uncacheable(c->w, r->object);
    r->current_rises = 1;
    r->code = CODE_NONE;
    uint64_t size = r->size;
    if (wl_is_missing(c->w, r->object))
        r->size = NEGATIVE_SIZE;
    observe_arrival(c, r, size, now);
    node_arrive(c, s, now);
}

/* A session arrives: drawn, counted, and its first segment asked for;
 * the next session's arrival is scheduled. */
static void
session_arrive(struct cdn *c, int64_t now)
{
    struct video *v = c->video;
    const struct cfg_video *cfg = v->cfg;
    int measured = c->generated >= c->w->warmup;
    if (measured && !c->has_measured_start) { /* as client_arrival does */
        c->has_measured_start = 1;
        c->measured_start = now;
        c->m->measured_start_ns = now;
        shared_measure_from(c, now);
    }
    v->s = xgrow(v->s, &v->cap, v->n + 1, sizeof *v->s, 64);
    uint32_t k = (uint32_t)v->n++;
    struct video_session *se = &v->s[k];
    *se = (struct video_session){0};
    se->arrived = now;
    se->title = (uint32_t)(wl_zipf_sample(&v->zipf, v->rng) - 1);
    se->n_segments = draw_segments(v);
    se->region = draw_region(c, v);
    se->is_measured = (uint8_t)measured;
    if (measured)
        v->m->sessions++;
    if (v->n < cfg->n_sessions)
        sim_queue_push(
            &c->q,
            now + (int64_t)llround(wl_exponential(v->rng, 1e9 / cfg->rate)),
            EV_VIDEO, 0, VIDEO_ARRIVE);
    fetch_segment(c, k, now);
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
video_start(struct cdn *c, struct met_run *m)
{
    struct video *v = c->video;
    v->m = xcalloc(1, sizeof *v->m);
    m->video = v->m;
    /* The first session at an exponential wait, as every later one. */
    int64_t at = (int64_t)llround(wl_exponential(v->rng, 1e9 / v->cfg->rate));
    sim_queue_push(&c->q, at, EV_VIDEO, 0, VIDEO_ARRIVE);
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
video_step(struct cdn *c, uint32_t session, uint64_t step, int64_t now)
{
    if (step == VIDEO_ARRIVE)
        session_arrive(c, now);
    else
        fetch_segment(c, session, now);
}

/* The session's playback clock at at, when a segment arrives: startup,
 * or the buffer drained since the last arrival (a stall if it ran dry),
 * then the segment added. */
static void
play_segment(struct video *v, struct video_session *se, int64_t at)
{
    const struct cfg_video *cfg = v->cfg;
    struct met_video *m = se->is_measured ? v->m : NULL;
    if (se->is_playing) {
        int64_t elapsed = at - se->play_at;
        if (elapsed > se->buffer_ns) {
            if (m != NULL) {
                m->stalls++;
                m->stall_ns += elapsed - se->buffer_ns;
                m->stalled_sessions += !se->has_stalled;
            }
            se->has_stalled = 1;
            se->buffer_ns = 0;
        } else {
            se->buffer_ns -= elapsed;
        }
    }
    se->buffer_ns += cfg->segment_ns;
    se->play_at = at;
    if (!se->is_playing && (se->received >= cfg->startup_segments ||
                            se->received == se->n_segments)) {
        se->is_playing = 1;
        if (m != NULL)
            met_video_startup(m, at - se->arrived);
    }
}

/* The throughput rule: the highest rung at most the measured rate. */
static uint8_t
pick_rung(const struct cfg_video *cfg, uint64_t bytes, int64_t took_ns)
{
    double bps = took_ns > 0 ? (double)bytes * 8e9 / (double)took_ns : INFINITY;
    uint8_t k = 0;
    while (k + 1u < cfg->n_rungs && cfg->ladder_kbps[k + 1] * 1000.0 <= bps)
        k++;
    return k;
}

void
video_answered(struct cdn *c, const struct req *r, int is_failed, int64_t at)
{
    struct video *v = c->video;
    size_t s = (size_t)(r - c->reqs);
    if (s >= v->n_slots || v->slot_session[s] == 0)
        return; /* not a segment */
    uint32_t k = v->slot_session[s] - 1;
    v->slot_session[s] = 0;
    struct video_session *se = &v->s[k];
    struct met_video *m = se->is_measured ? v->m : NULL;
    if (is_failed || r->negative) {
        if (m != NULL)
            m->failed++;
        return; /* the session ends */
    }
    se->received++;
    if (m != NULL) {
        m->segments++;
        m->bytes += r->size;
        m->kbps_sum += v->cfg->ladder_kbps[se->rung];
        m->played_ns += v->cfg->segment_ns;
        m->switches += se->received > 1 && se->rung != se->last_rung;
    }
    se->last_rung = se->rung;
    play_segment(v, se, at);
    if (se->received == se->n_segments) {
        if (m != NULL)
            m->finished++;
        return;
    }
    se->rung = pick_rung(v->cfg, r->size, at - se->sent_at);
    /* A full buffer: wait until the next segment fits under max_buffer
     * (the buffer cannot run dry meanwhile). */
    int64_t next = at;
    int64_t over = se->buffer_ns + v->cfg->segment_ns - v->cfg->max_buffer_ns;
    if (se->is_playing && over > 0)
        next += over;
    sim_queue_push(&c->q, next, EV_VIDEO, k, VIDEO_FETCH);
}

void
video_move_slot(struct cdn *c, uint32_t from, uint32_t to)
{
    struct video *v = c->video;
    if (from >= v->n_slots)
        return;
    slots_cover(v, to);
    v->slot_session[to] = v->slot_session[from];
    v->slot_session[from] = 0;
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
video_finish(struct cdn *c)
{
    met_video_finish(c->video->m);
}
