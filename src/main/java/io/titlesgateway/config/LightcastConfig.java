package io.titlesgateway.config;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the gateway reaches Lightcast. Secrets come from the environment, never from a committed file. */
@ConfigMapping(prefix = "lightcast")
public interface LightcastConfig {

    /** Client id issued by Lightcast ({@code LIGHTCAST_CLIENT_ID}); with the secret, it turns the Lightcast backend on. */
    Optional<String> clientId();

    /** Client secret issued by Lightcast ({@code LIGHTCAST_CLIENT_SECRET}); never logged, never answered. */
    Optional<String> clientSecret();

    /** OAuth scope asked for with each token ({@code LIGHTCAST_SCOPE}). */
    @WithDefault("emsi_open")
    String scope();

    /** Base URL of the auth server; the token path {@code /connect/token} is appended ({@code LIGHTCAST_AUTH_URL}). */
    @WithDefault("https://auth.emsicloud.com")
    String authUrl();

    /** Base URL of the Titles API ({@code LIGHTCAST_API_URL}). */
    @WithDefault("https://emsiservices.com/titles")
    String apiUrl();

    /** Upstream calls per second, all endpoints together ({@code LIGHTCAST_RATE_LIMIT}); Lightcast's default is 5. */
    @WithDefault("5")
    int rateLimit();

    /** How long a call may wait for a permit of the budget before the caller gets 429 ({@code LIGHTCAST_BUDGET_DEADLINE}). */
    @WithDefault("3S")
    Duration budgetDeadline();

    /** Longest pause of the budget after an upstream 429, whatever Retry-After says. */
    @WithDefault("60S")
    Duration maxPause();

    /** Longest one attempt may take: its wait for a permit, the token and the request. */
    @WithDefault("8S")
    Duration attemptTimeout();

    /**
     * Largest answer read from the Titles API ({@code LIGHTCAST_MAX_ANSWER_SIZE}); a longer one is cut off and
     * answered 502, so an upstream that sends without end cannot fill the heap.
     */
    @WithDefault("16M")
    MemorySize maxAnswerSize();

    /** Bulk normalization and micro-batching. */
    Bulk bulk();

    /** Retries of a call that failed with a 5xx, a timeout or a dropped connection. */
    Retry retry();

    /** The circuit breaker in front of Lightcast. */
    Breaker breaker();

    /**
     * At start, fetch what the first normalize needs ({@code /meta} and the latest version's fields) right
     * after the first token, so a pod woken by a request answers it with one upstream call ({@code LIGHTCAST_WARM_UP}).
     */
    @WithDefault("true")
    boolean warmUp();

    /**
     * How long a normalize or inspect answer of a concrete version is kept, in process and in Redis
     * ({@code LIGHTCAST_ANSWER_LIFETIME}): a version's answers never change, so in effect its life;
     * the caches' sizes bound them.
     */
    @WithDefault("3650D")
    Duration answerLifetime();

    /** How often, at most, the gateway asks Lightcast again whether a spent normalize quota is back before its reset. */
    @WithDefault("60S")
    Duration quotaProbeInterval();

    /** Below this many normalize calls left in the quota, readiness reports the quota as low. */
    @WithDefault("10")
    long quotaLowWatermark();

    /** Bulk normalization: whether these credentials may use it, and how single misses are gathered into it. */
    interface Bulk {

        /** The credentials have bulk permission ({@code LIGHTCAST_BULK_ENABLED}): single misses and streams go out in bulk calls. */
        @WithDefault("false")
        boolean enabled();

        /** How long a single normalize miss waits for others to share its bulk call ({@code LIGHTCAST_BULK_WINDOW}). */
        @WithDefault("20MS")
        Duration window();

        /**
         * How long a bulk call that could carry more, its permit come, waits for callers who will soon ask again: those of
         * calls under way, and those just answered while they keep coming back ({@code LIGHTCAST_BULK_RETURN_WAIT}; 0: never).
         */
        @WithDefault("200MS")
        Duration returnWait();
    }

    /** Retries with exponential backoff and jitter; never on 4xx. */
    interface Retry {

        /** Retries after the first attempt. */
        @WithDefault("2")
        int maxRetries();

        /** Delay before the first retry; each next one is three times longer. */
        @WithDefault("200MS")
        Duration delay();

        /** Random extra or less delay, up to this much, so that retries do not march in step. */
        @WithDefault("100MS")
        Duration jitter();
    }

    /** Opens after too many failures among recent calls, so a failing Lightcast is left alone for a while. */
    interface Breaker {

        /** Calls in the rolling window that the failure ratio is computed over. */
        @WithDefault("10")
        int requestVolume();

        /** Share of failed calls in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before it lets a trial call through. */
        @WithDefault("5S")
        Duration delay();

        /** Trial calls that must succeed, half-open, to close it again. */
        @WithDefault("2")
        int successThreshold();
    }

    /** True when both halves of the client credentials are set. */
    default boolean credentialsConfigured() {
        return clientId().filter(id -> !id.isBlank()).isPresent()
                && clientSecret().filter(secret -> !secret.isBlank()).isPresent();
    }
}
