import InductiveTensor

/// A model description that does not parse or does not fit the data.
public struct ModelSpecificationError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "model: \(reason)" }
}

/// Builds a `Sequential` from a short readable text, one layer per comma-separated item:
///
/// - `dense(UNITS[,ACTIVATION[,standard|ntk|meanfield]])`
/// - `conv(CHANNELS,KERNEL[,ACTIVATION][,stride=S][,padding=same|valid|circular])` (1-d or
///   2-d, from the input's shape; flat image data is reshaped to its image shape first)
/// - `maxpool(K[,STRIDE])`, `avgpool(K[,STRIDE])`, `globalmaxpool`, `globalavgpool`
/// - `dropout(P)`, `batchnorm`, `layernorm`, `flatten`, `fourier(FEATURES,SIGMA)`
/// - an activation name alone: `relu`, `tanh`, `sigmoid`, `erf`, `gelu`, `sin`, `softplus`, `leaky_relu`
///
/// Example: `conv(16,3,relu),maxpool(2),flatten,dense(10)`.
///
/// Targets above this one add layer kinds by passing `LayerFactory` values to `build` (the
/// group convolutions and DeepSets layers of InductiveSymmetry do): no global registry, the
/// caller composes the vocabulary it wants.
///
/// Every number is range-checked (sizes up to 2^24, kernels, windows and strides up to 2^16),
/// and the model's size is estimated layer by layer before anything is allocated: a
/// specification above `Limits.default` (50 million parameters, 16 million values per
/// example in any layer) is refused with an error that names the layer; pass other `Limits`
/// to allow more.
public enum ModelSpecification {
    /// The largest model `build` agrees to allocate.
    public struct Limits: Sendable, Equatable {
        /// The most parameters (trainable or fixed) of the whole model. Each costs 8 bytes,
        /// and an optimizer such as Adam keeps two more copies.
        public var maximumParameters: Int
        /// The most values one example may produce in any layer, the windows a convolution
        /// gathers included (times the batch size, this bounds the activation memory).
        public var maximumValuesPerExample: Int

        public init(maximumParameters: Int = 50_000_000, maximumValuesPerExample: Int = 16_000_000) {
            self.maximumParameters = maximumParameters
            self.maximumValuesPerExample = maximumValuesPerExample
        }

        /// 50 million parameters (400 MB as doubles), 16 million values per example.
        public static let `default` = Limits()
    }

    /// Largest unit, channel and feature counts.
    static let maximumSize = 1 << 24
    /// Largest kernel, window and stride.
    static let maximumWindow = 1 << 16

    struct Item {
        let name: String
        let arguments: [String]
        let text: String
    }

    /// One item of a specification handed to a `LayerFactory`.
    public struct LayerRequest: Sendable {
        /// The item's name, lower-cased (e.g. `c4conv`).
        public let name: String
        /// The comma-separated arguments inside the parentheses, trimmed.
        public let arguments: [String]
        /// The item as written (for error messages).
        public let text: String
        /// The shape of one example entering the layer (no batch axis).
        public let inputShape: [Int]
        /// The data's image shape, when flat inputs are images.
        public let imageShape: [Int]?

        /// An error naming the item.
        public func failure(_ why: String) -> ModelSpecificationError { ModelSpecificationError(reason: "'\(text)': \(why)") }

        /// A positive integer argument at most `maximum`, or an error naming the item.
        public func positiveInteger(_ s: String, _ what: String, maximum: Int = 1 << 24) throws -> Int {
            guard let v = Int(s), v > 0, v <= maximum else { throw failure("\(what) must be a positive integer at most \(maximum), got '\(s)'") }
            return v
        }
    }

    /// What a factory plans for a request: the size, checked against `Limits` before anything
    /// is allocated, the output shape, and how to build the layers.
    public struct LayerPlan: Sendable {
        /// Scalar parameters the layers will hold.
        public let parameters: Int
        /// The most values one example occupies in the layers (windows gathered included).
        public let valuesPerExample: Int
        /// The shape of one example after the layers.
        public let outputShape: [Int]
        /// Builds the layers (called only once the plan is admitted).
        public let make: @Sendable (inout RandomGenerator) -> [any Layer]
        public init(parameters: Int, valuesPerExample: Int, outputShape: [Int], make: @escaping @Sendable (inout RandomGenerator) -> [any Layer]) {
            self.parameters = parameters
            self.valuesPerExample = valuesPerExample
            self.outputShape = outputShape
            self.make = make
        }
    }

    /// Layer kinds defined outside this target: the names it answers to (listed in the
    /// "unknown layer" message) and the planner, which throws a `ModelSpecificationError` for
    /// bad arguments or shapes.
    public struct LayerFactory: Sendable {
        /// Lower-case item names, e.g. `["c4conv", "d4conv"]`.
        public let names: [String]
        /// Checks a request and plans its layers.
        public let plan: @Sendable (LayerRequest) throws -> LayerPlan
        public init(names: [String], plan: @escaping @Sendable (LayerRequest) throws -> LayerPlan) {
            self.names = names
            self.plan = plan
        }
    }

    static func items(_ text: String) throws -> [Item] {
        var result: [Item] = []
        var current = ""
        var depth = 0
        for c in text + "," {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if depth < 0 { throw ModelSpecificationError(reason: "unbalanced ')' in '\(text)'") }
            if c == "," && depth == 0 {
                let item = current.trimmingCharacters(in: .whitespaces)
                current = ""
                guard !item.isEmpty else { throw ModelSpecificationError(reason: "empty layer in '\(text)'") }
                if let open = item.firstIndex(of: "(") {
                    guard item.hasSuffix(")") else { throw ModelSpecificationError(reason: "'\(item)' does not end with ')'") }
                    let name = String(item[..<open]).lowercased()
                    let inner = item[item.index(after: open)..<item.index(before: item.endIndex)]
                    let args = inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                    result.append(Item(name: name, arguments: args == [""] ? [] : args, text: item))
                } else {
                    result.append(Item(name: item.lowercased(), arguments: [], text: item))
                }
            } else {
                current.append(c)
            }
        }
        if depth != 0 { throw ModelSpecificationError(reason: "unbalanced '(' in '\(text)'") }
        return result
    }

    /// Parses `text` and builds the model for examples of `inputShape` (without the batch
    /// axis; flat features [d], or [channels, length] / [channels, height, width]).
    /// `imageShape`, when given, lets flat inputs feed a convolution. Returns the model and
    /// its output shape per example.
    /// `limits` bounds the model's size (see `Limits`).
    /// `factories` add layer kinds defined in other targets (tried for names not built in).
    public static func build(_ text: String, inputShape: [Int], imageShape: [Int]? = nil, limits: Limits = .default,
                             factories: [LayerFactory] = [], using rng: inout RandomGenerator) throws -> (model: Sequential, outputShape: [Int]) {
        var layers: [any Layer] = []
        var shape = inputShape
        var parameterCount = 0
        func fail(_ item: Item, _ why: String) -> ModelSpecificationError { ModelSpecificationError(reason: "'\(item.text)': \(why)") }
        func int(_ item: Item, _ s: String, _ what: String, maximum: Int = maximumSize) throws -> Int {
            guard let v = Int(s), v > 0 else {
                if s.allSatisfy(\.isNumber) && !s.isEmpty { throw fail(item, "\(what) must be at most \(maximum), got \(s)") }
                throw fail(item, "\(what) must be a positive integer, got '\(s)'")
            }
            guard v <= maximum else { throw fail(item, "\(what) must be at most \(maximum), got \(s)") }
            return v
        }
        /// The product, or an error naming the item when it overflows.
        func product(_ item: Item, _ factors: [Int]) throws -> Int {
            var p = 1
            for f in factors {
                let (r, overflow) = p.multipliedReportingOverflow(by: f)
                guard !overflow else { throw fail(item, "the layer is too large") }
                p = r
            }
            return p
        }
        /// Refuses a layer whose parameters or per-example values pass the limits, before
        /// it is allocated.
        func admit(_ item: Item, parameters: Int, values: Int) throws {
            let (total, overflow) = parameterCount.addingReportingOverflow(parameters)
            guard !overflow, total <= limits.maximumParameters else {
                throw fail(item, "the model would have more than \(limits.maximumParameters) parameters "
                           + "(\(overflow ? "far more" : String(total)) so far); use a smaller model")
            }
            guard values <= limits.maximumValuesPerExample else {
                throw fail(item, "the layer would hold \(values) values per example, more than the limit of \(limits.maximumValuesPerExample); use a smaller model")
            }
            parameterCount = total
        }
        func double(_ item: Item, _ s: String, _ what: String) throws -> Double {
            guard let v = Double(s), v.isFinite else { throw fail(item, "\(what) must be a number, got '\(s)'") }
            return v
        }
        for item in try items(text) {
            let args = item.arguments
            switch item.name {
            case "dense":
                guard (1...3).contains(args.count) else { throw fail(item, "use dense(UNITS[,ACTIVATION[,PARAMETERIZATION]])") }
                guard shape.count == 1 else { throw fail(item, "input of shape \(shape) is not flat: add 'flatten' before it") }
                let units = try int(item, args[0], "units")
                var activation = Activation.identity
                if args.count >= 2 {
                    guard let a = Activation(name: args[1]) else { throw fail(item, "unknown activation '\(args[1])'") }
                    activation = a
                }
                var parameterization = Parameterization.standard
                if args.count == 3 {
                    switch args[2].lowercased() {
                    case "standard": parameterization = .standard
                    case "ntk": parameterization = .ntk(weightStd: activation.isRectifier ? 2.0.squareRoot() : 1, biasStd: 0.1)
                    case "meanfield", "mean_field": parameterization = .meanField(weightStd: 1, biasStd: 0)
                    default: throw fail(item, "unknown parameterization '\(args[2])' (standard, ntk, meanfield)")
                    }
                }
                try admit(item, parameters: try product(item, [shape[0] + 1, units]), values: units)
                layers.append(Dense(inputSize: shape[0], outputSize: units, activation: activation,
                                    parameterization: parameterization, using: &rng))
                shape = [units]
            case "conv":
                guard args.count >= 2 else { throw fail(item, "use conv(CHANNELS,KERNEL[,ACTIVATION][,stride=S][,padding=P])") }
                if shape.count == 1 {
                    guard let image = imageShape, image.reduce(1, *) == shape[0] else {
                        throw fail(item, "flat inputs of \(shape[0]) features have no image shape for a convolution")
                    }
                    layers.append(Reshape(image))
                    shape = image
                }
                guard shape.count == 2 || shape.count == 3 else { throw fail(item, "input of shape \(shape) is not [channels, length] or [channels, height, width]") }
                let channels = try int(item, args[0], "channels")
                let k = try int(item, args[1], "kernel", maximum: maximumWindow)
                var activation = Activation.identity, stride = 1, padding = ConvolutionPadding.same
                for extra in args.dropFirst(2) {
                    if extra.hasPrefix("stride=") {
                        stride = try int(item, String(extra.dropFirst(7)), "stride", maximum: maximumWindow)
                    } else if extra.hasPrefix("padding=") {
                        switch extra.dropFirst(8).lowercased() {
                        case "same": padding = .same
                        case "valid": padding = .valid
                        case "circular": padding = .circular
                        default: throw fail(item, "padding must be same, valid or circular")
                        }
                    } else if let a = Activation(name: extra) {
                        activation = a
                    } else {
                        throw fail(item, "unknown option '\(extra)'")
                    }
                }
                let spatial = shape.count - 1
                let extents = Array(shape.dropFirst())
                if padding == .valid && extents.contains(where: { $0 < k }) { throw fail(item, "kernel \(k) is larger than the input \(extents)") }
                // Output extents as the convolution computes them, before allocating it.
                let outputExtents = extents.map { padding == .valid ? ($0 - k) / stride + 1 : ($0 + stride - 1) / stride }
                let window = try product(item, [shape[0]] + Array(repeating: k, count: spatial))
                let weights = try product(item, [window, channels])
                let positions = try product(item, outputExtents)
                try admit(item, parameters: weights.addingReportingOverflow(channels).overflow ? Int.max : weights + channels,
                          values: Swift.max(try product(item, [positions, window]), try product(item, [positions, channels])))
                let conv = Convolution(inputChannels: shape[0], outputChannels: channels, kernel: Array(repeating: k, count: spatial),
                                       strides: Array(repeating: stride, count: spatial), padding: padding,
                                       activation: activation, using: &rng)
                shape = [channels] + conv.outputExtents(for: extents)
                layers.append(conv)
            case "maxpool", "avgpool":
                guard (1...2).contains(args.count) else { throw fail(item, "use \(item.name)(WINDOW[,STRIDE])") }
                guard shape.count == 2 || shape.count == 3 else { throw fail(item, "pooling needs [channels, spatial...] inputs, got \(shape)") }
                let k = try int(item, args[0], "window", maximum: maximumWindow)
                let s = args.count == 2 ? try int(item, args[1], "stride", maximum: maximumWindow) : k
                let spatial = shape.count - 1
                guard shape.dropFirst().allSatisfy({ $0 >= k }) else { throw fail(item, "window \(k) is larger than the input \(Array(shape.dropFirst()))") }
                let pool = Pooling(item.name == "maxpool" ? .maximum : .average, window: Array(repeating: k, count: spatial),
                                   strides: Array(repeating: s, count: spatial))
                shape = [shape[0]] + shape.dropFirst().map { ($0 - k) / s + 1 }
                layers.append(pool)
            case "globalmaxpool", "globalavgpool":
                guard args.isEmpty else { throw fail(item, "\(item.name) takes no arguments") }
                guard shape.count >= 2 else { throw fail(item, "global pooling needs [channels, spatial...] inputs, got \(shape)") }
                layers.append(GlobalPooling(item.name == "globalmaxpool" ? .maximum : .average))
                shape = [shape[0]]
            case "dropout":
                guard args.count == 1 else { throw fail(item, "use dropout(RATE)") }
                let p = try double(item, args[0], "rate")
                guard p >= 0 && p < 1 else { throw fail(item, "rate must be in [0, 1)") }
                layers.append(Dropout(rate: p))
            case "batchnorm":
                guard args.isEmpty, !shape.isEmpty else { throw fail(item, "use batchnorm on inputs with features") }
                try admit(item, parameters: try product(item, [shape[0], 4]), values: try product(item, shape))
                layers.append(BatchNorm(features: shape[0]))
            case "layernorm":
                guard args.isEmpty, !shape.isEmpty else { throw fail(item, "use layernorm on inputs with features") }
                try admit(item, parameters: try product(item, [shape[shape.count - 1], 2]), values: try product(item, shape))
                layers.append(LayerNorm(features: shape[shape.count - 1]))
            case "flatten":
                guard args.isEmpty else { throw fail(item, "flatten takes no arguments") }
                layers.append(Flatten())
                shape = [try product(item, shape)]
            case "fourier":
                guard args.count == 2, shape.count == 1 else { throw fail(item, "use fourier(FEATURES,SIGMA) on flat inputs") }
                let m = try int(item, args[0], "features")
                try admit(item, parameters: try product(item, [shape[0], m]), values: try product(item, [m, 2]))
                layers.append(FourierFeatures(inputSize: shape[0], features: m, sigma: try double(item, args[1], "sigma"), using: &rng))
                shape = [2 * m]
            case let name where factories.contains(where: { $0.names.contains(name) }):
                let factory = factories.first { $0.names.contains(name) }!
                let plan = try factory.plan(LayerRequest(name: name, arguments: args, text: item.text, inputShape: shape, imageShape: imageShape))
                try admit(item, parameters: plan.parameters, values: plan.valuesPerExample)
                layers += plan.make(&rng)
                shape = plan.outputShape
            default:
                guard args.isEmpty, let activation = Activation(name: item.name) else {
                    throw fail(item, "unknown layer (known: dense, conv, maxpool, avgpool, globalmaxpool, globalavgpool, dropout, batchnorm, layernorm, flatten, fourier, \(factories.flatMap(\.names).map { $0 + ", " }.joined())and activation names)")
                }
                layers.append(ActivationLayer(activation))
            }
        }
        guard !layers.isEmpty else { throw ModelSpecificationError(reason: "no layers") }
        return (Sequential(layers), shape)
    }
}

import Foundation
