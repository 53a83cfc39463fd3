import InductiveSymmetry
import Testing

/// The group axioms for every group, element by element (exact: integer tables).
@Suite struct FiniteGroupTests {
    @Test(arguments: allGroups.map(\.name))
    func axioms(_ name: String) {
        let g = allGroups.first { $0.name == name }!.group
        for a in g.elements {
            #expect(g.compose(a, g.identity) == a && g.compose(g.identity, a) == a, "identity fails at \(a)")
            #expect(g.compose(a, g.inverse(a)) == g.identity && g.compose(g.inverse(a), a) == g.identity, "inverse fails at \(a)")
            for b in g.elements {
                #expect(g.elements.contains(g.compose(a, b)))
                for c in g.elements where g.compose(g.compose(a, b), c) != g.compose(a, g.compose(b, c)) {
                    Issue.record("\(name): (\(a) \(b)) \(c) ≠ \(a) (\(b) \(c))")
                }
            }
        }
    }

    @Test func ordersAndStructure() {
        #expect(FiniteGroup.symmetric(4).order == 24)
        #expect(FiniteGroup.dihedral.order == 8)
        // D4 is not abelian (f r = r⁻¹ f ≠ r f), C4 is.
        let d = FiniteGroup.dihedral
        #expect(d.compose(4, 1) != d.compose(1, 4))
        #expect(d.compose(4, 1) == d.compose(3, 4))
        let c = FiniteGroup.rotations
        #expect(c.elements.allSatisfy { a in c.elements.allSatisfy { c.compose(a, $0) == c.compose($0, a) } })
        // r¹ has order 4 in both.
        #expect(d.compose(1, d.compose(1, d.compose(1, 1))) == 0 && d.compose(1, 1) != 0)
    }

    @Test func imageMatricesAreFoundByTable() {
        // cyclic(4) has C4's table under another name: the same matrices; S3 has neither table.
        #expect(ImageSymmetry.matrices(of: .cyclic(4)) == ImageSymmetry.rotationMatrices)
        #expect(ImageSymmetry.matrices(of: .dihedral) == ImageSymmetry.dihedralMatrices)
        // The matrices multiply as the table says (they represent the group).
        let d = FiniteGroup.dihedral, m = ImageSymmetry.matrices(of: d)
        for a in d.elements { for b in d.elements { #expect(ImageSymmetry.multiply(m[a], m[b]) == m[d.compose(a, b)]) } }
    }

    @Test func permutationsAreAllDistinctInLexicographicOrder() {
        let p = FiniteGroup.allPermutations(4)
        #expect(p.count == 24 && Set(p).count == 24 && p.first == [0, 1, 2, 3] && p.last == [3, 2, 1, 0])
        #expect(zip(p, p.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
    }
}
