package io.titlesgateway.catalog;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The embedded catalog, loaded once: from the open data to an in-memory index. Loading takes a few
 * seconds of CPU, so when the catalog serves it is loaded on its own thread while the rest of the
 * gateway starts (readiness stays DOWN until it is done); otherwise on first use.
 */
@ApplicationScoped
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class);

    /** The catalog's own version: the O*NET release its titles come from. */
    public static final String VERSION = "onet-30.0";

    private volatile CatalogIndex index;

    /** Starts loading the catalog on its own thread, so start-up does not wait for it. */
    public void loadInBackground() {
        Thread loader = new Thread(() -> {
            try {
                index();
            } catch (RuntimeException failure) {
                LOG.error("The catalog could not be loaded", failure);
            }
        }, "catalog-loader");
        loader.setDaemon(true);
        loader.start();
    }

    public boolean isLoaded() {
        return index != null;
    }

    /** The index once loaded; {@code null} while it loads, so that no caller waits on it. */
    CatalogIndex loadedIndex() {
        return index;
    }

    CatalogIndex index() {
        CatalogIndex loaded = index;
        if (loaded == null) {
            synchronized (this) {
                loaded = index;
                if (loaded == null) {
                    long start = System.nanoTime();
                    var shipped = CatalogSnapshot.read();
                    loaded = shipped.orElseGet(() -> CatalogIndex.build(CatalogLoader.load()));
                    index = loaded;
                    LOG.infof("Catalog %s loaded: %d titles in %d ms, %s; ranking model %s", VERSION, loaded.size(),
                            (System.nanoTime() - start) / 1_000_000,
                            shipped.isPresent() ? "from the snapshot built with the jar" : "built from the open data",
                            loaded.ranker().trainedOn());
                }
            }
        }
        return loaded;
    }
}
