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

/// Checks second derivatives: the Hessian-vector product from double backward against the
/// central difference of gradients (grad f(x + h v) - grad f(x - h v)) / 2h, for a
/// direction v per argument. A correct rule gives scaled errors of about 1e-8; use a
/// tolerance of 1e-5.
public func checkHessianVectorProduct(of f: ([Variable]) -> Variable, at xs: [Tensor], direction vs: [Tensor]) -> GradientCheckResult {
    precondition(vs.count == xs.count && zip(vs, xs).allSatisfy { $0.shape == $1.shape }, "checkHessianVectorProduct: directions must match the arguments")
    let params = xs.map(Variable.parameter)
    let y = f(params)
    let g = gradients(of: y, wrt: params, createGraph: true)
    // <g, v> summed over arguments, differentiated again.
    var inner = (g[0] * Variable(vs[0])).sum()
    for k in 1..<Swift.max(g.count, 1) { inner = inner + (g[k] * Variable(vs[k])).sum() }
    let analytic = gradientTensors(of: inner, wrt: params)
    let scale = xs.map { $0.norm(.infinity) }.max() ?? 1
    let vmax = Swift.max(vs.map { $0.norm(.infinity) }.max() ?? 1, 1e-300)
    let h = centralDifferenceStep(scale) / vmax
    let up = gradients(at: zip(xs, vs).map { $0 + h * $1 }, of: f)
    let down = gradients(at: zip(xs, vs).map { $0 - h * $1 }, of: f)
    let numeric = zip(up, down).map { ($0 - $1) / (2 * h) }
    return GradientCheckResult.compare(analytic, numeric)
}
