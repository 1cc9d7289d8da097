package io.titlesgateway.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the gateway. Before Quarkus starts, it hands the check of each request's target to the
 * gateway ({@link RequestTargets}): Quarkus's HTTP layer refuses a target that is not a URI (a bare
 * {@code %}, a {@code "} or {@code |} in a query) with an empty 400 before any route runs, where the
 * gateway refuses the same targets in the error envelope, saying what is wrong.
 */
@QuarkusMain
public final class GatewayMain {

    /** Read once, when Quarkus's HTTP layer first loads: so set before Quarkus starts. */
    private static final String HTTP_LAYER_URI_CHECK_OFF = "vertx.disableURIValidation";

    private GatewayMain() {
    }

    public static void main(String... args) {
        System.setProperty(HTTP_LAYER_URI_CHECK_OFF, "true");
        Quarkus.run(args);
    }
}
