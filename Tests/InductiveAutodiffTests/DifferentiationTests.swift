import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct DifferentiationTests {
    /// The Hessian of x^T A x is A + A^T (exact algebra: 1e-13). Entries are one addition of
    /// standard normals (|a| < 4) and H 1 sums 5 of them: <= 5 eps max|H| ~ 1e-14, 10x.
    @Test func hessianOfAQuadraticForm() {
        let a = normal([5, 5], seed: 1)
        let x = normal([5], seed: 2)
        let h = hessian(at: x) { v in dot(v, matmul(Variable(a), v)) }
        expectClose(h, a + a.T, rtol: 0, atol: 1e-13)
        let hv = hessianVectorProduct(at: x, of: { v in dot(v, matmul(Variable(a), v)) }, vector: Tensor.ones([5]))
        expectClose(hv, matmul(a + a.T, Tensor.ones([5])), rtol: 0, atol: 1e-13)
    }

    /// grad ||grad C||^2 = 2 H grad C: the identity behind the modified loss of gradient
    /// descent, C + (eps/4) ||grad C||^2.
    @Test func gradientOfTheGradientNormIsTwiceHessianTimesGradient() {
        let target = normal([6], seed: 3)
        let m = normal([6, 4], seed: 4)
        func cost(_ w: Variable) -> Variable { (square(tanh(matmul(Variable(m), w)) - Variable(target))).sum() }
        let w = normal([4], seed: 5)
        let penaltyGradient = gradient(at: w) { v in
            let g = gradients(of: cost(v), wrt: [v], createGraph: true)[0]
            return (g * g).sum()
        }
        let g = gradient(at: w, of: cost)
        let hg = hessianVectorProduct(at: w, of: cost, vector: g)
        // Both are double-backward passes through the same forward graph (the same gemv calls on
        // the same operands): identical in practice. Otherwise ~10 operations on 4- and 6-term sums
        // of O(1) terms: ~20 eps ~ 4e-15 absolute, under atol 1e-14.
        expectClose(penaltyGradient, 2 * hg, rtol: 1e-12, atol: 1e-14)
    }

    @Test func valueAndGradientTogether() {
        let (value, g) = valueAndGradient(at: Tensor([3, 4])) { $0.norm() }
        #expect(value == 5)
        expectClose(g, Tensor([0.6, 0.8]), rtol: 1e-15)  // x / 5 with 5 = sqrt(25) exact: one rounding
        let (v2, gs) = valueAndGradients(at: [Tensor([2]), Tensor([5])]) { ($0[0] * $0[1]).sum() }
        #expect(v2 == 10 && gs == [Tensor([5]), Tensor([2])])
    }

    /// The Jacobian of f(x) = A tanh(x) is A diag(1 - tanh^2 x); rows streamed in chunks
    /// reassemble it exactly.
    @Test func jacobianByRowsAndInChunks() throws {
        let a = normal([3, 4], seed: 6)
        let x = normal([4], seed: 7)
        let f = { (v: Variable) in matmul(Variable(a), tanh(v)) }
        let j = try jacobian(at: x, of: f)
        let expected = a * (1 - square(tanh(x)))
        // Entry by entry the same products a_ij (1 - tanh^2 x_j) (no sums): a few ulp at most, and
        // the streamed rows below are the same backward passes: exactly equal.
        expectClose(j, expected, rtol: 1e-14, atol: 1e-15)
        let v = Variable.parameter(x)
        let y = f(v)
        var rows: [Tensor] = []
        var ranges: [Range<Int>] = []
        jacobianRows(of: y, wrt: v, rowsPerChunk: 2) { range, chunk in
            ranges.append(range)
            rows.append(chunk)
        }
        #expect(ranges == [0..<2, 2..<3])
        #expect(Tensor.concatenate(rows) == j)
        #expect(throws: JacobianTooLarge.self) { try jacobian(at: x, of: f, memoryBudget: 64) }
    }

    /// JVP by double VJP equals J t for an explicit Jacobian.
    @Test func jvpEqualsJacobianTimesTangent() throws {
        let a = normal([3, 4], seed: 8)
        let f = { (v: Variable) in sin(matmul(Variable(a), v)) }
        let x = normal([4], seed: 9), t = normal([4], seed: 10)
        let (_, jt) = jvp(at: x, of: f, tangent: t)
        // 4-term sums that can cancel: each side within ~4 eps (|J||t|)_i, so the absolute part is
        // 8 eps max(|J||t|) (the former fixed 1e-15 was below the bound for |J||t| ~ 3).
        let jacobianMatrix = try jacobian(at: x, of: f)
        expectClose(jt, matmul(jacobianMatrix, t), rtol: 1e-13,
                    atol: 8 * Double.ulpOfOne * matmul(abs(jacobianMatrix), abs(t)).maxAll())
    }

    /// Gradients through a broadcasting reduction chain (mean over rows of a matrix minus
    /// its column means) match finite differences. Step h = cbrt(eps) max(1, |x|) ~ 6e-6:
    /// truncation |f'''| h^2 / 6 ~ 6e-12 and rounding eps |f| / h ~ 4e-11 |f| per entry (scaled
    /// by max(1, |g|)); a wrong rule is off by O(1). 1e-6 / 1e-5 (second order) leave >= 1e4.
    @Test func broadcastingReductions() {
        let x = normal([4, 3], seed: 11)
        let f = { (v: [Variable]) in
            let centered = v[0] - v[0].mean(axis: 0, keepDims: true)
            return (centered * centered * Variable(normal([4, 3], seed: 12))).sum()
        }
        #expect(checkGradient(of: f, at: [x]).passes(.finiteDifferences))
        #expect(checkHessianVectorProduct(of: f, at: [x], direction: [normal([4, 3], seed: 13)]).passes(.secondOrderFiniteDifferences))
    }
}
