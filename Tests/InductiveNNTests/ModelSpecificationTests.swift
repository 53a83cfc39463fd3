import InductiveNN
import InductiveTensor
import Testing

@Suite struct ModelSpecificationTests {
    @Test func buildsDenseAndConvolutionalModels() throws {
        var rng = RandomGenerator(seed: 0)
        let (mlp, out) = try ModelSpecification.build("dense(256,relu),dropout(0.2),dense(10)", inputShape: [64], using: &rng)
        #expect(out == [10] && mlp.layers.count == 3 && mlp.parameterCount == 64 * 256 + 256 + 2570)
        let (cnn, cnnOut) = try ModelSpecification.build("conv(16,3,relu),maxpool(2),flatten,dense(10)", inputShape: [64],
                                                          imageShape: [1, 8, 8], using: &rng)
        #expect(cnnOut == [10])
        #expect(cnn(Tensor.zeros([2, 64])).shape == [2, 10])
        let (other, otherOut) = try ModelSpecification.build("conv(4,3,tanh,stride=2,padding=valid),batchnorm,globalavgpool,dense(3,erf,ntk)",
                                                              inputShape: [2, 9, 9], using: &rng)
        #expect(otherOut == [3] && other(Tensor.zeros([1, 2, 9, 9])).shape == [1, 3])
    }

    @Test(arguments: [
        ("dense(10", "unbalanced"), ("dense(x)", "units must be a positive integer"), ("foo", "unknown layer"),
        ("conv(8,3),dense(10)", "add 'flatten'"), ("dense(10,wiggle)", "unknown activation"), ("dropout(1.5)", "rate"),
        ("", "empty layer"),
        ("conv(4,9223372036854775807),flatten,dense(2)", "kernel must be at most"),
        ("conv(4,99999999999999999999999),flatten,dense(2)", "kernel must be at most"),
        ("conv(4,3,stride=9223372036854775807)", "stride must be at most"),
        ("dense(1000000000)", "units must be at most"),
        ("dense(10000000)", "more than 50000000 parameters"),
        ("conv(300000,3),flatten,dense(2)", "values per example"),
        ("conv(2,3),maxpool(9223372036854775807)", "window must be at most"),
        ("fourier(16777216,1)", "parameters"),
    ])
    func badSpecificationsSayWhatIsWrong(spec: String, fragment: String) {
        var rng = RandomGenerator(seed: 0)
        do {
            _ = try ModelSpecification.build(spec, inputShape: [64], imageShape: [1, 8, 8], using: &rng)
            Issue.record("'\(spec)' accepted")
        } catch let e as ModelSpecificationError {
            #expect(e.description.contains(fragment), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    /// The size is estimated before allocating: a refused model allocates nothing, and
    /// larger limits let a large model through.
    @Test func limitsAreAParameter() throws {
        var rng = RandomGenerator(seed: 0)
        let small = ModelSpecification.Limits(maximumParameters: 1000, maximumValuesPerExample: 1000)
        #expect(throws: ModelSpecificationError.self) {
            _ = try ModelSpecification.build("dense(100),dense(10)", inputShape: [64], limits: small, using: &rng)
        }
        let (model, _) = try ModelSpecification.build("dense(10),dense(10)", inputShape: [64], limits: small, using: &rng)
        #expect(model.parameterCount == 650 + 110)
        let larger = ModelSpecification.Limits(maximumParameters: 10_000, maximumValuesPerExample: 1000)
        let (wide, _) = try ModelSpecification.build("dense(100),dense(10)", inputShape: [64], limits: larger, using: &rng)
        #expect(wide.parameterCount == 6500 + 1010)
    }
}
