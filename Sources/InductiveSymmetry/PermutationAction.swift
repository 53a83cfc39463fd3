import InductiveTensor

/// A finite group acting on R^d by permuting coordinates: (ρ(g) x)[i] = x[source[g][i]].
///
/// `source[g]` is the index map of element g. ρ is a homomorphism, ρ(g h) = ρ(g) ρ(h), when
/// source[g h][i] = source[h][source[g][i]] (every constructor here builds one; the tests
/// check it for each). As a matrix, ρ(g)[i, j] = 1 exactly when j = source[g][i], so ρ(g) is
/// orthogonal and ρ(g)⁻¹ = ρ(g)ᵀ = ρ(g⁻¹).
///
/// Examples act on one example's flattened features (row-major): an image [C, n, n] is
/// d = C n² coordinates.
public struct PermutationAction: Sendable, Equatable {
    /// The acting group.
    public let group: FiniteGroup
    /// d, the number of coordinates permuted.
    public let degree: Int
    /// source[g][i]: the coordinate of x that lands at i under g.
    public let source: [[Int]]

    /// An action from its index maps (one permutation of 0..<degree per element).
    public init(group: FiniteGroup, source: [[Int]]) {
        precondition(source.count == group.order, "PermutationAction: \(source.count) maps for a group of order \(group.order)")
        let d = source.first?.count ?? 0
        for s in source { precondition(s.count == d && Set(s).count == d && s.allSatisfy { (0..<d).contains($0) }, "PermutationAction: not a permutation of 0..<\(d)") }
        self.group = group
        self.degree = d
        self.source = source
    }

    /// ρ(g) as a d × d permutation matrix. O(d²) memory.
    public func matrix(_ g: Int) -> Tensor {
        var m = Tensor.zeros([degree, degree])
        for (i, j) in source[g].enumerated() { m[flat: i * degree + j] = 1 }
        return m
    }

    /// ρ(g) x for a batch [n, d] (or [n, ...] with d features per example): a gather.
    public func apply(_ g: Int, to x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.count == x.shape[0] * degree, "PermutationAction: batch \(x.shape) does not have \(degree) features per example")
        return x.reshaped([x.shape[0], degree]).take(source[g], axis: 1).reshaped(x.shape)
    }

    /// The trivial action of `group` on d coordinates (every ρ(g) = I).
    public static func trivial(_ group: FiniteGroup, degree d: Int) -> PermutationAction {
        PermutationAction(group: group, source: Array(repeating: Array(0..<d), count: group.order))
    }

    /// C_n acting on signals of length n by cyclic shifts: (ρ(t) x)[i] = x[i − t mod n].
    public static func cyclicShifts(_ n: Int) -> PermutationAction {
        PermutationAction(group: .cyclic(n), source: (0..<n).map { t in (0..<n).map { (($0 - t) % n + n) % n } })
    }

    /// C_h × C_w acting on h × w images by cyclic translations (element (a, b) shifts rows
    /// by a and columns by b).
    public static func translations(height h: Int, width w: Int) -> PermutationAction {
        .product(.cyclicShifts(h), .cyclicShifts(w))
    }

    /// S_n acting on sets of n elements with `features` values each ([n, features] flattened):
    /// (ρ(π) X)[i, :] = X[π⁻¹(i), :].
    public static func setPermutations(_ n: Int, features: Int = 1) -> PermutationAction {
        let group = FiniteGroup.symmetric(n)
        let perms = FiniteGroup.allPermutations(n)
        return PermutationAction(group: group, source: perms.map { p in
            var inverse = [Int](repeating: 0, count: n)
            for (i, pi) in p.enumerated() { inverse[pi] = i }
            return (0..<(n * features)).map { inverse[$0 / features] * features + $0 % features }
        })
    }

    /// C4 (`.rotations`) or D4 (`.dihedral`) acting on square images [channels, n, n] by
    /// exact 90° rotations (and flips) about the centre, every channel alike.
    public static func image(_ group: FiniteGroup, side n: Int, channels: Int = 1) -> PermutationAction {
        let spatial = ImageSymmetry.matrices(of: group).map { ImageSymmetry.pixelSource($0, side: n) }
        return PermutationAction(group: group, source: spatial.map { s in
            (0..<(channels * n * n)).map { ($0 / (n * n)) * n * n + s[$0 % (n * n)] }
        })
    }

    /// The regular action of G on functions G → R^channels, [channels, |G|] flattened:
    /// (ρ(u) y)[c, g] = y[c, u⁻¹ g].
    public static func regular(_ group: FiniteGroup, channels: Int = 1) -> PermutationAction {
        let n = group.order
        return PermutationAction(group: group, source: group.elements.map { u in
            (0..<(channels * n)).map { ($0 / n) * n + group.compose(group.inverse(u), $0 % n) }
        })
    }

    /// The action on feature maps of a group convolution, [channels, |G|, n, n]: the group
    /// axis is permuted regularly and the grid rotated, (ρ(u) y)[c, g, p] = y[c, u⁻¹ g, u⁻¹ p].
    public static func groupFeatureMaps(_ group: FiniteGroup, side n: Int, channels: Int) -> PermutationAction {
        .diagonal(.regular(group, channels: channels), .image(group, side: n))
    }

    /// The same group acting on the tensor product of two index sets (a's index major):
    /// ρ(g) = ρ_a(g) ⊗ ρ_b(g).
    public static func diagonal(_ a: PermutationAction, _ b: PermutationAction) -> PermutationAction {
        precondition(a.group == b.group, "diagonal: the actions must be of the same group")
        return PermutationAction(group: a.group, source: a.group.elements.map { g in
            (0..<(a.degree * b.degree)).map { a.source[g][$0 / b.degree] * b.degree + b.source[g][$0 % b.degree] }
        })
    }

    /// G × H acting on the tensor product of the index sets: (g, h) ↦ ρ_a(g) ⊗ ρ_b(h).
    public static func product(_ a: PermutationAction, _ b: PermutationAction) -> PermutationAction {
        let group = FiniteGroup.product(a.group, b.group)
        return PermutationAction(group: group, source: group.elements.map { gh in
            let g = gh / b.group.order, h = gh % b.group.order
            return (0..<(a.degree * b.degree)).map { a.source[g][$0 / b.degree] * b.degree + b.source[h][$0 % b.degree] }
        })
    }

    /// The action of the subgroup made of `elements` (the identity first, closed under
    /// composition), renamed `name`: e.g. the flips {1, r², f, r² f} of D4.
    public func restricted(to elements: [Int], name: String) -> PermutationAction {
        precondition(elements.first == group.identity, "restricted: the identity must come first")
        let index = Dictionary(uniqueKeysWithValues: elements.enumerated().map { ($1, $0) })
        precondition(index.count == elements.count, "restricted: repeated elements")
        let table = elements.map { a in
            elements.map { b -> Int in
                guard let k = index[group.compose(a, b)] else { preconditionFailure("restricted: \(elements) is not closed under composition") }
                return k
            }
        }
        return PermutationAction(group: FiniteGroup(name: name, table: table, elementNames: elements.map { group.elementNames[$0] }),
                                 source: elements.map { source[$0] })
    }

    /// The batch-level `GroupAction` of this action (for group-averaged kernels).
    public var groupAction: GroupAction {
        GroupAction(group.elements.map { g in { [self] x in self.apply(g, to: x) } })
    }
}
