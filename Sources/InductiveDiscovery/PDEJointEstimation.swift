import Foundation
import InductiveTensor

/// The time collocation of `pdeJointEstimate`: which discrete form of u_t = f(u) the denoised
/// field must satisfy between samples.
public enum PDECollocationRule: String, Sendable, Equatable, CaseIterable {
    /// U_(i+1) - U_i = dt/2 (f_i + f_(i+1)) for every step: second order (clean-data bias O(dt^2)).
    case trapezoid
    /// U_(i+2) - U_i = dt/3 (f_i + 4 f_(i+1) + f_(i+2)) for every window of two steps (Simpson's
    /// rule on overlapping windows, i.e. the implicit Milne-Simpson two-step method): fourth
    /// order, one defect per sample like the trapezoid. As a recursion it leaves two initial
    /// fields free (the trapezoid one) and has a parasitic root -(1 - z/3) + O(z^2) (z = lambda
    /// dt; |root| > 1 for every dissipative mode, -> -3.73 as z -> -infinity), a sawtooth in
    /// time that the rule alone does not damp: in this least squares the data term pins it
    /// (the problem stays well posed), but for stiff terms (dt |c| (pi/dx)^m >> 1) the normal
    /// equations get ill-conditioned. The trapezoid is A-stable (|root| < 1 for z < 0).
    case simpson
}

/// Settings of `pdeJointEstimate`.
public struct PDEJointEstimationOptions: Sendable, Equatable {
    /// The collocation tolerance tau: each defect enters divided by tau sigma (a model error of
    /// tau sigma per step). nil: 1 / (time samples), as `JointEstimationOptions.tolerance`.
    public var tolerance: Double? = nil
    /// The time collocation (default Simpson: on clean held-out Burgers data the joint estimate
    /// with the trapezoid is biased by 0.155% of the viscosity, Simpson's by 0.0013%).
    public var collocation: PDECollocationRule = .simpson
    /// Half-width h of the central differences in x (nil: `defaultHalfWidth`, 7 + ceil(max
    /// derivative / 2): order 2h - m + 1, i.e. 14 for u_x, u_xx (h = 8), 16 for u_xxx and 15 for
    /// u_xxxx (h = 9); on band-limited data they approach the spectral derivative without
    /// assuming periodicity; defects are imposed only where the stencil fits, h points from each
    /// edge).
    public var spaceHalfWidth: Int? = nil
    /// Levenberg-Marquardt iterations at most (0 or less: the start comes back unconverged,
    /// which `pdeJointRefit` does not use).
    public var maxIterations: Int = 60
    /// Memory the solver may use (bytes, `estimatedPDEJointCost`: the block factors, the
    /// Jacobian's bands and the nt x nx work arrays); above it `pdeJointEstimate` returns nil
    /// (callers keep their estimate).
    public var maximumBytes: Double = 1.0e9
    /// Floating-point operations per Levenberg-Marquardt iteration (`estimatedPDEJointCost`);
    /// above it `pdeJointEstimate` returns nil. 2e10 flops: about a second per iteration on one core.
    public var maximumFlopsPerIteration: Double = 2.0e10

    /// The defaults listed above.
    public init() {}

    /// The default half-width for terms up to x-derivative order m: 7 + ceil(m / 2).
    public static func defaultHalfWidth(maxDerivative m: Int) -> Int { 7 + (m + 1) / 2 }
}

/// One defect's time stencil: steps first ..< first + weights.count, data weights `state`
/// (sum state_s U_(first+s)) and right-hand-side weights `rate` (times dt).
struct CollocationStencil: Sendable {
    let first: Int
    let state: [Double]
    let rate: [Double]
}

extension PDECollocationRule {
    /// The defects on nt samples, and the block bandwidth of the defect system (defects k, k'
    /// share a sample iff |k - k'| <= span - 1).
    func stencils(samples nt: Int) -> (defects: [CollocationStencil], bandwidth: Int) {
        switch self {
        case .trapezoid:
            return ((0..<Swift.max(0, nt - 1)).map { CollocationStencil(first: $0, state: [-1, 1], rate: [0.5, 0.5]) }, 1)
        case .simpson:
            return ((0..<Swift.max(0, nt - 2)).map { CollocationStencil(first: $0, state: [-1, 0, 1], rate: [1.0 / 3, 4.0 / 3, 1.0 / 3]) }, 2)
        }
    }
}

/// The least squares of `pdeJointEstimate`: field X [nt, nx] (time-major) and the coefficients c
/// of terms u^power d^derivative u / dx^derivative.
public struct PDEJointProblem: Sendable {
    let y: [Double]
    let nt: Int, nx: Int
    let dt: Double
    let sigma: Double, scale: Double
    let halfWidth: Int
    let inner: Int                  // nx - 2 halfWidth interior points per defect
    let terms: [(power: Int, derivative: Int)]
    let weights: [[Double]]         // central-difference weights per derivative order (index m), / dx^m
    let defects: [CollocationStencil]
    let bandwidth: Int
    /// The start (the coefficients passed in).
    public let start: [Double]

    /// The problem for data u [nt, nx] (spacing dt, dx), terms (power of u, x-derivative order)
    /// with start coefficients, noise sigma, tolerance tau, central differences of half-width
    /// `halfWidth`; nil when these do not fit (fewer than 4 samples in time, no interior point,
    /// non-positive or non-finite settings, an empty support).
    public init?(_ u: Tensor, dt: Double, dx: Double, terms: [(power: Int, derivative: Int)], coefficients: [Double], sigma: Double,
                 tolerance tau: Double, halfWidth: Int, collocation: PDECollocationRule) {
        guard u.rank == 2, u.shape[0] >= 4, halfWidth >= 1, u.shape[1] > 2 * halfWidth, !terms.isEmpty, coefficients.count == terms.count,
              terms.allSatisfy({ $0.power >= 0 && $0.derivative >= 0 && $0.derivative <= 2 * halfWidth }),
              sigma > 0 && sigma.isFinite, tau > 0 && tau.isFinite, dt > 0 && dt.isFinite, dx > 0 && dx.isFinite,
              coefficients.allSatisfy({ $0.isFinite }) else { return nil }
        nt = u.shape[0]; nx = u.shape[1]
        y = u.scalars
        self.dt = dt; self.sigma = sigma; scale = tau * sigma
        self.halfWidth = halfWidth
        inner = nx - 2 * halfWidth
        self.terms = terms
        let maxOrder = terms.map(\.derivative).max() ?? 0
        let offsets = (-halfWidth...halfWidth).map(Double.init)
        weights = (0...maxOrder).map { m in
            m == 0 ? [] : finiteDifferenceWeights(order: m, offsets: offsets).map { $0 / Foundation.pow(dx, Double(m)) }
        }
        (defects, bandwidth) = collocation.stencils(samples: nt)
        start = coefficients
    }

    /// The number of coefficients.
    public var parameters: Int { terms.count }
    /// Rows of the residual: nt nx data rows, then (defects) x (interior points).
    public var rows: Int { nt * nx + defects.count * inner }

    /// Library values theta [inner, p] at time t, and (if c is given) the band of d f / d X_t,
    /// [inner, 2 halfWidth + 1] (row i: columns i ... i + 2 halfWidth of the grid).
    func library(_ x: [Double], time t: Int, coefficients c: [Double]?) -> (theta: [Double], band: [Double]) {
        let p = terms.count, h = halfWidth, w = 2 * h + 1
        var theta = [Double](repeating: 0, count: inner * p)
        var band = [Double](repeating: 0, count: c == nil ? 0 : inner * w)
        let base = t * nx
        for i in 0..<inner {
            let centre = base + i + h
            let u = x[centre]
            for (j, term) in terms.enumerated() {
                var power = 1.0, lower = 0.0  // u^a and a u^(a-1)
                for q in 0..<term.power { if q == term.power - 1 { lower = Double(term.power) * power }; power *= u }
                var derivative = 1.0
                if term.derivative > 0 {
                    let stencil = weights[term.derivative]
                    derivative = 0
                    for s in 0..<w { derivative += stencil[s] * x[base + i + s] }
                }
                theta[i * p + j] = power * derivative
                if let c {
                    band[i * w + h] += c[j] * lower * derivative
                    if term.derivative > 0 {
                        let stencil = weights[term.derivative]
                        for s in 0..<w { band[i * w + s] += c[j] * power * stencil[s] }
                    }
                }
            }
        }
        return (theta, band)
    }

    /// The residual vector: (X - Y) / sigma [nt nx], then for each defect k and interior point i
    /// (sum_s state_s X_(first+s) - dt sum_s rate_s f_(first+s)) / (tau sigma), f = theta c.
    public func residuals(_ x: [Double], _ c: [Double]) -> [Double] {
        let p = terms.count, h = halfWidth
        var r = [Double](repeating: 0, count: rows)
        for q in 0..<(nt * nx) { r[q] = (x[q] - y[q]) / sigma }
        let f = (0..<nt).map { t -> [Double] in
            let theta = library(x, time: t, coefficients: nil).theta
            return (0..<inner).map { i in (0..<p).reduce(0.0) { $0 + theta[i * p + $1] * c[$1] } }
        }
        for (k, d) in defects.enumerated() {
            for i in 0..<inner {
                var v = 0.0
                for s in d.state.indices { v += d.state[s] * x[(d.first + s) * nx + i + h] - dt * d.rate[s] * f[d.first + s][i] }
                r[nt * nx + k * inner + i] = v / scale
            }
        }
        return r
    }

    /// The Jacobian as a dense [rows, nt nx + p] tensor (for tests on small grids; the solver
    /// uses the band blocks). Memory O(rows (nt nx + p)).
    public func denseJacobian(_ x: [Double], _ c: [Double]) -> Tensor {
        let n = nt * nx, p = terms.count, columns = n + p
        var j = [Double](repeating: 0, count: rows * columns)
        for q in 0..<n { j[q * columns + q] = 1 / sigma }
        let blocks = jacobianBlocks(x, c)
        let w = 2 * halfWidth + 1
        for (k, d) in defects.enumerated() {
            for i in 0..<inner {
                let row = n + k * inner + i
                for s in d.state.indices {
                    let band = blocks.bands[k][s]
                    for o in 0..<w { j[row * columns + (d.first + s) * nx + i + o] += band[i * w + o] }
                }
                for a in 0..<p { j[row * columns + n + a] = blocks.p[(k * inner + i) * p + a] }
            }
        }
        return Tensor(shape: [rows, columns], scalars: j)
    }

    /// For each defect k and stencil step s, the band of d r_k / d X_(first+s) ([inner, 2h+1],
    /// row i at grid columns i ... i + 2h), and P = d r / d c [defects inner, p].
    func jacobianBlocks(_ x: [Double], _ c: [Double]) -> (bands: [[[Double]]], p: [Double]) {
        let p = terms.count, h = halfWidth, w = 2 * h + 1
        let perTime = (0..<nt).map { library(x, time: $0, coefficients: c) }
        var bands: [[[Double]]] = []
        var pp = [Double](repeating: 0, count: defects.count * inner * p)
        for (k, d) in defects.enumerated() {
            var row: [[Double]] = []
            for s in d.state.indices {
                let source = perTime[d.first + s].band
                var band = [Double](repeating: 0, count: inner * w)
                let rate = -dt * d.rate[s] / scale, state = d.state[s] / scale
                for i in 0..<inner {
                    for o in 0..<w { band[i * w + o] = rate * source[i * w + o] }
                    band[i * w + h] += state
                }
                row.append(band)
                let theta = perTime[d.first + s].theta
                for q in 0..<(inner * p) { pp[k * inner * p + q] += rate * theta[q] }
            }
            bands.append(row)
        }
        return (bands, pp)
    }
}

/// Floating-point operations per Levenberg-Marquardt iteration and peak bytes of
/// `pdeJointEstimate` on nt x nx samples with half-width h and p terms: one block row of
/// b = nx - 2h rows per defect (about nt of them), block bandwidth w = 1 (trapezoid) or 2
/// (Simpson); each row costs (w (w - 1) + 4 w + 1/3) b^3 flops (`BlockBandedLDL`) and keeps
/// w + 2 blocks of b^2 doubles, plus the Jacobian's bands (w + 1 per defect, b (2h + 1) each),
/// the per-time library values (nt b (2h + 1 + p)), the right-hand sides and their forward
/// solves (3 nt b (p + 1)) and 16 field-sized work vectors (16 nt nx).
public func estimatedPDEJointCost(samples nt: Int, points nx: Int, halfWidth h: Int, collocation: PDECollocationRule, terms p: Int = 1)
    -> (flops: Double, bytes: Double) {
    let w = collocation == .trapezoid ? 1.0 : 2.0
    let b = Double(Swift.max(0, nx - 2 * h))
    let rows = Double(Swift.max(0, nt - Int(w)))
    let stencil = Double(2 * h + 1), terms = Double(Swift.max(1, p))
    let work = 16 * Double(nt) * Double(nx) + Double(nt) * b * (stencil + terms) + 3 * Double(nt) * b * (terms + 1)
    return (rows * (w * (w - 1) + 4 * w + 1.0 / 3) * b * b * b,
            8 * (rows * ((w + 2) * b * b + (w + 1) * b * stencil) + work))
}

/// The peak bytes `WeakRefit.joint` may add to `discoverPDE` on times x points samples with a
/// library of x-derivative order up to maxDerivative and at most `terms` terms: the largest
/// `estimatedPDEJointCost` bytes over the half-widths the stage can use (`options.spaceHalfWidth`,
/// else `defaultHalfWidth` of 0 ... maxDerivative; bytes fall as h grows, so the smallest h
/// within the caps of `options`), 0 when every one is above the caps (the stage is then skipped).
public func estimatedPDEJointBytes(times: Int, points: Int, maxDerivative: Int = 4, terms: Int = 12,
                                   options: PDEJointEstimationOptions = PDEJointEstimationOptions()) -> Double {
    let widths = options.spaceHalfWidth.map { [$0] }
        ?? (0...Swift.max(0, maxDerivative)).map { PDEJointEstimationOptions.defaultHalfWidth(maxDerivative: $0) }
    for h in Set(widths).sorted() {
        let cost = estimatedPDEJointCost(samples: times, points: points, halfWidth: h, collocation: options.collocation, terms: terms)
        if cost.flops <= options.maximumFlopsPerIteration && cost.bytes <= options.maximumBytes { return cost.bytes }
    }
    return 0
}

/// The result of `pdeJointEstimate`.
public struct PDEJointEstimate: Sendable {
    /// Coefficients, one per term (in the order passed).
    public var coefficients: [Double]
    /// Gauss-Newton standard errors (`identifiedStandardErrors` of the Schur complement at lambda 0).
    public var standardErrors: [Double]
    /// The denoised field [nt, nx].
    public var field: Tensor
    /// Levenberg-Marquardt iterations run (failed factorizations and rejected steps included).
    public var iterations: Int
    /// Whether the stop rule was met (false: the damping passed 1e12 or `maxIterations` ran out,
    /// and the estimate is wherever the iteration stopped).
    public var converged: Bool
    /// The collocation tolerance tau used.
    public var tolerance: Double
    /// The half-width of the x-differences used.
    public var halfWidth: Int
}

/// Block LDL^T of a symmetric positive definite block-banded matrix M (K block rows of equal
/// size, blocks M_kj = 0 for |k - j| > bandwidth), with LAPACK/BLAS on the blocks:
/// U_kj = M_kj - sum_(l < j) U_kl V_jl, S_k = M_kk - sum_(l < k) U_kl V_kl, V_kl = S_l^-1 U_kl^T
/// (the unit lower factor is L_kl = V_kl^T, the block diagonal D = diag(S_k)). Blocks are asked
/// for row by row through `block(k, j)` (j <= k), so M is never stored whole.
/// Cost per block row of size b: (bandwidth (bandwidth - 1) + 4 bandwidth + 1/3) b^3 flops.
struct BlockBandedLDL {
    let bandwidth: Int
    var factors: [CholeskyFactorization] = []
    var v: [[Tensor]] = []   // v[k][q] = V_(k, k - bandwidth + q) (only l >= 0 stored)

    init?(blocks count: Int, bandwidth: Int, block: (Int, Int) -> Tensor) {
        self.bandwidth = bandwidth
        for k in 0..<count {
            let first = Swift.max(0, k - bandwidth)
            var u: [Tensor] = []   // U_kl for l = first ..< k
            for j in first..<k {
                var ukj = block(k, j)
                for l in first..<j { ukj = ukj - matmul(u[l - first], vBlock(j, l)) }
                u.append(ukj)
            }
            var s = block(k, k)
            var row: [Tensor] = []
            for l in first..<k {
                guard let vkl = try? factors[l].solve(u[l - first].transposed()) else { return nil }
                row.append(vkl)
                s = s - matmul(u[l - first], vkl)
            }
            // S_k is symmetric in exact arithmetic; LAPACK reads one triangle.
            guard let f = try? choleskyFactorization(s) else { return nil }
            factors.append(f)
            v.append(row)
        }
    }

    /// V_kl for k - bandwidth <= l < k.
    func vBlock(_ k: Int, _ l: Int) -> Tensor { v[k][l - Swift.max(0, k - bandwidth)] }

    /// Forward half: y_k = b_k - sum_l V_kl^T y_l; returns y and w_k = S_k^-1 y_k (so that
    /// b^T M^-1 b' = sum_k y_k^T w'_k).
    func forward(_ b: [Tensor]) -> (y: [Tensor], w: [Tensor])? {
        var y: [Tensor] = [], w: [Tensor] = []
        for k in b.indices {
            var yk = b[k]
            for l in Swift.max(0, k - bandwidth)..<k { yk = yk - matmul(vBlock(k, l), y[l], transposeA: true) }
            guard let wk = try? factors[k].solve(yk) else { return nil }
            y.append(yk); w.append(wk)
        }
        return (y, w)
    }

    /// Backward half: v_k = z_k - sum_(j > k) V_jk v_j (z_k = S_k^-1 y_k from `forward`).
    func backward(_ z: [Tensor]) -> [Tensor] {
        var out = z
        for k in stride(from: z.count - 1, through: 0, by: -1) {
            for j in (k + 1)..<Swift.min(z.count, k + bandwidth + 1) { out[k] = out[k] - matmul(vBlock(j, k), out[j]) }
        }
        return out
    }
}

extension PDEJointProblem {
    /// The factored M = I + L Dinv L^T (one block of inner rows per defect; defects share
    /// samples within `bandwidth` of each other).
    func defectSystem(_ bands: [[[Double]]], _ inverseD: [Double]) -> BlockBandedLDL? {
        let ni = inner, h = halfWidth, w = 2 * h + 1
        // Entry between defect k row i and defect k2 row i2: sum over shared samples t and grid
        // points g of L_k,t[i, g] Dinv[t, g] L_k2,t[i2, g].
        func block(_ k: Int, _ k2: Int) -> Tensor {
            var m = [Double](repeating: 0, count: ni * ni)
            let da = defects[k], db = defects[k2]
            for sa in da.state.indices {
                let t = da.first + sa
                let sb = t - db.first
                guard sb >= 0 && sb < db.state.count else { continue }
                let ba = bands[k][sa], bb = bands[k2][sb]
                for i in 0..<ni {
                    for i2 in Swift.max(0, i - 2 * h)...Swift.min(ni - 1, i + 2 * h) {
                        var s = 0.0
                        // grid point g = i + o = i2 + o2
                        for o in Swift.max(0, i2 - i)...Swift.min(w - 1, i2 - i + w - 1) {
                            let g = i + o
                            s += ba[i * w + o] * inverseD[t * nx + g] * bb[i2 * w + g - i2]
                        }
                        m[i * ni + i2] += s
                    }
                }
            }
            if k == k2 { for q in 0..<ni { m[q * ni + q] += 1 } }
            return Tensor(shape: [ni, ni], scalars: m)
        }
        return BlockBandedLDL(blocks: defects.count, bandwidth: bandwidth, block: block)
    }

    /// L v for a field-shaped v.
    func applyL(_ bands: [[[Double]]], _ v: [Double]) -> [Double] {
        let ni = inner, w = 2 * halfWidth + 1
        var out = [Double](repeating: 0, count: defects.count * ni)
        for (k, d) in defects.enumerated() {
            for s in d.state.indices {
                let band = bands[k][s], base = (d.first + s) * nx
                for i in 0..<ni {
                    var acc = 0.0
                    for o in 0..<w { acc += band[i * w + o] * v[base + i + o] }
                    out[k * ni + i] += acc
                }
            }
        }
        return out
    }

    /// L^T y for a defect-shaped y.
    func applyLT(_ bands: [[[Double]]], _ y: [Double]) -> [Double] {
        let ni = inner, w = 2 * halfWidth + 1
        var out = [Double](repeating: 0, count: nt * nx)
        for (k, d) in defects.enumerated() {
            for s in d.state.indices {
                let band = bands[k][s], base = (d.first + s) * nx
                for i in 0..<ni {
                    let yi = y[k * ni + i]
                    if yi == 0 { continue }
                    for o in 0..<w { out[base + i + o] += band[i * w + o] * yi }
                }
            }
        }
        return out
    }

    /// A defect-major [defects inner, columns] array as one [inner, columns] tensor per defect.
    func split(_ v: [Double], columns: Int) -> [Tensor] {
        let size = inner * columns
        return defects.indices.map { k in Tensor(shape: [inner, columns], scalars: Array(v[(k * size)..<((k + 1) * size)])) }
    }

    /// The damped step (see `jointStateParameterEstimate`'s `step`): dx = -Dinv (e + L^T v),
    /// v = M^-1 (r2 - L Dinv e + P dc), (lambda diag(C) + P^T M^-1 P) dc = -P^T M^-1 (r2 - L Dinv e);
    /// `blocks` = `jacobianBlocks(x, c)`.
    func step(_ x: [Double], _ c: [Double], _ r: [Double], damping: Double, blocks: (bands: [[[Double]]], p: [Double]))
        -> (dx: [Double], dc: [Double], predicted: Double)? {
        let (bands, pp) = blocks
        let n = nt * nx, p = terms.count, ni = inner, w = 2 * halfWidth + 1
        let sigma2 = sigma * sigma
        var stateDiagonal = [Double](repeating: 1 / sigma2, count: n)
        for (k, d) in defects.enumerated() {
            for s in d.state.indices {
                let band = bands[k][s], base = (d.first + s) * nx
                for i in 0..<ni { for o in 0..<w { stateDiagonal[base + i + o] += band[i * w + o] * band[i * w + o] } }
            }
        }
        let inverseD = stateDiagonal.map { 1 / (1 / sigma2 + damping * $0) }
        guard let factor = defectSystem(bands, inverseD) else { return nil }
        let e = (0..<n).map { r[$0] / sigma }
        let t = applyL(bands, zip(e, inverseD).map { $0 * $1 })
        let columns = p + 1
        var rhs = [Double](repeating: 0, count: defects.count * ni * columns)
        for q in 0..<(defects.count * ni) {
            rhs[q * columns] = r[n + q] - t[q]
            for a in 0..<p { rhs[q * columns + 1 + a] = pp[q * p + a] }
        }
        guard let (yb, wb) = factor.forward(split(rhs, columns: columns)) else { return nil }
        var corner = [Double](repeating: 0, count: p), gc = [Double](repeating: 0, count: p)
        for q in 0..<(defects.count * ni) { for a in 0..<p { corner[a] += pp[q * p + a] * pp[q * p + a]; gc[a] += pp[q * p + a] * r[n + q] } }
        let floor = 1e-12 * corner.reduce(0, Swift.max)
        let scaling = corner.map { Swift.max($0, floor) }
        var schur = [Double](repeating: 0, count: p * p), right = [Double](repeating: 0, count: p)
        for (yi, wi) in zip(yb, wb) {
            let rowsI = yi.shape[0], ys = yi.scalars, ws = wi.scalars
            for q in 0..<rowsI {
                for a in 0..<p {
                    let ya = ys[q * columns + 1 + a]
                    right[a] -= ya * ws[q * columns]
                    for b in 0..<p { schur[a * p + b] += ya * ws[q * columns + 1 + b] }
                }
            }
        }
        for a in 0..<p { for b in 0..<a { let m = 0.5 * (schur[a * p + b] + schur[b * p + a]); schur[a * p + b] = m; schur[b * p + a] = m } }
        for a in 0..<p { schur[a * p + a] += damping * scaling[a] }
        guard let dcT = try? solve(Tensor(shape: [p, p], scalars: schur), Tensor(right)), dcT.isFinite else { return nil }
        let dc = dcT.scalars
        let z = wb.map { wi -> Tensor in
            let rowsI = wi.shape[0], ws = wi.scalars
            return Tensor(shape: [rowsI, 1], scalars: (0..<rowsI).map { q in
                var s = ws[q * columns]
                for a in 0..<p { s += ws[q * columns + 1 + a] * dc[a] }
                return s
            })
        }
        let v = factor.backward(z).flatMap(\.scalars)
        let ltv = applyLT(bands, v)
        let dx = (0..<n).map { -(e[$0] + ltv[$0]) * inverseD[$0] }
        var gx = applyLT(bands, Array(r[n...]))
        for q in 0..<n { gx[q] += e[q] }
        var gd = 0.0, dDd = 0.0
        for q in 0..<n { gd += gx[q] * dx[q]; dDd += stateDiagonal[q] * dx[q] * dx[q] }
        for a in 0..<p { gd += gc[a] * dc[a]; dDd += scaling[a] * dc[a] * dc[a] }
        guard dx.allSatisfy({ $0.isFinite }) else { return nil }
        return (dx, dc, -gd + damping * dDd)
    }

    /// The Levenberg-Marquardt step of `pdeJointEstimate` at (x, c) (public for tests): the
    /// solution delta = (dx, dc) of (J^T J + lambda E) delta = -J^T r, J the Jacobian
    /// (`denseJacobian`), r the residuals, E diagonal: diag(J^T J) on the field, and on the
    /// coefficients max(diag(J^T J), 1e-12 of its largest coefficient entry); `predicted` is
    /// -g.delta + lambda delta^T E delta with g = J^T r (half the model's decrease of |r|^2).
    /// nil when a factorization fails. Cost as one iteration (`estimatedPDEJointCost`).
    public func dampedStep(_ x: [Double], _ c: [Double], damping: Double) -> (dx: [Double], dc: [Double], predicted: Double)? {
        step(x, c, residuals(x, c), damping: damping, blocks: jacobianBlocks(x, c))
    }

    /// Gauss-Newton standard errors of the coefficients at (x, c): `identifiedStandardErrors` of
    /// the Schur complement P^T M^-1 P at lambda = 0 (Dinv = sigma^2), i.e. the coefficient block
    /// of (J^T J)^-1. NaN (not computed) when the factorization of M or the Schur matrix is not
    /// usable; +infinity for a coefficient the data do not identify.
    public func standardErrors(_ x: [Double], _ c: [Double]) -> [Double] {
        let p = terms.count
        let (bands, pp) = jacobianBlocks(x, c)
        guard let factor = defectSystem(bands, [Double](repeating: sigma * sigma, count: nt * nx)),
              let (yb, wb) = factor.forward(split(pp, columns: p)) else { return [Double](repeating: .nan, count: p) }
        var schur = [Double](repeating: 0, count: p * p)
        for (yi, wi) in zip(yb, wb) {
            let m = matmul(yi, wi, transposeA: true).scalars
            for q in 0..<(p * p) { schur[q] += m[q] }
        }
        for a in 0..<p { for b in 0..<a { let m = 0.5 * (schur[a * p + b] + schur[b * p + a]); schur[a * p + b] = m; schur[b * p + a] = m } }
        return identifiedStandardErrors(schur: schur, parameters: p, rows: defects.count * inner)
    }
}

/// Joint estimation of the denoised field and the coefficients of a 1-D single-field PDE
/// u_t = sum_j c_j u^(a_j) d^(m_j) u / dx^(m_j) on a fixed support: from data U [nt, nx] with
/// white noise of standard deviation sigma, minimizes over the field X and c
///
///     sum (X - U)^2 / sigma^2 + sum_(k, interior x) defect_k(x)^2 / (tau sigma)^2,
///
/// defect_k the time collocation of `options.collocation` (Simpson: X_(k+2) - X_k -
/// dt/3 (f_k + 4 f_(k+1) + f_(k+2))), f evaluated on X with central differences of half-width h
/// in x, only at points h ... nx - 1 - h (no periodicity assumed; the edge points enter through
/// their data only). The library is evaluated on the denoised field, so its noise no longer
/// limits the coefficients (the weak form's errors-in-variables floor).
///
/// Levenberg-Marquardt as `jointStateParameterEstimate` (Marquardt scaling, Nielsen's damping,
/// stop when a step at lambda <= 1 lowers the chi-square cost by less than
/// `levenbergMarquardtStopTolerance`, or after `maxIterations`), each step through the defect-side Woodbury form: M = I + L D^-1 L^T over the
/// defects, block banded (one block of inner rows per defect, block bandwidth 1 for the
/// trapezoid, 2 for Simpson; `BlockBandedLDL`, LAPACK/BLAS on the blocks), bordered by the p
/// coefficient columns whose Schur complement is the Gram matrix P^T M^-1 P = sum y_k^T S_k^-1 y_k.
///
/// - Returns: nil when the inputs do not fit (see `PDEJointProblem.init`), the cost estimate
///   exceeds the options' caps, or the iteration ends on non-finite values; with `converged`
///   false when the damping passes 1e12 or the iteration cap is reached.
/// - Cost: `estimatedPDEJointCost` per iteration (~ 10.3 nt (nx - 2h)^3 flops for Simpson),
///   memory about 4 nt (nx - 2h)^2 doubles plus O(nt nx) work arrays (`estimatedPDEJointCost`
///   counts both); one more factorization at lambda = 0 for the standard errors.
public func pdeJointEstimate(_ u: Tensor, dt: Double, dx: Double, terms: [(power: Int, derivative: Int)], coefficients: [Double],
                             sigma: Double, initialField: Tensor? = nil,
                             options: PDEJointEstimationOptions = PDEJointEstimationOptions()) -> PDEJointEstimate? {
    guard u.rank == 2, u.shape[0] >= 4 else { return nil }
    let maxOrder = terms.map(\.derivative).max() ?? 0
    let h = options.spaceHalfWidth ?? PDEJointEstimationOptions.defaultHalfWidth(maxDerivative: maxOrder)
    let tau = options.tolerance ?? 1 / Double(u.shape[0])
    let cost = estimatedPDEJointCost(samples: u.shape[0], points: u.shape[1], halfWidth: h, collocation: options.collocation,
                                     terms: terms.count)
    guard cost.flops <= options.maximumFlopsPerIteration, cost.bytes <= options.maximumBytes else { return nil }
    guard let problem = PDEJointProblem(u, dt: dt, dx: dx, terms: terms, coefficients: coefficients, sigma: sigma, tolerance: tau,
                                        halfWidth: h, collocation: options.collocation) else { return nil }
    let nt = problem.nt, nx = problem.nx
    var x = problem.y, c = problem.start
    if let initialField {
        guard initialField.shape == u.shape, initialField.isFinite else { return nil }
        x = initialField.scalars
    }
    let r = problem.residuals(x, c)
    let cost2 = r.reduce(0) { $0 + $1 * $1 }
    guard cost2.isFinite else { return nil }
    var blocks = problem.jacobianBlocks(x, c)  // at the current point; unchanged by a rejected step

    var run = LevenbergMarquardtState(x: x, c: c, r: r, cost: cost2)
    levenbergMarquardt(&run, rows: problem.rows, maxIterations: options.maxIterations,
                       residuals: { problem.residuals($0, $1) },
                       step: { problem.step($0, $1, $2, damping: $3, blocks: blocks) },
                       accepted: { blocks = problem.jacobianBlocks($0, $1) })
    x = run.x; c = run.c
    let iterations = run.iterations, converged = run.converged
    guard c.allSatisfy({ $0.isFinite }), x.allSatisfy({ $0.isFinite }) else { return nil }
    let standardErrors = problem.standardErrors(x, c)
    return PDEJointEstimate(coefficients: c, standardErrors: standardErrors, field: Tensor(shape: [nt, nx], scalars: x),
                            iterations: iterations, converged: converged, tolerance: tau, halfWidth: h)
}
