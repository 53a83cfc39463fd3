import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct BLASTests {
    /// A small output over a long inner dimension is summed in slices (so that OpenBLAS keeps
    /// each call on one thread); the slices must add up to the whole product, for every
    /// transpose combination, with beta applied once. k = 40000 spans many slices (a 3 x 3
    /// output takes 29127 inner entries per slice, a 3 x 2 one 43690: the second case is one
    /// whole call). Tolerance: summation-order rounding. The naive reference adds k terms one
    /// by one to a partial sum S_p ~ sqrt(p): a random walk of roundings <= eps/2 |S_p|, standard
    /// deviation ~ eps/2 sqrt(sum_p S_p^2) ~ eps/2 k / sqrt(2) ~ 3e-12, times alpha = 2 (the
    /// blocked BLAS sum is more accurate). Entries are N(0, 400^2) and can be small by
    /// cancellation, so the absolute part carries the bound: 10 eps k = 8.8e-11, ~14 sigma
    /// (the former 1e-11 was 2 sigma). A lost slice or beta applied twice moves entries by
    /// O(sqrt(k / slices)) >= 100.
    @Test(arguments: [(3, 3), (3, 2), (1, 1)])
    func slicedInnerDimensionAddsUpToTheWholeProduct(m: Int, n: Int) {
        var rng = RandomGenerator(seed: 11)
        let k = 40_000
        let a = Tensor.randomNormal([m, k], using: &rng), b = Tensor.randomNormal([k, n], using: &rng)
        let c0 = Tensor.randomNormal([m, n], using: &rng)
        let expected = naiveMatmul(a, b) * 2 + c0 * 0.5
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let aStored = transposeA ? a.T : a, bStored = transposeB ? b.T : b
            var c = c0.scalars
            aStored.scalars.withUnsafeBufferPointer { pa in
                bStored.scalars.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 2,
                                  a: pa.baseAddress!, lda: aStored.shape[1], b: pb.baseAddress!, ldb: bStored.shape[1],
                                  beta: 0.5, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            expectClose(Tensor(shape: [m, n], scalars: c), expected, rtol: 1e-12, atol: 10 * Double.ulpOfOne * Double(k),
                        "transposeA \(transposeA), transposeB \(transposeB)")
        }
    }

    /// The same for the symmetric rank-k update behind `gramColumns` and `gramRows`.
    @Test func slicedGramMatricesAddUpToTheWholeProduct() {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.randomNormal([50_000, 4], using: &rng)
        // Off-diagonal entries N(0, 224^2): naive summation error ~ eps/2 k / sqrt(2) ~ 4e-12
        // (atol 1e-10 ~ 10 eps k, 25 sigma); diagonal ~5e4 with partial sums ~p: error ~eps/2
        // k^1.5 / sqrt(3) ~ 7e-10, i.e. 1.4e-14 relative (rtol 1e-12, 70x).
        expectClose(x.gramColumns(), naiveMatmul(x.T, x), rtol: 1e-12, atol: 1e-10)
        expectClose(x.T.gramRows(), naiveMatmul(x.T, x), rtol: 1e-12, atol: 1e-10)
    }
}
