import Foundation
import InductiveTensor

/// How a weight tensor is drawn. fan_in and fan_out are the numbers of inputs and outputs of
/// one unit (for a convolution, channels times the kernel area).
public enum Initializer: Sendable, Equatable {
    /// All zeros.
    case zeros
    /// All equal to a constant.
    case constant(Double)
    /// N(0, std^2).
    case normal(std: Double)
    /// U(-a, a).
    case uniform(limit: Double)
    /// Glorot and Bengio (2010): N(0, gain^2 * 2 / (fan_in + fan_out)).
    case xavierNormal(gain: Double = 1)
    /// Glorot and Bengio (2010): U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).
    case xavierUniform(gain: Double = 1)
    /// He et al. (2015): N(0, 2 / fan_in).
    case heNormal
    /// He et al. (2015): U(-a, a), a = sqrt(6 / fan_in).
    case heUniform
    /// LeCun: N(0, 1 / fan_in).
    case lecunNormal
    /// A (semi-)orthogonal matrix times gain (Saxe et al. 2014): Q of the QR factorization of
    /// a Gaussian matrix, with the signs of R's diagonal folded in so Q is Haar-distributed.
    /// Tensors of rank > 2 are treated as [shape[0], rest] matrices.
    case orthogonal(gain: Double = 1)

    /// A tensor of `shape` drawn from this distribution.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .zeros: return Tensor.zeros(shape)
        case .constant(let c): return Tensor.full(shape, c)
        case .normal(let std): return Tensor.randomNormal(shape, std: std, using: &rng)
        case .uniform(let a): return Tensor.randomUniform(shape, low: -a, high: a, using: &rng)
        case .xavierNormal(let gain):
            return Tensor.randomNormal(shape, std: gain * (2 / Double(fanIn + fanOut)).squareRoot(), using: &rng)
        case .xavierUniform(let gain):
            let a = gain * (6 / Double(fanIn + fanOut)).squareRoot()
            return Tensor.randomUniform(shape, low: -a, high: a, using: &rng)
        case .heNormal: return Tensor.randomNormal(shape, std: (2 / Double(fanIn)).squareRoot(), using: &rng)
        case .heUniform:
            let a = (6 / Double(fanIn)).squareRoot()
            return Tensor.randomUniform(shape, low: -a, high: a, using: &rng)
        case .lecunNormal: return Tensor.randomNormal(shape, std: (1 / Double(fanIn)).squareRoot(), using: &rng)
        case .orthogonal(let gain):
            let rows = shape.first ?? 1
            let cols = Swift.max(1, Tensor.elementCount(shape) / Swift.max(rows, 1))
            let tall = rows >= cols
            let g = Tensor.randomNormal(tall ? [rows, cols] : [cols, rows], using: &rng)
            // QR of a finite Gaussian matrix cannot fail; a failure would be a LAPACK bug.
            guard let (q, r) = try? qr(g) else { preconditionFailure("orthogonal initializer: QR failed") }
            let signs = r.diagonalPart.map { $0 < 0 ? -1 : 1 }
            let m = q * signs
            return (tall ? m : m.transposed()).reshaped(shape) * gain
        }
    }
}
