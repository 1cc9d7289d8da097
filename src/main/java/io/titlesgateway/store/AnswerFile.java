package io.titlesgateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32;

import org.jboss.logging.Logger;

/**
 * Answers kept in one append-only file, for a replica without Redis: each record carries its key,
 * its value, when it was written and a CRC, so a write torn by a crash ({@code kill -9}, a node
 * lost) is found and cut off when the file is opened again, and every record before it stays. An
 * index in memory holds, per key, a 64-bit hash, where its record starts and when it was last
 * used (16 + 4 bytes a slot); the values stay on disk. When the file grows past its bound, the
 * answers used least recently are left behind in a compacted copy that replaces the file in one
 * atomic rename, so a crash mid-compaction leaves the old file whole. One process at a time: a
 * second one that opens the directory is refused with a message that says so.
 *
 * <p>Thread-safe: reads run concurrently, appends and compaction one at a time.
 */
public final class AnswerFile implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AnswerFile.class);
    static final String FILE = "answers.log";
    static final String LOCK = "answers.lock";
    private static final String NEXT = "answers.log.next";
    private static final int MAGIC = 0x54474131; // "TGA1"
    /** magic, key length, value length, written at (ms). */
    private static final int HEADER = 4 + 4 + 4 + 8;
    private static final int TRAILER = 4;
    private static final int MAX_KEY = 16 * 1024;
    private static final int MAX_VALUE = 16 * 1024 * 1024;
    /** What a compaction keeps, of the bound: room to write for a while before the next one. */
    private static final double KEEP_AFTER_COMPACTION = 0.7;

    /** One answer read back: its value and when it was written (epoch ms). */
    public record Stored(String value, long writtenAtMillis) {
    }

    private final Path directory;
    private final long maxBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private final Index index = new Index();
    private FileChannel channel;
    private long end;
    private volatile boolean dirty;
    private volatile boolean closed;

    private AnswerFile(Path directory, long maxBytes, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens (or creates) the store in {@code directory}, reading its index back; a torn last
     * record is cut off. Refused if another process, or this one, has it open.
     */
    public static AnswerFile open(Path directory, long maxBytes) throws IOException {
        Files.createDirectories(directory);
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new StoreInUse("The answer store in " + directory + " is open in another process: give each replica a directory "
                    + "of its own (or share answers through Redis with TITLES_REDIS_URL), and stop the old process before a new one starts");
        }
        AnswerFile store = new AnswerFile(directory, maxBytes, lockChannel, lock);
        try {
            Files.deleteIfExists(directory.resolve(NEXT)); // a compaction a crash interrupted: the old file is whole
            store.channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            store.readBack();
            return store;
        } catch (IOException | RuntimeException failure) {
            store.close();
            throw failure;
        }
    }

    /** Refused: another process holds the store. */
    public static final class StoreInUse extends IOException {
        StoreInUse(String message) {
            super(message);
        }
    }

    /** How many answers it holds. */
    public int size() {
        swap.readLock().lock();
        try {
            return index.size();
        } finally {
            swap.readLock().unlock();
        }
    }

    /** The file's length in bytes. */
    public long bytes() {
        swap.readLock().lock();
        try {
            return end;
        } finally {
            swap.readLock().unlock();
        }
    }

    /** The answer kept under {@code key}, or {@code null}. */
    public Stored get(String key) throws IOException {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        long hash = hash(keyBytes);
        swap.readLock().lock();
        try {
            int slot = index.find(hash);
            if (slot < 0) {
                return null;
            }
            Record record = read(channel, index.positions[slot], end);
            if (record == null || !java.util.Arrays.equals(record.key, keyBytes)) {
                return null; // two keys with one hash: the other one's answer is not this one's
            }
            index.touch(slot);
            return new Stored(new String(record.value, StandardCharsets.UTF_8), record.writtenAtMillis);
        } finally {
            swap.readLock().unlock();
        }
    }

    /** Keeps {@code value} under {@code key}, replacing what was there; compacts first if the file would outgrow its bound. */
    public synchronized void put(String key, String value, long writtenAtMillis) throws IOException {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length > MAX_KEY || valueBytes.length > MAX_VALUE) {
            return; // nothing an answer of Lightcast's comes near; not worth a record that could not be read back
        }
        ByteBuffer record = encode(keyBytes, valueBytes, writtenAtMillis);
        if (end + record.remaining() > maxBytes) {
            compact(record.remaining());
        }
        swap.writeLock().lock();
        try {
            long at = end;
            while (record.hasRemaining()) {
                channel.write(record, at + record.position());
            }
            end = at + record.limit();
            index.put(hash(keyBytes), at);
            dirty = true;
        } finally {
            swap.writeLock().unlock();
        }
    }

    /** Flushes what was written to the device, if anything was since the last time: a crash of the machine loses at most that. */
    public void sync() throws IOException {
        if (dirty && !closed) {
            dirty = false;
            swap.readLock().lock();
            try {
                channel.force(false);
            } finally {
                swap.readLock().unlock();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (channel != null) {
                channel.force(false);
                channel.close();
            }
        } catch (IOException ignored) {
            // closing: what was written is in the file already
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }

    /** Reads every record back into the index, cutting the file at the first one that is not whole. */
    private void readBack() throws IOException {
        long size = channel.size();
        long at = 0;
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        buffer.limit(0);
        CRC32 crc = new CRC32();
        while (at < size) {
            // the record's header, its key and value, and its CRC must all be in the buffer
            if (buffer.remaining() < HEADER) {
                refill(buffer, at);
            }
            if (buffer.remaining() < HEADER || buffer.getInt(buffer.position()) != MAGIC) {
                break;
            }
            int keyLength = buffer.getInt(buffer.position() + 4);
            int valueLength = buffer.getInt(buffer.position() + 8);
            if (keyLength < 0 || keyLength > MAX_KEY || valueLength < 0 || valueLength > MAX_VALUE) {
                break;
            }
            int length = HEADER + keyLength + valueLength + TRAILER;
            if (buffer.remaining() < length) {
                if (buffer.capacity() < length) {
                    ByteBuffer bigger = ByteBuffer.allocate(length);
                    bigger.limit(0);
                    buffer = bigger;
                }
                refill(buffer, at);
                if (buffer.remaining() < length) {
                    break;
                }
            }
            int start = buffer.position();
            crc.reset();
            crc.update(buffer.array(), start, length - TRAILER);
            if ((int) crc.getValue() != buffer.getInt(start + length - TRAILER)) {
                break;
            }
            index.put(hash(buffer.array(), start + HEADER, keyLength), at);
            buffer.position(start + length);
            at += length;
        }
        if (at < size) {
            LOG.warnf("The answer store %s ended in a write that was not whole (%d bytes, from a crash): cut off, the %d answers "
                    + "before it kept", directory.resolve(FILE), size - at, index.size());
            channel.truncate(at);
            channel.force(true);
        }
        end = at;
    }

    /** Moves the unread bytes (those from {@code at} on) to the front of the buffer, and fills the rest from the file. */
    private void refill(ByteBuffer buffer, long at) throws IOException {
        buffer.compact();
        long readFrom = at + buffer.position();
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, readFrom);
            if (read <= 0) {
                break;
            }
            readFrom += read;
        }
        buffer.flip();
    }

    /**
     * Rewrites the file with the answers used most recently, up to {@value #KEEP_AFTER_COMPACTION}
     * of the bound less {@code room}, then swaps it in with one atomic rename.
     */
    private void compact(long room) throws IOException {
        long started = System.nanoTime();
        List<long[]> live = new ArrayList<>(index.size());
        swap.readLock().lock();
        try {
            index.forEach((position, lastUsed) -> live.add(new long[] { position, lastUsed }));
        } finally {
            swap.readLock().unlock();
        }
        live.sort(Comparator.comparingLong((long[] entry) -> entry[1]).reversed());
        long budget = (long) (maxBytes * KEEP_AFTER_COMPACTION) - room;
        List<long[]> kept = new ArrayList<>();
        long keptBytes = 0;
        for (long[] entry : live) {
            Record record = read(channel, entry[0], end);
            if (record == null) {
                continue;
            }
            if (keptBytes + record.length > budget) {
                break;
            }
            keptBytes += record.length;
            kept.add(new long[] { entry[0], entry[1], record.length, hash(record.key) });
        }
        kept.sort(Comparator.comparingLong((long[] entry) -> entry[0]));
        Path next = directory.resolve(NEXT);
        Index rebuilt = new Index();
        long written = 0;
        try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (long[] entry : kept) {
                channel.transferTo(entry[0], entry[2], out);
                rebuilt.put(entry[3], written);
                rebuilt.lastUsed[rebuilt.find(entry[3])] = (int) entry[1];
                written += entry[2];
            }
            out.force(true);
        }
        swap.writeLock().lock();
        try {
            channel.close();
            Files.move(next, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
            int before = index.size();
            index.replaceWith(rebuilt);
            end = written;
            LOG.infof("The answer store reached its bound of %d bytes: kept the %d answers used most recently of %d (%d bytes) in %d ms",
                    maxBytes, index.size(), before, written, (System.nanoTime() - started) / 1_000_000);
        } finally {
            swap.writeLock().unlock();
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UncheckedIOException notSupported) {
            // some file systems cannot sync a directory; the rename is atomic all the same
        }
    }

    private record Record(byte[] key, byte[] value, long writtenAtMillis, int length) {
    }

    /** The record at {@code position}, or {@code null} if what is there is not one whole record. */
    private static Record read(FileChannel channel, long position, long end) throws IOException {
        if (position + HEADER + TRAILER > end) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(channel, header, position);
        header.flip();
        if (header.getInt() != MAGIC) {
            return null;
        }
        int keyLength = header.getInt();
        int valueLength = header.getInt();
        long writtenAt = header.getLong();
        if (keyLength < 0 || keyLength > MAX_KEY || valueLength < 0 || valueLength > MAX_VALUE) {
            return null;
        }
        int length = HEADER + keyLength + valueLength + TRAILER;
        if (position + length > end) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, position);
        CRC32 crc = new CRC32();
        crc.update(body.array(), 0, length - TRAILER);
        if ((int) crc.getValue() != body.getInt(length - TRAILER)) {
            return null;
        }
        byte[] key = java.util.Arrays.copyOfRange(body.array(), HEADER, HEADER + keyLength);
        byte[] value = java.util.Arrays.copyOfRange(body.array(), HEADER + keyLength, HEADER + keyLength + valueLength);
        return new Record(key, value, writtenAt, length);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("The answer store ended inside a record");
            }
        }
    }

    private static ByteBuffer encode(byte[] key, byte[] value, long writtenAtMillis) {
        int length = HEADER + key.length + value.length + TRAILER;
        ByteBuffer record = ByteBuffer.allocate(length);
        record.putInt(MAGIC).putInt(key.length).putInt(value.length).putLong(writtenAtMillis).put(key).put(value);
        CRC32 crc = new CRC32();
        crc.update(record.array(), 0, length - TRAILER);
        record.putInt((int) crc.getValue());
        record.flip();
        return record;
    }

    static long hash(byte[] bytes) {
        return hash(bytes, 0, bytes.length);
    }

    /** FNV-1a, then a final mix; never 0, which marks a free slot. */
    static long hash(byte[] bytes, int from, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = from; i < from + length; i++) {
            hash ^= bytes[i] & 0xff;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        return hash == 0 ? 1 : hash;
    }

    /** Key hashes to record positions and last use, open addressing in three arrays: no object per answer. */
    private static final class Index {
        long[] hashes = new long[1024];
        long[] positions = new long[1024];
        int[] lastUsed = new int[1024];
        int size;
        /** Minutes since the store opened, as "last used": coarse on purpose, four bytes a slot. */
        private final long openedAtNanos = System.nanoTime();

        int size() {
            return size;
        }

        int find(long hash) {
            int mask = hashes.length - 1;
            for (int slot = (int) hash & mask;; slot = (slot + 1) & mask) {
                if (hashes[slot] == hash) {
                    return slot;
                }
                if (hashes[slot] == 0) {
                    return -1;
                }
            }
        }

        void put(long hash, long position) {
            if ((size + 1) * 10L > hashes.length * 6L) {
                grow();
            }
            int mask = hashes.length - 1;
            int slot = (int) hash & mask;
            while (hashes[slot] != 0 && hashes[slot] != hash) {
                slot = (slot + 1) & mask;
            }
            if (hashes[slot] == 0) {
                size++;
            }
            hashes[slot] = hash;
            positions[slot] = position;
            lastUsed[slot] = now();
        }

        void touch(int slot) {
            lastUsed[slot] = now();
        }

        private int now() {
            return (int) ((System.nanoTime() - openedAtNanos) / 60_000_000_000L);
        }

        interface Visitor {
            void visit(long position, long lastUsed);
        }

        void forEach(Visitor visitor) {
            for (int slot = 0; slot < hashes.length; slot++) {
                if (hashes[slot] != 0) {
                    visitor.visit(positions[slot], lastUsed[slot]);
                }
            }
        }

        void replaceWith(Index other) {
            hashes = other.hashes;
            positions = other.positions;
            lastUsed = other.lastUsed;
            size = other.size;
        }

        private void grow() {
            long[] oldHashes = hashes;
            long[] oldPositions = positions;
            int[] oldUsed = lastUsed;
            hashes = new long[oldHashes.length * 2];
            positions = new long[oldHashes.length * 2];
            lastUsed = new int[oldHashes.length * 2];
            int mask = hashes.length - 1;
            for (int i = 0; i < oldHashes.length; i++) {
                if (oldHashes[i] != 0) {
                    int slot = (int) oldHashes[i] & mask;
                    while (hashes[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    hashes[slot] = oldHashes[i];
                    positions[slot] = oldPositions[i];
                    lastUsed[slot] = oldUsed[i];
                }
            }
        }
    }
}
