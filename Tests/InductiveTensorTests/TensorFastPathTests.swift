import InductiveTensor
import Testing

/// The fast paths of broadcasting arithmetic (an operand repeated along leading axes), of
/// sums over leading axes and of `keepingWherePositive` against independent general paths.
/// Every comparison is bitwise (tolerance zero): each output element is computed from the
/// same numbers by the same IEEE operations in the same order in both paths, so any
/// difference is a bug, not rounding.
@Suite struct TensorFastPathTests {
    static func values(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.randomNormal(shape, using: &rng)
    }

    static func expectSameBits(_ a: Tensor, _ b: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.shape == b.shape, Comment(rawValue: what), sourceLocation: sourceLocation)
        let mismatch = a.scalars.indices.first { a.scalars[$0].bitPattern != b.scalars[$0].bitPattern }
        #expect(mismatch == nil, Comment(rawValue: "\(what): first differing element \(mismatch ?? -1)"), sourceLocation: sourceLocation)
    }

    /// Large enough that the repeated-row path splits over the cores (4 parts of the cheap threshold).
    static let largeRows = 4 * Parallel.minimumCheapElementsPerPart / 509 + 3

    /// `+ - * /` with a row (or a block of trailing axes) broadcast along leading axes equal
    /// the strided general path (`Tensor.zipWith`, whose only fast paths are equal shapes
    /// and scalars), with the repeated operand on either side.
    @Test func repeatedOperandArithmeticEqualsTheStridedPath() {
        let cases: [([Int], [Int])] = [([7, 5], [5]), ([7, 5], [1, 5]), ([3, 4, 5], [4, 5]), ([3, 4, 5], [1, 1, 5]),
                                       ([2, 1, 3], [3]), ([0, 5], [5]), ([Self.largeRows, 509], [509])]
        for (k, (big, small)) in cases.enumerated() {
            let a = Self.values(big, seed: UInt64(10 + k)), b = Self.values(small, seed: UInt64(40 + k)) + 0.5
            Self.expectSameBits(a + b, Tensor.zipWith(a, b) { $0 + $1 }, "\(big) + \(small)")
            Self.expectSameBits(b - a, Tensor.zipWith(b, a) { $0 - $1 }, "\(small) - \(big)")
            Self.expectSameBits(a * b, Tensor.zipWith(a, b) { $0 * $1 }, "\(big) * \(small)")
            Self.expectSameBits(b / a, Tensor.zipWith(b, a) { $0 / $1 }, "\(small) / \(big)")
        }
        // Shapes that only broadcast by stretching interior or both operands' axes stay correct.
        let column = Self.values([6, 1], seed: 70), matrix = Self.values([6, 5], seed: 71)
        Self.expectSameBits(matrix - column, Tensor.zipWith(matrix, column) { $0 - $1 }, "column")
        let left = Self.values([2, 1, 4], seed: 72), right = Self.values([3, 4], seed: 73)
        Self.expectSameBits(left * right, Tensor.zipWith(left, right) { $0 * $1 }, "both stretched")
        #expect((left * right).shape == [2, 3, 4])
        #expect((Self.values([1, 1, 5], seed: 74) + Self.values([3, 5], seed: 75)).shape == [1, 3, 5])
    }

    /// Sums over leading axes equal the same sums taken over trailing axes of the permuted
    /// tensor (the general fold adds each output's inputs in the same order there).
    @Test func leadingAxisSumsEqualTheGeneralFold() {
        let m = Self.values([37, 11], seed: 80)
        Self.expectSameBits(m.sum(axes: [0]), m.T.sum(axes: [1]), "column sums")
        Self.expectSameBits(m.sum(axes: [0], keepDims: true), m.T.sum(axes: [1]).reshaped([1, 11]), "keepDims")
        let cube = Self.values([4, 6, 5], seed: 81)
        Self.expectSameBits(cube.sum(axes: [0, 1]), cube.permuted([2, 0, 1]).sum(axes: [1, 2]), "two leading axes")
        Self.expectSameBits(cube.sum(axes: [-3]), cube.permuted([1, 2, 0]).sum(axes: [2]), "negative axis")
        let large = Self.values([Self.largeRows, 509], seed: 82)
        Self.expectSameBits(large.sum(axes: [0]), large.T.sum(axes: [1]), "large, split over the cores")
        // Signed zeros and infinities follow the general path too: 0 + (-0) = 0.
        let special = Tensor([[-0.0, .infinity, 1], [-0.0, 1, .nan]])
        Self.expectSameBits(special.sum(axes: [0]), special.T.sum(axes: [1]), "special values")
        #expect(Tensor.zeros([0, 3]).sum(axes: [0]) == Tensor.zeros([3]))
    }

    /// x * (c > 0 ? 1 : 0) in one pass equals the product with the materialized mask,
    /// including negative zeros, NaN in either operand and a broadcast condition.
    @Test func keepingWherePositiveEqualsTheMaskProduct() {
        let x = Tensor([1.5, -2, .nan, -0.0, 3, -4, .infinity])
        let c = Tensor([1, 1, 1, 2, -1, 0, .nan])
        Self.expectSameBits(x.keepingWherePositive(c), x * (c .> 0), "special values")
        let large = Self.values([Self.largeRows, 509], seed: 90), condition = Self.values([Self.largeRows, 509], seed: 91)
        Self.expectSameBits(large.keepingWherePositive(condition), large * (condition .> 0), "large")
        let row = Self.values([509], seed: 92)
        Self.expectSameBits(row.keepingWherePositive(condition), row * (condition .> 0), "broadcast")
    }

    /// relu as one unordered comparison keeps the old semantics: +0 for -0 and negatives,
    /// NaN and +inf kept (against the two-test expression, element by element).
    @Test func reluKeepsSignedZeroAndNaNSemantics() {
        let x = Tensor([-0.0, 0, -1, 2, .nan, -.infinity, .infinity, -1e-310, 1e-310])
        let expected = Tensor(x.scalars.map { $0 > 0 || $0.isNaN ? $0 : 0 })
        Self.expectSameBits(relu(x), expected, "special values")
        let large = Self.values([Self.largeRows, 509], seed: 93)
        Self.expectSameBits(relu(large), Tensor(shape: large.shape, scalars: large.scalars.map { $0 > 0 ? $0 : 0 }), "large")
    }

    /// addScaled rounds each element as self + (alpha * x), on one core or split, and leaves
    /// a tensor sharing the storage untouched (copy on write).
    @Test func addScaledEqualsTheElementwiseExpression() {
        for shape in [[7, 5], [Self.largeRows, 509]] {
            var a = Self.values(shape, seed: 94)
            let original = a, x = Self.values(shape, seed: 95), alpha = -0.0123
            a.addScaled(x, alpha)
            Self.expectSameBits(a, Tensor.zipWith(original, x) { $0 + alpha * $1 }, "\(shape)")
            Self.expectSameBits(original, Self.values(shape, seed: 94), "shared copy unchanged")
        }
    }
}
