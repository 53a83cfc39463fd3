import Foundation
import InductiveTensor

/// A linear network: weights w whose end-to-end map is a linear predictor beta = P(w), so
/// that f(x) = <x, beta>. Trained on separable data with the exponential loss, its direction
/// beta / ||beta|| converges to a max-margin separator that depends on the architecture
/// (Gunasekar et al. 2018): the l2 hard-margin SVM for fully connected nets of every depth,
/// the minimum Fourier-l1 margin separator for 2-layer circular convolutional nets.
public struct LinearNetwork: Sendable, Equatable {
    /// How the weights compose into the predictor.
    public enum Architecture: Sendable, Equatable {
        /// L layers: beta = W_1 W_2 ... W_{L-1} w_L with W_k [d, d] and w_L [d] (L = 1: beta = w_1).
        case fullyConnected(layers: Int)
        /// Two layers: a circular convolution with a full-width filter w_1 [d] followed by a fully
        /// connected layer w_2 [d], f(x) = sum_i w_2[i] sum_k w_1[k] x[(i + k) mod d], so
        /// beta[j] = sum_i w_2[i] w_1[(j - i) mod d] (beta = w_1 circularly convolved with w_2;
        /// in Fourier space beta_hat = w_1_hat * w_2_hat).
        case circularConvolution
    }

    public var architecture: Architecture
    /// The weights, in layer order (shapes as in `Architecture`).
    public var weights: [Tensor]

    /// Weights with N(0, initScale^2 / d) entries (per layer), for inputs of dimension d.
    public init(architecture: Architecture, inputSize d: Int, initScale: Double, using rng: inout RandomGenerator) {
        precondition(d >= 1 && initScale > 0, "LinearNetwork: need inputSize >= 1 and initScale > 0")
        let std = initScale / Double(d).squareRoot()
        switch architecture {
        case .fullyConnected(let layers):
            precondition(layers >= 1, "LinearNetwork: need at least one layer")
            weights = (0..<layers - 1).map { _ in Tensor.randomNormal([d, d], std: std, using: &rng) }
            weights.append(Tensor.randomNormal([d], std: std, using: &rng))
        case .circularConvolution:
            weights = [Tensor.randomNormal([d], std: std, using: &rng), Tensor.randomNormal([d], std: std, using: &rng)]
        }
        self.architecture = architecture
    }

    /// Wraps given weights (shapes as in `Architecture`).
    public init(architecture: Architecture, weights: [Tensor]) {
        let d = weights.last?.count ?? 0
        switch architecture {
        case .fullyConnected(let layers):
            precondition(layers >= 1 && weights.count == layers && weights.last!.shape == [d] && weights.dropLast().allSatisfy { $0.shape == [d, d] },
                         "LinearNetwork: \(layers) layers need \(layers - 1) matrices [d, d] and a vector [d], got shapes \(weights.map(\.shape))")
        case .circularConvolution:
            precondition(weights.count == 2 && weights[0].shape == [d] && weights[1].shape == [d],
                         "LinearNetwork: the convolutional net needs two vectors [d], got shapes \(weights.map(\.shape))")
        }
        self.architecture = architecture
        self.weights = weights
    }

    /// The end-to-end linear predictor beta = P(w), shape [d]. Cost O(L d^2) (fully
    /// connected) or O(d^2) (convolutional).
    public var predictor: Tensor {
        switch architecture {
        case .fullyConnected:
            var beta = weights.last!
            for w in weights.dropLast().reversed() { beta = matmul(w, beta) }
            return beta
        case .circularConvolution:
            return Self.circularConvolution(weights[0], weights[1])
        }
    }

    /// c[j] = sum_i a[i] b[(j - i) mod d]: O(d^2).
    static func circularConvolution(_ a: Tensor, _ b: Tensor) -> Tensor {
        let d = a.count, x = a.scalars, y = b.scalars
        var c = [Double](repeating: 0, count: d)
        for i in 0..<d where x[i] != 0 {
            for j in 0..<d { c[(i + j) % d] += x[i] * y[j] }
        }
        return Tensor(c)
    }

    /// c[m] = sum_j g[j] b[(j - m) mod d] (the adjoint of a -> a circularly convolved with b).
    static func circularCorrelation(_ g: Tensor, _ b: Tensor) -> Tensor {
        let d = g.count, x = g.scalars, y = b.scalars
        var c = [Double](repeating: 0, count: d)
        for m in 0..<d {
            var s = 0.0
            for j in 0..<d { s += x[j] * y[(j - m + d) % d] }
            c[m] = s
        }
        return Tensor(c)
    }

    /// The gradient with respect to each weight of a loss whose gradient with respect to the
    /// predictor is `g` [d] (the chain rule through P: grad_w = (dP/dw)^T g).
    /// Fully connected: grad W_k = (W_1 ... W_{k-1})^T g (W_{k+1} ... w_L)^T.
    /// Convolutional: grad w_1[m] = sum_j g[j] w_2[(j - m) mod d], and symmetrically for w_2.
    public func weightGradients(predictorGradient g: Tensor) -> [Tensor] {
        switch architecture {
        case .fullyConnected:
            let layers = weights.count
            // left[k] = (W_1 ... W_{k-1})^T g, right[k] = W_{k+1} ... w_L.
            var left = [g]
            for k in 0..<(layers - 1) { left.append(matmul(weights[k], left[k], transposeA: true)) }
            var right = [Tensor](repeating: weights[layers - 1], count: layers)
            if layers >= 3 {
                for k in stride(from: layers - 3, through: 0, by: -1) { right[k] = matmul(weights[k + 1], right[k + 1]) }
            }
            return (0..<layers).map { k in k == layers - 1 ? left[k] : outer(left[k], right[k]) }
        case .circularConvolution:
            return [Self.circularCorrelation(g, weights[1]), Self.circularCorrelation(g, weights[0])]
        }
    }
}

/// How the step size of `exponentialLossDescent` is chosen.
public enum MarginStepRule: Sendable, Equatable {
    /// w <- w - eta grad L(w).
    case constant
    /// w <- w - eta grad L(w) / L(w) = w - eta grad log L(w): the steps grow as the loss
    /// falls (Nacson et al. 2019); for a linear model the margin then converges like 1/t
    /// instead of 1/log t. Computed in log space, so it neither overflows nor underflows.
    case lossNormalized
    /// w <- w - eta grad L(w) / ||grad L(w)|| (norm over all weights): steps of fixed length.
    /// For deep (L-homogeneous, L >= 2) nets the loss-normalized gradient grows like
    /// ||w||^(L-1) and those steps diverge; fixed-length steps stay stable while the weights
    /// grow, and the direction still converges.
    case gradientNormalized
}

/// Gradient descent on the exponential loss L(w) = sum_n exp(-y_n <x_n, P(w)>) of a linear
/// network on (separable) data, run for `steps` steps.
///
/// - Shapes: x [N, d], labels y [N] of +1/-1; the network's input size d.
/// - Cost per step: O(N d) plus the network's forward and backward products.
/// - `observe(step, network)` is called after each step (and at step 0); returning false stops.
/// - Numerics: margins m_n = y_n <x_n, beta> and grad_beta L = -sum_n exp(-m_n) y_n x_n are
///   formed with the smallest margin factored out, so the normalized rule never overflows.
public func exponentialLossDescent(
    _ network: LinearNetwork, x: Tensor, y: Tensor, learningRate: Double, steps: Int, rule: MarginStepRule = .lossNormalized,
    observe: (Int, LinearNetwork) -> Bool = { _, _ in true }
) -> LinearNetwork {
    precondition(x.rank == 2 && y.rank == 1 && y.count == x.shape[0],
                 "exponentialLossDescent: need x [N, d] and y [N], got \(x.shape) and \(y.shape)")
    precondition(y.scalars.allSatisfy { $0 == 1 || $0 == -1 }, "exponentialLossDescent: labels must be +1 or -1")
    precondition(learningRate > 0 && steps >= 0, "exponentialLossDescent: need a positive learning rate and steps >= 0")
    let samples = x.shape[0]
    let z = x * y.reshaped([samples, 1])
    var net = network
    guard observe(0, net) else { return net }
    var step = 0
    while step < steps {
        step += 1
        let margins = matmul(z, net.predictor)
        let smallest = margins.minAll()
        let weights = margins.map { Foundation.exp(-($0 - smallest)) }
        // grad_beta log L = -sum_n w_n z_n / sum_n w_n; grad_beta L = exp(-smallest) * (-sum_n w_n z_n).
        var g = matmul(z, weights, transposeA: true) * -1
        switch rule {
        case .constant: g = g * Foundation.exp(-smallest)
        case .lossNormalized, .gradientNormalized: g = g / weights.sumAll()
        }
        let grads = net.weightGradients(predictorGradient: g)
        var scale = learningRate
        if rule == .gradientNormalized {
            let norm = grads.reduce(0.0) { $0 + $1.norm() * $1.norm() }.squareRoot()
            scale = norm > 0 ? learningRate / norm : 0
        }
        for k in net.weights.indices { net.weights[k] -= grads[k] * scale }
        guard observe(step, net) else { break }
    }
    return net
}

/// cos(a, b) = <a, b> / (||a|| ||b||) for vectors of one shape (0 if either is zero).
public func cosineSimilarity(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.shape == b.shape, "cosineSimilarity: shapes differ, \(a.shape) and \(b.shape)")
    let denominator = a.norm() * b.norm()
    return denominator > 0 ? dot(a, b) / denominator : 0
}
