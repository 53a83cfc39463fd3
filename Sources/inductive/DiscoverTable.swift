import ArgumentParser
import Foundation
import Inductive

/// Whether a discovered equation has exactly the true terms, and PDE-FIND's coefficient error:
/// the mean over the true terms of |found - true| / |true|, in percent.
func scoreEquation(_ equation: Equation, truth: [String: Double]) -> (rightTerms: Bool, errorPercent: Double, maxErrorPercent: Double) {
    let found = Set(equation.terms.map(\.name))
    let errors = truth.map { name, value in Swift.abs(equation.coefficient(of: name) - value) / Swift.abs(value) * 100 }
    return (found == Set(truth.keys), errors.reduce(0, +) / Double(errors.count), errors.max() ?? 0)
}

func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }

/// A case of the discovery benchmark.
enum BenchmarkCase: String, CaseIterable, Sendable {
    case burgers, kdv, lorenz
}

/// A comma-separated set of benchmark cases (`burgers,kdv`): an unknown name is refused by the
/// parser, which lists the valid ones.
struct BenchmarkCases: ExpressibleByArgument, Sendable {
    var cases: Set<BenchmarkCase>

    init(_ cases: Set<BenchmarkCase>) { self.cases = cases }

    init?(argument: String) {
        let names = argument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let cases = names.compactMap(BenchmarkCase.init(rawValue:))
        guard !cases.isEmpty, cases.count == names.count else { return nil }
        self.cases = Set(cases)
    }

    static var allValueStrings: [String] { BenchmarkCase.allCases.map(\.rawValue) }

    var defaultValueDescription: String { BenchmarkCase.allCases.filter(cases.contains).map(\.rawValue).joined(separator: ",") }

    func contains(_ c: BenchmarkCase) -> Bool { cases.contains(c) }
}

/// `inductive discover table`: the accuracy benchmark of the issue, PDE-FIND's Table I
/// (Burgers and KdV, clean and with 1% noise over several seeds) and SINDy on Lorenz.
struct DiscoverTable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Run the discovery accuracy benchmark (PDE-FIND Table I grids, Lorenz) and print the table.")

    /// The most noise seeds per case: each costs about a second of discovery per case.
    static let maximumSeeds = 1000

    @Option(parsing: .unconditional, help: "Noise seeds per noisy case (1 to 1000).")
    var seeds: Int = 10

    @Option(parsing: .unconditional, help: "Noise level (fraction of the standard deviation of u, 0 to 1000).")
    var noise: Double = 0.01

    @Option(help: "Selection norm of the tolerance search.")
    var norm: SelectionNorm = .default

    @Option(help: "Derivatives for clean data.")
    var cleanDerivative: DerivativeChoice = .fd

    @Option(help: "Derivatives for noisy data.")
    var noisyDerivative: DerivativeChoice = .poly

    @OptionGroup var polynomial: PolynomialDerivativeOptions

    @Option(parsing: .unconditional, help: "The first noise seed (seeds first-seed ..< first-seed + seeds, within 0 ... 2^64 - 1).")
    var firstSeed: UInt64 = 0

    @Option(help: "Only these cases (comma-separated: burgers, kdv, lorenz).")
    var only = BenchmarkCases(Set(BenchmarkCase.allCases))

    func validate() throws {
        try requireInteger(seeds, "seeds", 1...Self.maximumSeeds)
        try requireNumber(noise, "noise", 0...1000, "between 0 and 1000")
        guard UInt64.max - firstSeed >= UInt64(seeds - 1) else {
            throw ValidationError("--first-seed \(firstSeed) plus \(seeds) seeds passes the largest seed 2^64 - 1")
        }
    }

    func run() throws {
        let cases = only
        print("case      data        right terms   coefficient error (mean %, max %)   paper (mean %)   seconds")
        struct PDECase { let name: String; let data: PDESolution; let truth: [String: Double]; let paperClean: Double; let paperNoisy: Double }
        var pdeCases: [PDECase] = []
        if cases.contains(.burgers) {
            pdeCases.append(PDECase(name: "burgers", data: DiscoveryBenchmark.burgers(), truth: ["u*u_x": -1, "u_xx": 0.1],
                                    paperClean: 0.15, paperNoisy: 0.8))
        }
        if cases.contains(.kdv) {
            pdeCases.append(PDECase(name: "kdv", data: DiscoveryBenchmark.kdv(), truth: ["u*u_x": -6, "u_xxx": -1],
                                    paperClean: 1, paperNoisy: 7))
        }
        for c in pdeCases {
            let dt = c.data.t.scalars[1] - c.data.t.scalars[0]
            let dx = c.data.x.scalars[1] - c.data.x.scalars[0]
            func run(_ u: Tensor, _ choice: DerivativeChoice) throws -> Equation {
                var options = PDEDiscoveryOptions()
                options.derivative = polynomial.spaceMethod(choice)
                options.timeDerivative = polynomial.timeMethod(choice)
                options.search.norm = norm
                var rng = RandomGenerator(seed: 0)
                return try discoverPDE(u, dt: dt, dx: dx, options: options, using: &rng).equations[0]
            }
            var start = Date()
            let clean = try run(c.data.u, cleanDerivative)
            let cleanScore = scoreEquation(clean, truth: c.truth)
            print(pad(c.name, 10) + pad("clean", 12) + pad(cleanScore.rightTerms ? "yes" : "NO", 14)
                  + String(format: "%8.4f  %8.4f                         %6.2f        %6.2f",
                           cleanScore.errorPercent, cleanScore.maxErrorPercent, c.paperClean, Date().timeIntervalSince(start)))
            print("          clean fit: \(clean)")
            start = Date()
            var right = 0
            var errors: [Double] = [], maxima: [Double] = []
            for seed in (0..<UInt64(seeds)).map({ firstSeed + $0 }) {
                var rng = RandomGenerator(seed: seed)
                let noisy = DiscoveryBenchmark.addingNoise(c.data.u, level: noise, using: &rng)
                let found = try run(noisy, noisyDerivative)
                let s = scoreEquation(found, truth: c.truth)
                if s.rightTerms { right += 1 }
                errors.append(s.errorPercent); maxima.append(s.maxErrorPercent)
                if seed == firstSeed { print("          noisy fit (seed \(seed)): \(found)") }
            }
            print(pad(c.name, 10) + pad(String(format: "%.1f%% noise", noise * 100), 12) + pad("\(right)/\(seeds)", 14)
                  + String(format: "%8.4f  %8.4f                         %6.2f        %6.2f",
                           errors.reduce(0, +) / Double(seeds), maxima.max() ?? 0, c.paperNoisy, Date().timeIntervalSince(start)))
        }
        if cases.contains(.lorenz) {
            let start = Date()
            let data = try DiscoveryBenchmark.lorenz()
            let result = try discoverODE(data.y, dt: 0.002)
            let truth = ODESystem.lorenz().polynomialTerms!
            var allRight = true
            var worst = 0.0, mean = 0.0
            for (e, t) in zip(result.equations, truth) {
                let s = scoreEquation(e, truth: t)
                allRight = allRight && s.rightTerms
                worst = Swift.max(worst, s.maxErrorPercent)
                mean += s.errorPercent / Double(truth.count)
            }
            print(pad("lorenz", 10) + pad("clean", 12) + pad(allRight ? "yes" : "NO", 14)
                  + String(format: "%8.4f  %8.4f                    goal < 1 (every)  %6.2f", mean, worst, Date().timeIntervalSince(start)))
            for line in result.equations { print("          \(line)") }
        }
    }
}
