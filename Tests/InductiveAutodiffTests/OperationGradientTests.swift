import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport
import Testing

/// First- and second-order checks of every operation against central differences.
///
/// Tolerances (scaled error |a - n| / max(1, |a|, |n|)): first order 1e-6 (central
/// differences are accurate to about 1e-10 here, a wrong rule is off by O(1)); second
/// order 1e-5 (differences of gradients lose a few more digits). The step is h = cbrt(eps)
/// max(1, |x|) ~ 6e-6: truncation |f'''| h^2 / 6 ~ 6e-12 |f'''| balances rounding eps |f| / h
/// ~ 4e-11 |f|, so ~1e-10 for these O(1)..O(10) projections: 1e-6 leaves 1e4; the second-order
/// check differences gradients (rounding ~eps |g| / h, plus the gradients' own ~1e-15).
@Suite struct OperationGradientTests {
    /// A fixed random projection turns any output into a scalar that depends on every entry.
    static func projected(_ c: OperationCase) -> @Sendable ([Variable]) -> Variable {
        { xs in
            let y = c.apply(xs)
            return (y * Variable(normal(y.shape, seed: 99))).sum()
        }
    }

    /// Squaring before projecting makes the Hessian non-zero even for linear operations, so
    /// the second-order check differentiates each backward rule again.
    static func squaredProjected(_ c: OperationCase) -> @Sendable ([Variable]) -> Variable {
        { xs in
            let y = c.apply(xs)
            return (y * y * Variable(normal(y.shape, seed: 98))).sum()
        }
    }

    @Test(arguments: operationCases)
    func firstDerivativeMatchesFiniteDifferences(_ c: OperationCase) {
        let result = checkGradient(of: Self.projected(c), at: c.inputs)
        #expect(result.passes(.finiteDifferences), "\(c.name): \(result)")
    }

    @Test(arguments: operationCases)
    func secondDerivativeMatchesFiniteDifferences(_ c: OperationCase) {
        let directions = c.inputs.enumerated().map { normal($1.shape, seed: 50 + UInt64($0)) }
        let result = checkHessianVectorProduct(of: Self.squaredProjected(c), at: c.inputs, direction: directions)
        #expect(result.passes(.secondOrderFiniteDifferences), "\(c.name): \(result)")
    }

    /// Adjoint identity <J t, u> = <t, J^T u> between the JVP (double VJP) and the VJP.
    @Test(arguments: operationCases.filter { $0.inputs.count == 1 })
    func jvpAndVjpAreAdjoint(_ c: OperationCase) {
        let x = c.inputs[0]
        let t = normal(x.shape, seed: 61)
        let (y, jt) = jvp(at: x, of: { c.apply([$0]) }, tangent: t)
        let u = normal(y.shape, seed: 62)
        let jtu = vjp(at: x, of: { c.apply([$0]) }, cotangent: u).vjp
        // Two dot products of n <= ~30 terms of O(1) products plus the JVP/VJP's own rounding:
        // ~n eps ~ 1e-14 of the terms' scale (O(1)..O(10)); 1e-12 leaves >= 10x.
        expectClose(dot(jt, u), dot(t, jtu), rtol: 1e-12, atol: 1e-12, Comment(rawValue: c.name))
    }

    @Test func valuesMatchTheTensorOperations() {
        for c in operationCases {
            let constants = c.inputs.map { Variable(constant: $0) }
            let y = c.apply(constants)
            #expect(!y.requiresGrad, "\(c.name) recorded a graph on constants")
            #expect(y.value.isFinite, "\(c.name)")
        }
    }
}
