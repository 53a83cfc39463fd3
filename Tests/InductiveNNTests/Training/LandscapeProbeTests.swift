import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct LandscapeProbeTests {
    /// On L(θ) = ½ θᵀAθ everything is known in closed form: g = Aθ,
    /// L(θ − ηg) = L(θ) − η gᵀg + ½ η² gᵀAg and ∇L(θ − ηg) − g = −η A g, so the effective
    /// smoothness is ‖Ag‖ / ‖g‖ at every step size. A is random SPD with known spectrum,
    /// built independently of the probe (Q diag(λ) Qᵀ with Q from a QR factorization).
    @Test func quadraticClosedForms() throws {
        let n = 6
        let q = try qr(normal([n, n], seed: 21)).q
        let lambdas = Tensor([0.5, 1, 2, 3, 5, 8])
        let a = matmul(q * lambdas.reshaped([1, n]), q, transposeB: true)
        let theta = normal([n], seed: 22)
        let probe = LandscapeProbe(at: [theta], stepSizes: [0.01, 0.05, 0.1]) { v in
            (v[0] * matmul(Variable(constant: a), v[0].reshaped([n, 1])).reshaped([n])).sum() * 0.5
        }
        let g = matmul(a, theta.reshaped([n, 1])).reshaped([n])
        let gg = (g * g).sumAll(), gAg = (g * matmul(a, g.reshaped([n, 1])).reshaped([n])).sumAll()
        let l0 = 0.5 * (theta * g).sumAll()
        // A handful of products of size ~10 per quantity: 1e-12 relative is slack.
        expectClose(probe.loss, l0, .exactAlgebra)
        expectClose(probe.gradientNorm, gg.squareRoot(), .exactAlgebra)
        for (eta, l) in zip(probe.stepSizes, probe.losses) {
            expectClose(l, l0 - eta * gg + 0.5 * eta * eta * gAg, .exactAlgebra)
        }
        let ag = matmul(a, g.reshaped([n, 1])).norm()
        expectClose(probe.effectiveSmoothness, ag / gg.squareRoot(), .exactAlgebra)
        #expect(probe.effectiveSmoothness <= 8 * (1 + 1e-12))
        let all = probe.losses + [l0]
        expectClose(probe.lossRange, all.max()! - all.min()!, .exactAlgebra)
    }

    /// Along an eigenvector of A with eigenvalue λ the effective smoothness is λ itself: the
    /// probe recovers the spectrum's extreme values.
    @Test func eigenvectorGivesItsEigenvalue() {
        let a = Tensor([[4, 1, 0], [1, 4, 0], [0, 0, 1]])  // eigenvalues 5 (along (1, 1, 0)), 3, 1
        let probe = LandscapeProbe(at: [Tensor([1, 1, 0])], stepSizes: [0.02, 0.1]) { v in
            (v[0] * matmul(Variable(constant: a), v[0].reshaped([3, 1])).reshaped([3])).sum() * 0.5
        }
        expectClose(probe.effectiveSmoothness, 5, .exactAlgebra)
    }
}
