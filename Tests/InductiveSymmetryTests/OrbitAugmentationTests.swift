import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct OrbitAugmentationTests {
    /// For a linear model f(w, x) = <w, x>, rotating the weights by u is the same as rotating
    /// the inputs by u⁻¹, so the orbit-averaged loss is invariant: L(ρ(u) w) = L(w). Sums of
    /// the same terms in another order: 1e-13 relative on an O(1) loss.
    @Test func orbitLossIsInvariant() {
        let action = PermutationAction.image(.dihedral, side: 4)
        let x = normal([5, 16], seed: 1), y = normal([5, 1], seed: 2)
        let w = normal([16, 1], seed: 3)
        let model = Dense(weight: w, bias: nil)
        func loss(_ w: Tensor) -> Double {
            OrbitAugmentation.loss(model, parameters: [Variable(constant: w)], inputs: x, targets: y, action: action, loss: .squaredError).value.scalar
        }
        let base = loss(w)
        for u in action.group.elements {
            let moved = action.apply(u, to: w.transposed()).transposed()
            expectClose(loss(moved), base, rtol: 1e-13)
        }
        // The plain loss is not invariant (the check can fail).
        let plain = { (w: Tensor) in Loss.squaredError(Variable(matmul(x, w)), y).value.scalar }
        #expect(Swift.abs(plain(action.apply(1, to: w.transposed()).transposed()) - plain(w)) > 1e-3 * plain(w))
    }

    /// ∫_{−a}^{a} f(w − t) dt for f = cos: 2 sin(a) cos(w) exactly; Gauss–Legendre with 20
    /// nodes on 8 panels is exact to rounding for this entire function.
    @Test func shiftAverageOfCosine() {
        for (a, w) in [(0.5, 0.3), (2.0, -1.0), (7.0, 2.5)] {
            expectClose(OrbitAugmentation.shiftAverage(cos, halfWidth: a, at: w), 2 * sin(a) * cos(w), rtol: 0, atol: 1e-13)
        }
        expectClose(OrbitAugmentation.shiftAverageMultiplier(frequency: 0, halfWidth: 1.5), 3, rtol: 1e-15)
        expectClose(OrbitAugmentation.shiftAverageMultiplier(frequency: 2, halfWidth: 1.5), sin(3), rtol: 1e-15)
    }

    @Test func orbitDatasetHasEveryCopy() {
        let action = PermutationAction.cyclicShifts(4)
        let x = normal([3, 4], seed: 1), y = normal([3, 2], seed: 2)
        let (ox, oy) = OrbitAugmentation.orbit(x, targets: y, action: action)
        #expect(ox.shape == [12, 4] && oy.shape == [12, 2])
        #expect(ox.take([3, 4, 5]) == x.rolled(1, axis: 1))
    }
}
