import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct NormalizationTests {
    /// Training mode normalizes with batch statistics and updates the running averages
    /// with the unbiased variance; evaluation mode uses the running averages.
    @Test func batchNormTrainingAndEvaluationSemantics() {
        var bn = BatchNorm(features: 2, momentum: 0.5)
        let x: Tensor = [[1, 10], [3, 20], [5, 60]]
        var context = ForwardContext(training: true)
        let y = bn.forward(Variable(x), parameters: bn.parameters.map { Variable($0) }[...], context: &context).value
        // Column means 3 and 30; biased variances 8/3 and 1400/3.
        // Three values of size <= 1.3 per column, centred by an exact mean: <= ~3 eps ~ 7e-16.
        // Variances and the evaluation formula: a few roundings (1e-12 / 1e-14 are slack); the
        // running averages of small integers and binary fractions are exact.
        expectClose(y.mean(axes: [0]), Tensor([0, 0]), rtol: 0, atol: 1e-15)
        let v1: Double = 8.0 / 3, v2: Double = 1400.0 / 3
        expectClose(y.variance(axes: [0]), Tensor([v1 / (v1 + 1e-5), v2 / (v2 + 1e-5)]), rtol: 1e-12)
        expectClose(bn.runningMean, Tensor([1.5, 15]), rtol: 1e-15)
        // Unbiased variances 4 and 700, averaged with the initial 1 at momentum 0.5.
        expectClose(bn.runningVariance, Tensor([2.5, 350.5]), rtol: 1e-15)
        // Evaluation: (x - running mean) / sqrt(running var + eps), state untouched.
        let before = bn.state
        let e = bn(x)
        expectClose(e, (x - bn.runningMean) / sqrt(bn.runningVariance + 1e-5), rtol: 1e-14)
        #expect(bn.state == before)
    }

    @Test func layerNormNormalizesEachExample() {
        let ln = LayerNorm(features: 4)
        let input = normal([3, 4], seed: 1) * 5 + 2
        let y = ln(input)
        // 4 values of size <~ 2 per row: the mean is within ~4 eps ~ 1e-15; 1e-14 leaves 10x.
        expectClose(y.mean(axes: [1]), Tensor.zeros([3]), rtol: 0, atol: 1e-14)
        // The variance is v / (v + 1e-5) exactly, with v the row's biased variance: compared
        // with that to rounding (~10 operations, 1e-12), instead of with 1 at rtol 1e-5, which
        // only held while v >= 1 (measured 2.9e-6 = 1e-5 / v off).
        let v = input.variance(axes: [1])
        expectClose(y.variance(axes: [1]), v / (v + 1e-5), rtol: 1e-12)
    }

    /// Inverted dropout keeps the expectation: the mean over 200,000 entries of dropout(1)
    /// is 1 within 5 standard errors (std of one entry sqrt(p / (1 - p)) = 0.65 at p = 0.3).
    @Test func dropoutPreservesTheExpectationAndIsOffInEvaluation() {
        let dropout = Dropout(rate: 0.3)
        var context = ForwardContext(training: true, rng: RandomGenerator(seed: 3))
        let y = dropout.forward(Variable(Tensor.ones([200_000])), parameters: [][...], context: &context).value
        #expect(abs(y.mean().scalar - 1) < 5 * 0.655 / 447.2)
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / 200_000 - 0.3) < 0.005)  // s.e. sqrt(0.21 / 2e5) = 0.001: 4.9 sigma
        #expect(Set(y.scalars) == [0, 1 / 0.7])
        #expect(dropout(Tensor.ones([10])) == Tensor.ones([10]))
    }
}
