import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct GradientFlowTests {
    /// C = (1/2)(theta - c)^T A (theta - c) with eigenvalues 0.2 ... 5.
    static func quadratic(seed: UInt64) throws -> (a: Tensor, c: Tensor, loss: ParameterLoss) {
        let q = try qr(normal([5, 5], seed: seed)).q
        let a = matmul(matmul(q, Tensor.diagonal(Tensor([0.2, 0.5, 1, 2.5, 5]))), q, transposeB: true)
        let c = normal([5], seed: seed + 1)
        let loss: ParameterLoss = { t in
            let d = t - Variable(c)
            return (d * matmul(Variable(a), d)).sum() * 0.5
        }
        return (a, c, loss)
    }

    @Test func plainFlowMatchesTheClosedForm() throws {
        let (a, c, loss) = try Self.quadratic(seed: 41)
        let start = normal([5], seed: 43), time = 2.0
        let integrator = DormandPrince(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let (theta, stats) = try integrator.integrate(from: start, time: time) { -gradient(at: $0, of: loss) }
        let exact = c + matmul(try symmetricExp(-time * a), start - c)
        // The flow contracts, so local errors add up at most over the accepted steps; each is
        // below the tolerance 1e-10 |theta| + 1e-12 in the RMS norm over the 5 components,
        // so below sqrt(5) times that in the largest component.
        let bound = Double(stats.acceptedSteps) * 5.0.squareRoot() * (1e-10 * exact.norm(.infinity) + 1e-12)
        #expect((theta - exact).norm(.infinity) < bound, "error \((theta - exact).norm(.infinity)), bound \(bound), steps \(stats.acceptedSteps)")
        #expect(stats.acceptedSteps > 5 && stats.fieldEvaluations >= 6 * stats.acceptedSteps)
        let viaFlow = try GradientFlow.plain(loss, from: start, time: time, integrator: integrator)
        #expect((viaFlow - exact).norm(.infinity) < bound)
    }

    @Test func modifiedFlowMatchesItsClosedFormAndGradientDescent() throws {
        // For a quadratic, C~ = C + (eps/4)|A(theta - c)|^2 has Hessian A + (eps/2) A^2.
        let (a, c, loss) = try Self.quadratic(seed: 47)
        let start = normal([5], seed: 49), eps = 0.05, n = 20
        let time = eps * Double(n)
        let theta = try GradientFlow.modified(loss, stepSize: eps, from: start, time: time)
        let exact = c + matmul(try symmetricExp(-time * (a + eps / 2 * matmul(a, a))), start - c)
        // The same integration with its statistics (default tolerances 1e-10 relative, 1e-12
        // absolute): as in the plain-flow test, the contracting flow's error is at most the
        // accepted steps' local errors, each below √5 (1e-10 |θ|∞ + 1e-12) in the largest entry.
        let (direct, stats) = try DormandPrince().integrate(from: start, time: time) {
            -ModifiedLoss.gradientDescentGradient(at: $0, loss: loss, stepSize: eps)
        }
        let bound = Double(stats.acceptedSteps) * 5.0.squareRoot() * (1e-10 * exact.norm(.infinity) + 1e-12)
        #expect((direct - exact).norm(.infinity) < bound, "error \((direct - exact).norm(.infinity)), bound \(bound)")
        #expect((theta - exact).norm(.infinity) < bound, "error \((theta - exact).norm(.infinity)), bound \(bound)")
        // Gradient descent after n steps is closer to it than to the plain flow. Per eigenvalue
        // λ, GD multiplies by (1 − ελ)^n = exp(−n(ελ + ε²λ²/2 + ε³λ³/3 + …)), the modified flow
        // by exp(−n(ελ + ε²λ²/2)), the plain flow by exp(−nελ): to first order the distances are
        // in the ratio (nε³λ³/3) / (nε²λ²/2) = (2/3)ελ ≤ (2/3)(0.05)(5) = 0.167 (higher orders
        // lower it: 0.122 exactly at λ = 5). The norm ratio is at most the largest per-direction
        // ratio; 0.2 is the first-order bound with 20% to spare.
        var gd = start
        for _ in 0..<n { gd.addScaled(matmul(a, gd - c), -eps) }
        let plain = c + matmul(try symmetricExp(-time * a), start - c)
        #expect((gd - exact).norm() < 0.2 * (gd - plain).norm())
    }

    @Test func blowUpIsAnErrorNotACrash() {
        let integrator = DormandPrince(maximumSteps: 200)
        #expect(throws: IntegrationError.self) {
            // d theta/dt = theta^2 blows up at t = 1 from theta = 1.
            _ = try integrator.integrate(from: Tensor([1.0]), time: 2) { $0 * $0 }
        }
    }
}
