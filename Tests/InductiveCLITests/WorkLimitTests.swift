import Testing

/// Work and memory are estimated from the inputs and options before anything is allocated:
/// a request over a limit is refused at once with one line saying how to raise it.
@Suite struct WorkLimitTests {
    static let refused: [RefusedCommand] = [
        // A 3 x 5000 array: 5000 variables make 12.5 million degree-2 terms for 3 samples.
        RefusedCommand(["discover", "ode", "--data", "wide.npy", "--dt", "0.1"], names: "only 3 usable samples for 12507501 candidate terms"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--degree", "3000"], names: "usable samples for 4509005501 candidate terms"),
        RefusedCommand(["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--degree", "5", "--memory-gib", "0.001"], names: "over the memory budget of 1.0 MiB (raise it with --memory-gib)"),
        RefusedCommand(["discover", "pde", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.0625", "--degree", "3000"], names: "usable samples for 12004 candidate terms"),
        RefusedCommand(["discover", "pde", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.0625", "--memory-gib", "0.001"], names: "over the memory budget of 1.0 MiB (raise it with --memory-gib)"),
        RefusedCommand(["discover", "simulate", "lorenz", "--out", "o.npy", "--samples", "9223372036854775807"], names: "--samples must be between"),
        RefusedCommand(["discover", "simulate", "burgers", "--out", "o.npy", "--samples", "1000000"], names: "--samples must be between 2 and 20000"),
        RefusedCommand(["discover", "simulate", "kdv", "--out", "o.npy", "--samples", "20000", "--memory-gib", "0.01"], names: "over the memory budget of 10.2 MiB (raise it with --memory-gib)"),
        RefusedCommand(["ntk", "analytic", "--x1", "x.npy", "--w-std", "1", "--activation", "relu", "--depth", "100000000", "--ntk-out", "k.npy"], names: "--depth must be between"),
        RefusedCommand(["ntk", "analytic", "--x1", "many.npy", "--w-std", "1", "--activation", "relu", "--depth", "2", "--ntk-out", "k.npy", "--memory-gib", "0.01"], names: "over the memory budget of 10.2 MiB (raise it with --memory-gib)"),
        RefusedCommand(["run", "ib.min-norm", "--set", "rows=100000", "--set", "columns=100001"], names: "100001 is above the maximum 5000"),
        RefusedCommand(["run", "ib.min-norm", "--set", "steps=99999999999"], names: "99999999999 is above the maximum 1000000"),
        RefusedCommand(["run", "init.variance", "--set", "width=1000000"], names: "1000000 is above the maximum 8192"),
        RefusedCommand(["run", "init.variance", "--set", "width=8192", "--set", "batch=10000"], names: "width² + 2e7 × zeroInitEpochs (networks: 1 from width 1024) must be at most 2e12"),
        RefusedCommand(["run", "ib.double-descent", "--set", "samples=2000", "--set", "ratios=0.5,1,20,50"], names: "gives 100000 features, more than 10000"),
        RefusedCommand(["run", "ntk.width-convergence", "--set", "seeds=1000", "--set", "points=1000"], names: "must be at most 1.5e12"),
        RefusedCommand(["run", "ntk.lazy-training", "--set", "maxSteps=10000000"], names: "must be at most 1.5e13"),
        RefusedCommand(["run", "reg.noise-is-l2", "--set", "monteCarlo=10000000", "--set", "dimension=1000"], names: "monteCarlo × dimension must be at most 1e8"),
        RefusedCommand(["reproduce", "--only", "ntk.*", "--set", "widths=64,1000000"], names: "1000000 is above the maximum 16384"),
        RefusedCommand(["train", "--model", "dense(10)", "--epochs", "100000000"], names: "--epochs must be between"),
        RefusedCommand(["bench", "--repeats", "1000000"], names: "--repeats must be between"),
    ]

    @Test(arguments: refused)
    func overTheLimitIsRefusedBeforeAllocating(_ command: RefusedCommand) throws {
        // Refusals are immediate: a few seconds at most even on a loaded machine.
        try expectRefused(command, timeout: 20) { _, folder in
            #expect(!folder.contents().contains("o.npy") && !folder.contents().contains("k.npy"))
        }
    }

    /// The same requests run once the budget is raised.
    static let raised: [[String]] = [
        ["discover", "ode", "--data", "lorenz.npy", "--dt", "0.002", "--degree", "5", "--memory-gib", "1"],
        ["discover", "pde", "--data", "burgers.npy", "--dt", "0.1", "--dx", "0.0625", "--memory-gib", "1"],
        ["ntk", "analytic", "--x1", "many.npy", "--w-std", "1", "--activation", "relu", "--depth", "2", "--ntk-out", "k.npy", "--memory-gib", "2"],
    ]

    @Test(arguments: raised)
    func raisingTheBudgetLetsItRun(_ arguments: [String]) throws {
        try expectSuccess(arguments)
    }
}
