package io.wpack.loader.layout;

/**
 * A layout request that cannot be honoured: a SPEC string that does not parse, a layout that
 * does not apply to the tensor (wrong rank, axis names that are not a permutation of the
 * source's, quantizing an integer tensor, an output that does not fit), or values that do not
 * have the structure the layout needs (more than N non-zeros in an N:M group).
 *
 * <p>It is the caller's request that is at fault, not the package: a corrupt package still
 * surfaces as {@link io.wpack.formats.WpkFormatException}. The CLI maps this one to a usage
 * error.
 */
public class LayoutException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public LayoutException(String message) {
        super(message);
    }
}
