package io.titlesgateway.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

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
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
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
import org.apache.lucene.util.BytesRef;

import io.titlesgateway.titles.Title;

/**
 * The catalog's titles in an in-memory Lucene index: prefix search for type-ahead, and candidate
 * retrieval for normalization (exact, fuzzy and phrase matches on names and O*NET's short forms),
 * each candidate described by cheap features and ranked by the learned model ({@link Ranker}).
 */
final class CatalogIndex {

    private static final String NAME = "name";
    private static final String SHORT = "short";
    /** The name as written, for type-ahead. */
    private static final String TYPED = "typed";
    /** What an occupation does (O*NET's description, the SOC definition): on its own title only. */
    private static final String DESCRIBED = "described";
    /** The O*NET code of the occupation a title names first, as a filter. */
    private static final String OCCUPATION = "occupation";
    /** How much a raw word found in an occupation's description counts in retrieval, against one in a title's name (2). */
    private static final float DESCRIBED_BOOST = 0.15f;
    private static final String ORD = "ord";
    /** Titles retrieved before re-ranking. */
    private static final int RETRIEVED = 50;
    /** Titles retrieved besides, per set-aside word, that hold it and every meaningful word. */
    private static final int NAMING_ASIDES = 5;
    /** The calibrated confidence from which an answer is more often right than wrong, as the default threshold holds too. */
    static final double SURE = 0.5;
    /** Titles looked at besides, when no hit is written as just the raw title's one word. */
    private static final int NAMED_EXACTLY = 5;
    /** Titles retrieved besides, per word no title holds, from the occupations whose description holds it ("Kubernetes"). */
    private static final int OF_DESCRIBING = 5;
    /** A word more occupations describe than this says little of which one a title means. */
    private static final int MOST_DESCRIBING = 80;
    /** The shortest part a compound word is split into: "end" of "frontend". */
    private static final int COMPOUND_PART = 3;
    /**
     * How many words of one title, at most, are looked for as misspellings or as two words run together: each
     * look builds an automaton; a title has few words no title holds, a run of junk has a hundred.
     */
    private static final int MOST_WORDS_LOOKED_FOR = 8;
    /** Words that carry no meaning in a title: left out of both sides of a comparison. */
    private static final Set<String> STOP_WORDS = Set.of("of", "and", "the", "for", "in", "a", "an", "to", "at", "or",
            "with");

    /** A title and how sure the index is that it is the one a raw title means (0–1). */
    record Candidate(CatalogTitle title, double confidence) {
    }

    private final List<CatalogTitle> titles;
    /** Per title, the words and weights of its name and of each alias, worked out the first time the title is a candidate. */
    private final AtomicReferenceArray<Wording[]> wordings;
    /** Per title, its shape for callers, built once (bounded by the catalog's size). */
    private final Map<String, Title> asTitles = new ConcurrentHashMap<>();
    /** Per occupation, the words of its description, worked out the first time it is a candidate: bounded by the occupations. */
    private final Map<String, Set<String>> descriptionWords;
    /** Word weights, computed once per word the index holds: bounded by its vocabulary. */
    private final Map<String, Double> weights = new ConcurrentHashMap<>();
    /** Per word the index holds, the occupations of the titles holding it and their shares: bounded like the weights. */
    private final Map<String, Map<String, Double>> socShares;
    private final List<CatalogTitle> byName;
    private final Map<String, CatalogTitle> byId;
    private final Analyzer analyzer = new TitleAnalyzer();
    private final IndexSearcher searcher;
    /** The longest word of any title's name, in UTF-8 bytes: a longer word is neither a name's word a letter off nor two run together. */
    private final int longestNameWord;
    private final long[] ordOfDoc;
    /** Per occupation (SOC), how common it is among the titles: log(1 + its titles) / log(1 + the most any has). */
    private final Map<String, Double> occupationSize;
    private final Ranker ranker;

    private CatalogIndex(List<CatalogTitle> titles, IndexSearcher searcher, long[] ordOfDoc, int[] nameOrder) {
        this.titles = titles;
        this.searcher = searcher;
        this.longestNameWord = longestWord(searcher, NAME);
        this.ordOfDoc = ordOfDoc;
        this.wordings = new AtomicReferenceArray<>(titles.size());
        this.byId = new HashMap<>(titles.size() * 4 / 3 + 1);
        Map<String, Integer> perSoc = new HashMap<>();
        for (CatalogTitle title : titles) {
            byId.put(title.id(), title);
            perSoc.merge(socOf(title), 1, Integer::sum);
        }
        double most = Math.log1p(perSoc.values().stream().mapToInt(Integer::intValue).max().orElse(1));
        this.occupationSize = new HashMap<>();
        perSoc.forEach((soc, count) -> occupationSize.put(soc, Math.log1p(count) / most));
        CatalogTitle[] byName = new CatalogTitle[nameOrder.length];
        for (int i = 0; i < nameOrder.length; i++) {
            byName[i] = titles.get(nameOrder[i]);
        }
        this.byName = List.of(byName);
        this.socShares = new ConcurrentHashMap<>();
        this.descriptionWords = new ConcurrentHashMap<>();
        this.ranker = Ranker.shipped().orElse(Ranker.UNTRAINED);
    }

    /** The same index ranking with another model: for training and evaluating one. */
    private CatalogIndex(CatalogIndex index, Ranker ranker) {
        this.titles = index.titles;
        this.searcher = index.searcher;
        this.longestNameWord = index.longestNameWord;
        this.ordOfDoc = index.ordOfDoc;
        this.wordings = index.wordings;
        this.byId = index.byId;
        this.occupationSize = index.occupationSize;
        this.byName = index.byName;
        this.socShares = index.socShares;
        this.descriptionWords = index.descriptionWords;
        this.ranker = ranker;
    }

    CatalogIndex rankingWith(Ranker other) {
        return new CatalogIndex(this, other);
    }

    Ranker ranker() {
        return ranker;
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
                if (title.canonical()) {
                    document.add(new TextField(DESCRIBED, title.primary().description(), Field.Store.NO));
                }
                for (String alias : aliases(title)) {
                    document.add(new TextField(SHORT, alias, Field.Store.NO));
                }
                document.add(new StringField(OCCUPATION, title.primary().code(), Field.Store.NO));
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
     * sharing words (a typo-tolerant search only for words the index does not know), each is
     * described by how much of the raw title it covers and how (rare words counting more than
     * common ones), how many other good candidates share its occupation, and how common that
     * occupation is; the learned ranking scores them, and its calibration gives each a confidence.
     */
    List<Candidate> match(RawTitle raw, int limit) {
        return match(raw, limit, 0);
    }

    /**
     * The candidates of a raw title read as written ({@link TitleCleaner#readings}), as {@link
     * #match(RawTitle, int, double)} gives them; unless the index is not sure of its first (below
     * {@value #SURE}) and surer of another reading's ("Receptionist/Admin Assistant" as
     * "Receptionist"), whose candidates are then the answer. A sure reading as written is never
     * second-guessed: "OB/GYN Nurse" is no obstetrician.
     */
    List<Candidate> match(List<RawTitle> readings, int limit, double threshold) {
        Ranking surest = rank(described(readings.get(0)));
        double best = topConfidence(surest);
        for (int i = 1; i < readings.size() && best < SURE; i++) {
            Ranking ranking = rank(described(readings.get(i)));
            double confidence = topConfidence(ranking);
            if (confidence > best) {
                best = confidence;
                surest = ranking;
            }
        }
        return candidates(surest, limit, threshold);
    }

    /** The confidence of the ranking's first candidate, the highest of its candidates; -1 for none. */
    private double topConfidence(Ranking ranking) {
        return ranking.size() == 0 ? -1 : ranker.confidence(ranking.share(0), ranking.score(0), ranking.dice(0));
    }

    /**
     * At most {@code limit} candidates at {@code threshold} or more. The list spreads over the
     * likely occupations: the best title of each occupation first, in the order of the occupations'
     * shares, then their other titles, surest first; five titles of one occupation would be one
     * guess, not five. A title is never surer than the one before it of its occupation, nor an
     * occupation's best than the best of an occupation ranked above it.
     */
    List<Candidate> match(RawTitle raw, int limit, double threshold) {
        return candidates(rank(described(raw)), limit, threshold);
    }

    private List<Candidate> candidates(Ranking ranking, int limit, double threshold) {
        List<Candidate> bests = new ArrayList<>();
        List<Candidate> others = new ArrayList<>();
        String occupation = null;
        double bestsCeiling = 1;
        double titlesCeiling = 1;
        for (int k = 0; k < ranking.size(); k++) {
            double confidence = ranker.confidence(ranking.share(k), ranking.score(k), ranking.dice(k));
            String soc = socOf(ranking.title(k));
            if (!soc.equals(occupation)) {
                // the ranking keeps an occupation's titles together, its best first
                occupation = soc;
                bestsCeiling = Math.min(bestsCeiling, confidence);
                titlesCeiling = bestsCeiling;
                bests.add(new Candidate(ranking.title(k), bestsCeiling));
            } else {
                titlesCeiling = Math.min(titlesCeiling, confidence);
                others.add(new Candidate(ranking.title(k), titlesCeiling));
            }
        }
        // a stable sort: equally sure titles keep the ranking's order
        others.sort(Comparator.comparingDouble(Candidate::confidence).reversed());
        return Stream.concat(bests.stream(), others.stream())
                .filter(candidate -> candidate.confidence() >= threshold)
                .limit(limit)
                .toList();
    }

    /**
     * Candidates in the ranking's order, best first, each with its score and the share of the
     * ranking's probability that falls on its occupation (a softmax over the candidates' scores,
     * summed per occupation).
     */
    record Ranking(List<Described> described, int[] order, double[] scores, double[] shares) {

        int size() {
            return order.length;
        }

        CatalogTitle title(int rank) {
            return described.get(order[rank]).title();
        }

        double score(int rank) {
            return scores[order[rank]];
        }

        double share(int rank) {
            return shares[order[rank]];
        }

        double dice(int rank) {
            return described.get(order[rank]).features()[Ranker.Feature.DICE.ordinal()];
        }
    }

    /**
     * Scores the candidates with this index's model and orders them: the occupations by the share
     * of the probability that falls on them (what the model is trained to get right), and within
     * one, the candidates by score; ties go to occupations' own titles, then shorter names.
     */
    Ranking rank(List<Described> described) {
        int n = described.size();
        double[] scores = new double[n];
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            scores[i] = ranker.score(described.get(i).features());
            best = Math.max(best, scores[i]);
        }
        Map<String, Double> mass = new HashMap<>();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double weight = Math.exp(scores[i] - best);
            mass.merge(socOf(described.get(i)), weight, Double::sum);
            total += weight;
        }
        double[] shares = new double[n];
        for (int i = 0; i < n; i++) {
            shares[i] = mass.get(socOf(described.get(i))) / total;
        }
        int[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -shares[i])
                        .thenComparing(i -> socOf(described.get(i)))
                        .thenComparingDouble(i -> -scores[i])
                        .thenComparing(i -> !described.get(i).title().canonical())
                        .thenComparingInt(i -> described.get(i).title().name().length())
                        .thenComparing(i -> described.get(i).title().name()))
                .mapToInt(Integer::intValue).toArray();
        return new Ranking(described, order, scores, shares);
    }

    private static String socOf(Described candidate) {
        return socOf(candidate.title());
    }

    /** The SOC code of the occupation a title names first: what the ranking and its features group by. */
    private static String socOf(CatalogTitle title) {
        return title.primary().soc().id();
    }

    /** A candidate and what the ranking knows of it ({@link Ranker.Feature}, in order). */
    record Described(CatalogTitle title, double[] features) {
    }

    /** The candidates Lucene retrieves for a raw title, each with its features, in retrieval order. */
    List<Described> described(RawTitle raw) {
        List<String> words = withCompoundsSplit(words(raw.text()));
        if (words.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        int lookedFor = 0;
        for (String word : words) {
            Term term = new Term(NAME, word);
            query.add(new BoostQuery(new TermQuery(term), 2f), BooleanClause.Occur.SHOULD);
            query.add(new BoostQuery(new TermQuery(new Term(SHORT, word)), 1.5f), BooleanClause.Occur.SHOULD);
            query.add(new BoostQuery(new TermQuery(new Term(DESCRIBED, word)), DESCRIBED_BOOST), BooleanClause.Occur.SHOULD);
            // a level word standing for the whole title ("Staff") is no misspelling of a title's word ("Stiff")
            if (word.length() >= 4 && mayBeMisspelt(word) && lookedFor < MOST_WORDS_LOOKED_FOR && documentFrequency(term) == 0
                    && !TitleCleaner.isLevelWord(word)) {
                query.add(new FuzzyQuery(term, 1, 1, 20, true), BooleanClause.Occur.SHOULD);
                lookedFor++;
            }
        }
        if (words.size() > 1) {
            query.add(new BoostQuery(new PhraseQuery(1, NAME, words.toArray(String[]::new)), 3f), BooleanClause.Occur.SHOULD);
        }
        List<String> setAside = asides(raw, words);
        for (String aside : setAside) {
            query.add(new BoostQuery(new TermQuery(new Term(NAME, aside)), 0.5f), BooleanClause.Occur.SHOULD);
        }
        List<Scored> hits = withTitlesOfDescribingOccupations(
                withTitlesNamedExactly(withTitlesNamingAsides(top(query.build(), RETRIEVED), words, setAside), words), words);
        if (hits.isEmpty()) {
            return List.of();
        }
        List<String> named = namedAsides(words, setAside, hits);
        if (!named.isEmpty()) {
            // "night auditor" is a title: its "night" is meant, not noise; such words lead ("Night", "Travel", "City")
            words = Stream.concat(named.stream(), words.stream()).toList();
        }
        List<String> asides = setAside.stream().filter(aside -> !named.contains(aside)).toList();
        double[] rawWeights = words.stream().mapToDouble(this::weight).toArray();
        double[] asideWeights = asides.stream().mapToDouble(this::weight).toArray();
        boolean[] rawKnown = new boolean[words.size()];
        for (int w = 0; w < rawKnown.length; w++) {
            rawKnown[w] = anyTitleHolds(words.get(w));
        }
        boolean rawSupervises = words.stream().anyMatch(CatalogLoader.SUPERVISORY::contains);
        List<Map<String, Double>> wordOccupations = words.stream().map(this::occupationsOf).toList();
        int n = hits.size();
        Similarity[] overlaps = new Similarity[n];
        double[] dice = new double[n];
        Map<String, Double> support = new HashMap<>();
        Map<String, Double> bestOfSoc = new HashMap<>();
        Map<String, Integer> countOfSoc = new HashMap<>();
        double totalDice = 0;
        for (int i = 0; i < n; i++) {
            Scored hit = hits.get(i);
            String soc = socOf(hit.title());
            overlaps[i] = closest(words, rawWeights, rawKnown, asides, asideWeights, wordingsOf(hit.ord()));
            dice[i] = overlaps[i].dice();
            support.merge(soc, dice[i], Double::sum);
            bestOfSoc.merge(soc, dice[i], Math::max);
            countOfSoc.merge(soc, 1, Integer::sum);
            totalDice += dice[i];
        }
        double[] byDice = dice.clone();
        Arrays.sort(byDice);
        double bestDice = byDice[n - 1];
        double bestRetrieval = Math.max(hits.get(0).score(), 1e-9);
        List<Described> described = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CatalogTitle title = hits.get(i).title();
            Similarity overlap = overlaps[i];
            String soc = socOf(title);
            double[] features = new double[Ranker.FEATURES];
            features[Ranker.Feature.DICE.ordinal()] = dice[i];
            features[Ranker.Feature.OCCUPATION_SUPPORT.ordinal()] = support.get(soc) / Math.max(totalDice, 1e-9);
            features[Ranker.Feature.RETRIEVAL_SCORE.ordinal()] = hits.get(i).score() / bestRetrieval;
            features[Ranker.Feature.RAW_COVERAGE.ordinal()] = overlap.rawCoverage();
            features[Ranker.Feature.TITLE_COVERAGE.ordinal()] = overlap.titleCoverage();
            features[Ranker.Feature.HEAD_MATCH.ordinal()] = overlap.headMatched() ? 1 : 0;
            features[Ranker.Feature.FIRST_MATCH.ordinal()] = overlap.firstMatched() ? 1 : 0;
            features[Ranker.Feature.OCCUPATION_TITLE.ordinal()] = title.canonical() ? 1 : 0;
            features[Ranker.Feature.EXACT.ordinal()] = overlap.exact() ? 1 : 0;
            features[Ranker.Feature.EXTRA_WORDS.ordinal()] = Math.min(4, overlap.unmatchedTitleWords()) / 4.0;
            features[Ranker.Feature.OCCUPATION_SIZE.ordinal()] = occupationSize.getOrDefault(soc, 0.0);
            features[Ranker.Feature.AMBIGUOUS.ordinal()] = title.occupations().size() > 1 ? 1 : 0;
            features[Ranker.Feature.SUPERVISOR_MISMATCH.ordinal()] = rawSupervises != title.supervisor() ? 1 : 0;
            features[Ranker.Feature.DICE_RANK.ordinal()] = 1.0 / (1 + rankOf(byDice, dice[i]));
            features[Ranker.Feature.DICE_GAP.ordinal()] = bestDice - dice[i];
            features[Ranker.Feature.RETRIEVAL_RANK.ordinal()] = 1.0 / (1 + i);
            features[Ranker.Feature.BEST_OF_OCCUPATION.ordinal()] = dice[i] / Math.max(bestOfSoc.get(soc), 1e-9);
            features[Ranker.Feature.OCCUPATION_COUNT.ordinal()] = (double) countOfSoc.get(soc) / n;
            features[Ranker.Feature.DICE_SQUARED.ordinal()] = dice[i] * dice[i];
            features[Ranker.Feature.BACKED_DICE.ordinal()] = dice[i] * features[Ranker.Feature.OCCUPATION_SUPPORT.ordinal()];
            features[Ranker.Feature.WORD_AFFINITY.ordinal()] = affinity(wordOccupations, rawWeights, soc);
            features[Ranker.Feature.ASIDE_MATCH.ordinal()] = overlap.asidesMatched() > 0 ? 1 : 0;
            features[Ranker.Feature.DESCRIBED.ordinal()] = describedShare(words, rawWeights, title.primary());
            features[Ranker.Feature.VERBATIM.ordinal()] = overlap.verbatim() ? 1 : 0;
            described.add(new Described(title, features));
        }
        return described;
    }

    /**
     * The hits, and after them the few titles holding every meaningful word and a set-aside one,
     * which a query led by common words ("manager") may leave out ("Benefits Manager").
     */
    private List<Scored> withTitlesNamingAsides(List<Scored> hits, List<String> words, List<String> asides) {
        if (asides.isEmpty() || hits.isEmpty()) {
            return hits;
        }
        List<Scored> widened = new ArrayList<>(hits);
        Set<Integer> held = new HashSet<>();
        hits.forEach(hit -> held.add(hit.ord()));
        for (String aside : asides) {
            BooleanQuery.Builder query = new BooleanQuery.Builder();
            words.forEach(word -> query.add(new TermQuery(new Term(NAME, word)), BooleanClause.Occur.MUST));
            query.add(new TermQuery(new Term(NAME, aside)), BooleanClause.Occur.MUST);
            top(query.build(), NAMING_ASIDES).stream().filter(hit -> held.add(hit.ord())).forEach(widened::add);
        }
        return widened;
    }

    /**
     * The hits, and after them the titles written as just the one meaningful word that the query left
     * out: a common word ("Analyst", the "Engineer" of "Staff Engineer") is in thousands of names,
     * and those that also hold it in a short form outscore the title that is only that word. A title
     * written as several words needs no such help: the phrase query lifts it.
     */
    private List<Scored> withTitlesNamedExactly(List<Scored> hits, List<String> words) {
        if (words.size() != 1 || hits.isEmpty()) {
            return hits;
        }
        List<Scored> widened = new ArrayList<>(hits);
        Set<Integer> held = new HashSet<>();
        hits.forEach(hit -> held.add(hit.ord()));
        for (String field : List.of(NAME, SHORT)) {
            // of the names holding the word, the shortest score highest: those that are only the word come first
            top(new TermQuery(new Term(field, words.get(0))), NAMED_EXACTLY).stream()
                    .filter(hit -> writtenAs(hit.ord(), words) && held.add(hit.ord()))
                    .forEach(widened::add);
        }
        return widened;
    }

    /**
     * The hits, and after them, for each word no title holds but some occupations' descriptions do (a
     * technology: "Kubernetes", "Terraform"), the titles of those occupations that hold every other
     * meaningful word ("Engineer"): the word says which occupations, the others which of their titles.
     * Without them, what a title holds of the raw title is only its common words ("Design Engineer").
     */
    private List<Scored> withTitlesOfDescribingOccupations(List<Scored> hits, List<String> words) {
        if (words.size() < 2) {
            return hits;
        }
        List<Scored> widened = null;
        for (String word : words) {
            List<Scored> describing = anyTitleHolds(word) ? List.of() : occupationTitlesDescribing(word);
            if (describing.isEmpty()) {
                continue;
            }
            BooleanQuery.Builder occupations = new BooleanQuery.Builder();
            describing.stream().map(title -> title.title().primary().code()).distinct()
                    .forEach(code -> occupations.add(new TermQuery(new Term(OCCUPATION, code)), BooleanClause.Occur.SHOULD));
            BooleanQuery.Builder query = new BooleanQuery.Builder();
            words.stream().filter(other -> !other.equals(word))
                    .forEach(other -> query.add(new TermQuery(new Term(NAME, other)), BooleanClause.Occur.MUST));
            query.add(occupations.build(), BooleanClause.Occur.FILTER);
            if (widened == null) {
                widened = new ArrayList<>(hits);
            }
            Set<Integer> held = new HashSet<>();
            widened.forEach(hit -> held.add(hit.ord()));
            top(query.build(), OF_DESCRIBING).stream().filter(hit -> held.add(hit.ord())).forEach(widened::add);
        }
        return widened == null ? hits : widened;
    }

    /**
     * The occupations' own titles whose description holds {@code word} (only they carry one); none if
     * too many do for the word to tell which occupation a title means.
     */
    private List<Scored> occupationTitlesDescribing(String word) {
        Term term = new Term(DESCRIBED, word);
        int describing = documentFrequency(term);
        return describing == 0 || describing > MOST_DESCRIBING ? List.of() : top(new TermQuery(term), describing);
    }

    /** Whether a title's name or alias holds {@code word}. */
    private boolean anyTitleHolds(String word) {
        return documentFrequency(new Term(NAME, word)) > 0 || documentFrequency(new Term(SHORT, word)) > 0;
    }

    /** Whether the title's name or one of its aliases is written as exactly {@code words}, in their order. */
    private boolean writtenAs(int ord, List<String> words) {
        for (Wording wording : wordingsOf(ord)) {
            if (Arrays.asList(wording.words()).equals(words)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The set-aside words that, with all the meaningful words, are exactly how a retrieved title is
     * written ("night" for "Night Auditor" when the raw title is "night auditor").
     */
    private List<String> namedAsides(List<String> words, List<String> asides, List<Scored> hits) {
        if (asides.isEmpty()) {
            return List.of();
        }
        for (Scored hit : hits) {
            for (Wording wording : wordingsOf(hit.ord())) {
                List<String> written = List.of(wording.words());
                List<String> extra = written.stream().filter(word -> !words.contains(word)).toList();
                if (written.containsAll(words) && !extra.isEmpty() && asides.containsAll(extra)) {
                    return extra.stream().distinct().toList();
                }
            }
        }
        return List.of();
    }

    /** The raw title's set-aside words as the index holds them, those some title holds and the meaningful words do not repeat. */
    private List<String> asides(RawTitle raw, List<String> words) {
        if (raw.asides().isEmpty()) {
            return List.of();
        }
        return words(String.join(" ", raw.asides())).stream().distinct()
                .filter(aside -> !words.contains(aside) && documentFrequency(new Term(NAME, aside)) > 0)
                .toList();
    }

    /** Of the raw words' weight, the share that the description of the occupation holds. */
    private double describedShare(List<String> words, double[] rawWeights, Occupation occupation) {
        Set<String> described = descriptionWords.computeIfAbsent(occupation.code(),
                code -> Set.copyOf(words(occupation.description())));
        return weightedMean(rawWeights, w -> described.contains(words.get(w)) ? 1 : 0);
    }

    /** The raw words' weighted average share of titles that are of {@code soc}, among the titles holding each word. */
    private static double affinity(List<Map<String, Double>> wordOccupations, double[] rawWeights, String soc) {
        return weightedMean(rawWeights, w -> wordOccupations.get(w).getOrDefault(soc, 0.0));
    }

    /** The mean of a value per raw word, each word counting by its weight; 0 for no weight. */
    private static double weightedMean(double[] rawWeights, IntToDoubleFunction valueOfWord) {
        double sum = 0;
        double total = 0;
        for (int w = 0; w < rawWeights.length; w++) {
            sum += rawWeights[w] * valueOfWord.applyAsDouble(w);
            total += rawWeights[w];
        }
        return total == 0 ? 0 : sum / total;
    }

    /** Of the titles holding a word, the share of each occupation's; worked out once per word the first time it is asked. */
    private Map<String, Double> occupationsOf(String word) {
        Map<String, Double> known = socShares.get(word);
        if (known != null) {
            return known;
        }
        if (documentFrequency(new Term(NAME, word)) == 0) {
            return anyTitleHolds(word) ? Map.of() : describedShares(word); // not remembered: it may be anything a caller sent
        }
        return socShares.computeIfAbsent(word, unused -> {
            Map<String, Double> shares = new HashMap<>();
            try {
                LeafReader leaf = searcher.getIndexReader().leaves().get(0).reader();
                PostingsEnum postings = leaf.postings(new Term(NAME, word), PostingsEnum.NONE);
                int count = 0;
                for (int doc = postings.nextDoc(); doc != PostingsEnum.NO_MORE_DOCS; doc = postings.nextDoc()) {
                    shares.merge(socOf(titles.get((int) ordOfDoc[doc])), 1.0, Double::sum);
                    count++;
                }
                int titlesWithWord = count;
                shares.replaceAll((soc, n) -> n / titlesWithWord);
                return Map.copyOf(shares);
            } catch (IOException impossible) {
                throw new UncheckedIOException(impossible);
            }
        });
    }

    /**
     * For a word no title holds, the occupations whose description does ("Kubernetes"), each an equal
     * share, by SOC; none if no description holds it or too many do to tell them apart.
     */
    private Map<String, Double> describedShares(String word) {
        List<Scored> describing = occupationTitlesDescribing(word);
        Map<String, Double> shares = new HashMap<>();
        describing.forEach(hit -> shares.merge(socOf(hit.title()), 1.0 / describing.size(), Double::sum));
        return shares;
    }

    /** How many of the (ascending) values are greater than {@code value}: 0 for the best. */
    private static int rankOf(double[] ascending, double value) {
        int above = 0;
        for (int i = ascending.length - 1; i >= 0 && ascending[i] > value; i--) {
            above++;
        }
        return above;
    }

    /** One way a title is written (its name, or an alias such as "ICU RN"): its words as the index holds them, and their weights. */
    private record Wording(String[] words, double[] weights) {
    }

    /** How the raw title compares with the way of writing the title that it is closest to. */
    private static Similarity closest(List<String> words, double[] rawWeights, boolean[] rawKnown, List<String> asides,
            double[] asideWeights, Wording[] wordings) {
        Similarity closest = Similarity.NONE;
        for (Wording wording : wordings) {
            Similarity similarity = Similarity.of(words, rawWeights, rawKnown, asides, asideWeights, wording.words(), wording.weights());
            if (similarity.dice() > closest.dice()) {
                closest = similarity;
            }
        }
        return closest;
    }

    /** A title's name and aliases as words with weights; an idempotent first computation, so a race only repeats it. */
    private Wording[] wordingsOf(int ord) {
        Wording[] known = wordings.get(ord);
        if (known == null) {
            CatalogTitle title = titles.get(ord);
            List<String> texts = new ArrayList<>();
            texts.add(matchableName(title));
            aliases(title).stream().filter(alias -> !texts.contains(alias)).forEach(texts::add);
            known = texts.stream()
                    .map(text -> words(text).toArray(String[]::new))
                    .filter(words -> words.length > 0)
                    .map(words -> new Wording(words, Arrays.stream(words).mapToDouble(this::weight).toArray()))
                    .toArray(Wording[]::new);
            wordings.set(ord, known);
        }
        return known;
    }

    /** The title as callers see it, built once per title. */
    Title asTitle(CatalogTitle title) {
        return asTitles.computeIfAbsent(title.id(), id -> title.toTitle(Catalog.VERSION));
    }

    /**
     * How much a word tells: rare words (a high inverse document frequency) say more than "manager".
     * Remembered only for words the index holds, so that what callers send cannot grow the map.
     */
    private double weight(String word) {
        Double known = weights.get(word);
        if (known != null) {
            return known;
        }
        int frequency = documentFrequency(new Term(NAME, word));
        double weight = Math.log(1 + (double) titles.size() / (frequency + 1));
        if (frequency > 0) {
            weights.put(word, weight);
        }
        return weight;
    }

    /**
     * The words, with each word that no title holds (nor one a letter away), but that is two title words
     * written as one, read as those two: "frontend" as titles write it, "front end".
     */
    private List<String> withCompoundsSplit(List<String> words) {
        List<String> split = new ArrayList<>(words.size() + 1);
        int lookedFor = 0;
        for (String word : words) {
            boolean mayBeTwo = word.length() >= 2 * COMPOUND_PART && word.length() <= 2 * longestNameWord
                    && lookedFor < MOST_WORDS_LOOKED_FOR && documentFrequency(new Term(NAME, word)) == 0;
            lookedFor += mayBeTwo ? 1 : 0;
            String[] parts = mayBeTwo && noWordALetterAway(word) ? compoundParts(word) : null;
            if (parts == null) {
                split.add(word);
            } else {
                split.add(parts[0]);
                split.add(parts[1]);
            }
        }
        return split;
    }

    /** Whether no title holds a word one letter away from {@code word}. */
    private boolean noWordALetterAway(String word) {
        return !mayBeMisspelt(word) || count(new FuzzyQuery(new Term(NAME, word), 1, 1, 1, true)) == 0;
    }

    /**
     * Whether {@code word} is short enough to be a name's word, or one a letter off: the fuzzy search for a
     * word of a thousand letters, which can match nothing, builds an automaton as long, for each such word.
     */
    private boolean mayBeMisspelt(String word) {
        return word.length() <= longestNameWord + 1;
    }

    private static int longestWord(IndexSearcher searcher, String field) {
        try {
            int longest = 0;
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                Terms terms = leaf.reader().terms(field);
                TermsEnum words = terms == null ? TermsEnum.EMPTY : terms.iterator();
                for (BytesRef word = words.next(); word != null; word = words.next()) {
                    longest = Math.max(longest, word.length);
                }
            }
            return longest;
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** The two words {@code word} is made of that titles hold side by side, the split most titles hold; or {@code null}. */
    private String[] compoundParts(String word) {
        String[] best = null;
        int bestCount = 0;
        for (int at = COMPOUND_PART; at <= word.length() - COMPOUND_PART; at++) {
            String head = word.substring(0, at);
            String tail = word.substring(at);
            if (documentFrequency(new Term(NAME, head)) > 0 && documentFrequency(new Term(NAME, tail)) > 0) {
                int count = count(new PhraseQuery(NAME, head, tail));
                if (count > bestCount) {
                    best = new String[] { head, tail };
                    bestCount = count;
                }
            }
        }
        return best;
    }

    private int count(Query query) {
        try {
            return searcher.count(query);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
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
        return TitleCleaner.cleanName(CatalogLoader.PARENTHESIS.matcher(title.name()).replaceAll(" ")).text();
    }

    /** O*NET's short forms and the parenthesised parts of a name, cleaned the same way. */
    private static List<String> aliases(CatalogTitle title) {
        List<String> aliases = new ArrayList<>();
        title.shortNames().forEach(shortName -> aliases.add(TitleCleaner.cleanName(shortName).text()));
        var inside = CatalogLoader.PARENTHESIS.matcher(title.name());
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
