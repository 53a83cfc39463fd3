import Testing

/// Every experiment parameter value inside its declared range runs, and every value outside
/// it (or a combination the experiment cannot run) is refused with one line.
@Suite struct ExperimentParameterTests {
    /// Small values at or near the minimum of each range, which used to trap (depth=2 drew
    /// 12 layers against 2 x values).
    static let inRange: [[String]] = [
        ["init.variance", "depth=2", "width=4", "batch=2", "networks=1", "zeroInitEpochs=1"],
        ["ib.min-norm", "rows=1", "columns=2", "starts=0", "steps=1"],
        ["ib.early-stopping", "directions=2", "steps=1"],
        ["reg.l2-shrinkage", "dimension=1", "samples=1", "alphas=1e-12", "maxSteps=1"],
        ["reg.noise-is-l2", "dimension=1", "samples=2", "monteCarlo=2", "epochs=1", "batch=2", "sigma=0"],
        ["uat.sigmoid-sum", "counts=1,2,3", "seeds=1", "fitPoints=2", "testPoints=2"],
        ["ntk.width-convergence", "widths=1,2", "seeds=1", "points=2"],
        ["ntk.eigen-decay", "width=1", "points=2", "steps=3", "directions=1"],
    ]

    @Test(arguments: inRange)
    func inRangeValuesRun(_ setting: [String]) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let arguments = ["run", setting[0], "--quick", "--out", folder.path("results")] + setting.dropFirst().flatMap { ["--set", $0] }
        let result = try CommandRunner.run(arguments, timeout: 120)
        #expect(result.status == 0, "inductive \(arguments.joined(separator: " ")): \(result.standardError)")
        #expect(!result.standardOutput.contains("CRASHED") && !result.standardError.contains("CRASHED"))
    }

    static let outOfRange: [RefusedCommand] = [
        RefusedCommand(["run", "init.variance", "--set", "depth=1"], names: "1 is below the minimum 2"),
        RefusedCommand(["run", "init.variance", "--set", "depth=1001"], names: "1001 is above the maximum 1000"),
        RefusedCommand(["run", "init.variance", "--set", "width=0"], names: "0 is below the minimum 1"),
        RefusedCommand(["run", "init.variance", "--set", "depth=2.5"], names: "depth=2.5 is not an integer"),
        RefusedCommand(["run", "ntk.width-convergence", "--set", "widths=64,64,128"], names: "lists the same value twice"),
        RefusedCommand(["run", "ntk.lazy-training", "--set", "stepFraction=1.5"], names: "1.5 is above the maximum 0.999"),
        RefusedCommand(["run", "ntk.eigen-decay", "--set", "directions=30", "--set", "points=24"], names: "directions (30) cannot exceed points (24)"),
        RefusedCommand(["run", "ib.min-norm", "--set", "rows=50", "--set", "columns=50"], names: "must be underdetermined: columns > rows"),
        RefusedCommand(["run", "ib.double-descent", "--set", "ratios=0.5,20,nan"], names: "is not a comma-separated list of numbers"),
        RefusedCommand(["run", "reg.noise-is-l2", "--set", "sigma=-1"], names: "-1 is below the minimum 0"),
        RefusedCommand(["run", "uat.sigmoid-sum", "--set", "counts=" + (1...101).map(String.init).joined(separator: ",")], names: "has more than 100 values"),
    ]

    @Test(arguments: outOfRange)
    func outOfRangeValuesAreRefused(_ command: RefusedCommand) throws {
        try expectRefused(command)
    }
}
