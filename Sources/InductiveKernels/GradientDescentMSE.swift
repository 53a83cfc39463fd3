import Foundation
import InductiveNN
import InductiveTensor

/// Which squared-error loss the gradient descent of `GradientDescentMSE` minimizes.
///
/// Both give the same trajectories up to a rescaling of time: with L = c/2 Σ_i |f(x_i) - y_i|²,
/// gradient flow on the linearized model is df/dt = -η c K (f - Y).
public enum MSEConvention: Sendable, Equatable {
    /// L = ½ Σ_i |f(x_i) - y_i|² (c = 1): f(t) = Y + exp(-η K t)(f_0 - Y), the formula of
    /// the notes and of the catalogue's experiments.
    case halfSum
    /// L = ½ mean over all N k entries of (f - Y)² (c = 1/(N k), k outputs): neural-tangents'
    /// `predict.gradient_descent_mse`, f(t) = Y + exp(-η K t / (N k))(f_0 - Y). Checked
    /// against neural-tangents 0.6.5: its `expm1_fn` divides by `y_train.size`.
    case halfMean
}

/// Gradient descent on a squared-error loss for a model linear in its parameters with
/// (neural tangent) kernel K — the infinite-width network, or the linearization of a finite
/// one — in closed form, on the training set and on test points, at any time.
///
/// Continuous time (gradient flow dθ/dt = -η ∇L, time t in units where one step of size η
/// takes t = 1), with η̃ = η c (see `MSEConvention`) and r_0 = f_0(X) - Y:
///
///     f(X, t)  = Y + exp(-η̃ K t) r_0,
///     f(x*, t) = f_0(x*) - K(x*, X) K⁻¹ (I - exp(-η̃ K t)) r_0.
///
/// Discrete time (k steps θ ← θ - η ∇L, exact for the linear model):
///
///     f(X, k)  = Y + (I - η̃ K)^k r_0,
///     f(x*, k) = f_0(x*) - K(x*, X) K⁻¹ (I - (I - η̃ K)^k) r_0.
///
/// Both act on each eigenvector q_i of K: the residual's component along q_i is multiplied
/// by exp(-η̃ λ_i t) or (1 - η̃ λ_i)^k. Everything goes through the eigendecomposition of K
/// (computed once), never Cholesky: K⁻¹(I - exp(-η̃Kt)) is evaluated as
/// -expm1(-η̃ λ t)/λ (at most η̃ t), so singular and near-singular kernels give finite
/// predictions at every time. Eigenvalues at or below N ε λ_max, and negative ones, are
/// rounding noise of a PSD kernel and count as 0 at every time (neural-tangents clamps
/// negative ones only): their components of the residual never move, and they add nothing
/// to test predictions (for K = J J^T, K(x*, X) vanishes on K's null space). At t = ∞
/// (pass `.infinity`) the test formula is the pseudo-inverse: ridgeless kernel regression.
/// Discrete steps diverge (exactly as gradient descent does) when η̃ λ_max > 2.
///
/// `diagonalRegularization` ρ replaces K by K + ρ I in the train dynamics and in K⁻¹
/// (absolute; neural-tangents' `diag_reg=r` is ρ = r · trace(K)/N).
///
/// Shapes: K [N, N] (lower triangle read; a traced kernel, each output evolving
/// independently, or a flattened full kernel [N k, N k] with Y flattened), Y [N] or [N, k];
/// outputs at T times: an array of T tensors shaped like Y (train) or [M] / [M, k] (test).
/// Cost: one O(N³) eigendecomposition, kept factored (the tridiagonal reduction and the
/// tridiagonal eigenvectors, without `dsyevd`'s final 2 N³ product: see
/// `KernelEigensystem.init(factoring:)`); then O((N + M) N k) per time, all times of a call
/// in one matrix product.
public struct GradientDescentMSE: Sendable {
    /// The eigensystem of K + ρ I (kept factored: its `eigenvectors` are formed on access).
    public let eigensystem: KernelEigensystem
    /// Y, [N] or [N, k].
    public let targets: Tensor
    /// η.
    public let learningRate: Double
    /// ρ.
    public let diagonalRegularization: Double
    /// The loss convention.
    public let convention: MSEConvention

    /// The rate η̃ = η c that multiplies K in the dynamics.
    public var effectiveRate: Double {
        switch convention {
        case .halfSum: return learningRate
        case .halfMean: return learningRate / Double(targets.count)
        }
    }

    /// - Throws: `LinearAlgebraError` if K or Y contains NaN or infinity.
    public init(trainKernel: Tensor, targets: Tensor, learningRate: Double = 1, diagonalRegularization: Double = 0,
                convention: MSEConvention = .halfSum) throws {
        precondition(trainKernel.rank == 2 && trainKernel.shape[0] == trainKernel.shape[1],
                     "GradientDescentMSE: the train kernel must be [N, N], got \(trainKernel.shape)")
        precondition(targets.shape.first == trainKernel.shape[0] && targets.rank <= 2,
                     "GradientDescentMSE: targets \(targets.shape) for a kernel \(trainKernel.shape): expected [N] or [N, k]")
        precondition(learningRate > 0 && learningRate.isFinite, "GradientDescentMSE: learning rate must be positive")
        precondition(diagonalRegularization >= 0, "GradientDescentMSE: diagonalRegularization must be >= 0")
        guard targets.isFinite else { throw NonFiniteInput(what: "GradientDescentMSE: the targets") }
        var k = trainKernel
        if diagonalRegularization > 0 {
            let n = k.shape[0]
            k.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i * n + i] += diagonalRegularization } }
        }
        // Kept factored: the predictions need V only applied to a few columns.
        eigensystem = try KernelEigensystem(factoring: k)
        self.targets = targets
        self.learningRate = learningRate
        self.diagonalRegularization = diagonalRegularization
        self.convention = convention
    }

    /// Training-set outputs f(X, t) at each continuous time t >= 0 (`.infinity` allowed),
    /// from f_0(X) = `initial` (default 0), shaped like Y.
    public func trainOutputs(at times: [Double], initial: Tensor? = nil) -> [Tensor] {
        trainOutputs(times.map { .continuous($0) }, initial: initial)
    }

    /// Training-set outputs after each number of discrete steps.
    public func trainOutputs(afterSteps steps: [Int], initial: Tensor? = nil) -> [Tensor] {
        trainOutputs(steps.map { .steps($0) }, initial: initial)
    }

    /// Test outputs f(x*, t) at continuous times, from the test-train kernel K(x*, X) [M, N],
    /// f_0(X) = `initialTrain` and f_0(x*) = `initialTest` (defaults 0).
    public func testOutputs(at times: [Double], testTrainKernel: Tensor, initialTrain: Tensor? = nil,
                            initialTest: Tensor? = nil) -> [Tensor] {
        testOutputs(times.map { .continuous($0) }, testTrainKernel: testTrainKernel, initialTrain: initialTrain, initialTest: initialTest)
    }

    /// Test outputs after each number of discrete steps.
    public func testOutputs(afterSteps steps: [Int], testTrainKernel: Tensor, initialTrain: Tensor? = nil,
                            initialTest: Tensor? = nil) -> [Tensor] {
        testOutputs(steps.map { .steps($0) }, testTrainKernel: testTrainKernel, initialTrain: initialTrain, initialTest: initialTest)
    }

    /// The coordinates q_i·(f(X, t) - Y) of the training residual in the eigenbasis of
    /// K + ρI (eigenvalues descending) at continuous times: r̃_i(t) = exp(-η̃ λ_i t) r̃_i(0).
    /// Each entry is shaped like Y.
    public func residualProjections(at times: [Double], initial: Tensor? = nil) -> [Tensor] {
        let r0 = eigensystem.project(residual(initial))
        return times.map { scaleRows(r0, factors(.continuous($0)).decay) }
    }

    /// The same after discrete steps: r̃_i(k) = (1 - η̃ λ_i)^k r̃_i(0).
    public func residualProjections(afterSteps steps: [Int], initial: Tensor? = nil) -> [Tensor] {
        let r0 = eigensystem.project(residual(initial))
        return steps.map { scaleRows(r0, factors(.steps($0)).decay) }
    }

    // MARK: Implementation

    enum Time { case continuous(Double), steps(Int) }

    func residual(_ initial: Tensor?) -> Tensor {
        guard let initial else { return -targets }
        precondition(initial.shape == targets.shape, "GradientDescentMSE: initial train outputs \(initial.shape), expected \(targets.shape)")
        return initial - targets
    }

    /// Per eigenvalue: the residual's decay d(λ) and g(λ) = (1 - d(λ)) / λ (the test weight).
    func factors(_ time: Time) -> (decay: [Double], gain: [Double]) {
        let rate = effectiveRate
        let cut = eigensystem.cutoff()
        var decay: [Double] = [], gain: [Double] = []
        for raw in eigensystem.eigenvalues.scalars {
            // Eigenvalues at rounding level (and rounding-level negative ones) are 0: their
            // components never move, and their gain is 0, not η̃t, so that the O(ε) leakage
            // of K(x*, X) onto K's null space cannot grow with t.
            let l = raw > cut ? raw : 0
            switch time {
            case .continuous(let t):
                precondition(t >= 0, "GradientDescentMSE: times must be >= 0, got \(t)")
                if l == 0 {
                    decay.append(1); gain.append(0)
                } else if t == .infinity {
                    decay.append(0); gain.append(1 / l)
                } else {
                    let e = Foundation.expm1(-rate * l * t)
                    decay.append(1 + e); gain.append(-e / l)
                }
            case .steps(let k):
                precondition(k >= 0, "GradientDescentMSE: steps must be >= 0, got \(k)")
                let x = rate * l
                if l == 0 {
                    decay.append(1); gain.append(0)
                } else if x < 1 {
                    // (1 - x)^k and 1 - (1 - x)^k without cancellation for small x.
                    let lg = Double(k) * Foundation.log1p(-x)
                    decay.append(Foundation.exp(lg)); gain.append(-Foundation.expm1(lg) / l)
                } else {
                    let d = Foundation.pow(1 - x, Double(k))
                    decay.append(d); gain.append((1 - d) / l)
                }
            }
        }
        return (decay, gain)
    }

    func trainOutputs(_ times: [Time], initial: Tensor?) -> [Tensor] {
        let c = eigensystem.project(residual(initial))
        let moved = eigensystem.reconstruct(spectralColumns(c, times.map { factors($0).decay }))  // [N, T k]
        return splitColumns(moved, count: times.count, like: targets).map { targets + $0 }
    }

    func testOutputs(_ times: [Time], testTrainKernel: Tensor, initialTrain: Tensor?, initialTest: Tensor?) -> [Tensor] {
        let n = eigensystem.count
        precondition(testTrainKernel.rank == 2 && testTrainKernel.shape[1] == n,
                     "GradientDescentMSE: test-train kernel \(testTrainKernel.shape), expected [M, \(n)]")
        let m = testTrainKernel.shape[0]
        let outShape = targets.rank == 1 ? [m] : [m, targets.shape[1]]
        let f0 = initialTest ?? Tensor.zeros(outShape)
        precondition(f0.shape == outShape, "GradientDescentMSE: initial test outputs \(f0.shape), expected \(outShape)")
        let c = eigensystem.project(residual(initialTrain))
        // K(x*, X) (V diag(g_t) c) for all times: the N x N product touches T k columns, not
        // the M x N x N product K(x*, X) V.
        let weights = eigensystem.reconstruct(spectralColumns(c, times.map { factors($0).gain }))  // [N, T k]
        return splitColumns(matmul(testTrainKernel, weights), count: times.count, like: f0).map { f0 - $0 }
    }

    /// [N, T k]: block t is diag(w_t) c, for c [N] or [N, k].
    func spectralColumns(_ c: Tensor, _ w: [[Double]]) -> Tensor {
        let n = c.shape[0], k = c.rank == 1 ? 1 : c.shape[1], t = w.count
        return Tensor(shape: [n, t * k]) { out in
            c.withUnsafeBufferPointer { cp in
                for i in 0..<n { for s in 0..<t { for a in 0..<k { out[i * t * k + s * k + a] = w[s][i] * cp[i * k + a] } } }
            }
        }
    }

    /// Splits [M, T k] into T tensors shaped like `like` ([M] or [M, k]).
    func splitColumns(_ x: Tensor, count t: Int, like: Tensor) -> [Tensor] {
        let m = x.shape[0], k = x.shape[1] / Swift.max(t, 1)
        return (0..<t).map { s in
            Tensor(shape: like.shape) { out in
                x.withUnsafeBufferPointer { xp in for i in 0..<m { for a in 0..<k { out[i * k + a] = xp[i * t * k + s * k + a] } } }
            }
        }
    }

    /// Row i of a [N] or [N, k] tensor times w[i].
    func scaleRows(_ x: Tensor, _ w: [Double]) -> Tensor {
        let weights = Tensor(w)
        return x.rank == 1 ? x * weights : x * weights.expandingDims(at: 1)
    }
}
