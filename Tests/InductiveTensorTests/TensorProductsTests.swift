import InductiveTensor
import InductiveTestSupport
import Testing

/// Reference product by the definition, for checking BLAS calls.
func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var c = Tensor.zeros([m, n])
    for i in 0..<m { for j in 0..<n {
        var s = 0.0
        for p in 0..<k { s += a[i, p] * b[p, j] }
        c[i, j] = s
    } }
    return c
}

@Suite struct ProductsTests {
    @Test func matmulWithTransposesPassedToBLAS() {
        var rng = RandomGenerator(seed: 5)
        let a = Tensor.randomNormal([4, 3], using: &rng), b = Tensor.randomNormal([3, 5], using: &rng)
        let c = naiveMatmul(a, b)
        // Each product (naive or BLAS, any kernel order) is within gamma_k (|A||B|)_ij ~ k eps/2
        // (|A||B|)_ij of the exact one, k = 3: they differ by <= k eps max(|A||B|). An entry that
        // is small by cancellation has no relative accuracy, hence the scale-aware atol of
        // 2 k eps max(|A||B|) (rtol alone failed for entries ~1e-3 under another kernel's order).
        let atol = 2 * 3 * Double.ulpOfOne * matmul(abs(a), abs(b)).maxAll()
        expectClose(matmul(a, b), c, rtol: 1e-13, atol: atol)
        expectClose(matmul(a.T, b, transposeA: true), c, rtol: 1e-13, atol: atol)
        expectClose(matmul(a, b.T, transposeB: true), c, rtol: 1e-13, atol: atol)
        expectClose(matmul(a.T, b.T, transposeA: true, transposeB: true), c, rtol: 1e-13, atol: atol)
    }

    @Test func vectorOperandsFollowNumPy() {
        let m: Tensor = [[1, 2], [3, 4], [5, 6]]
        #expect(matmul(m, Tensor([1, 1])) == Tensor([3, 7, 11]))
        #expect(matmul(m, Tensor([1, 0, 1]), transposeA: true) == Tensor([6, 8]))
        #expect(matmul(Tensor([1, 0, 1]), m) == Tensor([6, 8]))
        #expect(matmul(Tensor([1, 2]), Tensor([3, 4])) == Tensor(11))
    }

    @Test func batchedMatmulBroadcastsBatchAxes() {
        var rng = RandomGenerator(seed: 6)
        let a = Tensor.randomNormal([2, 3, 4, 2], using: &rng)
        let b = Tensor.randomNormal([3, 2, 5], using: &rng)
        let c = matmul(a, b)
        #expect(c.shape == [2, 3, 4, 5])
        for i in 0..<2 { for j in 0..<3 {
            let ref = naiveMatmul(a[.index(i), .index(j)], b[.index(j)])
            // k = 2 as above: scale-aware atol 2 k eps max(|A||B|).
            let atol = 2 * 2 * Double.ulpOfOne * matmul(abs(a[.index(i), .index(j)]), abs(b[.index(j)])).maxAll()
            expectClose(c[.index(i), .index(j)], ref, rtol: 1e-13, atol: atol)
        } }
        let t = matmul(a, a, transposeB: true)
        let a12 = a[.index(1), .index(2)]
        expectClose(t[.index(1), .index(2)], naiveMatmul(a12, a12.T), rtol: 1e-13,
                    atol: 2 * 2 * Double.ulpOfOne * matmul(abs(a12), abs(a12), transposeB: true).maxAll())
    }

    @Test func emptyInnerDimensionGivesZeros() {
        #expect(matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])) == Tensor.zeros([2, 3]))
    }

    @Test func dotOuterKronAndGram() {
        #expect(dot(Tensor([1, 2, 3]), Tensor([4, 5, 6])) == 32)
        #expect(outer(Tensor([1, 2]), Tensor([3, 4, 5])) == Tensor([[3, 4, 5], [6, 8, 10]]))
        let k = kron(Tensor([[1, 2], [3, 4]]), Tensor([[0, 1], [1, 0]]))
        #expect(k == Tensor([[0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0]]))
        #expect(kron(Tensor([1, 2]), Tensor([1, 10])) == Tensor([1, 10, 2, 20]))
        var rng = RandomGenerator(seed: 8)
        let x = Tensor.randomNormal([5, 3], using: &rng)
        // syrk vs the definition, k = 3: scale-aware atol 2 k eps max(|X||X^T|) as above.
        expectClose(x.gramRows(), naiveMatmul(x, x.T), rtol: 1e-13,
                    atol: 2 * 3 * Double.ulpOfOne * matmul(abs(x), abs(x), transposeB: true).maxAll())
    }
}
