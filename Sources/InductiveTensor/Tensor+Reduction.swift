import Foundation

// Reductions over any set of axes, with or without keeping reduced axes as extent 1.

extension Tensor {
    /// The shape after reducing `axes` (normalized, sorted) with or without keepDims.
    public func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        var out: [Int] = []
        for (i, s) in shape.enumerated() {
            if axes.contains(i) { if keepDims { out.append(1) } } else { out.append(s) }
        }
        return out
    }

    /// Normalized (non-negative), de-duplicated, sorted axes; nil means every axis.
    public func normalizedAxes(_ axes: [Int]?) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(axes.map { Tensor.normalizeAxis($0, rank: rank) })).sorted()
    }

    /// Generic fold: `out[j] = combine(... combine(initial, x_1) ..., x_k)` over the
    /// elements `x` that reduce into output position `j`, in row-major order.
    @inlinable
    func fold(axes: [Int]?, keepDims: Bool, initial: Double, _ combine: (Double, Double) -> Double) -> Tensor {
        let axes = normalizedAxes(axes)
        let outKeep = reducedShape(axes, keepDims: true)
        let outShape = reducedShape(axes, keepDims: keepDims)
        var outStrides = Tensor.contiguousStrides(outKeep)
        for a in axes { outStrides[a] = 0 }
        var result = [Double](repeating: initial, count: Tensor.elementCount(outShape))
        result.withUnsafeMutableBufferPointer { out in
            scalars.withUnsafeBufferPointer { src in
                var i = 0
                forEachRow(shape: shape, strides: [strides, outStrides], offsets: [0, 0]) { offs, n, inner in
                    var o = offs[1]
                    if inner[1] == 0 {
                        var acc = out[o]
                        for k in 0..<n { acc = combine(acc, src[i + k]) }
                        out[o] = acc
                    } else {
                        let so = inner[1]
                        for k in 0..<n {
                            out[o] = combine(out[o], src[i + k])
                            o += so
                        }
                    }
                    i += n
                }
            }
        }
        return Tensor(shape: outShape, scalars: result)
    }

    /// Sum over `axes` (all when nil).
    ///
    /// Sums over leading axes only (column sums, e.g. a bias gradient over a batch) take a
    /// fast path: rows added as vectors into the result, column ranges split over the cores
    /// for large tensors; each output element is still the sum of its inputs added one by one
    /// in row order, as in the general path, so the bits are the same.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        if axes == nil && !keepDims { return Tensor(sumAll()) }
        let normalized = normalizedAxes(axes)
        if let last = normalized.last, normalized.count == last + 1, last + 1 < rank, count > 0 {
            return sumLeadingAxes(last + 1, keepDims: keepDims)
        }
        return fold(axes: normalized, keepDims: keepDims, initial: 0, +)
    }

    /// Sum over the first `k` axes (0 < k < rank, count > 0): out[j] = ((0 + x[0, j]) + x[1, j]) + ...
    private func sumLeadingAxes(_ k: Int, keepDims: Bool) -> Tensor {
        let columns = shape[k...].reduce(1, *)
        let rows = count / columns
        let parts = Swift.min(Parallel.parts(count: count, minimumPerPart: Parallel.minimumCheapElementsPerPart),
                              Swift.max(1, columns / 64))
        return Tensor(shape: reducedShape(Array(0..<k), keepDims: keepDims)) { out in
            scalars.withUnsafeBufferPointer { p in
                guard let x = p.baseAddress, let z = out.baseAddress else { return }
                Parallel.forEachRange(count: columns, parts: parts) { range in
                    let start = range.lowerBound, width = range.count
                    let zc = z + start
                    for j in 0..<width { zc[j] = 0 }
                    for r in 0..<rows {
                        let xr = x + r * columns + start
                        for j in 0..<width { zc[j] += xr[j] }
                    }
                }
            }
        }
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Sum of all elements, with four interleaved accumulators (faster, and a smaller
    /// rounding error than one running sum); above `Parallel.sumChunk` elements, chunk by
    /// chunk (the chunks split over the cores) in an order that does not depend on the
    /// number of threads (see `Parallel.chunkedSum`).
    public func sumAll() -> Double {
        scalars.withUnsafeBufferPointer { Parallel.chunkedSum($0) }
    }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axesN = normalizedAxes(axes)
        let n = axesN.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) / Double(n)
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes`: sum (x - mean)^2 / (n - correction); two passes for accuracy.
    /// `correction = 1` gives the unbiased sample variance.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, correction: Int = 0) -> Tensor {
        let axesN = normalizedAxes(axes)
        let n = axesN.reduce(1) { $0 * shape[$1] }
        let m = mean(axes: axesN, keepDims: true)
        let centered = self - m
        return (centered * centered).sum(axes: axesN, keepDims: keepDims) / Double(n - correction)
    }

    /// Standard deviation over `axes` (square root of `variance`).
    public func standardDeviation(axes: [Int]? = nil, keepDims: Bool = false, correction: Int = 0) -> Tensor {
        sqrt(variance(axes: axes, keepDims: keepDims, correction: correction))
    }

    /// Maximum over `axes`; NaN if any reduced element is NaN (as NumPy `max`).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        precondition(count > 0, "max of an empty tensor")
        return fold(axes: axes, keepDims: keepDims, initial: -.infinity) { a, x in
            (a.isNaN || x.isNaN) ? .nan : Swift.max(a, x)
        }
    }

    /// Minimum over `axes`; NaN if any reduced element is NaN.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        precondition(count > 0, "min of an empty tensor")
        return fold(axes: axes, keepDims: keepDims, initial: .infinity) { a, x in
            (a.isNaN || x.isNaN) ? .nan : Swift.min(a, x)
        }
    }

    /// Largest element (NaN if any is NaN).
    public func maxAll() -> Double { max().scalar }
    /// Smallest element (NaN if any is NaN).
    public func minAll() -> Double { min().scalar }

    /// Flat index of the first maximal element (of the first NaN, if any).
    public func argmax() -> Int {
        precondition(count > 0, "argmax of an empty tensor")
        var best = 0
        for i in 0..<count {
            let x = scalars[i]
            if x.isNaN { return i }
            if x > scalars[best] { best = i }
        }
        return best
    }

    /// Flat index of the first minimal element (of the first NaN, if any).
    public func argmin() -> Int { (-self).argmax() }

    /// Indices (as `Double`) of the first maximum along `axis`; the axis is removed.
    public func argmax(axis: Int) -> Tensor {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        let moved = movingAxisToEnd(a)
        let n = shape[a]
        precondition(n > 0, "argmax along an empty axis")
        let rows = moved.count / n
        var out = [Double](repeating: 0, count: rows)
        moved.scalars.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                var best = 0
                for k in 0..<n {
                    let x = p[r * n + k]
                    if x.isNaN { best = k; break }
                    if x > p[r * n + best] { best = k }
                }
                out[r] = Double(best)
            }
        }
        var outShape = shape
        outShape.remove(at: a)
        return Tensor(shape: outShape, scalars: out)
    }

    /// Indices (as `Double`) of the first minimum along `axis`; the axis is removed.
    public func argmin(axis: Int) -> Tensor { (-self).argmax(axis: axis) }

    /// log(sum(exp(x))) over `axes`, computed as m + log(sum(exp(x - m))) with m the max,
    /// so it neither overflows nor underflows; -inf when every element is -inf.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axesN = normalizedAxes(axes)
        let m = max(axes: axesN, keepDims: true).map { $0.isFinite ? $0 : ($0.isNaN ? $0 : 0) }
        let s = exp(self - m).sum(axes: axesN, keepDims: true)
        let r = log(s) + m
        return keepDims ? r : r.reshaped(reducedShape(axesN, keepDims: false))
    }

    /// The product of the elements (1 for an empty tensor).
    public func productAll() -> Double { scalars.reduce(1, *) }

    /// Moves axis `a` to the last position (contiguous copy unless already last).
    func movingAxisToEnd(_ a: Int) -> Tensor {
        if a == rank - 1 { return self }
        var order = Array(0..<rank)
        order.remove(at: a)
        order.append(a)
        return permuted(order)
    }
}

/// Which norm `Tensor.norm(_:)` computes.
public enum Norm: Sendable {
    /// Sum of absolute values of all elements.
    case l1
    /// Euclidean norm of all elements (for a matrix, the same as `frobenius`).
    case l2
    /// sqrt(sum of squares) of all elements.
    case frobenius
    /// Largest absolute value.
    case infinity
    /// Sum of singular values of a matrix (trace norm).
    case nuclear
    /// Largest singular value of a matrix (spectral norm, `ord=2` in NumPy).
    case `operator`
}

extension Tensor {
    /// A norm of this tensor; `.nuclear` and `.operator` need a matrix and use the SVD
    /// (O(mn min(m, n))); they return NaN if the SVD fails (e.g. NaN input).
    public func norm(_ kind: Norm = .l2) -> Double {
        switch kind {
        case .l1: return scalars.reduce(0) { $0 + Swift.abs($1) }
        case .l2, .frobenius: return BLAS.nrm2(scalars)
        case .infinity: return scalars.reduce(0) { ($0.isNaN || $1.isNaN) ? .nan : Swift.max($0, Swift.abs($1)) }
        case .nuclear, .operator:
            precondition(rank == 2, "norm(.\(kind)): expected a matrix, got shape \(shape)")
            guard let s = try? singularValues(self) else { return .nan }
            return kind == .nuclear ? s.sumAll() : (s.scalars.first ?? 0)
        }
    }

    /// Euclidean norm along `axes`: sqrt(sum x^2).
    public func norm(axes: [Int], keepDims: Bool = false) -> Tensor {
        sqrt((self * self).sum(axes: axes, keepDims: keepDims))
    }
}
