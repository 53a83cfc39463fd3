import Foundation
import InductiveNN
import InductiveSymmetry
import InductiveTensor

/// How `groupAveraged(over:mode:)` averages.
public enum GroupAveraging: Sendable, Equatable {
    /// K_G(x, x') = (1/|G|) Σ_g K(x, g x'): |G| kernel evaluations. Invariant and positive
    /// semidefinite when K is itself jointly invariant, K(g x, g x') = K(x, x') for all g
    /// (true for the analytic NTK/NNGP of MLPs under any orthogonal action: permutations,
    /// shifts, reflections); then it equals the two-sided average.
    case oneSided
    /// K_G(x, x') = (1/|G|²) Σ_{g,h} K(g x, h x'): |G|² evaluations, invariant in each
    /// argument and positive semidefinite for every PSD kernel K (it is the kernel of the
    /// averaged feature map (1/|G|) Σ_g φ(g x)). Use it for the empirical NTK, which is not
    /// jointly invariant.
    case twoSided
}

extension Kernel {
    /// The group-averaged kernel K_G (Haussler 1999; Mroueh et al. 2015), invariant to the
    /// action of G: K_G(g x, x') = K_G(x, x') = K_G(x, g x').
    ///
    /// When is it a valid (positive semidefinite) kernel? Write K(x, x') = <φ(x), φ(x')>.
    /// The two-sided average is <Φ(x), Φ(x')> with Φ = (1/|G|) Σ_g φ∘g, so it is PSD for
    /// any PSD K and any finite set of transformations; it is invariant when the set is a
    /// group. The one-sided average (1/|G|) Σ_g K(x, g x') is in general neither symmetric
    /// nor PSD; if K is jointly G-invariant it equals the two-sided one (substitute
    /// K(g x, h x') = K(x, g⁻¹h x')), hence PSD, at |G| instead of |G|² evaluations.
    ///
    /// Shapes as every kernel: [n1, ...], [n2, ...] -> [n1, n2]. Cost: |G| (one-sided) or
    /// |G|² (two-sided) evaluations of K; memory: one extra [n1, n2] accumulator.
    public func groupAveraged(over group: GroupAction, mode: GroupAveraging = .oneSided) -> Kernel {
        let base = self
        return Kernel { x1, x2 in
            let moved2 = group.elements.map { $0(x2) }
            let moved1 = mode == .twoSided ? group.elements.map { $0(x1) } : [x1]
            var total: Tensor?
            for a in moved1 {
                for b in moved2 {
                    let k = try base(a, b)
                    if total == nil { total = k } else { total! += k }
                }
            }
            return total! * (1 / Double(moved1.count * moved2.count))
        }
    }
}
