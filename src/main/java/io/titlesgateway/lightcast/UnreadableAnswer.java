package io.titlesgateway.lightcast;

/**
 * Lightcast, or its auth server, answered with success but with a body its contract does not allow:
 * not JSON, or JSON without what every answer of that endpoint holds. Lightcast's fault, as a 5xx
 * is, never a failure of the gateway's own code; it carries no stack trace, being a fact about an
 * answer, not a place in ours.
 */
final class UnreadableAnswer extends RuntimeException {

    private final boolean fromAuthServer;

    private UnreadableAnswer(String what, boolean fromAuthServer) {
        super(what, null, false, false);
        this.fromAuthServer = fromAuthServer;
    }

    /** An answer of the Titles API; {@code what} says what is wrong with it. */
    static UnreadableAnswer ofApi(String what) {
        return new UnreadableAnswer(what, false);
    }

    /** An answer of the auth server's token endpoint; {@code what} says what is wrong with it. */
    static UnreadableAnswer ofAuthServer(String what) {
        return new UnreadableAnswer(what, true);
    }

    boolean fromAuthServer() {
        return fromAuthServer;
    }
}
