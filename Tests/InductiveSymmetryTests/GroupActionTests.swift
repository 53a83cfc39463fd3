import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

/// The batch-level actions (moved here from the kernels target) agree with the exact
/// permutation actions.
@Suite struct GroupActionTests {
    @Test func cyclicShiftsMatchThePermutationAction() {
        let x = normal([3, 6], seed: 1)
        let batch = GroupAction.cyclicShifts(length: 6), exact = PermutationAction.cyclicShifts(6)
        #expect(batch.order == 6)
        for g in 0..<6 { #expect(batch.elements[g](x) == exact.apply(g, to: x)) }
    }

    @Test func permutationsAndSignFlip() {
        let x = normal([2, 3], seed: 2)
        let perms = GroupAction.permutations([[0, 1, 2], [2, 0, 1], [1, 2, 0]])
        #expect(perms.elements[1](x) == x.take([2, 0, 1], axis: 1))
        #expect(GroupAction.signFlip.elements[1](x) == -x)
        // The exact action's batch form agrees element by element.
        let images = PermutationAction.image(.dihedral, side: 3)
        let y = normal([2, 9], seed: 3)
        for g in 0..<8 { #expect(images.groupAction.elements[g](y) == images.apply(g, to: y)) }
    }
}
