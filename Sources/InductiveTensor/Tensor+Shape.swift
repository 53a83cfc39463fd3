// Shape manipulation: reshape, permute, expand/squeeze, slicing, concatenation, stacking,
// gathering, padding and rolling. All return new row-major tensors.

/// One axis of a slice specification.
public enum Slice: Sendable, Equatable {
    /// Keep the whole axis.
    case all
    /// Select one position and drop the axis (negative counts from the end).
    case index(Int)
    /// Positions `range.lowerBound, +step, ...` below `range.upperBound` (step > 0).
    case range(Range<Int>, step: Int = 1)
}

/// How `Tensor.padded` fills new entries.
public enum PaddingMode: Sendable {
    /// Zeros.
    case zero
    /// Wrap around (periodic extension), as NumPy `mode="wrap"`.
    case circular
}

extension Tensor {
    /// The same elements with a new shape; one extent may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.allSatisfy { $0 >= -1 } && newShape.filter { $0 == -1 }.count <= 1,
                     "reshape: \(newShape) has a negative extent (only one -1 is allowed)")
        var target = newShape
        if let k = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().reduce(1) { $1.offset == k ? $0 : $0 * $1.element }
            precondition(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
            target[k] = count / known
        }
        precondition(Tensor.elementCount(target) == count, "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        var t = self
        t._shape = target
        return t
    }

    /// Variadic form of `reshaped(_:)`.
    public func reshaped(_ newShape: Int...) -> Tensor { reshaped(newShape) }

    /// A 1-d view of all elements.
    public func flattened() -> Tensor { reshaped([count]) }

    /// Axes reordered: output axis i is input axis `order[i]` (NumPy `transpose(order)`).
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.count == rank && Set(order) == Set(0..<rank), "permute: \(order) is not a permutation of the axes of \(shape)")
        if order == Array(0..<rank) { return self }
        let st = strides
        let newShape = order.map { shape[$0] }
        if rank == 2 { return transpose2D() }
        return Tensor.gatherStrided(scalars, shape: newShape, strides: order.map { st[$0] }, offset: 0)
    }

    /// Matrix transpose; for rank > 2 the last two axes are swapped (batched transpose).
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed: needs rank >= 2, got shape \(shape)")
        if rank == 2 { return transpose2D() }
        var order = Array(0..<rank)
        order.swapAt(rank - 1, rank - 2)
        return permuted(order)
    }

    /// Shorthand for `transposed()`.
    public var T: Tensor { transposed() }

    /// Cache-blocked 2-d transpose.
    private func transpose2D() -> Tensor {
        let m = shape[0], n = shape[1]
        return Tensor(shape: [n, m]) { out in
            scalars.withUnsafeBufferPointer { src in
                let block = 32
                var i0 = 0
                while i0 < m {
                    let i1 = Swift.min(i0 + block, m)
                    var j0 = 0
                    while j0 < n {
                        let j1 = Swift.min(j0 + block, n)
                        for i in i0..<i1 {
                            for j in j0..<j1 { out[j * m + i] = src[i * n + j] }
                        }
                        j0 = j1
                    }
                    i0 = i1
                }
            }
        }
    }

    /// Inserts an axis of extent 1 at `axis` (in the output's numbering; -1 appends).
    public func expandingDims(at axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "expandingDims: axis \(axis) out of range for shape \(shape)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes extent-1 axes (the given ones, or all when nil).
    public func squeezed(axes: [Int]? = nil) -> Tensor {
        let drop = axes.map { Set($0.map { Tensor.normalizeAxis($0, rank: rank) }) } ?? Set(shape.indices.filter { shape[$0] == 1 })
        for a in drop { precondition(shape[a] == 1, "squeeze: axis \(a) of \(shape) has extent \(shape[a])") }
        return reshaped(shape.indices.filter { !drop.contains($0) }.map { shape[$0] })
    }

    // MARK: Slicing

    /// The strided view a slice specification selects: its shape, strides and offset in this
    /// tensor's storage (indexed axes dropped).
    func region(_ specs: [Slice], _ caller: String) -> (shape: [Int], strides: [Int], offset: Int) {
        precondition(specs.count <= rank, "\(caller): \(specs.count) specs for shape \(shape)")
        let st = strides
        var offset = 0
        var outShape: [Int] = [], outStrides: [Int] = []
        for axis in 0..<rank {
            let spec = axis < specs.count ? specs[axis] : .all
            let n = shape[axis]
            switch spec {
            case .all:
                outShape.append(n); outStrides.append(st[axis])
            case .index(let i):
                let j = i < 0 ? i + n : i
                precondition(j >= 0 && j < n, "\(caller): index \(i) out of range for axis \(axis) of \(shape)")
                offset += j * st[axis]
            case .range(let r, let step):
                precondition(step > 0, "\(caller): step must be positive")
                precondition(r.lowerBound >= 0 && r.upperBound <= n, "\(caller): range \(r) out of bounds for axis \(axis) of \(shape)")
                let len = r.isEmpty ? 0 : (r.count + step - 1) / step
                offset += r.lowerBound * st[axis]
                outShape.append(len); outStrides.append(st[axis] * step)
            }
        }
        return (outShape, outStrides, offset)
    }

    /// The sub-tensor selected by one `Slice` per leading axis (missing trailing axes are `.all`).
    public func slice(_ specs: [Slice]) -> Tensor {
        let view = region(specs, "slice")
        return Tensor.gatherStrided(scalars, shape: view.shape, strides: view.strides, offset: view.offset)
    }

    /// Variadic form of `slice(_:)`.
    public subscript(_ specs: Slice...) -> Tensor { slice(specs) }

    /// Rows `range` along the first axis.
    public subscript(rows range: Range<Int>) -> Tensor { slice([.range(range)]) }

    /// Row `i` along the first axis (the axis is dropped).
    public func row(_ i: Int) -> Tensor { slice([.index(i)]) }

    /// Overwrites the region selected by `specs` with `value` (broadcast to the region's shape).
    public mutating func assign(_ specs: [Slice], _ value: Tensor) {
        let view = region(specs, "assign")
        let source = value.broadcast(to: view.shape)
        scalars.withUnsafeMutableBufferPointer { dst in
            source.scalars.withUnsafeBufferPointer { src in
                var i = 0
                forEachRow(shape: view.shape, strides: [view.strides], offsets: [view.offset]) { offs, n, inner in
                    var p = offs[0]
                    for k in 0..<n {
                        dst[p] = src[i + k]
                        p += inner[0]
                    }
                    i += n
                }
            }
        }
    }

    // MARK: Joining

    /// Joins tensors along an existing axis; all other extents must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let a = normalizeAxis(axis, rank: first.rank)
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                         "concatenate: shapes \(first.shape) and \(t.shape) differ off axis \(a)")
        }
        let outer = first.shape[..<a].reduce(1, *)
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let chunks = tensors.map { $0.shape[a...].reduce(1, *) }
        return Tensor(shape: outShape) { out in
            if out.isEmpty { return }
            var o = 0
            for r in 0..<outer {
                for (t, c) in zip(tensors, chunks) where c > 0 {
                    t.scalars.withUnsafeBufferPointer { p in
                        (out.baseAddress! + o).update(from: p.baseAddress! + r * c, count: c)
                    }
                    o += c
                }
            }
        }
    }

    /// Joins tensors of equal shape along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors")
        let s = tensors[0].shape
        precondition(tensors.allSatisfy { $0.shape == s }, "stack: shapes differ")
        let a = axis < 0 ? axis + s.count + 1 : axis
        return concatenate(tensors.map { $0.expandingDims(at: a) }, axis: a)
    }

    /// Entries at `indices` along `axis` (NumPy `take`); repeated indices are allowed.
    public func take(_ indices: [Int], axis: Int = 0) -> Tensor {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        let n = shape[a]
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = indices.count
        for i in indices { precondition(i >= -n && i < n, "take: index \(i) out of range for axis \(a) of \(shape)") }
        return Tensor(shape: outShape) { out in
            if out.isEmpty { return }
            scalars.withUnsafeBufferPointer { src in
                var o = 0
                for r in 0..<outer {
                    for i in indices {
                        let j = i < 0 ? i + n : i
                        (out.baseAddress! + o).update(from: src.baseAddress! + (r * n + j) * inner, count: inner)
                        o += inner
                    }
                }
            }
        }
    }

    /// The adjoint of `take`: zeros with `count` positions along `axis`, and
    /// out[indices[k]] += self[k] for each k (repeated indices accumulate).
    public func scatterAdding(_ indices: [Int], axis: Int = 0, count n: Int) -> Tensor {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        precondition(shape[a] == indices.count, "scatterAdding: \(indices.count) indices for axis \(a) of \(shape)")
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = n
        var out = [Double](repeating: 0, count: Tensor.elementCount(outShape))
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<outer {
                    for (k, i) in indices.enumerated() {
                        let j = i < 0 ? i + n : i
                        precondition(j >= 0 && j < n, "scatterAdding: index \(i) out of range for \(n) positions")
                        let s = (r * indices.count + k) * inner, d = (r * n + j) * inner
                        for q in 0..<inner { dst[d + q] += src[s + q] }
                    }
                }
            }
        }
        return Tensor(shape: outShape, scalars: out)
    }

    /// Pads each axis with `widths[axis] = (before, after)` entries.
    public func padded(_ widths: [(Int, Int)], mode: PaddingMode = .zero) -> Tensor {
        precondition(widths.count == rank, "padded: \(widths.count) widths for shape \(shape)")
        precondition(widths.allSatisfy { $0.0 >= 0 && $0.1 >= 0 }, "padded: negative width")
        let outShape = zip(shape, widths).map { $0 + $1.0 + $1.1 }
        switch mode {
        case .zero:
            var out = Tensor.zeros(outShape)
            out.assign(zip(shape, widths).map { .range($1.0..<($1.0 + $0)) }, self)
            return out
        case .circular:
            var t = self
            for axis in 0..<rank where widths[axis] != (0, 0) {
                let n = t.shape[axis]
                precondition(n > 0, "padded(.circular): empty axis \(axis)")
                let (b, e) = widths[axis]
                let idx = (-b..<(n + e)).map { (($0 % n) + n) % n }
                t = t.take(idx, axis: axis)
            }
            return t
        }
    }

    /// Cyclic shift by `shift` along `axis`: out[i] = x[(i - shift) mod n] (NumPy `roll`).
    public func rolled(_ shift: Int, axis: Int) -> Tensor {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        let n = shape[a]
        if n == 0 { return self }
        let s = ((shift % n) + n) % n
        if s == 0 { return self }
        return take((0..<n).map { ($0 - s + n) % n }, axis: a)
    }
}
