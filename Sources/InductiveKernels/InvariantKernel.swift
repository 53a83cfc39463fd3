import Foundation
import InductiveNN
import InductiveTensor

/// A finite group G acting on inputs: one transformation per group element, each mapping a
/// batch [n, ...] to a batch of the same shape, example by example (x_i ↦ g x_i).
///
/// The list must contain every element of the group (the identity included) exactly once,
/// and be closed under composition; `groupAveraged` relies on it and does not check it.
public struct GroupAction: Sendable {
    /// One transformation per group element.
    public let elements: [@Sendable (Tensor) -> Tensor]

    /// A group action from its elements' transformations of a batch.
    public init(_ elements: [@Sendable (Tensor) -> Tensor]) {
        precondition(!elements.isEmpty, "GroupAction: a group has at least the identity")
        self.elements = elements
    }

    /// |G|.
    public var order: Int { elements.count }

    /// The cyclic group Z_n of translations of signals of length n (the last axis of each
    /// example): x ↦ roll(x, t) for t = 0, ..., n - 1. Orthogonal, so every kernel that
    /// depends on x·x', |x|, |x'| only (dot-product kernels, the infinite-width MLP's) is
    /// jointly invariant under it.
    public static func cyclicShifts(length n: Int) -> GroupAction {
        precondition(n >= 1, "cyclicShifts: length must be positive")
        return GroupAction((0..<n).map { t in { x in
            precondition(x.shape.last == n, "cyclicShifts(\(n)): inputs of shape \(x.shape)")
            return x.rolled(t, axis: -1)
        } })
    }

    /// Permutations of the coordinates of flat inputs [n, d]: element p maps x to
    /// (x_{p[0]}, ..., x_{p[d-1]}). Each p must be a permutation of 0..<d; the list must be
    /// a group (for example all d! permutations, or the powers of one cycle).
    public static func permutations(_ perms: [[Int]]) -> GroupAction {
        for p in perms {
            precondition(Set(p) == Set(0..<p.count) && p.count == perms[0].count, "permutations: \(p) is not a permutation")
        }
        return GroupAction(perms.map { p in { x in
            precondition(x.rank == 2 && x.shape[1] == p.count, "permutations: inputs of shape \(x.shape), expected [n, \(p.count)]")
            return x.take(p, axis: 1)
        } })
    }

    /// Sign flips x ↦ ±x (the group Z_2).
    public static let signFlip = GroupAction([{ $0 }, { -$0 }])
}

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
