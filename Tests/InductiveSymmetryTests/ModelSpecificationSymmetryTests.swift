import InductiveNN
import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ModelSpecificationSymmetryTests {
    @Test func buildsSymmetricModels() throws {
        var rng = RandomGenerator(seed: 1)
        let f = ModelSpecification.symmetryFactories
        let (c4, out) = try ModelSpecification.build("c4conv(4,3,relu),c4conv(4,3,relu),grouppool,globalavgpool,dense(10)", inputShape: [64],
                                                     imageShape: [1, 8, 8], factories: f, using: &rng)
        #expect(out == [10])
        // Invariant to rotations of the digit.
        let report = EquivarianceReport(c4, input: .image(.rotations, side: 8), output: .trivial(.rotations, degree: 10), on: normal([2, 64], seed: 2))
        #expect(report.relative < exactTolerance)
        let (d4, d4Out) = try ModelSpecification.build("d4conv(2,3,padding=circular),grouppool(mean),flatten,dense(10)", inputShape: [64],
                                                       imageShape: [1, 8, 8], factories: f, using: &rng)
        #expect(d4Out == [10] && d4.parameterCount == 2 * 9 + 2 + 2 * 64 * 10 + 10)
        let (sets, setsOut) = try ModelSpecification.build("deepsets(8,relu,max),deepsets(4),setpool(sum),dense(1)", inputShape: [6],
                                                           factories: f, using: &rng)
        #expect(setsOut == [1])
        let inv = EquivarianceReport(sets, input: .setPermutations(6), output: .trivial(.symmetric(6), degree: 1), on: normal([3, 6], seed: 3))
        #expect(inv.relative < exactTolerance)
    }

    @Test(arguments: ["c4conv(4,2)", "c4conv(4)", "grouppool", "c4conv(4,3),d4conv(2,3)", "c4conv(4,3,bogus)", "deepsets(0)",
                      "c4conv(4,3),grouppool(min)", "setpool", "c4conv(4,3),setpool",
                      // 524,288 maps of 8 × 8: more values per example than the default limit.
                      "d4conv(65536,3)"])
    func badSpecificationsAreErrors(_ spec: String) {
        var rng = RandomGenerator(seed: 1)
        #expect(throws: ModelSpecificationError.self) {
            try ModelSpecification.build(spec, inputShape: [64], imageShape: [1, 8, 8], factories: ModelSpecification.symmetryFactories, using: &rng)
        }
    }

    /// Without the factories the names are unknown (the vocabulary is the caller's choice).
    @Test func unknownWithoutFactories() {
        var rng = RandomGenerator(seed: 1)
        #expect(throws: ModelSpecificationError.self) { try ModelSpecification.build("c4conv(4,3)", inputShape: [64], imageShape: [1, 8, 8], using: &rng) }
    }
}
