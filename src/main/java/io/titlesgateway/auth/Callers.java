package io.titlesgateway.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The callers configured in {@code TITLES_CLIENTS}, by id. */
final class Callers {

    /**
     * One caller: its id, the hash of its secret, its weight in shares of the upstream budget, and
     * its own caps (null: none): requests per second, normalize requests per UTC day, and its share
     * of the Lightcast normalize quota.
     */
    record Caller(String id, SecretHash secret, int weight, Integer ratePerSecond, Integer dailyNormalize, QuotaShare quotaShare) {

        Caller(String id, SecretHash secret, int weight, Integer ratePerSecond, Integer dailyNormalize) {
            this(id, secret, weight, ratePerSecond, dailyNormalize, null);
        }
    }

    private final Map<String, Caller> byId;

    private Callers(Map<String, Caller> byId) {
        this.byId = byId;
    }

    static Callers none() {
        return new Callers(Map.of());
    }

    /** Reads the JSON array; any mistake refuses the whole, naming the entry, never echoing a secret. */
    static Callers parse(String json) {
        JsonNode entries;
        try {
            entries = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException unreadable) {
            throw new IllegalArgumentException("TITLES_CLIENTS is not JSON: an array of {\"id\", \"secretHash\", \"weight\", \"ratePerSecond\", \"dailyNormalize\", \"quotaPerMonth\"} is expected");
        }
        if (entries == null || !entries.isArray()) {
            throw new IllegalArgumentException("TITLES_CLIENTS must be a JSON array of {\"id\", \"secretHash\", \"weight\"}");
        }
        Map<String, Caller> byId = new HashMap<>();
        int index = 0;
        for (JsonNode entry : entries) {
            String where = "TITLES_CLIENTS[" + index++ + "]";
            String id = entry.path("id").asText("");
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(where + ": id must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            SecretHash secret;
            try {
                secret = SecretHash.parse(entry.path("secretHash").asText(null));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(where + " (" + id + "): secretHash is " + bad.getMessage()
                        + "; make one with SecretHash (see docs/security.md)");
            }
            int weight = entry.path("weight").asInt(1);
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException(where + " (" + id + "): weight must be from 1 to 1000");
            }
            Integer ratePerSecond = optionalPositive(entry, "ratePerSecond", where, id);
            Integer dailyNormalize = optionalPositive(entry, "dailyNormalize", where, id);
            Integer perMonth = optionalPositive(entry, "quotaPerMonth", where, id);
            Integer perYear = optionalPositive(entry, "quotaPerYear", where, id);
            if (perMonth != null && perYear != null) {
                throw new IllegalArgumentException(where + " (" + id + "): give quotaPerMonth or quotaPerYear, not both");
            }
            QuotaShare share = perMonth != null ? new QuotaShare(perMonth, QuotaShare.Per.MONTH)
                    : perYear != null ? new QuotaShare(perYear, QuotaShare.Per.YEAR) : null;
            if (byId.put(id, new Caller(id, secret, weight, ratePerSecond, dailyNormalize, share)) != null) {
                throw new IllegalArgumentException(where + ": the id " + id + " appears twice");
            }
        }
        return new Callers(Map.copyOf(byId));
    }

    private static Integer optionalPositive(JsonNode entry, String field, String where, String id) {
        if (!entry.has(field)) {
            return null;
        }
        int value = entry.get(field).asInt(0);
        if (value < 1) {
            throw new IllegalArgumentException(where + " (" + id + "): " + field + " must be a whole number of at least 1");
        }
        return value;
    }

    Caller find(String id) {
        return id == null ? null : byId.get(id);
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    List<String> ids() {
        return byId.keySet().stream().sorted().toList();
    }
}
