import Foundation
import Testing

/// `discover pde` / `discover ode` with the weak formulation: defaults that run, and bad input
/// refused with one line.
@Suite struct DiscoverWeakTests {
    static let pde = ["discover", "pde", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.0625"]

    static let refused: [RefusedCommand] = [
        RefusedCommand(["discover", "pde", "--data", "nan.npy", "--dt", "0.1", "--dx", "0.1"], names: "contains NaN"),
        RefusedCommand(["discover", "pde", "--data", "constant.npy", "--dt", "0.1", "--dx", "0.1"], names: "the data is constant"),
        RefusedCommand(["discover", "pde", "--data", "short.npy", "--dt", "0.1", "--dx", "0.1"], names: "at least 7 times"),
        RefusedCommand(pde + ["--space-support", "200"], names: "must fit in data of shape [21, 256]"),
        RefusedCommand(pde + ["--space-support", "1"], names: "--space-support must be between"),
        RefusedCommand(pde + ["--formulation", "weak", "--derivative", "poly"], names: "belong to the strong formulation"),
        RefusedCommand(pde + ["--formulation", "strong", "--space-support", "10"], names: "belong to the weak formulation"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--formulation", "weak", "--time-support", "5000"],
                       names: "must fit in 2000 samples"),
        RefusedCommand(["discover", "table", "--sweep", "--levels", "0,x"], names: "--levels must be"),
        RefusedCommand(["discover", "pde2d", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.1", "--dy", "0.1"], names: "expected a 3-d array"),
        RefusedCommand(["discover", "pde2d", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.1", "--dy", "0"], names: "--dy must be a positive number"),
        RefusedCommand(["discover", "system", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.1"], names: "burgers.npy"),
        RefusedCommand(["discover", "system", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.1", "--degree", "9"], names: "--degree must be between"),
        RefusedCommand(["discover", "table", "--sweep", "--systems", "heat"], names: "--systems: unknown 'heat'"),
        RefusedCommand(pde + ["--formulation", "strong", "--refit", "none"], names: "belong to the weak formulation"),
        RefusedCommand(pde + ["--refit", "ols"], names: "ols"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--refit", "none"], names: "--refit belongs to --formulation weak"),
        RefusedCommand(["discover", "table", "--sweep", "--refit", "ols"], names: "--refit: unknown 'ols'"),
        RefusedCommand(["discover", "table", "--sweep", "--tuning-data", "--fresh-data"], names: "exclude each other"),
        RefusedCommand(["discover", "table", "--sweep", "--systems", "lorenz", "--refit", "generalized", "--collocation-tolerance", "0.001"],
                       names: "--collocation-tolerance belongs to the weak formulation with the joint refit"),
        // The joint refit (default) on 21 x 256 points: its strips' block factors and work arrays
        // bring the estimate to ~24 MiB, counted by --memory-gib.
        RefusedCommand(pde + ["--memory-gib", "0.01"], names: "and the joint refit needs"),
        RefusedCommand(pde + ["--strip-width", "0"], names: "--strip-width must be at least 1"),
        RefusedCommand(pde + ["--refit", "generalized", "--strip-width", "40"], names: "--strip-width belongs to the weak formulation with --refit joint"),
        RefusedCommand(["discover", "table", "--sweep", "--systems", "lorenz", "--strip-width", "40"],
                       names: "--strip-width belongs to the weak formulation with the joint refit of a PDE"),
        RefusedCommand(["discover", "table", "--sweep", "--systems", "burgers", "--refit", "diagonal", "--collocation-tolerance", "0.001"],
                       names: "--collocation-tolerance belongs to the weak formulation with the joint refit"),
        RefusedCommand(["discover", "table", "--sweep", "--systems", "burgers", "--refit", "joint", "--formulations", "strong",
                        "--collocation-tolerance", "0.001"], names: "--collocation-tolerance belongs to the weak formulation with the joint refit"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--formulation", "weak", "--refit", "generalized",
                        "--collocation-tolerance", "0.001"], names: "--collocation-tolerance belongs to"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--formulation", "weak", "--collocation-tolerance", "0"],
                       names: "--collocation-tolerance must be a positive number"),
        RefusedCommand(["discover", "ode", "--data", "nan1.npy", "--dt", "0.01", "--formulation", "weak"], names: "contains NaN"),
        RefusedCommand(["discover", "ode", "--data", "short1.npy", "--dt", "0.01", "--formulation", "weak"], names: "at least 5 samples"),
        RefusedCommand(["discover", "ode", "--data", "short1.npy", "--dt", "0.01", "--formulation", "weak", "--time-support", "2"],
                       names: "at least 5 samples"),
    ]

    @Test(arguments: refused)
    func badInputIsRefused(_ command: RefusedCommand) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Fixtures.write(in: folder)
        let row = (0..<64).map { sin(Double($0) * 0.2) }
        var withNaN = (0..<30).map { i in row.map { $0 * cos(Double(i) * 0.1) } }
        withNaN[3][5] = .nan
        try Fixtures.npy(withNaN, folder.path("nan.npy"))
        try Fixtures.npy((0..<30).map { _ in [Double](repeating: 2, count: 64) }, folder.path("constant.npy"))
        try Fixtures.npy((0..<5).map { i in row.map { $0 + Double(i) } }, folder.path("short.npy"))
        // One variable: NaN in the middle; 4 samples (more than the 3 terms of degree 2, fewer
        // than the 5 of the smallest test function).
        try Fixtures.npy((0..<100).map { [$0 == 50 ? .nan : exp(-0.005 * Double($0))] }, folder.path("nan1.npy"))
        try Fixtures.npy((0..<4).map { [exp(-0.005 * Double($0))] }, folder.path("short1.npy"))
        let result = try CommandRunner.run(command.arguments, in: folder.url, timeout: 60)
        expectOneLineError(result, names: command.names, command.arguments)
    }

    @Test func systemRecoversLambdaOmegaFromTheSimulatedArchive() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let made = try CommandRunner.run(["discover", "simulate", "lambdaomega", "--noise", "0.01", "--out", "lo.npz"], in: folder.url)
        #expect(made.status == 0, "\(made.standardError)")
        let result = try CommandRunner.run(["discover", "system", "--data", "lo.npz", "--dt", "0.05", "--dx", "0.2454369260617026",
                                            "--json", "eq.json"], in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("eq.json")))) as? [String: Any]
        let equations = try #require(json?["equations"] as? [[String: Any]])
        // lambda-omega with beta = 1, d = 0.1 (see `simulateLambdaOmega`); 1% noise: within 5%.
        let truth: [[String: Double]] = [["u": 1, "u^3": -1, "u*v^2": -1, "u^2*v": 1, "v^3": 1, "u_xx": 0.1],
                                         ["v": 1, "v^3": -1, "u^2*v": -1, "u^3": -1, "u*v^2": -1, "v_xx": 0.1]]
        #expect(equations.count == 2)
        for (equation, expected) in zip(equations, truth) {
            let terms = try #require(equation["terms"] as? [String: Double])
            #expect(Set(terms.keys) == Set(expected.keys), "\(terms)")
            for (name, value) in expected {
                #expect(Swift.abs((terms[name] ?? 0) - value) < 0.05 * Swift.abs(value), "\(name): \(terms[name] ?? 0)")
            }
        }
    }

    /// Data of shape [n, 1] (one variable): the weak ODE form chooses its support from the time
    /// axis alone (there is no second axis with a spectrum) and recovers x' = -0.5 x.
    @Test func weakODEWithOneVariableRecoversDecay() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Fixtures.npy((0..<400).map { [2 * exp(-0.5 * Double($0) * 0.01)] }, folder.path("decay.npy"))
        let result = try CommandRunner.run(["discover", "ode", "--data", "decay.npy", "--dt", "0.01", "--formulation", "weak",
                                            "--json", "eq.json"], in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("time: spectrum meets the noise floor"), "\(result.standardOutput)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("eq.json")))) as? [String: Any]
        let equations = try #require(json?["equations"] as? [[String: Any]])
        let terms = try #require(equations.first?["terms"] as? [String: Double])
        // Clean data, so the error is the trapezoid error, relative O((dt/a)^4) (see
        // `weakODESystem`): (1/8)^4 = 2.4e-4 at the smallest automatic half-width a = 8 dt,
        // times a constant of order 1 (measured 3.1e-4; it falls by 2^4 at 16 dt). 2e-3 relative
        // (1e-3 on 0.5) is 8 (dt/a)^4; a wrong or extra term fails by far more.
        #expect(terms.count == 1, "\(terms)")
        #expect(Swift.abs((terms.values.first ?? 0) + 0.5) < 1e-3, "\(terms)")
    }

    /// `--memory-gib` counts the weak form and the joint refit: 2000 Lorenz samples need about
    /// 0.6 MiB for SINDy (`estimatedODEDiscoveryBytes`), 4.4 MiB for the weak form's test
    /// matrices with half-width 40 (96 windows, `estimatedWeakODEBytes`) and 5.9 MiB more for the
    /// joint stage at its worst case (`estimatedJointEstimationBytes`, 30 coefficients), 10.9 MiB
    /// in all: a budget of 8.2 MiB refuses the joint refit with one line and runs the generalized
    /// one (5.0 MiB).
    @Test func memoryBudgetCountsTheJointRefit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Fixtures.write(in: folder)
        let weak = ["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--formulation", "weak", "--time-support", "40",
                    "--memory-gib", "0.008"]
        let joint = try CommandRunner.run(weak, in: folder.url, timeout: 60)
        expectOneLineError(joint, names: "and the joint refit needs about 10.9 MiB", weak)
        let generalized = try CommandRunner.run(weak + ["--refit", "generalized"], in: folder.url, timeout: 120)
        #expect(generalized.status == 0, "\(generalized.standardError)")
    }

    @Test func stripWidthReachesTheJointRefit() throws {
        // Noisy Burgers (40 times of PDE-FIND's grid, 5% noise): the joint refit runs, and
        // --strip-width 40 cuts the 240 interior points into 6 strips of 40.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let simulate = try CommandRunner.run(["discover", "simulate", "burgers", "--out", "b.npy", "--samples", "40", "--noise", "0.05"],
                                             in: folder.url, timeout: 120)
        #expect(simulate.status == 0, "\(simulate.standardError)")
        let result = try CommandRunner.run(["discover", "pde", "--data", "b.npy", "--dt", "0.1", "--dx", "0.0625", "--strip-width", "40"],
                                           in: folder.url, timeout: 120)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("central differences of half-width 8 in x, 6 strips of 40-40 points"), "\(result.standardOutput)")
    }

    @Test func weakIsTheDefaultAndPrintsWhatItChose() throws {
        let result = try expectSuccess(Self.pde + ["--ensemble", "5"])
        #expect(result.standardOutput.contains("formulation weak"))
        #expect(result.standardOutput.contains("noise estimate"))
        #expect(result.standardOutput.contains("ensemble of 5 models"))
        #expect(result.standardOutput.contains("u_t ="))
    }
}
