package io.titlesgateway.api;

/** The success envelope Lightcast uses: the payload sits under {@code data}, nothing else at the top. */
public record DataEnvelope<T>(T data) {
}
