import Foundation
import InductiveSolvers
import InductiveTensor

/// How derivatives are estimated from samples.
public enum DerivativeMethod: Sendable, Equatable {
    /// Second-order finite differences, one-sided at the ends (`finiteDifferenceDerivative`).
    case finiteDifference
    /// Local polynomial least squares (`polynomialDerivative`): for noisy data.
    case polynomial(degree: Int, halfWidth: Int)
    /// The DFT in space (`spectralDerivative`, periodic data only); time derivatives then use
    /// finite differences.
    case spectral

    /// The polynomial settings used when none are given: degree 4 on windows of 2 * 5 + 1
    /// points for ODE data.
    public static let defaultPolynomial = DerivativeMethod.polynomial(degree: 4, halfWidth: 5)
}

/// The sparse regression used by `discoverPDE`.
public enum SparseRegressionMethod: String, Sendable, CaseIterable {
    /// STRidge with PDE-FIND's tolerance search (`stridgeToleranceSearch`).
    case stridge
    /// STLSQ with a fixed threshold (`sequentialThresholdedLeastSquares`).
    case stlsq
}

/// One term of a discovered equation.
public struct EquationTerm: Sendable, Equatable {
    /// The library name of the term (`x*y`, `u*u_x`).
    public var name: String
    /// Its coefficient.
    public var coefficient: Double

    /// A term from its name and coefficient.
    public init(name: String, coefficient: Double) {
        self.name = name
        self.coefficient = coefficient
    }
}

/// lhs = sum_j coefficient_j * term_j, the non-zero terms in library order.
public struct Equation: Sendable, Equatable, CustomStringConvertible {
    /// The left-hand side, `x'` for an ODE variable x, `u_t` for a PDE.
    public var lhs: String
    /// The non-zero terms.
    public var terms: [EquationTerm]

    /// An equation from its left-hand side and terms.
    public init(lhs: String, terms: [EquationTerm]) {
        self.lhs = lhs
        self.terms = terms
    }

    /// The coefficient of a term, 0 when absent.
    public func coefficient(of name: String) -> Double { terms.first { $0.name == name }?.coefficient ?? 0 }

    /// `x' = -10 x + 10 y`, coefficients with six significant digits, `0` for no terms.
    public var description: String {
        if terms.isEmpty { return "\(lhs) = 0" }
        var text = "\(lhs) ="
        for (i, term) in terms.enumerated() {
            let c = term.coefficient
            let magnitude = String(format: "%.6g", Swift.abs(c))
            let sign = c < 0 ? "-" : "+"
            text += i == 0 ? (c < 0 ? " -" : " ") : " \(sign) "
            text += term.name == "1" ? magnitude : "\(magnitude) \(term.name)"
        }
        return text
    }
}

/// The outcome of equation discovery.
public struct DiscoveredEquations: Sendable, Equatable, CustomStringConvertible {
    /// One equation per left-hand side.
    public var equations: [Equation]
    /// The candidate term names, in column order of `coefficients`.
    public var termNames: [String]
    /// Coefficients, shape [terms, equations].
    public var coefficients: Tensor
    /// The sparse solver's diagnostics (for several equations: the largest iteration count,
    /// the residual over all, converged if all did).
    public var diagnostics: SolverDiagnostics
    /// Rows (samples, or space-time points) used in the regression.
    public var samplesUsed: Int
    /// The tolerance search behind the result (PDE-FIND with STRidge only).
    public var search: ToleranceSearchResult? = nil
    /// What automatic settings chose and why, one line each (empty when nothing was chosen).
    public var settings: [String] = []
    /// Bagging results (`ensembleDiscoverPDE`), nil otherwise.
    public var ensemble: EnsembleSummary? = nil

    /// A result from its parts.
    public init(equations: [Equation], termNames: [String], coefficients: Tensor, diagnostics: SolverDiagnostics,
                samplesUsed: Int, search: ToleranceSearchResult? = nil, settings: [String] = []) {
        self.equations = equations
        self.termNames = termNames
        self.coefficients = coefficients
        self.diagnostics = diagnostics
        self.samplesUsed = samplesUsed
        self.search = search
        self.settings = settings
    }

    /// The equations, one per line.
    public var description: String { equations.map(\.description).joined(separator: "\n") }

    /// `{"equations": [{"lhs": "x'", "terms": {"x": -10.0, "y": 10.0}}]}`: terms in library
    /// order, coefficients as shortest round-tripping decimals.
    public func json() -> String {
        func quoted(_ s: String) -> String {
            var out = "\""
            for ch in s.unicodeScalars {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                default:
                    if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
                }
            }
            return out + "\""
        }
        let items = equations.map { e in
            let terms = e.terms.map { "\(quoted($0.name)): \($0.coefficient)" }.joined(separator: ", ")
            return "{\"lhs\": \(quoted(e.lhs)), \"terms\": {\(terms)}}"
        }
        var text = "{\"equations\": [" + items.joined(separator: ", ") + "]"
        if !settings.isEmpty { text += ", \"settings\": [" + settings.map(quoted).joined(separator: ", ") + "]" }
        if let ensemble {
            let terms = ensemble.terms.map { t in
                "\(quoted(t.name)): {\"inclusion\": \(t.inclusion), \"median\": \(t.median), \"low\": \(t.low), \"high\": \(t.high)}"
            }
            text += ", \"ensemble\": {\"models\": \(ensemble.models), \"interval\": \(ensemble.intervalLevel), \"terms\": {" + terms.joined(separator: ", ") + "}}"
        }
        return text + "}\n"
    }
}

/// Settings of `discoverODE` (SINDy).
public struct ODEDiscoveryOptions: Sendable, Equatable {
    /// Variable names, one per column (default x, y, z, w for up to 4 columns, else x1, x2, ...).
    public var variableNames: [String]? = nil
    /// Highest total degree of the polynomial library.
    public var degree: Int = 2
    /// STLSQ threshold on the raw coefficients.
    public var threshold: Double = 0.1
    /// Ridge penalty inside STLSQ (0: plain least squares, as in the SINDy paper).
    public var alpha: Double = 0
    /// Time-derivative estimate.
    public var derivative: DerivativeMethod = .finiteDifference
    /// STLSQ refits at most.
    public var maxIterations: Int = 20
    /// Strong (X' estimated by `derivative`) or weak (`weakODESystem`: X' never estimated).
    public var formulation: PDEFormulation = .strong
    /// Weak form: half-width of the time test functions in samples (nil: from the noise).
    public var weakHalfWidth: Int? = nil
    /// Weak form: how the kept terms are refitted. `.joint` (the default): the generalized
    /// least-squares refit, then joint state and parameter estimation on its terms with BIC
    /// elimination (`jointStateParameterEstimate`, see `discoverODE`); `.generalized`:
    /// thresholded generalized least squares with the linearized noise covariance,
    /// `weakODEGeneralizedRefit`; `.diagonal` uses only its diagonal; `.none`: plain STLSQ.
    public var weakRefit: WeakRefit = .joint
    /// Weak form with `weakRefit` `.joint`: the joint estimation's settings.
    public var joint: JointEstimationOptions = JointEstimationOptions()

    /// The defaults listed above.
    public init() {}
}

/// Default variable names for `count` columns.
public func defaultVariableNames(_ count: Int) -> [String] {
    count <= 4 ? Array(["x", "y", "z", "w"].prefix(count)) : (1...count).map { "x\($0)" }
}

/// Checks a step or spacing (`dt`, `dx`) that differences are divided by: positive and finite
/// (else `DiscoveryError.nonPositive`), and not subnormal, since differences divided by a
/// subnormal step overflow whatever the data (else `DiscoveryError.invalidOption`, saying so).
/// `name` is how the messages call the step, e.g. `dt` or `--dt`.
public func requireStep(_ value: Double, name: String) throws {
    guard value > 0 && value.isFinite else { throw DiscoveryError.nonPositive(name: name, value: value) }
    guard value >= Double.leastNormalMagnitude else {
        throw DiscoveryError.invalidOption("\(name) \(value) is too small: derivatives divided by it overflow")
    }
}

/// Whether a local polynomial window of 2 halfWidth + 1 points fits in `count` samples and
/// carries a polynomial of `degree` (degree < 2 halfWidth + 1), without overflow for huge values.
private func polynomialWindowFits(degree: Int, halfWidth: Int, count: Int) -> Bool {
    halfWidth >= 0 && halfWidth <= (count - 1) / 2 && degree - halfWidth <= halfWidth
}

/// Variable names for `count` columns: the given ones checked (one per column, distinct,
/// not empty), else the defaults.
private func checkedVariableNames(_ names: [String]?, count: Int) throws -> [String] {
    guard let names else { return defaultVariableNames(count) }
    guard names.count == count else { throw DiscoveryError.nameCount(given: names.count, variables: count) }
    if names.contains(where: \.isEmpty) { throw DiscoveryError.invalidOption("variable names must not be empty") }
    var seen = Set<String>()
    for name in names where !seen.insert(name).inserted {
        throw DiscoveryError.invalidOption("variable name '\(name)' is given twice: names must be distinct")
    }
    return names
}

/// Throws `DiscoveryError.overflow` when `t` has a NaN or an infinity.
private func requireFinite(_ t: Tensor, _ what: String) throws {
    guard t.isFinite else { throw DiscoveryError.overflow(what) }
}

/// An estimate in bytes of the peak memory of `discoverODE` on `samples` rows of `variables`
/// columns with a library of total degree `degree`: the data and its derivative, the library
/// matrix and the least-squares copies of it. A Double, so that requests too large for an
/// `Int` are still compared correctly; infinite when the library cannot be counted.
public func estimatedODEDiscoveryBytes(samples: Int, variables: Int, degree: Int) -> Double {
    guard let terms = PolynomialLibrary.termCount(variables: variables, degree: degree) else { return .infinity }
    let n = Double(samples), d = Double(variables), p = Double(terms)
    // Data and derivative (and the solver's right-hand sides), the library and two working
    // copies in the least squares, the exponents and names of the terms.
    return 8 * (3 * n * d + 3 * n * p + p * (d + 8))
}

/// An estimate in bytes of the extra peak memory of `discoverODE`'s weak formulation on
/// `samples` rows of `variables` columns, degree `degree`: the dense test matrices psi and psi'
/// ([K, n] each, K = min(4096, (n - 1 - 2m) / max(1, m / 2) + 1) windows of half-width m) and a
/// product of that size, plus the [K, terms + d] system. m is `halfWidth` when given, else the
/// worst case m = 2 (the automatic choice comes from the data's spectrum, after this check):
/// K n grows like n^2 / m up to the cap (measured on Lorenz at 1% noise with the automatic
/// m: about 0.1, 0.3, 1.1 and 4.1 GB of peak memory at n = 12500, 25000, 50000, 100000).
/// Infinite when the library cannot be counted.
public func estimatedWeakODEBytes(samples: Int, variables: Int, degree: Int, halfWidth: Int? = nil) -> Double {
    guard let terms = PolynomialLibrary.termCount(variables: variables, degree: degree) else { return .infinity }
    let m = Swift.max(2, halfWidth ?? 2)
    let windows = Double(Swift.max(1, Swift.min(4096, Swift.max(0, samples - 1 - 2 * m) / Swift.max(1, m / 2) + 1)))
    return 8 * (3 * windows * Double(samples) + windows * Double(terms + variables))
}

/// An estimate in bytes of the extra peak memory of `discoverODE`'s joint stage (weak form,
/// `weakRefit` `.joint`) on `samples` rows of `variables` columns, degree `degree`, at the worst
/// case of p = terms d kept coefficients: per Levenberg-Marquardt step the coefficient blocks
/// (P, the border B and the right-hand sides, about 3 n d p doubles), the d x d blocks of the
/// Jacobian and the normal equations (about 5 n d^2), the monomials and their gradients
/// (n terms (d + 1)) and the states, residuals and trial copies (about 8 n d). Add it to
/// `estimatedODEDiscoveryBytes`: the library matrix is still held during the joint stage.
/// Infinite when the library cannot be counted.
public func estimatedJointEstimationBytes(samples: Int, variables: Int, degree: Int) -> Double {
    guard let terms = PolynomialLibrary.termCount(variables: variables, degree: degree) else { return .infinity }
    let n = Double(samples), d = Double(variables), t = Double(terms), p = t * d
    return 8 * (3 * n * d * (p + 1) + 5 * n * d * d + n * t * (d + 1) + 8 * n * d + p * p)
}

/// An estimate in bytes of the peak memory of `discoverPDE` on u of shape [times, points]:
/// u and its derivative estimates, the library matrix and the working copies of the sparse
/// regression (the tolerance search's train and validation splits). Infinite when the library
/// cannot be counted.
public func estimatedPDEDiscoveryBytes(times: Int, points: Int, degree: Int, maxDerivative: Int) -> Double {
    guard let terms = PDELibrary.termCount(degree: degree, maxDerivative: maxDerivative) else { return .infinity }
    let n = Double(times) * Double(points), p = Double(terms)
    return 8 * (2 * n * (Double(maxDerivative) + 3) + 4 * n * p)
}

/// SINDy (Brunton, Proctor and Kutz 2016): from samples X (shape [n, d], row i at time i dt),
/// estimate X' by `options.derivative`, build the polynomial library Theta(X) (`PolynomialLibrary`)
/// and solve X' = Theta(X) Xi for a sparse Xi by STLSQ, one equation per variable.
///
/// - Cost: O(n d) for the derivatives, O(n p) for the library, O(n p^2) for STLSQ (p terms).
///   Weak form with the `.joint` refit (the default): in addition, per elimination round (at
///   most one per kept term) up to `joint.maxIterations` Levenberg-Marquardt steps of
///   O(n (d^3 + d^2 k + d k^2) + k^3) for k kept coefficients, and memory
///   `estimatedJointEstimationBytes` (about 3 n d k doubles).
/// - Throws: `DiscoveryError` for data that is not a matrix, contains NaN/inf, has no more
///   samples than terms, a non-positive dt, or names that do not match the columns;
///   `LinearAlgebraError` if a factorization fails.
public func discoverODE(_ data: Tensor, dt: Double, options: ODEDiscoveryOptions = ODEDiscoveryOptions()) throws -> DiscoveredEquations {
    guard data.rank == 2 else { throw DiscoveryError.wrongRank(name: "data", expected: "a 2-d array (samples, variables)", shape: data.shape) }
    try requireStep(dt, name: "dt")
    guard data.isFinite else { throw DiscoveryError.nonFinite(name: "data") }
    guard options.degree >= 1 else { throw DiscoveryError.invalidOption("degree must be at least 1, got \(options.degree)") }
    guard options.threshold >= 0 && options.threshold.isFinite else { throw DiscoveryError.invalidOption("threshold must be a non-negative number, got \(options.threshold)") }
    let (n, d) = (data.shape[0], data.shape[1])
    guard d >= 1 else { throw DiscoveryError.wrongRank(name: "data", expected: "a 2-d array with at least one column", shape: data.shape) }
    let names = try checkedVariableNames(options.variableNames, count: d)
    // The library is counted before it is built: a wide array (many columns, few rows) would
    // otherwise build millions of terms before finding too few samples.
    guard let terms = PolynomialLibrary.termCount(variables: d, degree: options.degree) else {
        throw DiscoveryError.invalidOption("degree \(options.degree) with \(d) variables gives more candidate terms than can be counted")
    }
    guard n > terms else { throw DiscoveryError.tooFewSamples(samples: n, terms: terms) }
    switch options.derivative {
    case .polynomial(let degree, let halfWidth):
        guard degree >= 1 && halfWidth >= 0 && degree - halfWidth <= halfWidth else {
            throw DiscoveryError.invalidOption("polynomial derivative needs 1 <= degree < 2 halfWidth + 1, got degree \(degree), halfWidth \(halfWidth)")
        }
        guard polynomialWindowFits(degree: degree, halfWidth: halfWidth, count: n) else {
            throw DiscoveryError.invalidOption("polynomial derivative windows of half-width \(halfWidth) do not fit in \(n) samples")
        }
    default:
        guard n >= 3 else { throw DiscoveryError.tooFewSamples(samples: n, terms: 3) }
    }
    let library = PolynomialLibrary(variableNames: names, degree: options.degree)
    var settings: [String] = []
    let derivative: Tensor, theta: Tensor
    var model: WeakODENoiseModel?
    if options.formulation == .weak {
        let weak = try weakODESystemWithModel(data, dt: dt, library: library, halfWidth: options.weakHalfWidth)
        derivative = weak.target
        theta = weak.library
        model = weak.model
        settings = ["formulation weak"] + weak.log
    } else {
    switch options.derivative {
    case .finiteDifference, .spectral: derivative = finiteDifferenceDerivative(data, spacing: dt, order: 1, axis: 0)
    case .polynomial(let degree, let halfWidth):
        derivative = polynomialDerivative(data, spacing: dt, order: 1, axis: 0, degree: degree, halfWidth: halfWidth)
    }
    try requireFinite(derivative, "the time derivative overflows: dt = \(dt) is too small for data of this size")
    theta = library.evaluate(data)
    }
    try requireFinite(theta, "the candidate library overflows: powers up to degree \(options.degree) of the data exceed the largest number; use a smaller degree or rescale the data")
    var fit = try sequentialThresholdedLeastSquares(theta, derivative, threshold: options.threshold, alpha: options.alpha,
                                                    maxIterations: options.maxIterations)
    if let model, options.weakRefit != .none {
        var refitted = fit.coefficients.scalars  // [terms, d] row-major
        for v in 0..<d {
            let xi = (0..<terms).map { refitted[$0 * d + v] }
            let b = derivative.slice([.all, .index(v)])
            let next: [Double]
            if options.weakRefit != .diagonal {
                next = weakODEGeneralizedRefit(theta, b, model: model, equation: v, coefficients: xi, threshold: options.threshold)
            } else {
                var diagonalModel = model
                diagonalModel.diagonalOnly = true
                next = weakODEGeneralizedRefit(theta, b, model: diagonalModel, equation: v, coefficients: xi, threshold: options.threshold)
            }
            for j in 0..<terms { refitted[j * d + v] = next[j] }
        }
        fit.coefficients = Tensor(shape: [terms, d], scalars: refitted)
        settings.append("kept terms refitted by \(options.weakRefit == .diagonal ? "weighted" : "generalized") least squares with the linearized noise covariance, rethresholded at \(options.threshold)")
        if options.weakRefit == .joint {
            settings.append(contentsOf: jointRefit(data, dt: dt, library: library, coefficients: &refitted, sigma: model.sigma,
                                                   threshold: options.threshold, names: names, options: options.joint))
            fit.coefficients = Tensor(shape: [terms, d], scalars: refitted)
        }
    }
    let termNames = library.names
    let equations = (0..<d).map { v in
        Equation(lhs: names[v] + "'", terms: (0..<terms).compactMap { j in
            let c = fit.coefficients[j, v]
            return c == 0 ? nil : EquationTerm(name: termNames[j], coefficient: c)
        })
    }
    return DiscoveredEquations(equations: equations, termNames: termNames, coefficients: fit.coefficients,
                               diagnostics: fit.diagnostics, samplesUsed: theta.shape[0], settings: settings)
}

/// The `.joint` stage of `discoverODE`: joint state and parameter estimation on the terms of
/// `coefficients` ([terms, d], updated in place), then backward elimination: the terms below
/// `threshold` are dropped, else (when `options.dropInsignificant`) the least significant term
/// when its squared z-score (c / standard error)^2 is below log(n d), the Schwarz (BIC) price of
/// one parameter with n d observations (`leastSignificantTerm`); a term whose standard error is
/// +infinity (not identifiable) counts as z^2 = 0 and goes first, and a NaN standard error (not
/// computed) stops the elimination with a log line. The rest is re-estimated, until no term goes
/// (at most one round per kept term). Keeps the generalized least-squares coefficients when the
/// first estimation breaks down, and the previous round's estimate (all its terms) when a later
/// one does. Returns the log lines.
public func jointRefit(_ data: Tensor, dt: Double, library: PolynomialLibrary, coefficients: inout [Double], sigma: [Double],
                threshold: Double, names: [String], options: JointEstimationOptions) -> [String] {
    let n = data.shape[0], d = data.shape[1]
    var current = coefficients
    var log: [String] = []
    var rounds = 0, totalIterations = 0, unconverged = 0
    let price = Foundation.log(Double(n * d))
    var states: Tensor? = nil
    var previous = coefficients  // the last estimate, before its elimination
    // A column without measurable noise (the noise model exists when any column has some) gets
    // the model's own floor, 1e-3 of its standard deviation, instead of sigma = 0.
    var sigma = sigma
    let values = sigma.allSatisfy({ $0 > 0 }) ? [] : data.scalars
    for v in 0..<d where !(sigma[v] > 0) {
        let column = (0..<n).map { values[$0 * d + v] }
        let mean = column.reduce(0, +) / Double(n)
        let floor = 1e-3 * (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        if floor > 0 {
            sigma[v] = floor
            log.append("\(names[v]): no measurable noise, joint estimation uses sigma = 1e-3 of its standard deviation")
        }
    }
    while true {
        rounds += 1
        // Each round starts from the previous round's denoised states (warm start).
        guard let estimate = jointStateParameterEstimate(data, dt: dt, exponents: library.exponents, coefficients: current,
                                                         sigma: sigma, initialStates: states, options: options) else {
            log.append(rounds == 1 ? "joint state and parameter estimation broke down: kept the generalized least-squares fit"
                                   : "joint state and parameter estimation broke down in round \(rounds): kept round \(rounds - 1)'s estimate with all its terms")
            coefficients = previous
            return log
        }
        totalIterations += estimate.iterations
        if !estimate.converged { unconverged += 1 }
        states = estimate.states
        var next = estimate.coefficients
        previous = next
        var dropped = next.indices.filter { next[$0] != 0 && Swift.abs(next[$0]) < threshold }
        var unavailable: String? = nil
        if dropped.isEmpty && options.dropInsignificant {
            switch leastSignificantTerm(coefficients: next, standardErrors: estimate.standardErrors,
                                        candidates: next.indices.filter { next[$0] != 0 }, price: price) {
            case .keepAll: break
            case .drop(let j): dropped = [j]
            case .unavailable(let j):
                unavailable = "standard errors not computed in round \(rounds) (the lambda = 0 factorization failed, at \(names[j % d])' \(library.names[j / d])): elimination stopped, the support kept"
            }
        }
        for j in dropped { next[j] = 0 }
        current = next
        if dropped.isEmpty || next.allSatisfy({ $0 == 0 }) {
            if let unavailable { log.append(unavailable) }
            log.append(String(format: "kept terms re-estimated jointly with the denoised states (trapezoid collocation, tolerance %.3g noise sd per step; %d rounds of elimination, %d Levenberg-Marquardt iterations",
                              estimate.tolerance, rounds, totalIterations)
                       + (unconverged == 0 ? ")" : ", \(unconverged) of the \(rounds) rounds not converged" + (estimate.converged ? ", the last converged)" : ")")))
            let termNames = library.names
            for v in 0..<d {
                let terms = termNames.indices.filter { current[$0 * d + v] != 0 }
                    .map { j -> String in
                        let se = estimate.standardErrors[j * d + v]
                        return "\(termNames[j]) " + String(format: "%.6g ", current[j * d + v])
                            + (se.isFinite ? String(format: "± %.2g", se) : se.isNaN ? "(standard error not computed)" : "(not identified)")
                    }
                log.append("  \(names[v])': " + terms.joined(separator: ", ") + " (± Gauss-Newton standard error)")
            }
            break
        }
    }
    coefficients = current
    return log
}

/// Settings of `discoverPDE` (PDE-FIND).
public struct PDEDiscoveryOptions: Sendable, Equatable {
    /// Highest power of u in the library.
    public var degree: Int = 2
    /// Highest derivative order in x in the library.
    public var maxDerivative: Int = 3
    /// Sparse regression.
    public var method: SparseRegressionMethod = .stridge
    /// Derivative estimate in space (and in time, for `.polynomial`, unless `timeDerivative` is set).
    public var derivative: DerivativeMethod = .finiteDifference
    /// The time-derivative estimate when it should differ from the space one (nil: the same
    /// as `derivative` for `.polynomial`, finite differences otherwise). On data that moves
    /// fast in time relative to the sampling, a narrower time window avoids smoothing bias.
    public var timeDerivative: DerivativeMethod? = nil
    /// Points dropped at each end of both axes before the regression; nil means, per axis, the
    /// polynomial half-width used along it (the off-centre fits there are the least accurate),
    /// else 0.
    public var trim: Int? = nil
    /// STLSQ threshold (method `.stlsq` only), on the raw coefficients.
    public var threshold: Double = 0.1
    /// STRidge tolerance search settings (method `.stridge` only).
    public var search: ToleranceSearchOptions = ToleranceSearchOptions()
    /// Strong (pointwise derivatives) or weak (integrals against test functions) formulation.
    public var formulation: PDEFormulation = .strong
    /// Weak-form settings (formulation `.weak`; nil entries are chosen from the data).
    public var weak: WeakFormOptions = WeakFormOptions()

    /// The defaults listed above.
    public init() {}

    /// Space derivatives recommended for noisy data: local polynomials of degree 12 on windows
    /// of 2 * 25 + 1 points. Chosen on the Burgers and KdV benchmarks with 1% noise (see the
    /// discovery tests and `inductive discover table`): a high degree keeps the smoothing bias
    /// small on a window wide enough to average the noise of third derivatives.
    public static let noisySpaceDerivative = DerivativeMethod.polynomial(degree: 12, halfWidth: 25)
    /// Time derivatives recommended for noisy data: degree 4 on 2 * 5 + 1 points (the time axis
    /// of the benchmarks is short, 101 and 201 samples, and features move fast across it).
    public static let noisyTimeDerivative = DerivativeMethod.polynomial(degree: 4, halfWidth: 5)
}

/// How `discoverPDE` turns data into a regression.
public enum PDEFormulation: String, Sendable, CaseIterable {
    /// u_t = Theta(u) xi at every kept grid point, derivatives estimated pointwise (PDE-FIND).
    case strong
    /// The PDE integrated against test functions, derivatives moved onto them
    /// (`buildWeakPDERegression`, weak SINDy).
    case weak
}

/// The regression problem of PDE-FIND built from data: u_t and the library at the kept points.
public struct PDERegressionProblem: Sendable, Equatable {
    /// The library matrix, shape [points, terms].
    public var library: Tensor
    /// u_t at the same points, shape [points].
    public var target: Tensor
    /// The term names.
    public var termNames: [String]
}

/// Builds u_t and the candidate library (`PDELibrary`) from u of shape [nt, nx] (row i at time
/// i dt, column j at x_j = j dx), after estimating derivatives by `options.derivative` and
/// dropping the trimmed points at the ends of each axis (see `PDEDiscoveryOptions.trim`).
///
/// - Throws: `DiscoveryError` for data that is not 2-d, non-finite values, non-positive dt or
///   dx, too few points for the stencils, or no more points than terms.
public func buildPDERegression(_ u: Tensor, dt: Double, dx: Double, options: PDEDiscoveryOptions = PDEDiscoveryOptions()) throws -> PDERegressionProblem {
    guard u.rank == 2 else { throw DiscoveryError.wrongRank(name: "data", expected: "a 2-d array (times, points)", shape: u.shape) }
    try requireStep(dt, name: "dt")
    try requireStep(dx, name: "dx")
    guard u.isFinite else { throw DiscoveryError.nonFinite(name: "data") }
    guard options.degree >= 0 && options.maxDerivative >= 0 && (options.degree >= 1 || options.maxDerivative >= 1) else {
        throw DiscoveryError.invalidOption("degree and max-derivative must be non-negative and not both 0")
    }
    let (nt, nx) = (u.shape[0], u.shape[1])
    guard let termCount = PDELibrary.termCount(degree: options.degree, maxDerivative: options.maxDerivative) else {
        throw DiscoveryError.invalidOption("degree \(options.degree) and max-derivative \(options.maxDerivative) give more candidate terms than can be counted")
    }
    guard termCount < nt * nx else { throw DiscoveryError.tooFewSamples(samples: nt * nx, terms: termCount) }
    let library = PDELibrary(degree: options.degree, maxDerivative: options.maxDerivative)
    var spaceTrim = 0, timeTrim = 0
    switch options.derivative {
    case .polynomial(let degree, let halfWidth):
        guard degree >= Swift.max(options.maxDerivative, 1) && halfWidth >= 0 && degree - halfWidth <= halfWidth else {
            throw DiscoveryError.invalidOption("polynomial derivative needs max-derivative <= degree < 2 halfWidth + 1, got degree \(degree), halfWidth \(halfWidth)")
        }
        guard polynomialWindowFits(degree: degree, halfWidth: halfWidth, count: nx) else {
            throw DiscoveryError.invalidOption("polynomial derivative windows of half-width \(halfWidth) do not fit in \(nx) points")
        }
        spaceTrim = halfWidth
    case .finiteDifference, .spectral:
        guard nx - 2 >= options.maxDerivative else {
            throw DiscoveryError.invalidOption("derivatives up to order \(options.maxDerivative) need at least that many points plus 2, the data has \(nx)")
        }
    }
    let timeMethod: DerivativeMethod
    switch options.timeDerivative ?? options.derivative {
    case .polynomial(let degree, let halfWidth):
        guard degree >= 1 && halfWidth >= 0 && degree - halfWidth <= halfWidth else {
            throw DiscoveryError.invalidOption("polynomial time derivative needs 1 <= degree < 2 halfWidth + 1, got degree \(degree), halfWidth \(halfWidth)")
        }
        guard polynomialWindowFits(degree: degree, halfWidth: halfWidth, count: nt) else {
            throw DiscoveryError.invalidOption("polynomial time-derivative windows of half-width \(halfWidth) do not fit in \(nt) times")
        }
        timeMethod = .polynomial(degree: degree, halfWidth: halfWidth)
        timeTrim = halfWidth
    case .finiteDifference, .spectral:
        guard nt >= 3 else { throw DiscoveryError.tooFewSamples(samples: nt, terms: 3) }
        timeMethod = .finiteDifference
    }
    if let trim = options.trim { spaceTrim = trim; timeTrim = trim }
    guard spaceTrim >= 0 && timeTrim >= 0 else { throw DiscoveryError.invalidOption("trim must be non-negative") }
    // Compared as halves so that a huge trim cannot overflow.
    guard timeTrim <= (nt - 1) / 2 && spaceTrim <= (nx - 1) / 2 else {
        throw DiscoveryError.invalidOption("trimming \(Swift.max(timeTrim, spaceTrim)) points at each end leaves no data of shape [\(nt), \(nx)]")
    }
    let keptT = nt - 2 * timeTrim, keptX = nx - 2 * spaceTrim
    let points = keptT * keptX
    guard points > termCount else {
        throw DiscoveryError.tooFewSamples(samples: points, terms: termCount)
    }
    let ut: Tensor
    switch timeMethod {
    case .polynomial(let degree, let halfWidth):
        ut = polynomialDerivative(u, spacing: dt, order: 1, axis: 0, degree: degree, halfWidth: halfWidth)
    default:
        ut = finiteDifferenceDerivative(u, spacing: dt, order: 1, axis: 0)
    }
    var value = u
    var derivatives: [Tensor] = []
    switch options.derivative {
    case .finiteDifference:
        for m in stride(from: 1, through: options.maxDerivative, by: 1) {
            derivatives.append(finiteDifferenceDerivative(u, spacing: dx, order: m, axis: 1))
        }
    case .spectral:
        for m in stride(from: 1, through: options.maxDerivative, by: 1) {
            derivatives.append(spectralDerivative(u, spacing: dx, order: m, axis: 1))
        }
    case .polynomial(let degree, let halfWidth):
        // u itself is replaced by its local fit (order 0): on noisy data the library's powers
        // of u are then as smooth as its derivatives.
        value = polynomialDerivative(u, spacing: dx, order: 0, axis: 1, degree: degree, halfWidth: halfWidth)
        for m in stride(from: 1, through: options.maxDerivative, by: 1) {
            derivatives.append(polynomialDerivative(u, spacing: dx, order: m, axis: 1, degree: degree, halfWidth: halfWidth))
        }
    }
    let region: [Slice] = [.range(timeTrim..<(nt - timeTrim)), .range(spaceTrim..<(nx - spaceTrim))]
    // Each trimmed field is sliced (a copy) once, checked, then flattened.
    let target = ut.slice(region).flattened()
    try requireFinite(target, "the time derivative overflows: dt = \(dt) is too small for data of this size")
    var trimmedDerivatives: [Tensor] = []
    for (m, derivative) in derivatives.enumerated() {
        let trimmed = derivative.slice(region).flattened()
        try requireFinite(trimmed, "the x-derivative of order \(m + 1) overflows: dx = \(dx) is too small for this order, or lower the max-derivative")
        trimmedDerivatives.append(trimmed)
    }
    let theta = library.evaluate(u: value.slice(region).flattened(), derivatives: trimmedDerivatives)
    try requireFinite(theta, "the candidate library overflows: powers up to degree \(options.degree) of u times its derivatives exceed the largest number; use a smaller degree or rescale the data")
    return PDERegressionProblem(library: theta, target: target, termNames: library.names)
}

/// PDE-FIND (Rudy, Brunton, Proctor and Kutz 2017): from u of shape [nt, nx] sampled with
/// steps dt and dx, build u_t = Theta(u) xi (`buildPDERegression`) and find a sparse xi by
/// STRidge with the tolerance search (`stridgeToleranceSearch`, the split drawn from `rng`) or
/// by STLSQ with a fixed threshold.
///
/// - Cost: the derivative estimates O(nt nx stencil), the library O(nt nx terms), the
///   regression O(nt nx terms^2) for the QR factorizations. Weak form with the `.joint` refit
///   (the default on noisy data): in addition, per elimination round (at most one per kept term)
///   up to `weak.joint.maxIterations` Levenberg-Marquardt iterations of `estimatedPDEJointCost`
///   (~7.3 nt (nx - 2h) b^2 flops with Simpson and strips of b points), rarely one more
///   factorization for the standard errors, and memory `estimatedPDEJointBytes`; skipped (GLS kept) above
///   `weak.joint`'s caps or stiffness bound.
/// - Throws: as `buildPDERegression`, and `LinearAlgebraError` if a factorization fails.
public func discoverPDE(
    _ u: Tensor, dt: Double, dx: Double, options: PDEDiscoveryOptions = PDEDiscoveryOptions(),
    using rng: inout RandomGenerator
) throws -> DiscoveredEquations {
    let built = try buildPDEProblem(u, dt: dt, dx: dx, options: options)
    let result = try solvePDERegression(built.problem, options: weakAdjusted(options, built.problem), settings: built.settings, using: &rng)
    return refitWeakResult(result, problem: built.problem, model: built.model, mode: options.weak.refit, joint: options.weak.joint)
}

/// The regression problem of `options.formulation` (`buildPDERegression` or
/// `buildWeakPDERegression`), the settings lines to report and the weak form's noise model
/// (nil for the strong form and on clean data). Shared by `discoverPDE` and `ensembleDiscoverPDE`.
func buildPDEProblem(_ u: Tensor, dt: Double, dx: Double, options: PDEDiscoveryOptions) throws
    -> (problem: PDERegressionProblem, settings: [String], model: WeakNoiseModel?) {
    switch options.formulation {
    case .strong:
        return (try buildPDERegression(u, dt: dt, dx: dx, options: options), [], nil)
    case .weak:
        let weak = try buildWeakPDERegression(u, dt: dt, dx: dx, degree: options.degree, maxDerivative: options.maxDerivative,
                                              options: options.weak)
        return (weak.problem,
                ["formulation weak"] + weak.choice.log + ["\(weak.timeWindows) x \(weak.spaceWindows) test-function windows (time x space)"],
                weak.noiseModel)
    }
}

/// Applies `WeakRefit` to the terms a weak-form search kept (strong form: unchanged).
func refitWeakResult(_ result: DiscoveredEquations, problem: PDERegressionProblem, model: WeakNoiseModel?, mode: WeakRefit,
                     joint: PDEJointEstimationOptions = PDEJointEstimationOptions()) -> DiscoveredEquations {
    guard let model, mode != .none else { return result }
    var xi = weakRefit(problem, model: model, coefficients: result.coefficients.scalars, mode: mode == .joint ? .generalized : mode)
    var jointLog: [String] = []
    if mode == .joint { jointLog = pdeJointRefit(model: model, coefficients: &xi, names: problem.termNames, options: joint) }
    var refitted = result
    refitted.coefficients = Tensor(shape: [xi.count, 1], scalars: xi)
    refitted.equations = [Equation(lhs: "u_t", terms: problem.termNames.indices.compactMap { j in
        xi[j] == 0 ? nil : EquationTerm(name: problem.termNames[j], coefficient: xi[j])
    })]
    let rows = model.centresT.count * model.centresX.count
    refitted.settings.append(mode != .diagonal
        ? "coefficients of the kept terms refitted by generalized least squares on all \(rows) windows (noise covariance linearized at the search's fit)"
        : "coefficients of the kept terms refitted by weighted least squares on all \(rows) windows (noise variance linearized at the search's fit)")
    refitted.settings.append(contentsOf: jointLog)
    return refitted
}

/// `WeakRefit.joint` for a 1-D PDE on the weak form's data and noise estimate: `pdeJointRefit`.
func pdeJointRefit(model: WeakNoiseModel, coefficients xi: inout [Double], names: [String], options: PDEJointEstimationOptions) -> [String] {
    pdeJointRefit(Tensor(shape: [model.nt, model.nx], scalars: model.u), dt: model.bumpT.spacing, dx: model.bumpX.spacing,
                  terms: zip(model.powers, model.derivatives).map { (power: $0, derivative: $1) }, coefficients: &xi,
                  sigma: model.noise, names: names, options: options)
}

/// The joint refit of a 1-D PDE's coefficients: `pdeJointEstimate` on the support of xi
/// (started from xi, e.g. the weak form's GLS fit; `terms` and `names` describe every library
/// term, xi has one entry per term), then backward elimination as `jointRefit` does for ODEs:
/// while the least significant kept term has (c / SE)^2 below log(nt nx) (the BIC price of one
/// parameter, `leastSignificantTerm`), drop it and re-estimate warm-started from the denoised
/// field. An estimate is used only when it converged: xi is kept (and the log says why) when the
/// first estimate is refused (grid above the cost caps), breaks down or does not converge, and a
/// later round's failure restores the previous round's estimate with all its terms. A standard
/// error that could not be computed (NaN) stops the elimination and keeps the support.
/// Returns the log lines.
///
/// - Cost: per round, up to `options.maxIterations` iterations of `estimatedPDEJointCost` plus
///   at most one factorization for the standard errors; at most one round per kept term.
public func pdeJointRefit(_ u: Tensor, dt: Double, dx: Double, terms library: [(power: Int, derivative: Int)], coefficients xi: inout [Double],
                          sigma: Double, names: [String], options: PDEJointEstimationOptions) -> [String] {
    precondition(library.count == xi.count && names.count == xi.count, "one term and one name per coefficient")
    guard u.rank == 2 else { return [] }
    let (nt, nx) = (u.shape[0], u.shape[1])
    let price = Foundation.log(Double(nt * nx))
    var support = xi.indices.filter { xi[$0] != 0 }
    guard !support.isEmpty else { return [] }
    var start = support.map { xi[$0] }
    var previous = xi  // the last accepted estimate, all its terms
    var field: Tensor? = nil
    var rounds = 0, iterations = 0, eliminated = 0
    var log: [String] = []
    while true {
        rounds += 1
        let terms = support.map { library[$0] }
        let h = options.spaceHalfWidth ?? PDEJointEstimationOptions.defaultHalfWidth(maxDerivative: terms.map(\.derivative).max() ?? 0)
        let cost = estimatedPDEJointCost(samples: nt, points: nx, halfWidth: h, collocation: options.collocation, terms: terms.count,
                                         stripWidth: options.resolvedStripWidth(halfWidth: h))
        let kept = rounds == 1 ? "kept the generalized least-squares fit" : "kept round \(rounds - 1)'s estimate with all its terms"
        let attempt = pdeJointEstimate(u, dt: dt, dx: dx, terms: terms, coefficients: start, sigma: sigma, initialField: field, options: options)
        guard let estimate = attempt, estimate.converged else {
            xi = previous
            let reason: String
            if let attempt {
                reason = "did not converge in \(attempt.iterations) Levenberg-Marquardt iterations"
            } else if cost.flops > options.maximumFlopsPerIteration || cost.bytes > options.maximumBytes {
                reason = String(format: "skipped: %.2g flops per iteration and %.2g bytes, caps %.2g and %.2g", cost.flops, cost.bytes,
                                options.maximumFlopsPerIteration, options.maximumBytes)
            } else if case let z = pdeCollocationStiffness(dt: dt, dx: dx, terms: terms, coefficients: start, amplitude: u.scalars.reduce(0.0) { Swift.max($0, Swift.abs($1)) }),
                      z > options.maximumStiffness {
                reason = String(format: "skipped: collocation stiffness dt |c| |u|^a (pi/dx)^m = %.3g above %.3g", z, options.maximumStiffness)
            } else if nt < 4 || nx <= 2 * h {
                reason = "skipped: \(nt) x \(nx) samples cannot hold 4 times and a stencil of half-width \(h) with an interior point"
            } else {
                reason = "broke down"
            }
            let stage = rounds == 1 ? "joint estimation" : "joint estimation in round \(rounds)"
            // Kept the first message for the unchanged paths ("joint estimation skipped: ...").
            return log + [rounds == 1 && attempt == nil && reason == "broke down"
                ? "joint estimation of field and coefficients broke down: kept the generalized least-squares fit"
                : "\(stage) \(reason); \(kept)"]
        }
        iterations += estimate.iterations
        for (q, j) in support.enumerated() { xi[j] = estimate.coefficients[q] }
        previous = xi
        field = estimate.field
        var choice = EliminationChoice.keepAll
        if support.count > 1 {
            var errors = [Double](repeating: 0, count: xi.count)
            for (q, j) in support.enumerated() { errors[j] = estimate.standardErrors[q] }
            choice = leastSignificantTerm(coefficients: xi, standardErrors: errors, candidates: support, price: price)
        }
        if case .drop(let j) = choice {
            xi[j] = 0
            support.removeAll { $0 == j }
            eliminated += 1
            start = support.map { xi[$0] }
            continue
        }
        if case .unavailable(let j) = choice {
            log.append("standard errors not computed in round \(rounds) (the lambda = 0 factorization failed, at \(names[j])): elimination stopped, the support kept")
        }
        log.append(String(format: "kept terms re-estimated jointly with the denoised field (%@ collocation in time, central differences of half-width %d in x, %d strip%@ of %d-%d points, tolerance %.3g noise sd per step; %d terms eliminated in %d rounds, %d Levenberg-Marquardt iterations)",
                          options.collocation.rawValue, estimate.halfWidth, estimate.strips.count, estimate.strips.count == 1 ? "" : "s",
                          (estimate.strips.map(\.count).min() ?? 0) - 2 * estimate.halfWidth, (estimate.strips.map(\.count).max() ?? 0) - 2 * estimate.halfWidth,
                          estimate.tolerance, eliminated, rounds, iterations))
        log.append("  u_t: " + support.indices.map { q in
            let se = estimate.standardErrors[q]
            return "\(names[support[q]]) " + String(format: "%.6g ", estimate.coefficients[q])
                + (se.isFinite ? String(format: "± %.2g", se) : se.isNaN ? "(standard error not computed)" : "(not identified)")
        }.joined(separator: ", ") + " (± Gauss-Newton standard error)")
        return log
    }
}

/// For the weak form without a given l0 weight: l0 = relativeL0Penalty * ||b|| sqrt(1 - trainFraction)
/// (the expected norm of the validation part of the target).
func weakAdjusted(_ options: PDEDiscoveryOptions, _ problem: PDERegressionProblem) -> PDEDiscoveryOptions {
    guard options.formulation == .weak, options.search.l0Penalty == nil else { return options }
    var adjusted = options
    adjusted.search.l0Penalty = options.weak.relativeL0Penalty * problem.target.norm() * (1 - options.search.trainFraction).squareRoot()
    return adjusted
}

/// The sparse regression step of `discoverPDE` on a built problem.
public func solvePDERegression(
    _ problem: PDERegressionProblem, options: PDEDiscoveryOptions, settings: [String] = [], using rng: inout RandomGenerator
) throws -> DiscoveredEquations {
    let coefficients: Tensor
    let diagnostics: SolverDiagnostics
    var search: ToleranceSearchResult?
    switch options.method {
    case .stridge:
        let result = try stridgeToleranceSearch(problem.library, problem.target, options: options.search, using: &rng)
        coefficients = result.coefficients
        diagnostics = result.diagnostics
        search = result
    case .stlsq:
        let fit = try sequentialThresholdedLeastSquares(problem.library, problem.target, threshold: options.threshold)
        coefficients = fit.coefficients
        diagnostics = fit.diagnostics
    }
    let terms = problem.termNames.indices.compactMap { j -> EquationTerm? in
        let c = coefficients.scalars[j]
        return c == 0 ? nil : EquationTerm(name: problem.termNames[j], coefficient: c)
    }
    return DiscoveredEquations(equations: [Equation(lhs: "u_t", terms: terms)], termNames: problem.termNames,
                               coefficients: coefficients.reshaped([problem.termNames.count, 1]),
                               diagnostics: diagnostics, samplesUsed: problem.target.count, search: search, settings: settings)
}
