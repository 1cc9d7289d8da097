package io.titlesgateway.emulator;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts one emulator for the test run and points the gateway at it: API and auth URLs on its
 * dynamic loopback port, and the credentials it accepts.
 */
public class LightcastEmulatorResource implements QuarkusTestResourceLifecycleManager {

    private LightcastEmulator emulator;

    @Override
    public Map<String, String> start() {
        emulator = LightcastEmulator.start();
        return Map.of(
                "lightcast.api-url", emulator.apiUrl(),
                "lightcast.auth-url", emulator.authUrl(),
                "lightcast.client-id", emulator.clientId(),
                "lightcast.client-secret", emulator.clientSecret());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(emulator,
                new TestInjector.AnnotatedAndMatchesType(InjectEmulator.class, LightcastEmulator.class));
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
