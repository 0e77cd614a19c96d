/* rtt_model.h: part of config.h (include that): a link whose latency is a
 * mapping (latency_spec.c): its round-trip distribution, losses and
 * connection setup. Apart so that config.h stays short; config.h
 * includes it where these types were. */
#ifndef SIM_CONFIG_RTT_MODEL_H
#define SIM_CONFIG_RTT_MODEL_H

#ifndef SIM_CONFIG_CONFIG_H
#error "include config/config.h, which includes this file"
#endif

/* How a link's round trips vary around their median (latency_spec.c). */
enum cfg_jitter {
    CFG_JITTER_NONE,      /* every round trip takes rtt */
    CFG_JITTER_LOGNORMAL, /* rtt * exp(sigma Z) */
    CFG_JITTER_PARETO,    /* Pareto of shape alpha whose median is rtt */
    CFG_JITTER_NORMAL,    /* rtt + sd Z, never below 0 */
    CFG_JITTER_EMPIRICAL  /* a table of quantiles, linear between them */
};

/* The handshake a new connection on a link pays before its request. */
enum cfg_setup {
    CFG_SETUP_NONE,  /* no setup cost (the default) */
    CFG_SETUP_TCP,   /* 1 RTT */
    CFG_SETUP_TLS13, /* TCP + TLS 1.3: 2 RTT */
    CFG_SETUP_TLS12, /* TCP + TLS 1.2: 3 RTT */
    CFG_SETUP_QUIC   /* 1 RTT; 0 when resumed (0-RTT) */
};

/* What a fetch does when every connection of its pool is busy. */
enum cfg_pool_full {
    CFG_POOL_WAIT, /* waits, first come first served, for one to free up
                      (the default: the pool bounds concurrency) */
    CFG_POOL_OPEN  /* opens an extra connection (with its handshake),
                      closed when its answer has left */
};

/*
 * A link whose latency_ms entry is a mapping: its round-trip
 * distribution, losses and connection setup. A link given a plain
 * number has none and takes the constant path.
 */
struct cfg_rtt_model {
    enum cfg_jitter jitter;
    cfg_time_ns rtt_ns;    /* the median round trip (empirical: the
                              table's) */
    double sigma;          /* lognormal: sd of ln(rtt), > 0 */
    double alpha;          /* pareto: the shape, > 0 */
    cfg_time_ns sd_ns;     /* normal: the standard deviation, > 0 */
    double *table_p;       /* empirical: cumulative probabilities,
                              rising, the last exactly 1 */
    cfg_time_ns *table_ns; /* empirical: the round trip at each p,
                              non-decreasing */
    size_t n_table;
    double loss;        /* probability a round trip is lost, [0, 1) */
    cfg_time_ns rto_ns; /* what each loss adds (retransmit timeout) */
    enum cfg_setup setup;
    double reuse;                 /* share of requests on an open connection */
    double resume;                /* quic: share of new connections resumed
                                     with 0-RTT */
    uint32_t pool;                /* node -> parent: keep-alive connections
                                     kept open, or 0 (reuse decides) */
    cfg_time_ns idle_timeout_ns;  /* pool: an idle connection closes after */
    enum cfg_pool_full pool_full; /* pool: when all N are busy */
    cfg_time_ns offset_ns;        /* added to every drawn round trip: 0, except
                                     on a no-CDN baseline's last mile, where it
                                     is the rest of the route (no_cdn.c) */
};

/* "tcp", "tls13", ... */
const char *cfg_setup_name(enum cfg_setup s);

/* Round trips a new connection's handshake takes (resumed: QUIC 0-RTT). */
int cfg_setup_rtts(enum cfg_setup s, int is_resumed);

#endif
