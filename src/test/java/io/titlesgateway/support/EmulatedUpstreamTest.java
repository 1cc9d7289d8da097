package io.titlesgateway.support;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import io.quarkus.cache.CacheManager;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.titlesgateway.emulator.InjectEmulator;
import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.lightcast.QuotaGate;
import io.titlesgateway.lightcast.UpstreamBudget;

/**
 * What every test against the emulated Lightcast starts from: the emulator at its defaults with an
 * empty record and room for any rate, every gateway cache empty, the breaker closed, the budget
 * not paused.
 */
public abstract class EmulatedUpstreamTest {

    @InjectEmulator
    protected LightcastEmulator emulator;

    @Inject
    protected CacheManager caches;

    @Inject
    UpstreamBudget budget;

    @Inject
    QuotaGate quota;

    @BeforeEach
    void startFromScratch() {
        emulator.reset();
        emulator.ratePerSecond(1000);
        clearCaches();
        CircuitBreakerMaintenance.get().resetAll();
        budget.resume();
        quota.forget();
    }

    protected void clearCaches() {
        caches.getCacheNames().forEach(name -> caches.getCache(name).orElseThrow().invalidateAll().await().indefinitely());
    }
}
