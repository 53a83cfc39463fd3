import Foundation
import InductiveTensor

/// The minimum Fourier-l1 margin separator and its certificate.
public struct FourierL1MarginSolution: Sendable, Equatable {
    /// beta, shape [d], scaled so that min_n y_n <x_n, beta> = 1 exactly (feasible).
    public var coefficients: Tensor
    /// sum_k |beta_hat_k| with beta_hat = DFT(beta) unnormalized (NumPy's `fft`), at `coefficients`.
    public var fourierL1Norm: Double
    /// min_n y_n <x_n, beta> before the final rescaling (1 at an exact optimum).
    public var minimumMargin: Double
    /// Relative duality gap (P - D) / P between the feasible `coefficients` and a dual-feasible
    /// point built from the multipliers: an upper bound on the relative suboptimality.
    public var dualityGap: Double
    /// Iterations; `residual` is max(relative primal, relative dual residual); converged flag.
    public var diagnostics: SolverDiagnostics
}

/// Minimum l1 norm of the DFT coefficients subject to margin constraints,
///
///     beta = argmin sum_k |beta_hat_k|  subject to  y_n <x_n, beta> >= 1 for all n,
///
/// beta_hat_k = sum_j beta_j exp(-2 pi i j k / d) (complex modulus: a second-order-cone
/// program). This is the direction that linear convolutional networks of depth 2 converge to
/// on separable data (Gunasekar et al. 2018), sparse in frequency.
///
/// Solved by ADMM with the unitary DFT F (F^H F = I) on the split z = F beta, w = A beta
/// (A has rows y_n x_n):
///
///     beta <- (I + A^T A)^-1 [ Re F^H (z - u) + A^T (w - v) ]
///     z    <- complex soft-threshold of F beta + u at 1/rho  (z_k <- q_k max(0, 1 - 1/(rho |q_k|)))
///     w    <- max(1, A beta + v)
///     u, v <- u + F beta - z, v + A beta - w
///
/// with residual balancing of rho (Boyd et al. 2011, 3.4.1); the beta-system does not depend
/// on rho, so (I + A^T A)^-1 is formed once.
///
/// - Shapes: x [N, d], labels y [N] of +1/-1.
/// - Cost: O(d^3 + N d^2) once, then O(d^2 + N d) per iteration.
/// - Stopping rule (checked every 10 iterations): the relative primal residual
///   ||(F beta - z, A beta - w)|| / max(||(F beta, A beta)||, ||(z, w)||) and the relative duality
///   gap (below) both <= `tolerance` (default 1e-9), or `maxIterations` (default 100,000).
///   `diagnostics.residual` is the larger of the two.
/// - Certificate: lambda = max(0, -rho v) scaled to satisfy ||F A^T lambda||_inf <= 1 is feasible
///   for the dual max 1^T lambda (F unitary); beta / min_n margin_n is primal feasible; the gap
///   between their values, relative to the primal value, bounds the relative suboptimality.
/// - Throws: `LinearAlgebraError` for non-finite input.
public func minimumFourierL1Margin(
    _ x: Tensor, _ y: Tensor, tolerance: Double = 1e-9, maxIterations: Int = 100_000
) throws -> FourierL1MarginSolution {
    precondition(x.rank == 2 && y.rank == 1 && y.count == x.shape[0],
                 "minimumFourierL1Margin: need x [N, d] and y [N], got \(x.shape) and \(y.shape)")
    precondition(y.scalars.allSatisfy { $0 == 1 || $0 == -1 }, "minimumFourierL1Margin: labels must be +1 or -1")
    let samples = x.shape[0], d = x.shape[1]
    let a = x * y.reshaped([samples, 1])
    // Unitary DFT as cosine and sine parts: F = C + i S, C_jk = cos(2 pi jk/d)/sqrt(d), S_jk = -sin(...)/sqrt(d).
    let root = Double(d).squareRoot()
    var cosineValues = [Double](repeating: 0, count: d * d), sineValues = cosineValues
    for j in 0..<d {
        for k in 0..<d {
            let angle = 2 * Double.pi * Double((j * k) % d) / Double(d)
            cosineValues[j * d + k] = Foundation.cos(angle) / root
            sineValues[j * d + k] = -Foundation.sin(angle) / root
        }
    }
    let cosine = Tensor(shape: [d, d], scalars: cosineValues), sine = Tensor(shape: [d, d], scalars: sineValues)
    let system = try inv(Tensor.eye(d) + matmul(a, a, transposeA: true))

    var beta = Tensor.zeros([d])
    var zr = Tensor.zeros([d]), zi = Tensor.zeros([d]), w = Tensor.ones([samples])
    var ur = Tensor.zeros([d]), ui = Tensor.zeros([d]), v = Tensor.zeros([samples])
    var rho = 1.0
    var iterations = 0
    var residual = Double.infinity
    // Re F^H p for p = pr + i pi is C^T pr + S^T pi (C and S are symmetric).
    func adjoint(_ pr: Tensor, _ pi: Tensor) -> Tensor { matmul(cosine, pr) + matmul(sine, pi) }
    func unitaryL1(_ b: Tensor) -> Double {
        Tensor.zipWith(matmul(cosine, b), matmul(sine, b)) { ($0 * $0 + $1 * $1).squareRoot() }.sumAll()
    }
    /// (relative gap, feasible beta, min margin) from the current iterate and multipliers.
    func certificate() -> (Double, Tensor, Double) {
        let minimumMargin = matmul(a, beta).minAll()
        guard minimumMargin > 0 else { return (.infinity, beta, minimumMargin) }
        let feasible = beta / minimumMargin
        // lambda = max(0, -rho v), scaled into the dual-feasible set ||F A^T lambda||_inf <= 1.
        var lambda = (v * (-rho)).map { Swift.max(0, $0) }
        let g = matmul(a, lambda, transposeA: true)
        let dualNorm = Tensor.zipWith(matmul(cosine, g), matmul(sine, g)) { ($0 * $0 + $1 * $1).squareRoot() }.maxAll()
        if dualNorm > 1 { lambda = lambda / dualNorm }
        let primalValue = unitaryL1(feasible)
        return ((primalValue - lambda.sumAll()) / primalValue, feasible, minimumMargin)
    }
    var gap = Double.infinity
    while iterations < maxIterations {
        iterations += 1
        beta = matmul(system, adjoint(zr - ur, zi - ui) + matmul(a, w - v, transposeA: true))
        let fr = matmul(cosine, beta), fi = matmul(sine, beta)
        let ab = matmul(a, beta)
        let qr = fr + ur, qi = fi + ui
        let modulus = Tensor.zipWith(qr, qi) { ($0 * $0 + $1 * $1).squareRoot() }
        let factor = modulus.map { $0 > 1 / rho ? 1 - 1 / (rho * $0) : 0 }
        let (zrPrevious, ziPrevious, wPrevious) = (zr, zi, w)
        zr = qr * factor; zi = qi * factor
        w = (ab + v).map { Swift.max(1, $0) }
        ur += fr - zr; ui += fi - zi; v += ab - w
        guard iterations % 10 == 0 || iterations == maxIterations else { continue }
        let primal = ((fr - zr).norm() * (fr - zr).norm() + (fi - zi).norm() * (fi - zi).norm()
                      + (ab - w).norm() * (ab - w).norm()).squareRoot()
        let primalScale = Swift.max((fr.norm() * fr.norm() + fi.norm() * fi.norm() + ab.norm() * ab.norm()).squareRoot(),
                                    (zr.norm() * zr.norm() + zi.norm() * zi.norm() + w.norm() * w.norm()).squareRoot(), 1e-300)
        // The two parts of the dual residual cancel at the optimum (beta has no cost of its own),
        // so each is measured against its own multiplier's size.
        let dual = rho * (adjoint(zr - zrPrevious, zi - ziPrevious).norm() + matmul(a, w - wPrevious, transposeA: true).norm())
        let dualScale = Swift.max(rho * (adjoint(ur, ui).norm() + matmul(a, v, transposeA: true).norm()), 1e-300)
        residual = primal / primalScale
        if residual <= tolerance {
            gap = certificate().0
            if gap <= tolerance { break }
        }
        // Rebalancing only in the first 2,000 iterations: ADMM converges for any fixed rho,
        // and a rho that keeps changing can stall it.
        guard iterations <= 2_000 else { continue }
        if primal / primalScale > 10 * dual / dualScale {
            rho *= 2; ur *= 0.5; ui *= 0.5; v *= 0.5
        } else if dual / dualScale > 10 * primal / primalScale {
            rho *= 0.5; ur *= 2; ui *= 2; v *= 2
        }
    }
    let (finalGap, feasible, minimumMargin) = certificate()
    gap = finalGap
    let converged = residual <= tolerance && gap <= tolerance
    return FourierL1MarginSolution(
        coefficients: feasible, fourierL1Norm: unitaryL1(feasible) * root, minimumMargin: minimumMargin, dualityGap: gap,
        diagnostics: SolverDiagnostics(iterations: iterations, residual: Swift.max(residual, gap), converged: converged))
}
