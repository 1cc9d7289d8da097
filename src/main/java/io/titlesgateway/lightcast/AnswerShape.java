package io.titlesgateway.lightcast;

import java.util.List;

import org.jboss.resteasy.reactive.RestResponse;

import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.MissingParts;

/**
 * Holds every successful answer of Lightcast to what its contract promises before anything reads
 * it: a {@code data} member, none of its {@link MissingParts}, and for a bulk call one result per
 * term sent. An answer short of that fails its call as {@link UnreadableAnswer}, as a 5xx would,
 * instead of reaching the caches, where a missing part would be kept as "no match" or fail later
 * in code that trusts it.
 */
final class AnswerShape {

    private AnswerShape() {
    }

    /** {@code answer} (an envelope, or a response holding one), if it holds what it must. */
    static <T> T checked(T answer) {
        Object body = answer instanceof RestResponse<?> response ? response.getEntity() : answer;
        if (!(body instanceof LightcastEnvelope<?> envelope)) {
            throw UnreadableAnswer.ofApi("no JSON body");
        }
        String fault = faultOf(envelope.data());
        if (fault != null) {
            throw UnreadableAnswer.ofApi(fault);
        }
        return answer;
    }

    /**
     * A bulk answer holds one item per term sent, in their order, each echoing its term (the gateway
     * reads them by position: a result out of place would be cached as another term's answer).
     */
    static void onePerTerm(List<String> terms, RestResponse<LightcastEnvelope<List<BulkNormalization>>> response) {
        List<BulkNormalization> items = checked(response).getEntity().data();
        if (items.size() != terms.size()) {
            throw UnreadableAnswer.ofApi(terms.size() + " terms sent, " + items.size() + " results received");
        }
        for (int i = 0; i < items.size(); i++) {
            if (!LightcastBackend.termKey(items.get(i).term()).equals(LightcastBackend.termKey(terms.get(i)))) {
                throw UnreadableAnswer.ofApi("result " + (i + 1) + " is not for term " + (i + 1) + " sent");
            }
        }
    }

    private static String faultOf(Object data) {
        return data == null ? "no data" : MissingParts.of(data);
    }
}
