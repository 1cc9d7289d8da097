package io.titlesgateway.lightcast;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Lightcast's success envelope: the payload sits under {@code data}. */
@JsonIgnoreProperties(ignoreUnknown = true)
record LightcastEnvelope<T>(T data) {
}
