import InductiveAutodiff
import InductiveTensor
import Testing

@Suite struct GradientCheckTests {
    /// The checker must catch a wrong rule: a custom operation claiming d/dx sin x = sin x.
    @Test func detectsAWrongBackwardRule() {
        let wrong = { (xs: [Variable]) -> Variable in
            customOperation("wrongSin", inputs: xs, value: sin(xs[0].value), differentiableBackward: true) { r in
                [r.gradient * sin(r.input(0))]
            }.sum()
        }
        let result = checkGradient(of: wrong, at: [Tensor([0.3, 1.2])])
        #expect(!result.passes(1e-6))
        #expect(result.maxError > 0.1)
    }

    @Test func detectsAWrongSecondDerivative() {
        // First derivative right (cos), its own derivative wrong (constant mask instead of -sin).
        let f = { (xs: [Variable]) -> Variable in
            customOperation("sinWrongSecond", inputs: xs, value: sin(xs[0].value), differentiableBackward: true) { r in
                [r.gradient * Variable(cos(r.input(0).value))]
            }.sum()
        }
        #expect(checkGradient(of: f, at: [Tensor([0.3, 1.2])]).passes(1e-6))
        #expect(!checkHessianVectorProduct(of: f, at: [Tensor([0.3, 1.2])], direction: [Tensor([1, 1])]).passes(1e-5))
    }

    @Test func stepScalesWithMagnitude() {
        #expect(centralDifferenceStep(0.001) == centralDifferenceStep(1))
        #expect(centralDifferenceStep(1000) == 1000 * centralDifferenceStep(1))
    }
}
