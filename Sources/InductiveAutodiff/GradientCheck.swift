import Foundation
import InductiveTensor

/// The outcome of comparing derivatives from the graph with central finite differences.
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// Largest scaled error |analytic - numeric| / max(1, |analytic|, |numeric|) over all entries.
    public let maxError: Double
    /// Argument and flat position of the worst entry.
    public let worstArgument: Int
    public let worstIndex: Int
    /// The two values at the worst entry.
    public let analytic: Double
    public let numeric: Double

    /// True when `maxError <= tolerance` (and nothing is NaN).
    public func passes(_ tolerance: Double) -> Bool { maxError <= tolerance }

    public var description: String {
        "max scaled error \(maxError) at argument \(worstArgument) entry \(worstIndex): analytic \(analytic), finite differences \(numeric)"
    }

    /// The scaled difference of two computations of the same derivatives (e.g. two exact
    /// methods), reported like a finite-difference check.
    public static func scaledDifference(_ first: [Tensor], _ second: [Tensor]) -> GradientCheckResult {
        compare(first, second)
    }

    static func compare(_ analytic: [Tensor], _ numeric: [Tensor]) -> GradientCheckResult {
        var worst = (error: -1.0, arg: 0, index: 0, a: 0.0, n: 0.0)
        for (k, (a, n)) in zip(analytic, numeric).enumerated() {
            precondition(a.shape == n.shape, "gradient check: shapes \(a.shape) and \(n.shape) differ")
            for i in 0..<a.count {
                let x = a.scalars[i], y = n.scalars[i]
                var e = Swift.abs(x - y) / Swift.max(1, Swift.abs(x), Swift.abs(y))
                if e.isNaN { e = .infinity }
                if e > worst.error { worst = (e, k, i, x, y) }
            }
        }
        return GradientCheckResult(maxError: Swift.max(worst.error, 0), worstArgument: worst.arg, worstIndex: worst.index,
                                   analytic: worst.a, numeric: worst.n)
    }
}

/// The central-difference step for a coordinate of magnitude |x|: cbrt(eps) max(1, |x|),
/// which balances truncation error O(h^2) against rounding error O(eps / h).
@inlinable
public func centralDifferenceStep(_ x: Double) -> Double { 6.055454452393343e-06 * Swift.max(1, Swift.abs(x)) }

/// Checks the gradient of a scalar function of several tensors against central differences
/// (f(x + h e_i) - f(x - h e_i)) / 2h, entry by entry. Errors are scaled as
/// |a - n| / max(1, |a|, |n|); in double precision a correct gradient gives about 1e-9, so
/// a tolerance of 1e-6 separates right from wrong. Cost: 2 evaluations of f per entry.
public func checkGradient(of f: ([Variable]) -> Variable, at xs: [Tensor]) -> GradientCheckResult {
    let analytic = gradients(at: xs, of: f)
    func evaluate(_ args: [Tensor]) -> Double { f(args.map { Variable(constant: $0) }).value.scalars[0] }
    var numeric: [Tensor] = []
    for (k, x) in xs.enumerated() {
        var g = Tensor.zeros(x.shape)
        var args = xs
        for i in 0..<x.count {
            let h = centralDifferenceStep(x.scalars[i])
            args[k][flat: i] = x.scalars[i] + h
            let up = evaluate(args)
            args[k][flat: i] = x.scalars[i] - h
            let down = evaluate(args)
            args[k][flat: i] = x.scalars[i]
            g[flat: i] = (up - down) / (2 * h)
        }
        numeric.append(g)
    }
    return GradientCheckResult.compare(analytic, numeric)
}

/// Checks second derivatives: the Hessian-vector product by `method` (default reverse over
/// reverse, i.e. double backward) against the central difference of gradients
/// (grad f(x + h v) - grad f(x - h v)) / 2h, for a direction v per argument. A correct rule
/// gives scaled errors of about 1e-8; use a tolerance of 1e-5.
public func checkHessianVectorProduct(of f: ([Variable]) -> Variable, at xs: [Tensor], direction vs: [Tensor],
                                      method: HessianVectorProductMethod = .reverseOverReverse) -> GradientCheckResult {
    precondition(vs.count == xs.count && zip(vs, xs).allSatisfy { $0.shape == $1.shape }, "checkHessianVectorProduct: directions must match the arguments")
    let analytic = hessianVectorProduct(at: xs, vectors: vs, method: method, of: f)
    let h = directionalStep(xs, vs)
    let up = gradients(at: zip(xs, vs).map { $0 + h * $1 }, of: f)
    let down = gradients(at: zip(xs, vs).map { $0 - h * $1 }, of: f)
    let numeric = zip(up, down).map { ($0 - $1) / (2 * h) }
    return GradientCheckResult.compare(analytic, numeric)
}

/// Checks forward mode: the Jacobian-vector product `jvp(at:tangents:of:)` of any f (every
/// output entry) against the central difference (f(x + h t) - f(x - h t)) / 2h along the
/// tangents t. Errors scaled as in `checkGradient`; a correct rule gives about 1e-9, use a
/// tolerance of 1e-6. Cost: one forward-mode and two plain evaluations of f.
public func checkJacobianVectorProduct(of f: ([Variable]) -> Variable, at xs: [Tensor], tangents ts: [Tensor]) -> GradientCheckResult {
    precondition(ts.count == xs.count && zip(ts, xs).allSatisfy { $0.shape == $1.shape }, "checkJacobianVectorProduct: tangents must match the arguments")
    let analytic = jvp(at: xs, tangents: ts, of: f).tangent
    let h = directionalStep(xs, ts)
    func evaluate(_ args: [Tensor]) -> Tensor { f(args.map { Variable(constant: $0) }).value }
    let numeric = (evaluate(zip(xs, ts).map { $0 + h * $1 }) - evaluate(zip(xs, ts).map { $0 - h * $1 })) / (2 * h)
    return GradientCheckResult.compare([analytic], [numeric])
}

/// The step along directions vs: cbrt(eps) max(1, max|x|) / max|v|, so that no coordinate
/// moves by more than the per-coordinate step of `checkGradient`.
func directionalStep(_ xs: [Tensor], _ vs: [Tensor]) -> Double {
    let scale = xs.map { $0.norm(.infinity) }.max() ?? 1
    let vmax = Swift.max(vs.map { $0.norm(.infinity) }.max() ?? 1, 1e-300)
    return centralDifferenceStep(scale) / vmax
}
