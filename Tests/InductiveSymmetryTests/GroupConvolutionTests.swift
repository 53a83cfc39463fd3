import InductiveAutodiff
import InductiveNN
import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct GroupConvolutionTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let layer: any Layer
        let input: PermutationAction
        let output: PermutationAction
        let x: Tensor
        var description: String { name }
    }

    static let cases: [Case] = {
        var rng = RandomGenerator(seed: 21)
        func biased(_ l: GroupConvolution, seed: UInt64) -> GroupConvolution {
            var l = l
            l.bias = normal(l.bias!.shape, seed: seed)
            return l
        }
        let c4 = FiniteGroup.rotations, d4 = FiniteGroup.dihedral
        return [
            Case(name: "C4 lifting, same, tanh",
                 layer: biased(GroupConvolution(group: c4, lifting: true, inputChannels: 2, outputChannels: 3, kernel: 3, activation: .tanh, using: &rng), seed: 1),
                 input: .image(c4, side: 6, channels: 2), output: .groupFeatureMaps(c4, side: 6, channels: 3), x: normal([2, 2, 6, 6], seed: 2)),
            Case(name: "D4 lifting, odd side, circular",
                 layer: biased(GroupConvolution(group: d4, lifting: true, inputChannels: 1, outputChannels: 2, kernel: 3, padding: .circular, using: &rng), seed: 3),
                 input: .image(d4, side: 5), output: .groupFeatureMaps(d4, side: 5, channels: 2), x: normal([2, 1, 5, 5], seed: 4)),
            Case(name: "C4 group conv, kernel 5",
                 layer: biased(GroupConvolution(group: c4, lifting: false, inputChannels: 2, outputChannels: 2, kernel: 5, activation: .relu, using: &rng), seed: 5),
                 input: .groupFeatureMaps(c4, side: 6, channels: 2), output: .groupFeatureMaps(c4, side: 6, channels: 2), x: normal([2, 2, 4, 6, 6], seed: 6)),
            Case(name: "D4 group conv",
                 layer: biased(GroupConvolution(group: d4, lifting: false, inputChannels: 2, outputChannels: 2, kernel: 3, activation: .tanh, using: &rng), seed: 7),
                 input: .groupFeatureMaps(d4, side: 4, channels: 2), output: .groupFeatureMaps(d4, side: 4, channels: 2), x: normal([2, 2, 8, 4, 4], seed: 8)),
            Case(name: "D4 group max pooling", layer: GroupPooling(.maximum),
                 input: .groupFeatureMaps(d4, side: 4, channels: 3), output: .image(d4, side: 4, channels: 3), x: normal([2, 3, 8, 4, 4], seed: 9)),
            Case(name: "C4 group mean pooling", layer: GroupPooling(.mean),
                 input: .groupFeatureMaps(c4, side: 5, channels: 2), output: .image(c4, side: 5, channels: 2), x: normal([2, 2, 4, 5, 5], seed: 10)),
            Case(name: "C4 invariant classifier",
                 layer: Sequential(GroupConvolution(group: c4, lifting: true, inputChannels: 1, outputChannels: 3, kernel: 3, activation: .relu, using: &rng),
                                   GroupConvolution(group: c4, lifting: false, inputChannels: 3, outputChannels: 2, kernel: 3, activation: .relu, using: &rng),
                                   GroupPooling(), GlobalPooling(.average), Dense(inputSize: 2, outputSize: 3, using: &rng)),
                 input: .image(c4, side: 8), output: .trivial(c4, degree: 3), x: normal([3, 1, 8, 8], seed: 11)),
        ]
    }()

    /// Exact equivariance with random parameters (biases included): the transformed input
    /// gives the same sums in another order, so only rounding differs (relative ~1e-16 per
    /// term, a few hundred terms).
    @Test(arguments: cases)
    func equivariant(_ c: Case) {
        let report = EquivarianceReport(c.layer, input: c.input, output: c.output, on: c.x)
        #expect(report.relative < exactTolerance, "\(c.name): \(report.relative)")
        #expect(report.outputNorm > 0)
    }

    /// A plain convolution is not rotation-equivariant: the checker can fail.
    @Test func plainConvolutionIsNot() {
        var rng = RandomGenerator(seed: 3)
        let conv = Convolution(inputChannels: 1, outputChannels: 1, kernel: [3, 3], using: &rng)
        let a = PermutationAction.image(.rotations, side: 5)
        #expect(EquivarianceReport(conv, input: a, output: a, on: normal([2, 1, 5, 5], seed: 4)).relative > 0.1)
    }

    /// The lifting layer's group copies are the filter rotated: the copy for r¹ at position p
    /// equals the plain convolution with the rotated filter.
    @Test func liftingCopiesAreRotatedFilters() {
        var rng = RandomGenerator(seed: 5)
        let layer = GroupConvolution(group: .rotations, lifting: true, inputChannels: 1, outputChannels: 1, kernel: 3, useBias: false, using: &rng)
        let x = normal([1, 1, 5, 5], seed: 6)
        let y = layer(x)  // [1, 1, 4, 5, 5]
        let rotated = PermutationAction.image(.rotations, side: 3).apply(1, to: layer.weight.reshaped([1, 9])).reshaped([1, 1, 3, 3])
        let plain = Convolution(weight: rotated, bias: nil)(x)
        expectClose(y.slice([.all, .all, .index(1)]).reshaped([1, 1, 5, 5]), plain, rtol: 0, atol: 1e-14)
    }

    @Test(arguments: ["C4 lifting, same, tanh", "D4 group conv", "D4 group max pooling"])
    func derivativesMatchFiniteDifferences(_ name: String) {
        let c = Self.cases.first { $0.name == name }!
        // Smaller inputs: the checks difference every entry.
        let x = Tensor(shape: [1] + Array(c.x.shape.dropFirst()), scalars: Array(c.x.scalars.prefix(c.x.count / c.x.shape[0])))
        let (first, second) = checkLayer(c.layer, input: x)
        #expect(first.passes(.finiteDifferences), "\(name) first order: \(first)")
        #expect(second.passes(.secondOrderFiniteDifferences), "\(name) second order: \(second)")
    }
}
