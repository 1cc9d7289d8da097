import java.nio.file.Files;
import java.nio.file.Path;

import io.titlesgateway.store.AnswerFile;

/** Writes N answers of a realistic size to an answer store, then times opening it again (the read-back) and N lookups. */
public class ReadBack {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory("answer-store-bench");
        String value = "{\"f\":1,\"v\":{\"confidence\":0.93,\"jobLevels\":[\"Senior\"],\"title\":{\"id\":\"ET3B93055220D592C8\","
                + "\"name\":\"Registered Nurse\",\"mapping\":{\"socs\":[{\"id\":\"29-1141\",\"name\":\"Registered Nurses\"}]},"
                + "\"skills\":[{\"id\":\"KS1219W70LY1GXZDSKW5\",\"name\":\"Nursing\"}]}}}";
        long began = System.nanoTime();
        try (AnswerFile store = AnswerFile.open(dir, 4L << 30)) {
            for (int i = 0; i < count; i++) {
                store.put("{gateway}:1:lightcast-normalize:5.47:registered nurse " + i, value, i);
            }
        }
        long written = System.nanoTime() - began;
        began = System.nanoTime();
        try (AnswerFile store = AnswerFile.open(dir, 4L << 30)) {
            long opened = System.nanoTime() - began;
            began = System.nanoTime();
            int found = 0;
            for (int i = 0; i < count; i += 10) {
                found += store.get("{gateway}:1:lightcast-normalize:5.47:registered nurse " + i) == null ? 0 : 1;
            }
            long looked = System.nanoTime() - began;
            System.out.printf("answers %d, file %d MB, written in %d ms, read back in %d ms, %d lookups at %.1f µs each (found %d)%n",
                    count, store.bytes() >> 20, written / 1_000_000, opened / 1_000_000, count / 10, looked / 1e3 / (count / 10), found);
        }
        try (var files = Files.list(dir)) {
            files.forEach(file -> file.toFile().delete());
        }
        Files.delete(dir);
    }
}
