import CKernels
import Foundation

// Elementwise functions (free functions, as in NumPy), comparisons and selection.

/// Parts of libm calls and exp are split from this many elements on (cheap ones: the
/// default of `mapParallel`, see `Parallel`).
private let costly = Parallel.minimumElementsPerPart

/// e^x elementwise (vectorized, and split over the cores for large tensors; within 2 ulp of
/// libm's `exp`, and each element's bits do not depend on the split).
public func exp(_ x: Tensor) -> Tensor {
    Tensor(shape: x.shape) { out in
        x.withUnsafeBufferPointer { p in
            guard let src = p.baseAddress, let dst = out.baseAddress else { return }
            Parallel.forEachRange(count: p.count) { r in
                inductive_exp(src + r.lowerBound, dst + r.lowerBound, r.count)
            }
        }
    }
}
/// Natural logarithm elementwise (NaN for negative inputs, -inf at 0).
public func log(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.log($0) } }
/// log(1 + x) elementwise, accurate for small |x|.
public func log1p(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.log1p($0) } }
/// e^x - 1 elementwise, accurate for small |x|.
public func expm1(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.expm1($0) } }
/// Square root elementwise.
public func sqrt(_ x: Tensor) -> Tensor { x.mapParallel { $0.squareRoot() } }
/// x^2 elementwise.
public func square(_ x: Tensor) -> Tensor { x.mapParallel { $0 * $0 } }
/// |x| elementwise.
public func abs(_ x: Tensor) -> Tensor { x.mapParallel { Swift.abs($0) } }
/// sign(x) in {-1, 0, 1} elementwise (NaN stays NaN).
public func sign(_ x: Tensor) -> Tensor { x.mapParallel { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) } }
/// sin(x) elementwise.
public func sin(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.sin($0) } }
/// cos(x) elementwise.
public func cos(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.cos($0) } }
/// tanh(x) elementwise.
public func tanh(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.tanh($0) } }
/// erf(x) = (2 / sqrt(pi)) * integral_0^x e^(-t^2) dt elementwise.
public func erf(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly) { Foundation.erf($0) } }
/// max(x, 0) elementwise (NaN stays NaN, as in NumPy).
public func relu(_ x: Tensor) -> Tensor { x.mapParallel { !($0 <= 0) ? $0 : 0 } }  // x > 0 or NaN: one unordered compare

/// sigma(x) = 1 / (1 + e^-x), evaluated without overflow for either sign of x.
public func sigmoid(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly, scalarSigmoid) }

/// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
public func softplus(_ x: Tensor) -> Tensor { x.mapParallel(minimumPerPart: costly, scalarSoftplus) }

/// x^p elementwise for a constant exponent (fast paths for p = 2, 0.5, 1, -1).
public func pow(_ x: Tensor, _ p: Double) -> Tensor {
    switch p {
    case 1: return x
    case 2: return x.mapParallel { $0 * $0 }
    case 0.5: return x.mapParallel { $0.squareRoot() }
    case -1: return x.mapParallel { 1 / $0 }
    default: return x.mapParallel(minimumPerPart: costly) { Foundation.pow($0, p) }
    }
}

/// x^y elementwise with broadcasting.
public func pow(_ x: Tensor, _ y: Tensor) -> Tensor { Tensor.zipWith(x, y) { Foundation.pow($0, $1) } }

@inlinable
/// 1 / (1 + e^-x) for one number, without overflow for either sign of x.
public func scalarSigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

@inlinable
/// log(1 + e^x) = max(x, 0) + log1p(e^-|x|) for one number.
public func scalarSoftplus(_ x: Double) -> Double {
    Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
}

// MARK: Comparisons (1 where true, 0 where false; broadcasting)

extension Tensor {
    /// Elementwise comparisons with broadcasting, 1 where true and 0 where false
    /// (`.==`, `.!=`, `.<`, `.<=`, `.>`, `.>=`; with a number on the right too).
    public static func .== (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b) { $0 == $1 ? 1 : 0 } }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b) { $0 != $1 ? 1 : 0 } }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b) { $0 < $1 ? 1 : 0 } }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b) { $0 <= $1 ? 1 : 0 } }
    public static func .> (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b) { $0 > $1 ? 1 : 0 } }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { zipWith(a, b) { $0 >= $1 ? 1 : 0 } }
    public static func .==(a: Tensor, b: Double) -> Tensor { let y = b; return a.map { $0 == y ? 1 : 0 } }
    public static func .<(a: Tensor, b: Double) -> Tensor { let y = b; return a.map { $0 < y ? 1 : 0 } }
    public static func .<=(a: Tensor, b: Double) -> Tensor { let y = b; return a.map { $0 <= y ? 1 : 0 } }
    public static func .>(a: Tensor, b: Double) -> Tensor { let y = b; return a.map { $0 > y ? 1 : 0 } }
    public static func .>=(a: Tensor, b: Double) -> Tensor { let y = b; return a.map { $0 >= y ? 1 : 0 } }

    /// `self * (condition > 0 ? 1 : 0)` elementwise: this tensor masked by the positive entries
    /// of `condition` (the product with relu's derivative at `condition`), broadcast with
    /// NumPy's rules, in one pass without a mask tensor (`Tensor.apply`'s fast paths: equal
    /// shapes, a scalar, a repeated row; split over the cores for large tensors). The same
    /// bits as `self * (condition .> 0)` (x * 1 and x * 0 as IEEE products: -0 for negative x,
    /// NaN for NaN). O(count).
    public func keepingWherePositive(_ condition: Tensor) -> Tensor {
        Tensor.apply(self, condition, MaskPositiveKernel.self)
    }

    /// `condition != 0 ? a : b` elementwise, all three broadcast together (NumPy `where`).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        zipWith(condition, a, b) { c, x, y in c != 0 ? x : y }
    }

    /// True when shapes are equal and every pair of elements satisfies
    /// |a - b| <= atol + rtol * |b| (NumPy `allclose`); NaNs are never close.
    public func isClose(to other: Tensor, rtol: Double = 1e-9, atol: Double = 0) -> Bool {
        guard shape == other.shape else { return false }
        for (x, y) in zip(scalars, other.scalars) where !(Swift.abs(x - y) <= atol + rtol * Swift.abs(y)) {
            return false
        }
        return true
    }
}
