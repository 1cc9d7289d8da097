package io.titlesgateway.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JavaType;

import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.lightcast.LightcastUnavailable;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The normalize misses of every replica, pooled in the Redis they share, so that a permit any
 * replica gets carries the misses of all of them: with replicas on Redis, each bulk call takes up
 * to 500 of the oldest terms waiting anywhere, and the replicas together answer as many titles a
 * second as one replica would.
 *
 * <p>A replica offers its misses in one round trip per batch: for each term, the answer if another
 * replica has it, a wait if another replica holds its lease (it is pooled there, or being sent),
 * else the lease is taken and the term joins the pool. A replica that gets a permit pops the oldest
 * terms, marks their leases as being sent, and when Lightcast answers writes every answer to the
 * shared cache, where each waiting replica finds its own on its next look. A failed call marks its
 * terms' leases with the failure, briefly, so their waiters fail as the sender's callers did. A
 * replica that dies leaves leases that lapse, and the waiters offer the terms again.
 *
 * <p>The pool also keeps the replicas' calls a pace apart and full ({@link Pop}): it knows when a
 * call last took terms, the calls under way and what they carry, and when callers last came and
 * were last answered, which no replica knows alone.
 */
@ApplicationScoped
public class SharedPool {

    private static final Logger LOG = Logger.getLogger(SharedPool.class);
    /** The cache whose entries the pool's answers are: the normalizations, one per version and term. */
    public static final String NORMALIZE_CACHE = "lightcast-normalize";
    /** How long a failure marked on a lease tells waiters why the call carrying their term failed. */
    private static final long FAILURE_MILLIS = 3_000;
    /** The most terms one look carries; more wait for the next. */
    public static final int MAX_TERMS_PER_LOOK = 2_000;
    /** The length of an owner, a UUID, which prefixes each raw term in the pool. */
    private static final int OWNER_LENGTH = 36;
    /** How soon a call held for callers coming back looks at the pool again. */
    private static final int CALLERS_LOOK_MILLIS = 5;

    /**
     * KEYS: pool, raw terms (each prefixed with the owner that offered it), this replica's inbox, the
     * pool's times (when a call last took terms, when a term last arrived, when a call was last
     * answered), the calls under way (members {@code id:terms}, scored with when they lapse), n value
     * keys, n lease keys. ARGV: owner, lease ms, max age ms, terms to pop (0: none), lease prefix, the
     * budget's pace ms, the return wait ms (0: do not wait for callers), the window ms, this call's id,
     * then n term keys, n raw terms, n flags ('1': the term waits on another replica's lease, so a
     * failure marked there is its answer). Returns {per term three items: kind ('v' answer, 'm' pooled
     * by us, 'w' another replica has it, 'x' failed), the answer or failure, the answer's remaining
     * ms; the popped terms, three items each: term, raw, who offered it; how many terms the pool still
     * holds; what other replicas delivered to the inbox since the last look; ms since a call last took
     * terms; ms to wait before looking again, nothing popped (0: none); why: 'p' the pace, 'r' callers
     * coming back}.
     */
    private static final String LOOK = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local n = (#KEYS - 5) / 2
            local owner = ARGV[1]
            local out = {}
            local arrived = false
            for i = 1, n do
              local term = ARGV[9 + i]
              local value = redis.call('GET', KEYS[5 + i])
              if value then
                out[#out + 1] = 'v'; out[#out + 1] = value; out[#out + 1] = math.max(0, redis.call('PTTL', KEYS[5 + i]))
              else
                local lease = redis.call('GET', KEYS[5 + n + i])
                local failed = lease and string.sub(lease, 1, 2) == 'x:'
                if lease == owner and redis.call('ZSCORE', KEYS[1], term) then
                  out[#out + 1] = 'm'; out[#out + 1] = ''; out[#out + 1] = 0
                elseif lease and lease ~= owner and not failed then
                  out[#out + 1] = 'w'; out[#out + 1] = ''; out[#out + 1] = 0
                elseif failed and ARGV[9 + 2 * n + i] == '1' then
                  out[#out + 1] = 'x'; out[#out + 1] = lease; out[#out + 1] = 0
                else
                  redis.call('SET', KEYS[5 + n + i], owner, 'PX', ARGV[2])
                  redis.call('ZADD', KEYS[1], 'NX', now, term)
                  redis.call('HSET', KEYS[2], term, owner .. ARGV[9 + n + i])
                  out[#out + 1] = 'm'; out[#out + 1] = ''; out[#out + 1] = 0
                  arrived = true
                end
              end
            end
            if arrived then redis.call('HSET', KEYS[4], 'arrived', now) end
            local popped = {}
            local sinceCall = now - tonumber(redis.call('HGET', KEYS[4], 'called') or 0)
            local held, why = 0, ''
            local room = tonumber(ARGV[4])
            if room > 0 then
              local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
              for _, term in ipairs(old) do
                redis.call('ZREM', KEYS[1], term)
                redis.call('HDEL', KEYS[2], term)
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
              local waiting = redis.call('ZCARD', KEYS[1])
              local partial = waiting > 0 and waiting < room
              if partial and sinceCall < tonumber(ARGV[6]) then
                held, why = tonumber(ARGV[6]) - sinceCall, 'p'
              elseif partial and tonumber(ARGV[7]) > 0 then
                local flying = 0
                for _, call in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
                  flying = flying + tonumber(string.match(call, ':(%%d+)$'))
                end
                local answered = tonumber(redis.call('HGET', KEYS[4], 'answered') or 0)
                local lastArrival = tonumber(redis.call('HGET', KEYS[4], 'arrived') or 0)
                if flying > waiting or now - answered < tonumber(ARGV[7]) and now - lastArrival < tonumber(ARGV[8]) then
                  held, why = %2$d, 'r'
                end
              end
              if held == 0 then
                local taken = redis.call('ZPOPMIN', KEYS[1], room)
                for j = 1, #taken, 2 do
                  local term = taken[j]
                  local offered = redis.call('HGET', KEYS[2], term)
                  if offered then
                    redis.call('HDEL', KEYS[2], term)
                    redis.call('SET', ARGV[5] .. term, owner .. ':sent', 'PX', ARGV[2])
                    popped[#popped + 1] = term
                    popped[#popped + 1] = string.sub(offered, %1$d + 1)
                    popped[#popped + 1] = string.sub(offered, 1, %1$d)
                  end
                end
                if #popped > 0 then
                  redis.call('HSET', KEYS[4], 'called', now)
                  redis.call('ZADD', KEYS[5], now + tonumber(ARGV[2]), ARGV[9] .. ':' .. (#popped / 3))
                  sinceCall = 0
                end
              end
            end
            for i = 1, 5 do if i ~= 3 then redis.call('PEXPIRE', KEYS[i], 60000) end end
            local inbox = redis.call('LRANGE', KEYS[3], 0, -1)
            if #inbox > 0 then redis.call('DEL', KEYS[3]) end
            return {out, popped, redis.call('ZCARD', KEYS[1]), inbox, sinceCall, held, why}
            """.formatted(OWNER_LENGTH, CALLERS_LOOK_MILLIS);
    /**
     * KEYS: the calls under way, the pool's times, n value keys, n lease keys, n inboxes of the
     * replicas that offered the terms. ARGV: lifetime ms, the mark of leases being sent by us, the
     * failure ('' if answered), failure ms, the call as the calls under way name it, then n answers,
     * n term keys, n flags ('1': deliver to the inbox). Writes the answers, frees or marks our
     * leases, tells each replica that offered a term what became of it, and marks the call over.
     */
    private static final String SENT = """
            local t = redis.call('TIME')
            local n = (#KEYS - 2) / 3
            for i = 1, n do
              local term = ARGV[5 + n + i]
              if ARGV[3] == '' then
                redis.call('SET', KEYS[2 + i], ARGV[5 + i], 'PX', ARGV[1])
              end
              if redis.call('GET', KEYS[2 + n + i]) == ARGV[2] then
                if ARGV[3] == '' then
                  redis.call('DEL', KEYS[2 + n + i])
                else
                  redis.call('SET', KEYS[2 + n + i], ARGV[3], 'PX', ARGV[4])
                end
              end
              if ARGV[5 + 2 * n + i] == '1' then
                local kind = ARGV[3] == '' and 'a' or 'x'
                local payload = ARGV[3] == '' and ARGV[5 + i] or ARGV[3]
                redis.call('RPUSH', KEYS[2 + 2 * n + i], kind .. #term .. ':' .. term .. payload)
                redis.call('PEXPIRE', KEYS[2 + 2 * n + i], 60000)
              end
            end
            redis.call('ZREM', KEYS[1], ARGV[5])
            redis.call('HSET', KEYS[2], 'answered', t[1] * 1000 + math.floor(t[2] / 1000))
            redis.call('PEXPIRE', KEYS[2], 60000)
            return n
            """;
    /** KEYS: pool, raw terms, n lease keys. ARGV: owner, n term keys. Takes our terms out of the pool. */
    private static final String WITHDRAW = """
            local n = #KEYS - 2
            for i = 1, n do
              redis.call('ZREM', KEYS[1], ARGV[1 + i])
              redis.call('HDEL', KEYS[2], ARGV[1 + i])
              if redis.call('GET', KEYS[2 + i]) == ARGV[1] then
                redis.call('DEL', KEYS[2 + i])
              end
            end
            return n
            """;

    /** What a look found of one term. */
    public enum Kind {
        /** Its answer is in the shared cache. */
        ANSWERED,
        /** It waits in the pool on this replica's lease. */
        POOLED,
        /** Another replica has it, pooled or being sent. */
        ELSEWHERE,
        /** The call that carried it failed on another replica. */
        FAILED
    }

    /** One term's state in Redis; {@code answer} (null: no match) and {@code ageNanos} if answered, {@code failure} if failed. */
    public record Found(Kind kind, Normalization answer, long ageNanos, TitlesException failure) {
    }

    /** A term for a look: its key, its raw form, and whether it waits on another replica. */
    public record Term(String key, String raw, boolean waitingElsewhere) {
    }

    /** A term popped from the pool, to be sent by this replica, and the owner of the replica that offered it. */
    public record Popped(String key, String raw, String offeredBy) {
    }

    /** What another replica's call brought for a term this replica offered: its answer, or its failure. */
    public record Delivered(String key, Found found) {
    }

    /**
     * What a look answered: one {@link Found} per term asked about, the terms popped, how many the
     * pool still holds, what calls of other replicas delivered for this replica's terms, how long ago
     * a call of any replica last took terms from the pool, and, if the pool held the call (nothing
     * popped), how soon to look again and whether for callers coming back (else for the pace).
     */
    public record Look(List<Found> found, List<Popped> popped, long poolLeft, List<Delivered> delivered, long sinceLastCallMillis,
            long heldMillis, boolean heldForCallers) {
    }

    /**
     * What a look pops: {@code room} terms at most (0: none), for the call {@code callId}. Held while a
     * call of any replica took terms less than {@code paceMillis} ago; and, for callers coming back,
     * while calls under way carry more terms than wait, or a call was answered less than
     * {@code returnWaitMillis} ago (0: never held for callers) and terms arrived within
     * {@code windowMillis}. Never held when the pool is empty, or holds what there is room for.
     */
    public record Pop(int room, long paceMillis, long returnWaitMillis, long windowMillis, String callId) {
        /** A look that only offers and asks. */
        public static final Pop NONE = new Pop(0, 0, 0, 0, "");
    }

    private final RedisLink redis;
    private final SharedCache cache;
    private final JavaType normalization;
    private final String poolPrefix;
    private final long maxAgeMillis;
    private final AtomicLong calls = new AtomicLong();

    @Inject
    public SharedPool(RedisLink redis, SharedCache cache, LightcastConfig config) {
        this.redis = redis;
        this.cache = cache;
        this.normalization = cache.typeOf(Normalization.class);
        this.poolPrefix = "titles-gateway:pool:v" + SharedCache.FORMAT + ":" + cache.clientTag() + ":";
        // a term older than the budget's deadline has been refused to its caller, or is being withdrawn
        this.maxAgeMillis = config.budgetDeadline().toMillis() + 1_000;
    }

    /** Whether misses are pooled now: Redis is configured and answering. */
    public boolean active() {
        return redis.configured() && !redis.alone();
    }

    /**
     * Offers {@code terms} (of {@code version}, fetched with {@code fields}) and reports each one's
     * state, then pops the oldest terms of the pool for this replica to send, as {@code pop} says:
     * the pool keeps the replicas' calls, like one replica's, a pace apart and full, rather than
     * several going out at once, the later ones nearly empty, while their callers are on their way back.
     */
    public Uni<Look> look(String version, List<String> fields, List<Term> terms, Pop pop) {
        String pool = poolKey(version, fields);
        Request request = Request.cmd(Command.EVAL).arg(LOOK).arg(5 + 2 * terms.size()).arg(pool).arg(pool + ":raw")
                .arg(inboxOf(pool, cache.owner())).arg(pool + ":times").arg(pool + ":calls");
        terms.forEach(term -> request.arg(valueKey(version, term.key())));
        terms.forEach(term -> request.arg(leaseKey(version, term.key())));
        request.arg(cache.owner()).arg(cache.leaseMillis()).arg(maxAgeMillis).arg(pop.room()).arg(leaseKey(version, ""))
                .arg(pop.paceMillis()).arg(pop.returnWaitMillis()).arg(pop.windowMillis()).arg(pop.callId());
        terms.forEach(term -> request.arg(term.key()));
        terms.forEach(term -> request.arg(term.raw()));
        terms.forEach(term -> request.arg(term.waitingElsewhere() ? "1" : "0"));
        return redis.send(request).map(reply -> read(reply, terms.size()));
    }

    /** A name for a call of this replica, unique among the calls under way. */
    public String newCallId() {
        return cache.owner() + ":" + calls.incrementAndGet();
    }

    private Look read(Response reply, int terms) {
        Response states = reply.get(0);
        long lifetime = cache.lifetimeNanos(NORMALIZE_CACHE);
        List<Found> found = new ArrayList<>(terms);
        for (int i = 0; i < terms; i++) {
            String kind = states.get(3 * i).toString();
            String payload = states.get(3 * i + 1).toString();
            found.add(switch (kind) {
                case "v" -> answered(payload, lifetime - TimeUnit.MILLISECONDS.toNanos(states.get(3 * i + 2).toLong()));
                case "m" -> new Found(Kind.POOLED, null, 0, null);
                case "w" -> new Found(Kind.ELSEWHERE, null, 0, null);
                default -> new Found(Kind.FAILED, null, 0, failureOf(payload));
            });
        }
        Response taken = reply.get(1);
        List<Popped> popped = new ArrayList<>(taken.size() / 3);
        for (int j = 0; j + 2 < taken.size(); j += 3) {
            popped.add(new Popped(taken.get(j).toString(), taken.get(j + 1).toString(), taken.get(j + 2).toString()));
        }
        Response inbox = reply.get(3);
        List<Delivered> delivered = new ArrayList<>(inbox.size());
        for (int j = 0; j < inbox.size(); j++) {
            Delivered entry = delivered(inbox.get(j).toString());
            if (entry != null) {
                delivered.add(entry);
            }
        }
        return new Look(found, popped, reply.get(2).toLong(), delivered, reply.get(4).toLong(), reply.get(5).toLong(),
                "r".equals(reply.get(6).toString()));
    }

    /** One inbox entry: 'a' or 'x', the term's length, ':', the term, then its answer or its failure. */
    private Delivered delivered(String entry) {
        int colon = entry.indexOf(':');
        try {
            int length = Integer.parseInt(entry.substring(1, colon));
            String key = entry.substring(colon + 1, colon + 1 + length);
            String payload = entry.substring(colon + 1 + length);
            if (entry.charAt(0) == 'x') {
                return new Delivered(key, new Found(Kind.FAILED, null, 0, failureOf(payload)));
            }
            Fetched<Normalization> answer = cache.decode(payload, normalization, 0);
            return answer == null ? null : new Delivered(key, new Found(Kind.ANSWERED, answer.value(), 0, null));
        } catch (RuntimeException unreadable) {
            LOG.debugf("An inbox entry could not be read: %s", unreadable);
            return null;
        }
    }

    private Found answered(String stored, long ageNanos) {
        Fetched<Normalization> entry = cache.decode(stored, normalization, ageNanos);
        // an entry of another release reads as absent: the term is looked for again, and fetched
        return entry == null ? new Found(Kind.ELSEWHERE, null, 0, null) : new Found(Kind.ANSWERED, entry.value(), entry.ageAtArrivalNanos(), null);
    }

    /**
     * Writes the answers to the terms this replica popped and sent ({@code null}: no match), freeing
     * their leases, delivers each to the replica that offered it, and marks the call {@code callId} over.
     */
    public void answered(String version, List<String> fields, String callId, List<Popped> terms, List<Normalization> answers) {
        List<String> encoded = answers.stream().map(cache::encode).toList();
        if (active()) {
            redis.keep(sent(version, fields, callId, terms, "", encoded), cache::replicated).subscribe().with(unused -> { },
                    failure -> LOG.debugf("Redis did not take answers: %s", failure));
        }
    }

    /** Marks the terms the call {@code callId} popped as failed with {@code failure}, tells the replicas that offered them, and marks the call over. */
    public void failed(String version, List<String> fields, String callId, List<Popped> terms, Throwable failure) {
        send(sent(version, fields, callId, terms, markOf(failure), terms.stream().map(term -> "").toList()), "a failure");
    }

    private Request sent(String version, List<String> fields, String callId, List<Popped> terms, String failure, List<String> answers) {
        String pool = poolKey(version, fields);
        Request request = Request.cmd(Command.EVAL).arg(SENT).arg(2 + 3 * terms.size()).arg(pool + ":calls").arg(pool + ":times");
        terms.forEach(term -> request.arg(valueKey(version, term.key())));
        terms.forEach(term -> request.arg(leaseKey(version, term.key())));
        terms.forEach(term -> request.arg(inboxOf(pool, term.offeredBy())));
        long lifetimeMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(cache.lifetimeNanos(NORMALIZE_CACHE)));
        request.arg(lifetimeMillis).arg(cache.owner() + ":sent").arg(failure).arg(FAILURE_MILLIS).arg(callId + ":" + terms.size());
        answers.forEach(request::arg);
        terms.forEach(term -> request.arg(term.key()));
        // this replica's own terms were answered here
        terms.forEach(term -> request.arg(term.offeredBy().equals(cache.owner()) ? "0" : "1"));
        return request;
    }

    /** Where the replica {@code owner} finds what other replicas' calls brought for the terms it pooled in {@code pool}. */
    private static String inboxOf(String pool, String owner) {
        return pool + ":inbox:" + owner;
    }

    /** Takes this replica's terms out of the pool: their callers were refused, so nobody sends them. */
    public void withdraw(String version, List<String> fields, List<String> keys) {
        String pool = poolKey(version, fields);
        Request request = Request.cmd(Command.EVAL).arg(WITHDRAW).arg(2 + keys.size()).arg(pool).arg(pool + ":raw");
        keys.forEach(key -> request.arg(leaseKey(version, key)));
        request.arg(cache.owner());
        keys.forEach(request::arg);
        send(request, "a withdrawal");
    }

    private void send(Request request, String what) {
        if (active()) {
            redis.send(request).subscribe().with(unused -> { }, failure -> LOG.debugf("Redis did not take %s: %s", what, failure));
        }
    }

    /** A failure as a lease carries it: status, Retry-After (0: none), whether Lightcast was unavailable, and the title. */
    private static String markOf(Throwable failure) {
        TitlesException known = failure instanceof TitlesException answer ? answer
                : LightcastUnavailable.unreachable("Lightcast did not answer.");
        Long retryAfter = known.retryAfterSeconds();
        return "x:" + known.status() + ":" + (retryAfter == null ? 0 : retryAfter) + ":" + (known instanceof LightcastUnavailable ? 1 : 0)
                + ":" + known.title();
    }

    private static TitlesException failureOf(String mark) {
        String[] parts = mark.split(":", 5);
        try {
            int status = Integer.parseInt(parts[1]);
            long retryAfter = Long.parseLong(parts[2]);
            String detail = "The Lightcast call carrying this title failed.";
            Long wait = retryAfter > 0 ? retryAfter : null;
            return "1".equals(parts[3]) ? new LightcastUnavailable(status, parts[4], detail, wait)
                    : new TitlesException(status, parts[4], detail, wait);
        } catch (RuntimeException unreadable) {
            return LightcastUnavailable.unreachable("The Lightcast call carrying this title failed.");
        }
    }

    private String poolKey(String version, List<String> fields) {
        return poolPrefix + version + ":" + String.join(",", fields);
    }

    private String valueKey(String version, String key) {
        return cache.valueKey(NORMALIZE_CACHE, version, key);
    }

    private String leaseKey(String version, String key) {
        return cache.leaseKey(NORMALIZE_CACHE, version, key);
    }
}
