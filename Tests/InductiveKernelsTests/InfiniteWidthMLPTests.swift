import Foundation
import InductiveKernels
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct InfiniteWidthMLPTests {
    static let activations: [Double: Activation] = [0: .identity, 1: .relu, 2: .erf]

    func configurations() throws -> [(index: Int, mlp: InfiniteWidthMLP)] {
        let configs = try fixture("analytic_mpmath.npz").tensor("configs")
        return (0..<configs.shape[0]).map { c in
            (c, InfiniteWidthMLP(depth: Int(configs[c, 1]), activation: Self.activations[configs[c, 0]]!,
                                 weightStd: configs[c, 2], biasStd: configs[c, 3]))
        }
    }

    /// Every entry, including (x, x), (x, 2x), (x, -x), (x, 3x) and (x, x + 1e-9 v), against
    /// a 60-digit evaluation of the same recursion. 1e-10 relative is the bar; our
    /// worst is ~1e-15 (the angle is carried exactly). Entries below 1e-30 (ReLU of
    /// anti-parallel inputs without bias: 1e-62 .. 1e-17) are compared with an absolute
    /// floor of 1e-30, 1e-29 of the kernels' scale.
    @Test func agreesWithMpmathFixturesOnEveryEntry() throws {
        let f = try fixture("analytic_mpmath.npz")
        let x1 = try f.tensor("x1"), x2 = try f.tensor("x2")
        var worst = 0.0
        for (c, mlp) in try configurations() {
            let k12 = mlp.kernels(x1, x2), k11 = mlp.kernels(x1)
            for (name, ours) in [("nngp12", k12.nngp), ("ntk12", k12.ntk), ("nngp11", k11.nngp), ("ntk11", k11.ntk)] {
                let expected = try f.tensor("c\(c)_\(name)")
                expectClose(ours, expected, rtol: 1e-10, atol: 1e-30, "config \(c) \(mlp) \(name)")
                worst = Swift.max(worst, maxRelativeError(ours, expected))
            }
        }
        print("analytic kernels vs mpmath: max relative error \(worst)")
    }

    /// neural-tangents computes the ReLU angle from arctan2 of a square root that should be
    /// 0 on (x, x) and parallel pairs and loses ~1e-8 there (measured 2e-8 relative, and
    /// 1.3e-8 absolute, i.e. 7e-10 of the kernel's scale, on an anti-parallel entry that is
    /// 0 in theory); elsewhere, and for erf and identity, it is accurate to ~1e-14.
    /// Tolerances: ReLU 1e-7 relative with an absolute floor of 1e-9 times the kernel's
    /// largest entry; erf and identity 1e-12 relative.
    @Test func agreesWithNeuralTangentsAtItsAccuracy() throws {
        let f = try fixture("analytic_mpmath.npz"), nt = try fixture("nt_analytic.npz")
        let x1 = try f.tensor("x1"), x2 = try f.tensor("x2")
        for (c, mlp) in try configurations() {
            let k12 = mlp.kernels(x1, x2), k11 = mlp.kernels(x1)
            for (name, ours) in [("nngp12", k12.nngp), ("ntk12", k12.ntk), ("nngp11", k11.nngp), ("ntk11", k11.ntk)] {
                let theirs = try nt.tensor("c\(c)_\(name)")
                if mlp.activation == .relu {
                    expectClose(theirs, ours, rtol: 1e-7, atol: 1e-9 * ours.norm(.infinity), "config \(c) \(name)")
                } else {
                    // Entries that are small by cancellation (identity kernel without bias, erf of
                    // near-orthogonal inputs) carry ~30 eps max|K| from the first layer's dot products
                    // and ~10 operations per layer on either side: atol 64 eps max|K|, as below.
                    expectClose(theirs, ours, rtol: 1e-12, atol: 64 * Double.ulpOfOne * ours.norm(.infinity), "config \(c) \(name)")
                }
            }
        }
    }

    /// The symmetric computation K(x) agrees with the general one on the same pairs, and
    /// the kernels are symmetric PSD. At n = 260 the symmetric work is split over the cores in
    /// chunks of equal triangular work and mirrored in 64 x 64 tiles (5 bands).
    @Test(arguments: [Activation.relu, .erf, .identity], [30, 260])
    func symmetricPositiveSemidefinite(_ activation: Activation, _ n: Int) throws {
        let mlp = InfiniteWidthMLP(depth: 3, activation: activation, weightStd: 1.4, biasStd: 0.3)
        var x = normal([n, 4], seed: 5)
        x.assign([.index(3)], x.row(0) * 2)
        x.assign([.index(4)], x.row(1))
        let k = mlp.kernels(x), kk = mlp.kernels(x, x[rows: 0..<(n - 1)])
        #expect(asymmetry(k.ntk) == 0 && asymmetry(k.nngp) == 0)
        // Two computations of the same entries: the symmetric one (lower triangle, mirrored)
        // and the general one on a different second argument. They differ by rounding only,
        // and the first layer's dot products come from different BLAS routines (syrk vs gemm),
        // whose rounding depends on the kernel set: each entry carries an absolute error of a
        // few eps times the kernel's scale (4-term dot products, then ~10 operations per layer
        // for 3 layers: <= ~34 eps max|K|), which is large relative to entries that are small by
        // cancellation. Tolerance: rtol 1e-14 plus atol 64 eps max|K|.
        let ntkScale = abs(k.ntk).maxAll(), nngpScale = abs(k.nngp).maxAll()
        expectClose(kk.ntk, k.ntk.slice([.all, .range(0..<(n - 1))]), rtol: 1e-14, atol: 64 * Double.ulpOfOne * ntkScale)
        expectClose(kk.nngp, k.nngp.slice([.all, .range(0..<(n - 1))]), rtol: 1e-14, atol: 64 * Double.ulpOfOne * nngpScale)
        // PSD up to rounding: eigenvalues >= -1e-12 relative (a Gram matrix computed in
        // floating point can have eigenvalues of order -eps * n * |K|).
        #expect(try relativeMinimumEigenvalue(k.ntk) > -1e-12)
        #expect(try relativeMinimumEigenvalue(k.nngp) > -1e-12)
    }

    /// Depth 0 is the linear kernel s² x·x'/d + b²; ReLU depth 1 without bias matches the
    /// arc-cosine closed form on orthogonal inputs (θ = π/2: J = 1/π, Σ̇ = 1/4).
    @Test func closedFormsOnSimpleInputs() {
        let x: Tensor = [[1, 0], [0, 2]]
        let linear = InfiniteWidthMLP(depth: 0, activation: .relu, weightStd: 2, biasStd: 0.5).kernels(x)
        // Small binary fractions: exact (rtol 1e-15 only allows one rounding); depth 0 NTK is the NNGP.
        expectClose(linear.nngp, Tensor([[4 * 0.5 + 0.25, 0.25], [0.25, 4 * 2 + 0.25]]), rtol: 1e-15)
        expectClose(linear.ntk, linear.nngp, rtol: 0)
        let relu = InfiniteWidthMLP(depth: 1, activation: .relu, weightStd: 1, biasStd: 0).kernels(x)
        // Σ¹ = diag(1/2, 2); off-diagonal NNGP = sqrt(1/2 · 2) (1/π) / 2 = 1/(2π); NTK adds Σ̇ Θ¹ = 0.
        let offDiagonal: Double = 1 / (2 * Double.pi)
        // The off-diagonal entry passes ~10 roundings (two square roots and their product, the
        // rounded 1/π and π/2, products with s²/2, the layer's update) plus 2 in the reference:
        // <= 12 eps/2 = 1.3e-15 relative, so rtol 2e-15 (it was 1e-15, below that count; measured
        // 8.7e-16 = 5 ulp). The value is the same on every machine: the first layer's products
        // of small integers are exact and CKernels is compiled without FMA contraction, so all
        // clones round alike. The diagonal entries are exact binary fractions.
        expectClose(relu.nngp, Tensor([[0.25, offDiagonal], [offDiagonal, 1]]), rtol: 2e-15)
        expectClose(relu.ntk, Tensor([[0.5, offDiagonal], [offDiagonal, 2]]), rtol: 2e-15)  // 0.25 + 0.5·0.5, 1 + 0.5·2
    }

    /// A zero input without bias makes every ReLU pre-activation 0: the kernel is 0, not NaN.
    @Test func zeroRowsStayFinite() {
        let x: Tensor = [[0, 0, 0], [1, 2, 3]]
        for act in [Activation.relu, .erf, .identity] {
            let k = InfiniteWidthMLP(depth: 2, activation: act, weightStd: 1.2, biasStd: 0).kernels(x)
            #expect(k.ntk.isFinite && k.nngp.isFinite)
            #expect(k.ntk[0, 0] == 0 && k.ntk[0, 1] == 0)
        }
    }

    /// The finite network built by `network(...)` has the forward pass the kernel describes:
    /// its empirical NTK is the analytic one to within a Monte-Carlo error at width 2048.
    @Test func matchingFiniteNetworkIsClose() throws {
        let mlp = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 0.1)
        var rng = RandomGenerator(seed: 1)
        let net = mlp.network(inputSize: 3, width: 2048, using: &rng)
        let x = normal([6, 3], seed: 2)
        let relative = relativeError(try empiricalNTK(net, x), mlp.ntk(x))
        // The fluctuations are O(1/sqrt(width)) ≈ 0.02 relative; 0.1 leaves a margin of 5.
        #expect(relative < 0.1)
    }
}
