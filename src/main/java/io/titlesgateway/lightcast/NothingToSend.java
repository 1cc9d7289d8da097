package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/**
 * A call that got its permit and found nothing left to carry: every term it asked for was taken
 * by a call of another replica sharing the pool. Its permits go back unused, as if never granted.
 * Never a caller's answer; should one meet it, it is a 503 to ask again at once.
 */
final class NothingToSend extends TitlesException {

    NothingToSend() {
        super(503, "Service Unavailable", "The upstream call for this request was merged into another; ask again.", 1L);
    }
}
