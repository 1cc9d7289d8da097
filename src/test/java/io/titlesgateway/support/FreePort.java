package io.titlesgateway.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts in processes of their own (gateways, Redis, sentinels,
 * containers). A port the kernel picks ({@code bind(0)}) is an ephemeral one: between closing it
 * and the child binding it, any outgoing connection of any process may take it ("Port 38355 seems
 * to be in use" failed a run that way). These come from below the ephemeral range (Linux's is
 * 32768–60999), where no outgoing connection lands, and none is handed out twice in one run.
 */
public final class FreePort {

    private static final int FIRST = 20_000;
    private static final int COUNT = 12_000;
    /** Where this run starts counting: spread by process id, so that two runs on one machine rarely meet. */
    private static final AtomicInteger NEXT = new AtomicInteger((int) (ProcessHandle.current().pid() * 97 % COUNT));

    private FreePort() {
    }

    /** A port nothing listens on now, and that this run has not handed out before. */
    public static int next() {
        for (int tried = 0; tried < COUNT; tried++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + (FIRST + COUNT));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
