import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct GradientDescentMSETests {
    /// A linear model f(x) = φ(x)·θ: its NTK is Φ Φ^T exactly, and gradient descent on it is
    /// the closed form, step for step.
    struct LinearModel {
        let features: Tensor      // Φ [N, P]
        let testFeatures: Tensor  // Φ* [M, P]
        var kernel: Tensor { features.gramRows() }
        var testTrainKernel: Tensor { matmul(testFeatures, features, transposeB: true) }
    }

    func problem(n: Int = 10, p: Int = 6, m: Int = 4, k: Int = 2, seed: UInt64 = 1) -> (LinearModel, Tensor, Tensor) {
        let model = LinearModel(features: normal([n, p], seed: seed), testFeatures: normal([m, p], seed: seed + 1))
        return (model, normal([n, k], seed: seed + 2), normal([p, k], seed: seed + 3, std: 0.3))
    }

    /// k steps of θ ← θ - η ∇L with L = ½|Φθ - Y|² (or the mean convention) against the
    /// discrete closed form, train and test. Both are exact; the loop accumulates rounding
    /// over 200 steps, hence 1e-10 relative. P < N makes K singular (rank 6 of 10): the
    /// closed form must stay exact there. Rounding is not amplified (|1 - η λ| < 1 with
    /// η λ_max ~ 0.6): the loop's error is <= steps (N + P) eps/2 max|f| ~ 1e-12 max|f| in the
    /// worst case; the closed form's (1 - η λ)^k with λ within N eps λ_max: <= k η N eps λ_max
    /// ~ 3e-13. Entries can be small by cancellation, so the absolute part is scale-aware:
    /// 1e-11 max|f| (the former fixed 1e-12 was at the worst case for |f| ~ 3).
    @Test(arguments: [MSEConvention.halfSum, .halfMean])
    func discreteClosedFormMatchesExplicitGradientDescent(_ convention: MSEConvention) throws {
        let (model, y, theta0) = problem()
        let eta = convention == .halfSum ? 0.02 : 0.02 * Double(y.count)
        let gd = try GradientDescentMSE(trainKernel: model.kernel, targets: y, learningRate: eta, convention: convention)
        let c = convention == .halfSum ? 1.0 : 1 / Double(y.count)
        var theta = theta0
        let f0 = matmul(model.features, theta0), f0Test = matmul(model.testFeatures, theta0)
        let steps = [0, 1, 7, 50, 200]
        let train = gd.trainOutputs(afterSteps: steps, initial: f0)
        let test = gd.testOutputs(afterSteps: steps, testTrainKernel: model.testTrainKernel, initialTrain: f0, initialTest: f0Test)
        var done = 0
        for (i, k) in steps.enumerated() {
            while done < k {
                let residual = matmul(model.features, theta) - y
                theta -= matmul(model.features, residual, transposeA: true) * (eta * c)
                done += 1
            }
            let loopTrain = matmul(model.features, theta), loopTest = matmul(model.testFeatures, theta)
            expectClose(train[i], loopTrain, rtol: 1e-10, atol: 1e-11 * loopTrain.norm(.infinity), "train, step \(k)")
            expectClose(test[i], loopTest, rtol: 1e-10, atol: 1e-11 * loopTest.norm(.infinity), "test, step \(k)")
        }
    }

    /// Continuous time: exp(-η K t) against the matrix exponential of the library, and
    /// discrete steps approach the flow as η → 0 at fixed η k (error O(η)); with η λ_max = 1e-4,
    /// the difference is ~1e-4 of the change.
    @Test func continuousTimeAndItsDiscreteLimit() throws {
        let (model, y, _) = problem()
        let k = model.kernel
        let gd = try GradientDescentMSE(trainKernel: k, targets: y, learningRate: 0.3)
        let t = 0.7
        let expected = y - matmul(try symmetricExp(k * (-0.3 * t)), y)
        // Both from an eigendecomposition of the same 10 x 10 K (||y|| ~ 4): <= c N eps ||y|| ~ 1e-14
        // per route; atol 1e-13 leaves ~5x over c = 1.
        expectClose(gd.trainOutputs(at: [t])[0], expected, rtol: 1e-12, atol: 1e-13)
        let lambdaMax = try eigvalsh(k).maxAll()
        let eta = 1e-4 / lambdaMax, steps = 5000
        let slow = try GradientDescentMSE(trainKernel: k, targets: y, learningRate: eta)
        let flow = slow.trainOutputs(at: [Double(steps)])[0], discrete = slow.trainOutputs(afterSteps: [steps])[0]
        let change = flow.norm()
        // Truncation, not rounding (rounding ~1e-13 of the change): the first-order difference
        // is ~η λ / 2 per unit of η λ t, about 1e-4 here; (1e-6, 2e-4) brackets it.
        #expect((flow - discrete).norm() / change < 2e-4)
        #expect((flow - discrete).norm() / change > 1e-6)  // and they do differ
    }

    /// t = ∞ is ridgeless kernel regression (pseudo-inverse) on test points and the targets'
    /// projection on range(K) on the training set.
    @Test func infiniteTimeIsKernelRegression() throws {
        let (model, y, _) = problem(n: 8, p: 12)  // P > N: K invertible, train fit exact
        // kappa(K) = ((sqrt 12 + sqrt 8) / (sqrt 12 - sqrt 8))^2 ~ 1e2: both pseudo-inverse solves
        // are within c N eps kappa ~ 2e-13 of max|f| (y ~ O(1)); 1e-9 / 1e-10 leave >= 500x;
        // the test predictions compared with a scale-aware atol 1e-11 max|f| (50x).
        let gd = try GradientDescentMSE(trainKernel: model.kernel, targets: y, learningRate: 0.1)
        expectClose(gd.trainOutputs(at: [.infinity])[0], y, rtol: 1e-9, atol: 1e-10)
        let krr = try KernelRidgeRegression(trainKernel: model.kernel, targets: y)
        let krrPrediction = krr.predict(testTrainKernel: model.testTrainKernel)
        expectClose(gd.testOutputs(at: [.infinity], testTrainKernel: model.testTrainKernel)[0],
                    krrPrediction, rtol: 1e-10, atol: 1e-11 * krrPrediction.norm(.infinity))
    }

    /// A kernel with repeated rows (exactly singular) and one that is singular up to 1e-17:
    /// every prediction is finite at every time, and t = ∞ equals the large-time limit
    /// where it exists (components along the null space never move).
    @Test func nearSingularKernelsStayFinite() throws {
        var x = normal([12, 3], seed: 9)
        x.assign([.index(5)], x.row(2))
        x.assign([.index(6)], x.row(2) + 1e-9)
        let mlp = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 1.4, biasStd: 0)
        let k = mlp.ntk(x)
        let y = normal([12], seed: 10)
        let xt = normal([5, 3], seed: 11)
        // η λ_max ≈ 1.1 < 2: the discrete steps converge too.
        let gd = try GradientDescentMSE(trainKernel: k, targets: y, learningRate: 0.05)
        let times: [Double] = [0, 1, 1e3, 1e8, 1e15, .infinity]
        for f in gd.trainOutputs(at: times) + gd.testOutputs(at: times, testTrainKernel: mlp.ntk(xt, x)) {
            #expect(f.isFinite)
        }
        for f in gd.trainOutputs(afterSteps: [1, 10_000]) { #expect(f.isFinite) }
        // No growth with t along the null space: t = 1e15 is t = ∞ to within the decay of
        // the smallest non-zero eigenvalue (~1e-9: exp(-0.05e-9 · 1e15) = 0).
        // The same eigensystem and the same 1/λ factors at both times: the rounding-level
        // eigenvalue of the duplicate row (|λ| <= 6e-16 on every kernel set) is under the cutoff
        // N eps λ_max = 6e-14 and never moves; the next (1e-9) has decayed to exp(-5e4) = 0. So
        // the two are identical as computed (measured 0); the tolerance allows another evaluation
        // order of the t = ∞ branch, whose terms of size 1/λ ~ 1e9 nearly cancel.
        let late = gd.testOutputs(at: [1e15, .infinity], testTrainKernel: mlp.ntk(xt, x))
        expectClose(late[0], late[1], rtol: 1e-6, atol: 1e-8)
    }

    /// Against neural-tangents 0.6.5 `predict.gradient_descent_mse` (its loss: ½ mean over
    /// all N k entries, `.halfMean`; its `diag_reg` is relative to trace(K)/N), train and test,
    /// at 5 times and at t = None (∞, its Cholesky path): 1e-10 relative (both are exact
    /// formulas on an 8 x 8 kernel of condition ~1e2): c N eps kappa ~ 2e-13 of the outputs'
    /// scale (O(1)), so atol 1e-12 leaves ~5x on entries near zero, rtol 500x elsewhere.
    @Test(arguments: ["plain", "reg"])
    func agreesWithNeuralTangents(_ tag: String) throws {
        let f = try fixture("nt_gd_mse.npz")
        let k = try f.tensor("k_train"), kst = try f.tensor("k_test_train"), y = try f.tensor("y")
        let f0 = try f.tensor("f0_train"), f0t = try f.tensor("f0_test")
        let times = try f.tensor("times").scalars
        let reg = tag == "reg" ? try f.tensor("diag_reg").scalar * k.trace / Double(k.shape[0]) : 0
        let gd = try GradientDescentMSE(trainKernel: k, targets: y, learningRate: try f.tensor("learning_rate").scalar,
                                        diagonalRegularization: reg, convention: .halfMean)
        let train = Tensor.stack(gd.trainOutputs(at: times, initial: f0))
        let test = Tensor.stack(gd.testOutputs(at: times, testTrainKernel: kst, initialTrain: f0, initialTest: f0t))
        expectClose(train, try f.tensor("\(tag)_train"), rtol: 1e-10, atol: 1e-12)
        expectClose(test, try f.tensor("\(tag)_test"), rtol: 1e-10, atol: 1e-12)
        expectClose(gd.trainOutputs(at: [.infinity], initial: f0)[0], try f.tensor("\(tag)_train_inf"), rtol: 1e-10, atol: 1e-12)
        expectClose(gd.testOutputs(at: [.infinity], testTrainKernel: kst, initialTrain: f0, initialTest: f0t)[0],
                    try f.tensor("\(tag)_test_inf"), rtol: 1e-10, atol: 1e-12)
    }

    /// The residual's coordinate along q_i decays by exactly (1 - η λ_i) per step.
    @Test func residualProjectionsDecayPerEigenvalue() throws {
        let (model, y, _) = problem()
        let gd = try GradientDescentMSE(trainKernel: model.kernel, targets: y, learningRate: 0.01)
        let p = gd.residualProjections(afterSteps: [0, 3])
        let lambda = gd.eigensystem.eigenvalues
        let factor = (1 - lambda * 0.01).map { Foundation.pow(Swift.max($0, 0), 3) }
        // The same projections scaled by a few roundings (pow, exp: ~3 eps relative): 1e-12 / 1e-14.
        // The direct projection goes through trainOutputs and back: c N eps ||y|| ~ 1e-14,
        // relative 1e-9 (atol 1e-12) covers entries small by cancellation with ~100x.
        expectClose(p[1], p[0] * factor.expandingDims(at: 1), rtol: 1e-12, atol: 1e-14)
        let direct = gd.eigensystem.project(gd.trainOutputs(afterSteps: [3])[0] - y)
        expectClose(p[1], direct, rtol: 1e-9, atol: 1e-12)
        let continuous = gd.residualProjections(at: [2])[0]
        expectClose(continuous, p[0] * exp(lambda * (-0.02)).expandingDims(at: 1), rtol: 1e-12, atol: 1e-14)
    }
}
