package io.titlesgateway.lightcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.store.SharedPool;
import io.titlesgateway.support.EveryPartAtWork;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.titles.Normalization;

/**
 * The pool the replicas share holds a call, as one replica holds its own: a replica whose permit
 * comes less than a pace after another replica's call took terms waits out the pace before it takes
 * the few that came since; and a call that could carry more waits while calls under way carry more
 * terms than wait, or while the callers a call just answered keep arriving. The pace and the waits
 * here are a minute, so that no machine is slow enough to let them lapse.
 */
@QuarkusTest
@TestProfile(EveryPartAtWork.class)
@WithTestResource(LightcastEmulatorResource.class)
class SharedPoolPaceTest {

    private static final long PACE_MILLIS = Duration.ofMinutes(1).toMillis();
    private static final long RETURN_WAIT_MILLIS = Duration.ofMinutes(1).toMillis();
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final List<String> FIELDS = List.of("id", "name");

    @Inject
    SharedPool pool;

    /** A version of its own, so that the pool and its last call are this test's alone. */
    private String version;

    @BeforeEach
    void ownPool() {
        RedisAvailable.orSkip();
        version = "pace-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
    }

    @Test
    void aCallWithinThePaceOfAnotherReplicasCallIsHeldUntilItEndsUnlessThePoolHoldsWhatTheCallHasRoomFor() {
        offer("nurse");
        SharedPool.Look first = pop(10, PACE_MILLIS);
        assertThat(first.popped()).as("no call took terms lately: the permit takes them at once").extracting(SharedPool.Popped::raw)
                .containsExactly("nurse");
        assertThat(first.heldMillis()).isZero();

        offer("welder", "cashier");
        SharedPool.Look held = pop(10, PACE_MILLIS);
        assertThat(held.popped()).as("a call took terms a moment ago, and two wait where ten fit").isEmpty();
        assertThat(held.heldMillis()).as("what is left of the pace").isPositive().isLessThanOrEqualTo(PACE_MILLIS);
        assertThat(held.sinceLastCallMillis()).isLessThan(PACE_MILLIS);
        assertThat(held.poolLeft()).as("the terms stay in the pool").isEqualTo(2);

        SharedPool.Look whole = pop(2, PACE_MILLIS);
        assertThat(whole.popped()).as("the pool holds what this call has room for: it goes").extracting(SharedPool.Popped::raw)
                .containsExactlyInAnyOrder("welder", "cashier");
        assertThat(whole.heldMillis()).isZero();
        assertThat(whole.sinceLastCallMillis()).as("the last call is this one").isZero();
    }

    @Test
    void aCallThatWaitedOutThePaceTakesWhatThePoolHoldsAndAnEmptyPoolHoldsNobody() {
        offer("baker");
        assertThat(pop(10, PACE_MILLIS).popped()).hasSize(1);

        SharedPool.Look empty = pop(10, PACE_MILLIS);
        assertThat(empty.popped()).isEmpty();
        assertThat(empty.heldMillis()).as("nothing waits: the permit goes back at once, not held for nothing").isZero();

        offer("plumber");
        assertThat(pop(10, PACE_MILLIS).heldMillis()).isPositive();
        SharedPool.Look after = pop(10, 0);
        assertThat(after.popped()).as("the pace waited out").extracting(SharedPool.Popped::raw).containsExactly("plumber");
    }

    @Test
    void aCallWaitsWhileCallsUnderWayCarryMoreTermsThanWaitAndGoesOnceTheyAreAnswered() {
        offer("nurse", "welder", "cashier");
        String underWay = pool.newCallId();
        SharedPool.Look first = pool.look(version, FIELDS, List.of(), new SharedPool.Pop(10, 0, 0, 0, underWay)).await().atMost(PATIENCE);
        assertThat(first.popped()).hasSize(3);

        offer("baker");
        String next = pool.newCallId();
        SharedPool.Look held = callerLook(next, 0);
        assertThat(held.popped()).as("three terms under way, one waiting: their callers will be back").isEmpty();
        assertThat(held.heldForCallers()).isTrue();
        assertThat(held.heldMillis()).isPositive();

        answer(underWay, first.popped());
        SharedPool.Look after = callerLook(next, 0);
        assertThat(after.popped()).as("nothing under way, and no window for arrivals: the call goes")
                .extracting(SharedPool.Popped::raw).containsExactly("baker");
    }

    @Test
    void callersArrivingAfterAnAnswerHoldTheCallWhileTheyKeepComing() {
        offer("plumber");
        String answered = pool.newCallId();
        SharedPool.Look first = pool.look(version, FIELDS, List.of(), new SharedPool.Pop(10, 0, 0, 0, answered)).await().atMost(PATIENCE);
        answer(answered, first.popped());

        offer("electrician");
        String next = pool.newCallId();
        SharedPool.Look held = callerLook(next, RETURN_WAIT_MILLIS);
        assertThat(held.popped()).as("a call just answered, and a term arrived within the window").isEmpty();
        assertThat(held.heldForCallers()).isTrue();

        SharedPool.Look arrivalsStopped = callerLook(next, 0);
        assertThat(arrivalsStopped.popped()).as("no arrival within the window: the callers are back").extracting(SharedPool.Popped::raw)
                .containsExactly("electrician");
    }

    /** A look of a call that may wait for callers, with no pace, and {@code windowMillis} for arrivals. */
    private SharedPool.Look callerLook(String callId, long windowMillis) {
        return pool.look(version, FIELDS, List.of(), new SharedPool.Pop(10, 0, RETURN_WAIT_MILLIS, windowMillis, callId))
                .await().atMost(PATIENCE);
    }

    /** Answers the call (no match for any term), and waits until Redis holds its answers: the call is over. */
    private void answer(String callId, List<SharedPool.Popped> popped) {
        List<Normalization> none = new ArrayList<>(Collections.nCopies(popped.size(), (Normalization) null));
        pool.answered(version, FIELDS, callId, popped, none);
        List<SharedPool.Term> terms = popped.stream().map(term -> new SharedPool.Term(term.key(), term.raw(), false)).toList();
        Awaitility.await().atMost(PATIENCE).until(() -> pool.look(version, FIELDS, terms, SharedPool.Pop.NONE).await().atMost(PATIENCE)
                .found().stream().allMatch(found -> found.kind() == SharedPool.Kind.ANSWERED));
    }

    private void offer(String... raws) {
        List<SharedPool.Term> terms = Arrays.stream(raws).map(raw -> new SharedPool.Term(LightcastBackend.termKey(raw), raw, false)).toList();
        SharedPool.Look offered = pool.look(version, FIELDS, terms, SharedPool.Pop.NONE).await().atMost(PATIENCE);
        assertThat(offered.found()).extracting(SharedPool.Found::kind).containsOnly(SharedPool.Kind.POOLED);
    }

    private SharedPool.Look pop(int room, long paceMillis) {
        return pool.look(version, FIELDS, List.of(), new SharedPool.Pop(room, paceMillis, 0, 0, pool.newCallId())).await().atMost(PATIENCE);
    }
}
