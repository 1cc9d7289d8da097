package io.titlesgateway.lightcast;

import java.util.Locale;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Refuses a successful answer that is not JSON, a proxy's HTML page say, before the JSON reader
 * meets it: the call fails as {@link UnreadableAnswer}, naming the type it came with, rather than
 * as a connection that could not be made.
 */
class JsonAnswersOnly implements ClientResponseFilter {

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        if (response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL || !response.hasEntity()) {
            return;
        }
        MediaType type = response.getMediaType();
        if (type == null || !isJson(type)) {
            throw UnreadableAnswer.ofApi(type == null ? "a body without a Content-Type"
                    : "a body of type " + type.getType() + "/" + type.getSubtype() + ", not JSON");
        }
    }

    private static boolean isJson(MediaType type) {
        return type.getType().equalsIgnoreCase("application")
                && (type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
    }
}
