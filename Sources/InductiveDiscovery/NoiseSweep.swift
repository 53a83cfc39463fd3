import Foundation
import InductiveSolvers
import InductiveTensor

/// A PDE data set with its true equation, for accuracy sweeps.
public struct DiscoveryCase: Sendable {
    /// Short name (`burgers`).
    public var name: String
    /// The clean data.
    public var data: PDESolution
    /// The true terms and coefficients (library names).
    public var truth: [String: Double]
    /// The library: highest power of u and highest derivative.
    public var degree: Int
    public var maxDerivative: Int
    /// PDE-FIND's Table I mean coefficient errors in percent (clean, 1% noise), only on the
    /// data PDE-FIND measured them on (its grids, `tuning()`); nil elsewhere.
    public var paperClean: Double?
    public var paperNoisy: Double?

    public init(name: String, data: PDESolution, truth: [String: Double], degree: Int = 2, maxDerivative: Int = 3,
                paperClean: Double? = nil, paperNoisy: Double? = nil) {
        self.name = name; self.data = data; self.truth = truth; self.degree = degree; self.maxDerivative = maxDerivative
        self.paperClean = paperClean; self.paperNoisy = paperNoisy
    }

    /// dt and dx of the data.
    public var steps: (dt: Double, dx: Double) {
        (data.t.scalars[1] - data.t.scalars[0], data.x.scalars[1] - data.x.scalars[0])
    }

    /// The held-out cases (`DiscoveryBenchmark.*HeldOut`) of Burgers, KdV and KS. They carry no
    /// PDE-FIND Table I numbers: those were measured on PDE-FIND's grids (`tuning()`), not on
    /// these grids, coefficients and initial states.
    public static func heldOut() -> [DiscoveryCase] {
        [DiscoveryCase(name: "burgers", data: DiscoveryBenchmark.burgersHeldOut(), truth: ["u*u_x": -1, "u_xx": 0.05]),
         DiscoveryCase(name: "kdv", data: DiscoveryBenchmark.kdvHeldOut(), truth: ["u*u_x": -6, "u_xxx": -1]),
         DiscoveryCase(name: "ks", data: DiscoveryBenchmark.kuramotoSivashinskyHeldOut(),
                       truth: ["u*u_x": -1, "u_xx": -1, "u_xxxx": -1], maxDerivative: 4)]
    }

    /// The fresh held-out cases (`DiscoveryBenchmark.*Fresh`), made after the first held-out
    /// set had been looked at; nothing is chosen on them.
    public static func fresh() -> [DiscoveryCase] {
        [DiscoveryCase(name: "burgers", data: DiscoveryBenchmark.burgersFresh(), truth: ["u*u_x": -1, "u_xx": 0.08]),
         DiscoveryCase(name: "kdv", data: DiscoveryBenchmark.kdvFresh(), truth: ["u*u_x": -6, "u_xxx": -1]),
         DiscoveryCase(name: "ks", data: DiscoveryBenchmark.kuramotoSivashinskyFresh(),
                       truth: ["u*u_x": -1, "u_xx": -1, "u_xxxx": -1], maxDerivative: 4)]
    }

    /// The tuning cases (PDE-FIND's grids: `DiscoveryBenchmark.burgers`, `.kdv`, `.kuramotoSivashinsky`).
    public static func tuning() -> [DiscoveryCase] {
        [DiscoveryCase(name: "burgers", data: DiscoveryBenchmark.burgers(), truth: ["u*u_x": -1, "u_xx": 0.1],
                       paperClean: 0.15, paperNoisy: 0.8),
         DiscoveryCase(name: "kdv", data: DiscoveryBenchmark.kdv(), truth: ["u*u_x": -6, "u_xxx": -1], paperClean: 1, paperNoisy: 7),
         DiscoveryCase(name: "ks", data: DiscoveryBenchmark.kuramotoSivashinsky(),
                       truth: ["u*u_x": -1, "u_xx": -1, "u_xxxx": -1], maxDerivative: 4, paperClean: 1.3, paperNoisy: 52)]
    }
}

/// Whether an equation has exactly the true terms, and the mean and largest relative
/// coefficient error over the true terms, in percent (PDE-FIND's measure is the mean).
public func scoreEquation(_ equation: Equation, truth: [String: Double]) -> (rightTerms: Bool, errorPercent: Double, maxErrorPercent: Double) {
    let found = Set(equation.terms.map(\.name))
    // Sorted by name: a dictionary's order changes between runs, and so would the sum's last bit.
    let errors = truth.sorted { $0.key < $1.key }.map { name, value in Swift.abs(equation.coefficient(of: name) - value) / Swift.abs(value) * 100 }
    return (found == Set(truth.keys), errors.reduce(0, +) / Double(errors.count), errors.max() ?? 0)
}

/// One run of a sweep.
public struct SweepOutcome: Sendable {
    public var rightTerms: Bool
    public var errorPercent: Double
    public var maxErrorPercent: Double
    public var seconds: Double
    public var equation: Equation
    public var settings: [String]
}

/// The seed of draw `index` (a noise realization) of a run seeded with `seed`:
/// index XOR (seed * 0x9E3779B97F4A7C15 mod 2^64). The multiplier is odd, so distinct run seeds
/// give distinct seeds for the same index, and run seed 0 gives `index` itself (the streams the
/// sweep and the experiments used before they took a seed, so their published numbers stay).
public func derivedSeed(_ index: UInt64, of seed: UInt64) -> UInt64 {
    index ^ (seed &* 0x9E37_79B9_7F4A_7C15)
}

/// Discovers the equation of `discoveryCase` from its data plus noise of `level` (PDE-FIND's
/// model, drawn from a generator seeded with `derivedSeed(noiseSeed, of: seed)`) with the
/// default settings of `formulation`: weak with automatic supports; strong with finite
/// differences on clean data and PDE-FIND's noisy-data polynomial windows otherwise. The
/// regression's own split draws from a generator seeded with `seed` (the run's seed, default 0).
public func runSweepCase(_ discoveryCase: DiscoveryCase, noise level: Double, noiseSeed: UInt64, seed: UInt64 = 0,
                         formulation: PDEFormulation, weak: WeakFormOptions = WeakFormOptions()) throws -> SweepOutcome {
    var noiseRNG = RandomGenerator(seed: derivedSeed(noiseSeed, of: seed))
    let u = level > 0 ? DiscoveryBenchmark.addingNoise(discoveryCase.data.u, level: level, using: &noiseRNG) : discoveryCase.data.u
    var options = PDEDiscoveryOptions()
    options.degree = discoveryCase.degree
    options.maxDerivative = discoveryCase.maxDerivative
    options.formulation = formulation
    options.weak = weak
    if formulation == .strong && level > 0 {
        options.derivative = PDEDiscoveryOptions.noisySpaceDerivative
        options.timeDerivative = PDEDiscoveryOptions.noisyTimeDerivative
    }
    let (dt, dx) = discoveryCase.steps
    var rng = RandomGenerator(seed: seed)
    let start = Date()
    let result = try discoverPDE(u, dt: dt, dx: dx, options: options, using: &rng)
    let seconds = Date().timeIntervalSince(start)
    let score = scoreEquation(result.equations[0], truth: discoveryCase.truth)
    return SweepOutcome(rightTerms: score.rightTerms, errorPercent: score.errorPercent, maxErrorPercent: score.maxErrorPercent,
                        seconds: seconds, equation: result.equations[0], settings: result.settings)
}

/// Weak SINDy on ODE samples plus noise of `level` (PDE-FIND's model, std over all entries,
/// seed `seed`) with the library of total degree `degree`: whether every equation has exactly
/// the terms of `truth` (one dictionary per variable), the largest relative coefficient error
/// over all true terms in percent, the equations and the seconds of the fit (noise excluded).
public func runODESweepCase(_ data: Tensor, dt: Double, truth: [[String: Double]], degree: Int = 2, noise level: Double, seed: UInt64,
                            refit: WeakRefit = ODEDiscoveryOptions().weakRefit, joint: JointEstimationOptions = JointEstimationOptions())
    throws -> (rightTerms: Bool, maxErrorPercent: Double, equations: [Equation], seconds: Double) {
    var rng = RandomGenerator(seed: seed)
    let noisy = level > 0 ? DiscoveryBenchmark.addingNoise(data, level: level, using: &rng) : data
    var options = ODEDiscoveryOptions()
    options.formulation = .weak
    options.weakRefit = refit
    options.degree = degree
    options.joint = joint
    let start = Date()
    let result = try discoverODE(noisy, dt: dt, options: options)
    let seconds = Date().timeIntervalSince(start)
    var right = true, worst = 0.0
    for (e, t) in zip(result.equations, truth) {
        let s = scoreEquation(e, truth: t)
        right = right && s.rightTerms
        worst = Swift.max(worst, s.maxErrorPercent)
    }
    return (right, worst, result.equations, seconds)
}

/// `runODESweepCase` on Lorenz samples (degree 2).
public func runLorenzSweepCase(_ data: Tensor, dt: Double, noise level: Double, seed: UInt64, refit: WeakRefit = ODEDiscoveryOptions().weakRefit)
    throws -> (rightTerms: Bool, maxErrorPercent: Double, equations: [Equation]) {
    let run = try runODESweepCase(data, dt: dt, truth: ODESystem.lorenz().polynomialTerms!, noise: level, seed: seed, refit: refit)
    return (run.rightTerms, run.maxErrorPercent, run.equations)
}
