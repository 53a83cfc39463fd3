import Foundation

/// Gauss-Hermite quadrature for Gaussian expectations.
public enum GaussianQuadrature {
    /// Nodes z_i and weights w_i with E[f(Z)] ~= sum_i w_i f(z_i) for Z ~ N(0, 1), exact for
    /// polynomials of degree < 2n. From the eigendecomposition of the Jacobi matrix of the
    /// probabilists' Hermite polynomials (Golub-Welsch): off-diagonal entries sqrt(k),
    /// nodes = eigenvalues, weights = squared first components of the eigenvectors.
    public static func nodes(_ n: Int) -> (points: [Double], weights: [Double]) {
        precondition(n >= 1, "GaussianQuadrature: need at least one node")
        var jacobi = Tensor.zeros([n, n])
        for k in 1..<Swift.max(n, 1) where n > 1 {
            let b = Double(k).squareRoot()
            jacobi[k - 1, k] = b
            jacobi[k, k - 1] = b
        }
        // A symmetric tridiagonal matrix of moderate size: LAPACK cannot fail on it.
        guard let (values, vectors) = try? eigh(jacobi) else { preconditionFailure("GaussianQuadrature: eigh failed") }
        let weights = (0..<n).map { vectors[0, $0] * vectors[0, $0] }
        return (values.scalars, weights)
    }

    /// E[f(sqrt(variance) Z)] for Z ~ N(0, 1) with `n` nodes (default 80: smooth integrands
    /// to double precision, kinks such as relu to about 1e-6 relative). Computes the nodes
    /// (an n x n eigenproblem); in a loop, compute them once with `nodes(_:)` and call
    /// `expectation(variance:rule:_:)`.
    public static func expectation(variance: Double, nodes n: Int = 80, _ f: (Double) -> Double) -> Double {
        expectation(variance: variance, rule: nodes(n), f)
    }

    /// E[f(sqrt(variance) Z)] with precomputed nodes and weights.
    public static func expectation(variance: Double, rule: (points: [Double], weights: [Double]), _ f: (Double) -> Double) -> Double {
        let s = Swift.max(variance, 0).squareRoot()
        return zip(rule.points, rule.weights).reduce(0) { $0 + $1.1 * f(s * $1.0) }
    }
}

/// Gauss-Legendre quadrature on [-1, 1].
public enum GaussLegendre {
    /// Nodes x_i and weights w_i with ∫_{-1}^{1} f(x) dx ~= sum_i w_i f(x_i), exact for
    /// polynomials of degree < 2n. Golub-Welsch: the Jacobi matrix of the Legendre polynomials
    /// has off-diagonal entries k / sqrt(4k^2 - 1); nodes = eigenvalues, weights = 2 (first
    /// eigenvector components)^2. Cost: one n x n symmetric eigenproblem.
    public static func nodes(_ n: Int) -> (points: [Double], weights: [Double]) {
        precondition(n >= 1, "GaussLegendre: need at least one node")
        guard n > 1 else { return ([0], [2]) }
        var jacobi = Tensor.zeros([n, n])
        for k in 1..<n {
            let b = Double(k) / (4 * Double(k * k) - 1).squareRoot()
            jacobi[k - 1, k] = b
            jacobi[k, k - 1] = b
        }
        // A symmetric tridiagonal matrix of moderate size: LAPACK cannot fail on it.
        guard let (values, vectors) = try? eigh(jacobi) else { preconditionFailure("GaussLegendre: eigh failed") }
        return (values.scalars, (0..<n).map { 2 * vectors[0, $0] * vectors[0, $0] })
    }
}
