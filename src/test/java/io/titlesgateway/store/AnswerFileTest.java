package io.titlesgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answer file keeps what it was given across reopening, a torn write and a kill -9, within its bound, for one process. */
class AnswerFileTest {

    private static final long BIG = 64L * 1024 * 1024;

    @TempDir
    Path directory;

    private static String valueOf(int i) {
        return "{\"f\":1,\"v\":{\"confidence\":0.9,\"title\":{\"id\":\"ET" + i + "\",\"name\":\"Title " + i + "\"}}}";
    }

    @Test
    void answersOutliveClosingAndOpeningAgain() throws IOException {
        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            for (int i = 0; i < 1_000; i++) {
                store.put("normalize:5.47:term " + i, valueOf(i), 1_000L + i);
            }
            store.put("normalize:5.47:term 7", valueOf(7_000), 5_000L);
        }
        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            assertThat(store.size()).isEqualTo(1_000);
            assertThat(store.get("normalize:5.47:term 999")).isEqualTo(new AnswerFile.Stored(valueOf(999), 1_999L));
            assertThat(store.get("normalize:5.47:term 7").value()).as("the last write of a key wins").isEqualTo(valueOf(7_000));
            assertThat(store.get("normalize:5.47:never asked")).isNull();
        }
    }

    @Test
    void aTornLastWriteIsCutOffAndEverythingBeforeItKept() throws IOException {
        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            for (int i = 0; i < 100; i++) {
                store.put("k" + i, valueOf(i), i);
            }
        }
        Path file = directory.resolve(AnswerFile.FILE);
        long whole = Files.size(file);
        byte[] record = Files.readAllBytes(file);
        // half of a copy of the first record, as a crash mid-write leaves it
        Files.write(file, java.util.Arrays.copyOf(record, 40), StandardOpenOption.APPEND);

        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            assertThat(store.size()).isEqualTo(100);
            assertThat(Files.size(file)).isEqualTo(whole);
            store.put("after", valueOf(1), 1);
        }
        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            assertThat(store.size()).isEqualTo(101);
            assertThat(store.get("after").value()).isEqualTo(valueOf(1));
        }
    }

    @Test
    void aSecondOpenIsRefusedSayingWhy() throws IOException {
        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            assertThatThrownBy(() -> AnswerFile.open(directory, BIG)).isInstanceOf(AnswerFile.StoreInUse.class)
                    .hasMessageContaining("open in another process").hasMessageContaining(directory.toString());
        }
        AnswerFile.open(directory, BIG).close(); // free again once the first closed
    }

    @Test
    void theFileStaysWithinItsBoundKeepingTheAnswersUsedLast() throws IOException {
        long bound = 64 * 1024;
        try (AnswerFile store = AnswerFile.open(directory, bound)) {
            for (int i = 0; i < 3_000; i++) {
                store.put("k" + i, valueOf(i), i);
                assertThat(store.bytes()).isLessThanOrEqualTo(bound);
            }
            assertThat(store.get("k2999").value()).isEqualTo(valueOf(2999));
            assertThat(store.get("k0")).as("the oldest answers went to make room").isNull();
            assertThat(store.size()).isBetween(100, 3_000);
        }
        try (AnswerFile store = AnswerFile.open(directory, bound)) {
            assertThat(store.get("k2999").value()).isEqualTo(valueOf(2999));
        }
    }

    @Test
    void aProcessKilledWhileWritingLeavesAStoreThatOpensWhole() throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KeepWriting.class.getName(), directory.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("written 20000")) {
                // wait until it has written a good deal, and goes on writing
            }
            assertThat(line).as("the writer's output").isNotNull();
            assertThatThrownBy(() -> AnswerFile.open(directory, BIG)).as("held by the writer").isInstanceOf(AnswerFile.StoreInUse.class);
            writer.destroyForcibly(); // SIGKILL: no close, no flush
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (AnswerFile store = AnswerFile.open(directory, BIG)) {
            assertThat(store.size()).isGreaterThanOrEqualTo(20_000);
            for (int i = 0; i < store.size(); i += 97) {
                assertThat(store.get("k" + i).value()).isEqualTo(valueOf(i));
            }
        }
    }

    /** Writes answers until it is killed, saying how many it has written every 10,000. */
    public static final class KeepWriting {
        public static void main(String[] args) throws IOException {
            try (AnswerFile store = AnswerFile.open(Path.of(args[0]), BIG)) {
                for (int i = 0;; i++) {
                    store.put("k" + i, valueOf(i), i);
                    if (i > 0 && i % 10_000 == 0) {
                        System.out.println("written " + i);
                        System.out.flush();
                    }
                }
            }
        }
    }
}
