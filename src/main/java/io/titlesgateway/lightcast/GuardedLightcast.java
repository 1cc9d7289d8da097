package io.titlesgateway.lightcast;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.cache.CacheException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.auth.CallerAuth;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.Spans;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;
import io.titlesgateway.store.BudgetSpent;

/**
 * Every call to Lightcast, each through the shared guards and the budget: breaker, retries with
 * backoff on 5xx and timeouts, a permit and the rate ceiling for every single request, and one
 * more request with a fresh token after a 401. Failures come out translated for the caller.
 */
@ApplicationScoped
class GuardedLightcast {

    private final LightcastApi api;
    private final Guard guard;
    private final Guard rateCeiling;
    private final UpstreamBudget budget;
    private final LightcastMetrics metrics;
    private final LightcastHealth health;
    private final long breakerDelaySeconds;

    @Inject
    QuotaGate quota;

    @Inject
    CallerShares shares;

    @Inject
    TokenWaits tokenWaits;

    /** The span of a call's wait for a permit of the budget, and the endpoint it waits to call. */
    static final String BUDGET_WAIT = "lightcast.budget.wait";
    static final String ENDPOINT = "lightcast.endpoint";

    @Inject
    Spans spans;

    @Inject
    GuardedLightcast(@RestClient LightcastApi api, @Identifier(LightcastGuard.NAME) Guard guard,
            @Identifier(LightcastGuard.RATE_CEILING) Guard rateCeiling, UpstreamBudget budget, LightcastMetrics metrics,
            LightcastHealth health, LightcastConfig config) {
        this.api = api;
        this.guard = guard;
        this.rateCeiling = rateCeiling;
        this.budget = budget;
        this.metrics = metrics;
        this.health = health;
        this.breakerDelaySeconds = Math.max(1, config.breaker().delay().toSeconds());
    }

    Uni<ServiceStatus> status() {
        return call("/status", api::status).map(LightcastEnvelope::data).invoke(health::statusSaid);
    }

    /** {@code /status} for readiness: only with a permit no caller is waiting for, so a probe never delays one. */
    Uni<ServiceStatus> statusIfIdle() {
        return call("/status", api::status, UpstreamBudget.Claim.forProbe()).map(LightcastEnvelope::data).invoke(health::statusSaid);
    }

    Uni<ServiceMeta> meta() {
        return call("/meta", api::meta).map(LightcastEnvelope::data);
    }

    Uni<List<String>> versions() {
        return call("/versions", api::versions).map(LightcastEnvelope::data);
    }

    Uni<VersionInfo> version(String version) {
        return call("/versions/{version}", () -> api.version(version)).map(LightcastEnvelope::data);
    }

    Uni<VersionChanges> changes(String version) {
        return call("/versions/{version}/changes", () -> api.changes(version)).map(LightcastEnvelope::data);
    }

    Uni<List<Title>> search(String version, String q, Integer limit, Integer page, List<String> fields) {
        return call("/titles", () -> api.search(version, q, limit, page, String.join(",", fields)))
                .map(LightcastEnvelope::data);
    }

    Uni<List<Title>> titlesById(String version, List<String> ids, List<String> fields) {
        return call("/titles", () -> api.titlesById(version, new LightcastCalls.ByIds(ids, fields)))
                .map(LightcastEnvelope::data);
    }

    Uni<Title> title(String version, String id) {
        return call("/titles/{id}", () -> api.title(version, id)).map(LightcastEnvelope::data);
    }

    /** One normalize at threshold 0; neither started nor retried once {@code wanted} says nobody waits for it. */
    Uni<Normalization> normalize(String version, String term, List<String> fields, BooleanSupplier wanted) {
        var body = new LightcastCalls.Normalize(term, fields, 0.0);
        return quotaCounted(() -> call("/normalize", () -> api.normalize(version, body), budget.claim(wanted)));
    }

    Uni<List<Normalization>> inspect(String version, String term, List<String> fields, int limit) {
        var body = new LightcastCalls.Inspect(term, fields, 0.0, limit);
        return quotaCounted(() -> call("/normalize/inspect", () -> api.inspect(version, body)));
    }

    /** One bulk normalize of {@code terms} at threshold 0. */
    Uni<List<BulkNormalization>> bulk(String version, List<String> terms, List<String> fields) {
        return bulk(version, () -> Uni.createFrom().item(terms), fields, budget.claim(UpstreamBudget.Claim.ALWAYS_WANTED));
    }

    /**
     * One bulk normalize whose terms are taken only when it has its permit ({@code termsAtPermit},
     * asked once per attempt; {@link NothingToSend} if there are none left, and the permit goes back
     * unused): it waits for a permit until {@code deadline} (System.nanoTime()), and is neither
     * started nor retried once {@code wanted} says nobody waits for it.
     */
    Uni<List<BulkNormalization>> bulk(String version, Supplier<Uni<List<String>>> termsAtPermit, List<String> fields, long deadline,
            BooleanSupplier wanted) {
        return bulk(version, termsAtPermit, fields, budget.claimUntil(deadline, wanted));
    }

    private Uni<List<BulkNormalization>> bulk(String version, Supplier<Uni<List<String>>> terms, List<String> fields,
            UpstreamBudget.Claim claim) {
        return quotaCounted(() -> call("/normalize/bulk", terms, taken -> api.bulk(version, new LightcastCalls.Bulk(taken, fields, 0.0))
                .invoke(answer -> AnswerShape.onePerTerm(taken, answer)), claim));
    }

    /**
     * A call that costs normalize quota: refused before it goes out when the caller's share, or the
     * quota itself, is spent; counted for the caller once Lightcast answered it (a no match, or an
     * answer that could not be read, too: Lightcast counted it).
     */
    private <T> Uni<T> quotaCounted(Supplier<Uni<RestResponse<LightcastEnvelope<T>>>> call) {
        String caller = CallerAuth.currentCaller();
        TitlesException refused = shares.refusal(caller);
        if (refused != null) {
            return Uni.createFrom().failure(refused);
        }
        return quota.admit().flatMap(open -> call.get())
                .invoke(() -> shares.spent(caller))
                .onFailure(GuardedLightcast::answeredAllTheSame).invoke(() -> {
                    shares.spent(caller);
                    quota.answered();
                })
                .map(this::quotaNoted);
    }

    /** A failed call Lightcast answered, and so counted against the quota: no match (404), or an answer that cannot be read. */
    private static boolean answeredAllTheSame(Throwable failure) {
        return failure instanceof LightcastUnavailable unavailable ? unavailable.answeredForQuota()
                : failure instanceof TitlesException answer && answer.status() == 404;
    }

    private <T> T quotaNoted(RestResponse<LightcastEnvelope<T>> response) {
        metrics.quota(response.getHeaderString("RateLimit-Remaining"), response.getHeaderString("RateLimit-Reset"));
        quota.noted(response.getHeaderString("RateLimit-Remaining"), response.getHeaderString("RateLimit-Reset"));
        return response.getEntity().data();
    }

    /** True when Lightcast cannot answer now (down, failing, or over a rate limit): a stale answer beats an error. */
    static boolean cannotAnswerNow(Throwable failure) {
        return failure instanceof LightcastUnavailable
                || failure instanceof TitlesException answer && answer.status() == 429;
    }

    /**
     * One call: under the shared guard (breaker, retries, timeout), each attempt waits for a budget
     * permit, passes the rate ceiling and goes out; a 401 costs one more request with a new token.
     */
    private <T> Uni<T> call(String endpoint, Supplier<Uni<T>> request) {
        return call(endpoint, request, budget.claim(UpstreamBudget.Claim.ALWAYS_WANTED));
    }

    private <T> Uni<T> call(String endpoint, Supplier<Uni<T>> request, UpstreamBudget.Claim claim) {
        return call(endpoint, () -> Uni.createFrom().nullItem(), unused -> request.get(), claim);
    }

    /** A call whose request is made of what {@code atPermit} gives once it has its permit: what a bulk call carries. */
    private <P, T> Uni<T> call(String endpoint, Supplier<Uni<P>> atPermit, Function<P, Uni<T>> request, UpstreamBudget.Claim claim) {
        // the request that asked: its trace goes on through permits granted by timers and retries
        Context asked = Context.current();
        AtomicReference<Throwable> lastFailure = new AtomicReference<>();
        Supplier<Uni<T>> remembered = () -> attempt(endpoint, atPermit, request, claim, asked)
                .onFailure(LightcastUnavailable.class).invoke(failure -> {
                    lastFailure.set(failure);
                    health.failedWith(((LightcastUnavailable) failure).detail());
                });
        return guarded(remembered)
                // a retry that found the budget spent: the caller hears why the call failed, not that the retry waited
                .onFailure(BudgetSpent.class).transform(spent -> lastFailure.get() != null ? lastFailure.get() : spent)
                .onFailure(LightcastRateLimited.class).recoverWithUni(failure -> afterUpstream429(
                        (LightcastRateLimited) failure, endpoint, atPermit, request, claim, asked))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> LightcastUnavailable.breakerOpen(breakerDelaySeconds,
                        health.lastFailure()))
                .onFailure(TimeoutException.class).transform(slow -> LightcastUnavailable.tooSlow(tokenWaits.underWay()
                        ? "The gateway could not obtain a Lightcast token in time: the auth server did not answer; check LIGHTCAST_AUTH_URL."
                        : "Lightcast did not answer " + endpoint + " in time."));
    }

    /** Lightcast's own rate limit: pause the whole budget, and try again if the pause ends in time. */
    private <P, T> Uni<T> afterUpstream429(LightcastRateLimited failure, String endpoint, Supplier<Uni<P>> atPermit,
            Function<P, Uni<T>> request, UpstreamBudget.Claim claim, Context asked) {
        if (failure.quotaExhausted()) {
            quota.spent(failure.reset());
            return Uni.createFrom().failure(failure);
        }
        Duration pause = Duration.ofSeconds(failure.retryAfterSeconds());
        budget.pause(pause);
        if (System.nanoTime() + pause.toNanos() > claim.deadline()) {
            return Uni.createFrom().failure(failure);
        }
        try (Scope scope = asked.makeCurrent()) {
            return call(endpoint, atPermit, request, claim);
        }
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private <T> Uni<T> guarded(Supplier<Uni<T>> attempt) {
        Supplier<Uni> untyped = attempt::get;
        return guard.get(untyped, Uni.class);
    }

    /**
     * One attempt. A 401 means Lightcast no longer accepts the token we hold (revoked, or expired
     * early): the OIDC filter has marked it stale, so the single retry goes out with a new one.
     */
    private <P, T> Uni<T> attempt(String endpoint, Supplier<Uni<P>> atPermit, Function<P, Uni<T>> request, UpstreamBudget.Claim claim,
            Context asked) {
        Uni<T> first = permitted(endpoint, atPermit, request, claim, asked);
        return first
                .onFailure(LightcastErrors::isUnauthorized).recoverWithUni(() -> permitted(endpoint, atPermit, request, claim, asked))
                .onFailure(RateLimitException.class).transform(ceiling -> BudgetSpent.forMillis(
                        ((RateLimitException) ceiling).getRetryAfterMillis()))
                .onFailure().transform(failure -> LightcastErrors.translate(unwrap(failure), endpoint));
    }

    /**
     * One HTTP request: a budget permit (its wait a span of the request that asked), what it
     * carries, the rate ceiling, then the request itself, counted, sent in the asking request's trace.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private <P, T> Uni<T> permitted(String endpoint, Supplier<Uni<P>> atPermit, Function<P, Uni<T>> request, UpstreamBudget.Claim claim,
            Context asked) {
        Span wait = spans.start(BUDGET_WAIT, asked);
        wait.setAttribute(ENDPOINT, endpoint);
        return budget.spend(claim, () -> {
            wait.end();
            return atPermit.get().onItem().transformToUni(carried -> {
                Supplier<Uni> counted = () -> counted(endpoint, () -> Spans.within(asked, () -> request.apply(carried)));
                return (Uni<T>) rateCeiling.get(counted, Uni.class);
            });
        }).onFailure().invoke(failure -> {
            if (failure instanceof BudgetSpent) {
                Spans.failed(wait, failure);
            }
            wait.end();
        }).onCancellation().invoke(wait::end);
    }

    private <T> Uni<T> counted(String endpoint, Supplier<Uni<T>> request) {
        Uni<T> call = Uni.createFrom().deferred(request::get);
        return call
                .map(AnswerShape::checked)
                .onItem().invoke(() -> observed(endpoint, "200"))
                .onFailure().invoke(failure -> observed(endpoint, LightcastErrors.outcome(failure)));
    }

    /** One request's outcome, for the metrics and as evidence of Lightcast's health. */
    private void observed(String endpoint, String outcome) {
        metrics.upstreamCall(endpoint, outcome);
        health.observed(endpoint, outcome);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CacheException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
