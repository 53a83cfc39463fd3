import Foundation
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Link between equivariance and convolutionality" (Kondor and Trivedi) and
/// "Permutation Equivariant layer" (DeepSets, Lemma 3): a linear map commuting with a group
/// action is a convolution over the group. For cyclic shifts: a circulant matrix (n free
/// numbers, the filter); for all permutations: λ I + γ 11ᵀ (two numbers).
struct SymEquivariantIsConvolution: Experiment {
    let id = "sym.equivariant-is-convolution"
    let section = NotesSection.symmetry
    let title = "Equivariant linear maps are convolutions"
    let claim = "Averaging a random matrix over a group (Reynolds projection) or solving the commutation constraints gives, for cyclic shifts, exactly the circulant matrices (dimension n) and, for all permutations, exactly λI + γ11ᵀ (dimension 2)."
    let parameters = [
        ParameterSpec("cyclicSize", "n for C_n acting on R^n by shifts", quick: .int(8), full: .int(16), minimum: 2, maximum: 32),
        ParameterSpec("setSize", "n for S_n acting on R^n by permutations", quick: .int(4), full: .int(5), minimum: 2, maximum: 5),
    ]
    let checks = [
        CheckSpec("circulant", "max |P(W)[i, j] − P(W)[i+1, j+1]| for C_n (rounding-level: circulant)", .lessThan(1e-12)),
        CheckSpec("cyclic-dimension", "dimension of the C_n-equivariant maps (null space of the constraints)", .equal),
        CheckSpec("permutation-form", "max |P(W) − (λI + γ11ᵀ)| for S_n, λ and γ fitted", .lessThan(1e-12)),
        CheckSpec("permutation-dimension", "dimension of the S_n-equivariant maps", .equal),
        CheckSpec("solver-agrees", "max |Reynolds projection − projection on the solver's basis|, both groups", .lessThan(1e-12)),
    ]

    // One SVD of a (|G| n²) × n² matrix per group: |G| n⁶ (C_n: n⁷; S_5 at n = 5: 120 × 5⁶ = 1.9e6).
    // Full size 5.4e9.
    let workBound = WorkBound("20 × (cyclicSize⁷ + setSize! × setSize⁶)", limit: 1e11) { p in
        let n = Double(p.int("cyclicSize")), s = p.int("setSize")
        let factorial = Double((1...s).reduce(1, *))
        return 20 * (pow(n, 7) + factorial * pow(Double(s), 6))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("cyclicSize"), s = p.int("setSize")

        // C_n: the Reynolds projection of a random matrix is circulant.
        let shifts = PermutationAction.cyclicShifts(n)
        let w = Tensor.randomNormal([n, n], using: &context.rng)
        let pc = Reynolds.project(w, input: shifts, output: shifts)
        var circulant = 0.0
        for i in 0..<n { for j in 0..<n { circulant = Swift.max(circulant, Swift.abs(pc[i, j] - pc[(i + 1) % n, (j + 1) % n])) } }
        context.measure("circulant", circulant)
        let cyclicBasis = try EquivariantBasis(input: shifts, output: shifts)
        context.measure("cyclic-dimension", Double(cyclicBasis.dimension), predicted: Double(n))

        // S_n: λ I + γ 11ᵀ.
        let perms = PermutationAction.setPermutations(s)
        let v = Tensor.randomNormal([s, s], using: &context.rng)
        let ps = Reynolds.project(v, input: perms, output: perms)
        let diagonal = (0..<s).map { ps[$0, $0] }.reduce(0, +) / Double(s)
        let offDiagonal = (ps.sumAll() - diagonal * Double(s)) / Double(s * s - s)
        let fitted = (diagonal - offDiagonal) * Tensor.eye(s) + offDiagonal * Tensor.ones([s, s])
        context.measure("permutation-form", abs(ps - fitted).maxAll())
        let permutationBasis = try EquivariantBasis(input: perms, output: perms)
        context.measure("permutation-dimension", Double(permutationBasis.dimension), predicted: 2)
        // The two routes to the equivariant part agree.
        let agreement = Swift.max(abs(cyclicBasis.project(w) - pc).maxAll(), abs(permutationBasis.project(v) - ps).maxAll())
        context.measure("solver-agrees", agreement)
        context.note(String(format: "S_%d: λ = %.4f, γ = %.4f (the mean diagonal minus the mean off-diagonal entry, and the mean off-diagonal entry of the averaged matrix). Rank decisions: the smallest nonzero singular value of the constraints is %.2g (C_%d) and %.2g (S_%d) times the rank tolerance.",
                            s, diagonal - offDiagonal, offDiagonal, cyclicBasis.gap, n, permutationBasis.gap, s))
        context.record("cyclic_singular_values", cyclicBasis.singularValues)
        context.record("permutation_singular_values", permutationBasis.singularValues)
        let range = Swift.max(abs(w).maxAll(), abs(v).maxAll())
        func map(_ t: Tensor, _ label: String) -> HeatMap {
            HeatMap(t, xLabel: "column j", yLabel: "row i", colorMap: .diverging, colorBarLabel: label, valueRange: -range...range)
        }
        context.figure(Figure(id: "cyclic-random", title: "A random matrix W (n = \(n))", caption: "The input to the group average: i.i.d. N(0, 1) entries.",
                              chart: .heatMap(map(w, "W[i, j]"))))
        context.figure(Figure(id: "cyclic-projection", title: "Its average over cyclic shifts is circulant",
                              caption: "P(W) = (1/n) Σ_g P_g W P_gᵀ: constant along every (wrapped) diagonal, i.e. a circular convolution with the filter in its first row; the \(n) diagonals are the \(n) dimensions of the space.",
                              chart: .heatMap(map(pc, "P(W)[i, j]"))))
        context.figure(Figure(id: "permutation-projection", title: "Its average over all permutations is λI + γ11ᵀ",
                              caption: "The same average over S_\(s) (\((1...s).reduce(1, *)) permutations) of a random \(s) × \(s) matrix: one value on the diagonal, one off it (DeepSets, Lemma 3).",
                              chart: .heatMap(map(ps, "P(W)[i, j]"))))
    }
}
