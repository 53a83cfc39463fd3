import Foundation
import InductiveAutodiff
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ForwardModeTests {
    /// A two-layer network with biases, ReLU and softmax cross-entropy: the structure the
    /// forward-over-reverse path is built for (tangent-only parameter gradients of products).
    static func network(_ x: Tensor, _ labels: Tensor) -> @Sendable ([Variable]) -> Variable {
        { p in
            let h = relu(matmul(Variable(constant: x), p[0]) + p[1])
            let z = matmul(h, p[2]) + p[3]
            return -(Variable(constant: labels) * logSoftmax(z, axis: 1)).sum() * (1 / Double(x.shape[0]))
        }
    }

    static let shapes = [[6, 5], [5], [5, 3], [3]]

    /// H v of the network: forward over reverse against central differences of gradients (the
    /// second-order tier, 1e-5: differences of gradients at h ~ 6e-6, see
    /// OperationGradientTests) and against reverse over reverse (the same sums in other
    /// orders: entries are sums of <= 30 products of O(1) factors, ~30 eps ~ 7e-15 of their
    /// scale; 1e-12 scaled leaves >= 100x).
    @Test func networkHessianVectorProductBothMethods() {
        let x = normal([4, 6], seed: 21)
        var labels = Tensor.zeros([4, 3])
        for i in 0..<4 { labels[i, (i * 2) % 3] = 1 }
        let f = Self.network(x, labels)
        let params = Self.shapes.enumerated().map { normal($1, seed: 22 + UInt64($0)) }
        let vs = Self.shapes.enumerated().map { normal($1, seed: 32 + UInt64($0)) }
        let check = checkHessianVectorProduct(of: f, at: params, direction: vs, method: .forwardOverReverse)
        #expect(check.passes(.secondOrderFiniteDifferences), "\(check)")
        let forward = hessianVectorProduct(at: params, vectors: vs, of: f)
        let reverse = hessianVectorProduct(at: params, vectors: vs, method: .reverseOverReverse, of: f)
        let agreement = GradientCheckResult.scaledDifference(forward, reverse)
        #expect(agreement.passes(1e-12), "\(agreement)")
    }

    /// A parameter used by two products and an elementwise operation: its tangent-only
    /// gradients (whose values are placeholders) and a full gradient are summed; only the
    /// tangent is read. Tolerance as above (1e-12: ~20-term sums of O(1) products).
    @Test func parameterUsedSeveralTimes() {
        let x = normal([3, 4], seed: 41)
        let f: @Sendable ([Variable]) -> Variable = { p in
            let w = p[0]
            return square(tanh(matmul(matmul(Variable(constant: x), w), w))).sum() + (w * w * w).sum()
        }
        let w = normal([4, 4], seed: 42) * 0.5
        let v = normal([4, 4], seed: 43)
        let forward = hessianVectorProduct(at: [w], vectors: [v], of: f)
        let reverse = hessianVectorProduct(at: [w], vectors: [v], method: .reverseOverReverse, of: f)
        let agreement = GradientCheckResult.scaledDifference(forward, reverse)
        #expect(agreement.passes(1e-12), "\(agreement)")
        #expect(checkHessianVectorProduct(of: f, at: [w], direction: [v], method: .forwardOverReverse).passes(.secondOrderFiniteDifferences))
    }

    /// Tangents start at `Variable.dual` leaves only: constants carry none, and a result
    /// depending on no dual leaf has no tangent (nil, not zeros).
    @Test func tangentsFollowTheDualLeaves() {
        let a = Variable.dual(Tensor([1, 2]), tangent: Tensor([1, 0]))
        let c = Variable(constant: Tensor([3, 4]))
        #expect((c * c).tangent == nil)
        let y = a * c + c
        #expect(y.tangent == Tensor([3, 0]))   // d(a c + c) = c da, exact
        #expect(y.detached.tangent == nil)
        #expect(!y.requiresGrad)
        // jvp of a function not depending on its argument: zeros of the output's shape.
        let (_, t) = jvp(at: [Tensor([1, 2])], tangents: [Tensor([1, 1])]) { _ in Variable(constant: Tensor([5, 6, 7])) }
        #expect(t == Tensor.zeros([3]))
    }

    /// A custom operation without a tangent rule gets its tangent from its backward rule
    /// (local double VJP); with a rule, the rule is used. Both give 3 x^2 t for x^3; the
    /// inputs are exact binary fractions, so every route is exact (rtol 1e-15 allows a
    /// reordering only).
    @Test func customOperationTangents() {
        let x = Tensor([0.5, -2, 1.5]), t = Tensor([1, 0.25, -2])
        let derived = jvp(at: x, of: { v in
            customOperation("cube", inputs: [v], value: v.value * v.value * v.value, differentiableBackward: true) { r in
                [r.gradient * r.input(0) * r.input(0) * 3]
            }
        }, tangent: t).jvp
        let ruled = jvp(at: x, of: { v in
            customOperation("cube", inputs: [v], value: v.value * v.value * v.value, differentiableBackward: true,
                            tangent: { a in a.tangent(0).map { $0 * a.input(0) * a.input(0) * 3 } }) { r in
                [r.gradient * r.input(0) * r.input(0) * 3]
            }
        }, tangent: t).jvp
        let expected = 3 * x * x * t
        expectClose(derived, expected, rtol: 1e-15)
        expectClose(ruled, expected, rtol: 1e-15)
    }

    /// `gradientTangents` on a graph the caller built: the tangents of the gradients of a
    /// quadratic x^T A x along t are (A + A^T) t (exact algebra: 4-term sums of O(1) products,
    /// 1e-13 absolute as in DifferentiationTests).
    @Test func gradientTangentsOnABuiltGraph() {
        let a = normal([4, 4], seed: 44)
        let t = normal([4], seed: 45)
        let x = Variable.dual(normal([4], seed: 46), tangent: t, requiresGrad: true)
        let y = dot(x, matmul(Variable(a), x))
        let ht = gradientTangents(of: y, wrt: [x])[0]
        expectClose(ht, matmul(a + a.T, t), rtol: 0, atol: 1e-13)
    }

    /// A zero tangent is no tangent: pow(x, y) with x_0 = 0 (d/dy of x^y there is 0 log 0 =
    /// NaN by the formula; 0^y = 0 for y > 0, so the true derivative is 0) and y's tangent
    /// zero gives the single-argument jvp, and so does a non-zero tangent on y (the guarded
    /// rule: 0 at x = 0 < y). The inputs are exact binary fractions and each route forms the
    /// same products y x^(y-1) t_x, so they agree bit for bit; the y-tangent term elsewhere
    /// is x^y log x t_y (one log, a few products: rtol 1e-14). sqrt at 0 with a zero tangent:
    /// 0, not 0/0.
    @Test func zeroTangentsAtSingularPoints() {
        let x = Tensor([0, 0.5, 2]), y = Tensor([2.5, 3, 1.5])
        let tx = Tensor([1, -0.25, 0.5]), ty = Tensor([0.75, 0, -1])
        let (_, both) = jvp(at: [x, y], tangents: [tx, Tensor.zeros([3])]) { pow($0[0], $0[1]) }
        let single = jvp(at: x, of: { pow($0, Variable(constant: y)) }, tangent: tx).jvp
        #expect(both.scalars.allSatisfy { $0.isFinite }, "\(both)")
        #expect(both == single)
        let (_, alongY) = jvp(at: [x, y], tangents: [Tensor.zeros([3]), ty]) { pow($0[0], $0[1]) }
        let expectedY = Tensor((0..<3).map { i in
            x.scalars[i] == 0 ? 0 : Foundation.pow(x.scalars[i], y.scalars[i]) * Foundation.log(x.scalars[i]) * ty.scalars[i]
        })
        expectClose(alongY, expectedY, rtol: 1e-14)
        // The reverse rule agrees: d/dy sum(x^y) at x = 0 is 0.
        let yv = Variable.parameter(y)
        let dy = gradientTensors(of: pow(Variable(constant: x), yv).sum(), wrt: [yv])[0]
        #expect(dy.scalars.allSatisfy { $0.isFinite } && dy.scalars[0] == 0, "\(dy)")
        // sqrt: a zero tangent entry at 0 (dual leaf with a mixed tangent, so it is not dropped).
        let s = sqrt(Variable.dual(Tensor([0, 4]), tangent: Tensor([0, 1])))
        #expect(s.tangent == Tensor([0, 0.25]))
        // Forward over reverse with an all-zero direction block b through sqrt at 0:
        // f = sum(a^2 sqrt(b)), (H v)_a = 2 v_a sqrt(b) + 2 a d sqrt(b)[v_b] = 2 v_a sqrt(b)
        // for v_b = 0 (finite, although d sqrt/db is infinite at b = 0); exact here.
        let f: @Sendable ([Variable]) -> Variable = { p in (p[0] * p[0] * sqrt(p[1])).sum() }
        let at = [Tensor([0.5, -1]), Tensor([0, 4])], vs = [Tensor([1, 0.5]), Tensor.zeros([2])]
        let forward = hessianVectorProduct(at: at, vectors: vs, of: f)
        #expect(forward[0] == Tensor([0, 2]), "\(forward)")
    }

    /// A custom operation whose backward rule returns a constant (zero) gradient for an input
    /// it does not depend on: the double-VJP tangent skips that input instead of stopping.
    /// y = 2 a (b unused); the tangent is 2 t_a, exact.
    @Test func customOperationWithConstantGradient() {
        let a = Tensor([1, -2]), b = Tensor([3, 4])
        let (_, t) = jvp(at: [a, b], tangents: [Tensor([0.5, 1]), Tensor([1, 1])]) { v in
            customOperation("twiceFirst", inputs: v, value: v[0].value * 2, differentiableBackward: true) { r in
                [r.gradient * 2, Variable(constant: Tensor.zeros([2]))]
            }
        }
        #expect(t == Tensor([1, 2]))
    }

    /// The single-term tangent-only product paths (a constant factor, the parameter's
    /// gradient read for its tangent only) with transposed operands: matmul(x, W^T) and
    /// matmul(W, x^T) with x constant. Forward over reverse against reverse over reverse:
    /// entries are sums of <= 40 products of O(1) factors, ~40 eps of their scale; 1e-12
    /// scaled leaves >= 100x.
    @Test func tangentOnlyProductsWithTransposes() {
        let x = normal([5, 4], seed: 51), x2 = normal([3, 4], seed: 52)
        let f: @Sendable ([Variable]) -> Variable = { p in
            let h = tanh(matmul(Variable(constant: x), p[0], transposeB: true))          // [5, 3]
            let g = tanh(matmul(p[1], Variable(constant: x2), transposeB: true))          // [5, 3]
            let k = tanh(matmul(p[0], Variable(constant: x), transposeB: true))           // [3, 5]
            let m = tanh(matmul(Variable(constant: x), p[1], transposeA: true))            // [4, 4]
            return square(h * g).sum() + square(k).sum() + square(m).sum()
        }
        let params = [normal([3, 4], seed: 53) * 0.5, normal([5, 4], seed: 54) * 0.5]
        let vs = [normal([3, 4], seed: 55), normal([5, 4], seed: 56)]
        let forward = hessianVectorProduct(at: params, vectors: vs, of: f)
        let reverse = hessianVectorProduct(at: params, vectors: vs, method: .reverseOverReverse, of: f)
        let agreement = GradientCheckResult.scaledDifference(forward, reverse)
        #expect(agreement.passes(1e-12), "\(agreement)")
        #expect(checkHessianVectorProduct(of: f, at: params, direction: vs, method: .forwardOverReverse).passes(.secondOrderFiniteDifferences))
    }
}
