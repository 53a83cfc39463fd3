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

    @Test func weakIsTheDefaultAndPrintsWhatItChose() throws {
        let result = try expectSuccess(Self.pde + ["--ensemble", "5"])
        #expect(result.standardOutput.contains("formulation weak"))
        #expect(result.standardOutput.contains("noise estimate"))
        #expect(result.standardOutput.contains("ensemble of 5 models"))
        #expect(result.standardOutput.contains("u_t ="))
    }
}
