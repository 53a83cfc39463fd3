import InductiveAutodiff
import InductiveNN
import InductiveTensor

/// Lifting and group convolution over C4 (90° rotations) or D4 (rotations and flips) on
/// square images (Cohen and Welling 2016): exactly equivariant, with feature maps indexed by
/// (channel, group element, pixel).
///
/// - Lifting (input [batch, C_in, n, n], weight [C_out, C_in, k, k]):
///   y[b, o, g, p] = act(bias[o] + Σ_{c,d} W[o, c, g⁻¹d] x[b, c, p + d]),
///   one copy of each filter per group element, transformed by g.
/// - Group convolution (input [batch, C_in, |G|, n, n], weight [C_out, C_in, |G|, k, k]):
///   y[b, o, g, p] = act(bias[o] + Σ_{c,h,d} W[o, c, g⁻¹h, g⁻¹d] x[b, c, h, p + d]).
///
/// Output [batch, C_out, |G|, n, n]. With (ρ(u) x)[c, p] = x[c, u⁻¹p] on the input and
/// (ρ(u) y)[o, g, p] = y[o, u⁻¹g, u⁻¹p] on the output (`PermutationAction.image`,
/// `.groupFeatureMaps`), f(ρ(u) x) = ρ(u) f(x) holds exactly: d ↦ u⁻¹d is a bijection of the
/// odd k × k window, and the zero ("same") or periodic border of a square is mapped onto itself.
/// Offsets d are centred, so the kernel side k must be odd.
///
/// Computed as one ordinary convolution with the expanded weight E[(o, g), (c, h), d] (a
/// differentiable gather of W): cost |G| times a plain convolution with C_out channels
/// (lifting), |G|² times for a group convolution with C_in · |G| input channels.
public struct GroupConvolution: Layer {
    /// C4 or D4.
    public let group: FiniteGroup
    /// True when the input has no group axis (the first layer).
    public let lifting: Bool
    /// [C_out, C_in, k, k] (lifting) or [C_out, C_in, |G|, k, k].
    public var weight: Tensor
    /// One bias per output channel, shared by the group copies (nil: none).
    public var bias: Tensor?
    /// `.same` (zero) or `.circular`; stride 1.
    public var padding: ConvolutionPadding
    /// The pointwise nonlinearity (commutes with every permutation).
    public var activation: Activation

    /// Weights from `initializer` (default He normal for rectifiers, else Xavier uniform)
    /// with fan_in = C_in · (|G| for a group convolution) · k², zero biases.
    public init(group: FiniteGroup, lifting: Bool, inputChannels: Int, outputChannels: Int, kernel k: Int,
                padding: ConvolutionPadding = .same, activation: Activation = .identity, useBias: Bool = true,
                initializer: Initializer? = nil, using rng: inout RandomGenerator) {
        precondition(k % 2 == 1, "GroupConvolution: the kernel side must be odd, got \(k)")
        precondition(padding != .valid, "GroupConvolution: valid padding breaks the square's symmetry")
        let shape = lifting ? [outputChannels, inputChannels, k, k] : [outputChannels, inputChannels, group.order, k, k]
        let fanIn = shape.dropFirst().reduce(1, *)
        let chosen = initializer ?? (activation.isRectifier ? .heNormal : .xavierUniform())
        self.init(group: group, lifting: lifting, weight: chosen.make(shape, fanIn: fanIn, fanOut: outputChannels * k * k, using: &rng),
                  bias: useBias ? Tensor.zeros([outputChannels]) : nil, padding: padding, activation: activation)
    }

    /// A group convolution from given tensors.
    public init(group: FiniteGroup, lifting: Bool, weight: Tensor, bias: Tensor?, padding: ConvolutionPadding = .same,
                activation: Activation = .identity) {
        _ = ImageSymmetry.matrices(of: group)
        precondition(weight.rank == (lifting ? 4 : 5), "GroupConvolution: weight \(weight.shape) has the wrong rank")
        precondition(lifting || weight.shape[2] == group.order, "GroupConvolution: weight \(weight.shape) needs a group axis of \(group.order)")
        precondition(weight.shape[weight.rank - 1] == weight.shape[weight.rank - 2] && weight.shape[weight.rank - 1] % 2 == 1,
                     "GroupConvolution: the kernel must be square with an odd side")
        self.group = group
        self.lifting = lifting
        self.weight = weight
        self.bias = bias
        self.padding = padding
        self.activation = activation
    }

    /// Kernel side k.
    public var kernelSide: Int { weight.shape[weight.rank - 1] }
    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

    public var parameters: [Tensor] {
        get { bias.map { [weight, $0] } ?? [weight] }
        set {
            precondition(newValue.count == (bias == nil ? 1 : 2) && newValue[0].shape == weight.shape, "GroupConvolution: wrong parameters")
            weight = newValue[0]
            if bias != nil { bias = newValue[1] }
        }
    }
    public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

    /// For each entry of the expanded weight [C_out |G|, C_in |G_in|, k, k] the flat index
    /// of W it copies.
    func expansionIndices() -> [Int] {
        let k = kernelSide, area = k * k, order = group.order
        let mats = ImageSymmetry.matrices(of: group)
        let windows = mats.map { ImageSymmetry.pixelSource($0, side: k) }  // g ↦ (d ↦ g⁻¹d)
        let cin = inputChannels, cout = outputChannels
        let hin = lifting ? 1 : order
        var out: [Int] = []
        out.reserveCapacity(cout * order * cin * hin * area)
        for o in 0..<cout {
            for g in 0..<order {
                let gi = group.inverse(g)
                for c in 0..<cin {
                    for h in 0..<hin {
                        let hs = lifting ? 0 : group.compose(gi, h)
                        let base = ((o * cin + c) * hin + hs) * area
                        for d in 0..<area { out.append(base + windows[g][d]) }
                    }
                }
            }
        }
        return out
    }

    /// The ordinary convolution this layer computes (expanded weight [C_out |G|, C_in |G_in|,
    /// k, k]), for inspection and benchmarks.
    public var expandedConvolution: Convolution {
        let order = group.order, k = kernelSide
        let e = weight.flattened().take(expansionIndices()).reshaped([outputChannels * order, inputChannels * (lifting ? 1 : order), k, k])
        let b = bias.map { $0.take((0..<(outputChannels * order)).map { $0 / order }) }
        return Convolution(weight: e, bias: b, padding: padding, activation: activation)
    }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        let order = group.order, k = kernelSide
        let expectedRank = lifting ? 4 : 5
        precondition(x.rank == expectedRank && x.shape[1] == inputChannels && (lifting || x.shape[2] == order)
                     && x.shape[x.rank - 1] == x.shape[x.rank - 2],
                     "GroupConvolution: input \(x.shape), expected [batch, \(inputChannels)\(lifting ? "" : ", \(order)"), n, n]")
        let batch = x.shape[0], n = x.shape[x.rank - 1]
        let w = parameters[parameters.startIndex]
        let e = w.flattened().take(expansionIndices()).reshaped([outputChannels * order, inputChannels * (lifting ? 1 : order), k, k])
        var theta = [e]
        if parameters.count > 1 { theta.append(parameters[parameters.startIndex + 1].take((0..<(outputChannels * order)).map { $0 / order })) }
        let conv = Convolution(weight: e.value, bias: theta.count > 1 ? theta[1].value : nil, padding: padding, activation: activation)
        let xr = x.reshaped([batch, inputChannels * (lifting ? 1 : order), n, n])
        let y = conv.apply(parameters: theta, to: xr, context: &context)
        return y.reshaped([batch, outputChannels, order, n, n])
    }
}

/// Pooling over the group axis: [batch, C, |G|, n, n] → [batch, C, n, n] by the maximum or
/// the mean over g. Invariant to the regular permutation of the group axis, so it turns
/// group feature maps into maps that rotate (and flip) with the input:
/// pool(ρ_G(u) y) = ρ_image(u) pool(y). Cost O(batch C |G| n²).
public struct GroupPooling: Layer {
    public enum Kind: String, Sendable { case maximum, mean }
    public let kind: Kind
    /// A pooling layer over the group axis by `kind` (default: the maximum over g).
    public init(_ kind: Kind = .maximum) { self.kind = kind }
    public var parameters: [Tensor] {
        get { [] }
        set { precondition(newValue.isEmpty, "GroupPooling has no parameters") }
    }
    public var parameterNames: [String] { [] }
    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.rank == 5, "GroupPooling: input \(x.shape), expected [batch, channels, |G|, n, n]")
        return kind == .maximum ? x.max(axes: [2]) : x.mean(axes: [2])
    }
}
