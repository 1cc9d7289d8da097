package io.titlesgateway.support;

import java.time.Duration;

import org.awaitility.Awaitility;

import io.titlesgateway.catalog.Catalog;

/** The catalog loads on its own thread while the gateway starts; a test that needs it waits here first. */
public final class CatalogReady {

    private CatalogReady() {
    }

    public static void await(Catalog catalog) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(catalog::isLoaded);
    }
}
