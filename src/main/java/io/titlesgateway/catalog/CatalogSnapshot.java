package io.titlesgateway.catalog;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

import io.titlesgateway.titles.Reference;

/**
 * The catalog, built once at build time (the {@code process-classes} phase runs {@link #main}) and
 * shipped in the jar: its titles in a compact binary form and its Lucene index files. Start-up then
 * reads them instead of parsing the open data and indexing it, which takes seconds. Without a
 * snapshot (dev mode, a bare IDE build) the catalog is built from the open data as before. The
 * build also trains the catalog's ranking ({@link RankerTraining}) and writes it beside the snapshot.
 */
public final class CatalogSnapshot {

    static final String RESOURCE = "/catalog/snapshot/";
    private static final String TITLES = "titles.bin.gz";
    private static final String FILES = "files.txt";
    private static final String MAGIC = "titles-gateway catalog snapshot 3";

    private CatalogSnapshot() {
    }

    /** Writes the snapshot into {@code args[0]} (the build's classes folder + /catalog/snapshot). */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        Path ranker = target.getParent().resolve(Path.of(Ranker.RESOURCE).getFileName().toString());
        boolean trained = trainedFromThis(ranker);
        if (!trained) {
            Files.deleteIfExists(ranker); // an earlier build's model, perhaps of other features: trained anew below
        }
        long start = System.nanoTime();
        List<CatalogTitle> titles = CatalogLoader.load();
        Files.createDirectories(target);
        try (var files = Files.list(target)) {
            for (Path old : files.toList()) {
                Files.delete(old);
            }
        }
        writeTitles(titles, target.resolve(TITLES));
        List<String> indexFiles = new ArrayList<>();
        try (Directory directory = FSDirectory.open(target)) {
            CatalogIndex.write(titles, directory);
            for (String file : directory.listAll()) {
                if (!file.equals(TITLES) && !file.equals("write.lock")) {
                    indexFiles.add(file);
                }
            }
        }
        Files.deleteIfExists(target.resolve("write.lock"));
        Files.write(target.resolve(FILES), indexFiles, StandardCharsets.UTF_8);
        System.out.printf("Catalog snapshot: %d titles, %d index files, written to %s in %d ms%n", titles.size(),
                indexFiles.size(), target, (System.nanoTime() - start) / 1_000_000);
        if (trained) {
            System.out.printf("Catalog ranking: %s is already trained from this data and this code%n", ranker);
        } else {
            writeRanker(titles, ranker);
        }
    }

    /**
     * Whether the model an earlier build left is the one this build would train: training is
     * deterministic, so the same fingerprint (data, code, method) means the same model.
     */
    private static boolean trainedFromThis(Path ranker) throws IOException {
        if (!Files.exists(ranker)) {
            return false;
        }
        try {
            return Ranker.read(Files.readAllLines(ranker, StandardCharsets.UTF_8)).trainedOn().equals(RankerTraining.fingerprint());
        } catch (RuntimeException unreadable) {
            return false; // another format: train anew
        }
    }

    /** Trains the ranking on this catalog and writes it beside the snapshot, where {@link Ranker#shipped()} finds it. */
    private static void writeRanker(List<CatalogTitle> titles, Path file) throws IOException {
        long start = System.nanoTime();
        Ranker ranker = RankerTraining.train(titles);
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ranker.write(out);
        }
        System.out.printf("Catalog ranking: trained on %s, written to %s in %d ms%n", ranker.trainedOn(), file,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** The shipped snapshot, if this build has one. */
    static Optional<CatalogIndex> read() {
        InputStream files = CatalogSnapshot.class.getResourceAsStream(RESOURCE + FILES);
        if (files == null) {
            return Optional.empty();
        }
        try (files) {
            Titles titles = readTitles();
            ByteBuffersDirectory directory = new ByteBuffersDirectory();
            for (String file : new String(files.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!file.isBlank()) {
                    copy(file.strip(), directory);
                }
            }
            return Optional.of(CatalogIndex.open(titles.titles(), directory, titles.nameOrder()));
        } catch (IOException unreadable) {
            throw new UncheckedIOException("The shipped catalog snapshot could not be read", unreadable);
        }
    }

    private static void copy(String file, Directory directory) throws IOException {
        try (InputStream in = resource(file); IndexOutput out = directory.createOutput(file, IOContext.DEFAULT)) {
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.writeBytes(buffer, 0, read);
            }
        }
    }

    private static InputStream resource(String file) throws IOException {
        InputStream in = CatalogSnapshot.class.getResourceAsStream(RESOURCE + file);
        if (in == null) {
            throw new IOException("The catalog snapshot lacks " + file);
        }
        return new BufferedInputStream(in, 1 << 16);
    }

    private static void writeTitles(List<CatalogTitle> titles, Path file) throws IOException {
        Map<Occupation, Integer> occupations = new HashMap<>();
        List<Occupation> ordered = new ArrayList<>();
        for (CatalogTitle title : titles) {
            for (Occupation occupation : title.occupations()) {
                if (occupations.putIfAbsent(occupation, ordered.size()) == null) {
                    ordered.add(occupation);
                }
            }
        }
        // a skill is shared by many occupations: written once, referred to by its position
        Map<Reference, Integer> references = new HashMap<>();
        List<Reference> distinct = new ArrayList<>();
        for (Occupation occupation : ordered) {
            for (Reference reference : occupation.skills()) {
                if (references.putIfAbsent(reference, distinct.size()) == null) {
                    distinct.add(reference);
                }
            }
        }
        try (var out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(file)), 1 << 16))) {
            out.writeUTF(MAGIC);
            out.writeInt(distinct.size());
            for (Reference reference : distinct) {
                writeReference(out, reference);
            }
            out.writeInt(ordered.size());
            for (Occupation occupation : ordered) {
                out.writeUTF(occupation.code());
                out.writeUTF(occupation.title());
                writeReference(out, occupation.soc());
                out.writeInt(occupation.skills().size());
                for (Reference skill : occupation.skills()) {
                    out.writeInt(references.get(skill));
                }
                out.writeUTF(occupation.description());
            }
            out.writeInt(titles.size());
            for (CatalogTitle title : titles) {
                out.writeUTF(title.id());
                out.writeUTF(title.name());
                out.writeInt(title.shortNames().size());
                for (String shortName : title.shortNames()) {
                    out.writeUTF(shortName);
                }
                out.writeInt(title.occupations().size());
                for (Occupation occupation : title.occupations()) {
                    out.writeInt(occupations.get(occupation));
                }
                out.writeBoolean(title.supervisor());
                out.writeBoolean(title.canonical());
            }
            // sorting 47,000 names took half of the catalog's start-up: done once here instead
            for (int position : CatalogIndex.nameOrder(titles)) {
                out.writeInt(position);
            }
        }
    }

    /** The titles in their index order, and their positions in name order. */
    private record Titles(List<CatalogTitle> titles, int[] nameOrder) {
    }

    private static Titles readTitles() throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(resource(TITLES), 1 << 16), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException("The catalog snapshot is of another format");
            }
            Reference[] references = new Reference[in.readInt()];
            for (int i = 0; i < references.length; i++) {
                references[i] = readReference(in);
            }
            Occupation[] occupations = new Occupation[in.readInt()];
            for (int i = 0; i < occupations.length; i++) {
                String code = in.readUTF();
                String title = in.readUTF();
                Reference soc = readReference(in);
                List<Reference> skills = new ArrayList<>();
                for (int s = in.readInt(); s > 0; s--) {
                    skills.add(references[in.readInt()]);
                }
                occupations[i] = new Occupation(code, title, soc, List.copyOf(skills), in.readUTF());
            }
            int count = in.readInt();
            List<CatalogTitle> titles = new ArrayList<>(count);
            for (int t = 0; t < count; t++) {
                String id = in.readUTF();
                String name = in.readUTF();
                List<String> shortNames = new ArrayList<>();
                for (int s = in.readInt(); s > 0; s--) {
                    shortNames.add(in.readUTF());
                }
                List<Occupation> theirs = new ArrayList<>();
                for (int o = in.readInt(); o > 0; o--) {
                    theirs.add(occupations[in.readInt()]);
                }
                titles.add(new CatalogTitle(id, name, List.copyOf(shortNames), List.copyOf(theirs), in.readBoolean(),
                        in.readBoolean()));
            }
            int[] nameOrder = new int[count];
            for (int i = 0; i < count; i++) {
                nameOrder[i] = in.readInt();
            }
            return new Titles(List.copyOf(titles), nameOrder);
        }
    }

    private static void writeReference(DataOutputStream out, Reference reference) throws IOException {
        out.writeUTF(reference.id());
        out.writeUTF(reference.name());
    }

    private static Reference readReference(DataInputStream in) throws IOException {
        return new Reference(in.readUTF(), in.readUTF());
    }
}
