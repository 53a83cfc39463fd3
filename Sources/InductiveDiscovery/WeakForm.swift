import Foundation
import InductiveTensor

/// The piecewise-polynomial bump psi(s) = (1 - (s/a)^2)^p on [-a, a] (0 outside), a = halfWidth
/// * spacing, sampled at the grid offsets s_j = j * spacing, j = -halfWidth ... halfWidth: the
/// one-dimensional factor of the test functions of weak SINDy (Messenger and Bortz 2021).
///
/// psi is C^(p-1) on the line: its derivatives of order r < p vanish at s = +-a, so integrating
/// by parts against psi moves up to p derivatives without boundary terms.
public struct BumpFunction: Sendable, Equatable {
    /// Half-width of the support in samples (a = halfWidth * spacing).
    public let halfWidth: Int
    /// The power p.
    public let power: Int
    /// The sample spacing.
    public let spacing: Double

    /// A bump of `halfWidth` >= 1 samples each side and power `power` >= 1.
    public init(halfWidth: Int, power: Int, spacing: Double) {
        precondition(halfWidth >= 1 && power >= 1 && spacing > 0, "BumpFunction: need halfWidth >= 1, power >= 1, spacing > 0")
        self.halfWidth = halfWidth
        self.power = power
        self.spacing = spacing
    }

    /// d^r psi / ds^r at the 2 halfWidth + 1 offsets, exactly from the expansion
    /// psi(z a) = sum_k C(p, k) (-1)^k z^(2k) (z = s / a). Cost O(halfWidth p).
    ///
    /// At the ends s = +-a: 0 for r < p (exact, psi is C^(p-1)); for r >= p the derivative jumps
    /// there (it is 0 outside the support), and the one-sided limit from inside the support is
    /// returned, the end value the trapezoid rule on [-a, a] needs.
    public func derivative(order r: Int) -> [Double] {
        precondition(r >= 0, "BumpFunction.derivative: order must be non-negative")
        let p = power
        var coefficients = [Double](repeating: 0, count: 2 * p + 1)  // in z
        var binomial = 1.0
        for k in 0...p {
            coefficients[2 * k] = (k % 2 == 0 ? 1 : -1) * binomial
            binomial = binomial * Double(p - k) / Double(k + 1)
        }
        // Differentiate r times in z.
        for _ in 0..<r {
            if coefficients.count <= 1 { coefficients = [0]; break }
            coefficients = (1..<coefficients.count).map { Double($0) * coefficients[$0] }
        }
        let a = Double(halfWidth) * spacing
        let scale = Foundation.pow(a, -Double(r))
        return (-halfWidth...halfWidth).map { j in
            if (j == -halfWidth || j == halfWidth) && r < p { return 0 }
            let z = Double(j) / Double(halfWidth)
            var value = 0.0
            for c in coefficients.reversed() { value = value * z + c }
            return value * scale
        }
    }
}

/// Centres of `count` query windows of half-width `halfWidth` inside n samples, evenly spaced
/// from halfWidth to n - 1 - halfWidth (deterministic; no random draw).
func windowCentres(samples n: Int, halfWidth: Int, count: Int) -> [Int] {
    let first = halfWidth, last = n - 1 - halfWidth
    precondition(last >= first && count >= 1, "windowCentres: windows of half-width \(halfWidth) do not fit in \(n) samples")
    if count == 1 || last == first { return [(first + last) / 2] }
    let k = Swift.min(count, last - first + 1)
    return (0..<k).map { first + Int((Double($0) * Double(last - first) / Double(k - 1)).rounded()) }
}

/// The quadrature matrix of one axis: row k holds h * psi^(r)(x_j - x_(c_k)) for the samples j of
/// the k-th window, 0 elsewhere, shape [centres, n]. Summing a field against a row is the
/// trapezoid rule for the integral of psi^(r) times the field (the end values are 0 for r < p).
func testMatrix(_ bump: BumpFunction, order r: Int, centres: [Int], samples n: Int) -> Tensor {
    let values = bump.derivative(order: r).map { $0 * bump.spacing }
    let m = bump.halfWidth
    var scalars = [Double](repeating: 0, count: centres.count * n)
    for (k, c) in centres.enumerated() {
        for j in -m...m where r < bump.power || (j != -m && j != m) { scalars[k * n + c + j] = values[j + m] }
    }
    return Tensor(shape: [centres.count, n], scalars: scalars)
}

/// Settings of the weak (integral) formulation for PDEs. Test functions are
/// phi(t, x) = psi_t(t - t_c) psi_x(x - x_c) with `BumpFunction` factors; nil settings are
/// chosen from the data by `chooseWeakSettings`.
public struct WeakFormOptions: Sendable, Equatable {
    /// Half-width of the space support, in samples (nil: automatic).
    public var spaceHalfWidth: Int? = nil
    /// Half-width of the time support, in samples (nil: automatic).
    public var timeHalfWidth: Int? = nil
    /// The power of the space bump (nil: max-derivative + 4, so that its derivatives up to
    /// the highest in the library stay C^3 and the trapezoid rule converges fast).
    public var spacePower: Int? = nil
    /// The power of the time bump.
    public var timePower: Int = 4
    /// Windows per half-width along each axis when their number is automatic (2: a window
    /// every half half-width), at most `maximumWindows` per axis.
    public var windowDensity: Int = 2
    public var maximumWindows: Int = 64
    /// Query windows along space (nil: from `windowDensity`).
    public var spaceWindows: Int? = nil
    /// Query windows along time (nil: as for space).
    public var timeWindows: Int? = nil
    /// The tolerance search's l0 weight relative to the validation target's norm, used when
    /// no absolute weight is given: a term is kept only if it lowers the validation residual
    /// by this fraction of ||b_val||. (PDE-FIND's 10^-3 cond(X) depends on the columns' units,
    /// which differ by orders of magnitude between the weak columns.)
    public var relativeL0Penalty: Double = 0.01
    /// How far the test functions' spectrum has fallen at the data's spectral corner, as
    /// exp(-tau) (see `chooseWeakSettings`).
    public var tau: Double = 4
    /// The smallest automatic half-width, in samples (quadrature accuracy on clean data).
    public var minimumHalfWidth: Int = 8
    /// How the coefficients of the chosen terms are fitted (`WeakRefit`): by default jointly
    /// with the denoised field (`.joint`, after the generalized refit; grids above its cost caps
    /// keep the generalized fit). Clean data (noise estimate below 0.1% of std(u)) skips every refit.
    public var refit: WeakRefit = .joint
    /// Settings of the joint stage (`refit` `.joint`, 1-D single-field PDEs).
    public var joint: PDEJointEstimationOptions = PDEJointEstimationOptions()

    /// All automatic.
    public init() {}
}

/// What `chooseWeakSettings` decided, and why.
public struct WeakSettingsChoice: Sendable, Equatable {
    /// The estimated noise standard deviation (same units as u).
    public var noise: Double
    /// Noise as a fraction of std(u).
    public var relativeNoise: Double
    /// The corner wavenumber index along x (first bin where the spectrum meets twice the noise
    /// floor); 0 when the half-width was given (no spectrum is computed then).
    public var spaceCorner: Int
    /// The corner index along t (0 when given).
    public var timeCorner: Int
    /// The half-widths chosen (samples).
    public var spaceHalfWidth: Int
    public var timeHalfWidth: Int
    /// One line per decision.
    public var log: [String]
}

/// Robust estimate of the standard deviation of white noise on smooth data: the median absolute
/// k-th difference along an axis, / 0.6745 (the MAD of a Gaussian), / sqrt(C(2k, k)) (the
/// variance gain of the k-th difference). A smooth signal adds about h^k u^(k); the smaller of
/// the two axes' estimates is returned. Cost O(nt nx k).
public func estimateNoiseLevel(_ u: Tensor, order k: Int = 6) -> Double {
    precondition(u.rank == 2 && k >= 1, "estimateNoiseLevel: need a 2-d array and k >= 1")
    let (nt, nx) = (u.shape[0], u.shape[1])
    let values = u.scalars
    var gain = 1.0
    for i in 0..<k { gain = gain * Double(2 * k - i) / Double(i + 1) }
    let weights: [Double] = (0...k).map { j in
        var c = 1.0
        for i in 0..<j { c = c * Double(k - i) / Double(i + 1) }
        return (j % 2 == 0 ? 1 : -1) * c
    }
    func estimate(lines: Int, length: Int, at: (Int, Int) -> Int) -> Double? {
        guard length > k else { return nil }
        var diffs: [Double] = []
        diffs.reserveCapacity(lines * (length - k))
        for l in 0..<lines {
            for s in 0..<(length - k) {
                var d = 0.0
                for j in 0...k { d += weights[j] * values[at(l, s + j)] }
                diffs.append(Swift.abs(d))
            }
        }
        diffs.sort()
        return diffs[diffs.count / 2] / 0.6745 / gain.squareRoot()
    }
    let alongX = estimate(lines: nt, length: nx) { l, s in l * nx + s }
    let alongT = estimate(lines: nx, length: nt) { l, s in s * nx + l }
    return [alongX, alongT].compactMap { $0 }.min() ?? 0
}

/// Mean power spectrum of the lines of u along `axis` (each line's mean removed, a Hann taper
/// against leakage from non-periodic ends), bins 0 ... n/2, and the white-noise floor of a
/// noise of standard deviation sigma under the same taper, sigma^2 sum w_j^2.
func taperedSpectrum(_ u: Tensor, axis: Int, noise sigma: Double) -> (power: [Double], floor: Double) {
    let (nt, nx) = (u.shape[0], u.shape[1])
    let n = axis == 1 ? nx : nt, lines = axis == 1 ? nt : nx
    let values = u.scalars
    let taper = (0..<n).map { 0.5 - 0.5 * Foundation.cos(2 * Double.pi * (Double($0) + 0.5) / Double(n)) }
    let plan = FFTPlan(count: n)
    var power = [Double](repeating: 0, count: n / 2 + 1)
    var re = [Double](repeating: 0, count: n), im = [Double](repeating: 0, count: n)
    for l in 0..<lines {
        var mean = 0.0
        for s in 0..<n { mean += values[axis == 1 ? l * nx + s : s * nx + l] }
        mean /= Double(n)
        for s in 0..<n { re[s] = (values[axis == 1 ? l * nx + s : s * nx + l] - mean) * taper[s]; im[s] = 0 }
        re.withUnsafeMutableBufferPointer { pr in
            im.withUnsafeMutableBufferPointer { pi in plan.transform(real: pr.baseAddress!, imag: pi.baseAddress!, inverse: false) }
        }
        for k in 0...(n / 2) { power[k] += (re[k] * re[k] + im[k] * im[k]) / Double(lines) }
    }
    let floor = sigma * sigma * taper.reduce(0) { $0 + $1 * $1 }
    return (power, floor)
}

/// The first bin k >= 1 where the spectrum (averaged over 5 bins) falls to twice the noise floor,
/// i.e. where noise starts to dominate the signal; n/2 when it never does. A spectrum of fewer
/// than 2 bins (an axis of 1 sample) has no bin k >= 1 to resolve: 1 is returned.
func spectralCorner(_ power: [Double], floor: Double) -> Int {
    guard power.count >= 2 else { return 1 }
    let last = power.count - 1
    for k in 1...Swift.max(1, last) {
        let lo = Swift.max(1, k - 2), hi = Swift.min(last, k + 2)
        let average = power[lo...hi].reduce(0, +) / Double(hi - lo + 1)
        if average <= 2 * floor { return k }
    }
    return last
}

/// The automatic half-width along one axis of u (see `chooseWeakSettings`): corner bin of the
/// tapered spectrum, ideal n sqrt(p tau) / (pi corner), kept within [minimumHalfWidth, n/4].
func automaticHalfWidth(_ u: Tensor, axis: Int, power p: Int, noise sigma: Double, tau: Double,
                        minimumHalfWidth: Int, name: String) -> (corner: Int, halfWidth: Int, log: String) {
    let n = u.shape[axis]
    let (spectrum, floor) = taperedSpectrum(u, axis: axis, noise: sigma)
    let corner = spectralCorner(spectrum, floor: floor)
    let upper = Swift.max(1, (n - 1) / 4)
    let ideal = Double(n) * (Double(p) * tau).squareRoot() / (Double.pi * Double(corner))
    let chosen = Swift.min(upper, Swift.max(Swift.min(minimumHalfWidth, upper), Int(ideal.rounded())))
    let line = String(format: "%@: spectrum meets the noise floor at bin %d of %d; bump power %d; half-width %d samples (ideal %.1f, kept within [%d, %d])",
                      name, corner, n / 2, p, chosen, ideal, Swift.min(minimumHalfWidth, upper), upper)
    return (corner, chosen, line)
}

/// Chooses the test-function supports from the data. The noise level sigma comes from
/// `estimateNoiseLevel`; along each axis, the corner bin k_c of the tapered spectrum is where it
/// meets twice the noise floor (signal and noise equal). A bump of power p is close to
/// exp(-p s^2 / a^2), whose transform exp(-k^2 a^2 / (4 p)) has fallen to exp(-tau) at
/// k = 2 sqrt(p tau) / a; the support is chosen so that this happens at the corner,
/// a = 2 sqrt(p tau) / k_c with k_c = 2 pi corner / (n h), i.e. halfWidth = n sqrt(p tau) / (pi corner).
/// The result is kept between `minimumHalfWidth` samples (quadrature accuracy on clean data)
/// and a quarter of the axis (enough independent windows).
public func chooseWeakSettings(
    _ u: Tensor, maxDerivative: Int, options: WeakFormOptions = WeakFormOptions()
) -> WeakSettingsChoice {
    let tau = options.tau, minimumHalfWidth = options.minimumHalfWidth
    let (nt, nx) = (u.shape[0], u.shape[1])
    let sigma = estimateNoiseLevel(u)
    let std = u.standardDeviation().scalar
    let relative = std > 0 ? sigma / std : 0
    var log = [String(format: "noise estimate %.3g (%.3g%% of std(u) = %.3g), from the median 6th difference", sigma, 100 * relative, std)]
    let px = options.spacePower ?? (Swift.min(Swift.max(maxDerivative, 0), 36) + 4)
    let pt = options.timePower
    func pick(axis: Int, n: Int, power p: Int, given: Int?, name: String) -> (Int, Int) {
        if let given {
            log.append("\(name): half-width \(given) samples (given)")
            return (0, given)
        }
        let (corner, chosen, line) = automaticHalfWidth(u, axis: axis, power: p, noise: sigma, tau: tau, minimumHalfWidth: minimumHalfWidth, name: name)
        log.append(line)
        return (corner, chosen)
    }
    let (cx, mx) = pick(axis: 1, n: nx, power: px, given: options.spaceHalfWidth, name: "space")
    let (ct, mt) = pick(axis: 0, n: nt, power: pt, given: options.timeHalfWidth, name: "time")
    return WeakSettingsChoice(noise: sigma, relativeNoise: relative, spaceCorner: cx, timeCorner: ct,
                              spaceHalfWidth: mx, timeHalfWidth: mt, log: log)
}

/// How a library term u^p d^m u / dx^m enters the weak form: sum over pieces of
/// coefficient * integral of (d^r phi / dx^r) * field, where field is a function of u and its
/// first two x-derivatives. Derived from exact divergence identities:
///
/// - m = 0: u^p itself (no derivative).
/// - p = 0: d^m u -> (-1)^m (d^m phi) u, every derivative moved.
/// - m = 1: u^p u_x = (u^(p+1) / (p+1))_x -> -phi_x u^(p+1) / (p+1), fully moved.
/// - u u_xx = (u^2/2)_xx - u_x^2; u u_xxx = (u^2/2)_xxx - (3/2)(u_x^2)_x;
///   u u_xxxx = (u^2/2)_xxxx - 2 (u_x^2)_xx + u_xx^2; u^2 u_xx = (u^3/3)_xx - 2 u u_x^2;
///   u^2 u_xxx = (u^3/3)_xxx - 3 (u u_x^2)_x + u_x^3. These keep first (u u_xxxx: second)
///   derivatives of the data, never the term's own order: no closed form moves them fully,
///   since u_x^2 is not an exact derivative.
/// - any other (p >= 2, m >= 4, or p >= 3, m >= 2): the term itself with d^m u estimated from
///   the data (the strong form for that term).
///
/// Data derivatives needed by the remaining pieces are local polynomial fits (degree 6) on
/// windows of half the space support, which average the noise as the test function does (9
/// points on clean data).
enum WeakField: Hashable {
    case power(Int)             // u^p
    case powerTimesUx2(Int)     // u^p u_x^2
    case ux3                    // u_x^3
    case uxx2                   // u_xx^2
    case strong(Int, Int)       // u^p d^m u (estimated)
}

struct WeakPiece { let coefficient: Double; let xOrder: Int; let field: WeakField }

func weakPieces(power p: Int, derivative m: Int) -> [WeakPiece] {
    if m == 0 { return [WeakPiece(coefficient: 1, xOrder: 0, field: .power(p))] }
    if p == 0 { return [WeakPiece(coefficient: m % 2 == 0 ? 1 : -1, xOrder: m, field: .power(1))] }
    if m == 1 { return [WeakPiece(coefficient: -1 / Double(p + 1), xOrder: 1, field: .power(p + 1))] }
    switch (p, m) {
    case (1, 2): return [WeakPiece(coefficient: 0.5, xOrder: 2, field: .power(2)), WeakPiece(coefficient: -1, xOrder: 0, field: .powerTimesUx2(0))]
    case (1, 3): return [WeakPiece(coefficient: -0.5, xOrder: 3, field: .power(2)), WeakPiece(coefficient: 1.5, xOrder: 1, field: .powerTimesUx2(0))]
    case (1, 4): return [WeakPiece(coefficient: 0.5, xOrder: 4, field: .power(2)), WeakPiece(coefficient: -2, xOrder: 2, field: .powerTimesUx2(0)),
                         WeakPiece(coefficient: 1, xOrder: 0, field: .uxx2)]
    case (2, 2): return [WeakPiece(coefficient: 1.0 / 3, xOrder: 2, field: .power(3)), WeakPiece(coefficient: -2, xOrder: 0, field: .powerTimesUx2(1))]
    case (2, 3): return [WeakPiece(coefficient: -1.0 / 3, xOrder: 3, field: .power(3)), WeakPiece(coefficient: 3, xOrder: 1, field: .powerTimesUx2(1)),
                         WeakPiece(coefficient: 1, xOrder: 0, field: .ux3)]
    default: return [WeakPiece(coefficient: 1, xOrder: 0, field: .strong(p, m))]
    }
}

/// The weak regression problem: rows are test functions, b_k = integral phi_k u_t = -integral
/// (d phi_k / dt) u, G[k, j] = integral phi_k Theta_j (with derivatives moved by `weakPieces`).
public struct WeakRegressionProblem: Sendable {
    /// The regression (library G, target b, names).
    public var problem: PDERegressionProblem
    /// The settings used.
    public var choice: WeakSettingsChoice
    /// Windows along t and x.
    public var timeWindows: Int
    public var spaceWindows: Int
    /// The data and test functions, to linearize the noise (`WeakRefit`); nil on clean data.
    public var noiseModel: WeakNoiseModel? = nil
}

/// Builds the weak form of u_t = sum_j xi_j u^p_j d^m_j u / dx^m_j (`PDELibrary`) from u of shape
/// [nt, nx] (row i at time i dt, column j at j dx). Test functions phi = psi_t psi_x
/// (`BumpFunction`) centred on a deterministic grid of windows that lie inside the data (no
/// periodicity assumed). Integrals: the trapezoid rule on the sample grid, computed separably
/// as Psi_t F Psi_x^T (two matrix products per field and test derivative). Its error for a
/// smooth field is O(h^(q+1)) per axis where q = p - r - 1 counts the vanishing derivatives of
/// d^r psi at the support's ends (Euler-Maclaurin), i.e. O(h^4) or better for the default
/// powers; on a periodic-in-window trigonometric field it is far smaller.
///
/// - Cost: O(fields * (T nt nx + T nx X)) for T x X windows, plus O(nt nx w) for the local
///   polynomial fits of u_x, u_xx when the library has mixed terms with m >= 2.
/// - Throws: `DiscoveryError` for bad input (not 2-d, non-finite, constant, non-positive steps,
///   supports that do not fit, fewer windows than terms).
public func buildWeakPDERegression(
    _ u: Tensor, dt: Double, dx: Double, degree: Int = 2, maxDerivative: Int = 3, options: WeakFormOptions = WeakFormOptions(),
    allowConstant: Bool = false
) throws -> WeakRegressionProblem {
    try buildWeakPDERegression(u, dt: dt, dx: dx, degree: degree, maxDerivative: maxDerivative, options: options,
                               allowConstant: allowConstant, choice: nil)
}

/// `buildWeakPDERegression` with the settings already chosen (`choice`, e.g. the first field's
/// of a system, whose supports every field shares): no noise estimate and no spectra then.
func buildWeakPDERegression(
    _ u: Tensor, dt: Double, dx: Double, degree: Int, maxDerivative: Int, options: WeakFormOptions,
    allowConstant: Bool, choice given: WeakSettingsChoice?
) throws -> WeakRegressionProblem {
    guard u.rank == 2 else { throw DiscoveryError.wrongRank(name: "data", expected: "a 2-d array (times, points)", shape: u.shape) }
    try requireStep(dt, name: "dt")
    try requireStep(dx, name: "dx")
    guard u.isFinite else { throw DiscoveryError.nonFinite(name: "data") }
    guard degree >= 0 && maxDerivative >= 0 && (degree >= 1 || maxDerivative >= 1) else {
        throw DiscoveryError.invalidOption("degree and max-derivative must be non-negative and not both 0")
    }
    guard let termCount = PDELibrary.termCount(degree: degree, maxDerivative: maxDerivative) else {
        throw DiscoveryError.invalidOption("degree \(degree) and max-derivative \(maxDerivative) give more candidate terms than can be counted")
    }
    guard termCount < u.count else { throw DiscoveryError.tooFewSamples(samples: u.count, terms: termCount) }
    guard degree <= 8 && maxDerivative <= 8 else {
        throw DiscoveryError.invalidOption("the weak form supports degree and max-derivative up to 8, got \(degree) and \(maxDerivative)")
    }
    let (nt, nx) = (u.shape[0], u.shape[1])
    let minimumPoints = 2 * 3 + 1
    guard nt >= minimumPoints && nx >= minimumPoints else {
        throw DiscoveryError.invalidOption("the weak form needs at least \(minimumPoints) times and points for its test functions, the data has shape [\(nt), \(nx)]")
    }
    let std = u.standardDeviation().scalar
    guard std > 0 || allowConstant else { throw DiscoveryError.invalidOption("the data is constant: there is no dynamics to discover") }
    let px = options.spacePower ?? (maxDerivative + 4)
    guard px > maxDerivative && options.timePower >= 1 && px <= 40 && options.timePower <= 40 else {
        throw DiscoveryError.invalidOption("the space bump's power must exceed max-derivative (\(maxDerivative)) and both powers must lie in 1 ... 40")
    }
    let choice = given ?? chooseWeakSettings(u, maxDerivative: maxDerivative, options: options)
    let mx = choice.spaceHalfWidth, mt = choice.timeHalfWidth
    guard mx >= 2 && mt >= 2 && 2 * mx + 1 <= nx && 2 * mt + 1 <= nt else {
        throw DiscoveryError.invalidOption("test functions of half-widths \(mt) (time) and \(mx) (space) samples need at least 2 and must fit in data of shape [\(nt), \(nx)]")
    }
    let density = Swift.max(1, options.windowDensity), cap = Swift.max(1, options.maximumWindows)
    let kx = options.spaceWindows ?? Swift.min(cap, (nx - 1 - 2 * mx) / Swift.max(1, mx / density) + 1)
    let kt = options.timeWindows ?? Swift.min(cap, (nt - 1 - 2 * mt) / Swift.max(1, mt / density) + 1)
    guard kx >= 1 && kt >= 1 else { throw DiscoveryError.invalidOption("the number of windows must be positive") }
    let centresX = windowCentres(samples: nx, halfWidth: mx, count: kx)
    let centresT = windowCentres(samples: nt, halfWidth: mt, count: kt)
    let library = PDELibrary(degree: degree, maxDerivative: maxDerivative)
    let rows = centresX.count * centresT.count
    guard rows > library.terms.count else {
        throw DiscoveryError.invalidOption("only \(rows) test-function windows (\(centresT.count) x \(centresX.count)) for \(library.terms.count) candidate terms: give more samples or smaller supports")
    }
    let bumpX = BumpFunction(halfWidth: mx, power: px, spacing: dx)
    let bumpT = BumpFunction(halfWidth: mt, power: options.timePower, spacing: dt)
    let psiT0 = testMatrix(bumpT, order: 0, centres: centresT, samples: nt)
    let psiT1 = testMatrix(bumpT, order: 1, centres: centresT, samples: nt)
    var psiX: [Int: Tensor] = [:]
    func psiXMatrix(_ r: Int) -> Tensor {
        if let m = psiX[r] { return m }
        let m = testMatrix(bumpX, order: r, centres: centresX, samples: nx)
        psiX[r] = m
        return m
    }
    // The time contraction Psi_t F is shared by all x-orders of a field.
    var contracted: [WeakField: Tensor] = [:]
    var ux: Tensor?, uxx: Tensor?
    // Clean data (noise below 0.1% of std(u)): near-interpolating fits on 9 points; noisy data:
    // windows of half the space support, averaging the noise as the test function does.
    let smoothWidth = choice.relativeNoise < 1e-3 ? 4 : Swift.max(4, mx / 2)
    func derivativeEstimate(_ order: Int) -> Tensor {
        if order == 1, let ux { return ux }
        if order == 2, let uxx { return uxx }
        let hw = Swift.min(smoothWidth, (nx - 1) / 2)
        let deg = Swift.min(6, 2 * hw)
        let d = deg >= order ? polynomialDerivative(u, spacing: dx, order: order, axis: 1, degree: deg, halfWidth: hw)
                             : finiteDifferenceDerivative(u, spacing: dx, order: order, axis: 1)
        if order == 1 { ux = d }
        if order == 2 { uxx = d }
        return d
    }
    func fieldValues(_ field: WeakField) -> Tensor {
        switch field {
        case .power(let p): return p == 0 ? Tensor.ones(u.shape) : u.map { Foundation.pow($0, Double(p)) }
        case .powerTimesUx2(let p):
            let d = derivativeEstimate(1)
            return p == 0 ? d * d : d * d * u.map { Foundation.pow($0, Double(p)) }
        case .ux3: let d = derivativeEstimate(1); return d * d * d
        case .uxx2: let d = derivativeEstimate(2); return d * d
        case .strong(let p, let m):
            let d = m <= 6 && 2 * Swift.min(smoothWidth, (nx - 1) / 2) >= 6 ? polynomialDerivative(
                u, spacing: dx, order: m, axis: 1, degree: 6, halfWidth: Swift.min(smoothWidth, (nx - 1) / 2))
                : finiteDifferenceDerivative(u, spacing: dx, order: m, axis: 1)
            return p == 0 ? d : d * u.map { Foundation.pow($0, Double(p)) }
        }
    }
    func integral(_ field: WeakField, xOrder r: Int) -> Tensor {
        let t: Tensor
        if let c = contracted[field] { t = c } else {
            t = matmul(psiT0, fieldValues(field))
            contracted[field] = t
        }
        return matmul(t, psiXMatrix(r), transposeB: true).flattened()
    }
    let target = -matmul(matmul(psiT1, u), psiXMatrix(0), transposeB: true).flattened()
    var columns: [Tensor] = []
    for term in library.terms {
        var column = Tensor.zeros([rows])
        for piece in weakPieces(power: term.power, derivative: term.derivative) {
            column = column + integral(piece.field, xOrder: piece.xOrder) * piece.coefficient
        }
        columns.append(column)
    }
    let theta = Tensor.stack(columns, axis: 1)
    guard theta.isFinite && target.isFinite else {
        throw DiscoveryError.overflow("the weak library overflows: powers of u up to degree \(degree + 1) exceed the largest number; rescale the data or lower the degree")
    }
    // The refit's covariance models noise; on clean data (the same 0.1% cut as the derivative
    // windows above) the residual is quadrature error and the search's fit is kept.
    let model = choice.relativeNoise < 1e-3 ? nil : WeakNoiseModel(u: u.scalars, nt: nt, nx: nx, centresT: centresT, centresX: centresX, bumpT: bumpT, bumpX: bumpX,
                               powers: library.terms.map(\.power), derivatives: library.terms.map(\.derivative),
                               noise: choice.noise)
    return WeakRegressionProblem(problem: PDERegressionProblem(library: theta, target: target, termNames: library.names),
                                 choice: choice, timeWindows: centresT.count, spaceWindows: centresX.count, noiseModel: model)
}

/// The weak form of X' = Theta(X) Xi for samples X [n, d] (row i at time i dt): with time
/// bumps psi_k (`BumpFunction`, power 4) centred on an even grid of windows, target
/// B[k, v] = integral psi_k x_v' = -integral psi_k' x_v and library G[k, j] = integral psi_k Theta_j(X),
/// both by the trapezoid rule (relative error O((dt/a)^4) for smooth data, a = half-width dt:
/// by Euler-Maclaurin, psi' x vanishes with its first 2 derivatives at the ends, so the first
/// correction is h^4 times its third derivative, of size a^-4; clean x' = -0.5 x has error
/// 3.1e-4, 2e-5 and 2e-6 relative at half-widths 8, 16 and 32). The half-width, when not given, comes from the estimated noise
/// and the spectral corner of the samples (`chooseWeakSettings`, time axis).
///
/// - Cost: O(windows n (d + terms)) (dense quadrature matrices) plus the library O(n terms).
/// - Throws: `DiscoveryError` for bad input (not 2-d, non-finite, non-positive dt, power outside
///   1 ... 40, fewer than 5 samples, constant data), when the windows do not fit or are fewer
///   than the terms.
public func weakODESystem(_ x: Tensor, dt: Double, library: PolynomialLibrary, halfWidth: Int? = nil, power: Int = 4)
    throws -> (target: Tensor, library: Tensor, log: [String]) {
    let system = try weakODESystemWithModel(x, dt: dt, library: library, halfWidth: halfWidth, power: power)
    return (system.target, system.library, system.log)
}

/// `weakODESystem` and its noise model (`WeakODENoiseModel`, noise per variable from `estimateNoiseLevel`).
public func weakODESystemWithModel(_ x: Tensor, dt: Double, library: PolynomialLibrary, halfWidth: Int? = nil, power: Int = 4)
    throws -> (target: Tensor, library: Tensor, log: [String], model: WeakODENoiseModel?) {
    guard x.rank == 2 else { throw DiscoveryError.wrongRank(name: "data", expected: "a 2-d array (samples, variables)", shape: x.shape) }
    try requireStep(dt, name: "dt")
    guard x.isFinite else { throw DiscoveryError.nonFinite(name: "data") }
    guard power >= 1 && power <= 40 else { throw DiscoveryError.invalidOption("the time bump's power must lie in 1 ... 40, got \(power)") }
    let n = x.shape[0]
    // The smallest test function (half-width 2) spans 5 samples.
    let minimumSamples = 2 * 2 + 1
    guard n >= minimumSamples else {
        throw DiscoveryError.invalidOption("the weak form needs at least \(minimumSamples) samples for its test functions, the data has \(n)")
    }
    guard x.standardDeviation().scalar > 0 else { throw DiscoveryError.invalidOption("the data is constant: there is no dynamics to discover") }
    var log: [String] = []
    let m: Int
    if let halfWidth {
        m = halfWidth
        log.append("time: half-width \(m) samples (given)")
    } else {
        // Only the time axis has a spectrum here; the columns are variables, which serve only
        // as the noise estimate's second direction (used when there are more than 6 of them).
        let options = WeakFormOptions()
        let sigma = estimateNoiseLevel(x)
        let std = x.standardDeviation().scalar
        log.append(String(format: "noise estimate %.3g (%.3g%% of std(u) = %.3g), from the median 6th difference", sigma, 100 * sigma / std, std))
        let time = automaticHalfWidth(x, axis: 0, power: power, noise: sigma, tau: options.tau,
                                      minimumHalfWidth: options.minimumHalfWidth, name: "time")
        m = time.halfWidth
        log.append(time.log)
    }
    guard m >= 2 && 2 * m + 1 <= n else {
        throw DiscoveryError.invalidOption("time test functions of half-width \(m) samples need at least 2 and must fit in \(n) samples")
    }
    let count = Swift.min(4096, (n - 1 - 2 * m) / Swift.max(1, m / 2) + 1)
    let centres = windowCentres(samples: n, halfWidth: m, count: count)
    guard centres.count > library.exponents.count else {
        throw DiscoveryError.invalidOption("only \(centres.count) test-function windows for \(library.exponents.count) candidate terms: give more samples or a smaller support")
    }
    log.append("\(centres.count) test-function windows")
    let bump = BumpFunction(halfWidth: m, power: power, spacing: dt)
    let psi = testMatrix(bump, order: 0, centres: centres, samples: n)
    let psi1 = testMatrix(bump, order: 1, centres: centres, samples: n)
    let d = x.shape[1]
    let columns = (0..<d).map { v in x.slice([.all, .range(v..<(v + 1))]) }
    let sigma = columns.map { estimateNoiseLevel($0) }
    let relative = zip(sigma, columns).map { s, c in c.standardDeviation().scalar > 0 ? s / c.standardDeviation().scalar : 0 }
    // Clean data (noise below 0.1% of every column's std): no noise to model, STLSQ's fit is kept.
    let model: WeakODENoiseModel? = relative.contains(where: { $0 >= 1e-3 })
        ? WeakODENoiseModel(x: x, centres: centres, bump: bump, exponents: library.exponents, sigma: sigma) : nil
    return (-matmul(psi1, x), matmul(psi, library.evaluate(x)), log, model)
}

/// A space window for the strong form's polynomial derivatives matched to the noise: the
/// half-width of `PDEDiscoveryOptions.noisySpaceDerivative` (25) or the weak form's automatic
/// space support (`chooseWeakSettings`, the scale below which noise dominates the spectrum),
/// whichever is larger, kept inside the data. Degree 12 as in the default.
public func noiseMatchedSpaceDerivative(_ u: Tensor, maxDerivative: Int) -> DerivativeMethod {
    let choice = chooseWeakSettings(u, maxDerivative: maxDerivative)
    let width = Swift.min(Swift.max(25, choice.spaceHalfWidth), (u.shape[1] - 1) / 2)
    return .polynomial(degree: Swift.min(12, 2 * width), halfWidth: width)
}
