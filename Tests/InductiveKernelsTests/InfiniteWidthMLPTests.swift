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
    /// a 60-digit evaluation of the same recursion. 1e-10 relative is the issue's bar; our
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

    // MARK: The arc-cosine map's fast path (minimax polynomials) against references

    /// The variants this machine can run: every supported instruction-set level, both paths.
    static func supportedVariants() -> [ReLUKernelVariant] {
        ReLUKernelVariant.Level.allCases.filter { $0 != .best }.flatMap { level in
            [false, true].map { ReLUKernelVariant(level: level, reference: $0) }
        }.filter(\.isSupported)
    }

    /// Correlations for the map: a uniform grid of [-1, 1] (not the 40,001-point grid the
    /// bounds were first measured on), 1 ∓ 10⁻ᵏ for k = 0, 0.2, ..., 16 (within 1e-12 of ±1
    /// and closer), the 48 doubles next to ±1, and -1, 0, 1, ±1/2 with their neighbours.
    static func correlationGrid() -> [Double] {
        var rho = (0...30_010).map { -1 + 2 * Double($0) / 30_010 }
        for k in stride(from: 0.0, through: 16.0, by: 0.2) { rho += [1 - pow(10, -k), -1 + pow(10, -k)] }
        var x = 1.0
        for _ in 0..<48 { x = x.nextDown; rho += [x, -x] }
        rho += [-1, 0, 1, 0.5, -0.5, 0.5.nextUp, 0.5.nextDown, (-0.5).nextUp, (-0.5).nextDown]
        return rho
    }

    /// Random pairs (ρ, g) with g uniform in [0.3, 5] (the scale changes the rounding of c = g ρ
    /// and of m, so one scale's grid does not find every worst case): 20,000 ρ uniform in
    /// [-1, 1] and 20,000 each at -1 + 10⁻ᵗ and 1 - 10⁻ᵗ, t uniform in [0, 16] (θ near π,
    /// where κ₁'s error is largest, and near 0).
    static func randomPairs(seed: UInt64) -> (rho: [Double], g: [Double]) {
        var rng = RandomGenerator(seed: seed)
        var rho: [Double] = [], g: [Double] = []
        for k in 0..<60_000 {
            let r: Double
            switch k % 3 {
            case 0: r = rng.uniform(-1, 1)
            case 1: r = -1 + pow(10, -rng.uniform(0, 16))
            default: r = 1 - pow(10, -rng.uniform(0, 16))
            }
            rho.append(r)
            g.append(rng.uniform(0.3, 5))
        }
        return (rho, g)
    }

    /// The map's inputs for correlations ρ and scales g: c = g ρ (rounded) and the determinant
    /// g² - c² = (g - c)(g + c), rounded to double (the map and the reference both take this
    /// det as given: cos θ is defined by it), in Float80 where it exists, else from the exact
    /// products (fma) in double-double.
    static func mapInputs(_ rho: [Double], g: [Double]) -> (c: [Double], g: [Double], det: [Double]) {
        let c = zip(rho, g).map { $1 * $0 }
        let det = zip(c, g).map { ci, gi -> Double in
            #if arch(x86_64) || arch(i386)
            let g80 = Float80(gi), c80 = Float80(ci)
            return Double((g80 - c80) * (g80 + c80))
            #else
            let gg = gi * gi, cc = ci * ci
            return (gg - cc) + (fma(gi, gi, -gg) - fma(ci, ci, -cc))
            #endif
        }
        return (c, g, det)
    }

    /// The derived first-order bounds of the map's relative errors (units of u = 2⁻⁵³ = ε/2,
    /// one correctly rounded operation each; see `InfiniteWidthMLP` and relu_layer.c). Parts:
    /// m = Δ/(g(g + |c|)) 3 u; asin's own error 1.25 u (fast: the final addition 1 u, the
    /// polynomial term <= 0.047 x with ~5 u) or 2.2 u (Taylor: the last addition and the product
    /// by x); S(φ) = φ³ Q(φ²) 4.75 u (Q 0.54 u, t², ·u, ·t and the last addition 1 u each, the
    /// inner Horner steps 0.2 u); every product by 1/π 1.8 u (0.78 u in the constant, 1 u).
    /// The angle φ to the nearer of ±x': m/2 and its square root 2.5 u times asin's condition
    /// <= 1.1, plus asin's own: 4.0 u (Taylor 5.0 u), of which 2.35 u (3.3 u) does not come from m.
    /// - κ₀ = (π - θ)/π: φ plus 1.8 u = 5.8 u (6.8 u) for c < 0; π - φ at φ = π/2 for c >= 0:
    ///   (m's 3 u + fl(π/2)'s 0.55 u + φ's rounding 1.57 u + fl(π)'s 1.1 u) / (π/2) + 1 u + 1.8 u
    ///   = 6.8 u. Bound 6.8 u on both paths.
    /// - 1 - κ₁ = m - S/π for c >= 0 (a cancellation by at most 1/(1 - 0.209), at φ = 1): m's
    ///   3 u, plus S/π's own error times (S/π)/(1 - κ₁) <= 0.264, plus 1 u. At φ = 1 S's own
    ///   error is largest on the direct branch, sin φ - φ cos φ = 0.301 from 0.841 and 0.540:
    ///   (2 u · 0.841 + (2.35 + 1) u · 0.540 + 0.301 u) / 0.301 = 12.6 u (Taylor 14.3 u), so
    ///   3 + 0.264 (12.6 + 1.8) + 1 = 7.8 u (Taylor 8.3 u; the series branch gives 7.6, 8.3 u).
    ///   For c < 0, 1 - κ₁ >= 0.68 carries at most 5.5 u.
    /// - κ₁ near θ = π, κ₁ = S(φ)/π: m's 3 u through φ (m φ/S <= 1.53, 4.6 u), φ's own error
    ///   times S's condition φ² sin φ/S <= 3 (7.05 u; Taylor 9.9 u), S's own 4.75 u, 1/π 1.8 u:
    ///   18.2 u (Taylor 21.1 u); on the direct branch at φ = 1⁺: 4.6 + 12.6 + 1.8 = 19.0 u
    ///   (Taylor 4.6 + 14.3 + 1.8 = 20.7 u). For c >= 0 (no cancellation) at most 9.5 u.
    /// Higher-order terms are below 10⁻¹⁵ u.
    static func derivedBounds(reference: Bool) -> (kappa1: Double, oneMinusKappa1: Double, kappa0: Double) {
        reference ? (21.1, 8.3, 6.8) : (19.0, 7.8, 6.8)
    }

    #if arch(x86_64) || arch(i386)
    /// κ₁, 1 - κ₁, κ₀ of the same inputs in Float80 (64-bit significand) with the C library's
    /// long-double asin/acos/sin/cos, from the angle φ ∈ [0, π/2] to the nearer of ±x'
    /// (θ = φ for c >= 0, π - φ otherwise) and m = 1 - cos φ = Δ / (g (g + |c|)):
    /// φ = 2 asin(sqrt(m/2)) for m < 1/2 (acos(1 - m) would lose the digits of m), else
    /// acos(1 - m); S(φ) = sin φ - φ cos φ by its alternating series (20 terms) for φ < 1,
    /// where the difference cancels. Its error (~2⁻⁶³ relative, times <= 3) is ~1/1000 of
    /// the tolerances below. (Float80 exists on x86 only.)
    static func extendedReference(c: Double, g: Double, det: Double) -> (Double, Double, Double) {
        let g80 = Float80(g), c80 = Float80(c)
        let m = Swift.min(Float80(Swift.max(det, 0)) / (g80 * (g80 + Swift.abs(c80))), 1)
        let phi: Float80 = m < 0.5 ? 2 * asinl((m / 2).squareRoot()) : acosl(1 - m)
        var s: Float80
        if phi < 1 {
            // S(φ) = Σ_{k>=1} (-1)^(k+1) 2k φ^(2k+1) / (2k+1)!
            s = 0
            var term = phi * phi * phi / 6  // φ^(2k+1) / (2k+1)! for k = 1
            for k in 1...20 {
                s += (k % 2 == 1 ? 1 : -1) * Float80(2 * k) * term
                term *= phi * phi / Float80((2 * k + 2) * (2 * k + 3))
            }
        } else {
            s = sinl(phi) - phi * cosl(phi)
        }
        let pi80 = Float80.pi
        if c >= 0 {
            let kappa1 = (sinl(phi) + (pi80 - phi) * (1 - m)) / pi80
            return (Double(kappa1), Double(m - s / pi80), Double((pi80 - phi) / pi80))
        }
        let kappa1 = s / pi80
        return (Double(kappa1), Double(1 - kappa1), Double(phi / pi80))
    }

    /// Every variant of the map within its derived bound (`derivedBounds`) of the Float80
    /// reference, on the inputs (ρ, g). At ρ = ±1 the values are exact (checked exactly).
    /// Prints the measured maxima (in ε = 2u).
    static func checkAgainstExtendedPrecision(rho: [Double], scales: [Double], label: String) {
        let (c, g, det) = mapInputs(rho, g: scales)
        let reference = (0..<rho.count).map { extendedReference(c: c[$0], g: g[$0], det: det[$0]) }
        let u = Double.ulpOfOne / 2
        for variant in supportedVariants() {
            let bound = derivedBounds(reference: variant.reference)
            let map = InfiniteWidthMLP.reluArccosMap(covariance: c, rootProduct: g, determinant: det, variant: variant)
            var worst = (0.0, 0.0, 0.0)
            for k in rho.indices {
                let r = reference[k]
                func relative(_ a: Double, _ b: Double) -> Double { a == b ? 0 : Swift.abs(a - b) / Swift.abs(b) / u }
                let e = (relative(map.kappa1[k], r.0), relative(map.oneMinusKappa1[k], r.1), relative(map.kappa0[k], r.2))
                worst = (Swift.max(worst.0, e.0), Swift.max(worst.1, e.1), Swift.max(worst.2, e.2))
                #expect(e.0 <= bound.kappa1 && e.1 <= bound.oneMinusKappa1 && e.2 <= bound.kappa0,
                        "\(variant) rho \(rho[k]) g \(g[k]): errors \(e) u, bounds \(bound) u")
            }
            print("arccos map \(variant) \(label): max error kappa1 \(worst.0 / 2) eps, 1-kappa1 \(worst.1 / 2) eps, kappa0 \(worst.2 / 2) eps")
        }
    }

    /// The map on the dense ρ grid at two scales, and the ends exactly: ρ = 1 gives κ₁ = 1,
    /// κ₀ = 1; ρ = -1 gives κ₁ = 0, κ₀ = 0.
    @Test(arguments: [1.0, 3.7])
    func arccosMapWithinDerivedBoundOfExtendedPrecision(_ scale: Double) throws {
        let rho = Self.correlationGrid()
        Self.checkAgainstExtendedPrecision(rho: rho, scales: Array(repeating: scale, count: rho.count), label: "g=\(scale)")
        for variant in Self.supportedVariants() {
            let ends = InfiniteWidthMLP.reluArccosMap(covariance: [scale, -scale], rootProduct: [scale, scale],
                                                      determinant: [0, 0], variant: variant)
            #expect(ends.kappa1 == [1, 0] && ends.oneMinusKappa1 == [0, 1] && ends.kappa0 == [1, 0], "\(variant)")
        }
    }

    /// The map at 60,000 random (ρ, g) (`randomPairs`, two seeds) within the same bounds.
    @Test(arguments: [UInt64(71), 72])
    func arccosMapWithinDerivedBoundAtRandomScales(_ seed: UInt64) {
        let (rho, g) = Self.randomPairs(seed: seed)
        Self.checkAgainstExtendedPrecision(rho: rho, scales: g, label: "random scales, seed \(seed)")
    }
    #endif

    /// Every instruction-set level computes the same bits (CKernels has no FMA contraction),
    /// on both paths; and the fast path agrees with the reference within the sum of their
    /// derived bounds (`derivedBounds`: 19.0 + 21.1 u on κ₁, 7.8 + 8.3 u on 1 - κ₁, 6.8 + 6.8 u
    /// on κ₀), on the grid at one scale and on random scales (no Float80 needed: this runs on
    /// every architecture).
    @Test func arccosMapLevelsIdenticalAndPathsAgree() {
        let grid = Self.correlationGrid(), random = Self.randomPairs(seed: 73)
        let (c, g, det) = Self.mapInputs(grid + random.rho, g: Array(repeating: 0.83, count: grid.count) + random.g)
        let variants = Self.supportedVariants()
        #expect(variants.count >= 2)  // the baseline level on both paths, everywhere
        for reference in [false, true] {
            let maps = variants.filter { $0.reference == reference }
                .map { InfiniteWidthMLP.reluArccosMap(covariance: c, rootProduct: g, determinant: det, variant: $0) }
            for map in maps.dropFirst() {
                #expect(map.kappa1 == maps[0].kappa1 && map.oneMinusKappa1 == maps[0].oneMinusKappa1 && map.kappa0 == maps[0].kappa0)
            }
        }
        let fast = InfiniteWidthMLP.reluArccosMap(covariance: c, rootProduct: g, determinant: det)
        let slow = InfiniteWidthMLP.reluArccosMap(covariance: c, rootProduct: g, determinant: det,
                                                  variant: ReLUKernelVariant(reference: true))
        let u = Double.ulpOfOne / 2
        let (a, b) = (Self.derivedBounds(reference: false), Self.derivedBounds(reference: true))
        for k in c.indices {
            #expect(Swift.abs(fast.kappa1[k] - slow.kappa1[k]) <= (a.kappa1 + b.kappa1) * u * Swift.abs(slow.kappa1[k]))
            #expect(Swift.abs(fast.oneMinusKappa1[k] - slow.oneMinusKappa1[k]) <= (a.oneMinusKappa1 + b.oneMinusKappa1) * u * Swift.abs(slow.oneMinusKappa1[k]))
            #expect(Swift.abs(fast.kappa0[k] - slow.kappa0[k]) <= (a.kappa0 + b.kappa0) * u * Swift.abs(slow.kappa0[k]))
        }
    }

    /// Kernel matrices: every level and path, x1 != x2 and symmetric, inputs with repeated,
    /// parallel (3x), anti-parallel and nearly parallel (x + 1e-9 v, x + 1e-13 v) rows, n = 300
    /// so that the interleaved vector loop, its remainder and both cores' chunks all run.
    /// Each level gives the same bits as the default; the diagonal (ρ = 1) is the same on both
    /// paths (no polynomial term is non-zero there); fast and reference agree within 81 ε
    /// relative plus 81 ε max|K| (per layer the paths' κ₁ differ by <= 20.1 ε and κ₀ by
    /// <= 6.8 ε, the sums of the derived bounds, entering Σ and Θ linearly over 3 layers,
    /// 3 (20.1 + 6.8) ≈ 81 ε; the absolute floor covers entries small by cancellation, as in
    /// the symmetric test above).
    @Test(arguments: [0.0, 0.2])
    func kernelsOfEveryVariantAgree(_ biasStd: Double) {
        let mlp = InfiniteWidthMLP(depth: 3, activation: .relu, weightStd: 1.3, biasStd: biasStd)
        var x = normal([300, 7], seed: 41)
        let v = normal([1, 7], seed: 42).reshaped([7])
        x.assign([.index(3)], x.row(0))
        x.assign([.index(4)], x.row(1) * 3)
        x.assign([.index(5)], x.row(2) * -1)
        x.assign([.index(6)], x.row(7) + v * 1e-9)
        x.assign([.index(8)], x.row(9) + v * 1e-13)
        let y = normal([280, 7], seed: 43)
        for (a, b) in [(x, Optional(y)), (x, nil)] {
            let fast = mlp.kernels(a, b)
            let reference = mlp.kernels(a, b, reluVariant: ReLUKernelVariant(reference: true))
            for variant in Self.supportedVariants() {
                let k = mlp.kernels(a, b, reluVariant: variant)
                let expected = variant.reference ? reference : fast
                #expect(k.nngp == expected.nngp && k.ntk == expected.ntk, "\(variant)")
            }
            let eps = Double.ulpOfOne
            expectClose(fast.ntk, reference.ntk, rtol: 81 * eps, atol: 81 * eps * abs(reference.ntk).maxAll())
            expectClose(fast.nngp, reference.nngp, rtol: 81 * eps, atol: 81 * eps * abs(reference.nngp).maxAll())
            print("relu kernels fast vs reference (b = \(biasStd), \(b == nil ? "symmetric" : "x1 != x2")): ntk \(maxRelativeError(fast.ntk, reference.ntk)), nngp \(maxRelativeError(fast.nngp, reference.nngp))")
            if b == nil {
                for i in 0..<300 {
                    #expect(fast.ntk[i, i] == reference.ntk[i, i] && fast.nngp[i, i] == reference.nngp[i, i])
                }
            }
        }
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
