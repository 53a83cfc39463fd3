// The one mechanism behind broadcasting, transposition, slicing and reductions:
// walk a shape with one stride vector per operand, the innermost axis as a tight loop.

/// A binary elementwise operation known at compile time.
public protocol BinaryKernel {
    static func apply(_ x: Double, _ y: Double) -> Double
}

@usableFromInline enum AddKernel: BinaryKernel { @inlinable static func apply(_ x: Double, _ y: Double) -> Double { x + y } }
@usableFromInline enum SubtractKernel: BinaryKernel { @inlinable static func apply(_ x: Double, _ y: Double) -> Double { x - y } }
@usableFromInline enum MultiplyKernel: BinaryKernel { @inlinable static func apply(_ x: Double, _ y: Double) -> Double { x * y } }
@usableFromInline enum DivideKernel: BinaryKernel { @inlinable static func apply(_ x: Double, _ y: Double) -> Double { x / y } }
/// x masked by y > 0 (`keepingWherePositive`).
@usableFromInline enum MaskPositiveKernel: BinaryKernel { @inlinable static func apply(_ x: Double, _ y: Double) -> Double { x * (y > 0 ? 1 : 0) } }

/// Merges adjacent axes that are contiguous for every operand and drops extent-1 axes,
/// so that e.g. a full-array walk becomes a single inner loop.
@usableFromInline
func collapseAxes(shape: [Int], strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
    var outShape: [Int] = []
    var outStrides: [[Int]] = Array(repeating: [], count: strides.count)
    for axis in 0..<shape.count where shape[axis] != 1 {
        if let last = outShape.last,
           (0..<strides.count).allSatisfy({ outStrides[$0].last! == strides[$0][axis] * shape[axis] }) {
            outShape[outShape.count - 1] = last * shape[axis]
            for k in 0..<strides.count { outStrides[k][outStrides[k].count - 1] = strides[k][axis] }
        } else {
            outShape.append(shape[axis])
            for k in 0..<strides.count { outStrides[k].append(strides[k][axis]) }
        }
    }
    return (outShape, outStrides)
}

/// Calls `body(offsets, innerCount, innerStrides)` once per innermost row of `shape`,
/// where `offsets[k]` is operand k's element offset at the start of the row.
@usableFromInline
func forEachRow(
    shape: [Int], strides: [[Int]], offsets initial: [Int],
    _ body: (_ offsets: [Int], _ innerCount: Int, _ innerStrides: [Int]) -> Void
) {
    let (shape, strides) = collapseAxes(shape: shape, strides: strides)
    let operands = strides.count
    if shape.isEmpty {
        body(initial, 1, Array(repeating: 0, count: operands))
        return
    }
    if shape.contains(0) { return }
    let rank = shape.count
    let inner = shape[rank - 1]
    let innerStrides = strides.map { $0[rank - 1] }
    var index = [Int](repeating: 0, count: rank - 1)
    var offsets = initial
    while true {
        body(offsets, inner, innerStrides)
        // Odometer over the outer axes.
        var axis = rank - 2
        while axis >= 0 {
            index[axis] += 1
            for k in 0..<operands { offsets[k] += strides[k][axis] }
            if index[axis] < shape[axis] { break }
            for k in 0..<operands { offsets[k] -= strides[k][axis] * shape[axis] }
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}

extension Tensor {
    /// Materializes the strided view `(shape, strides, offset)` of `source` into a new
    /// row-major tensor. Cost: one pass over the output.
    @usableFromInline
    static func gatherStrided(_ source: [Double], shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(shape: shape) { out in
            source.withUnsafeBufferPointer { src in
                var o = 0
                let dst = out.baseAddress!
                forEachRow(shape: shape, strides: [strides], offsets: [offset]) { offs, n, inner in
                    let s = inner[0]
                    var p = offs[0]
                    if s == 1 {
                        (dst + o).update(from: src.baseAddress! + p, count: n)
                    } else {
                        for i in 0..<n {
                            dst[o + i] = src[p]
                            p += s
                        }
                    }
                    o += n
                }
            }
        }
    }

    /// Broadcasting rule of NumPy: align shapes on the right; each pair of extents must be
    /// equal or one of them 1. Returns nil when the shapes are incompatible.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// Strides that read this tensor as if it had `target` shape (0 on broadcast axes).
    @usableFromInline
    func broadcastStrides(to target: [Int]) -> [Int] {
        let own = strides
        let lead = target.count - shape.count
        precondition(lead >= 0, "cannot broadcast shape \(shape) to \(target)")
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count {
            if shape[i] == target[lead + i] {
                out[lead + i] = shape[i] == 1 ? 0 : own[i]
            } else {
                precondition(shape[i] == 1, "cannot broadcast shape \(shape) to \(target)")
            }
        }
        return out
    }

    /// This tensor repeated along broadcast axes to `shape` (NumPy `broadcast_to`, materialized).
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(Tensor.broadcastShape(shape, target) == target, "cannot broadcast shape \(shape) to \(target)")
        return Tensor.gatherStrided(scalars, shape: target, strides: broadcastStrides(to: target), offset: 0)
    }

    /// Elementwise `op(a, b)` with broadcasting; fast paths for equal shapes and scalars.
    /// Always inlined so that `op` is inlined into the loops (no call per element).
    @inlinable @inline(__always)
    public static func zipWith(_ a: Tensor, _ b: Tensor, _ op: (Double, Double) -> Double) -> Tensor {
        if a.shape == b.shape {
            return Tensor(shape: a.shape) { out in
                a.scalars.withUnsafeBufferPointer { pa in
                    b.scalars.withUnsafeBufferPointer { pb in
                        for i in 0..<out.count { out[i] = op(pa[i], pb[i]) }
                    }
                }
            }
        }
        if b.count == 1 && b.rank <= a.rank {
            let y = b.scalars[0]
            return Tensor(shape: a.shape) { out in
                a.scalars.withUnsafeBufferPointer { pa in
                    for i in 0..<out.count { out[i] = op(pa[i], y) }
                }
            }
        }
        if a.count == 1 && a.rank <= b.rank {
            let x = a.scalars[0]
            return Tensor(shape: b.shape) { out in
                b.scalars.withUnsafeBufferPointer { pb in
                    for i in 0..<out.count { out[i] = op(x, pb[i]) }
                }
            }
        }
        guard let shape = broadcastShape(a.shape, b.shape) else {
            preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let sa = a.broadcastStrides(to: shape), sb = b.broadcastStrides(to: shape)
        return Tensor(shape: shape) { out in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    var o = 0
                    forEachRow(shape: shape, strides: [sa, sb], offsets: [0, 0]) { offs, n, inner in
                        var ia = offs[0], ib = offs[1]
                        let ja = inner[0], jb = inner[1]
                        for i in 0..<n {
                            out[o + i] = op(pa[ia], pb[ib])
                            ia += ja
                            ib += jb
                        }
                        o += n
                    }
                }
            }
        }
    }

    /// Elementwise binary kernel dispatched statically through `Op` (guaranteed inlined
    /// into the loops after specialization); same semantics as `zipWith(_:_:_:)`. Equal
    /// shapes, a scalar operand and an operand repeated along leading axes (a bias row) are
    /// split over the cores for large tensors (each element is computed by the same
    /// expression whichever thread runs it: same bits).
    @inlinable
    static func apply<Op: BinaryKernel>(_ a: Tensor, _ b: Tensor, _: Op.Type) -> Tensor {
        if a.shape == b.shape {
            let n = a.count
            return Tensor(shape: a.shape) { dst in
                a.scalars.withUnsafeBufferPointer { pa in
                    b.scalars.withUnsafeBufferPointer { pb in
                        guard let x = pa.baseAddress, let y = pb.baseAddress, let z = dst.baseAddress else { return }
                        Parallel.forEachRange(count: n, minimumPerPart: Parallel.minimumCheapElementsPerPart) { r in
                            for i in r { z[i] = Op.apply(x[i], y[i]) }
                        }
                    }
                }
            }
        }
        if b.count == 1 && b.rank <= a.rank {
            let y = b.scalars[0]
            return a.mapParallel { Op.apply($0, y) }
        }
        if a.count == 1 && a.rank <= b.rank {
            let x = a.scalars[0]
            return b.mapParallel { Op.apply(x, $0) }
        }
        if let period = leadingRepetitionPeriod(a.shape, b.shape) {
            return applyRepeated(a, b, period: period, smallOnLeft: false, Op.self)
        }
        if let period = leadingRepetitionPeriod(b.shape, a.shape) {
            return applyRepeated(b, a, period: period, smallOnLeft: true, Op.self)
        }
        return zipWith(a, b) { Op.apply($0, $1) }
    }

    /// When `small` broadcasts to `large` by repetition along leading axes only (its shape
    /// without leading 1s is a suffix of `large`'s, and it has no more axes than `large`),
    /// the number of elements of one repetition (e.g. a bias row added to a batch);
    /// nil otherwise.
    @inlinable
    static func leadingRepetitionPeriod(_ large: [Int], _ small: [Int]) -> Int? {
        guard small.count <= large.count else { return nil }
        var first = 0
        while first < small.count && small[first] == 1 { first += 1 }
        let trailing = small.count - first
        var period = 1
        for i in 0..<trailing {
            let extent = small[first + i]
            guard extent == large[large.count - trailing + i] else { return nil }
            period *= extent
        }
        return period > 0 ? period : nil
    }

    /// `op(large[r, i], small[i])` (or `op(small[i], large[r, i])` when `smallOnLeft`) over
    /// the rows r of `large` seen as [count / period, period]: the broadcast of a row without
    /// the strided walk, vectorizable, rows split over the cores for large tensors. Same
    /// bits as the general path (each element is `Op.apply` of the same two numbers).
    @inlinable
    static func applyRepeated<Op: BinaryKernel>(_ large: Tensor, _ small: Tensor, period: Int, smallOnLeft: Bool, _: Op.Type) -> Tensor {
        let rows = large.count / period
        return Tensor(shape: large.shape) { dst in
            large.scalars.withUnsafeBufferPointer { pl in
                small.scalars.withUnsafeBufferPointer { ps in
                    guard let x = pl.baseAddress, let y = ps.baseAddress, let z = dst.baseAddress else { return }
                    Parallel.forEachRange(count: rows, minimumPerPart: Swift.max(1, Parallel.minimumCheapElementsPerPart / period)) { r in
                        for row in r {
                            let xr = x + row * period, zr = z + row * period
                            if smallOnLeft {
                                for i in 0..<period { zr[i] = Op.apply(y[i], xr[i]) }
                            } else {
                                for i in 0..<period { zr[i] = Op.apply(xr[i], y[i]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Elementwise `op(x)` like `map`, split over the cores for large tensors (parts of at
    /// least `minimumPerPart` elements: the default suits cheap operations, costly ones pass
    /// `Parallel.minimumElementsPerPart`); `op` must be a pure function (it runs on several
    /// threads at once). Same bits as `map`.
    @inlinable @inline(__always)
    func mapParallel(minimumPerPart: Int = Parallel.minimumCheapElementsPerPart, _ op: (Double) -> Double) -> Tensor {
        Tensor(shape: shape) { out in
            scalars.withUnsafeBufferPointer { p in
                guard let x = p.baseAddress, let z = out.baseAddress else { return }
                Parallel.forEachRange(count: p.count, minimumPerPart: minimumPerPart) { r in
                    for i in r { z[i] = op(x[i]) }
                }
            }
        }
    }

    /// `self[i] = op(self[i])` in place (copying first if the storage is shared), split over
    /// the cores for large tensors; `op` must be pure. Same bits as the serial loop.
    @inlinable @inline(__always)
    mutating func updateParallel(_ op: (Double) -> Double) {
        _scalars.withUnsafeMutableBufferPointer { p in
            guard let z = p.baseAddress else { return }
            Parallel.forEachRange(count: p.count, minimumPerPart: Parallel.minimumCheapElementsPerPart) { r in
                for i in r { z[i] = op(z[i]) }
            }
        }
    }

    /// `self[i] = op(self[i], other[i])` in place for equal shapes, split over the cores for
    /// large tensors; `op` must be pure. Same bits as the serial loop.
    @inlinable @inline(__always)
    mutating func updateParallel(with other: Tensor, _ op: (Double, Double) -> Double) {
        _scalars.withUnsafeMutableBufferPointer { p in
            other._scalars.withUnsafeBufferPointer { q in
                guard let z = p.baseAddress, let y = q.baseAddress else { return }
                Parallel.forEachRange(count: p.count, minimumPerPart: Parallel.minimumCheapElementsPerPart) { r in
                    for i in r { z[i] = op(z[i], y[i]) }
                }
            }
        }
    }

    /// Elementwise `op(x)` (always inlined, so `op` is inlined into the loop).
    @inlinable @inline(__always)
    public func map(_ op: (Double) -> Double) -> Tensor {
        Tensor(shape: shape) { out in
            scalars.withUnsafeBufferPointer { p in
                for i in 0..<out.count { out[i] = op(p[i]) }
            }
        }
    }

    /// Elementwise `op(a, b, c)` with broadcasting of all three operands.
    public static func zipWith(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ op: (Double, Double, Double) -> Double) -> Tensor {
        guard let ab = broadcastShape(a.shape, b.shape), let shape = broadcastShape(ab, c.shape) else {
            preconditionFailure("shapes \(a.shape), \(b.shape) and \(c.shape) do not broadcast")
        }
        let sa = a.broadcastStrides(to: shape), sb = b.broadcastStrides(to: shape), sc = c.broadcastStrides(to: shape)
        return Tensor(shape: shape) { out in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    c.scalars.withUnsafeBufferPointer { pc in
                        var o = 0
                        forEachRow(shape: shape, strides: [sa, sb, sc], offsets: [0, 0, 0]) { offs, n, inner in
                            var ia = offs[0], ib = offs[1], ic = offs[2]
                            for i in 0..<n {
                                out[o + i] = op(pa[ia], pb[ib], pc[ic])
                                ia += inner[0]
                                ib += inner[1]
                                ic += inner[2]
                            }
                            o += n
                        }
                    }
                }
            }
        }
    }
}
