package io.titlesgateway.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.titlesgateway.auth.SecretHash;

/**
 * The tests' callers' secrets as {@code TITLES_CLIENTS} holds them: hashed at the fewest iterations the
 * gateway accepts, once per secret (in each class loader the test framework loads this class in). The
 * check is the same; its cost, paid by every profile that lists a caller and by the gateway on each
 * caller's first token, is a twentieth of production's.
 */
public final class TestSecrets {

    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

    private TestSecrets() {
    }

    public static String hash(String secret) {
        return HASHES.computeIfAbsent(secret, unhashed -> SecretHash.of(unhashed, SecretHash.MIN_ITERATIONS));
    }
}
