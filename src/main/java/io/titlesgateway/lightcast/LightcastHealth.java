package io.titlesgateway.lightcast;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.titlesgateway.config.TitlesConfig;
import io.titlesgateway.titles.BackendReadiness;
import io.titlesgateway.titles.ServiceStatus;

/**
 * Whether Lightcast can serve this replica's callers, judged only on evidence: the outcome of every
 * request the gateway made (an answer, even a 4xx or a 429, says Lightcast is there; a 5xx, a
 * timeout or a refused connection says it is not), what {@code /status} said whenever it was asked,
 * the token endpoint refusing the credentials, and the breaker. A busy budget is no evidence: a
 * call that got no permit never reached Lightcast.
 *
 * <p>The newest evidence decides, except that one failed request alone (which the retries may well
 * repair) does not turn a healthy verdict: two failures in a row do. While callers keep Lightcast
 * busy, their calls are the evidence; only when nothing has been heard for a readiness interval
 * does a probe ask {@code /status}, and then only with a permit nobody is waiting for, so that a
 * probe never takes a permit from a caller.
 */
@ApplicationScoped
public class LightcastHealth {

    private static final Logger LOG = Logger.getLogger(LightcastHealth.class);
    /** Failed requests in a row that outweigh an earlier answer. */
    static final int FAILURES_IN_A_ROW = 2;

    private final long intervalNanos;
    private final GuardedLightcast upstream;
    private volatile BackendReadiness verdict = BackendReadiness.down("Lightcast has not been asked yet");
    /** When evidence last came in (System.nanoTime()); 0: never. */
    private volatile long lastEvidenceAt;
    private volatile long lastProbeAt;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    /** The detail of the last failure a caller was told of; what an open breaker repeats. */
    private volatile String lastFailure;
    private final AtomicBoolean probing = new AtomicBoolean();

    @Inject
    LightcastHealth(TitlesConfig config, GuardedLightcast upstream) {
        this.intervalNanos = config.readinessInterval().toNanos();
        this.upstream = upstream;
    }

    /**
     * Lightcast's health as the evidence says, the breaker first; asks {@code /status} in the
     * background when nothing has been heard for an interval. Never waits.
     */
    public BackendReadiness readiness() {
        probeIfQuiet();
        CircuitBreakerState breaker = LightcastGuard.breakerState();
        if (breaker == CircuitBreakerState.OPEN) {
            return BackendReadiness.down("Lightcast failed too many recent calls: the circuit breaker is open");
        }
        return verdict;
    }

    /** Seconds since Lightcast was last heard from, for readiness's data; -1 if never. */
    public long secondsSinceLastEvidence() {
        long at = lastEvidenceAt;
        return at == 0 ? -1 : TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - at);
    }

    /** Asks {@code /status} now, unless a probe is under way: at start-up, before any caller. */
    void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        lastProbeAt = System.nanoTime();
        // a probe that got no idle permit learnt nothing; one that reached Lightcast was heard by observed()
        upstream.statusIfIdle().onTermination().invoke(() -> probing.set(false)).subscribe().with(status -> { }, failure -> { });
    }

    private void probeIfQuiet() {
        long now = System.nanoTime();
        long heard = lastEvidenceAt;
        if ((heard == 0 || now - heard > intervalNanos) && now - lastProbeAt > intervalNanos) {
            probe();
        }
    }

    /** One request's outcome, as the metrics name it: Lightcast's status code, or timeout, io_error, token_error. */
    void observed(String endpoint, String outcome) {
        switch (outcome) {
            case "timeout" -> failed("Lightcast did not answer " + endpoint + " in time");
            case "io_error" -> failed("Lightcast could not be reached on " + endpoint);
            case "token_error" -> decided(BackendReadiness.down("Lightcast's token endpoint refused the gateway's credentials "
                    + "or did not answer"));
            default -> {
                int status = parseStatus(outcome);
                if (status >= 500) {
                    failed("Lightcast answered " + endpoint + " with HTTP " + status);
                } else {
                    failuresInARow.set(0);
                    decided(BackendReadiness.up("Lightcast answered " + endpoint));
                }
            }
        }
    }

    /** Why the last call that Lightcast failed failed, as its caller was told: what an open breaker repeats. */
    void failedWith(String detail) {
        lastFailure = detail;
    }

    /** The last failure's detail; null if none yet. */
    String lastFailure() {
        return lastFailure;
    }

    /** What {@code /status} said, whoever asked it. */
    void statusSaid(ServiceStatus status) {
        decided(status.healthy() ? BackendReadiness.up("Lightcast /status says: " + status.message())
                : BackendReadiness.down("Lightcast /status says: " + status.message()));
    }

    private void failed(String reason) {
        if (failuresInARow.incrementAndGet() >= FAILURES_IN_A_ROW || !verdict.ready()) {
            decided(BackendReadiness.down(reason));
        } else {
            lastEvidenceAt = System.nanoTime();
        }
    }

    private void decided(BackendReadiness now) {
        BackendReadiness before = verdict;
        verdict = now;
        lastEvidenceAt = System.nanoTime();
        if (before.ready() != now.ready()) {
            LOG.infof("Lightcast readiness: %s (%s)", now.ready() ? "UP" : "DOWN", now.reason());
        }
    }

    private static int parseStatus(String outcome) {
        try {
            return Integer.parseInt(outcome);
        } catch (NumberFormatException notAStatus) {
            return 0;
        }
    }
}
