package io.titlesgateway.api;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.titlesgateway.config.TitlesConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The request bodies under way, counted against {@code TITLES_BODIES_IN_FLIGHT} from a request's head to
 * its answer. A body is counted out when its answer ends or its connection closes; the HTTP layer's own
 * answers (a chunked body cut off at the size limit, an HTTP/2 stream it resets) replace the handlers that
 * would say so, so a sweep each second counts out whatever has ended without a word.
 */
@ApplicationScoped
public class BodiesInFlight {

    private static final long SWEEP_MILLIS = 1_000;

    private final AtomicLong held = new AtomicLong();
    private final Set<Body> bodies = ConcurrentHashMap.newKeySet();
    private final long most;

    @Inject
    BodiesInFlight(TitlesConfig config, MeterRegistry registry, Vertx vertx) {
        most = config.bodiesInFlight().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 8);
        Gauge.builder("titles.request.bodies.held", held, AtomicLong::get).baseUnit("bytes")
                .description("Bytes of request bodies counted against TITLES_BODIES_IN_FLIGHT now").register(registry);
        vertx.setPeriodic(SWEEP_MILLIS, timer -> sweep());
    }

    /** The most bytes of bodies held at once. */
    long most() {
        return most;
    }

    /**
     * Counts {@code size} bytes for the body of {@code routing}'s request until its answer, unless that would
     * pass the most: then it counts nothing and says so. A body alone may always be read.
     */
    boolean hold(RoutingContext routing, long size) {
        long now = held.addAndGet(size);
        if (now > most && now != size) {
            held.addAndGet(-size);
            return false;
        }
        Body body = new Body(routing.response(), size);
        bodies.add(body);
        routing.addEndHandler(ended -> release(body));
        return true;
    }

    private void sweep() {
        for (Body body : bodies) {
            if (body.response.ended() || body.response.closed()) {
                release(body);
            }
        }
    }

    /** Counts the body out, once: only the first of its end handler and the sweep finds it in the set. */
    private void release(Body body) {
        if (bodies.remove(body)) {
            held.addAndGet(-body.size);
        }
    }

    /** One request's body as counted; identity, not value, tells two apart. */
    private static final class Body {
        final HttpServerResponse response;
        final long size;

        Body(HttpServerResponse response, long size) {
            this.response = response;
            this.size = size;
        }
    }
}
