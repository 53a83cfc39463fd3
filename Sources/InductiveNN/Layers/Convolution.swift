import InductiveAutodiff
import InductiveTensor

/// How a convolution or pooling window treats the borders.
public enum ConvolutionPadding: Sendable, Equatable {
    /// No padding: output extent floor((n - k) / stride) + 1.
    case valid
    /// Zero padding so that the output extent is ceil(n / stride) (TensorFlow's "same"; the
    /// extra zero of an even kernel goes after).
    case same
    /// Periodic padding with the same extents as `.same`: with stride 1 the layer commutes
    /// exactly with cyclic translations of the input.
    case circular
}

/// The sliding-window gather behind convolution and pooling, for 1 or 2 spatial axes.
/// Windows are gathered with `take`, so the whole operation is built from differentiable
/// primitives (first and second derivatives need no custom rule).
struct WindowGeometry: Sendable {
    let channels: Int
    let inputExtents: [Int]
    let kernel: [Int]
    let strides: [Int]
    let padBefore: [Int]
    let padAfter: [Int]
    let outputExtents: [Int]
    let mode: PaddingMode?

    init(channels: Int, inputExtents: [Int], kernel: [Int], strides: [Int], padding: ConvolutionPadding) {
        precondition(kernel.count == inputExtents.count && strides.count == kernel.count, "window: rank mismatch")
        precondition(strides.allSatisfy { $0 > 0 } && kernel.allSatisfy { $0 > 0 }, "window: kernel and strides must be positive")
        self.channels = channels
        self.inputExtents = inputExtents
        self.kernel = kernel
        self.strides = strides
        var before: [Int] = [], after: [Int] = [], out: [Int] = []
        for (n, (k, s)) in zip(inputExtents, zip(kernel, strides)) {
            switch padding {
            case .valid:
                precondition(n >= k, "window: input extent \(n) smaller than kernel \(k)")
                before.append(0); after.append(0); out.append((n - k) / s + 1)
            case .same, .circular:
                let o = (n + s - 1) / s
                let total = Swift.max((o - 1) * s + k - n, 0)
                before.append(total / 2); after.append(total - total / 2); out.append(o)
            }
        }
        padBefore = before
        padAfter = after
        outputExtents = out
        mode = padding == .valid ? nil : (padding == .same ? .zero : .circular)
    }

    var windowSize: Int { channels * kernel.reduce(1, *) }
    var positions: Int { outputExtents.reduce(1, *) }

    /// Flat indices into one padded example [channels, padded extents...], shape
    /// [positions, channels * kernel area] (row-major: output position, then channel, then
    /// kernel offset).
    func gatherIndices() -> [Int] {
        let padded = zip(inputExtents, zip(padBefore, padAfter)).map { $0 + $1.0 + $1.1 }
        let plane = padded.reduce(1, *)
        var out: [Int] = []
        out.reserveCapacity(positions * windowSize)
        if kernel.count == 1 {
            for o in 0..<outputExtents[0] {
                for c in 0..<channels { for d in 0..<kernel[0] { out.append(c * plane + o * strides[0] + d) } }
            }
        } else {
            for oi in 0..<outputExtents[0] { for oj in 0..<outputExtents[1] {
                for c in 0..<channels { for di in 0..<kernel[0] { for dj in 0..<kernel[1] {
                    out.append(c * plane + (oi * strides[0] + di) * padded[1] + oj * strides[1] + dj)
                } } }
            } }
        }
        return out
    }

    /// Windows of x [batch, channels, extents...] as [batch, positions, channels * kernel area];
    /// zero padding writes `fill` instead of 0 (max pooling pads with -infinity).
    func windows(_ x: Variable, fill: Double = 0) -> Variable {
        let batch = x.shape[0]
        var padded = x
        if let mode, padBefore.contains(where: { $0 > 0 }) || padAfter.contains(where: { $0 > 0 }) {
            let widths = [(0, 0), (0, 0)] + zip(padBefore, padAfter).map { ($0, $1) }
            padded = x.padded(widths, mode: mode)
            if mode == .zero && fill != 0 {
                // A constant: `fill` on the border, 0 inside (no gradient flows into it).
                let inside = Tensor.zeros(x.shape).padded(widths, mode: .zero)
                let border = Tensor.ones(x.shape).padded(widths, mode: .zero)
                padded = padded + Variable(Tensor.where(border, inside, Tensor(fill)))
            }
        }
        let flat = padded.reshaped([batch, -1])
        return flat.take(gatherIndices(), axis: 1).reshaped([batch, positions, windowSize])
    }
}

/// A convolution (cross-correlation, as in deep-learning libraries) over 1 or 2 spatial axes:
/// y[b, o, p] = act(bias[o] + sum_{c, d} W[o, c, d] x_pad[b, c, p * stride + d]).
///
/// Inputs are channels-first: [batch, channels, length] for 1-d, [batch, channels, height,
/// width] for 2-d; W is [out_channels, in_channels, kernel...]. Computed as a gather of
/// windows followed by one matrix product (BLAS). Cost: 2 batch positions out in k flops.
public struct Convolution: Layer {
    /// W, [out_channels, in_channels, kernel...].
    public var weight: Tensor
    /// One bias per output channel (nil: none).
    public var bias: Tensor?
    /// Step between windows, per spatial axis.
    public var strides: [Int]
    /// Border handling.
    public var padding: ConvolutionPadding
    /// The nonlinearity applied to the output.
    public var activation: Activation

    /// A convolution with `kernel` of 1 or 2 extents; weights from `initializer` with
    /// fan_in = in_channels * kernel area (default He normal for rectifiers, else Xavier
    /// uniform), zero biases.
    public init(inputChannels: Int, outputChannels: Int, kernel: [Int], strides: [Int]? = nil,
                padding: ConvolutionPadding = .same, activation: Activation = .identity, useBias: Bool = true,
                initializer: Initializer? = nil, using rng: inout RandomGenerator) {
        precondition(kernel.count == 1 || kernel.count == 2, "Convolution: 1 or 2 spatial axes, got kernel \(kernel)")
        let area = kernel.reduce(1, *)
        let chosen = initializer ?? (activation.isRectifier ? .heNormal : .xavierUniform())
        weight = chosen.make([outputChannels, inputChannels] + kernel, fanIn: inputChannels * area,
                           fanOut: outputChannels * area, using: &rng)
        bias = useBias ? Tensor.zeros([outputChannels]) : nil
        self.strides = strides ?? kernel.map { _ in 1 }
        self.padding = padding
        self.activation = activation
    }

    /// A convolution from given tensors.
    public init(weight: Tensor, bias: Tensor?, strides: [Int]? = nil, padding: ConvolutionPadding = .same,
                activation: Activation = .identity) {
        precondition(weight.rank == 3 || weight.rank == 4, "Convolution: weight must be [out, in, k] or [out, in, kh, kw]")
        self.weight = weight
        self.bias = bias
        self.strides = strides ?? Array(repeating: 1, count: weight.rank - 2)
        self.padding = padding
        self.activation = activation
    }

    /// The kernel extents (one per spatial axis).
    public var kernel: [Int] { Array(weight.shape.dropFirst(2)) }
    /// Channels of the input.
    public var inputChannels: Int { weight.shape[1] }
    /// Channels of the output.
    public var outputChannels: Int { weight.shape[0] }

    public var parameters: [Tensor] {
        get { bias.map { [weight, $0] } ?? [weight] }
        set {
            precondition(newValue.count == (bias == nil ? 1 : 2), "Convolution: \(newValue.count) parameters, expected \(bias == nil ? 1 : 2)")
            precondition(newValue[0].shape == weight.shape, "Convolution: weight shape \(newValue[0].shape), expected \(weight.shape)")
            weight = newValue[0]
            if let b = bias {
                precondition(newValue[1].shape == b.shape, "Convolution: bias shape \(newValue[1].shape), expected \(b.shape)")
                bias = newValue[1]
            }
        }
    }
    public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

    /// The output extents for input extents (same rank as the kernel).
    public func outputExtents(for input: [Int]) -> [Int] {
        WindowGeometry(channels: inputChannels, inputExtents: input, kernel: kernel, strides: strides, padding: padding).outputExtents
    }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.rank == kernel.count + 2 && x.shape[1] == inputChannels,
                     "Convolution: input \(x.shape), expected [batch, \(inputChannels), \(kernel.count) spatial axes]")
        let geometry = WindowGeometry(channels: inputChannels, inputExtents: Array(x.shape.dropFirst(2)), kernel: kernel,
                                      strides: strides, padding: padding)
        let w = parameters[parameters.startIndex].reshaped([outputChannels, geometry.windowSize])
        var y = matmul(geometry.windows(x), w, transposeB: true)  // [batch, positions, out]
        if parameters.count > 1 { y = y + parameters[parameters.startIndex + 1] }
        let batch = x.shape[0]
        let order = kernel.count == 1 ? [0, 2, 1] : [0, 3, 1, 2]
        y = y.reshaped([batch] + geometry.outputExtents + [outputChannels]).permuted(order)
        return activation(y)
    }
}
