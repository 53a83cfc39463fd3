import Foundation

// Elementwise arithmetic with NumPy broadcasting. Scalars (`Double`) broadcast everywhere.

extension Tensor {
    /// Elementwise a + b with NumPy broadcasting (likewise -, *, / below). Cost: one pass over the result.
    @inlinable public static func + (a: Tensor, b: Tensor) -> Tensor { apply(a, b, AddKernel.self) }
    @inlinable public static func - (a: Tensor, b: Tensor) -> Tensor { apply(a, b, SubtractKernel.self) }
    @inlinable public static func * (a: Tensor, b: Tensor) -> Tensor { apply(a, b, MultiplyKernel.self) }
    @inlinable public static func / (a: Tensor, b: Tensor) -> Tensor { apply(a, b, DivideKernel.self) }

    /// Elementwise with a number on either side (the number broadcasts).
    @inlinable public static func +(a: Tensor, b: Double) -> Tensor { let y = b; return a.mapParallel { $0 + y } }
    @inlinable public static func -(a: Tensor, b: Double) -> Tensor { let y = b; return a.mapParallel { $0 - y } }
    @inlinable public static func *(a: Tensor, b: Double) -> Tensor { let y = b; return a.mapParallel { $0 * y } }
    @inlinable public static func /(a: Tensor, b: Double) -> Tensor { let y = b; return a.mapParallel { $0 / y } }
    @inlinable public static func +(a: Double, b: Tensor) -> Tensor { let x = a; return b.mapParallel { x + $0 } }
    @inlinable public static func -(a: Double, b: Tensor) -> Tensor { let x = a; return b.mapParallel { x - $0 } }
    @inlinable public static func *(a: Double, b: Tensor) -> Tensor { let x = a; return b.mapParallel { x * $0 } }
    @inlinable public static func /(a: Double, b: Tensor) -> Tensor { let x = a; return b.mapParallel { x / $0 } }

    /// Elementwise negation.
    @inlinable public static prefix func - (a: Tensor) -> Tensor { a.mapParallel { -$0 } }

    /// In place `a += b`; `b` must broadcast to `a`'s shape. Equal shapes and scalars
    /// update the storage without a temporary.
    @inlinable
    public static func += (a: inout Tensor, b: Tensor) {
        if a.shape == b.shape {
            a.updateParallel(with: b) { $0 + $1 }
        } else {
            let r = a + b
            precondition(r.shape == a.shape, "+=: shape \(b.shape) does not broadcast into \(a.shape)")
            a = r
        }
    }

    @inlinable
    /// In place `a -= b`; `b` must broadcast to `a`'s shape.
    public static func -= (a: inout Tensor, b: Tensor) {
        if a.shape == b.shape {
            a.updateParallel(with: b) { $0 - $1 }
        } else {
            let r = a - b
            precondition(r.shape == a.shape, "-=: shape \(b.shape) does not broadcast into \(a.shape)")
            a = r
        }
    }

    @inlinable
    /// In place `a *= b` (broadcasting into `a`'s shape).
    public static func *= (a: inout Tensor, b: Tensor) {
        if a.shape == b.shape {
            a.updateParallel(with: b) { $0 * $1 }
            return
        }
        let r = a * b
        precondition(r.shape == a.shape, "*=: shape \(b.shape) does not broadcast into \(a.shape)")
        a = r
    }

    @inlinable
    /// In place `a /= b` (broadcasting into `a`'s shape).
    public static func /= (a: inout Tensor, b: Tensor) {
        if a.shape == b.shape {
            a.updateParallel(with: b) { $0 / $1 }
            return
        }
        let r = a / b
        precondition(r.shape == a.shape, "/=: shape \(b.shape) does not broadcast into \(a.shape)")
        a = r
    }

    @inlinable
    /// Scales every element in place.
    public static func *=(a: inout Tensor, b: Double) {
        let y = b
        a.updateParallel { $0 * y }
    }

    @inlinable
    /// Adds a number to every element in place.
    public static func +=(a: inout Tensor, b: Double) {
        let y = b
        a.updateParallel { $0 + y }
    }

    /// `self += alpha * x` for equal shapes (BLAS-1 `axpy`, but each element rounded as
    /// `self + (alpha * x)`, no fused multiply-add), without a temporary. The loop is written
    /// out rather than passed as a closure to the core split, so that it is vectorized.
    @inlinable
    public mutating func addScaled(_ x: Tensor, _ alpha: Double) {
        precondition(x.shape == shape, "addScaled: shapes \(shape) and \(x.shape) differ")
        _scalars.withUnsafeMutableBufferPointer { p in
            x._scalars.withUnsafeBufferPointer { q in
                guard let z = p.baseAddress, let y = q.baseAddress else { return }
                Parallel.forEachRange(count: p.count, minimumPerPart: Parallel.minimumCheapElementsPerPart) { r in
                    for i in r { z[i] = z[i] + alpha * y[i] }
                }
            }
        }
    }

    /// `self[i] = op(self[i], other[i])` for equal shapes, in place: no new buffer (the
    /// storage is copied first only if it is shared with another tensor). O(count); large
    /// tensors are split over the cores, hence `op` is `@Sendable` (a pure function of its
    /// arguments); each element gets the same bits as `Tensor.zipWith(self, other, op)`.
    @inlinable
    public mutating func updateElements(with other: Tensor, _ op: @Sendable (Double, Double) -> Double) {
        precondition(other.shape == shape, "updateElements: shapes \(shape) and \(other.shape) differ")
        updateParallel(with: other, op)
    }

    /// Elementwise `min(max(x, low), high)`. NaN stays NaN.
    public func clamped(min low: Double = -.infinity, max high: Double = .infinity) -> Tensor {
        precondition(low <= high, "clamped: min \(low) > max \(high)")
        return map { $0.isNaN ? $0 : Swift.min(Swift.max($0, low), high) }
    }

    /// Elementwise clamp with tensor bounds (broadcast).
    public func clamped(lower low: Tensor, upper high: Tensor) -> Tensor {
        Tensor.zipWith(self, low, high) { x, l, h in x.isNaN ? x : Swift.min(Swift.max(x, l), h) }
    }

    /// Elementwise maximum of two tensors (broadcast); NaN propagates.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipWith(a, b) { x, y in (x.isNaN || y.isNaN) ? .nan : Swift.max(x, y) }
    }

    /// Elementwise minimum of two tensors (broadcast); NaN propagates.
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        zipWith(a, b) { x, y in (x.isNaN || y.isNaN) ? .nan : Swift.min(x, y) }
    }
}
