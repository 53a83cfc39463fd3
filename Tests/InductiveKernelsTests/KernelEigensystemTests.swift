import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct KernelEigensystemTests {
    /// V diag(λ) V^T = K, V orthogonal, λ descending; projections invert reconstructions.
    @Test func decomposesDescending() throws {
        let mlp = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 1.4, biasStd: 0.1)
        let x = normal([20, 3], seed: 1)
        let k = mlp.ntk(x)
        let es = try KernelEigensystem(kernel: mlp.ntkKernel, inputs: x)
        let lambda = es.eigenvalues.scalars
        #expect(zip(lambda, lambda.dropFirst()).allSatisfy { $0 >= $1 })
        let v = es.eigenvectors
        // dsyevd on n = 20: residual and orthogonality <= c n eps (||K||) ~ 4.4e-15, 1e-13 leaves
        // 20x; operator eigenvalues are one division by 20 (<= 1 ulp). The Rayleigh quotient's
        // product K q_1 has error <= gamma_n |K||q_1|, so q_1^T (that) <= n^2 eps/2 max|K| <=
        // n^2 eps/2 lambda_1 = 4.4e-14 relative (measured 2e-14): 1e-13 leaves 2x over the bound.
        expectClose(matmul(v * es.eigenvalues, v, transposeB: true), k, rtol: 0, atol: 1e-13 * k.norm(.infinity))
        expectClose(matmul(v, v, transposeA: true), Tensor.eye(20), rtol: 0, atol: 1e-13)
        let r = normal([20, 2], seed: 2)
        expectClose(es.reconstruct(es.project(r)), r, rtol: 0, atol: 1e-13)
        expectClose(es.operatorEigenvalues, es.eigenvalues / 20, rtol: 1e-15)
        // The top eigenvector's projection captures K's action: q_1^T K q_1 = λ_1.
        let q1 = v.slice([.all, .index(0)])
        expectClose(dot(q1, matmul(k, q1)), lambda[0], rtol: 1e-13)
    }

    /// NaN in the kernel is an error, not a silent NaN spectrum.
    @Test func rejectsNonFiniteKernels() {
        #expect(throws: LinearAlgebraError.self) { try KernelEigensystem([[1, .nan], [.nan, 1]]) }
    }
}
