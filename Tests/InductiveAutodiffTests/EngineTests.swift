import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct EngineTests {
    /// Fan-out accumulates: d/dx (x * x + x) = 2x + 1.
    @Test func gradientsAccumulateOverFanOut() {
        let x = Tensor([1.5, -3])
        expectClose(gradient(at: x) { ($0 * $0 + $0).sum() }, 2 * x + 1, rtol: 1e-15)  // exact binary fractions
    }

    /// Broadcast operands get gradients reduced to their own shape, in one place.
    @Test func broadcastGradientsAreSummedBack() {
        let b = Variable.parameter(Tensor([1, 2, 3]))
        let s = Variable.parameter(Tensor([[2]]))
        let x = Variable(constant: Tensor.ones([4, 3]))
        let y = ((x + b) * s).sum()
        let g = gradientTensors(of: y, wrt: [b, s])
        #expect(g[0] == Tensor([8, 8, 8]))  // 4 rows, times s = 2
        #expect(g[1] == Tensor([[36]]))      // sum over 4 rows of (1 + b) = 4 * (2 + 3 + 4)
        #expect(g[1].shape == [1, 1])
    }

    @Test func gradientsWithRespectToIntermediatesAndUnusedTargets() {
        let x = Variable.parameter(Tensor([1, 2]))
        let h = x * 3
        let y = (h * h).sum()
        let unused = Variable.parameter(Tensor([5]))
        let g = gradientTensors(of: y, wrt: [h, x, unused])
        #expect(g[0] == 2 * h.value)
        #expect(g[1] == 18 * x.value)
        #expect(g[2] == Tensor([0]))
    }

    @Test func seedGivesVectorJacobianProducts() {
        let x = Variable.parameter(Tensor([1, 2, 3]))
        let y = x * x
        #expect(gradientTensors(of: y, wrt: [x], seed: Tensor([1, 0, 2]))[0] == Tensor([2, 0, 12]))
    }

    /// Derivatives of any order: d^k/dx^k x^5 at x = 2 is 80, 160, 240, 240, 120, 0.
    @Test func higherOrderDerivativesByRepeatedDifferentiation() {
        let x = Variable.parameter(Tensor([2]))
        var d = pow(x, 5)
        var values: [Double] = []
        for _ in 0..<6 {
            d = gradients(of: d, wrt: [x], createGraph: true)[0]
            values.append(d.value.scalars[0])
        }
        #expect(values == [80, 160, 240, 240, 120, 0])
    }

    /// A deep graph (10,000 chained operations) does not overflow the stack.
    @Test func deepGraphsAreTraversedIteratively() {
        let x = Variable.parameter(Tensor([1]))
        var y = x
        for _ in 0..<10_000 { y = y * 1.0001 }
        // 10,000 rounded multiplications: <= 1e4 eps/2 relative (random signs give ~1e-14, measured),
        // plus pow's ulp: rtol 1e4 eps = 2.2e-12 covers the worst case (it was 1e-12, below it).
        // Scalar arithmetic, no BLAS: the same on every machine.
        expectClose(gradientTensors(of: y, wrt: [x])[0].scalars[0], Foundation.pow(1.0001, 10_000), rtol: 1e4 * Double.ulpOfOne)
    }

    /// Ties in max split the gradient equally (documented subgradient).
    @Test func maxTiesShareTheGradient() {
        let g = gradient(at: Tensor([3, 1, 3])) { $0.max() }
        #expect(g == Tensor([0.5, 0, 0.5]))
    }
}

import Foundation
