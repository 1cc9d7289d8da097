package io.titlesgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The access tokens the gateway issues to its callers: compact JWTs signed with HMAC-SHA256 by the
 * gateway's own key, naming the caller ({@code sub}), the gateway ({@code iss}, {@code aud}) and an
 * expiry. Only tokens signed with that key, for this gateway, unexpired, are accepted.
 */
final class CallerToken {

    static final String ISSUER = "titles-gateway";
    private static final String HEADER = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    /** Longest token accepted, in characters: a bound on what a caller can make the gateway parse. */
    private static final int MAX_LENGTH = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a valid token says: who the caller is, and until when. */
    record Claims(String caller, String scope, Instant expires) {
    }

    private final SecretKeySpec key;

    CallerToken(byte[] signingKey) {
        if (signingKey.length < 32) {
            throw new IllegalArgumentException("the token signing key must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(signingKey, "HmacSHA256");
    }

    String issue(String caller, String scope, Instant now, long lifetimeSeconds) {
        Map<String, Object> claims = Map.of("iss", ISSUER, "aud", ISSUER, "sub", caller, "scope", scope,
                "iat", now.getEpochSecond(), "exp", now.getEpochSecond() + lifetimeSeconds, "jti", UUID.randomUUID().toString());
        try {
            String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(claims));
            String signed = HEADER + "." + payload;
            return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(signed));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The claims of a token this gateway issued and that is still valid at {@code now}; null for anything else. */
    Claims verify(String token, Instant now) {
        if (token == null || token.length() > MAX_LENGTH) {
            return null;
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(HEADER)) {
            return null; // another algorithm, "none" included, is never considered
        }
        try {
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
                return null;
            }
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!ISSUER.equals(claims.path("iss").asText()) || !ISSUER.equals(claims.path("aud").asText())
                    || !claims.path("sub").isTextual() || !claims.path("exp").canConvertToLong()
                    || claims.path("exp").asLong() <= now.getEpochSecond()) {
                return null;
            }
            return new Claims(claims.get("sub").asText(), claims.path("scope").asText(""),
                    Instant.ofEpochSecond(claims.get("exp").asLong()));
        } catch (IllegalArgumentException | java.io.IOException unreadable) {
            return null;
        }
    }

    private byte[] sign(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(content.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("HmacSHA256 is not available", unavailable);
        }
    }
}
