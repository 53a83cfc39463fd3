import InductiveTensor

extension Variable {
    /// Sum over `axes` (all when nil); its gradient broadcasts the output gradient back.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let source = shape
        let kept = value.reducedShape(value.normalizedAxes(axes), keepDims: true)
        return Variable.record("sum", value.sum(axes: axes, keepDims: keepDims), [self], coefficients: .constant,
                               tangent: { t in t.tangent(0).map { $0.sum(axes: axes, keepDims: keepDims) } }) { r in
            [r.gradient.reshaped(kept).broadcast(to: source)]
        }
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Variable { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let n = value.normalizedAxes(axes).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Double(n))
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Variable { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes`: mean of (x - mean)^2 (divided by n - correction).
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, correction: Int = 0) -> Variable {
        let n = value.normalizedAxes(axes).reduce(1) { $0 * shape[$1] }
        let centered = self - mean(axes: axes, keepDims: true)
        return (centered * centered).sum(axes: axes, keepDims: keepDims) * (1 / Double(n - correction))
    }

    /// Maximum over `axes`. Where several elements attain the maximum, the gradient is split
    /// equally among them (a subgradient; the derivative does not exist there).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        extremum(axes: axes, keepDims: keepDims, kept: value.max(axes: axes, keepDims: true), name: "max")
    }

    /// Minimum over `axes`; ties split the gradient equally.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        extremum(axes: axes, keepDims: keepDims, kept: value.min(axes: axes, keepDims: true), name: "min")
    }

    private func extremum(axes: [Int]?, keepDims: Bool, kept: Tensor, name: String) -> Variable {
        let mask = value .== kept
        let weights = mask / mask.sum(axes: axes, keepDims: true)
        let outShape = value.reducedShape(value.normalizedAxes(axes), keepDims: keepDims)
        let source = shape
        return Variable.record(name, kept.reshaped(outShape), [self], coefficients: .constant, tangent: { t in
            t.tangent(0).map { ($0 * weights).sum(axes: axes, keepDims: true).reshaped(outShape) }
        }) { r in
            [r.gradient.reshaped(kept.shape).broadcast(to: source) * Variable(weights)]
        }
    }

    /// log sum exp over `axes`, stable; its gradient is softmax(x) times the output gradient.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        let kept = value.logSumExp(axes: axes, keepDims: true)
        let outShape = value.reducedShape(value.normalizedAxes(axes), keepDims: keepDims)
        let source = shape
        return Variable.record("logSumExp", kept.reshaped(outShape), [self], tangent: { t in
            t.tangent(0).map { ($0 * exp(t.input(0) - kept)).sum(axes: axes, keepDims: true).reshaped(outShape) }
        }) { r in
            let y = r.output.reshaped(kept.shape)
            return [r.gradient.reshaped(kept.shape).broadcast(to: source) * exp(r.input(0) - y)]
        }
    }

    /// Euclidean norm sqrt(sum x^2) over all elements (gradient x / ||x||, undefined at 0).
    public func norm() -> Variable { sqrt((self * self).sum()) }

    /// Sum of absolute values (gradient sign(x)).
    public func normL1() -> Variable { abs(self).sum() }
}

/// Softmax along `axis`: exp(x - logsumexp(x)).
public func softmax(_ x: Variable, axis: Int = -1) -> Variable { exp(logSoftmax(x, axis: axis)) }

/// log softmax along `axis`: x - logsumexp(x), stable.
public func logSoftmax(_ x: Variable, axis: Int = -1) -> Variable { x - x.logSumExp(axes: [axis], keepDims: true) }
