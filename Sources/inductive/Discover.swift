import ArgumentParser
import Foundation
import Inductive

/// `inductive discover`: governing equations from data by sparse regression.
struct Discover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Discover governing equations from data (SINDy for ODEs, PDE-FIND for PDEs).",
        discussion: """
            Make data with `inductive discover simulate`, then fit it:
              inductive discover simulate lorenz --out lorenz.npy        (prints the dt to use)
              inductive discover ode --data lorenz.npy --dt 0.002
              inductive discover simulate burgers --out burgers.npy --noise 0.01
              inductive discover pde --data burgers.npy --dt 0.1 --dx 0.0625
            `discover pde` uses the weak form with settings chosen from the data;
            `--derivative fd|poly|spectral` selects the strong form (PDE-FIND).
            2-D data: `discover pde2d`; several fields: `discover system` (a .npz).
            `inductive discover table` runs the accuracy benchmark (PDE-FIND's
            Table I and Lorenz), `--sweep` the noise sweep on held-out data.
            """,
        subcommands: [DiscoverODE.self, DiscoverPDE.self, DiscoverPDE2D.self, DiscoverSystem.self, DiscoverSimulate.self, DiscoverTable.self])
}

/// Derivative estimates selectable on the command line.
enum DerivativeChoice: String, ExpressibleByArgument, CaseIterable {
    case fd, poly, spectral
}

/// Options shared by `discover ode` and `discover pde`.
struct PolynomialDerivativeOptions: ParsableArguments {
    /// The degrees a local polynomial fit may have: beyond about 40 the monomial basis on the
    /// window is numerically singular.
    static let degrees = 1...40
    /// The half-widths a window may have: the fits near the ends cost O(window^2) each.
    static let halfWidths = 1...500

    @Option(parsing: .unconditional, help: "Degree of the local polynomial fits (--derivative poly; 1 to 40).")
    var polyDegree: Int?

    @Option(parsing: .unconditional, help: "Half-width of the polynomial windows, in samples (--derivative poly; 1 to 500).")
    var polyWidth: Int?

    @Option(parsing: .unconditional, help: "PDEs: degree of the time-derivative fits (default: --poly-degree).")
    var timePolyDegree: Int?

    @Option(parsing: .unconditional, help: "PDEs: half-width of the time-derivative windows (default: --poly-width).")
    var timePolyWidth: Int?

    func validate() throws {
        for (value, name) in [(polyDegree, "poly-degree"), (timePolyDegree, "time-poly-degree")] {
            if let value { try requireInteger(value, name, Self.degrees) }
        }
        for (value, name) in [(polyWidth, "poly-width"), (timePolyWidth, "time-poly-width")] {
            if let value { try requireInteger(value, name, Self.halfWidths) }
        }
    }

    /// The time-derivative method for PDEs (nil for fd/spectral: finite differences).
    func timeMethod(_ choice: DerivativeChoice) -> DerivativeMethod? {
        guard choice == .poly, case let .polynomial(degree, width) = PDEDiscoveryOptions.noisyTimeDerivative else { return nil }
        return .polynomial(degree: timePolyDegree ?? degree, halfWidth: timePolyWidth ?? width)
    }

    /// The space-derivative method for PDEs.
    func spaceMethod(_ choice: DerivativeChoice) -> DerivativeMethod {
        guard case let .polynomial(degree, width) = PDEDiscoveryOptions.noisySpaceDerivative else { return .finiteDifference }
        return method(choice, defaultDegree: degree, defaultWidth: width)
    }

    func method(_ choice: DerivativeChoice, defaultDegree: Int, defaultWidth: Int) -> DerivativeMethod {
        switch choice {
        case .fd: return .finiteDifference
        case .spectral: return .spectral
        case .poly: return .polynomial(degree: polyDegree ?? defaultDegree, halfWidth: polyWidth ?? defaultWidth)
        }
    }
}

/// Reads a `.npy` file and rejects what discovery cannot use, as one-line errors.
func readData(_ path: String) throws -> Tensor {
    let data = try NPY.read(path)
    guard data.rank == 2 else { throw InputError("\(path): expected a 2-d array, got shape \(data.shape)") }
    return data
}

/// Checks a step option (--dt, --dx) by the library's rule (`requireStep(_:name:)`), refused
/// as a usage error.
func requireStepOption(_ value: Double, _ option: String) throws {
    do { try requireStep(value, name: "--\(option)") } catch let error as DiscoveryError {
        throw ValidationError(error.description)
    }
}

func writeJSON(_ result: DiscoveredEquations, to path: String?) throws {
    guard let path else { return }
    try AtomicFile.write(result.json(), to: path)
}

struct DiscoverODE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ode",
        abstract: "SINDy: sparse polynomial right-hand sides from samples X of shape (samples, variables).")

    @Option(help: "A .npy file of shape (samples, variables), row i at time i * dt.")
    var data: String

    @Option(parsing: .unconditional, help: "The time step between rows.")
    var dt: Double

    @Option(help: "Comma-separated variable names, distinct (default x,y,z,w or x1,x2,...).")
    var names: String?

    @Option(parsing: .unconditional, help: "Highest total degree of the polynomial library (the library must have fewer terms than the data has samples).")
    var degree: Int = 2

    @Option(parsing: .unconditional, help: "STLSQ threshold on the coefficients.")
    var threshold: Double = 0.1

    @Option(parsing: .unconditional, help: "Ridge penalty inside STLSQ (0: plain least squares).")
    var alpha: Double = 0

    @Option(help: "Time-derivative estimate: fd (second-order differences) or poly (local polynomial fits, for noisy data).")
    var derivative: DerivativeChoice = .fd

    @Option(help: "strong (derivatives estimated, the default) or weak (integrals against test functions in time; for noisy data).")
    var formulation: PDEFormulation = .strong

    @Option(parsing: .unconditional, help: "Weak form: half-width of the time test functions in samples (default: chosen from the data's noise and spectrum).")
    var timeSupport: Int?

    @Option(help: "Weak form on noisy data: refit the kept terms by generalized least squares with the noise covariance and re-threshold (generalized), then estimate them jointly with the denoised states under the equation's trapezoid collocation (joint, the default); GLS with the covariance's diagonal only (diagonal), or no refit (none).")
    var refit: WeakRefit?

    @Option(parsing: .unconditional, help: "Weak form, --refit joint: the collocation tolerance per step in noise standard deviations (default 1 / samples).")
    var collocationTolerance: Double?

    @OptionGroup var polynomial: PolynomialDerivativeOptions

    @OptionGroup var memory: MemoryLimitOptions

    @Option(help: "Also write the equations as JSON to this file.")
    var json: String?

    func validate() throws {
        try requireStepOption(dt, "dt")
        try requireInteger(degree, "degree", 1...Int.max)
        try requireNumber(threshold, "threshold", 0...Double.greatestFiniteMagnitude, "a non-negative number")
        try requireNumber(alpha, "alpha", 0...Double.greatestFiniteMagnitude, "a non-negative number")
        guard derivative != .spectral else { throw ValidationError("--derivative spectral is for periodic space; use fd or poly for time series") }
        if let timeSupport { try requireInteger(timeSupport, "time-support", 2...10_000_000) }
        if timeSupport != nil && formulation != .weak { throw ValidationError("--time-support belongs to --formulation weak") }
        if refit != nil && formulation != .weak { throw ValidationError("--refit belongs to --formulation weak") }
        if let collocationTolerance {
            try requireNumber(collocationTolerance, "collocation-tolerance", Double.leastNormalMagnitude...1e6, "a positive number")
            if formulation != .weak || (refit ?? ODEDiscoveryOptions().weakRefit) != .joint { throw ValidationError("--collocation-tolerance belongs to --formulation weak with --refit joint") }
        }
    }

    func run() throws {
        try checkOutputs([json])
        var options = ODEDiscoveryOptions()
        options.variableNames = names.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        options.degree = degree
        options.threshold = threshold
        options.alpha = alpha
        options.derivative = polynomial.method(derivative, defaultDegree: 4, defaultWidth: 5)
        options.formulation = formulation
        options.weakHalfWidth = timeSupport
        if let refit { options.weakRefit = refit }
        options.joint.tolerance = collocationTolerance
        let x = try readData(data)
        // Too few samples for the library is reported by discoverODE before it allocates.
        if x.shape[1] >= 1, let terms = PolynomialLibrary.termCount(variables: x.shape[1], degree: degree), x.shape[0] > terms {
            // The weak form's dense test matrices, and the joint refit (its default), which runs
            // while the library is still held.
            let weak = options.formulation == .weak, joint = weak && options.weakRefit == .joint
            try memory.check(estimatedODEDiscoveryBytes(samples: x.shape[0], variables: x.shape[1], degree: degree)
                             + (weak ? estimatedWeakODEBytes(samples: x.shape[0], variables: x.shape[1], degree: degree, halfWidth: timeSupport) : 0)
                             + (joint ? estimatedJointEstimationBytes(samples: x.shape[0], variables: x.shape[1], degree: degree) : 0),
                             "SINDy on \(x.shape[0]) samples of \(x.shape[1]) variables with degree \(degree)" + (joint ? " and the joint refit" : ""))
        }
        let result = try discoverODE(x, dt: dt, options: options)
        for line in result.settings { print(line) }
        try writeJSON(result, to: json)
        print(result)
    }
}

struct DiscoverPDE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pde",
        abstract: "A sparse u_t = sum of u^p * (d/dx)^m u from U of shape (times, points): weak form, or PDE-FIND's strong form.")

    @Option(help: "A .npy file of shape (times, points), U[i, j] = u(i * dt, j * dx).")
    var data: String

    @Option(parsing: .unconditional, help: "The time step between rows.")
    var dt: Double

    @Option(parsing: .unconditional, help: "The grid spacing between columns.")
    var dx: Double

    @Option(parsing: .unconditional, help: "Highest power of u in the library.")
    var degree: Int = 2

    @Option(parsing: .unconditional, help: "Highest x-derivative in the library (at most the number of points minus 2).")
    var maxDerivative: Int = 3

    @Option(help: "Sparse regression: stridge (with PDE-FIND's tolerance search) or stlsq.")
    var method: SparseRegressionMethod = .stridge

    @Option(help: "weak (integrals against test functions; the default unless strong-form derivative options are given) or strong (pointwise derivatives, PDE-FIND).")
    var formulation: PDEFormulation?

    @Option(parsing: .unconditional, help: "Weak form: half-width of the space test functions in points (default: chosen from the data's spectrum and noise).")
    var spaceSupport: Int?

    @Option(parsing: .unconditional, help: "Weak form: half-width of the time test functions in samples (default: chosen from the data).")
    var timeSupport: Int?

    @Option(help: "Weak form on noisy data: refit the kept terms on all windows by generalized least squares with the noise covariance (generalized), then estimate them jointly with the denoised field under the equation's Simpson collocation in time (joint, the default; grids above its cost caps and equations too stiff for its collocation, such as KdV and KS, keep the GLS fit); GLS with the covariance's diagonal only (diagonal), or keep the search's fit (none).")
    var refit: WeakRefit?

    @Option(parsing: .unconditional, help: "Weak form, --refit joint: interior points per strip (default 10h for central differences of half-width h: 80 for second-order terms; the number of points or more: the whole grid). Each strip is fitted with its own copy of the field: the cost grows with the square of the width, and each cut between strips costs some accuracy.")
    var stripWidth: Int?

    @Option(parsing: .unconditional, help: "Bag this many models over bootstrap resamples of the regression rows and print each term's inclusion probability and 90% interval (0 to 1000; 0: none).")
    var ensemble: Int = 0

    @Option(help: "Strong form: derivative estimate fd, poly (noisy data) or spectral (periodic in x).")
    var derivative: DerivativeChoice?

    @OptionGroup var polynomial: PolynomialDerivativeOptions

    @Option(parsing: .unconditional, help: "Points dropped at each end of both axes (default: the poly half-width, else 0).")
    var trim: Int?

    @Option(parsing: .unconditional, help: "STLSQ threshold (--method stlsq).")
    var threshold: Double = 0.1

    @Option(help: "Selection score of the tolerance search: l2 (||r|| + l0 nnz) or squaredL2 (||r||^2 + l0 nnz).")
    var norm: SelectionNorm = .default

    @Option(parsing: .unconditional, help: "l0 weight of the tolerance search (default 1e-3 * cond of the library).")
    var l0: Double?

    @Option(parsing: .unconditional, help: "Ridge penalty inside STRidge.")
    var ridge: Double = ToleranceSearchOptions().alpha

    @Option(parsing: .unconditional, help: "First tolerance step of the search.")
    var toleranceStep: Double = ToleranceSearchOptions().initialStep

    @Option(parsing: .unconditional, help: "Seed of the train/validation split (0 to 2^64 - 1).")
    var seed: UInt64 = 0

    @OptionGroup var memory: MemoryLimitOptions

    @Option(help: "Also write the equation as JSON to this file.")
    var json: String?

    @Flag(help: "Print the tolerance search path (tolerance, score, number of terms).")
    var verbose = false

    func validate() throws {
        try requireStepOption(dt, "dt")
        try requireStepOption(dx, "dx")
        try requireInteger(degree, "degree", 0...Int.max)
        try requireInteger(maxDerivative, "max-derivative", 0...Int.max)
        guard degree >= 1 || maxDerivative >= 1 else { throw ValidationError("--degree and --max-derivative must not both be 0") }
        let nonNegative = 0...Double.greatestFiniteMagnitude
        try requireNumber(threshold, "threshold", nonNegative, "a non-negative number")
        try requireNumber(ridge, "ridge", nonNegative, "a non-negative number")
        try requireNumber(toleranceStep, "tolerance-step", Double.leastNormalMagnitude...Double.greatestFiniteMagnitude, "a positive number")
        if let l0 { try requireNumber(l0, "l0", nonNegative, "a non-negative number") }
        if let trim { try requireInteger(trim, "trim", 0...Int.max) }
        if let spaceSupport { try requireInteger(spaceSupport, "space-support", 2...100_000) }
        if let timeSupport { try requireInteger(timeSupport, "time-support", 2...100_000) }
        try requireInteger(ensemble, "ensemble", 0...1000)
        if formulation == .weak && (derivative != nil || trim != nil) {
            throw ValidationError("--derivative and --trim belong to the strong formulation; drop them or use --formulation strong")
        }
        if chosenFormulation == .strong && (spaceSupport != nil || timeSupport != nil || refit != nil) {
            throw ValidationError("--space-support, --time-support and --refit belong to the weak formulation")
        }
        if let stripWidth {
            try requireInteger(stripWidth, "strip-width", 1...Int.max)
            if chosenFormulation == .strong || (refit ?? WeakFormOptions().refit) != .joint { throw ValidationError("--strip-width belongs to the weak formulation with --refit joint") }
        }
    }

    /// The formulation used: the given one, else strong when strong-form derivative options
    /// were given, else weak.
    var chosenFormulation: PDEFormulation {
        if let formulation { return formulation }
        let strongOptions = derivative != nil || trim != nil || polynomial.polyDegree != nil || polynomial.polyWidth != nil
            || polynomial.timePolyDegree != nil || polynomial.timePolyWidth != nil
        return strongOptions ? .strong : .weak
    }

    func run() throws {
        try checkOutputs([json])
        var options = PDEDiscoveryOptions()
        options.degree = degree
        options.maxDerivative = maxDerivative
        options.method = method
        options.derivative = polynomial.spaceMethod(derivative ?? .fd)
        options.timeDerivative = polynomial.timeMethod(derivative ?? .fd)
        options.trim = trim
        options.formulation = chosenFormulation
        options.weak.spaceHalfWidth = spaceSupport
        options.weak.timeHalfWidth = timeSupport
        if let refit { options.weak.refit = refit }
        options.weak.joint.stripWidth = stripWidth
        options.threshold = threshold
        options.search.norm = norm
        options.search.l0Penalty = l0
        options.search.alpha = ridge
        options.search.initialStep = toleranceStep
        var rng = RandomGenerator(seed: seed)
        let u = try readData(data)
        // A library too large for the data is reported by discoverPDE before it allocates.
        if let terms = PDELibrary.termCount(degree: degree, maxDerivative: maxDerivative), terms < u.count {
            // The joint refit (weak form) runs while the library is still held.
            let joint = options.formulation == .weak && options.weak.refit == .joint
            try memory.check(estimatedPDEDiscoveryBytes(times: u.shape[0], points: u.shape[1], degree: degree, maxDerivative: maxDerivative)
                             + (joint ? estimatedPDEJointBytes(times: u.shape[0], points: u.shape[1], maxDerivative: maxDerivative,
                                                                  terms: terms, options: options.weak.joint) : 0),
                         "PDE-FIND on \(u.shape[0]) x \(u.shape[1]) points with degree \(degree) and max-derivative \(maxDerivative)"
                             + (joint ? " and the joint refit" : ""))
        }
        let result = ensemble > 0
            ? try ensembleDiscoverPDE(u, dt: dt, dx: dx, options: options, models: ensemble, using: &rng)
            : try discoverPDE(u, dt: dt, dx: dx, options: options, using: &rng)
        for line in result.settings { print(line) }
        if let e = result.ensemble {
            print("ensemble of \(e.models) models on bootstrap resamples of the rows (test-function windows or grid points): inclusion probability, median, \(Int((e.intervalLevel * 100).rounded()))% interval")
            for t in e.terms where t.inclusion > 0 {
                print("  " + pad(t.name, 12) + String(format: "%5.2f  %12.6g  [%.6g, %.6g]", t.inclusion, t.median, t.low, t.high))
            }
        }
        if verbose, let search = result.search {
            print("l0 penalty \(search.l0Penalty); \(result.samplesUsed) points")
            for step in search.path { print("  tolerance \(step.tolerance)  score \(step.score)  terms \(step.nonzeros)") }
        }
        try writeJSON(result, to: json)
        print(result)
    }
}

struct DiscoverPDE2D: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pde2d",
        abstract: "Weak-form discovery of u_t = sum of u^p, derivatives of u up to --max-order, u^p u_x, u^p u_y from U of shape (times, x points, y points).")

    @Option(help: "A .npy file of shape (times, nx, ny), U[i, j, k] = u(i * dt, j * dx, k * dy).")
    var data: String

    @Option(parsing: .unconditional, help: "The time step between samples.")
    var dt: Double

    @Option(parsing: .unconditional, help: "The grid spacing along the second axis (x).")
    var dx: Double

    @Option(parsing: .unconditional, help: "The grid spacing along the third axis (y).")
    var dy: Double

    @Option(parsing: .unconditional, help: "Highest power of u (1 to 6).")
    var degree: Int = 2

    @Option(parsing: .unconditional, help: "Highest total derivative order (1 to 4).")
    var maxOrder: Int = 2

    @Option(parsing: .unconditional, help: "Seed of the tolerance search's train/validation split.")
    var seed: UInt64 = 0

    @Option(help: "Also write the equation as JSON to this file.")
    var json: String?

    func validate() throws {
        try requireStepOption(dt, "dt")
        try requireStepOption(dx, "dx")
        try requireStepOption(dy, "dy")
        try requireInteger(degree, "degree", 1...6)
        try requireInteger(maxOrder, "max-order", 1...4)
    }

    func run() throws {
        try checkOutputs([json])
        let u = try NPY.read(data)
        guard u.rank == 3 else { throw InputError("\(data): expected a 3-d array (times, nx, ny), got shape \(u.shape)") }
        var rng = RandomGenerator(seed: seed)
        let result = try discoverPDE2D(u, dt: dt, dx: dx, dy: dy, library: PDELibrary2D(degree: degree, maxOrder: maxOrder), using: &rng)
        for line in result.settings { print(line) }
        try writeJSON(result, to: json)
        print(result)
    }
}

struct DiscoverSystem: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "Weak-form discovery for several fields on one grid: each f_t = sum of monomials of the fields up to --degree and d^m f/dx^m.")

    @Option(help: "A .npz file whose arrays are the fields, each of shape (times, points), F[i, j] = f(i * dt, j * dx); the array names name the fields.")
    var data: String

    @Option(parsing: .unconditional, help: "The time step between rows.")
    var dt: Double

    @Option(parsing: .unconditional, help: "The grid spacing between columns.")
    var dx: Double

    @Option(parsing: .unconditional, help: "Highest total degree of the monomials of the fields (1 to 6).")
    var degree: Int = 3

    @Option(parsing: .unconditional, help: "Highest x-derivative of each field (1 to 6).")
    var maxDerivative: Int = 2

    @Option(parsing: .unconditional, help: "Seed of the tolerance search's train/validation split.")
    var seed: UInt64 = 0

    @Option(help: "Also write the equations as JSON to this file.")
    var json: String?

    func validate() throws {
        try requireStepOption(dt, "dt")
        try requireStepOption(dx, "dx")
        try requireInteger(degree, "degree", 1...6)
        try requireInteger(maxDerivative, "max-derivative", 1...6)
    }

    func run() throws {
        try checkOutputs([json])
        let archive = try NPZ.read(data)
        guard !archive.keys.isEmpty else { throw InputError("\(data): the archive holds no arrays") }
        let fields = try archive.keys.map { try archive.tensor($0) }
        var rng = RandomGenerator(seed: seed)
        let result = try discoverPDESystem(fields, names: archive.keys, dt: dt, dx: dx, degree: degree, maxDerivative: maxDerivative, using: &rng)
        for line in result.settings { print(line) }
        try writeJSON(result, to: json)
        print(result)
    }
}

extension SparseRegressionMethod: ExpressibleByArgument {}
extension PDEFormulation: ExpressibleByArgument {}
extension WeakRefit: ExpressibleByArgument {}
extension SelectionNorm: ExpressibleByArgument {}

/// Systems `discover simulate` can generate.
enum SimulatedSystem: String, ExpressibleByArgument, CaseIterable {
    case lorenz, vanderpol, oscillator, lotkavolterra, burgers, kdv, heat, ks, advection2d, lambdaomega
}

struct DiscoverSimulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write benchmark data to a .npy file and print the dt (and dx) to pass to `discover`.",
        discussion: """
            lorenz: 5000 samples, dt 0.002, from (-8, 8, 27) (shape (samples, 3)).
            vanderpol (mu 1), oscillator (omega 1, zeta 0.1), lotkavolterra: dt 0.01.
            burgers: PDE-FIND's grid, nu 0.1, x in [-8, 8) with 256 points, 101 times 0.1 apart.
            kdv: x in [-30, 30) with 512 points, 201 times 0.1 apart, two solitons.
            heat: u_t = u_xx on [0, 2 pi) with 256 points, 101 times 0.01 apart.
            ks: Kuramoto-Sivashinsky on [0, 32 pi) with 1024 points, 251 times 0.4 apart.
            advection2d: u_t = -0.8 u_x + 0.5 u_y + 0.1 (u_xx + u_yy) on [0, 2 pi) x [0, 4 pi),
              64 x 64 points, 60 times 0.05 apart; shape (times, nx, ny) for `discover pde2d`.
            lambdaomega: the lambda-omega system (d 0.1, beta 1) on [0, 20 pi) with 256 points,
              101 times 0.05 apart, written as a .npz with arrays u and v for `discover system`.
            --noise adds noise with that fraction of the data's standard deviation.
            """)

    @Argument(help: "The system: \(SimulatedSystem.allCases.map(\.rawValue).joined(separator: ", ")).")
    var system: SimulatedSystem

    @Option(help: "Output .npy file.")
    var out: String

    /// The most samples of an ODE system: the integrator takes about 3 s per million.
    static let maximumSamples = 10_000_000
    /// The most times of a PDE: Burgers and KdV take 3 to 7 ms per output time.
    static let maximumTimes = 20_000

    @Option(parsing: .unconditional, help: "Number of samples (ODE systems, 2 to 10,000,000) or of times (PDEs, 2 to 20,000); default: the benchmark's.")
    var samples: Int?

    @Option(parsing: .unconditional, help: "Noise level as a fraction of the standard deviation of the data (0 to 1000).")
    var noise: Double = 0

    @Option(parsing: .unconditional, help: "Seed of the noise (0 to 2^64 - 1).")
    var seed: UInt64 = 0

    @OptionGroup var memory: MemoryLimitOptions

    func validate() throws {
        if let samples {
            let isPDE = [.burgers, .kdv, .heat, .ks, .advection2d, .lambdaomega].contains(system)
            try requireInteger(samples, "samples", 2...(isPDE ? Self.maximumTimes : Self.maximumSamples))
        }
        try requireNumber(noise, "noise", 0...1000, "between 0 and 1000")
    }

    /// Columns of one sample (ODEs) or points of one time (PDEs).
    var width: Int {
        switch system {
        case .lorenz: return 3
        case .vanderpol, .oscillator, .lotkavolterra: return 2
        case .burgers, .heat: return 256
        case .kdv: return 512
        case .ks: return 1024
        case .advection2d: return 64 * 64
        case .lambdaomega: return 2 * 256
        }
    }

    func run() throws {
        // The solution, the output times, the integrator's and the noise's copies.
        let rows = Double(samples ?? 5000)
        try memory.check(8 * rows * (4 * Double(width) + 2), "simulating \(Int(rows)) samples of \(system.rawValue)")
        try checkOutputs([out])
        var data: Tensor
        var steps: String
        switch system {
        case .lorenz:
            data = try DiscoveryBenchmark.lorenz(samples: samples ?? 5000).y
            steps = "--dt 0.002"
        case .vanderpol, .oscillator, .lotkavolterra:
            let (ode, initial): (ODESystem, [Double]) = switch system {
            case .vanderpol: (.vanDerPol(), [2, 0])
            case .oscillator: (.dampedOscillator(), [2, 0])
            default: (.lotkaVolterra(), [4, 2])
            }
            let times = (0..<(samples ?? 5000)).map { Double($0) * 0.01 }
            data = try dormandPrince(ode, initial: initial, times: times, rtol: 1e-12, atol: 1e-12).y
            steps = "--dt 0.01"
        case .burgers:
            data = DiscoveryBenchmark.burgers(times: samples ?? 101).u
            steps = "--dt 0.1 --dx 0.0625"
        case .kdv:
            data = DiscoveryBenchmark.kdv(times: samples ?? 201).u
            steps = "--dt 0.1 --dx \(60.0 / 512)"
        case .ks:
            data = DiscoveryBenchmark.kuramotoSivashinsky(times: samples ?? 251).u
            steps = "--dt 0.4 --dx \(32 * Double.pi / 1024) --max-derivative 4"
        case .advection2d:
            let (lx, ly) = (2 * Double.pi, 4 * Double.pi)
            let initial = Tensor(shape: [64, 64], scalars: (0..<64).flatMap { i in (0..<64).map { j in
                let (x, y) = (Double(i) * lx / 64, Double(j) * ly / 64)
                return Foundation.sin(x) * Foundation.cos(0.5 * y) + 0.6 * Foundation.cos(2 * x + 1.5 * y) + 0.4 * Foundation.sin(x - 2 * y + 0.3)
            } })
            data = simulateAdvectionDiffusion2D(initial: initial, lengthX: lx, lengthY: ly, velocity: (0.8, -0.5), diffusivity: 0.1,
                                                count: samples ?? 60, interval: 0.05)
            steps = "--dt 0.05 --dx \(lx / 64) --dy \(ly / 64) (discover pde2d)"
        case .lambdaomega:
            let grid = PeriodicGrid(start: 0, length: 20 * Double.pi, count: 256)
            let x = grid.points
            var (u, v) = simulateLambdaOmega(u0: x.map { 0.4 * Foundation.cos(1.5 * $0) * (1 + 0.5 * Foundation.sin($0 / 5)) },
                                             v0: x.map { 0.3 * Foundation.sin($0 + 0.7) + 0.2 * Foundation.cos(2 * $0) },
                                             grid: grid, count: samples ?? 101, interval: 0.05)
            if noise > 0 {
                var rng = RandomGenerator(seed: seed)
                u = DiscoveryBenchmark.addingNoise(u, level: noise, using: &rng)
                v = DiscoveryBenchmark.addingNoise(v, level: noise, using: &rng)
            }
            try NPZ.write([("u", u), ("v", v)], to: out)
            print("wrote \(out): arrays u, v of shape \(u.shape); use --dt 0.05 --dx \(grid.spacing) (discover system)")
            return
        case .heat:
            let grid = PeriodicGrid(start: 0, length: 2 * Double.pi, count: 256)
            let initial = grid.points.map { Foundation.exp(-2 * (1 - Foundation.cos($0 - Double.pi))) }
            data = simulateHeat(initial: initial, grid: grid, diffusivity: 1, count: samples ?? 101, interval: 0.01).u
            steps = "--dt 0.01 --dx \(2 * Double.pi / 256)"
        }
        if noise > 0 {
            var rng = RandomGenerator(seed: seed)
            data = DiscoveryBenchmark.addingNoise(data, level: noise, using: &rng)
            guard data.isFinite else { throw InputError("--noise \(noise) makes the data overflow") }
        }
        try NPY.write(data, to: out)
        print("wrote \(out): shape \(data.shape); use \(steps)")
    }
}
