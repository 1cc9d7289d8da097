package io.titlesgateway.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.titlesgateway.titles.TitlesException;

/** UTF-8 as callers send it: bytes counted without an encoded copy, and text decoded strictly. */
final class Utf8 {

    private Utf8() {
    }

    /** {@code bytes} as text; a 400 saying {@code refusal} if they are not valid UTF-8 (a byte-order mark is dropped). */
    static String decode(byte[] bytes, String refusal) {
        String text = decodeOrNull(bytes, 0, bytes == null ? 0 : bytes.length);
        if (text == null) {
            throw TitlesException.badRequest(refusal);
        }
        return text;
    }

    /** {@code bytes[from, to)} as text, or {@code null} if they are not valid UTF-8. */
    static String decodeOrNull(byte[] bytes, int from, int to) {
        if (bytes == null || to <= from) {
            return "";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    /**
     * Whether {@code text} is Unicode text, which UTF-8 can carry: no half of a surrogate pair alone.
     * A JSON string can hold one, written as an escape, though no UTF-8 body can.
     */
    static boolean isWellFormed(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static int length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
