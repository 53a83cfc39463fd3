import Foundation
import InductiveDiscovery
import InductiveTensor
import Testing

/// The Levenberg-Marquardt damping cap of `jointStateParameterEstimate` (review T3): a run whose
/// every step fails must stop on the cap (lambda > 1e12), not on `maxIterations`, and return the
/// start unchanged, unconverged, with the unidentified coefficients' standard errors +infinity.
@Suite struct JointEstimationCapTests {
    /// Two variables: x identically 0, y = sin(t) sampled at 40 points; library 1, x, y, x*y.
    /// The support holds only terms that vanish on the data (x in x', x*y in y'), so every
    /// coefficient column P of the Jacobian is exactly 0 (0 times finite numbers, no rounding):
    /// the Schur complement W^T W is 0 and its damping lambda diag(C) is 0 too (diag(C) = 0, and
    /// the floor is relative to its largest entry), so the damped Schur system cannot be
    /// factored at any lambda and every step fails. This holds on every machine and BLAS (the
    /// solver is plain Swift loops, and the zeros are exact).
    static let n = 40, dt = 0.05
    static let exponents = [[0, 0], [1, 0], [0, 1], [1, 1]]
    static let data = Tensor(shape: [n, 2], scalars: (0..<n).flatMap { i in [0, sin(Double(i) * dt)] })

    /// [terms, 2] row-major: x' = -1 x, y' = 0.5 x y.
    static func start() -> [Double] {
        var c = [Double](repeating: 0, count: exponents.count * 2)
        c[1 * 2 + 0] = -1
        c[3 * 2 + 1] = 0.5
        return c
    }

    static func estimate(maxIterations: Int) -> JointEstimate? {
        var options = JointEstimationOptions()
        options.maxIterations = maxIterations
        return jointStateParameterEstimate(data, dt: dt, exponents: exponents, coefficients: start(), sigma: [0.01, 0.01],
                                           options: options)
    }

    @Test func repeatedFailedStepsStopOnTheDampingCap() throws {
        let capped = try #require(Self.estimate(maxIterations: 100))
        #expect(!capped.converged)
        // Stopped by the cap: fewer iterations than allowed, and the same number whatever the
        // limit (an iteration-limit stop would take all 100, or all 1000).
        #expect(capped.iterations >= 1 && capped.iterations < 100, "iterations \(capped.iterations)")
        let longer = try #require(Self.estimate(maxIterations: 1000))
        #expect(longer.iterations == capped.iterations && !longer.converged)
        // No step was accepted: the start and the data come back exactly.
        #expect(capped.coefficients == Self.start())
        #expect(capped.states.scalars == Self.data.scalars)
        // Neither coefficient is identified (its term is 0 on the trajectory): +infinity; 0 off the support.
        for (q, c) in Self.start().enumerated() {
            #expect(c == 0 ? capped.standardErrors[q] == 0 : capped.standardErrors[q] == .infinity, "entry \(q): \(capped.standardErrors[q])")
        }
        // A limit below the cap's count stops first, on the limit.
        let short = try #require(Self.estimate(maxIterations: capped.iterations - 1))
        #expect(short.iterations == capped.iterations - 1 && !short.converged)
    }
}
