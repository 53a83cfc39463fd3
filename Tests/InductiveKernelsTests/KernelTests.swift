import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct KernelTests {
    @Test func classicKernels() throws {
        let x: Tensor = [[0, 0], [3, 4]]
        expectClose(try Kernel.linear(x, x), [[0, 0], [0, 25]], rtol: 0)  // small integers: exact
        let rbf = try Kernel.rbf(lengthScale: 5)(x, x)
        let e = Foundation.exp(-0.5)
        expectClose(rbf, Tensor([[1, e], [e, 1]]), rtol: 1e-15)  // exact distance, vectorized exp <= 2 ulp = 4e-16
    }

    /// The empirical NTK as a kernel value is the traced empirical NTK.
    @Test func empiricalNTKKernel() throws {
        let net = mlp([3, 5, 2], activation: .relu, seed: 1)
        let x1 = normal([4, 3], seed: 2), x2 = normal([3, 3], seed: 3)
        expectClose(try Kernel.empiricalNTK(of: net)(x1, x2), try empiricalNTK(net, x1, x2), rtol: 0)  // the same call: identical
    }

    @Test func nonFiniteTargetsAreRejected() {
        #expect(throws: NonFiniteInput.self) {
            try KernelRidgeRegression(trainKernel: Tensor.eye(2), targets: [1, .nan])
        }
    }
}
