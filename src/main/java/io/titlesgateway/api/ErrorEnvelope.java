package io.titlesgateway.api;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The error envelope Lightcast uses: {@code {"errors":[{"status","title","detail"}]}}. */
@RegisterForReflection(targets = { ErrorEnvelope.class, ErrorEnvelope.Item.class })
public record ErrorEnvelope(List<Item> errors) {

    public static ErrorEnvelope of(int status, String title, String detail) {
        return new ErrorEnvelope(List.of(new Item(status, title, detail)));
    }

    /** One error: its HTTP status, a short title and a detail that says what to fix. */
    public record Item(int status, String title, String detail) {
    }
}
