package io.wpack.loader.layout;

import io.wpack.loader.ByteSink;

/**
 * Where a layout writes its parts of known size. Return a sink of exactly
 * {@link PartSpec#bytes()} bytes (e.g. over an aligned direct buffer the kernel reads), or
 * null to have the loader allocate an array. Parts whose size depends on the values are
 * never asked for: they are collected in arrays.
 */
@FunctionalInterface
public interface PartSinks {
    /** The loader allocates every part. */
    PartSinks ALLOCATE = part -> null;

    ByteSink sinkFor(PartSpec part);
}
