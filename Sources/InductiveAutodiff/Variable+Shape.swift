import InductiveTensor

extension Variable {
    /// The same elements with a new shape (one extent may be -1).
    public func reshaped(_ newShape: [Int]) -> Variable {
        if newShape == shape { return self }
        let source = shape
        return Variable.record("reshape", value.reshaped(newShape), [self], coefficients: .constant, tangent: { t in t.tangent(0).map { $0.reshaped(t.output.shape) } }) { r in [r.gradient.reshaped(source)] }
    }

    /// Variadic form of `reshaped(_:)`.
    public func reshaped(_ newShape: Int...) -> Variable { reshaped(newShape) }

    /// 1-d view.
    public func flattened() -> Variable { reshaped([count]) }

    /// Axes reordered (output axis i is input axis order[i]); gradient: the inverse order.
    public func permuted(_ order: [Int]) -> Variable {
        var inverseOrder = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() { inverseOrder[o] = i }
        let inverse = inverseOrder
        return Variable.record("permute", value.permuted(order), [self], coefficients: .constant, tangent: { t in t.tangent(0).map { $0.permuted(order) } }) { r in [r.gradient.permuted(inverse)] }
    }

    /// Matrix transpose (last two axes swapped for rank > 2).
    public func transposed() -> Variable {
        Variable.record("transpose", value.transposed(), [self], coefficients: .constant, tangent: { t in t.tangent(0).map { $0.transposed() } }) { r in [r.gradient.transposed()] }
    }

    /// Shorthand for `transposed()`.
    public var T: Variable { transposed() }

    /// Inserts an axis of extent 1.
    public func expandingDims(at axis: Int) -> Variable { reshaped(value.expandingDims(at: axis).shape) }

    /// Removes extent-1 axes.
    public func squeezed(axes: [Int]? = nil) -> Variable { reshaped(value.squeezed(axes: axes).shape) }

    /// The sub-tensor selected by `specs`; gradient: the output gradient placed into zeros.
    public func slice(_ specs: [Slice]) -> Variable {
        let source = shape
        return Variable.record("slice", value.slice(specs), [self], coefficients: .constant, tangent: { t in t.tangent(0).map { $0.slice(specs) } }) { r in [r.gradient.embedded(in: source, at: specs)] }
    }

    /// Variadic form of `slice(_:)`.
    public subscript(_ specs: Slice...) -> Variable { slice(specs) }

    /// Zeros of `shape` with this value written at the region `specs` selects (the adjoint of
    /// `slice`).
    public func embedded(in target: [Int], at specs: [Slice]) -> Variable {
        var out = Tensor.zeros(target)
        out.assign(specs, value)
        return Variable.record("embed", out, [self], coefficients: .constant, tangent: { t in
            t.tangent(0).map { tangent in
                var embedded = Tensor.zeros(target)
                embedded.assign(specs, tangent)
                return embedded
            }
        }) { r in [r.gradient.slice(specs)] }
    }

    /// Entries at `indices` along `axis`; gradient: scatter-add of the output gradient.
    public func take(_ indices: [Int], axis: Int = 0) -> Variable {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        let n = shape[a]
        return Variable.record("take", value.take(indices, axis: a), [self], coefficients: .constant, tangent: { t in t.tangent(0).map { $0.take(indices, axis: a) } }) { r in
            [r.gradient.scatterAdd(indices, axis: a, count: n)]
        }
    }

    /// out[indices[k]] += self[k] along `axis`, into `count` positions (the adjoint of `take`).
    public func scatterAdd(_ indices: [Int], axis: Int, count n: Int) -> Variable {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        return Variable.record("scatterAdd", value.scatterAdding(indices, axis: a, count: n), [self], coefficients: .constant,
                               tangent: { t in t.tangent(0).map { $0.scatterAdding(indices, axis: a, count: n) } }) { r in
            [r.gradient.take(indices, axis: a)]
        }
    }

    /// Pads with zeros or periodically; gradient: the slice (zero) or the wrapped sum (circular).
    public func padded(_ widths: [(Int, Int)], mode: PaddingMode = .zero) -> Variable {
        switch mode {
        case .zero:
            let target = zip(shape, widths).map { $0 + $1.0 + $1.1 }
            return embedded(in: target, at: zip(shape, widths).map { .range($1.0..<($1.0 + $0)) })
        case .circular:
            var v = self
            for axis in 0..<rank where widths[axis] != (0, 0) {
                let n = shape[axis]
                let (b, e) = widths[axis]
                v = v.take((-b..<(n + e)).map { (($0 % n) + n) % n }, axis: axis)
            }
            return v
        }
    }

    /// Cyclic shift along `axis` (out[i] = x[i - shift]).
    public func rolled(_ shift: Int, axis: Int) -> Variable {
        let a = Tensor.normalizeAxis(axis, rank: rank)
        let n = shape[a]
        if n == 0 { return self }
        let s = ((shift % n) + n) % n
        return s == 0 ? self : take((0..<n).map { ($0 - s + n) % n }, axis: a)
    }

    /// Joins along an existing axis; gradient: the matching slices.
    public static func concatenate(_ parts: [Variable], axis: Int = 0) -> Variable {
        precondition(!parts.isEmpty, "concatenate: no values")
        let a = Tensor.normalizeAxis(axis, rank: parts[0].rank)
        var bounds: [Range<Int>] = []
        var start = 0
        for p in parts {
            bounds.append(start..<(start + p.shape[a]))
            start += p.shape[a]
        }
        let value = Tensor.concatenate(parts.map(\.value), axis: a)
        let ranges = bounds
        return record("concatenate", value, parts, coefficients: .constant, tangent: { t in
            Tensor.concatenate(t.tangents.enumerated().map { i, tangent in tangent ?? Tensor.zeros(t.input(i).shape) }, axis: a)
        }) { r in
            ranges.enumerated().map { i, range in
                r.needs(i) ? r.gradient.slice([Slice](repeating: .all, count: a) + [.range(range)]) : nil
            }
        }
    }

    /// Joins equal shapes along a new axis.
    public static func stack(_ parts: [Variable], axis: Int = 0) -> Variable {
        precondition(!parts.isEmpty, "stack: no values")
        let a = axis < 0 ? axis + parts[0].rank + 1 : axis
        return concatenate(parts.map { $0.expandingDims(at: a) }, axis: a)
    }
}
