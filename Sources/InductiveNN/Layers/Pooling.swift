import InductiveAutodiff
import InductiveTensor

/// Average or maximum.
public enum PoolingKind: Sendable, Equatable {
    case average, maximum
}

/// Local pooling over windows of 1 or 2 spatial axes, channels kept:
/// y[b, c, p] = mean (or max) of x[b, c, p * stride + d] over the window d. Max pooling
/// splits the gradient equally among tied maxima. With `.same` padding, max pooling ignores
/// the padded border (it pads with -infinity) while average pooling counts it as zeros in
/// the mean (PyTorch's default `count_include_pad`); `.circular` wraps around.
public struct Pooling: ParameterFreeLayer {
    /// Average or maximum.
    public var kind: PoolingKind
    /// Window extents, per spatial axis.
    public var window: [Int]
    /// Step between windows.
    public var strides: [Int]
    /// Border handling.
    public var padding: ConvolutionPadding

    /// Pooling with the given window; strides default to the window (non-overlapping).
    public init(_ kind: PoolingKind, window: [Int], strides: [Int]? = nil, padding: ConvolutionPadding = .valid) {
        precondition(window.count == 1 || window.count == 2, "Pooling: 1 or 2 spatial axes, got \(window)")
        self.kind = kind
        self.window = window
        self.strides = strides ?? window
        self.padding = padding
    }


    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.rank == window.count + 2, "Pooling: input \(x.shape) does not have \(window.count) spatial axes")
        let batch = x.shape[0], channels = x.shape[1]
        // One channel at a time through the window gather: treat channels as batch.
        let single = x.reshaped([batch * channels, 1] + Array(x.shape.dropFirst(2)))
        let geometry = WindowGeometry(channels: 1, inputExtents: Array(x.shape.dropFirst(2)), kernel: window,
                                      strides: strides, padding: padding)
        let windows = geometry.windows(single, fill: kind == .maximum ? -.infinity : 0)  // [batch * channels, positions, area]
        let pooled = kind == .average ? windows.mean(axes: [2]) : windows.max(axes: [2])
        return pooled.reshaped([batch, channels] + geometry.outputExtents)
    }
}

/// Pooling over all spatial axes: [batch, channels, ...] -> [batch, channels]. Exactly
/// invariant to any permutation of positions (in particular cyclic translations).
public struct GlobalPooling: ParameterFreeLayer {
    public var kind: PoolingKind
    /// Global average or maximum pooling.
    public init(_ kind: PoolingKind) { self.kind = kind }


    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.rank >= 3, "GlobalPooling: input \(x.shape) has no spatial axes")
        let axes = Array(2..<x.rank)
        return kind == .average ? x.mean(axes: axes) : x.max(axes: axes)
    }
}
