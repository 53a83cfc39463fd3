import Testing

/// Numbers from the command line never trap, overflow or come out silently wrong: each bad
/// value is refused with one line naming the option, and a status in 1...127.
@Suite struct UserNumberTests {
    static let pde = ["discover", "pde", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.0625"]
    static let ode = ["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002"]
    static let analytic = ["ntk", "analytic", "--x1", "x.npy", "--w-std", "1", "--activation", "relu", "--ntk-out", "k.npy"]
    static let empirical = ["ntk", "empirical", "--x1", "x.npy", "--w-std", "1", "--activation", "relu", "--params", "p.npz", "--out", "k.npy"]
    static let train = ["train", "--model", "dense(10)"]

    /// Integers near Int.max (sums and products of them overflow), and doubles that do not fit
    /// an Int once scaled.
    static let overflowing: [RefusedCommand] = [
        RefusedCommand(pde + ["--degree", "9223372036854775807"], names: "degree 9223372036854775807 and max-derivative 3 give more candidate terms than can be counted"),
        RefusedCommand(pde + ["--max-derivative", "9223372036854775807"], names: "max-derivative 9223372036854775807 give more candidate terms than can be counted"),
        RefusedCommand(pde + ["--trim", "4611686018427387904"], names: "trimming 4611686018427387904 points at each end leaves no data"),
        RefusedCommand(pde + ["--derivative", "poly", "--poly-width", "4611686018427387904"], names: "--poly-width must be between"),
        RefusedCommand(pde + ["--derivative", "poly", "--time-poly-degree", "9223372036854775807"], names: "--time-poly-degree must be between"),
        RefusedCommand(ode + ["--degree", "9223372036854775807"], names: "degree 9223372036854775807 with 3 variables gives more candidate terms than can be counted"),
        RefusedCommand(ode + ["--derivative", "poly", "--poly-degree", "9223372036854775807"], names: "--poly-degree must be between"),
        RefusedCommand(["discover", "table", "--first-seed=-1"], names: "invalid for '--first-seed"),
        RefusedCommand(["discover", "table", "--first-seed", "18446744073709551615", "--seeds", "2"], names: "--first-seed 18446744073709551615 plus 2 seeds passes the largest seed"),
        RefusedCommand(["discover", "table", "--seeds", "9223372036854775807"], names: "--seeds must be between"),
        RefusedCommand(empirical + ["--memory-gib", "1e10"], names: "--memory-gib must be between"),
        RefusedCommand(empirical + ["--memory-gib", "1e-12"], names: "--memory-gib must be between"),
        RefusedCommand(train + ["--epochs", "9223372036854775807"], names: "--epochs must be between"),
        RefusedCommand(["run", "ib.double-descent", "--quick", "--set", "ratios=0.5,20,1e300"], names: "1e+300 is above the maximum 50"),
        RefusedCommand(["run", "ib.min-norm", "--quick", "--set", "steps=9223372036854775807"], names: "is above the maximum 1000000"),
    ]

    @Test(arguments: overflowing)
    func integerOverflowIsRefused(_ command: RefusedCommand) throws {
        try expectRefused(command)
    }

    /// A negative number reaches validation (which says what range is allowed) instead of
    /// being read as a flag ("Missing value for ...").
    static let negative: [RefusedCommand] = [
        RefusedCommand(train + ["--epochs", "-1"], names: "--epochs must be between"),
        RefusedCommand(train + ["--batch", "-5"], names: "--batch must be at least 1"),
        RefusedCommand(train + ["--lr", "-0.1"], names: "--lr must be a positive number"),
        RefusedCommand(train + ["--seed", "-1"], names: "invalid for '--seed"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "-0.002"], names: "--dt must be a positive number"),
        RefusedCommand(ode + ["--threshold", "-0.5"], names: "--threshold must be a non-negative number"),
        RefusedCommand(["discover", "simulate", "lorenz", "--out", "o.npy", "--samples", "-3"], names: "--samples must be between"),
        RefusedCommand(["discover", "simulate", "lorenz", "--out", "o.npy", "--noise", "-1"], names: "--noise must be between"),
        RefusedCommand(["discover", "table", "--seeds", "-1"], names: "--seeds must be between"),
        RefusedCommand(["ntk", "analytic", "--x1", "x.npy", "--w-std", "-1", "--activation", "relu", "--depth", "1", "--ntk-out", "k.npy"], names: "--w-std must be between"),
        RefusedCommand(analytic + ["--depth", "-2"], names: "--depth must be between"),
        RefusedCommand(["bench", "--repeats", "-1"], names: "--repeats must be between"),
        RefusedCommand(["run", "ib.min-norm", "--seed", "-1"], names: "invalid for '--seed"),
    ]

    @Test(arguments: negative)
    func negativeNumbersAreValidatedNotReadAsFlags(_ command: RefusedCommand) throws {
        try expectRefused(command) { result, _ in
            #expect(!result.standardError.contains("Missing value"), "\(result.standardError)")
        }
    }

    /// Values that used to be accepted with exit 0 but give wrong or empty output, or that
    /// reached LAPACK as NaN: refused up front, or detected in the result.
    static let silentlyWrong: [RefusedCommand] = [
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "1e-320"], names: "--dt 1e-320 is too small"),
        RefusedCommand(["discover", "pde", "--data", "burgers.npy", "--dt", "0.1", "--dx", "1e-320"], names: "--dx 1e-320 is too small"),
        RefusedCommand(["discover", "simulate", "lorenz", "--out", "o.npy", "--noise", "inf"], names: "--noise must be between"),
        RefusedCommand(["discover", "simulate", "lorenz", "--out", "o.npy", "--noise", "nan"], names: "--noise must be between"),
        RefusedCommand(ode + ["--threshold", "inf"], names: "--threshold must be a non-negative number"),
        RefusedCommand(pde + ["--ridge", "inf"], names: "--ridge must be a non-negative number"),
        RefusedCommand(["discover", "table", "--only", "foo"], names: "invalid for '--only"),
        RefusedCommand(["discover", "table", "--only", "burgers,foo"], names: "invalid for '--only"),
        RefusedCommand(ode + ["--names", "a,a,b"], names: "'a' is given twice"),
        RefusedCommand(ode + ["--names", "a,,b"], names: "2 names given for 3 variables"),
        RefusedCommand(["discover", "ode", "--data", "big.npy", "--dt", "0.1"], names: "the candidate library overflows"),
        RefusedCommand(["ntk", "analytic", "--x1", "big.npy", "--w-std", "1", "--activation", "relu", "--depth", "2", "--ntk-out", "k.npy"], names: "the kernels overflow or underflow to infinity or NaN over 2 layers"),
        RefusedCommand(["ntk", "analytic", "--x1", "x.npy", "--w-std", "1e100", "--activation", "erf", "--depth", "5", "--nngp-out", "g.npy"], names: "the kernels overflow or underflow to infinity or NaN over 5 layers"),
        RefusedCommand(["ntk", "analytic", "--x1", "x.npy", "--w-std", "1e200", "--activation", "erf", "--depth", "3", "--nngp-out", "g.npy"], names: "--w-std must be between"),
        RefusedCommand(empirical + ["--b-std", "1e300"], names: "--b-std must be between"),
        RefusedCommand(analytic + ["--depth", "1", "--b-std", "nan"], names: "--b-std must be between"),
        // ReLU below the critical --w-std: the variances underflow over 1000 layers.
        RefusedCommand(analytic + ["--depth", "1000"], names: "the kernels overflow or underflow to infinity or NaN over 1000 layers"),
    ]

    @Test(arguments: silentlyWrong)
    func nonFiniteAndMeaninglessValuesAreRefused(_ command: RefusedCommand) throws {
        try expectRefused(command) { _, folder in
            // Nothing half-made is left behind.
            for output in ["o.npy", "k.npy", "g.npy"] { #expect(!folder.contents().contains(output)) }
        }
    }

    /// Closed sets are enums: the parser refuses a bad value and lists the valid ones.
    static let closedSets: [RefusedCommand] = [
        RefusedCommand(train + ["--optimizer", "foo"], names: "adamw"),
        RefusedCommand(train + ["--sampling", "foo"], names: "reshuffle"),
        RefusedCommand(analytic + ["--depth", "1", "--activation", "tanh"], names: "erf"),
        RefusedCommand(["ntk", "empirical", "--x1", "x.npy", "--w-std", "1", "--activation", "foo", "--params", "p.npz", "--out", "k.npy"], names: "softplus"),
        RefusedCommand(["bench", "--group", "foo"], names: "sindy"),
        RefusedCommand(["discover", "table", "--only", "foo"], names: "lorenz"),
        RefusedCommand(ode + ["--derivative", "foo"], names: "poly"),
        RefusedCommand(pde + ["--method", "foo"], names: "stridge"),
    ]

    @Test(arguments: closedSets)
    func closedSetsListTheirValues(_ command: RefusedCommand) throws {
        try expectRefused(command)
    }

    /// argument-parser's own errors (unknown command or option, missing value or option)
    /// come out as one line too, without the usage.
    static let parserErrors: [RefusedCommand] = [
        RefusedCommand(["no-such-command"], names: "Unexpected argument 'no-such-command'"),
        RefusedCommand(["train"], names: "Missing expected argument '--model"),
        RefusedCommand(["train", "--model"], names: "Missing value for '--model"),
        RefusedCommand(train + ["--no-such-option"], names: "Unknown option '--no-such-option'"),
        RefusedCommand(["ntk", "analytic"], names: "Missing expected argument '--x1"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "abc"], names: "invalid for '--dt"),
        RefusedCommand(["run", "no.such-experiment"], names: "unknown experiment 'no.such-experiment'"),
    ]

    @Test(arguments: parserErrors)
    func parserErrorsAreOneLine(_ command: RefusedCommand) throws {
        try expectRefused(command)
    }

    /// The valid counterparts: values at the edges of the ranges run.
    static let accepted: [[String]] = [
        ode + ["--names", "a,b,c", "--threshold=0.5"],
        ode + ["--derivative", "poly", "--poly-degree", "4", "--poly-width", "5"],
        pde + ["--trim", "3", "--seed", "18446744073709551615"],
        ["ntk", "analytic", "--x1", "x.npy", "--w-std", "1.4142135623730951", "--activation", "relu", "--ntk-out", "k.npy",
         "--depth", "1000", "--memory-gib", "0.001"],
        ["discover", "simulate", "vanderpol", "--out", "o.npy", "--samples", "2", "--noise", "0.5", "--seed=18446744073709551615"],
    ]

    @Test(arguments: accepted)
    func valuesInRangeRun(_ arguments: [String]) throws {
        let result = try expectSuccess(arguments)
        #expect(result.errorLines.allSatisfy { !$0.hasPrefix("error") })
    }

    @Test func namesAreUsedInTheEquations() throws {
        let result = try expectSuccess(Self.ode + ["--names", "a,b,c"])
        #expect(result.standardOutput.contains("a' ="))
        #expect(result.standardOutput.contains("c' ="))
    }
}
