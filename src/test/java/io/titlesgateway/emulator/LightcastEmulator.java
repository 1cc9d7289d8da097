package io.titlesgateway.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.titlesgateway.emulator.EmulatorTaxonomy.EmulatedTitle;
import io.titlesgateway.emulator.EmulatorTaxonomy.Match;

/**
 * A stand-in for Lightcast on a loopback port: the auth server's {@code /connect/token} and the
 * Titles API under {@code /titles}, with the behaviours a gateway has to cope with — bearer checks,
 * 5 requests/s per token, normalize quota headers, 1 kB and 500-term limits, permissions — and
 * faults to inject. It records everything it receives so tests can assert what the upstream saw.
 *
 * <p>Where the real API's behaviour is undocumented the emulator picks one answer and says so:
 * a normalize with no title above the threshold is a 404; a bulk item below it has a null title;
 * more than 500 bulk terms is a 413; {@code RateLimit-Reset} on a 429 is in seconds.
 */
public final class LightcastEmulator implements AutoCloseable {

    public static final String DEFAULT_CLIENT_ID = "gateway-test";
    public static final String DEFAULT_CLIENT_SECRET = "emulator-secret-7c1d9f";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TERM_BYTES = 1024;
    private static final int MAX_BULK_TERMS = 500;
    private static final Pattern VERSION_PATH = Pattern.compile("/titles/versions/([^/]+)(/.*)?");

    private final HttpServer server;
    private final ExecutorService workers;
    private final EmulatorTaxonomy taxonomy = new EmulatorTaxonomy();
    private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
    private final Map<String, Long> tokenExpiryNanos = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> callsPerToken = new ConcurrentHashMap<>();
    private final AtomicInteger tokenCounter = new AtomicInteger();

    private final String clientId;
    private final String issuedSecret;
    private volatile String clientSecret;
    private volatile Set<String> grantedScopes = Set.of("emsi_open", "lightcast_open_free");
    private volatile long expiresInSeconds = 3600;
    private volatile int ratePerSecond = 5;
    private volatile int rateLimitResetSeconds = 1;
    private volatile boolean normalizePermission = true;
    private volatile boolean bulkPermission = true;
    private volatile boolean mappingPermission = true;
    private final AtomicLong quotaRemaining = new AtomicLong(1_000_000);
    private volatile Duration latency = Duration.ZERO;
    /** What each term of a bulk call adds to its latency: a big call takes Lightcast longer. */
    private volatile Duration latencyPerBulkTerm = Duration.ZERO;
    private volatile boolean tokenEndpointDown;
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private volatile int injectedStatus = 503;
    private final AtomicInteger rawAnswersToInject = new AtomicInteger();
    private volatile RawBody injectedAnswer;
    private final AtomicInteger rawTokenAnswersToInject = new AtomicInteger();
    private volatile RawBody injectedTokenAnswer;
    private final AtomicInteger resetsToInject = new AtomicInteger();
    private final AtomicInteger longAnswersToInject = new AtomicInteger();
    private volatile LongBody injectedLongAnswer;
    private final AtomicLong longAnswerBytesWritten = new AtomicLong();
    /** While set, answers to the held path wait here until it is released: a call the test knows is in flight. */
    private volatile CountDownLatch held;
    private volatile String heldPath = "";

    private LightcastEmulator(int port, String clientId, String clientSecret) throws IOException {
        this.clientId = clientId;
        this.issuedSecret = clientSecret;
        this.clientSecret = clientSecret;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        this.workers = Executors.newFixedThreadPool(64, runnable -> {
            Thread thread = new Thread(runnable, "lightcast-emulator");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
    }

    /** Starts an emulator on a free loopback port with the default test credentials. */
    public static LightcastEmulator start() {
        return start(0, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
    }

    public static LightcastEmulator start(int port, String clientId, String clientSecret) {
        try {
            LightcastEmulator emulator = new LightcastEmulator(port, clientId, clientSecret);
            emulator.server.start();
            return emulator;
        } catch (IOException unavailable) {
            throw new IllegalStateException("The emulator could not listen on port " + port, unavailable);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    // ---- where it listens -------------------------------------------------------------------

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The Titles API base, as {@code LIGHTCAST_API_URL} takes it. */
    public String apiUrl() {
        return baseUrl() + "/titles";
    }

    /** The auth server base, as {@code LIGHTCAST_AUTH_URL} takes it. */
    public String authUrl() {
        return baseUrl();
    }

    /** The id the emulator gives the title of that name. */
    public static String idOf(String titleName) {
        return EmulatorTaxonomy.idFor(titleName);
    }

    public String clientId() {
        return clientId;
    }

    /** The secret the gateway was configured with (rotating does not change it). */
    public String clientSecret() {
        return issuedSecret;
    }

    // ---- behaviour knobs --------------------------------------------------------------------

    /** The terms of every JSON bulk call received, call by call, in arrival order. */
    public List<List<String>> bulkTerms() {
        List<List<String>> calls = new ArrayList<>();
        for (ReceivedRequest call : apiCalls("/normalize/bulk")) {
            try {
                List<String> terms = new ArrayList<>();
                JSON.readTree(call.body()).get("terms").forEach(term -> terms.add(term.asText()));
                calls.add(terms);
            } catch (java.io.IOException | RuntimeException unreadable) {
                throw new IllegalStateException("A bulk call without a JSON terms array: " + call.body(), unreadable);
            }
        }
        return calls;
    }

    /**
     * What the emulator itself answers a JSON POST to {@code path} (under the Titles API), asked
     * directly with a fresh token: the reference a gateway answer is compared with.
     */
    public java.net.http.HttpResponse<String> postDirectly(String path, String json) {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(apiUrl() + path))
                .header("Authorization", "Bearer " + issueToken())
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException unreachable) {
            throw new IllegalStateException("The emulator could not be asked directly", unreachable);
        }
    }

    /**
     * The key the emulator signs identity-provider tokens with, as a platform's identity provider would:
     * made on first use, once per JVM, as making an RSA key costs a start of the emulator a second or more.
     */
    private static final class IdpKey {
        static final java.security.KeyPair PAIR = newRsaKey();
    }

    private static java.security.KeyPair newRsaKey() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }

    /** The identity provider's public keys, as {@code <baseUrl>/idp/jwks} serves them. */
    private Map<String, Object> jwks() {
        var key = (java.security.interfaces.RSAPublicKey) IdpKey.PAIR.getPublic();
        java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
        return Map.of("keys", List.of(Map.of("kty", "RSA", "kid", "emulated-idp", "use", "sig", "alg", "RS256",
                "n", url.encodeToString(unsigned(key.getModulus().toByteArray())),
                "e", url.encodeToString(unsigned(key.getPublicExponent().toByteArray())))));
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /**
     * A token of the emulated identity provider (RS256, its key) for {@code subject}, with the given
     * issuer and audience, valid for {@code lifetimeSeconds} (negative: already expired).
     */
    public String issueIdpToken(String subject, String issuer, String audience, long lifetimeSeconds) {
        try {
            java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
            long now = System.currentTimeMillis() / 1000;
            String header = url.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "kid", "emulated-idp")));
            String claims = url.encodeToString(JSON.writeValueAsBytes(Map.of("iss", issuer, "aud", audience, "sub", subject,
                    "iat", now, "exp", now + lifetimeSeconds, "jti", java.util.UUID.randomUUID().toString())));
            java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initSign(IdpKey.PAIR.getPrivate());
            signature.update((header + "." + claims).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return header + "." + claims + "." + url.encodeToString(signature.sign());
        } catch (java.io.IOException | java.security.GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Back to the defaults and an empty record; tokens already issued stay valid. */
    public void reset() {
        received.clear();
        callsPerToken.clear();
        clientSecret = issuedSecret;
        grantedScopes = Set.of("emsi_open", "lightcast_open_free");
        expiresInSeconds = 3600;
        ratePerSecond = 5;
        rateLimitResetSeconds = 1;
        normalizePermission = true;
        bulkPermission = true;
        mappingPermission = true;
        quotaRemaining.set(1_000_000);
        latency = Duration.ZERO;
        latencyPerBulkTerm = Duration.ZERO;
        tokenEndpointDown = false;
        failuresToInject.set(0);
        rawAnswersToInject.set(0);
        rawTokenAnswersToInject.set(0);
        resetsToInject.set(0);
        longAnswersToInject.set(0);
        longAnswerBytesWritten.set(0);
        release();
    }

    /**
     * From now on every answer to an API path ending with {@code pathSuffix} (or to a token request,
     * for {@code /connect/token}) waits, decided but unsent, until {@link #release()}.
     */
    public void hold(String pathSuffix) {
        heldPath = pathSuffix;
        held = new CountDownLatch(1);
    }

    /** Sends every held answer, and holds no more. */
    public void release() {
        var gate = held;
        held = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** From now on only {@code newSecret} is accepted, as after a rotation the gateway missed. */
    public void rotateSecret(String newSecret) {
        clientSecret = newSecret;
    }

    public void grantedScopes(Set<String> scopes) {
        grantedScopes = Set.copyOf(scopes);
    }

    public void tokenLifetime(Duration lifetime) {
        expiresInSeconds = lifetime.toSeconds();
    }

    /** A valid token issued without a token request, for a test that wants to ask the emulator itself. */
    public String issueToken() {
        String token = "emu.direct." + UUID.randomUUID();
        tokenExpiryNanos.put(token, System.nanoTime() + Duration.ofSeconds(expiresInSeconds).toNanos());
        return token;
    }

    /** Every token issued so far stops being accepted, as if Lightcast had revoked them. */
    public void revokeTokens() {
        tokenExpiryNanos.clear();
    }

    public void ratePerSecond(int perSecond) {
        ratePerSecond = perSecond;
    }

    /** The {@code RateLimit-Reset} (seconds) sent with a rate-limit 429. */
    public void rateLimitReset(int seconds) {
        rateLimitResetSeconds = seconds;
    }

    public void permissions(boolean normalize, boolean bulk, boolean mapping) {
        normalizePermission = normalize;
        bulkPermission = bulk;
        mappingPermission = mapping;
    }

    public void quota(long remaining) {
        quotaRemaining.set(remaining);
    }

    public void latency(Duration delay) {
        latency = delay;
    }

    /** Each call waits {@code delay} before it answers, and a bulk call {@code perTerm} more for each of its terms. */
    public void latency(Duration delay, Duration perTerm) {
        latency = delay;
        latencyPerBulkTerm = perTerm;
    }

    public void tokenEndpointDown(boolean down) {
        tokenEndpointDown = down;
    }

    /** The next {@code count} API calls are answered with {@code status} in the error envelope. */
    public void failNext(int count, int status) {
        injectedStatus = status;
        failuresToInject.set(count);
    }

    /**
     * The next {@code count} API calls are answered 200 with {@code body}, sent as it is with
     * {@code contentType}: an answer the API's contract does not allow (a proxy's page, broken JSON).
     */
    public void answerNext(int count, String contentType, String body) {
        injectedAnswer = new RawBody(contentType, body);
        rawAnswersToInject.set(count);
    }

    /** The next {@code count} token requests are answered 200 with {@code body}, sent as it is with {@code contentType}. */
    public void answerNextTokenRequest(int count, String contentType, String body) {
        injectedTokenAnswer = new RawBody(contentType, body);
        rawTokenAnswersToInject.set(count);
    }

    /**
     * The next {@code count} API calls are answered 200 with a title whose JSON is {@code bytes} long, its
     * length declared or, {@code chunked}, not: longer than any answer the contract gives. Written as the
     * reader takes it; {@link #longAnswerBytesWritten()} tells how much was written before it stopped reading.
     */
    public void answerNextAtLength(int count, long bytes, boolean chunked) {
        injectedLongAnswer = new LongBody(bytes, chunked);
        longAnswersToInject.set(count);
    }

    /** Bytes of the answers {@link #answerNextAtLength} injected that were written before their reader went away. */
    public long longAnswerBytesWritten() {
        return longAnswerBytesWritten.get();
    }

    /** The next {@code count} API calls get their connection closed without an answer. */
    public void resetNext(int count) {
        resetsToInject.set(count);
    }

    // ---- what it saw ------------------------------------------------------------------------

    public List<ReceivedRequest> received() {
        return List.copyOf(received);
    }

    public List<ReceivedRequest> apiCalls() {
        return received.stream().filter(ReceivedRequest::isApiCall).toList();
    }

    public List<ReceivedRequest> apiCalls(String pathSuffix) {
        return apiCalls().stream().filter(call -> call.path().endsWith(pathSuffix)).toList();
    }

    public long tokenRequests() {
        return received.stream().filter(ReceivedRequest::isTokenRequest).count();
    }

    /** The most API calls that arrived within any one-second span. */
    public int peakCallsPerSecond() {
        return busiestSecond().size();
    }

    /** The API calls of the one-second span that received the most, in arrival order. */
    public List<ReceivedRequest> busiestSecond() {
        List<ReceivedRequest> calls = apiCalls().stream().sorted(java.util.Comparator.comparingLong(ReceivedRequest::atNanos)).toList();
        int bestStart = 0;
        int peak = 0;
        int start = 0;
        for (int end = 0; end < calls.size(); end++) {
            while (calls.get(end).atNanos() - calls.get(start).atNanos() >= 1_000_000_000L) {
                start++;
            }
            if (end - start + 1 > peak) {
                peak = end - start + 1;
                bestStart = start;
            }
        }
        return calls.subList(bestStart, bestStart + peak);
    }

    /** What the standalone emulator tells a benchmark: calls received, token requests, the peak rate. */
    private Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("apiCalls", apiCalls().size());
        stats.put("rateLimited", apiCalls().stream().filter(call -> call.status() == 429).count());
        stats.put("tokenRequests", tokenRequests());
        stats.put("peakCallsPerSecond", peakCallsPerSecond());
        return stats;
    }

    // ---- the HTTP side ----------------------------------------------------------------------

    /** A body sent as it is, not written as JSON. */
    private record RawBody(String contentType, String text) {
    }

    /** A title's JSON {@code bytes} long, its length declared unless {@code chunked}. */
    private record LongBody(long bytes, boolean chunked) {
    }

    private record Reply(int status, Object body, Map<String, String> headers) {

        static Reply ok(Object data) {
            return new Reply(200, Map.of("data", data), Map.of());
        }

        static Reply error(int status, String title, String detail) {
            return new Reply(status, Map.of("errors", List.of(errorItem(status, title, detail))), Map.of());
        }

        Reply with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Reply(status, body, more);
        }
    }

    private static Map<String, Object> errorItem(int status, String title, String detail) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("status", status);
        item.put("title", title);
        item.put("detail", detail);
        return item;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        String body = readBody(exchange.getRequestBody());
        String path = exchange.getRequestURI().getRawPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String bearer = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        if (path.equals("/emulator/stats")) {
            send(exchange, new Reply(200, stats(), Map.of()));
            return;
        }
        if (path.equals("/idp/jwks")) {
            send(exchange, new Reply(200, jwks(), Map.of()));
            return;
        }
        Duration delay = latency.plus(latencyPerBulkTerm.multipliedBy(bulkTermsIn(path, body)));
        // every decision is taken on arrival, so a slow answer never consumes a fault meant for a later call
        boolean drop = path.startsWith("/titles") && resetsToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        Reply reply;
        try {
            reply = drop ? null : path.equals("/connect/token") ? token(exchange, body) : api(exchange, path, bearer, body);
        } catch (BadInput bad) {
            reply = Reply.error(bad.status, bad.title, bad.getMessage());
        } catch (RuntimeException bug) {
            reply = Reply.error(500, "Internal Server Error", "Emulator failure: " + bug);
        }
        record(exchange, path, bearer, body, arrived, drop ? 0 : reply.status());
        var gate = (path.startsWith("/titles") && path.endsWith(heldPath)) || path.equals(heldPath) ? held : null;
        try {
            if (gate != null) {
                gate.await(60, TimeUnit.SECONDS);
            }
            if (!delay.isZero()) {
                TimeUnit.NANOSECONDS.sleep(delay.toNanos());
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
        if (drop) {
            exchange.close();
            return;
        }
        send(exchange, reply);
    }

    /** The terms of a bulk call (lines or a JSON array), roughly: enough to make its latency grow with them. */
    private static int bulkTermsIn(String path, String body) {
        if (!path.endsWith("/normalize/bulk")) {
            return 0;
        }
        int at = body.indexOf("\"terms\"");
        if (at < 0) {
            return (int) body.lines().filter(line -> !line.isBlank()).count();
        }
        int open = body.indexOf('[', at);
        int close = open < 0 ? -1 : body.indexOf(']', open);
        if (close < 0) {
            return 0;
        }
        String inside = body.substring(open + 1, close);
        return inside.isBlank() ? 0 : inside.split("\",\\s*\"", -1).length;
    }

    private void record(HttpExchange exchange, String path, String bearer, String body, long arrived, int status) {
        received.add(new ReceivedRequest(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders().getFirst("Content-Type"), bearer, body, arrived, status,
                exchange.getRequestHeaders().getFirst("traceparent")));
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.body() instanceof LongBody longBody) {
            sendLong(exchange, longBody);
            return;
        }
        RawBody raw = reply.body() instanceof RawBody asIs ? asIs : null;
        byte[] bytes = raw != null ? raw.text().getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", raw != null ? raw.contentType() : "application/json; charset=utf-8");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length); // 0 would mean chunked
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void sendLong(HttpExchange exchange, LongBody body) throws IOException {
        byte[] head = "{\"data\": {\"id\": \"ET0000000000000001\", \"name\": \"".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}}".getBytes(StandardCharsets.US_ASCII);
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'a');
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, body.chunked() ? 0 : body.bytes());
        long fill = body.bytes() - head.length - tail.length;
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(head);
            longAnswerBytesWritten.addAndGet(head.length);
            for (long left = fill; left > 0; left -= filler.length) {
                int piece = (int) Math.min(left, filler.length);
                out.write(filler, 0, piece);
                longAnswerBytesWritten.addAndGet(piece);
            }
            out.write(tail);
            longAnswerBytesWritten.addAndGet(tail.length);
        } catch (IOException readerWentAway) {
            // what was written is counted; the reader stopped reading, which is what the tests look for
        }
    }

    private static String readBody(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    // ---- auth server ------------------------------------------------------------------------

    private Reply token(HttpExchange exchange, String body) {
        if (tokenEndpointDown) {
            return new Reply(503, Map.of("error", "temporarily_unavailable"), Map.of());
        }
        if (rawTokenAnswersToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Reply(200, injectedTokenAnswer, Map.of());
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            return new Reply(400, Map.of("error", "invalid_request"), Map.of());
        }
        Map<String, String> form = parseForm(body);
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (id == null && basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            id = pair[0];
            secret = pair.length > 1 ? pair[1] : null;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return new Reply(400, Map.of("error", "unsupported_grant_type"), Map.of());
        }
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            return new Reply(400, Map.of("error", "invalid_client"), Map.of());
        }
        String scope = form.getOrDefault("scope", "");
        for (String wanted : scope.split(" ")) {
            if (!wanted.isEmpty() && !grantedScopes.contains(wanted)) {
                return new Reply(400, Map.of("error", "invalid_scope"), Map.of());
            }
        }
        String token = "emu." + tokenCounter.incrementAndGet() + "." + UUID.randomUUID();
        tokenExpiryNanos.put(token, System.nanoTime() + Duration.ofSeconds(expiresInSeconds).toNanos());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token);
        answer.put("expires_in", expiresInSeconds);
        answer.put("token_type", "Bearer");
        answer.put("scope", scope);
        return new Reply(200, answer, Map.of("Cache-Control", "no-store"));
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                String[] parts = pair.split("=", 2);
                form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return form;
    }

    // ---- Titles API -------------------------------------------------------------------------

    private Reply api(HttpExchange exchange, String path, String bearer, String body) {
        if (!path.startsWith("/titles")) {
            return Reply.error(404, "URL not found", "No such path");
        }
        Long expiry = bearer == null ? null : tokenExpiryNanos.get(bearer);
        if (expiry == null || System.nanoTime() > expiry) {
            return Reply.error(401, "Unauthorized", "Missing, invalid or expired bearer token");
        }
        if (!withinRate(bearer)) {
            return Reply.error(429, "Too Many Requests", "Rate limit exceeded")
                    .with("RateLimit-Reset", String.valueOf(rateLimitResetSeconds));
        }
        if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Reply.error(injectedStatus, "Injected failure", "The emulator was told to fail this call");
        }
        if (rawAnswersToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Reply(200, injectedAnswer, Map.of());
        }
        if (longAnswersToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new Reply(200, injectedLongAnswer, Map.of());
        }
        String method = exchange.getRequestMethod();
        Map<String, String> query = parseForm(exchange.getRequestURI().getRawQuery() == null ? ""
                : exchange.getRequestURI().getRawQuery());
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (path.equals("/titles/status") && method.equals("GET")) {
            return Reply.ok(Map.of("message", "Service is healthy", "healthy", true));
        }
        if (path.equals("/titles/meta") && method.equals("GET")) {
            return Reply.ok(Map.of("attribution", Map.of("title", "Lightcast Titles",
                    "body", "Lightcast Titles is a comprehensive library of job titles defined by Lightcast."),
                    "latestVersion", EmulatorTaxonomy.LATEST));
        }
        if (path.equals("/titles/versions") && method.equals("GET")) {
            return Reply.ok(EmulatorTaxonomy.VERSIONS);
        }
        Matcher versioned = VERSION_PATH.matcher(path);
        if (!versioned.matches()) {
            return Reply.error(404, "URL not found", "No such path");
        }
        String version = versioned.group(1).equals("latest") ? EmulatorTaxonomy.LATEST : versioned.group(1);
        if (!EmulatorTaxonomy.VERSIONS.contains(version)) {
            return Reply.error(404, "URL not found", "Unrecognized version: " + versioned.group(1));
        }
        String rest = versioned.group(2) == null ? "" : versioned.group(2);
        return switch (method + " " + (rest.startsWith("/titles/") ? "/titles/{id}" : rest)) {
            case "GET " -> versionInfo(version);
            case "GET /changes" -> changes();
            case "GET /titles" -> search(query);
            case "POST /titles" -> byIds(json(contentType, body, Set.of("ids", "fields")));
            case "GET /titles/{id}" -> title(rest.substring("/titles/".length()));
            case "POST /normalize" -> normalize(request(contentType, body, query, Set.of("term", "fields", "confidenceThreshold")));
            case "POST /normalize/inspect" -> inspect(request(contentType, body, query,
                    Set.of("term", "fields", "confidenceThreshold", "limit")));
            case "POST /normalize/bulk" -> bulk(contentType, body, query);
            default -> Reply.error(404, "URL not found", "No such path");
        };
    }

    private synchronized boolean withinRate(String token) {
        long now = System.nanoTime();
        Deque<Long> calls = callsPerToken.computeIfAbsent(token, unused -> new ArrayDeque<>());
        Iterator<Long> oldest = calls.iterator();
        while (oldest.hasNext() && now - oldest.next() >= 1_000_000_000L) {
            oldest.remove();
        }
        if (calls.size() >= ratePerSecond) {
            return false;
        }
        calls.addLast(now);
        return true;
    }

    private Reply versionInfo(String version) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", version);
        List<String> fields = new ArrayList<>(EmulatorTaxonomy.BASE_FIELDS);
        if (mappingPermission) {
            fields.add("mapping");
            info.put("fields", fields);
            info.put("mappingVersions", Map.of("soc", List.of("soc_emsi_2019"), "skill", List.of("7.24")));
        } else {
            info.put("fields", fields);
        }
        info.put("titleCount", taxonomy.all().size());
        info.put("removedTitleCount", 0);
        return Reply.ok(info);
    }

    private Reply changes() {
        EmulatedTitle added = taxonomy.all().get(taxonomy.all().size() - 1);
        return Reply.ok(Map.of(
                "additions", List.of(Map.of("id", added.id(), "title", added.name())),
                "removals", List.of(),
                "alterations", List.of()));
    }

    private Reply search(Map<String, String> query) {
        List<String> fields = fields(query.get("fields") == null ? null : List.of(query.get("fields").split(",")));
        List<EmulatedTitle> found = taxonomy.search(query.get("q"));
        int limit = query.containsKey("limit") ? positive(query.get("limit"), "limit") : found.size();
        int page = query.containsKey("page") ? positive(query.get("page"), "page") : 1;
        long skip = (long) (page - 1) * limit;
        return Reply.ok(found.stream().skip(skip).limit(limit).map(title -> title.view(fields)).toList());
    }

    private Reply byIds(JsonNode body) {
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new BadInput(400, "Invalid request", "ids must be a non-empty array");
        }
        List<String> fields = fields(strings(body.get("fields")));
        List<Map<String, Object>> found = new ArrayList<>();
        for (JsonNode id : ids) {
            EmulatedTitle title = taxonomy.byId(id.asText());
            if (title != null) {
                found.add(title.view(fields));
            }
        }
        return Reply.ok(found);
    }

    private Reply title(String id) {
        EmulatedTitle title = taxonomy.byId(id);
        if (title == null) {
            return Reply.error(404, "URL not found", "Unrecognized title id: " + id);
        }
        return Reply.ok(title.detail(mappingPermission));
    }

    private record NormalizeInput(String term, List<String> fields, double threshold, int limit) {
    }

    private NormalizeInput request(String contentType, String body, Map<String, String> query, Set<String> keys) {
        if (isText(contentType)) {
            String term = body.strip();
            checkTerm(term);
            return new NormalizeInput(term, fields(query.get("fields") == null ? null : List.of(query.get("fields").split(","))),
                    threshold(query.get("confidenceThreshold")), limit(query.get("limit")));
        }
        JsonNode json = json(contentType, body, keys);
        JsonNode term = json.get("term");
        if (term == null || !term.isTextual()) {
            throw new BadInput(400, "Invalid request", "Invalid request body");
        }
        checkTerm(term.asText());
        return new NormalizeInput(term.asText(), fields(strings(json.get("fields"))),
                json.has("confidenceThreshold") ? threshold(json.get("confidenceThreshold").asText()) : 0.5,
                json.has("limit") ? limit(json.get("limit").asText()) : 5);
    }

    private Reply normalize(NormalizeInput input) {
        if (!normalizePermission) {
            return noPermission();
        }
        Reply quota = spendQuota();
        if (quota != null) {
            return quota;
        }
        List<Match> matches = taxonomy.match(input.term());
        if (matches.isEmpty() || matches.get(0).confidence() < input.threshold()) {
            return quotaHeaders(Reply.error(404, "Not Found", "No title matched the term with the requested confidence"));
        }
        return quotaHeaders(Reply.ok(result(matches.get(0), input.fields())));
    }

    private Reply inspect(NormalizeInput input) {
        if (input.fields().contains("mapping") && !mappingPermission) {
            return noPermission();
        }
        Reply quota = spendQuota();
        if (quota != null) {
            return quota;
        }
        return quotaHeaders(Reply.ok(taxonomy.match(input.term()).stream()
                .filter(match -> match.confidence() >= input.threshold())
                .limit(input.limit())
                .map(match -> result(match, input.fields()))
                .toList()));
    }

    private Reply bulk(String contentType, String body, Map<String, String> query) {
        List<String> terms;
        List<String> fields;
        double threshold;
        if (isText(contentType)) {
            terms = body.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
            fields = fields(query.get("fields") == null ? null : List.of(query.get("fields").split(",")));
            threshold = threshold(query.get("confidenceThreshold"));
        } else {
            JsonNode json = json(contentType, body, Set.of("terms", "fields", "confidenceThreshold"));
            terms = strings(json.get("terms"));
            fields = fields(strings(json.get("fields")));
            threshold = json.has("confidenceThreshold") ? threshold(json.get("confidenceThreshold").asText()) : 0.5;
        }
        if (terms == null || terms.isEmpty()) {
            throw new BadInput(400, "Invalid request", "terms must be a non-empty array");
        }
        if (terms.size() > MAX_BULK_TERMS) {
            throw new BadInput(413, "Payload Too Large", "Request size too large");
        }
        terms.forEach(this::checkTerm);
        if (!bulkPermission) {
            return noPermission();
        }
        Reply quota = spendQuota();
        if (quota != null) {
            return quota;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (String term : terms) {
            List<Match> matches = taxonomy.match(term);
            Match best = matches.isEmpty() ? null : matches.get(0);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("confidence", best == null ? 0.0 : best.confidence());
            item.put("term", term);
            item.put("jobLevels", best == null ? List.of() : best.jobLevels());
            item.put("title", best == null || best.confidence() < threshold ? null : best.title().view(fields));
            items.add(item);
        }
        return quotaHeaders(Reply.ok(items));
    }

    private Map<String, Object> result(Match match, List<String> fields) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("confidence", match.confidence());
        result.put("jobLevels", match.jobLevels());
        result.put("title", match.title().view(fields));
        return result;
    }

    private Reply spendQuota() {
        if (quotaRemaining.getAndUpdate(left -> Math.max(0, left - 1)) <= 0) {
            return Reply.error(429, "Too Many Requests", "Normalization quota exhausted")
                    .with("RateLimit-Remaining", "0").with("RateLimit-Reset", "86400");
        }
        return null;
    }

    private Reply quotaHeaders(Reply reply) {
        return reply.with("RateLimit-Remaining", String.valueOf(quotaRemaining.get())).with("RateLimit-Reset", "86400");
    }

    private static Reply noPermission() {
        return Reply.error(401, "Unauthorized", "You do not have access to this endpoint, please contact us to request access.");
    }

    // ---- input checks, as strict as the real API's ----------------------------------------------

    private static final class BadInput extends RuntimeException {
        final int status;
        final String title;

        BadInput(int status, String title, String detail) {
            super(detail);
            this.status = status;
            this.title = title;
        }
    }

    private static boolean isText(String contentType) {
        return contentType != null && contentType.toLowerCase().startsWith("text/plain");
    }

    private static JsonNode json(String contentType, String body, Set<String> allowedKeys) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new BadInput(415, "Unsupported Content Type", "Accepted Content-Type(s): application/json, text/plain");
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new BadInput(400, "Invalid request", "Invalid request body");
            }
            json.fieldNames().forEachRemaining(key -> {
                if (!allowedKeys.contains(key)) {
                    throw new BadInput(400, "Invalid request", "Invalid request body");
                }
            });
            return json;
        } catch (IOException malformed) {
            throw new BadInput(400, "Invalid request", "Invalid request body");
        }
    }

    private void checkTerm(String term) {
        if (term.isEmpty()) {
            throw new BadInput(400, "Invalid request", "Invalid request body");
        }
        if (term.getBytes(StandardCharsets.UTF_8).length > MAX_TERM_BYTES) {
            throw new BadInput(413, "Payload Too Large", "Request size too large");
        }
    }

    private List<String> fields(List<String> requested) {
        List<String> fields = requested == null ? List.of("id", "name") : requested;
        for (String field : fields) {
            if (field.equals("mapping") && !mappingPermission) {
                throw new BadInput(401, "Unauthorized", "You do not have access to the mapping field.");
            }
            if (!field.equals("mapping") && !EmulatorTaxonomy.BASE_FIELDS.contains(field)) {
                throw new BadInput(400, "Invalid request", "Invalid field: " + field);
            }
        }
        return fields;
    }

    private static List<String> strings(JsonNode array) {
        if (array == null) {
            return null;
        }
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static double threshold(String raw) {
        if (raw == null) {
            return 0.5;
        }
        try {
            double value = Double.parseDouble(raw);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new BadInput(400, "Invalid request", "confidenceThreshold must be between 0 and 1");
    }

    private static int limit(String raw) {
        if (raw == null) {
            return 5;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= 0 && value <= 100) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new BadInput(400, "Invalid request", "limit must be between 0 and 100");
    }

    private static int positive(String raw, String name) {
        try {
            int value = Integer.parseInt(raw);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new BadInput(400, "Invalid request", name + " must be a positive integer");
    }

    // ---- standalone ---------------------------------------------------------------------------

    /**
     * Runs the emulator on its own: {@code --port N} (default 8089), {@code --client-id},
     * {@code --client-secret}, {@code --rate N} requests/s per token, {@code --latency-ms N} for every call, and
     * {@code --bulk-term-latency-us N} more for each term of a bulk call.
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        LightcastEmulator emulator = start(Integer.parseInt(options.getOrDefault("port", "8089")),
                options.getOrDefault("client-id", DEFAULT_CLIENT_ID),
                options.getOrDefault("client-secret", DEFAULT_CLIENT_SECRET));
        emulator.ratePerSecond(Integer.parseInt(options.getOrDefault("rate", "5")));
        emulator.latency(Duration.ofMillis(Long.parseLong(options.getOrDefault("latency-ms", "0"))),
                Duration.ofNanos(1_000 * Long.parseLong(options.getOrDefault("bulk-term-latency-us", "0"))));
        System.out.println("Lightcast emulator listening on " + emulator.baseUrl()
                + " (LIGHTCAST_API_URL=" + emulator.apiUrl() + ", LIGHTCAST_AUTH_URL=" + emulator.authUrl()
                + ", client id " + emulator.clientId() + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        Thread.currentThread().join();
    }
}
