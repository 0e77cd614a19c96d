/* explain.c: --explain's narration of a request's life, one line per
 * step, in the words a CDN engineer would use. The observers (observe.c)
 * call it with the outcome they record; the lifecycle calls it for the
 * steps that are not outcomes (a fetch going up, an answer going down).
 * Only requests flagged at arrival are narrated, and the flag is copied
 * onto the fetches they cause.
 */
#include "model/model_int.h"

#include <stdarg.h>

/* One line of --explain: the simulated time, then what happened. */
void
narrate(const struct cdn *c, int64_t now, const char *fmt, ...)
{
    fprintf(c->explain, "%14.6f s  ", (double)now / 1e9);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->explain, fmt, ap);
    va_end(ap);
    fputc('\n', c->explain);
}

/* A lookup's outcome. A miss, an expiry and a bypass are told by the
 * fetch they send (explain_fetch). */
void
explain_lookup(const struct cdn *c, const struct req *r, enum lookup k,
               int64_t now)
{
    const char *name = node_name(c, r->node);
    unsigned long long object = (unsigned long long)r->object;
    switch (k) {
    case LOOKUP_ORIGIN:
        narrate(c, now, "  %s serves object %llu%s", name, object,
                r->not_modified ? ": not modified (304)" : "");
        break;
    case LOOKUP_HIT:
        narrate(c, now, "  %s: HIT%s", name,
                r->negative ? " (a cached 404)" : "");
        break;
    case LOOKUP_STALE:
    case LOOKUP_STALE_REFRESH:
        narrate(c, now, "  %s: STALE: serves its stale copy%s", name,
                k == LOOKUP_STALE_REFRESH
                    ? " and refreshes it in the background"
                    : " (a refresh is on its way)");
        break;
    case LOOKUP_COALESCED:
        narrate(c, now,
                "  %s: object %llu is already being fetched: "
                "waits for that fetch (coalesced)",
                name, object);
        break;
    case LOOKUP_BYPASS:
    case LOOKUP_EXPIRED:
    case LOOKUP_MISS:
        break;
    }
}

/* What the answer to a node's fetch does there; o is the copy stored
 * (ANSWER_BODY, NULL when not stored) and evicted what storing it
 * evicted. */
void
explain_answer(const struct cdn *c, const struct req *r, enum answer k,
               const struct cache_obj *o, uint64_t evicted, int64_t now)
{
    const char *name = node_name(c, r->node);
    unsigned long long object = (unsigned long long)r->object;
    switch (k) {
    case ANSWER_LOST:
        narrate(c, now,
                "  %s failed while fetching object %llu: its "
                "waiting requests get an error",
                name, object);
        break;
    case ANSWER_PASSED:
        narrate(c, now,
                "  %s passes %s for object %llu on (not "
                "cacheable)",
                name, r->failed ? "an error" : "the answer", object);
        break;
    case ANSWER_STALE_IF_ERROR:
        narrate(c, now,
                "  %s receives an error for object %llu: serves "
                "its stale copy instead (stale-if-error)",
                name, object);
        break;
    case ANSWER_ERROR:
        narrate(c, now, "  %s receives an error for object %llu", name, object);
        break;
    case ANSWER_VALIDATED:
        narrate(c, now,
                "  %s receives 304 Not Modified for object %llu: "
                "its copy is fresh again",
                name, object);
        break;
    case ANSWER_GONE:
        narrate(c, now,
                "  %s receives 304 Not Modified for object %llu, "
                "but its copy is gone",
                name, object);
        break;
    case ANSWER_BODY:
        if (o == NULL)
            narrate(c, now,
                    "  %s receives object %llu: does not store "
                    "it (too large, or not admitted)",
                    name, object);
        else
            narrate(c, now,
                    "  %s receives object %llu: stores it, "
                    "evicting %llu object%s",
                    name, object, (unsigned long long)evicted,
                    evicted == 1 ? "" : "s");
        break;
    }
}

/* Node `from` sends fetch up to up->node; why says what made it. */
void
explain_fetch(const struct cdn *c, const struct req *up, uint32_t from,
              const char *why, int64_t now)
{
    narrate(c, now, "  %s: %s: %s from %s%s, arriving at %.6f s",
            node_name(c, from), why,
            up->cond == NO_VERSION ? "fetches" : "revalidates",
            up->node == c->nodes[from].parent ? "" : "its backup parent ",
            node_name(c, up->node), (double)up->t_arrive / 1e9);
}

/* Request r's node sends its answer down to node `to`, arriving at. */
void
explain_send(const struct cdn *c, const struct req *r, uint32_t to, int64_t at,
             int64_t now)
{
    narrate(c, now, "  %s sends %s %llu to %s, arriving at %.6f s",
            node_name(c, r->node),
            r->failed         ? "an error for object"
            : r->not_modified ? "304 Not Modified for object"
                              : "object",
            (unsigned long long)r->object, node_name(c, to), (double)at / 1e9);
}

/* Client request r is answered, after last_mile more on its own link. */
void
explain_client(const struct cdn *c, const struct req *r, int64_t last_mile,
               int64_t now)
{
    const char *region = c->t->regions[r->region].name;
    if (r->failed) {
        narrate(c, now, "  %s answers the client in %s with an error",
                node_name(c, r->node), region);
        return;
    }
    narrate(c, now,
            "  %s answers the client in %s with object %llu: "
            "latency %.3f ms (%.3f ms at the edge + %.3f ms to and "
            "from the client)",
            node_name(c, r->node), region, (unsigned long long)r->object,
            (double)(now - r->t_arrive + last_mile) / 1e6,
            (double)(now - r->t_arrive) / 1e6, (double)last_mile / 1e6);
}

/* A request reaches node ni's servers: one takes it, done at `done`, or
 * (done < 0) all are busy and it waits in line. */
void
explain_service(const struct cdn *c, uint32_t ni, int64_t done, int64_t now)
{
    const struct node *n = &c->nodes[ni];
    if (done >= 0)
        narrate(c, now, "  %s: a server takes it, done at %.6f s",
                node_name(c, ni), (double)done / 1e9);
    else
        narrate(c, now, "  %s: all %u servers busy: waits, %u ahead in line",
                node_name(c, ni), n->service->servers, n->waiting_n);
}

/* Node ni fails with requests waiting for its servers. */
void
explain_fail(const struct cdn *c, uint32_t ni, int64_t now)
{
    narrate(c, now, "%s fails: %u waiting requests are lost", node_name(c, ni),
            c->nodes[ni].waiting_n);
}
