package io.titlesgateway.store;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The budget's rule for one replica's permits: each is good for one request and usable again one
 * second after that request completed, so no one-second span sees more starts than permits.
 * Not thread-safe: its owner holds its own lock around every call.
 */
public final class Permits {

    public static final long SPAN_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    /** Per permit: when it may be used again (System.nanoTime()), or {@link #IN_FLIGHT} while its request is out. */
    private final long[] freeAt;

    public Permits(int count) {
        freeAt = new long[count];
        Arrays.fill(freeAt, Long.MIN_VALUE);
    }

    /** The permit usable soonest; if it is in flight, so are all. */
    public int earliest() {
        int earliest = 0;
        for (int i = 1; i < freeAt.length; i++) {
            if (freeAt[i] < freeAt[earliest]) {
                earliest = i;
            }
        }
        return earliest;
    }

    public boolean inFlight(int permit) {
        return freeAt[permit] == IN_FLIGHT;
    }

    /** When {@code permit} may be used again, as System.nanoTime(); meaningless while it is in flight. */
    public long freeAt(int permit) {
        return freeAt[permit];
    }

    public void take(int permit) {
        freeAt[permit] = IN_FLIGHT;
    }

    /** It was taken but no request went out on it: usable again when it would have been, {@code freeAt}. */
    public void putBack(int permit, long freeAt) {
        this.freeAt[permit] = freeAt;
    }

    /** Its request is over: usable again a second from now. */
    public void giveBack(int permit) {
        freeAt[permit] = System.nanoTime() + SPAN_NANOS;
    }
}
