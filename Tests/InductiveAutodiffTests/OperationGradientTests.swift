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

    /// Forward mode: J t of every operation (all output entries, all inputs perturbed at
    /// once) against central differences along t. Same step and error scaling as the
    /// first-order reverse check: truncation |f'''| h^2 / 6 ~ 6e-12 and rounding eps |f| / h
    /// ~ 4e-11 per entry for these O(1)..O(10) values; a wrong rule is off by O(1), so 1e-6.
    @Test(arguments: operationCases)
    func jacobianVectorProductMatchesFiniteDifferences(_ c: OperationCase) {
        let tangents = c.inputs.enumerated().map { normal($1.shape, seed: 70 + UInt64($0)) }
        let result = checkJacobianVectorProduct(of: c.apply, at: c.inputs, tangents: tangents)
        #expect(result.passes(.finiteDifferences), "\(c.name): \(result)")
    }

    /// Forward over reverse (tangents through every backward rule) against central
    /// differences of gradients, as the reverse-over-reverse check above (1e-5).
    @Test(arguments: operationCases)
    func forwardOverReverseMatchesFiniteDifferences(_ c: OperationCase) {
        let directions = c.inputs.enumerated().map { normal($1.shape, seed: 50 + UInt64($0)) }
        let result = checkHessianVectorProduct(of: Self.squaredProjected(c), at: c.inputs, direction: directions, method: .forwardOverReverse)
        #expect(result.passes(.secondOrderFiniteDifferences), "\(c.name): \(result)")
    }

    /// The two exact routes to H v agree to rounding. Each entry is a sum of O(10..100)
    /// products of O(1)..O(10) factors computed in different orders: ~100 eps ~ 2e-14 of the
    /// terms, amplified at most ~100x by the worst conditioning here (solve with
    /// kappa(A) < 10 enters squared; eigh's 1/(w_j - w_i) with gaps ~1 enters squared), so
    /// ~2e-12 scaled error; 1e-10 leaves 50x, a wrong tangent rule is off by O(1).
    @Test(arguments: operationCases)
    func forwardOverReverseMatchesReverseOverReverse(_ c: OperationCase) {
        let directions = c.inputs.enumerated().map { normal($1.shape, seed: 80 + UInt64($0)) }
        let f = Self.squaredProjected(c)
        let forward = hessianVectorProduct(at: c.inputs, vectors: directions, method: .forwardOverReverse, of: f)
        let reverse = hessianVectorProduct(at: c.inputs, vectors: directions, method: .reverseOverReverse, of: f)
        let result = GradientCheckResult.scaledDifference(forward, reverse)
        #expect(result.passes(1e-10), "\(c.name): \(result)")
    }

    /// Adjoint identity <J t, u> = <t, J^T u> between forward mode and the VJP, for every
    /// operation and all its inputs at once.
    @Test(arguments: operationCases)
    func jvpAndVjpAreAdjoint(_ c: OperationCase) {
        let ts = c.inputs.enumerated().map { normal($1.shape, seed: 61 + 10 * UInt64($0)) }
        let (y, jt) = jvp(at: c.inputs, tangents: ts, of: c.apply)
        let u = normal(y.shape, seed: 62)
        let params = c.inputs.map(Variable.parameter)
        let jtu = gradientTensors(of: c.apply(params), wrt: params, seed: u)
        let right = zip(ts, jtu).map { dot($0, $1) }.reduce(0, +)
        // Two dot products of n <= ~30 terms of O(1) products plus the JVP/VJP's own rounding:
        // ~n eps ~ 1e-14 of the terms' scale (O(1)..O(10)); 1e-12 leaves >= 10x.
        expectClose(dot(jt, u), right, rtol: 1e-12, atol: 1e-12, Comment(rawValue: c.name))
    }

    /// Forward mode agrees with the double-VJP construction it replaced (single-input ops):
    /// both are exact and differ by the rounding of a few O(1) operations per entry, ~10 eps;
    /// 1e-12 scaled leaves ~500x (solve and eigh amplify by at most ~100, see above).
    @Test(arguments: operationCases.filter { $0.inputs.count == 1 })
    func jvpMatchesDoubleVJP(_ c: OperationCase) {
        let x = c.inputs[0]
        let t = normal(x.shape, seed: 63)
        let forward = jvp(at: x, of: { c.apply([$0]) }, tangent: t).jvp
        let reverse = reverseModeJVP(at: x, of: { c.apply([$0]) }, tangent: t).jvp
        let result = GradientCheckResult.scaledDifference([forward], [reverse])
        #expect(result.passes(1e-12), "\(c.name): \(result)")
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
