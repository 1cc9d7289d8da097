package io.titlesgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.titlesgateway.config.TitlesConfig;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.TitlesService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Who may call the gateway. With authentication required ({@code TITLES_AUTH}; by default whenever
 * the Lightcast backend serves, since then callers spend paid credentials and a scarce budget),
 * every {@code /titles} request must carry a token the gateway issued from {@code /connect/token}
 * to a caller of {@code TITLES_CLIENTS}. Started with authentication required and no caller, the
 * gateway refuses to start.
 */
@ApplicationScoped
public class CallerAuth {

    private static final Logger LOG = Logger.getLogger(CallerAuth.class);
    /** Secret checks running at once: each costs about a tenth of a second of CPU, and anyone can ask for one. */
    private static final int CONCURRENT_SECRET_CHECKS = 2;

    /** Checked against when the client id is unknown, so that an unknown id costs what a known one does; made when first needed. */
    private static final class Decoy {
        static final SecretHash HASH = SecretHash.parse(SecretHash.of("decoy-secret-for-unknown-client-ids"));
    }

    /** A token granted: what {@code /connect/token} answers. */
    public record TokenGrant(String accessToken, long expiresIn, String scope) {
    }

    /** A token request refused, as OAuth says it: an HTTP status and an error code. */
    public static final class TokenRefused extends RuntimeException {
        private final int status;
        private final String error;

        TokenRefused(int status, String error) {
            super(error, null, false, false);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }

    /** The request-scoped slot (a Vert.x duplicated-context local) that names the caller a request is for. */
    private static final String CALLER_LOCAL = "titles.caller";
    /** Who requests are for when callers do not authenticate, or when no request is in view. */
    public static final String ANONYMOUS = "anonymous";

    @Inject
    TitlesConfig config;

    @Inject
    TitlesService titles;

    /** Callers may also come with tokens of the platform's identity provider, when one is configured. */
    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean identityProviderEnabled;

    private final Clock clock = Clock.systemUTC();
    private final CallerLimits limits = new CallerLimits(clock);
    private final Semaphore secretChecks = new Semaphore(CONCURRENT_SECRET_CHECKS);
    /** Per caller, a digest of the secret last proven, so that a caller asking again costs no slow check. */
    private final Map<String, byte[]> proven = new ConcurrentHashMap<>();
    private volatile boolean required;
    private volatile Callers callers = Callers.none();
    private volatile CallerToken tokens;

    void start(@Observes StartupEvent event) {
        callers = config.clients().filter(json -> !json.isBlank()).map(Callers::parse).orElse(Callers.none());
        required = required(config.auth(), titles.serving() == TitlesService.Serving.LIGHTCAST,
                !callers.isEmpty() || identityProviderEnabled);
        tokens = new CallerToken(signingKey());
        LOG.infof("Callers %s%s", required ? "must authenticate" : "need not authenticate",
                callers.isEmpty() ? "" : "; " + callers.ids().size() + " caller(s) configured");
    }

    /**
     * Whether callers must authenticate: {@code auto} means whenever Lightcast serves (paid
     * credentials, a scarce budget). Throws, saying what to set, when they must but no caller could.
     */
    static boolean required(TitlesConfig.Auth mode, boolean lightcastServes, boolean callersConfigured) {
        boolean required = switch (mode) {
            case NONE -> false;
            case REQUIRED -> true;
            case AUTO -> lightcastServes;
        };
        if (required && !callersConfigured) {
            throw new IllegalStateException("Callers must authenticate (TITLES_AUTH=" + mode.name().toLowerCase(Locale.ROOT)
                    + (mode == TitlesConfig.Auth.AUTO ? ", and the Lightcast backend serves" : "")
                    + ") but no caller is configured: set TITLES_CLIENTS (and TITLES_TOKEN_SIGNING_KEY) or an identity provider "
                    + "(QUARKUS_OIDC_TENANT_ENABLED, QUARKUS_OIDC_AUTH_SERVER_URL), see docs/security.md"
                    + ", or set TITLES_AUTH=none to leave the gateway open to anyone who can reach it.");
        }
        return required;
    }

    private byte[] signingKey() {
        var configured = config.tokenSigningKey().filter(key -> !key.isBlank());
        if (configured.isPresent()) {
            byte[] key = Base64.getDecoder().decode(configured.get().strip());
            if (key.length < 32) {
                throw new IllegalStateException("TITLES_TOKEN_SIGNING_KEY must be at least 32 bytes, Base64-encoded "
                        + "(a random one: openssl rand -base64 32)");
            }
            return key;
        }
        if (required && LaunchMode.current() == LaunchMode.NORMAL) {
            throw new IllegalStateException("Callers must authenticate but TITLES_TOKEN_SIGNING_KEY is not set: set it from a "
                    + "Secret to at least 32 random bytes, Base64-encoded (openssl rand -base64 32), the same on every replica.");
        }
        if (required) {
            LOG.warn("No TITLES_TOKEN_SIGNING_KEY: tokens are signed with a key generated at start-up, valid for this "
                    + "process only. Set one outside dev mode.");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    public boolean required() {
        return required;
    }

    /** The caller a bearer token proves, if the gateway issued it and it is still good; null otherwise. */
    public String authenticate(String bearer) {
        CallerToken.Claims claims = tokens.verify(bearer, clock.instant());
        if (claims == null || callers.find(claims.caller()) == null) {
            return null; // a caller removed from TITLES_CLIENTS loses its tokens too
        }
        return claims.caller();
    }

    /**
     * Counts a request of an authenticated caller against its own caps ({@code ratePerSecond},
     * {@code dailyNormalize} in {@code TITLES_CLIENTS}); the 429 to answer if it is over one, else null.
     */
    public TitlesException admit(String caller, boolean normalize) {
        Callers.Caller known = callers.find(caller);
        return known == null ? null : limits.admit(known, normalize);
    }

    /** Remembers, for the rest of the request being handled, which caller it is for. */
    public static void remember(String caller) {
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            ContextLocals.put(CALLER_LOCAL, caller);
        }
    }

    /** The caller of the request being handled on this thread, or {@link #ANONYMOUS}. */
    public static String currentCaller() {
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            return ContextLocals.<String>get(CALLER_LOCAL).orElse(ANONYMOUS);
        }
        return ANONYMOUS;
    }

    /** The caller's share of the Lightcast normalize quota, if {@code TITLES_CLIENTS} gives it one. */
    public java.util.Optional<QuotaShare> quotaShareOf(String caller) {
        Callers.Caller known = callers.find(caller);
        return known == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(known.quotaShare());
    }

    /** The callers configured in {@code TITLES_CLIENTS}, by id, sorted. */
    public java.util.List<String> configuredCallers() {
        return callers.ids();
    }

    /** The weight of a caller in shares of the upstream budget; 1 for anyone not configured. */
    public int weightOf(String caller) {
        Callers.Caller known = callers.find(caller);
        return known == null ? 1 : known.weight();
    }

    /**
     * A token for a {@code client_credentials} request, as Lightcast's auth server grants one. The
     * secret check is slow on purpose, so it runs on a worker thread, a few at a time.
     */
    public Uni<TokenGrant> grant(String grantType, String clientId, String clientSecret, String scope) {
        if (!"client_credentials".equals(grantType)) {
            return Uni.createFrom().failure(new TokenRefused(400, "unsupported_grant_type"));
        }
        if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isEmpty()) {
            return Uni.createFrom().failure(new TokenRefused(400, "invalid_client"));
        }
        String granted = grantedScope(scope);
        if (granted == null) {
            return Uni.createFrom().failure(new TokenRefused(400, "invalid_scope"));
        }
        if (callers.isEmpty() && !required) {
            return Uni.createFrom().item(grantTo(clientId, granted)); // an open gateway: tokens are not checked anyway
        }
        Callers.Caller caller = callers.find(clientId);
        byte[] digest = digest(clientSecret);
        byte[] known = caller == null ? null : proven.get(caller.id());
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return Uni.createFrom().item(grantTo(caller.id(), granted));
        }
        if (!secretChecks.tryAcquire()) {
            return Uni.createFrom().failure(new TokenRefused(503, "temporarily_unavailable"));
        }
        return Uni.createFrom().item(() -> {
            try {
                SecretHash expected = caller == null ? Decoy.HASH : caller.secret();
                if (!expected.matches(clientSecret) || caller == null) {
                    LOG.warnf("Token refused: wrong client id or secret (client id %s)", printable(clientId));
                    throw new TokenRefused(400, "invalid_client");
                }
                proven.put(caller.id(), digest);
                return grantTo(caller.id(), granted);
            } finally {
                secretChecks.release();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private TokenGrant grantTo(String caller, String scope) {
        long lifetime = config.tokenLifetime().toSeconds();
        return new TokenGrant(tokens.issue(caller, scope, clock.instant(), lifetime), lifetime, scope);
    }

    /** The scope to grant: the one asked for if every part of it is offered, the first offered if none is asked. */
    private String grantedScope(String requested) {
        List<String> offered = config.tokenScopes();
        if (requested == null || requested.isBlank()) {
            return offered.get(0);
        }
        List<String> asked = Arrays.stream(requested.strip().split("\\s+")).toList();
        return offered.containsAll(asked) ? String.join(" ", asked) : null;
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** A caller-supplied id as it may appear in a log line: short, and only harmless characters. */
    private static String printable(String id) {
        String cut = id.length() > 64 ? id.substring(0, 64) : id;
        return cut.replaceAll("[^A-Za-z0-9._-]", "?");
    }
}
