package io.titlesgateway.titles;

/**
 * The quota headers Lightcast sends on normalize calls, passed on to callers as they came
 * (their format is not documented upstream, so nothing here interprets them).
 */
public record Quota(String remaining, String reset) {

    public static final Quota NONE = new Quota(null, null);
}
