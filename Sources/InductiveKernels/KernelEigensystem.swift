import Foundation
import InductiveNN
import InductiveTensor

/// The eigendecomposition K = V diag(λ) V^T of a symmetric kernel matrix on n points, with
/// eigenvalues in DESCENDING order (λ_1 >= λ_2 >= ...) and the orthonormal eigenvectors as
/// the columns of V: the spectral-bias view, where the residual's component along q_i
/// decays at a rate set by λ_i.
///
/// Only the lower triangle of K is read (LAPACK `dsyevd`). Cost O(n³), memory 2 n² doubles.
/// Eigenvectors of repeated eigenvalues are any orthonormal basis of their space, and each
/// vector's sign is arbitrary: compare projections through |.| or through reconstructions.
public struct KernelEigensystem: Sendable {
    /// λ, shape [n], descending.
    public let eigenvalues: Tensor
    /// V, shape [n, n]; column i is the unit eigenvector q_i of λ_i.
    public let eigenvectors: Tensor

    /// Decomposes a symmetric kernel matrix [n, n]. Throws `LinearAlgebraError` for NaN or
    /// infinite entries (or if LAPACK does not converge).
    public init(_ kernel: Tensor) throws {
        precondition(kernel.rank == 2 && kernel.shape[0] == kernel.shape[1], "KernelEigensystem: expected a square kernel matrix, got \(kernel.shape)")
        let (w, v) = try eigh(kernel)
        let n = w.count
        eigenvalues = Tensor(w.scalars.reversed())
        // Columns in reverse order (LAPACK returns ascending eigenvalues).
        eigenvectors = Tensor(shape: [n, n]) { out in
            v.withUnsafeBufferPointer { p in for i in 0..<n { for j in 0..<n { out[i * n + j] = p[i * n + n - 1 - j] } } }
        }
    }

    /// The eigensystem of `kernel` on the rows of `inputs` ([n, ...]).
    public init(kernel: Kernel, inputs: Tensor) throws {
        try self.init(kernel(inputs, inputs))
    }

    /// n.
    public var count: Int { eigenvalues.count }

    /// λ_i / n: the eigenvalues of the kernel's integral operator under the empirical
    /// distribution of the n points (the Nyström estimate; what converges as n grows).
    public var operatorEigenvalues: Tensor { eigenvalues * (1 / Double(Swift.max(count, 1))) }

    /// The coordinates V^T r of a residual (or any vector) in the eigenbasis: entry i is
    /// q_i·r. r is [n] or [n, k] (one column per output); the result has r's shape.
    /// Cost: 2 n² k flops.
    public func project(_ r: Tensor) -> Tensor {
        precondition(r.shape.first == count && r.rank <= 2, "KernelEigensystem.project: expected [\(count)] or [\(count), k], got \(r.shape)")
        return matmul(eigenvectors, r, transposeA: true)
    }

    /// V c: the vector whose coordinates in the eigenbasis are c ([n] or [n, k]).
    public func reconstruct(_ c: Tensor) -> Tensor {
        precondition(c.shape.first == count && c.rank <= 2, "KernelEigensystem.reconstruct: expected [\(count)] or [\(count), k], got \(c.shape)")
        return matmul(eigenvectors, c)
    }

    /// The eigenvalues below which a pseudo-inverse treats λ as 0: rcond · λ_max, with rcond
    /// n ε by default (the rounding level of a computed eigenvalue).
    func cutoff(rcond: Double? = nil) -> Double {
        (rcond ?? Double(Swift.max(count, 1)) * Double.ulpOfOne) * Swift.max(eigenvalues.scalars.first ?? 0, 0)
    }

    /// V diag(h(λ)) V^T B for B [n, k] (a spectral function applied to columns).
    func apply(_ h: (Double) -> Double, to b: Tensor) -> Tensor {
        let c = project(b)
        let weights = Tensor(eigenvalues.scalars.map(h))
        return reconstruct(c.rank == 1 ? c * weights : c * weights.expandingDims(at: 1))
    }
}
