import InductiveAutodiff
import InductiveNN
import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct DeepSetsTests {
    static func layer(_ pooling: SetPoolingKind, seed: UInt64) -> PermutationEquivariant {
        PermutationEquivariant(lambda: normal([3, 4], seed: seed), gamma: normal([3, 4], seed: seed + 1), bias: normal([4], seed: seed + 2),
                               pooling: pooling, activation: .tanh)
    }

    /// Equivariance for every pooling, over all 5! = 120 permutations of a 5-element set;
    /// set pooling after it is invariant.
    @Test(arguments: SetPoolingKind.allCases)
    func equivariantAndInvariant(_ pooling: SetPoolingKind) {
        let l = Self.layer(pooling, seed: 10)
        let x = normal([2, 5, 3], seed: 4)
        let report = EquivarianceReport(l, input: .setPermutations(5, features: 3), output: .setPermutations(5, features: 4), on: x)
        #expect(report.relative < exactTolerance, "\(pooling): \(report.relative)")
        var rng = RandomGenerator(seed: 1)
        let model = Sequential(l, SetPooling(pooling), Dense(inputSize: 4, outputSize: 2, using: &rng))
        let inv = EquivarianceReport(model, input: .setPermutations(5, features: 3), output: .trivial(.symmetric(5), degree: 2), on: x)
        #expect(inv.relative < exactTolerance)
    }

    /// With scalars, the layer's matrix is λ I + γ 11ᵀ (sum pooling), the solver's basis.
    @Test func scalarLayerIsLambdaIPlusGamma() throws {
        let l = PermutationEquivariant(lambda: Tensor([[0.7]]), gamma: Tensor([[-0.3]]), bias: nil)
        let n = 4
        let columns = (0..<n).map { j -> Tensor in
            var e = Tensor.zeros([1, n, 1]); e[flat: j] = 1
            return l(e).reshaped([n])
        }
        let theta = Tensor.stack(columns, axis: 1)
        expectClose(theta, 0.7 * Tensor.eye(n) - 0.3 * Tensor.ones([n, n]), rtol: 0, atol: 1e-15)
        let basis = try EquivariantBasis(input: .setPermutations(n), output: .setPermutations(n))
        expectClose(basis.project(theta), theta, rtol: 0, atol: 1e-13)
    }

    @Test(arguments: SetPoolingKind.allCases)
    func derivativesMatchFiniteDifferences(_ pooling: SetPoolingKind) {
        let (first, second) = checkLayer(Self.layer(pooling, seed: 20), input: normal([2, 4, 3], seed: 5))
        #expect(first.passes(.finiteDifferences), "first order: \(first)")
        #expect(second.passes(.secondOrderFiniteDifferences), "second order: \(second)")
        let pool = checkLayer(SetPooling(pooling), input: normal([2, 4, 3], seed: 6))
        #expect(pool.first.passes(.finiteDifferences) && pool.second.passes(.secondOrderFiniteDifferences))
    }
}
