package io.titlesgateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which backend answers the Titles surface, who may call it, and how the stream and readiness behave. */
@ConfigMapping(prefix = "titles")
public interface TitlesConfig {

    /** {@code auto}: Lightcast when its credentials are set, else the embedded catalog ({@code TITLES_BACKEND}). */
    @WithDefault("auto")
    Backend backend();

    /** {@code catalog}: normalize requests Lightcast cannot answer are answered by the catalog ({@code TITLES_FALLBACK}). */
    @WithDefault("none")
    Fallback fallback();

    /** How long the first line of a partly filled stream chunk waits for more lines before the chunk is answered ({@code TITLES_STREAM_WINDOW}). */
    @WithDefault("20MS")
    Duration streamWindow();

    /** Streams answered at once; one more is refused with 503 and Retry-After ({@code TITLES_STREAM_MAX_CONCURRENT}). */
    @WithDefault("32")
    int streamMaxConcurrent();

    /** How often, at most, readiness asks Lightcast's {@code /status}, so probes never spend the budget ({@code TITLES_READINESS_INTERVAL}). */
    @WithDefault("15S")
    Duration readinessInterval();

    /** Who must authenticate ({@code TITLES_AUTH}): {@code auto} requires it whenever the Lightcast backend serves. */
    @WithDefault("auto")
    Auth auth();

    /**
     * The callers the gateway issues tokens to ({@code TITLES_CLIENTS}), as JSON:
     * {@code [{"id": "...", "secretHash": "pbkdf2-sha256$...", "weight": 1}]}; from a Secret.
     */
    Optional<String> clients();

    /** Key that signs the gateway's tokens, Base64, at least 32 bytes ({@code TITLES_TOKEN_SIGNING_KEY}); from a Secret. */
    Optional<String> tokenSigningKey();

    /** How long a token the gateway issues is valid ({@code TITLES_TOKEN_LIFETIME}); Lightcast's live an hour. */
    @WithDefault("3600S")
    Duration tokenLifetime();

    /** Scopes the token endpoint grants ({@code TITLES_TOKEN_SCOPES}); a request for another gets invalid_scope. */
    @WithDefault("emsi_open,lightcast_open_free")
    List<String> tokenScopes();

    /** Redis shared by every replica ({@code TITLES_REDIS_URL}, redis:// or rediss://, password in the URL); unset: all in process. */
    Optional<String> redisUrl();

    /** Longest wait on Redis before a replica goes it alone for a while ({@code TITLES_REDIS_TIMEOUT}). */
    @WithDefault("200MS")
    Duration redisTimeout();

    /** Most replicas that can run at once ({@code TITLES_MAX_REPLICAS}): without Redis each takes rate / this. */
    @WithDefault("1")
    int maxReplicas();

    /**
     * Directory of the answer store ({@code TITLES_DATA_DIR}), on a volume: normalize and inspect
     * answers kept there outlive restarts and scale-to-zero; unset: none.
     */
    Optional<String> dataDir();

    /** Largest size of the answer store's file ({@code TITLES_STORE_MAX_SIZE}); past it the answers used least recently go. */
    @WithDefault("256M")
    MemorySize storeMaxSize();

    /**
     * Most request-body bytes held at once, all requests together ({@code TITLES_BODIES_IN_FLIGHT}): past it a
     * request with a body is answered 429 before it is read; unset: an eighth of the heap.
     */
    Optional<MemorySize> bodiesInFlight();

    /**
     * Name of the primary that Redis Sentinel watches ({@code TITLES_REDIS_SENTINEL_MASTER}); when set,
     * {@code TITLES_REDIS_URL} lists the sentinels, comma-separated, and the replicas follow a failover.
     */
    Optional<String> redisSentinelMaster();

    enum Auth {
        AUTO,
        REQUIRED,
        NONE
    }

    enum Backend {
        AUTO,
        LIGHTCAST,
        CATALOG
    }

    enum Fallback {
        NONE,
        CATALOG
    }
}
