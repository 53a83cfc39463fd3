import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

/// A non-quadratic loss: mean squared error of a tanh unit on 6 fixed examples, theta in R^4.
private func tanhLoss(rows: [Int], seed: UInt64) -> ParameterLoss {
    let x = normal([6, 4], seed: seed).take(rows), y = normal([6], seed: seed + 1).take(rows)
    return { theta in
        let r = tanh(matmul(Variable(x), theta)) - Variable(y)
        return (r * r).mean()
    }
}

/// Central differences of a scalar function (h = 1e-5): truncation h^2 |f'''| / 6 ~ 1e-11 for
/// these O(1) losses, rounding 1e-16 |f| / h ~ 1e-11, so agreement to 1e-7 relative to the
/// gradient's size (4 coordinates) leaves four orders of margin.
private func centralDifferences(_ f: (Tensor) -> Double, at x: Tensor) -> Tensor {
    let h = 1e-5
    var out = Tensor.zeros(x.shape)
    for i in 0..<x.count {
        var a = x, b = x
        a[flat: i] += h
        b[flat: i] -= h
        out[flat: i] = (f(a) - f(b)) / (2 * h)
    }
    return out
}

@Suite struct BackwardErrorAnalysisTests {
    let theta = normal([4], seed: 31)

    @Test func gradientDescentModifiedLossGradientMatchesFiniteDifferences() {
        let loss = tanhLoss(rows: Array(0..<6), seed: 11)
        // eps = 1 makes the (eps/2) H grad C part as large as grad C itself, so an error in
        // the Hessian-vector product cannot hide under the tolerance.
        let eps = 1.0
        let exact = ModifiedLoss.gradientDescentGradient(at: theta, loss: loss, stepSize: eps)
        let fd = centralDifferences({ ModifiedLoss.gradientDescent(at: $0, loss: loss, stepSize: eps) }, at: theta)
        #expect((exact - fd).norm() < 1e-7 * fd.norm(), "exact \(exact.scalars), finite differences \(fd.scalars)")
        let plain = gradient(at: theta, of: loss)
        #expect((exact - plain).norm() > 1e-2 * fd.norm(), "the correction term is too small to be tested")
    }

    @Test func reshuffledModifiedLossGradientMatchesFiniteDifferences() {
        let losses = [tanhLoss(rows: [0, 1], seed: 12), tanhLoss(rows: [2, 3], seed: 12), tanhLoss(rows: [4, 5], seed: 12)]
        let eps = 0.7
        let exact = ModifiedLoss.randomReshufflingGradient(at: theta, batchLosses: losses, stepSize: eps)
        let fd = centralDifferences({ ModifiedLoss.randomReshuffling(at: $0, batchLosses: losses, stepSize: eps) }, at: theta)
        #expect((exact - fd).norm() < 1e-7 * fd.norm(), "exact \(exact.scalars), finite differences \(fd.scalars)")
        // The batch penalty differs from the penalty of the full loss (the gradient variance).
        let full: ParameterLoss = { t in (losses[0](t) + losses[1](t) + losses[2](t)) / 3 }
        let gd = ModifiedLoss.gradientDescentGradient(at: theta, loss: full, stepSize: eps)
        #expect((exact - gd).norm() > 1e-3 * fd.norm())
    }

    @Test func gradientNormPenaltyMatchesTheHessian() throws {
        // Independent route: the full Hessian (one reverse sweep per coordinate) times grad C.
        let loss = tanhLoss(rows: Array(0..<6), seed: 13)
        let (value, grad, mean) = gradientNormPenalty(at: theta, losses: [loss])
        let g = gradient(at: theta, of: loss)
        let h = hessian(at: theta, of: loss)
        // Sums of 4 products of O(1) numbers: rounding ~1e-15.
        expectClose(value, (g * g).sumAll(), rtol: 1e-13)
        #expect((mean - g).norm() < 1e-14 * g.norm())
        #expect((grad - 2 * matmul(h, g)).norm() < 1e-12 * grad.norm())
    }
}
