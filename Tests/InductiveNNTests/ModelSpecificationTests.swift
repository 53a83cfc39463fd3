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
}
