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
        set { distribute(newValue, to: \.parameters, what: "parameters") }
    }

    public var parameterNames: [String] {
        layers.enumerated().flatMap { i, l in l.parameterNames.map { "\(i).\($0)" } }
    }

    public var state: [Tensor] {
        get { layers.flatMap(\.state) }
        set { distribute(newValue, to: \.state, what: "state tensors") }
    }

    public var stateNames: [String] {
        layers.enumerated().flatMap { i, l in l.stateNames.map { "\(i).\($0)" } }
    }

    /// Splits the concatenation `tensors` back into the layers' `property`, in order.
    private mutating func distribute(_ tensors: [Tensor], to property: WritableKeyPath<any Layer, [Tensor]>,
                                     what: String) {
        var offset = 0
        for i in layers.indices {
            let n = layers[i][keyPath: property].count
            precondition(offset + n <= tensors.count, "Sequential: too few \(what) (\(tensors.count))")
            layers[i][keyPath: property] = Array(tensors[offset..<(offset + n)])
            offset += n
        }
        precondition(offset == tensors.count, "Sequential: \(tensors.count) \(what) for \(offset)")
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
