package io.titlesgateway.lightcast;

import java.util.logging.Filter;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

/**
 * Keeps the client secret out of the logs whatever level an operator turns on: the OIDC client
 * logs the whole token request, {@code client_secret} included, at DEBUG. Such lines are dropped
 * at the logger, before any handler sees them.
 */
@ApplicationScoped
class TokenRequestLogGuard {

    private static final String OIDC_CLIENT_LOGGER = "io.quarkus.oidc.client.runtime.OidcClientImpl";

    /** Held here so the logger, and with it the filter, is not garbage-collected away. */
    private final Logger guarded = Logger.getLogger(OIDC_CLIENT_LOGGER);

    void install(@Observes StartupEvent event) {
        Filter previous = guarded.getFilter();
        guarded.setFilter(record -> !mentionsSecret(record.getMessage(), record.getParameters())
                && (previous == null || previous.isLoggable(record)));
    }

    private static boolean mentionsSecret(String message, Object[] parameters) {
        if (message != null && message.contains("client_secret")) {
            return true;
        }
        if (parameters != null) {
            for (Object parameter : parameters) {
                if (parameter != null && String.valueOf(parameter).contains("client_secret")) {
                    return true;
                }
            }
        }
        return false;
    }
}
