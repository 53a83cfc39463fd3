import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct PermutationActionTests {
    /// ρ(g h) = ρ(g) ρ(h) as matrices and on a batch, for every action and all pairs.
    @Test(arguments: allActions.map(\.name))
    func homomorphism(_ name: String) {
        let a = allActions.first { $0.name == name }!.action
        let x = normal([2, a.degree], seed: 3)
        for g in a.group.elements {
            for h in a.group.elements {
                let gh = a.group.compose(g, h)
                #expect(a.matrix(gh) == matmul(a.matrix(g), a.matrix(h)), "\(name): ρ(\(g)\(h)) ≠ ρ(\(g))ρ(\(h))")
                #expect(a.apply(gh, to: x) == a.apply(g, to: a.apply(h, to: x)))
            }
            #expect(a.apply(g, to: x) == matmul(x, a.matrix(g), transposeB: true))
        }
        #expect(a.matrix(a.group.identity) == Tensor.eye(a.degree))
    }

    /// The quarter turn is the counter-clockwise rotation of numpy's rot90 (row 0 on top)
    /// and the flip mirrors left-right; cyclic shifts agree with `rolled`.
    @Test func conventions() {
        let img = Tensor(shape: [1, 3, 3], scalars: (0..<9).map(Double.init))
        let rot = PermutationAction.image(.rotations, side: 3)
        // rot90 counter-clockwise of [[0,1,2],[3,4,5],[6,7,8]] is [[2,5,8],[1,4,7],[0,3,6]].
        #expect(rot.apply(1, to: img).scalars == [2, 5, 8, 1, 4, 7, 0, 3, 6])
        let d4 = PermutationAction.image(.dihedral, side: 3)
        #expect(d4.apply(4, to: img).scalars == [2, 1, 0, 5, 4, 3, 8, 7, 6])
        let x = normal([2, 7], seed: 1)
        #expect(PermutationAction.cyclicShifts(7).apply(3, to: x) == x.rolled(3, axis: 1))
        // The batch-level action agrees with the exact one.
        let ga = PermutationAction.cyclicShifts(7).groupAction
        #expect(ga.order == 7 && ga.elements[2](x) == x.rolled(2, axis: 1))
    }
}
