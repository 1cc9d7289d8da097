package io.titlesgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A caller's secret as the gateway keeps it: never the secret itself, only a slow salted hash
 * (PBKDF2 with HMAC-SHA256), written {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} in Base64.
 * Run {@code main} to hash a secret for {@code TITLES_CLIENTS}; it reads the secret from standard
 * input so that it stays out of the shell history, and takes the iterations as its one optional
 * argument (default 210,000).
 */
public final class SecretHash {

    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    static final int ITERATIONS = 210_000;
    /** The fewest iterations a stored hash may have. */
    public static final int MIN_ITERATIONS = 10_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private SecretHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code secret}, with a fresh salt. */
    public static String of(String secret) {
        return of(secret, ITERATIONS);
    }

    /** A new hash of {@code secret}, with a fresh salt, at a cost of {@code iterations} (at least {@link #MIN_ITERATIONS}). */
    public static String of(String secret, int iterations) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("a secret hash needs at least " + MIN_ITERATIONS + " iterations");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + base64.encodeToString(salt) + "$"
                + base64.encodeToString(derive(secret, salt, iterations));
    }

    /** Reads a stored hash; refuses anything that is not one, so a plain secret in the config cannot pass for one. */
    static SecretHash parse(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("not a " + SCHEME + "$<iterations>$<salt>$<hash> secret hash");
        }
        int iterations = Integer.parseInt(parts[1]);
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("a secret hash needs at least " + MIN_ITERATIONS + " iterations");
        }
        Base64.Decoder base64 = Base64.getDecoder();
        return new SecretHash(iterations, base64.decode(parts[2]), base64.decode(parts[3]));
    }

    /** Whether {@code secret} is the one hashed; compares in constant time. Slow on purpose: call it off the event loop. */
    boolean matches(String secret) {
        return MessageDigest.isEqual(hash, derive(secret == null ? "" : secret, salt, iterations));
    }

    private static byte[] derive(String secret, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", unavailable);
        }
    }

    public static void main(String[] args) throws java.io.IOException {
        String secret = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        if (secret.length() < 16) {
            System.err.println("A caller secret should be at least 16 characters (a random one: openssl rand -base64 32)");
            System.exit(2);
        }
        try {
            System.out.println(of(secret, args.length > 0 ? Integer.parseInt(args[0]) : ITERATIONS));
        } catch (IllegalArgumentException badIterations) {
            System.err.println("The one argument is the iterations, a number of at least " + MIN_ITERATIONS);
            System.exit(2);
        }
    }
}
