package io.titlesgateway.catalog;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * For a native image: Lucene finds the implementation of each token or query attribute by name
 * ({@code Class.forName(attribute + "Impl")}) and builds it through a method handle on its public
 * no-argument constructor, which a native image only allows for classes registered ahead of time.
 * Every attribute Lucene's own analysis and search code may ask for is listed, not only those the
 * catalog asks for today, so that a new filter or query does not fail only in native.
 */
@RegisterForReflection(classNames = {
        "org.apache.lucene.analysis.tokenattributes.BytesTermAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.CharTermAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.FlagsAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.KeywordAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.OffsetAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.PackedTokenAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.PayloadAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.PositionIncrementAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.PositionLengthAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.SentenceAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.TermFrequencyAttributeImpl",
        "org.apache.lucene.analysis.tokenattributes.TypeAttributeImpl",
        "org.apache.lucene.search.BoostAttributeImpl",
        "org.apache.lucene.search.FuzzyTermsEnum$AutomatonAttributeImpl",
        "org.apache.lucene.search.MaxNonCompetitiveBoostAttributeImpl" })
final class LuceneReflection {

    private LuceneReflection() {
    }
}
