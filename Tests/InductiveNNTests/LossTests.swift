import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct LossTests {
    let f: Tensor = [[2, -1], [0.5, 3]]

    @Test func lossesMatchTheirFormulas() {
        let y: Tensor = [[1, 0], [0, 1]]
        let p = Variable(f)
        // Squared errors of binary fractions: exact. Cross entropy: the reference log(e^2 + e^-1) - 2
        // cancels to 0.049 (1 ulp of 2.05 = 4.4e-16, 9e-15 relative): 1e-14 covers it; logistic and
        // exponential: one or two libm calls each.
        expectClose(Loss.squaredError(p, y, reduction: .sum).scalar, 1 + 1 + 0.25 + 4, rtol: 1e-15)
        expectClose(Loss.halfSquaredError(p, y).scalar, (2 + 4.25) / 2 / 2, rtol: 1e-15)
        let ce = Loss.softmaxCrossEntropy(p, y, reduction: .none).value
        expectClose(ce, Tensor([Foundation.log(Foundation.exp(2) + Foundation.exp(-1)) - 2, Foundation.log(Foundation.exp(0.5) + Foundation.exp(3)) - 3]), rtol: 1e-14)
        let margins = Variable(Tensor([2, -0.5, 0.25])), labels: Tensor = [1, 1, -1]
        expectClose(Loss.logistic(margins, labels, reduction: .none).value, Tensor([Foundation.log1p(Foundation.exp(-2)), Foundation.log1p(Foundation.exp(0.5)), Foundation.log1p(Foundation.exp(0.25))]), rtol: 1e-14)
        expectClose(Loss.exponential(margins, labels, reduction: .none).value, Tensor([Foundation.exp(-2), Foundation.exp(0.5), Foundation.exp(0.25)]), rtol: 1e-15)
        #expect(Loss.hinge(margins, labels, reduction: .none).value == Tensor([0, 1.5, 1.25]))
    }

    @Test func crossEntropyIsStableForHugeLogits() {
        let loss = Loss.softmaxCrossEntropy(Variable(Tensor([[1000, -1000]])), Tensor([[0, 1]]))
        expectClose(loss.scalar, 2000, rtol: 1e-15)  // 1000 - (-1000) + log(1 + e^-2000) = 2000 exactly
    }

    @Test func accuracyFromLogits() {
        #expect(accuracy(logits: f, labels: Tensor([[1, 0], [1, 0]])) == 0.5)
        #expect(accuracy(logits: f, labels: Tensor([0, 1])) == 1)
    }
}
