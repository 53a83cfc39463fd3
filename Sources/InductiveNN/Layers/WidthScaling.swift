import InductiveTensor

/// How an MLP's layers scale with the width n (Chizat, Oyallon and Bach 2019 call the two
/// regimes lazy and rich):
/// - `.ntk`: every layer (s / sqrt(fan_in)) h W + b_std b, the output O(1) at initialization;
///   training with a step of order 1 / lambda_max(NTK) moves the NTK by O(n^(-1/2)) (lazy);
/// - `.meanField`: the same hidden layers, the output layer (s / fan_in) h W + b_std b, i.e.
///   f = (1/n) sum_i a_i h_i, without an output bias (an O(1) bias would add an O(1) constant
///   to the O(1/n) kernel and cap the step, making training lazy again); with a step of order
///   1 / lambda_max(NTK) (which grows like n) the features move O(1) at every width (rich).
public enum WidthScaling: String, Sendable, Equatable, CaseIterable {
    case ntk
    case meanField

    /// An MLP with `depth` hidden layers of width `width`, activation `activation` on the
    /// hidden layers, all parameters N(0, 1) and the scales of this regime in the forward pass.
    /// Biases only when biasStd > 0. Cost to build: O(depth width^2) draws.
    public func network(inputSize: Int, width: Int, depth: Int, outputs: Int = 1, activation: Activation,
                        weightStd: Double, biasStd: Double, using rng: inout RandomGenerator) -> Sequential {
        precondition(depth >= 1 && width >= 1 && inputSize >= 1 && outputs >= 1, "WidthScaling.network: sizes must be positive")
        let sizes = [inputSize] + Array(repeating: width, count: depth) + [outputs]
        var layers: [any Layer] = []
        for l in 0...depth {
            let last = l == depth
            let parameterization: Parameterization = last && self == .meanField
                ? .meanField(weightStd: weightStd, biasStd: biasStd) : .ntk(weightStd: weightStd, biasStd: biasStd)
            layers.append(Dense(inputSize: sizes[l], outputSize: sizes[l + 1], activation: last ? .identity : activation,
                                parameterization: parameterization, useBias: biasStd > 0 && !(last && self == .meanField), using: &rng))
        }
        return Sequential(layers)
    }
}
