import InductiveSolvers
import Testing

@Suite struct SolverDiagnosticsTests {
    @Test func descriptionStatesOutcomeIterationsAndResidual() {
        #expect(SolverDiagnostics(iterations: 1, residual: 0.5, converged: true).description
                == "converged after 1 iteration, residual 0.5")
        #expect(SolverDiagnostics(iterations: 7, residual: 2, converged: false).description
                == "not converged after 7 iterations, residual 2.0")
    }
}
