import Foundation
import InductiveKernels
import InductiveNN
import InductiveTensor
import InductiveTestSupport

/// A committed fixture archive (made once by scripts/make_kernel_fixtures.py with mpmath, or
/// scripts/make_nt_fixtures.py with neural-tangents 0.6.5).
func fixture(_ name: String) throws -> NPZArchive {
    try NPZ.read(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path)
}

/// max_ij |a - b| / |b| over entries with |b| > floor, and max |a - b| elsewhere.
func maxRelativeError(_ a: Tensor, _ b: Tensor, floor: Double = 1e-30) -> Double {
    precondition(a.shape == b.shape, "maxRelativeError: \(a.shape) vs \(b.shape)")
    var worst = 0.0
    for (x, y) in zip(a.scalars, b.scalars) {
        let e = Swift.abs(y) > floor ? Swift.abs(x - y) / Swift.abs(y) : Swift.abs(x - y)
        worst = Swift.max(worst, e.isNaN ? .infinity : e)
    }
    return worst
}

/// The smallest eigenvalue of a symmetric matrix relative to the largest in magnitude.
func relativeMinimumEigenvalue(_ k: Tensor) throws -> Double {
    let w = try eigvalsh(k)
    return w.scalars[0] / Swift.max(Swift.abs(w.scalars[w.count - 1]), Swift.abs(w.scalars[0]))
}

/// max |K - K^T| / max |K|.
func asymmetry(_ k: Tensor) -> Double {
    (k - k.transposed()).norm(.infinity) / k.norm(.infinity)
}

/// A dense MLP with explicit sizes, NTK parameterization.
func mlp(_ sizes: [Int], activation: Activation, weightStd: Double = 1.5, biasStd: Double = 0.2, useBias: Bool = true,
         seed: UInt64) -> Sequential {
    var rng = RandomGenerator(seed: seed)
    var layers: [any Layer] = []
    for l in 0..<(sizes.count - 1) {
        layers.append(Dense(inputSize: sizes[l], outputSize: sizes[l + 1], activation: l < sizes.count - 2 ? activation : .identity,
                            parameterization: .ntk(weightStd: weightStd, biasStd: biasStd), useBias: useBias, using: &rng))
    }
    return Sequential(layers)
}
