import InductiveAutodiff
import InductiveNN
import InductiveTensor

/// How a set is summarized: sum, mean or maximum over its elements (all invariant to the
/// order of the elements).
public enum SetPoolingKind: String, Sendable, CaseIterable {
    case sum, mean, maximum

    func pool(_ x: Variable, axis: Int, keepDims: Bool) -> Variable {
        switch self {
        case .sum: return x.sum(axes: [axis], keepDims: keepDims)
        case .mean: return x.mean(axes: [axis], keepDims: keepDims)
        case .maximum: return x.max(axes: [axis], keepDims: keepDims)
        }
    }
}

/// The permutation-equivariant layer of DeepSets (Zaheer et al. 2017, Lemma 3) with feature
/// channels: for a set X [batch, n, d_in] (n elements of d_in features),
/// Y = act(X Λ + 1 pool(X) Γ + 1 bᵀ), Λ, Γ [d_in, d_out], b [d_out].
///
/// With d_in = d_out = 1 and sum pooling this is Θ = λ I + γ 11ᵀ acting on x ∈ R^n, the only
/// linear maps commuting with every permutation. Works for any set size n.
/// Cost O(batch n d_in d_out).
public struct PermutationEquivariant: Layer {
    /// Λ [d_in, d_out], the per-element weight (λ for scalars).
    public var lambda: Tensor
    /// Γ [d_in, d_out], the weight of the pooled set (γ for scalars).
    public var gamma: Tensor
    /// b [d_out] (nil: none).
    public var bias: Tensor?
    public var pooling: SetPoolingKind
    public var activation: Activation

    /// Λ and Γ with entries N(0, 1 / (2 d_in)) (so the output variance is about the input's
    /// for sum pooling of small sets), zero bias.
    public init(inputFeatures: Int, outputFeatures: Int, pooling: SetPoolingKind = .sum, activation: Activation = .identity,
                useBias: Bool = true, using rng: inout RandomGenerator) {
        let scale = (1 / (2 * Double(inputFeatures))).squareRoot()
        lambda = scale * Tensor.randomNormal([inputFeatures, outputFeatures], using: &rng)
        gamma = scale * Tensor.randomNormal([inputFeatures, outputFeatures], using: &rng)
        bias = useBias ? Tensor.zeros([outputFeatures]) : nil
        self.pooling = pooling
        self.activation = activation
    }

    /// A layer from given tensors.
    public init(lambda: Tensor, gamma: Tensor, bias: Tensor?, pooling: SetPoolingKind = .sum, activation: Activation = .identity) {
        precondition(lambda.rank == 2 && lambda.shape == gamma.shape, "PermutationEquivariant: Λ and Γ must be [d_in, d_out]")
        self.lambda = lambda
        self.gamma = gamma
        self.bias = bias
        self.pooling = pooling
        self.activation = activation
    }

    public var parameters: [Tensor] {
        get { [lambda, gamma] + (bias.map { [$0] } ?? []) }
        set {
            precondition(newValue.count == (bias == nil ? 2 : 3) && newValue[0].shape == lambda.shape && newValue[1].shape == gamma.shape,
                         "PermutationEquivariant: wrong parameters")
            lambda = newValue[0]
            gamma = newValue[1]
            if bias != nil { bias = newValue[2] }
        }
    }
    public var parameterNames: [String] { ["lambda", "gamma"] + (bias == nil ? [] : ["bias"]) }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        let din = lambda.shape[0], dout = lambda.shape[1]
        precondition(x.rank == 3 && x.shape[2] == din, "PermutationEquivariant: input \(x.shape), expected [batch, n, \(din)]")
        let batch = x.shape[0], n = x.shape[1]
        let p = Array(parameters)
        let own = matmul(x.reshaped([batch * n, din]), p[0]).reshaped([batch, n, dout])
        let pooled = matmul(pooling.pool(x, axis: 1, keepDims: false), p[1]).reshaped([batch, 1, dout])
        var y = own + pooled
        if p.count > 2 { y = y + p[2] }
        return activation(y)
    }
}

/// Pooling over the elements of a set: [batch, n, d] → [batch, d]; invariant to permutations.
public struct SetPooling: Layer {
    public let kind: SetPoolingKind
    /// A pooling layer over the set's elements by `kind` (default: the sum, as in DeepSets).
    public init(_ kind: SetPoolingKind = .sum) { self.kind = kind }
    public var parameters: [Tensor] {
        get { [] }
        set { precondition(newValue.isEmpty, "SetPooling has no parameters") }
    }
    public var parameterNames: [String] { [] }
    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        precondition(x.rank == 3, "SetPooling: input \(x.shape), expected [batch, n, features]")
        return kind.pool(x, axis: 1, keepDims: false)
    }
}
