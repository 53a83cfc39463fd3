import Testing

/// Every subcommand answers `--help` with exit 0 and a usage line (an unknown subcommand is
/// a refusal: `UserNumberTests.parserErrorsAreOneLine`).
@Suite struct HelpTests {
    static let commands: [[String]] = [
        [], ["list"], ["run"], ["reproduce"], ["train"], ["ntk"], ["ntk", "analytic"], ["ntk", "empirical"],
        ["discover"], ["discover", "ode"], ["discover", "pde"], ["discover", "simulate"], ["discover", "table"],
        ["info"], ["bench"], ["sweep"], ["merge"],
    ]

    @Test(arguments: commands)
    func helpExitsZeroWithUsage(_ command: [String]) throws {
        let result = try CommandRunner.run(command + ["--help"])
        #expect(result.status == 0, "inductive \(command.joined(separator: " ")) --help: \(result.standardError)")
        #expect(result.standardOutput.contains("USAGE:"))
    }
}
