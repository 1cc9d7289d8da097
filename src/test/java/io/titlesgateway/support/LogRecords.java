package io.titlesgateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What the gateway logs at WARN or above while it is open: to check that nothing a caller sends is logged as a fault. */
public final class LogRecords implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogRecords() {
        Logger.getLogger("").addHandler(handler);
    }

    public static LogRecords capture() {
        return new LogRecords();
    }

    /** Each record as a line: level, logger, message, and the failure's class if it carries a stack trace. */
    public List<String> lines() {
        return records.stream().map(record -> record.getLevel() + " " + record.getLoggerName() + " " + record.getMessage()
                + (record.getThrown() == null ? "" : " [stack trace: " + record.getThrown() + "]")).toList();
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
