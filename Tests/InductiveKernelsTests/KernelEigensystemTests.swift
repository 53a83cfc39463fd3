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

    /// The eigensystem `GradientDescentMSE` keeps factored (`dsytrd` + `dstedc`, V = Q S
    /// never formed) against the explicit `dsyevd` one, on a 150-point kernel (3 columns):
    /// - eigenvalues: the same LAPACK steps on the same matrix, but not necessarily the same
    ///   code path (dsyevd may give dsytrd another workspace than LAPACKE's query, i.e. the
    ///   unblocked instead of the blocked reduction): bit-identical here, not guaranteed; both
    ///   are backward stable, so n eps lambda_1 bounds the difference;
    /// - V^T r, V c and V itself: Q S applied in a different order. Each side applies two
    ///   orthogonal maps (n-term sums, backward stable: <= c n eps ||r||_2 per entry, 3.3e-14
    ///   ||r|| for c = 1); atol 16 n eps ||r||_2 leaves room for the constant. S is shared, so
    ///   the eigenvector signs are too (no sign ambiguity to factor out);
    /// - the train predictions against the formula Y + V exp(-K t) V^T (f_0 - Y) on the explicit
    ///   V: the same bound on ||Y||.
    @Test func factoredEigensystemAgreesWithExplicit() throws {
        let n = 150
        let mlp = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 1.4, biasStd: 0.1)
        let k = mlp.ntk(normal([n, 5], seed: 21))
        let y = normal([n, 3], seed: 22), c = normal([n, 3], seed: 23)
        let gd = try GradientDescentMSE(trainKernel: k, targets: y)
        let factored = gd.eigensystem, explicit = try KernelEigensystem(k)
        let bound = 16 * Double(n) * Double.ulpOfOne
        expectClose(factored.eigenvalues, explicit.eigenvalues, rtol: 0, atol: Double(n) * Double.ulpOfOne * explicit.eigenvalues.scalars[0])
        expectClose(factored.project(y), explicit.project(y), rtol: 0, atol: bound * y.norm())
        expectClose(factored.project(y.slice([.all, .index(1)])), explicit.project(y.slice([.all, .index(1)])), rtol: 0, atol: bound * y.norm())
        expectClose(factored.reconstruct(c), explicit.reconstruct(c), rtol: 0, atol: bound * c.norm())
        expectClose(factored.eigenvectors, explicit.eigenvectors, rtol: 0, atol: bound)
        expectClose(factored.reconstruct(factored.project(y)), y, rtol: 0, atol: bound * y.norm())
        let v = explicit.eigenvectors
        for t in [0.05, 3.0] {
            let decay = explicit.eigenvalues.map { Foundation.exp(-$0 * t) }
            let expected = y + matmul(v * decay, matmul(v, -y, transposeA: true))
            expectClose(gd.trainOutputs(at: [t])[0], expected, rtol: 0, atol: bound * y.norm(), "t = \(t)")
        }
    }

    /// NaN in the kernel is an error, not a silent NaN spectrum.
    @Test func rejectsNonFiniteKernels() {
        #expect(throws: LinearAlgebraError.self) { try KernelEigensystem([[1, .nan], [.nan, 1]]) }
    }
}
