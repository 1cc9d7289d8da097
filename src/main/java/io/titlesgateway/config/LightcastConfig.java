package io.titlesgateway.config;

import java.util.Optional;

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

    /** True when both halves of the client credentials are set. */
    default boolean credentialsConfigured() {
        return clientId().filter(id -> !id.isBlank()).isPresent()
                && clientSecret().filter(secret -> !secret.isBlank()).isPresent();
    }
}
