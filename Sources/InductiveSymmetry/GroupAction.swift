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
