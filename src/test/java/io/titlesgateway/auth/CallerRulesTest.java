package io.titlesgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.titlesgateway.config.TitlesConfig.Auth;

/** The rules of caller authentication that need no running gateway: who must authenticate, secrets, tokens. */
class CallerRulesTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void authIsRequiredWhereLightcastServesAndTheGatewayRefusesToStartWithoutCallers() {
        assertThat(CallerAuth.required(Auth.AUTO, true, true)).isTrue();
        assertThat(CallerAuth.required(Auth.AUTO, false, false)).as("the catalog alone: open data").isFalse();
        assertThat(CallerAuth.required(Auth.NONE, true, false)).isFalse();
        assertThat(CallerAuth.required(Auth.REQUIRED, false, true)).isTrue();

        assertThatThrownBy(() -> CallerAuth.required(Auth.AUTO, true, false))
                .hasMessageContaining("TITLES_CLIENTS").hasMessageContaining("TITLES_AUTH=none");
        assertThatThrownBy(() -> CallerAuth.required(Auth.REQUIRED, false, false)).hasMessageContaining("TITLES_CLIENTS");
    }

    @Test
    void aSecretIsKeptOnlyAsASaltedHashThatMatchesItAlone() {
        String stored = SecretHash.of("a-caller-secret-of-some-length");

        assertThat(stored).startsWith("pbkdf2-sha256$210000$").doesNotContain("a-caller-secret");
        assertThat(SecretHash.of("a-caller-secret-of-some-length")).as("salted").isNotEqualTo(stored);
        assertThat(SecretHash.parse(stored).matches("a-caller-secret-of-some-length")).isTrue();
        assertThat(SecretHash.parse(stored).matches("a-caller-secret-of-some-lengtH")).isFalse();
        assertThatThrownBy(() -> SecretHash.parse("a-plain-secret")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHashMayCostFewerIterationsButNeverFewerThanTheLeastTheGatewayAccepts() {
        String cheap = SecretHash.of("a-caller-secret-of-some-length", SecretHash.MIN_ITERATIONS);

        assertThat(cheap).startsWith("pbkdf2-sha256$10000$");
        assertThat(SecretHash.parse(cheap).matches("a-caller-secret-of-some-length")).isTrue();
        assertThat(SecretHash.parse(cheap).matches("another-secret-of-some-length")).isFalse();
        assertThatThrownBy(() -> SecretHash.of("a-caller-secret-of-some-length", SecretHash.MIN_ITERATIONS - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000");
        assertThatThrownBy(() -> SecretHash.parse(cheap.replace("$10000$", "$9999$"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callersAreReadFromJsonAndMistakesAreRefusedWithoutEchoingSecrets() {
        String hash = SecretHash.of("another-secret-long-enough", SecretHash.MIN_ITERATIONS);
        Callers callers = Callers.parse("[{\"id\":\"svc-a\",\"secretHash\":\"" + hash + "\",\"weight\":3},"
                + "{\"id\":\"svc-b\",\"secretHash\":\"" + hash + "\"}]");

        assertThat(callers.ids()).containsExactly("svc-a", "svc-b");
        assertThat(callers.find("svc-a").weight()).isEqualTo(3);
        assertThat(callers.find("svc-b").weight()).isEqualTo(1);
        assertThatThrownBy(() -> Callers.parse("[{\"id\":\"svc-a\",\"secretHash\":\"plain-secret-123\"}]"))
                .hasMessageContaining("svc-a").hasMessageNotContaining("plain-secret-123");
        assertThatThrownBy(() -> Callers.parse("{\"id\":\"x\"}")).hasMessageContaining("array");
    }

    @Test
    void onlyUnexpiredTokensSignedWithTheKeyForThisGatewayAreAccepted() {
        CallerToken tokens = new CallerToken(KEY);
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        String token = tokens.issue("svc-a", "emsi_open", now, 3600);

        assertThat(tokens.verify(token, now.plusSeconds(3599)).caller()).isEqualTo("svc-a");
        assertThat(tokens.verify(token, now.plusSeconds(3600))).as("expired").isNull();
        assertThat(new CallerToken("another-key-another-key-another-key".getBytes()).verify(token, now)).as("another key").isNull();

        String[] parts = token.split("\\.");
        String otherCaller = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("svc-a", "svc-b").getBytes());
        assertThat(tokens.verify(parts[0] + "." + otherCaller + "." + parts[2], now)).as("tampered").isNull();
        String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        assertThat(tokens.verify(none + "." + parts[1] + ".", now)).as("alg none").isNull();
        assertThat(tokens.verify("x".repeat(5000), now)).isNull();
        assertThat(tokens.verify("a.b", now)).isNull();
    }
}
