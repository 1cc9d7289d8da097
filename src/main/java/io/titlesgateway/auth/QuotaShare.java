package io.titlesgateway.auth;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * A caller's share of the Lightcast normalize quota, from its {@code quotaPerMonth} or
 * {@code quotaPerYear} in {@code TITLES_CLIENTS}: at most {@code calls} normalize, inspect or bulk
 * calls to Lightcast made for it per calendar month or year (UTC).
 */
public record QuotaShare(long calls, Per per) {

    public enum Per {
        MONTH,
        YEAR
    }

    /** The period {@code now} falls in, as a key: {@code 2026-12} or {@code 2026}. */
    public String periodOf(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return per == Per.MONTH ? String.format("%04d-%02d", day.getYear(), day.getMonthValue()) : String.valueOf(day.getYear());
    }

    /** When the period {@code now} falls in ends. */
    public Instant periodEnd(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate next = per == Per.MONTH ? day.withDayOfMonth(1).plusMonths(1) : day.withDayOfYear(1).plusYears(1);
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** "a month" or "a year". */
    public String perWord() {
        return per == Per.MONTH ? "a month" : "a year";
    }
}
