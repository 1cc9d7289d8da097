package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/**
 * A call nobody waits for any more (its stream was closed, every caller it was gathered for left):
 * it is neither started nor retried, and its permit goes to someone who still waits. Should a
 * caller meet it after all (it joined the call through the cache just as the others left), it is a
 * 503 to ask again at once; the gateway asks again itself first.
 */
final class CallAbandoned extends TitlesException {

    CallAbandoned() {
        super(503, "Service Unavailable", "The upstream call for this request was withdrawn when its callers left; ask again.", 1L);
    }
}
