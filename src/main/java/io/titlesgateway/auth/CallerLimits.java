package io.titlesgateway.auth;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.titlesgateway.titles.TitlesException;

/**
 * A caller's own caps, set in {@code TITLES_CLIENTS}: requests per second (a token bucket holding
 * one second's worth) and normalize requests per UTC day. Only callers that have a cap are tracked,
 * so the state is as small as the configuration.
 */
final class CallerLimits {

    private static final class State {
        double tokens;
        long refilledAt;
        LocalDate day;
        long normalizedToday;
    }

    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    CallerLimits(Clock clock) {
        this.clock = clock;
    }

    /** Counts one request of {@code caller} against its caps; the 429 to answer if it is over one, null if it may go on. */
    TitlesException admit(Callers.Caller caller, boolean normalize) {
        if (caller.ratePerSecond() == null && caller.dailyNormalize() == null) {
            return null;
        }
        State state = states.computeIfAbsent(caller.id(), id -> new State());
        synchronized (state) {
            long now = System.nanoTime();
            if (caller.ratePerSecond() != null) {
                int rate = caller.ratePerSecond();
                if (state.refilledAt == 0) {
                    state.tokens = rate;
                } else {
                    state.tokens = Math.min(rate, state.tokens + (now - state.refilledAt) / 1e9 * rate);
                }
                state.refilledAt = now;
                if (state.tokens < 1) {
                    return TitlesException.tooManyRequests("This caller may make " + rate + " requests per second; slow down", 1);
                }
            }
            if (normalize && caller.dailyNormalize() != null) {
                LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
                if (!today.equals(state.day)) {
                    state.day = today;
                    state.normalizedToday = 0;
                }
                if (state.normalizedToday >= caller.dailyNormalize()) {
                    long untilMidnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - clock.instant().getEpochSecond();
                    // a caller told to come back in an hour asks again then; one told "tomorrow" may never come back
                    return TitlesException.tooManyRequests("This caller's " + caller.dailyNormalize()
                            + " normalize requests for the day (UTC) are spent; they come back at midnight UTC, in "
                            + untilMidnight + " s", untilMidnight);
                }
                state.normalizedToday++;
            }
            if (caller.ratePerSecond() != null) {
                state.tokens -= 1;
            }
            return null;
        }
    }
}
