package io.titlesgateway.lightcast;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.spi.RestClientListener;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.impl.VertxRequestCustomizingClientBuilder;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.SmallRyeConfig;
import io.titlesgateway.config.LightcastConfig;

/**
 * Puts {@link AnswerSizeLimit} on every connection of the Titles API's client, as it is built. The REST
 * client finds its listeners with {@link java.util.ServiceLoader} ({@code META-INF/services}), hence public;
 * a native image carries that file ({@code quarkus.native.resources.includes}) and this class's constructor.
 */
@RegisterForReflection
public final class AnswerSizeListener implements RestClientListener {

    private static final Logger LOG = Logger.getLogger(AnswerSizeListener.class);

    @Override
    public void onNewClient(Class<?> serviceInterface, RestClientBuilder builder) {
        if (serviceInterface != LightcastApi.class) {
            return;
        }
        if (!(builder instanceof VertxRequestCustomizingClientBuilder<?> vertxBuilder)) {
            LOG.warnf("The REST client's builder (%s) takes no request customizer: Lightcast's answers are read whatever their size",
                    builder.getClass().getName());
            return;
        }
        long limit = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(LightcastConfig.class)
                .maxAnswerSize().asLongValue();
        vertxBuilder.httpClientRequestCustomizer(request -> AnswerSizeLimit.watch(request, limit));
    }
}
