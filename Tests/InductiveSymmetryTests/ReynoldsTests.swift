import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ReynoldsTests {
    static let pairs: [(name: String, input: PermutationAction, output: PermutationAction)] = [
        ("C6 shifts", .cyclicShifts(6), .cyclicShifts(6)),
        ("S4 sets", .setPermutations(4), .setPermutations(4)),
        ("S3 sets to invariants", .setPermutations(3, features: 2), .trivial(.symmetric(3), degree: 2)),
        ("C4 image to regular", .image(.rotations, side: 3), .regular(.rotations)),
        ("D4 image 4", .image(.dihedral, side: 4), .image(.dihedral, side: 4)),
    ]

    /// P(P(W)) = P(W); ρ_out(g) P(W) = P(W) ρ_in(g); P equals the orthogonal projection on the
    /// solver's basis. Entries of W are O(1) and P averages |G| of them: the error is a few ε
    /// per entry, so 1e-13 absolute on O(1) matrices is 100 times the rounding.
    @Test(arguments: pairs.map(\.name))
    func projectionMatchesConstraintSolver(_ name: String) throws {
        let c = Self.pairs.first { $0.name == name }!
        let w = normal([c.output.degree, c.input.degree], seed: 5)
        let p = Reynolds.project(w, input: c.input, output: c.output)
        expectClose(Reynolds.project(p, input: c.input, output: c.output), p, rtol: 0, atol: 1e-13, "idempotent")
        for g in c.input.group.elements {
            expectClose(matmul(c.output.matrix(g), p), matmul(p, c.input.matrix(g)), rtol: 0, atol: 1e-13, "commutes with g\(g)")
        }
        let basis = try EquivariantBasis(input: c.input, output: c.output)
        expectClose(basis.project(w), p, rtol: 0, atol: 1e-12, "Reynolds = solver projection")
        // The rank is decided with a wide margin: the smallest nonzero singular value is far
        // above the tolerance.
        #expect(basis.gap > 1e10)
        // Basis orthonormal.
        let b = basis.basis.reshaped([basis.dimension, -1])
        expectClose(matmul(b, b, transposeB: true), Tensor.eye(basis.dimension), rtol: 0, atol: 1e-12)
    }

    /// Dimensions known from theory: circulant (n), λI + γ11ᵀ (2), invariant maps of S3 on
    /// 2-feature sets to R² (the 2 × 2 maps acting on the feature sums: 4), C4 on 3×3 images
    /// to the regular representation (Σ over pixel orbits of the stabilizer-fixed vectors of the regular
    /// representation: 1 + 4 + 4 = 9, one per weight of a 3 × 3 lifting filter).
    @Test func dimensions() throws {
        #expect(try EquivariantBasis(input: .cyclicShifts(6), output: .cyclicShifts(6)).dimension == 6)
        #expect(try EquivariantBasis(input: .setPermutations(5), output: .setPermutations(5)).dimension == 2)
        #expect(try EquivariantBasis(input: .setPermutations(3, features: 2), output: .trivial(.symmetric(3), degree: 2)).dimension == 4)
        #expect(try EquivariantBasis(input: .image(.rotations, side: 3), output: .regular(.rotations)).dimension == 9)
    }

    /// The group-averaged function is equivariant for any f (here a random nonlinear map).
    @Test func averagedFunctionIsEquivariant() {
        let a = PermutationAction.image(.dihedral, side: 4)
        let m = normal([16, 16], seed: 8)
        let f: @Sendable (Tensor) -> Tensor = { tanh(matmul($0, m)) }
        let fg = Reynolds.average(f, input: a, output: a)
        let report = EquivarianceReport(fg, input: a, output: a, on: normal([3, 16], seed: 9))
        #expect(report.relative < exactTolerance)
        // The plain f is far from equivariant: the check can fail.
        #expect(EquivarianceReport(f, input: a, output: a, on: normal([3, 16], seed: 9)).relative > 0.1)
    }

    @Test func tooLargeIsAnError() {
        #expect(throws: SymmetryError.self) { try EquivariantBasis(input: .cyclicShifts(200), output: .cyclicShifts(200)) }
    }

    @Test func zeroMatrixHasZeroDefect() {
        // P_G(0) = 0: W = 0 is equivariant, defect 0 (not 0/0).
        let action = PermutationAction.cyclicShifts(5)
        #expect(Reynolds.symmetryDefect(Tensor.zeros([5, 5]), input: action, output: action) == 0)
    }
}
