/**
 * What outlives a request, and what replicas share: the link to Redis and its readiness, the
 * shared budget's ledger and its permits, the shared cache and the pool of gathered misses on
 * Redis, and the answer store on a volume. The {@code lightcast} package is the Lightcast client,
 * its guard and its cache, and uses these; nothing here calls Lightcast.
 */
package io.titlesgateway.store;
