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
        RefusedCommand(["discover", "table", "--sweep", "--systems", "heat"], names: "--systems: unknown 'heat'"),
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

    @Test func weakIsTheDefaultAndPrintsWhatItChose() throws {
        let result = try expectSuccess(Self.pde + ["--ensemble", "5"])
        #expect(result.standardOutput.contains("formulation weak"))
        #expect(result.standardOutput.contains("noise estimate"))
        #expect(result.standardOutput.contains("ensemble of 5 models"))
        #expect(result.standardOutput.contains("u_t ="))
    }
}
