/// How a solver ended: the work it did and how close its answer is to optimal.
///
/// Every solver in this module returns its solution together with one of these.
/// `residual` is the solver's own optimality measure, stated in each solver's doc comment
/// (a KKT violation, a relative duality gap, a primal/dual residual pair's maximum, or a
/// least-squares normal-equation residual); `converged` is true when that measure fell
/// below the documented tolerance before the iteration cap.
public struct SolverDiagnostics: Sendable, Equatable, CustomStringConvertible {
    /// Iterations performed (1 for direct, closed-form solvers).
    public var iterations: Int
    /// The final value of the solver's stopping measure (see the solver's documentation).
    public var residual: Double
    /// True when the stopping rule was met; false when the iteration cap was hit first.
    public var converged: Bool

    /// Creates diagnostics from their three parts.
    public init(iterations: Int, residual: Double, converged: Bool) {
        self.iterations = iterations
        self.residual = residual
        self.converged = converged
    }

    public var description: String {
        "\(converged ? "converged" : "not converged") after \(iterations) iteration\(iterations == 1 ? "" : "s"), residual \(residual)"
    }
}

/// Input a solver cannot accept (shapes that do not match, a mask that is not 0/1, an
/// asymmetric mask or matrix where symmetry is required, a nonpositive step), with a one-line
/// reason naming the solver.
public struct SolverInputError: Error, CustomStringConvertible, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
