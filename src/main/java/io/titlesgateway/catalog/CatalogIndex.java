package io.titlesgateway.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

import io.titlesgateway.titles.Title;

/**
 * The catalog's titles in an in-memory Lucene index: prefix search for type-ahead, and candidate
 * retrieval for normalization (exact, fuzzy and phrase matches on names and O*NET's short forms),
 * re-ranked by how much of the raw title each candidate covers.
 */
final class CatalogIndex {

    private static final String NAME = "name";
    private static final String SHORT = "short";
    /** The name as written, for type-ahead. */
    private static final String TYPED = "typed";
    private static final String ORD = "ord";
    /** Titles retrieved before re-ranking. */
    private static final int RETRIEVED = 50;
    /** How far the support of other candidates of the same occupation can lift a candidate (1.0: by up to double). */
    private static final double OCCUPATION_SUPPORT = 1.0;
    private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)");
    /** Words that carry no meaning in a title: left out of both sides of a comparison. */
    private static final Set<String> STOP_WORDS = Set.of("of", "and", "the", "for", "in", "a", "an", "to", "at", "or",
            "with");

    /** A title and how sure the index is that it is the one a raw title means (0–1). */
    record Candidate(CatalogTitle title, double confidence) {
    }

    private final List<CatalogTitle> titles;
    /** Per title, its words and their weights, worked out the first time the title is a candidate. */
    private final AtomicReferenceArray<String[]> titleWords;
    private final AtomicReferenceArray<double[]> titleWeights;
    /** Per title, its shape for callers, built once (bounded by the catalog's size). */
    private final Map<String, Title> asTitles = new ConcurrentHashMap<>();
    /** Word weights, computed once per word; the vocabulary is bounded by the index's (and by the cap below). */
    private final Map<String, Double> weights = new ConcurrentHashMap<>();
    private final List<CatalogTitle> byName;
    private final Map<String, CatalogTitle> byId;
    private final Analyzer analyzer = new TitleAnalyzer();
    private final IndexSearcher searcher;
    private final long[] ordOfDoc;

    private CatalogIndex(List<CatalogTitle> titles, IndexSearcher searcher, long[] ordOfDoc, int[] nameOrder) {
        this.titles = titles;
        this.searcher = searcher;
        this.ordOfDoc = ordOfDoc;
        this.titleWords = new AtomicReferenceArray<>(titles.size());
        this.titleWeights = new AtomicReferenceArray<>(titles.size());
        this.byId = new HashMap<>(titles.size() * 4 / 3 + 1);
        for (CatalogTitle title : titles) {
            byId.put(title.id(), title);
        }
        CatalogTitle[] byName = new CatalogTitle[nameOrder.length];
        for (int i = 0; i < nameOrder.length; i++) {
            byName[i] = titles.get(nameOrder[i]);
        }
        this.byName = List.of(byName);
    }

    /** The positions of {@code titles} in name order, ignoring case: the listing's order. */
    static int[] nameOrder(List<CatalogTitle> titles) {
        return IntStream.range(0, titles.size()).boxed()
                .sorted(Comparator.comparing(position -> titles.get(position).name(), String.CASE_INSENSITIVE_ORDER))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** Indexes the titles in memory and opens the index: what start-up does without a shipped snapshot. */
    static CatalogIndex build(List<CatalogTitle> titles) {
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        write(titles, directory);
        return open(titles, directory);
    }

    /** Writes the index of {@code titles}, in their order, as one segment into {@code directory}. */
    static void write(List<CatalogTitle> titles, Directory directory) {
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(new TitleAnalyzer()).setRAMBufferSizeMB(64))) {
            for (int ord = 0; ord < titles.size(); ord++) {
                CatalogTitle title = titles.get(ord);
                Document document = new Document();
                document.add(new TextField(NAME, matchableName(title), Field.Store.NO));
                document.add(new TextField(TYPED, title.name(), Field.Store.NO));
                for (String alias : aliases(title)) {
                    document.add(new TextField(SHORT, alias, Field.Store.NO));
                }
                document.add(new NumericDocValuesField(ORD, ord));
                writer.addDocument(document);
            }
            writer.forceMerge(1);
        } catch (IOException impossible) {
            throw new UncheckedIOException("Writing the catalog index failed", impossible);
        }
    }

    /** Opens an index written by {@link #write} for the same titles. */
    static CatalogIndex open(List<CatalogTitle> titles, Directory directory) {
        return open(titles, directory, nameOrder(titles));
    }

    /** Opens an index written by {@link #write} for the same titles, their name order known already. */
    static CatalogIndex open(List<CatalogTitle> titles, Directory directory, int[] nameOrder) {
        try {
            DirectoryReader reader = DirectoryReader.open(directory);
            LeafReader leaf = reader.leaves().get(0).reader();
            long[] ordOfDoc = new long[leaf.maxDoc()];
            NumericDocValues ords = leaf.getNumericDocValues(ORD);
            for (int doc = ords.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ords.nextDoc()) {
                ordOfDoc[doc] = ords.longValue();
            }
            if (ordOfDoc.length != titles.size()) {
                throw new IllegalStateException("The catalog index holds " + ordOfDoc.length + " titles, the catalog "
                        + titles.size());
            }
            return new CatalogIndex(titles, new IndexSearcher(reader), ordOfDoc, nameOrder);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("Opening the catalog index failed", unreadable);
        }
    }

    int size() {
        return titles.size();
    }

    CatalogTitle byId(String id) {
        return byId.get(id);
    }

    /** Every title by name, a page of them. */
    List<CatalogTitle> listing(int offset, int limit) {
        if (offset >= byName.size()) {
            return List.of();
        }
        return byName.subList(offset, Math.min(byName.size(), offset + limit));
    }

    /** Titles whose words start with the words of {@code q}, the last one as typed so far ("softw"). */
    List<CatalogTitle> search(String q, int offset, int limit) {
        List<String> words = words(q);
        if (words.isEmpty()) {
            return listing(offset, limit);
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        for (int i = 0; i < words.size() - 1; i++) {
            query.add(new TermQuery(new Term(TYPED, words.get(i))), BooleanClause.Occur.MUST);
        }
        query.add(new PrefixQuery(new Term(TYPED, words.get(words.size() - 1))), BooleanClause.Occur.MUST);
        List<Scored> hits = top(query.build(), offset + limit + 50);
        hits.sort(Comparator.comparingDouble(Scored::score).reversed()
                .thenComparingInt(hit -> hit.title().name().length())
                .thenComparing(hit -> hit.title().name()));
        return hits.stream().skip(offset).limit(limit).map(Scored::title).toList();
    }

    /**
     * The best candidates for a cleaned raw title, most likely first: Lucene retrieves titles
     * sharing words (a typo-tolerant search only for words the index does not know), each is scored
     * by how much of the raw title it covers, rare words counting more than common ones, and
     * candidates whose occupation other good candidates share move up.
     */
    List<Candidate> match(RawTitle raw, int candidates) {
        List<String> words = words(raw.text());
        if (words.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        for (String word : words) {
            Term term = new Term(NAME, word);
            query.add(new BoostQuery(new TermQuery(term), 2f), BooleanClause.Occur.SHOULD);
            query.add(new BoostQuery(new TermQuery(new Term(SHORT, word)), 1.5f), BooleanClause.Occur.SHOULD);
            if (word.length() >= 4 && documentFrequency(term) == 0) {
                query.add(new FuzzyQuery(term, 1, 1, 20, true), BooleanClause.Occur.SHOULD);
            }
        }
        if (words.size() > 1) {
            query.add(new BoostQuery(new PhraseQuery(1, NAME, words.toArray(String[]::new)), 3f), BooleanClause.Occur.SHOULD);
        }
        double[] rawWeights = words.stream().mapToDouble(this::weight).toArray();
        List<Candidate> scored = new ArrayList<>();
        for (Scored hit : top(query.build(), RETRIEVED)) {
            scored.add(new Candidate(hit.title(), Similarity.of(words, rawWeights, wordsOf(hit.ord()), titleWeights.get(hit.ord()))));
        }
        List<Candidate> ranked = rankedWithOccupationSupport(scored);
        return ranked.size() <= candidates ? ranked : List.copyOf(ranked.subList(0, candidates));
    }

    /**
     * Orders candidates by confidence, lifted a little by how many other good candidates share
     * their occupation: twenty titles of one occupation saying so are better evidence than one.
     * At equal standing an occupation's own title beats an alternate, and a shorter name a longer one.
     */
    private static List<Candidate> rankedWithOccupationSupport(List<Candidate> scored) {
        Map<String, Double> support = new HashMap<>();
        double total = 0;
        for (Candidate candidate : scored) {
            support.merge(candidate.title().primary().soc().id(), candidate.confidence(), Double::sum);
            total += candidate.confidence();
        }
        double all = Math.max(total, 1e-9);
        Map<Candidate, Double> standing = new HashMap<>();
        for (Candidate candidate : scored) {
            double share = support.get(candidate.title().primary().soc().id()) / all;
            standing.put(candidate, candidate.confidence() * (1 + OCCUPATION_SUPPORT * share));
        }
        List<Candidate> ranked = new ArrayList<>(scored);
        ranked.sort(Comparator.comparingDouble((Candidate candidate) -> standing.get(candidate)).reversed()
                .thenComparing(candidate -> !candidate.title().canonical())
                .thenComparingInt(candidate -> candidate.title().name().length()));
        return ranked;
    }

    /** A title's words and (alongside) their weights; an idempotent first computation, so a race only repeats it. */
    private String[] wordsOf(int ord) {
        String[] words = titleWords.get(ord);
        if (words == null) {
            words = words(matchableName(titles.get(ord))).toArray(String[]::new);
            titleWeights.set(ord, Arrays.stream(words).mapToDouble(this::weight).toArray());
            titleWords.set(ord, words);
        }
        return words;
    }

    /** The title as callers see it, built once per title. */
    Title asTitle(CatalogTitle title) {
        return asTitles.computeIfAbsent(title.id(), id -> title.toTitle(Catalog.VERSION));
    }

    /** How much a word tells: rare words (a high inverse document frequency) say more than "manager". */
    private double weight(String word) {
        return weights.computeIfAbsent(word, unused -> {
            int frequency = documentFrequency(new Term(NAME, word));
            return Math.log(1 + (double) titles.size() / (frequency + 1));
        });
    }

    private int documentFrequency(Term term) {
        try {
            return searcher.getIndexReader().docFreq(term);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    private record Scored(CatalogTitle title, int ord, float score) {
    }

    private List<Scored> top(Query query, int count) {
        try {
            List<Scored> hits = new ArrayList<>();
            for (ScoreDoc hit : searcher.search(query, count).scoreDocs) {
                int ord = (int) ordOfDoc[hit.doc];
                hits.add(new Scored(titles.get(ord), ord, hit.score));
            }
            return hits;
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /**
     * A name cleaned like a raw title, so both sides of a match speak alike ("HR Generalist" is
     * "human resources generalist"); a parenthesised part is an alias, not more words.
     */
    private static String matchableName(CatalogTitle title) {
        return TitleCleaner.cleanName(PARENTHESES.matcher(title.name()).replaceAll(" ")).text();
    }

    /** O*NET's short forms and the parenthesised parts of a name, cleaned the same way. */
    private static List<String> aliases(CatalogTitle title) {
        List<String> aliases = new ArrayList<>();
        title.shortNames().forEach(shortName -> aliases.add(TitleCleaner.cleanName(shortName).text()));
        var inside = PARENTHESES.matcher(title.name());
        while (inside.find()) {
            aliases.add(TitleCleaner.cleanName(inside.group()).text());
        }
        return aliases;
    }

    /** The words of a text as the index holds them: lower case, no accents, plurals made singular. */
    List<String> words(String text) {
        List<String> words = new ArrayList<>();
        try (TokenStream tokens = analyzer.tokenStream(NAME, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                String word = term.toString();
                if (!STOP_WORDS.contains(word)) {
                    words.add(word);
                }
            }
            tokens.end();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return words;
    }

    /** Standard tokens, lower-cased, accents folded, English plurals made singular. */
    private static final class TitleAnalyzer extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String field) {
            StandardTokenizer source = new StandardTokenizer();
            TokenStream stream = new LowerCaseFilter(source);
            stream = new ASCIIFoldingFilter(stream);
            stream = new EnglishMinimalStemFilter(stream);
            return new TokenStreamComponents(source, stream);
        }
    }
}
