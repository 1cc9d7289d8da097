package io.titlesgateway.api;

import jakarta.validation.Payload;

/** Marks a constraint whose violation means "too large": answered 413 like the upstream, not 400. */
public interface Oversize extends Payload {
}
