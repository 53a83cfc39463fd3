import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct PerExampleGradientsTests {
    let x = normal([6, 4], seed: 1)
    let labels = normal([6, 2], seed: 2)
    let parameters = [normal([4, 5], seed: 3), normal([5], seed: 4), normal([5, 2], seed: 5), normal([2], seed: 6)]

    /// Per-example squared losses of a two-layer MLP.
    func losses(_ p: [Variable], input: Tensor? = nil) -> Variable {
        let h = tanh(matmul(Variable(input ?? x), p[0]) + p[1])
        let out = matmul(h, p[2]) + p[3]
        return square(out - Variable(labels.slice([.range(0..<(input?.shape[0] ?? 6))]))).sum(axis: 1)
    }

    /// The structured path (one backward pass) equals one gradient per example.
    @Test func structuredPathMatchesALoopOverExamples() {
        let result = perExampleGradients(at: parameters) { losses($0) }
        #expect(result.structured)
        for b in 0..<6 {
            let single = gradients(at: parameters) { p in
                let h = tanh(matmul(Variable(x.slice([.range(b..<(b + 1))])), p[0]) + p[1])
                return square(matmul(h, p[2]) + p[3] - Variable(labels.slice([.range(b..<(b + 1))]))).sum()
            }
            for (k, g) in single.enumerated() {
                // Per-example entries are single products of the same forward values (no sum over
                // examples): identical in fact (measured 0); 1e-12 / 1e-14 allow a reordering.
                expectClose(result.gradients[k].slice([.index(b)]), g, rtol: 1e-12, atol: 1e-14)
            }
        }
        // Summing per-example gradients gives the batch gradient.
        let total = gradients(at: parameters) { losses($0).sum() }
        // 6-term sums over examples (gemm in the batch gradient, a reduction here) that can cancel:
        // each within 6 eps/2 of sum_b |g_b|, so atol 12 eps max sum_b |g_b| (was a fixed 1e-14).
        for k in 0..<4 {
            let termScale = abs(result.gradients[k]).sum(axes: [0]).maxAll()
            expectClose(result.gradients[k].sum(axes: [0]), total[k], rtol: 1e-12, atol: 12 * Double.ulpOfOne * termScale)
        }
    }

    /// A parameter used through an operation without a per-example rule (here as the left
    /// operand of matmul) forces the fallback, which gives the same numbers.
    @Test func fallbackPathForOtherStructures() {
        let w = normal([3, 6], seed: 7)
        let result = perExampleGradients(at: [w]) { p in
            let z = matmul(p[0], Variable(x))  // [3, 4], not batched by example
            return square(z).sum(axis: 0).concatenatedPadding(to: 6)
        }
        #expect(!result.structured)
        #expect(result.gradients[0].shape == [6, 3, 6])
        let g2 = gradients(at: [w]) { p in square(matmul(p[0], Variable(x))).sum(axis: 0).slice([.range(2..<3)]).sum() }
        // Entries 2 z_i x_j are single products of the same forward values: identical (rtol slack).
        expectClose(result.gradients[0].slice([.index(2)]), g2[0], rtol: 1e-12)
    }
}

extension Variable {
    /// Pads a vector with zeros to `n` entries (test helper).
    func concatenatedPadding(to n: Int) -> Variable { padded([(0, n - count)]) }
}
