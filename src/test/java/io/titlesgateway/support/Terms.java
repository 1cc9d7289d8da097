package io.titlesgateway.support;

import java.util.List;
import java.util.stream.IntStream;

/** Raw titles for tests: the emulator's own titles, made distinct by a number. */
public final class Terms {

    private static final String[] TITLES = { "data scientist", "software engineer", "registered nurse", "truck driver",
            "line cook", "chef", "plumber", "cashier", "teacher", "sales manager" };

    private Terms() {
    }

    /** {@code count} distinct raw titles, the i-th built on {@link #title(int) title(i)}. */
    public static List<String> distinct(int count) {
        return IntStream.range(0, count).mapToObj(i -> title(i) + " " + i).toList();
    }

    /** The emulator title the i-th distinct term is built on. */
    public static String title(int i) {
        return TITLES[i % TITLES.length];
    }
}
