import InductiveAutodiff
import InductiveTensor

/// Layers applied in order, y = f_k(... f_1(x)); parameters are the concatenation of the
/// layers' parameters, named "i.name".
public struct Sequential: Layer {
    /// The layers, applied first to last.
    public var layers: [any Layer]

    /// A sequence of layers.
    public init(_ layers: [any Layer]) { self.layers = layers }
    public init(_ layers: any Layer...) { self.layers = layers }

    public var parameters: [Tensor] {
        get { layers.flatMap(\.parameters) }
        set {
            var offset = 0
            for i in layers.indices {
                let n = layers[i].parameters.count
                precondition(offset + n <= newValue.count, "Sequential: too few parameters")
                layers[i].parameters = Array(newValue[offset..<(offset + n)])
                offset += n
            }
            precondition(offset == newValue.count, "Sequential: \(newValue.count) parameters for \(offset)")
        }
    }

    public var parameterNames: [String] {
        layers.enumerated().flatMap { i, l in l.parameterNames.map { "\(i).\($0)" } }
    }

    public var state: [Tensor] {
        get { layers.flatMap(\.state) }
        set {
            var offset = 0
            for i in layers.indices {
                let n = layers[i].state.count
                precondition(offset + n <= newValue.count, "Sequential: too few state tensors (\(newValue.count))")
                layers[i].state = Array(newValue[offset..<(offset + n)])
                offset += n
            }
            precondition(offset == newValue.count, "Sequential: \(newValue.count) state tensors for \(offset)")
        }
    }

    public var stateNames: [String] {
        layers.enumerated().flatMap { i, l in l.stateNames.map { "\(i).\($0)" } }
    }

    public mutating func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        var h = x
        var start = parameters.startIndex
        for i in layers.indices {
            let n = layers[i].parameters.count
            h = layers[i].forward(h, parameters: parameters[start..<(start + n)], context: &context)
            start += n
        }
        precondition(start == parameters.endIndex, "Sequential: \(parameters.count) parameters given, \(start - parameters.startIndex) used")
        return h
    }
}

/// A residual block y = x + f(x), f a sequence of layers preserving the shape.
public struct Residual: Layer {
    /// f, which must preserve the shape.
    public var body: Sequential

    public init(_ layers: any Layer...) { body = Sequential(layers) }
    public init(_ body: Sequential) { self.body = body }

    public var parameters: [Tensor] {
        get { body.parameters }
        set { body.parameters = newValue }
    }
    public var parameterNames: [String] { body.parameterNames }
    public var state: [Tensor] {
        get { body.state }
        set { body.state = newValue }
    }
    public var stateNames: [String] { body.stateNames }

    public mutating func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        let y = body.forward(x, parameters: parameters, context: &context)
        precondition(y.shape == x.shape, "Residual: body maps \(x.shape) to \(y.shape)")
        return x + y
    }
}
