import InductiveTensor

/// Group averaging (the Reynolds operator) and the space of equivariant linear maps.
public enum Reynolds {
    /// P_G(W) = (1/|G|) Σ_g ρ_out(g) W ρ_in(g)⁻¹ for W [m, n] mapping R^n (acted on by
    /// `input`, n = input.degree) to R^m (acted on by `output`).
    ///
    /// With permutation actions the term is an index gather, (ρ_out(g) W ρ_in(g)ᵀ)[i, j] =
    /// W[s_out(g)[i], s_in(g)[j]], so no matrix is formed. The result commutes with every
    /// ρ(g) (ρ_out(g) P(W) = P(W) ρ_in(g)), P is idempotent, and it is the orthogonal
    /// projection (in the Frobenius inner product) onto the equivariant maps. Cost O(|G| m n).
    public static func project(_ w: Tensor, input: PermutationAction, output: PermutationAction) -> Tensor {
        precondition(input.group == output.group, "Reynolds.project: input and output must be actions of the same group")
        let m = output.degree, n = input.degree
        precondition(w.shape == [m, n], "Reynolds.project: W is \(w.shape), expected [\(m), \(n)]")
        let values = w.scalars
        var sum = [Double](repeating: 0, count: m * n)
        for g in input.group.elements {
            let so = output.source[g], si = input.source[g]
            for i in 0..<m {
                let row = so[i] * n
                for j in 0..<n { sum[i * n + j] += values[row + si[j]] }
            }
        }
        let scale = 1 / Double(input.group.order)
        return Tensor(shape: [m, n], scalars: sum.map { $0 * scale })
    }

    /// The group-averaged function f_G(x) = (1/|G|) Σ_g ρ_out(g)⁻¹ f(ρ_in(g) x), equivariant
    /// for any f (invariant when `output` is trivial). Batches [b, ...] in and out; costs |G|
    /// evaluations of f.
    public static func average(_ f: @escaping @Sendable (Tensor) -> Tensor, input: PermutationAction,
                               output: PermutationAction) -> @Sendable (Tensor) -> Tensor {
        precondition(input.group == output.group, "Reynolds.average: input and output must be actions of the same group")
        return { x in
            var total: Tensor?
            for g in input.group.elements {
                let y = output.apply(output.group.inverse(g), to: f(input.apply(g, to: x)))
                total = total.map { $0 + y } ?? y
            }
            return total! / Double(input.group.order)
        }
    }

    /// The defect ‖W − P_G(W)‖_F / ‖W‖_F: 0 for an equivariant map, 1 for one orthogonal to
    /// all of them. W = 0 is equivariant (P_G(0) = 0): its defect is defined as 0 rather
    /// than 0/0.
    public static func symmetryDefect(_ w: Tensor, input: PermutationAction, output: PermutationAction) -> Double {
        let norm = w.norm()
        guard norm > 0 else { return 0 }
        return (w - project(w, input: input, output: output)).norm() / norm
    }
}

/// An orthonormal basis of the equivariant linear maps R^n → R^m, {W : ρ_out(g) W = W ρ_in(g)
/// for all g}, found as the null space of the stacked commutation constraints.
public struct EquivariantBasis: Sendable {
    /// The basis, [dimension, m, n], orthonormal in the Frobenius inner product.
    public let basis: Tensor
    /// Singular values of the stacked constraint matrix, descending.
    public let singularValues: [Double]
    /// The threshold below which a singular value counts as zero.
    public let tolerance: Double

    /// The dimension of the space of equivariant maps.
    public var dimension: Int { basis.shape[0] }

    /// Stacks the constraints (ρ_out(g) ⊗ ρ_in(g) − I) vec(W) = 0 over every element g (rows
    /// |G| m n, columns m n) and takes the right singular vectors of the singular values below
    /// tolerance = max(rows, columns) · ε · σ_max (the LAPACK rank convention: a singular value
    /// below it is indistinguishable from 0 at the matrix's conditioning). The constraint matrix
    /// has entries in {−1, 0, 1}, so the nonzero singular values are at least of order 1 and the
    /// gap to the tolerance is many orders of magnitude (`gap` reports it).
    ///
    /// Cost: one SVD of a (|G| m n) × (m n) matrix, O(|G| (m n)³); memory |G| (m n)² doubles.
    /// Throws when the problem would exceed 2^27 matrix entries (1 GB).
    public init(input: PermutationAction, output: PermutationAction) throws {
        precondition(input.group == output.group, "EquivariantBasis: input and output must be actions of the same group")
        let m = output.degree, n = input.degree, unknowns = m * n, order = input.group.order
        guard Double(order) * Double(unknowns) * Double(unknowns) <= Double(1 << 27) else {
            throw SymmetryError("the constraint matrix of \(order) × \(unknowns) rows and \(unknowns) columns is too large")
        }
        var a = [Double](repeating: 0, count: order * unknowns * unknowns)
        for g in input.group.elements {
            let so = output.source[g], si = input.source[g]
            for i in 0..<m {
                for j in 0..<n {
                    let row = (g * unknowns + i * n + j) * unknowns
                    a[row + so[i] * n + si[j]] += 1
                    a[row + i * n + j] -= 1
                }
            }
        }
        let (_, s, vt) = try svd(Tensor(shape: [order * unknowns, unknowns], scalars: a))
        let sigma = s.scalars
        let tol = Double(Swift.max(order * unknowns, unknowns)) * Double.ulpOfOne * Swift.max(sigma.first ?? 0, 1)
        let rank = sigma.filter { $0 > tol }.count
        let rows = Array(rank..<unknowns)
        basis = rows.isEmpty ? Tensor.zeros([0, m, n]) : vt.take(rows, axis: 0).reshaped([rows.count, m, n])
        singularValues = sigma
        tolerance = tol
    }

    /// The smallest singular value counted as nonzero over the tolerance (∞ when every
    /// singular value is zero): how clearly the rank is decided.
    public var gap: Double {
        guard let smallest = singularValues.filter({ $0 > tolerance }).min() else { return .infinity }
        return smallest / tolerance
    }

    /// The orthogonal projection of W [m, n] onto the span: Σ_k <B_k, W> B_k.
    public func project(_ w: Tensor) -> Tensor {
        let k = dimension
        guard k > 0 else { return Tensor.zeros(w.shape) }
        let b = basis.reshaped([k, w.count])
        let coefficients = matmul(b, w.reshaped([w.count]))
        return matmul(coefficients, b).reshaped(w.shape)
    }
}

/// An input the symmetry library cannot handle, with a one-line reason.
public struct SymmetryError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
