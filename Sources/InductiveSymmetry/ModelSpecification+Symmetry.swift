import InductiveNN
import InductiveTensor

extension ModelSpecification {
    /// The layer kinds of this target for `ModelSpecification.build(..., factories:)`:
    ///
    /// - `c4conv(CHANNELS,KERNEL[,ACTIVATION][,padding=same|circular])`, `d4conv(...)`: a lifting
    ///   convolution on images [C, n, n] (flat image data is reshaped first), a group
    ///   convolution on group feature maps [C, |G|, n, n]; output [CHANNELS, |G|, n, n]; odd KERNEL.
    /// - `grouppool[(max|mean)]`: [C, |G|, n, n] → [C, n, n].
    /// - `deepsets(UNITS[,ACTIVATION][,sum|mean|max])`: the permutation-equivariant layer on sets
    ///   [n, d] (flat inputs [d] are a set of d scalars), output [n, UNITS].
    /// - `setpool[(sum|mean|max)]`: [n, d] → [d].
    ///
    /// Example: `c4conv(8,3,relu),grouppool,flatten,dense(10)`.
    public static var symmetryFactories: [LayerFactory] {
        [LayerFactory(names: ["c4conv", "d4conv"], plan: planGroupConvolution),
         LayerFactory(names: ["grouppool"], plan: planGroupPooling),
         LayerFactory(names: ["deepsets"], plan: planDeepSets),
         LayerFactory(names: ["setpool"], plan: planSetPooling)]
    }

    @Sendable static func planGroupConvolution(_ r: LayerRequest) throws -> LayerPlan {
        let group: FiniteGroup = r.name == "c4conv" ? .rotations : .dihedral
        guard r.arguments.count >= 2 else { throw r.failure("use \(r.name)(CHANNELS,KERNEL[,ACTIVATION][,padding=same|circular])") }
        let channels = try r.positiveInteger(r.arguments[0], "channels")
        let k = try r.positiveInteger(r.arguments[1], "kernel", maximum: 1 << 16)
        guard k % 2 == 1 else { throw r.failure("the kernel must be odd for exact equivariance, got \(k)") }
        var activation = Activation.identity, padding = ConvolutionPadding.same
        for extra in r.arguments.dropFirst(2) {
            if extra.lowercased() == "padding=same" { padding = .same } else if extra.lowercased() == "padding=circular" { padding = .circular } else if let a = Activation(name: extra) {
                activation = a
            } else { throw r.failure("unknown option '\(extra)' (an activation, padding=same or padding=circular)") }
        }
        var shape = r.inputShape
        var prefix: [any Layer] = []
        if shape.count == 1 {
            guard let image = r.imageShape, image.reduce(1, *) == shape[0] else {
                throw r.failure("flat inputs of \(shape[0]) features have no image shape for a convolution")
            }
            prefix = [Reshape(image)]
            shape = image
        }
        let lifting: Bool
        switch shape.count {
        case 3: lifting = true
        case 4: lifting = false
            guard shape[1] == group.order else { throw r.failure("group feature maps \(shape) have a group axis of \(shape[1]), not \(group.order) (\(group.name))") }
        default: throw r.failure("input of shape \(shape) is not an image [channels, n, n] or group feature maps [channels, |G|, n, n]")
        }
        let n = shape[shape.count - 1]
        guard shape[shape.count - 2] == n else { throw r.failure("images must be square for rotations, got \(Array(shape.suffix(2)))") }
        let cin = shape[0], order = group.order
        let (weights, o1) = (lifting ? cin : cin * order).multipliedReportingOverflow(by: k * k * channels)
        // As for `conv`: the gathered windows (positions × window) or the output maps, the larger.
        let window = (lifting ? cin : cin * order) * k * k
        let (gathered, o2) = (n * n).multipliedReportingOverflow(by: window)
        let (outputs, o3) = (n * n).multipliedReportingOverflow(by: channels * order)
        guard !o1, !o2, !o3 else { throw r.failure("the layer is too large") }
        let values = Swift.max(gathered, outputs)
        return LayerPlan(parameters: weights + channels, valuesPerExample: values, outputShape: [channels, order, n, n]) { [prefix, padding, activation] rng in
            prefix + [GroupConvolution(group: group, lifting: lifting, inputChannels: cin, outputChannels: channels, kernel: k,
                                       padding: padding, activation: activation, using: &rng)]
        }
    }

    @Sendable static func planGroupPooling(_ r: LayerRequest) throws -> LayerPlan {
        guard r.arguments.count <= 1 else { throw r.failure("use grouppool or grouppool(max|mean)") }
        let kind: GroupPooling.Kind
        switch r.arguments.first?.lowercased() ?? "max" {
        case "max": kind = .maximum
        case "mean", "avg": kind = .mean
        default: throw r.failure("pooling must be max or mean")
        }
        guard r.inputShape.count == 4 else { throw r.failure("group pooling needs group feature maps [channels, |G|, n, n], got \(r.inputShape)") }
        let s = r.inputShape
        return LayerPlan(parameters: 0, valuesPerExample: s.reduce(1, *), outputShape: [s[0], s[2], s[3]]) { _ in [GroupPooling(kind)] }
    }

    static func poolingKind(_ s: String) -> SetPoolingKind? {
        switch s.lowercased() {
        case "sum": return .sum
        case "mean", "avg": return .mean
        case "max": return .maximum
        default: return nil
        }
    }

    @Sendable static func planDeepSets(_ r: LayerRequest) throws -> LayerPlan {
        guard (1...3).contains(r.arguments.count) else { throw r.failure("use deepsets(UNITS[,ACTIVATION][,sum|mean|max])") }
        let units = try r.positiveInteger(r.arguments[0], "units")
        var activation = Activation.identity, pooling = SetPoolingKind.sum
        for extra in r.arguments.dropFirst() {
            if let p = poolingKind(extra) { pooling = p } else if let a = Activation(name: extra) { activation = a } else {
                throw r.failure("unknown option '\(extra)' (an activation, or sum, mean, max)")
            }
        }
        var prefix: [any Layer] = []
        var shape = r.inputShape
        if shape.count == 1 { prefix = [Reshape([shape[0], 1])]; shape = [shape[0], 1] }
        guard shape.count == 2 else { throw r.failure("input of shape \(shape) is not a set [elements, features]") }
        let (n, d) = (shape[0], shape[1])
        let (p, o1) = (2 * d + 1).multipliedReportingOverflow(by: units)
        let (v, o2) = n.multipliedReportingOverflow(by: units)
        guard !o1, !o2 else { throw r.failure("the layer is too large") }
        return LayerPlan(parameters: p, valuesPerExample: v, outputShape: [n, units]) { [prefix, pooling, activation] rng in
            prefix + [PermutationEquivariant(inputFeatures: d, outputFeatures: units, pooling: pooling, activation: activation, using: &rng)]
        }
    }

    @Sendable static func planSetPooling(_ r: LayerRequest) throws -> LayerPlan {
        guard r.arguments.count <= 1 else { throw r.failure("use setpool or setpool(sum|mean|max)") }
        guard let kind = poolingKind(r.arguments.first ?? "sum") else { throw r.failure("pooling must be sum, mean or max") }
        guard r.inputShape.count == 2 else { throw r.failure("set pooling needs sets [elements, features], got \(r.inputShape)") }
        return LayerPlan(parameters: 0, valuesPerExample: r.inputShape.reduce(1, *), outputShape: [r.inputShape[1]]) { _ in [SetPooling(kind)] }
    }
}
