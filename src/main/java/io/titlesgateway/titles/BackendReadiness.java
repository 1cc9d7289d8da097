package io.titlesgateway.titles;

/** Whether a backend can serve callers now, and if not, why: what readiness reports. */
public record BackendReadiness(boolean ready, String reason) {

    public static BackendReadiness up(String reason) {
        return new BackendReadiness(true, reason);
    }

    public static BackendReadiness down(String reason) {
        return new BackendReadiness(false, reason);
    }
}
