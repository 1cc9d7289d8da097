package io.titlesgateway.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plausible one, else a
 * new one. It is answered in the same header and put in the logging context, so every line logged
 * while the request is handled carries it ({@code requestId}, a field of the JSON logs).
 */
@ApplicationScoped
public class RequestIds {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    /** What a caller's id may look like; anything else is replaced, never logged. */
    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 2).handler(this::identify);
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an id need only be unique, and
     * {@link UUID#randomUUID()} would make every request share one SecureRandom on the hot path.
     */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;
        long low = random.nextLong() & ~(0xC000L << 48) | (0x8000L << 48);
        return new UUID(high, low).toString();
    }

    private void identify(RoutingContext routing) {
        String offered = routing.request().getHeader(HEADER);
        String id = offered != null && PLAUSIBLE.matcher(offered).matches() ? offered : newId();
        MDC.put(MDC_KEY, id);
        routing.response().putHeader(HEADER, id);
        routing.next();
    }
}
