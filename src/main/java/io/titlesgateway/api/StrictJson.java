package io.titlesgateway.api;

import java.lang.reflect.Type;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Reads a caller's JSON body with no coercion between JSON types: a number where a string is
 * expected ({@code {"term": 42}}), a fraction where a whole number is ({@code "limit": 2.5}), a
 * string where a number or a boolean is ({@code "limit": "3"}) is a 400, as Lightcast refuses it,
 * rather than a guess sent upstream. A whole number where a fraction is expected is a number all the
 * same ({@code "confidenceThreshold": 1}). A key given twice ({@code {"term": "nurse", "term": "cook"}})
 * is a 400 too: which of the two a reader keeps differs from one JSON library to the next, so the
 * gateway would be guessing which the caller meant; so is anything but white space after the
 * document ({@code {"term": "nurse"}{"term": "cook"}}), which a lenient reader drops unread. Only
 * callers' bodies are read so strictly;
 * Lightcast's answers and the shared cache keep the application's mapper.
 */
public final class StrictJson implements BiFunction<ObjectMapper, Type, ObjectReader> {

    /** The application's mapper, made strict once; the application has one mapper. */
    private static volatile Strict strict;

    private record Strict(ObjectMapper from, ObjectMapper mapper) {
    }

    @Override
    public ObjectReader apply(ObjectMapper mapper, Type type) {
        return strictOf(mapper).readerFor(mapper.constructType(type));
    }

    private static ObjectMapper strictOf(ObjectMapper mapper) {
        Strict known = strict;
        if (known == null || known.from() != mapper) {
            known = new Strict(mapper, strictCopy(mapper));
            strict = known;
        }
        return known.mapper();
    }

    private static ObjectMapper strictCopy(ObjectMapper mapper) {
        ObjectMapper copy = mapper.copy().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        refuse(copy, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(copy, LogicalType.Integer, CoercionInputShape.Float, CoercionInputShape.String, CoercionInputShape.Boolean,
                CoercionInputShape.EmptyString);
        refuse(copy, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.Boolean, CoercionInputShape.EmptyString);
        refuse(copy, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.String,
                CoercionInputShape.EmptyString);
        return copy;
    }

    private static void refuse(ObjectMapper mapper, LogicalType target, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
        }
    }
}
