import Foundation
import InductiveDiscovery
import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

/// The benchmark data at full size (PDE-FIND's grids): cheap enough to share across tests.
let burgersData = DiscoveryBenchmark.burgers()
let kdvData = DiscoveryBenchmark.kdv()
let burgersTruth: [String: Double] = ["u*u_x": -1, "u_xx": 0.1]
let kdvTruth: [String: Double] = ["u*u_x": -6, "u_xxx": -1]

/// (exactly the true terms, PDE-FIND's error: mean over true terms of |found - true| / |true|).
func score(_ e: Equation, _ truth: [String: Double]) -> (Bool, Double) {
    let errors = truth.map { Swift.abs(e.coefficient(of: $0.key) - $0.value) / Swift.abs($0.value) }
    return (Set(e.terms.map(\.name)) == Set(truth.keys), errors.reduce(0, +) / Double(errors.count))
}

func spacing(_ s: PDESolution) -> (dt: Double, dx: Double) {
    (s.t.scalars[1] - s.t.scalars[0], s.x.scalars[1] - s.x.scalars[0])
}

/// PDE-FIND on `seeds` noisy copies (1% of the std of u): (seeds with the right terms, mean error).
func noisyRuns(_ data: PDESolution, _ truth: [String: Double], seeds: Range<UInt64>, options: PDEDiscoveryOptions) throws -> (Int, Double) {
    let (dt, dx) = spacing(data)
    var right = 0, total = 0.0
    for seed in seeds {
        var noiseRng = RandomGenerator(seed: seed)
        let noisy = DiscoveryBenchmark.addingNoise(data.u, level: 0.01, using: &noiseRng)
        var rng = RandomGenerator(seed: 0)
        let (ok, error) = score(try discoverPDE(noisy, dt: dt, dx: dx, options: options, using: &rng).equations[0], truth)
        if ok { right += 1 }
        total += error
    }
    return (right, total / Double(seeds.count))
}

func noisyOptions(norm: SelectionNorm = .default) -> PDEDiscoveryOptions {
    var options = PDEDiscoveryOptions()
    options.derivative = PDEDiscoveryOptions.noisySpaceDerivative
    options.timeDerivative = PDEDiscoveryOptions.noisyTimeDerivative
    options.search.norm = norm
    return options
}

@Suite struct EquationDiscoveryTests {
    // The bounds in this suite are accuracy goals (discretization and noise, 1e-3..7e-2 of the
    // coefficients), 1e8 times above rounding; seeded noise makes them deterministic. The term
    // selections are thresholded on coefficients far from the thresholds, so BLAS summation
    // order (~1e-14 relative) cannot flip them (checked under every kernel set and thread count).
    @Test func lorenzRightTermsEveryCoefficientWithinOnePercent() throws {
        // The goal: sigma 10, rho 28, beta 8/3, dt 0.002, 5000 samples.
        let data = try DiscoveryBenchmark.lorenz()
        let result = try discoverODE(data.y, dt: 0.002)
        #expect(result.termNames.count == 10)
        for (equation, truth) in zip(result.equations, ODESystem.lorenz().polynomialTerms!) {
            #expect(Set(equation.terms.map(\.name)) == Set(truth.keys), "\(equation)")
            for (name, value) in truth {
                let error = Swift.abs(equation.coefficient(of: name) - value) / Swift.abs(value)
                #expect(error < 0.01, "\(equation.lhs) \(name): \(equation.coefficient(of: name)) vs \(value)")
            }
        }
        #expect(result.equations.map(\.lhs) == ["x'", "y'", "z'"])
    }

    @Test func vanDerPolNeedsTheCubicLibrary() throws {
        let times = (0..<4000).map { Double($0) * 0.005 }
        let data = try dormandPrince(.vanDerPol(), initial: [2, 0], times: times, rtol: 1e-12, atol: 1e-12)
        var options = ODEDiscoveryOptions()
        options.degree = 3
        let result = try discoverODE(data.y, dt: 0.005, options: options)
        for (equation, truth) in zip(result.equations, ODESystem.vanDerPol().polynomialTerms!) {
            #expect(Set(equation.terms.map(\.name)) == Set(truth.keys), "\(equation)")
            for (name, value) in truth { expectClose(equation.coefficient(of: name), value, rtol: 0.01) }
        }
    }

    @Test func burgersAndKdVCleanWithSecondOrderDifferences() throws {
        // PDE-FIND's own setting (second-order finite differences, dt = 0.1). Right terms are
        // required; the errors measured here are 0.19% (Burgers, paper 0.15%) and 1.95% (KdV,
        // paper 1%): second-order differences with dt = 0.1 do not reach the paper's numbers,
        // the high-order fits of the next test do. The catalogue's 1% bound holds for Burgers.
        for (data, truth) in [(burgersData, burgersTruth), (kdvData, kdvTruth)] {
            let (dt, dx) = spacing(data)
            var rng = RandomGenerator(seed: 0)
            let (ok, error) = score(try discoverPDE(data.u, dt: dt, dx: dx, using: &rng).equations[0], truth)
            #expect(ok)
            #expect(error < 0.03, "error \(error)")
        }
        var rng = RandomGenerator(seed: 0)
        let (dt, dx) = spacing(burgersData)
        #expect(score(try discoverPDE(burgersData.u, dt: dt, dx: dx, using: &rng).equations[0], burgersTruth).1 < 0.01)
    }

    @Test func burgersAndKdVCleanBeatThePaperWithHighOrderFits() throws {
        // Degree-8 polynomials through 9 points (eighth-order differences) in t and x.
        var options = PDEDiscoveryOptions()
        options.derivative = .polynomial(degree: 8, halfWidth: 4)
        for (data, truth, paper) in [(burgersData, burgersTruth, 0.0015), (kdvData, kdvTruth, 0.01)] {
            let (dt, dx) = spacing(data)
            var rng = RandomGenerator(seed: 0)
            let (ok, error) = score(try discoverPDE(data.u, dt: dt, dx: dx, options: options, using: &rng).equations[0], truth)
            #expect(ok && error <= paper, "error \(error), paper \(paper)")
        }
    }

    @Test func noisyBurgersMeetsThePaperOverTenSeeds() throws {
        let (right, error) = try noisyRuns(burgersData, burgersTruth, seeds: 0..<10, options: noisyOptions())
        #expect(right == 10)
        #expect(error <= 0.008, "mean error \(error) (paper 0.8%)")
    }

    @Test func noisyKdVMeetsThePaperOverTenSeeds() throws {
        let (right, error) = try noisyRuns(kdvData, kdvTruth, seeds: 0..<10, options: noisyOptions())
        #expect(right == 10)
        #expect(error <= 0.07, "mean error \(error) (paper 7%)")
    }

    @Test func theL2SelectionNormSelectsBetterThanTheSquaredNorm() throws {
        // Why `SelectionNorm.default` is .l2: on noisy KdV (seeds 0..<10) the squared norm's
        // residual term dwarfs the l0 penalty and the search keeps a spurious term
        // (measured: l2 10/10 right, squared 0/10).
        let l2 = try noisyRuns(kdvData, kdvTruth, seeds: 0..<10, options: noisyOptions(norm: .l2)).0
        let squared = try noisyRuns(kdvData, kdvTruth, seeds: 0..<10, options: noisyOptions(norm: .squaredL2)).0
        #expect(l2 > squared, "right terms: l2 \(l2)/10, squared \(squared)/10")
    }

    @Test func stlsqWithAFixedThresholdAlsoFindsBurgers() throws {
        var options = PDEDiscoveryOptions()
        options.method = .stlsq
        options.threshold = 0.05
        options.derivative = .polynomial(degree: 8, halfWidth: 4)
        let (dt, dx) = spacing(burgersData)
        var rng = RandomGenerator(seed: 0)
        let result = try discoverPDE(burgersData.u, dt: dt, dx: dx, options: options, using: &rng)
        let (ok, error) = score(result.equations[0], burgersTruth)
        #expect(ok && error < 1e-3, "\(result)")
        #expect(result.search == nil)
    }

    @Test func badInputIsATypedError() {
        let good = Tensor.zeros([50, 3])
        #expect(throws: DiscoveryError.wrongRank(name: "data", expected: "a 2-d array (samples, variables)", shape: [50])) {
            try discoverODE(Tensor.zeros([50]), dt: 0.1)
        }
        #expect(throws: DiscoveryError.nonPositive(name: "dt", value: 0)) { try discoverODE(good, dt: 0) }
        #expect(throws: DiscoveryError.nonPositive(name: "dt", value: -1)) { try discoverODE(good, dt: -1) }
        var nan = good
        nan[3, 1] = .nan
        #expect(throws: DiscoveryError.nonFinite(name: "data")) { try discoverODE(nan, dt: 0.1) }
        #expect(throws: DiscoveryError.tooFewSamples(samples: 8, terms: 10)) { try discoverODE(Tensor.zeros([8, 3]), dt: 0.1) }
        var options = ODEDiscoveryOptions()
        options.variableNames = ["a", "b"]
        #expect(throws: DiscoveryError.nameCount(given: 2, variables: 3)) { try discoverODE(good, dt: 0.1, options: options) }
        var rng = RandomGenerator(seed: 0)
        #expect(throws: DiscoveryError.nonPositive(name: "dx", value: 0)) {
            try discoverPDE(Tensor.zeros([10, 10]), dt: 0.1, dx: 0, using: &rng)
        }
        #expect(throws: DiscoveryError.wrongRank(name: "data", expected: "a 2-d array (times, points)", shape: [2, 3, 4])) {
            try discoverPDE(Tensor.zeros([2, 3, 4]), dt: 0.1, dx: 0.1, using: &rng)
        }
        var pde = PDEDiscoveryOptions()
        pde.degree = 3
        #expect(throws: DiscoveryError.tooFewSamples(samples: 15, terms: 16)) {
            try discoverPDE(Tensor.zeros([3, 5]), dt: 0.1, dx: 0.1, options: pde, using: &rng)
        }
    }

    @Test func printingAndJSON() {
        let result = DiscoveredEquations(
            equations: [Equation(lhs: "x'", terms: [EquationTerm(name: "x", coefficient: -10), EquationTerm(name: "y", coefficient: 10.5)]),
                        Equation(lhs: "y'", terms: [EquationTerm(name: "1", coefficient: -0.25), EquationTerm(name: "x*z", coefficient: -1)]),
                        Equation(lhs: "z'", terms: [])],
            termNames: ["1", "x", "y", "x*z"], coefficients: Tensor.zeros([4, 3]),
            diagnostics: SolverDiagnostics(iterations: 1, residual: 0, converged: true), samplesUsed: 100)
        #expect(result.description == "x' = -10 x + 10.5 y\ny' = -0.25 - 1 x*z\nz' = 0")
        #expect(result.json() == """
            {"equations": [{"lhs": "x'", "terms": {"x": -10.0, "y": 10.5}}, {"lhs": "y'", "terms": {"1": -0.25, "x*z": -1.0}}, {"lhs": "z'", "terms": {}}]}

            """)
    }
}
