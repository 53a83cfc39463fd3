import InductiveTensor

// Forward mode: every operation carries, next to its value, the directional derivative of
// that value along tangents set on the leaves (`Variable.tangent`), computed eagerly by the
// operation's tangent rule. Backward rules are written with Variable operations, so a reverse
// sweep run on such values propagates tangents too: that is forward over reverse.

/// f(x_1, ..., x_k) and its directional derivative along tangents t_1, ..., t_k (forward
/// mode): J_f(x) t = sum_i (d f / d x_i) t_i, shaped like f(x).
///
/// - Parameters:
///   - xs: the point; `tangents[i]` must have the shape of `xs[i]`.
///   - f: any function of Variables built from the library's operations (custom operations
///     without a tangent rule fall back to a local double VJP).
/// - Returns: the value f(x) and the tangent J t (zeros when f does not depend on the xs).
/// - Complexity: one evaluation of f with each operation's tangent rule beside its value:
///   elementwise operations cost one or two more passes, a product op(A) op(B) with both
///   factors carrying tangents two more products. Nothing is recorded for a reverse sweep.
///   Tangents do not nest: a tangent on a Variable captured from outside f adds to these.
public func jvp(at xs: [Tensor], tangents ts: [Tensor], of f: ([Variable]) -> Variable) -> (value: Tensor, tangent: Tensor) {
    precondition(xs.count == ts.count, "jvp: \(ts.count) tangents for \(xs.count) arguments")
    for (x, t) in zip(xs, ts) {
        precondition(t.shape == x.shape, "jvp: tangent shape \(t.shape) differs from argument shape \(x.shape)")
    }
    // An all-zero tangent is no tangent: attaching it would run the tangent rules with 0
    // times an infinite derivative (sqrt at 0, d/dy of 0^y) and give NaN where nil gives 0.
    let y = f(zip(xs, ts).map { x, t in isAllZero(t) ? Variable(constant: x) : Variable.dual(x, tangent: t) })
    return (y.value, y.tangent ?? Tensor.zeros(y.shape))
}

/// Whether every entry of t is zero (±0): such a tangent contributes nothing to J t.
func isAllZero(_ t: Tensor) -> Bool {
    t.withUnsafeBufferPointer { p in p.allSatisfy { $0 == 0 } }
}

/// The Jacobian-vector product J_f(x) t (shape of f(x)) for a tangent t shaped like x, with
/// f(x), by forward mode (see `jvp(at:tangents:of:)`). Cost: about one to three evaluations of f.
public func jvp(at x: Tensor, of f: (Variable) -> Variable, tangent t: Tensor) -> (value: Tensor, jvp: Tensor) {
    let (value, tangent) = jvp(at: [x], tangents: [t]) { f($0[0]) }
    return (value, tangent)
}

/// J_f(x) t by the double-VJP construction, with reverse-mode rules only: g(u) = J^T u is
/// linear in a dummy cotangent u, so J t = d<g(u), t>/du. Cost: one forward and two backward
/// passes. Agrees with `jvp` to rounding; kept to cross-check the tangent rules.
public func reverseModeJVP(at x: Tensor, of f: (Variable) -> Variable, tangent t: Tensor) -> (value: Tensor, jvp: Tensor) {
    precondition(t.shape == x.shape, "reverseModeJVP: tangent shape \(t.shape) differs from x shape \(x.shape)")
    let v = Variable.parameter(x)
    let y = f(v)
    let u = Variable.parameter(Tensor.zeros(y.shape))
    let g = gradients(of: y, wrt: [v], cotangent: u, createGraph: true)[0]
    return (y.value, gradientTensors(of: g, wrt: [u], seed: t)[0])
}

/// How `hessianVectorProduct` differentiates twice.
public enum HessianVectorProductMethod: Sendable, CaseIterable {
    /// Forward over reverse: f is evaluated once with tangents v beside the values, then one
    /// reverse sweep runs the backward rules on (value, tangent) pairs; the tangents of the
    /// gradients are H v. Records no second-order graph and skips the parameters' gradient
    /// values (only their tangents are read). The default.
    case forwardOverReverse
    /// Reverse over reverse: the backward pass is recorded (`createGraph: true`), then
    /// <grad f, v> is differentiated by a second reverse sweep. About 20% more products on a
    /// dense network (it also forms the parameter gradients) and a graph of the backward pass.
    case reverseOverReverse
}

/// Hessian-vector products of a scalar f(x_1, ..., x_k): for each argument i,
/// (H v)_i = sum_j (d^2 f / d x_i d x_j) v_j, exact (no finite differences).
///
/// - Parameters:
///   - xs: the point; `vectors[i]` has the shape of `xs[i]`.
///   - method: `.forwardOverReverse` (default) or `.reverseOverReverse`; they agree to rounding.
///   - f: must return one element and be built from operations whose backward rules are
///     differentiable (a first-order-only custom operation stops with a message naming it).
/// - Returns: one tensor per argument, shaped like it.
/// - Complexity: forward over reverse: one evaluation of f with tangents and one backward
///   sweep with tangents. For a dense layer Z = H W (H: b x n, W: n x m) that is 2 products
///   forward (value, tangent: dH W + H dW accumulated in one output) and 5 backward (dH's
///   value, its tangent as two products, dW's tangent as two), i.e. 7 of the b n m products
///   against 9 for reverse over reverse; 3 and 4 for a first layer on constant inputs.
public func hessianVectorProduct(at xs: [Tensor], vectors vs: [Tensor], method: HessianVectorProductMethod = .forwardOverReverse,
                                 of f: ([Variable]) -> Variable) -> [Tensor] {
    precondition(xs.count == vs.count, "hessianVectorProduct: \(vs.count) vectors for \(xs.count) arguments")
    for (x, v) in zip(xs, vs) {
        precondition(v.shape == x.shape, "hessianVectorProduct: vector shape \(v.shape) differs from argument shape \(x.shape)")
    }
    switch method {
    case .forwardOverReverse:
        // A zero direction block carries no tangent (see `jvp(at:tangents:of:)`).
        let params = zip(xs, vs).map { x, v in isAllZero(v) ? Variable.parameter(x) : Variable.dual(x, tangent: v, requiresGrad: true) }
        let y = f(params)
        precondition(y.count == 1, "hessianVectorProduct: f must return one element, got shape \(y.shape)")
        return gradientTangents(of: y, wrt: params)
    case .reverseOverReverse:
        let params = xs.map(Variable.parameter)
        let y = f(params)
        precondition(y.count == 1, "hessianVectorProduct: f must return one element, got shape \(y.shape)")
        let g = gradients(of: y, wrt: params, createGraph: true)
        guard !g.isEmpty else { return [] }
        var inner = (g[0] * Variable(vs[0])).sum()
        for i in 1..<g.count { inner = inner + (g[i] * Variable(vs[i])).sum() }
        return gradientTensors(of: inner, wrt: params)
    }
}

/// The Hessian-vector product H v = d/dx <grad f(x), v> for a scalar f, exact (see
/// `hessianVectorProduct(at:vectors:method:of:)`; default forward over reverse).
public func hessianVectorProduct(at x: Tensor, of f: (Variable) -> Variable, vector v: Tensor,
                                 method: HessianVectorProductMethod = .forwardOverReverse) -> Tensor {
    hessianVectorProduct(at: [x], vectors: [v], method: method) { f($0[0]) }[0]
}

/// Forward over reverse on a graph already built: the tangents of the gradients of `output`
/// with respect to `targets`, d/de grad output(x + e t) at e = 0, where t are the tangents
/// the leaves were created with (`Variable.dual(_:tangent:requiresGrad: true)`). When the
/// targets are those leaves and `output` is a scalar, this is H t.
///
/// One reverse sweep on (value, tangent) pairs; the values of the targets' own gradients are
/// not formed where a rule can skip them (products). Zeros for a target whose gradient has
/// no tangent.
public func gradientTangents(of output: Variable, wrt targets: [Variable], seed: Tensor? = nil) -> [Tensor] {
    let grads = reverseSweep(of: output, wrt: targets, cotangent: Variable(seed ?? Tensor.ones(output.shape)), mode: .tangents)
    return zip(grads, targets).map { g, t in g.tangent ?? Tensor.zeros(t.shape) }
}
