package io.titlesgateway.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.Reference;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleChange;
import io.titlesgateway.titles.TitleMapping;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;

/**
 * For a native image: the records Jackson reads from Lightcast's answers inside generic envelopes,
 * which Quarkus cannot see from the REST client's signatures alone. Records the gateway writes
 * outside a resource's return type (the stream's lines) are registered where they are declared.
 */
@RegisterForReflection(targets = { Title.class, TitleMapping.class, Reference.class, Normalization.class,
        BulkNormalization.class, VersionInfo.class, VersionChanges.class, TitleChange.class, ServiceMeta.class,
        ServiceMeta.Attribution.class, ServiceStatus.class })
public final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
