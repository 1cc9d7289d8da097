package io.titlesgateway.catalog;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The embedded catalog, loaded once: from the open data to an in-memory index. Loading takes about
 * a second, so it happens at start-up when the catalog serves, and on first use otherwise.
 */
@ApplicationScoped
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class);

    /** The catalog's own version: the O*NET release its titles come from. */
    public static final String VERSION = "onet-30.0";

    private volatile CatalogIndex index;

    /** Loads the catalog now if it is not loaded yet. */
    public void load() {
        index();
    }

    public boolean isLoaded() {
        return index != null;
    }

    CatalogIndex index() {
        CatalogIndex loaded = index;
        if (loaded == null) {
            synchronized (this) {
                loaded = index;
                if (loaded == null) {
                    long start = System.nanoTime();
                    loaded = CatalogIndex.build(CatalogLoader.load());
                    index = loaded;
                    LOG.infof("Catalog %s loaded: %d titles in %d ms", VERSION, loaded.size(),
                            (System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        return loaded;
    }
}
