import CKernels
import Foundation
import InductiveNN
import InductiveTensor

/// The infinite-width limit of the multilayer perceptron
///
///     f(x) = Dense(s, b) ∘ [act ∘ Dense(s, b)]^L (x),   Dense(s, b): h ↦ (s / sqrt(fan_in)) h W + b_std b,
///
/// W, b ~ N(0, 1), in the NTK parameterization (Jacot et al. 2018; Lee et al. 2019): its
/// NNGP kernel Σ (the covariance of the outputs at initialization, Neal 1996; Lee et al.
/// 2018) and its neural tangent kernel Θ. `depth` is L, the number of hidden layers
/// (activations); the network has L + 1 dense layers and no activation after the last.
///
/// The recursion (exactly neural-tangents' `stax.serial(Dense(n, W_std=s, b_std=b), act,
/// ..., Dense(1, W_std=s, b_std=b))` with `kernel_fn(x1, x2, ('nngp', 'ntk'))`):
///
///     Σ⁰(x, x') = x·x' / d,
///     Σ¹ = s² Σ⁰ + b²,                    Θ¹ = Σ¹,
///     Σˡ⁺¹ = s² E[φ(u) φ(v)] + b²,        Θˡ⁺¹ = Σˡ⁺¹ + s² E[φ'(u) φ'(v)] Θˡ,
///
/// with (u, v) ~ N(0, [[Σˡ(x, x), Σˡ(x, x')], [Σˡ(x, x'), Σˡ(x', x')]]). The expectations
/// have closed forms for
/// - `.identity`: E[u v] = Σ(x, x'), E[1] = 1;
/// - `.relu` (arc-cosine kernels of degree 1 and 0, Cho and Saul 2009), with
///   cos θ = Σ(x, x') / sqrt(Σ(x, x) Σ(x', x')):
///   E[φφ] = sqrt(Σ(x,x) Σ(x',x')) (sin θ + (π - θ) cos θ) / (2π),  E[φ'φ'] = (π - θ) / (2π);
/// - `.erf` (Williams 1997), with p = (1 + 2Σ(x,x))(1 + 2Σ(x',x')):
///   E[φφ] = (2/π) asin(2Σ(x,x') / sqrt(p)),  E[φ'φ'] = (4/π) / sqrt(p - 4Σ(x,x')²).
///
/// Accuracy: the angle θ is never taken from arccos of a rounded correlation (which loses
/// half the digits near θ = 0: about 1e-8 on the (x, x) entries of a ReLU kernel). Each
/// pair carries the determinant Δ = Σ(x,x) Σ(x',x') - Σ(x,x')², computed without
/// cancellation: in the first layer as a² |x ∧ x'|² + a b² |x - x'|² (a = s²/d; the wedge
/// product's 2 x 2 minors by Kahan's FMA algorithm for d <= 256, else from the angle by
/// Kahan's 2 atan2(|x̂ - x̂'|, |x̂ + x̂'|)), only for pairs whose correlation exceeds
/// 1 - 1e-3 in magnitude (the plain formula is exact enough elsewhere), and in later ReLU
/// layers from the closed form
/// Δ' = A² g² (1 - J)(1 + J) + A b² ((√Σ(x,x) - √Σ(x',x'))² + 2g(1 - J)),  A = s²/2,
/// g = sqrt(Σ(x,x) Σ(x',x')), J = (sin θ + (π - θ) cos θ)/π, a sum of non-negative terms.
/// Then 1 ∓ cos θ = Δ / (g (g ± Σ(x, x'))) and θ follow to a few ulps, for repeated,
/// parallel (x' = c x) and anti-parallel rows alike. The result agrees with a 60-digit
/// evaluation of the recursion to 5e-14 relative on every entry of the test fixtures.
///
/// The ReLU arc-cosine map (θ, κ₀ = (π - θ)/π, κ₁ = J, 1 - J from Δ) uses minimax
/// polynomials: asin x = x + x³ P(x²) on |x| <= 1/2 (P of degree 12, relative error
/// <= 1.2e-16, weighted by x² P <= 0.047) and sin φ - φ cos φ = φ³ Q(φ²) on φ <= 1 (Q of
/// degree 7, <= 6e-17). First-order error bounds, counting u = 2⁻⁵³ = ε/2 for each
/// correctly rounded operation (derivation in relu_layer.c and `InfiniteWidthMLPTests`'
/// `derivedBounds`): the paths share m = 1 - |cos θ| = Δ/(g(g + |c|)) (3 roundings: 3 u) and
/// differ only in the polynomials (asin within 1.25 u on the fast path, 2.2 u on the Taylor
/// one; S(φ) = sin φ - φ cos φ within 4.75 u on both); the angle φ ∈ [0, π/2] to the nearer
/// of ±x' then carries <= 4.0 u (Taylor 5.0 u), and κ₀ <= 6.8 u, 1 - κ₁ <= 7.8 u (Taylor
/// 8.3 u) and κ₁ <= 19.0 u (Taylor 21.1 u): κ₁ = S(φ)/π near θ = π triples φ's error (S's
/// condition φ² sin φ/S <= 3), and at θ = π - 1 the direct sin θ + (π - θ) cos θ cancels
/// 4.6-fold. In ε: 3.4, 3.9, 9.5 (Taylor 3.4, 4.2, 10.6), the tolerances of the tests
/// against a Float80 evaluation of the map from the same (Σ12, g, Δ). Measured maxima
/// there (a dense ρ grid at g = 1 and 3.7, 2 x 60,000 random (ρ, g) with g ∈ [0.3, 5]):
/// fast κ₀ 2.04, 1 - κ₁ 1.99, κ₁ 4.65 ε; Taylor 2.32, 1.99, 5.89 ε; an independent check
/// against 130 digits with other random scales found fast 2.06, 1.96, 5.41 ε and Taylor
/// 2.70, 1.87, 6.24 ε (the random scales give larger errors than one scale's grid: at g = 1
/// fast 1.75, 1.46, 4.00 ε).
/// At ρ = ±1 (Δ = 0) both paths give the same exact
/// values (m = 0: no polynomial term is non-zero), so the diagonal is unchanged. Per layer
/// the kernel's relative error grows by at most these amounts times the recursion's
/// condition (Θ ← Σ + s² κ₀/2 Θ adds them linearly): the fast and reference kernels differ
/// by at most 9.4e-16 relative on the 2000 x 2000 benchmark inputs (depth 3).
public struct InfiniteWidthMLP: Sendable, Equatable {
    /// L, the number of hidden layers (activations); 0 gives the linear kernel s² x·x'/d + b².
    public var depth: Int
    /// `.identity`, `.relu` or `.erf` (the activations with closed-form kernels here).
    public var activation: Activation
    /// s, the weight standard deviation (scale of x W / sqrt(fan_in)).
    public var weightStd: Double
    /// b_std, the bias standard deviation (0: no bias).
    public var biasStd: Double

    /// The activations with a closed-form infinite-width kernel in this type.
    public static let supportedActivations: [Activation] = [.identity, .relu, .erf]

    /// True when `activation` has a closed form here (use before building from user input).
    public static func supports(_ activation: Activation) -> Bool { supportedActivations.contains(activation) }

    /// - Precondition: depth >= 0, a supported activation, finite non-negative stds.
    public init(depth: Int, activation: Activation, weightStd: Double, biasStd: Double = 0) {
        precondition(depth >= 0, "InfiniteWidthMLP: depth must be >= 0, got \(depth)")
        precondition(Self.supports(activation), "InfiniteWidthMLP: no closed form for \(activation) (identity, relu, erf)")
        precondition(weightStd.isFinite && weightStd >= 0 && biasStd.isFinite && biasStd >= 0,
                     "InfiniteWidthMLP: standard deviations must be finite and >= 0")
        self.depth = depth
        self.activation = activation
        self.weightStd = weightStd
        self.biasStd = biasStd
    }

    /// The NNGP Σ(x1_i, x2_j) and NTK Θ(x1_i, x2_j) of the network's (scalar) output, each
    /// of shape [n1, n2], for inputs x1 [n1, d] and x2 [n2, d] (x2 = nil or equal to x1:
    /// the symmetric half is computed once). For k outputs the kernels are Σ ⊗ I_k, Θ ⊗ I_k.
    ///
    /// Cost: one n1 x n2 x d matrix product, then O(n1 n2) scalar work per layer (for ReLU
    /// about 80 flops, 1 division and 2 square roots per entry, vectorized), split over the
    /// cores; memory: four n1 x n2 buffers.
    public func kernels(_ x1: Tensor, _ x2: Tensor? = nil) -> (nngp: Tensor, ntk: Tensor) {
        kernels(x1, x2, reluVariant: ReLUKernelVariant())
    }

    /// `kernels(_:_:)` with the ReLU layers run by a chosen variant (for tests and
    /// benchmarks; other activations ignore it).
    /// - Precondition: `reluVariant.isSupported`.
    public func kernels(_ x1: Tensor, _ x2: Tensor?, reluVariant: ReLUKernelVariant) -> (nngp: Tensor, ntk: Tensor) {
        precondition(x1.rank == 2, "InfiniteWidthMLP: x1 must be [n1, d], got \(x1.shape)")
        if let x2 {
            precondition(x2.rank == 2 && x2.shape[1] == x1.shape[1],
                         "InfiniteWidthMLP: x1 \(x1.shape) and x2 \(x2.shape) must be [n, d] with the same d")
        }
        precondition(reluVariant.isSupported, "InfiniteWidthMLP: \(reluVariant.level) is not supported on this machine")
        return AnalyticRecursion(mlp: self, x1: x1, x2: x2, variant: reluVariant).run()
    }

    /// The ReLU layer's arc-cosine map as the kernels apply it, for n pairs: from the
    /// covariance c = Σ12, g = sqrt(Σ11 Σ22) and the determinant Δ = Σ11 Σ22 - Σ12² (each
    /// [n]; cos θ = c / g, 1 - |cos θ| = Δ / (g (g + |c|))), returns
    /// κ₁ = (sin θ + (π - θ) cos θ)/π, 1 - κ₁ and κ₀ = (π - θ)/π. g <= 0 gives 0, 1, 0.
    /// O(n). - Precondition: equal lengths, `variant.isSupported`.
    public static func reluArccosMap(covariance c: [Double], rootProduct g: [Double], determinant: [Double],
                                     variant: ReLUKernelVariant = ReLUKernelVariant())
        -> (kappa1: [Double], oneMinusKappa1: [Double], kappa0: [Double]) {
        let n = c.count
        precondition(g.count == n && determinant.count == n, "reluArccosMap: c, g and determinant must have equal lengths")
        precondition(variant.isSupported, "reluArccosMap: \(variant.level) is not supported on this machine")
        var j = [Double](repeating: 0, count: n), omj = j, halfKappa0 = j
        let level = inductive_relu_arccos_map(variant.level.rawValue, variant.reference ? 1 : 0, n, c, g, determinant,
                                              &j, &omj, &halfKappa0)
        precondition(level >= 0, "reluArccosMap: the C kernel refused \(variant.level)")
        return (j, omj, halfKappa0.map { 2 * $0 })
    }

    /// Θ(x1, x2), shape [n1, n2] (see `kernels`).
    public func ntk(_ x1: Tensor, _ x2: Tensor? = nil) -> Tensor { kernels(x1, x2).ntk }

    /// Σ(x1, x2), shape [n1, n2] (see `kernels`).
    public func nngp(_ x1: Tensor, _ x2: Tensor? = nil) -> Tensor { kernels(x1, x2).nngp }

    /// The NTK as a `Kernel` value (for kernel regression, group averaging).
    public var ntkKernel: Kernel { let m = self; return Kernel { m.ntk($0, $1) } }

    /// The NNGP kernel as a `Kernel` value.
    public var nngpKernel: Kernel { let m = self; return Kernel { m.nngp($0, $1) } }

    /// A finite network of this architecture: `Sequential` of L + 1 `Dense` layers with
    /// `.ntk(weightStd:biasStd:)`, hidden width `width`, `outputs` outputs, all parameters
    /// N(0, 1), drawn from `rng`. Biases are present when biasStd > 0 (the stax default
    /// `b_std=None` is biasStd 0). Its empirical NTK tends to `ntk(_:_:)` ⊗ I as width grows.
    public func network(inputSize: Int, width: Int, outputs: Int = 1, using rng: inout RandomGenerator) -> Sequential {
        let sizes = [inputSize] + Array(repeating: width, count: depth) + [outputs]
        var layers: [any Layer] = []
        for l in 0...depth {
            layers.append(Dense(inputSize: sizes[l], outputSize: sizes[l + 1], activation: l < depth ? activation : .identity,
                                parameterization: .ntk(weightStd: weightStd, biasStd: biasStd),
                                useBias: biasStd > 0, using: &rng))
        }
        return Sequential(layers)
    }
}

/// Which implementation runs the ReLU layers of `InfiniteWidthMLP`: the instruction-set
/// level of the C kernel (every supported level gives the same bits: no FMA contraction)
/// and the path (the minimax polynomials by default, or the Taylor-series reference).
public struct ReLUKernelVariant: Sendable, Equatable {
    /// The C kernel's vectorization levels.
    public enum Level: Int32, Sendable, CaseIterable {
        /// The best level the machine supports (what `kernels(_:_:)` runs).
        case best = 0
        /// The baseline ISA (SSE2 on x86-64; the only one elsewhere).
        case baseline = 1
        case avx2 = 2
        case avx512f = 3
    }

    public var level: Level
    /// false: minimax polynomials (the default); true: the Taylor series of the kernel
    /// before the fast path (27 + 11 terms), kept as the reference.
    public var reference: Bool

    public init(level: Level = .best, reference: Bool = false) {
        self.level = level
        self.reference = reference
    }

    /// True when this build has the level and the CPU and OS support it (`.best` always).
    public var isSupported: Bool { level == .best || inductive_relu_level_supported(level.rawValue) == 1 }
}

/// The per-pair state of the recursion and its layer maps (see `InfiniteWidthMLP`).
struct AnalyticRecursion {
    let mlp: InfiniteWidthMLP
    let x1: Tensor
    let x2: Tensor?
    var variant = ReLUKernelVariant()

    func run() -> (nngp: Tensor, ntk: Tensor) {
        let n1 = x1.shape[0], d = x1.shape[1]
        let symmetric = x2 == nil || x2! == x1
        let other = x2 ?? x1
        let n2 = other.shape[0]
        let s2 = mlp.weightStd * mlp.weightStd, b2 = mlp.biasStd * mlp.biasStd
        let a = d > 0 ? s2 / Double(d) : 0
        let relu = mlp.activation == .relu

        let gram = symmetric ? x1.gramRows() : matmul(x1, other, transposeB: true)
        let sq1 = rowSquaredNorms(x1), sq2 = symmetric ? sq1 : rowSquaredNorms(other)
        var q1 = sq1.map { a * $0 + b2 }, q2 = sq2.map { a * $0 + b2 }
        let pairs = n1 * n2
        if relu {
            // One pass in C (`inductive_relu_kernels`): first layer, exact determinants of
            // near-parallel pairs, all layers row by row; the square roots of every layer's
            // diagonal first.
            var roots1: [Double] = [], roots2: [Double] = []
            var d1 = q1, d2 = q2
            for _ in 0..<mlp.depth {
                roots1 += d1.map { $0.squareRoot() }
                roots2 += d2.map { $0.squareRoot() }
                d1 = d1.map { diagonalLayer($0, s2: s2, b2: b2) }
                d2 = d2.map { diagonalLayer($0, s2: s2, b2: b2) }
            }
            // The Gram matrix becomes the NNGP in place (no third n1 x n2 buffer).
            var nngp = consume gram
            var ntk = Tensor(shape: [n1, n2]) { _ in }  // every entry written below (lower triangle, then mirror)
            nngp.withUnsafeMutableBufferPointer { pq in
                ntk.withUnsafeMutableBufferPointer { pt in
                    let buffers = PairBuffers(q12: pq.baseAddress!, theta: pt.baseAddress!)
                    let arrays = (x1, other), diagonals = (sq1, sq2, q1, q2, roots1, roots2), depth = mlp.depth
                    let level = variant.level.rawValue, reference: Int32 = variant.reference ? 1 : 0
                    parallelChunks(rows: n1, work: n2 * (depth + 1), triangular: symmetric) { rows in
                        arrays.0.withUnsafeBufferPointer { px1 in
                            arrays.1.withUnsafeBufferPointer { px2 in
                                _ = inductive_relu_kernels_variant(
                                    level, reference, rows.lowerBound, rows.upperBound, n1, n2, symmetric ? 1 : 0, depth, d,
                                    px1.baseAddress!, px2.baseAddress!, diagonals.0, diagonals.1,
                                    a, s2, b2, diagonals.2, diagonals.3, diagonals.4, diagonals.5,
                                    buffers.q12, buffers.theta)
                            }
                        }
                    }
                    if symmetric { mirrorLowerTriangle(buffers, n: n1) }
                }
            }
            return (nngp, ntk)
        }
        // Identity and erf: no determinant needed (see `layer`); Σ¹ = Θ¹ in two buffers.
        func firstLayer() -> Tensor {
            Tensor(shape: [n1, n2]) { out in
                gram.withUnsafeBufferPointer { g in for p in 0..<pairs { out[p] = a * g[p] + b2 } }
            }
        }
        var q12 = firstLayer(), theta = firstLayer()
        q12.withUnsafeMutableBufferPointer { pq in
            theta.withUnsafeMutableBufferPointer { pt in
                let buffers = PairBuffers(q12: pq.baseAddress!, theta: pt.baseAddress!)
                for _ in 0..<mlp.depth {
                    let (c1, c2) = (q1, q2)
                    parallelChunks(rows: n1, work: n2, triangular: symmetric) { rows in
                        self.layer(rows: rows, n2: n2, lowerOnly: symmetric, q1: c1, q2: c2, s2: s2, b2: b2, buffers: buffers)
                    }
                    q1 = q1.map { diagonalLayer($0, s2: s2, b2: b2) }
                    q2 = symmetric ? q1 : q2.map { diagonalLayer($0, s2: s2, b2: b2) }
                }
                if symmetric { mirrorLowerTriangle(buffers, n: n1) }
            }
        }
        return (q12, theta)
    }

    /// Copies the computed lower triangle of both kernels into the upper one.
    /// In tiles of 64 x 64 (the column-wise writes of a plain loop miss the cache on every
    /// entry of a large kernel), the row bands of tiles split over the cores.
    func mirrorLowerTriangle(_ buffers: PairBuffers, n: Int) {
        let tile = 64, bands = (n + tile - 1) / tile
        parallelChunks(rows: bands, work: n * tile, triangular: true) { range in
            for band in range {
                let i0 = band * tile, i1 = Swift.min(i0 + tile, n)
                for j0 in stride(from: 0, to: i1, by: tile) {
                    let j1 = Swift.min(j0 + tile, n)
                    for i in i0..<i1 { for j in j0..<Swift.min(j1, i) {
                        buffers.q12[j * n + i] = buffers.q12[i * n + j]
                        buffers.theta[j * n + i] = buffers.theta[i * n + j]
                    } }
                }
            }
        }
    }

    /// Σ(x, x) after one more layer.
    func diagonalLayer(_ q: Double, s2: Double, b2: Double) -> Double {
        switch mlp.activation {
        case .relu: return s2 * q / 2 + b2
        case .erf: return s2 * (2 / Double.pi) * atan2(2 * q, (1 + 4 * q).squareRoot()) + b2
        default: return s2 * q + b2
        }
    }

    /// One erf or identity layer for the pairs in `rows`: q12 <- s^2 E[phi phi] + b^2,
    /// theta <- q12_new + s^2 E[phi' phi'] theta (ReLU layers run in `inductive_relu_kernels`).
    /// With `lowerOnly`, only the pairs j <= i (the lower triangle of a symmetric kernel).
    func layer(rows: Range<Int>, n2: Int, lowerOnly: Bool, q1: [Double], q2: [Double], s2: Double, b2: Double, buffers: PairBuffers) {
        let q12 = buffers.q12, theta = buffers.theta
        switch mlp.activation {
        case .erf:
            for i in rows {
                let a1 = q1[i]
                for j in 0..<(lowerOnly ? i + 1 : n2) {
                    let p = i * n2 + j
                    let a2 = q2[j], c = q12[p]
                    // (1 + 2 q11)(1 + 2 q22) - 4 q12^2 = 1 + 2 (q11 + q22) + 4 (q11 q22 - q12^2):
                    // a sum of non-negative terms, so no cancellation even for x = x'.
                    let r = (1 + 2 * (a1 + a2) + 4 * Swift.max(a1 * a2 - c * c, 0)).squareRoot()
                    let next = s2 * (2 / Double.pi) * atan2(2 * c, r) + b2
                    theta[p] = next + s2 * (4 / Double.pi) / r * theta[p]
                    q12[p] = next
                }
            }
        default:
            for i in rows {
                for j in 0..<(lowerOnly ? i + 1 : n2) {
                    let p = i * n2 + j
                    let next = s2 * q12[p] + b2
                    theta[p] = next + s2 * theta[p]
                    q12[p] = next
                }
            }
        }
    }
}

/// Raw pointers to the per-pair buffers, shared by the worker threads (disjoint rows).
struct PairBuffers: @unchecked Sendable {
    let q12: UnsafeMutablePointer<Double>
    let theta: UnsafeMutablePointer<Double>
}

// The ReLU layers themselves (`inductive_relu_kernels`, in the C target CKernels so that it is
// vectorized for the host at run time) computes, per pair, with m = 1 - |cos θ| =
// det / (g (g + |q12|)) (exact, no cancellation) and φ = θ when cos θ >= 0, π - θ otherwise:
//   φ = 2 asin(sqrt(m/2)) if m < 1/2, else π/2 - asin(1 - m)   (asin arguments <= 1/2,
//       by a minimax polynomial; the reference path: its Taylor series),
//   J = (sin θ + (π - θ) cos θ)/π, except J = S(π - θ)/π near θ = π,
//   1 - J = m - S(θ)/π near θ = 0, with S(φ) = sin φ - φ cos φ by its series,
//   E[φ'φ'] = (π - θ)/(2π), and the new det from the closed form in the doc comment above.
// A zero input without bias (g = 0) gives J = 0, E[φ'φ'] = 0: relu and relu' vanish at 0.

/// Squared Euclidean norm of each row of a matrix.
func rowSquaredNorms(_ x: Tensor) -> [Double] {
    let n = x.shape[0], d = x.shape[1]
    return x.withUnsafeBufferPointer { p in
        (0..<n).map { i in
            var s = 0.0
            for k in 0..<d { s += p[i * d + k] * p[i * d + k] }
            return s
        }
    }
}

/// Below this many scalar operations (rows x work) `parallelChunks` runs serially.
let parallelWorkThreshold = 40_000

/// Runs `body` on disjoint ranges of 0..<rows on all cores (serially when the total work,
/// rows x `work` scalar operations, is too small to pay for threads). With `triangular`, row
/// i costs i + 1 units (the lower triangle of a symmetric kernel): the ranges are cut where
/// the cumulative work i(i+1)/2 crosses equal shares, so that every chunk costs the same.
/// (`Parallel.forEachRange` splits into equal ranges only; this adds the triangular balance.)
func parallelChunks(rows: Int, work: Int, triangular: Bool = false, _ body: @Sendable (Range<Int>) -> Void) {
    let cores = Parallel.cores  // read once per process: activeProcessorCount costs system calls
    if cores <= 1 || rows < 2 || rows * work < parallelWorkThreshold {
        body(0..<rows)
        return
    }
    let chunks = Swift.min(rows, cores * 4)
    let bounds = chunkBounds(rows: rows, chunks: chunks, triangular: triangular)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let start = bounds[c], end = bounds[c + 1]
        if start < end { body(start..<end) }
    }
}

/// chunks + 1 increasing row boundaries from 0 to rows: equal row counts, or (triangular)
/// equal shares of Σ_{i < b} (i + 1) = b(b+1)/2, i.e. b_c ≈ rows sqrt(c / chunks).
func chunkBounds(rows: Int, chunks: Int, triangular: Bool) -> [Int] {
    (0...chunks).map { c in
        if !triangular { return rows * c / chunks }
        if c == chunks { return rows }
        let b = Int((Double(rows) * (Double(c) / Double(chunks)).squareRoot()).rounded())
        return Swift.min(Swift.max(b, 0), rows)
    }
}
