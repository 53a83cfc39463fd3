import Foundation
import InductiveAutodiff
import InductiveKernels
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct EmpiricalNTKTests {
    /// Θ from the definition: the full Jacobian of the flattened outputs with respect to the
    /// flat parameter vector, one row per (example, output), and J J'^T.
    func bruteForce(_ model: some Layer, _ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        func jac(_ x: Tensor) throws -> Tensor {
            let j = try jacobian(at: model.flatParameters) { theta in
                model.apply(parameters: model.unflatten(theta), to: Variable(constant: x)).reshaped([-1])
            }
            return j
        }
        let j1 = try jac(x1), j2 = try jac(x2)
        let k = j1.shape[0] / x1.shape[0]
        let product = matmul(j1, j2, transposeB: true)  // [n1 k, n2 k]
        return product.reshaped([x1.shape[0], k, x2.shape[0], k]).permuted([0, 2, 1, 3])
    }

    /// A convolutional network is not a dense stack: the Jacobian path is taken, and agrees
    /// with the definition to 1e-12 (same products, summed in another order). Each entry is a
    /// P = 50 term dot product of Jacobian rows (themselves within a few eps): each route is
    /// within ~P eps/2 max|K| of the exact value, so entries small by cancellation need the
    /// absolute part 2 P eps max|K| = 2.2e-14 max|K| (the former 1e-14 was below the bound).
    @Test func convolutionalNetworkUsesJacobianPath() throws {
        var rng = RandomGenerator(seed: 1)
        let net = Sequential(
            Reshape([1, 6]),
            Convolution(inputChannels: 1, outputChannels: 3, kernel: [3], padding: .circular, activation: .relu, using: &rng),
            Flatten(),
            Dense(inputSize: 18, outputSize: 2, using: &rng))
        let x1 = normal([4, 6], seed: 2), x2 = normal([3, 6], seed: 3)
        var plan: EmpiricalKernelPlan?
        let full = try empiricalNTK(net, x1, x2, outputs: .full) { plan = $0 }
        #expect(plan?.implementation == .jacobian)
        let expected = try bruteForce(net, x1, x2)
        let p = Double(net.flatParameters.count)
        expectClose(full, expected, rtol: 1e-12, atol: 2 * p * Double.ulpOfOne * expected.norm(.infinity))
        // The trace adds the same gemm's diagonal entries in the same order (k = 2: 0 + a + b),
        // and .mean multiplies by the exact 1/2: both identical in fact; the tolerances only
        // allow for that implementation detail to change.
        let trace = try empiricalNTK(net, x1, x2)
        let traceOfFull = full.reshaped([4, 3, 4]).slice([.all, .all, .range(0..<4, step: 3)]).sum(axis: 2)
        expectClose(trace, traceOfFull, rtol: 1e-12)
        expectClose(try empiricalNTK(net, x1, x2, outputs: .mean), trace * 0.5, rtol: 1e-15)
    }

    /// A budget small enough to force many blocks gives the same kernel as one block, on
    /// both paths, with x2 = x1 (upper blocks mirrored) and with x2 separate.
    @Test func blockingUnderASmallBudgetChangesNothing() throws {
        let net = mlp([5, 16, 16, 2], activation: .relu, seed: 4)
        let x1 = normal([23, 5], seed: 5), x2 = normal([17, 5], seed: 6)
        for implementation in [EmpiricalNTKImplementation.structured, .jacobian] {
            for second in [nil, x2] as [Tensor?] {
                for outputs in [OutputContraction.trace, .full] {
                    let whole = try empiricalNTK(net, x1, second, outputs: outputs, implementation: implementation)
                    var plan: EmpiricalKernelPlan?
                    let onePlan = try empiricalNTKPlan(net, x1, second, outputs: outputs, implementation: implementation)
                    let tight = MemoryBudget(bytes: onePlan.estimatedPeakBytes - (whole.count * 8) / 2 - 1)
                    let blocked = try empiricalNTK(net, x1, second, outputs: outputs, budget: tight, implementation: implementation) { plan = $0 }
                    #expect(plan!.blockCount > 1 && plan!.estimatedPeakBytes <= tight.bytes, "\(plan!)")
                    // Different BLAS calls (block shapes; syrk on diagonal blocks vs gemm): the same
                    // sums in another order. Longest inner dimension P = 402 parameters (Jacobian
                    // path; the structured path's are widths <= 16): each within P eps/2 max|K|,
                    // so atol P eps max|K| = 9e-14 max|K| (the former 1e-15 max|K| was 100x below
                    // the bound for entries small by cancellation).
                    expectClose(blocked, whole, rtol: 1e-13, atol: Double(net.flatParameters.count) * Double.ulpOfOne * whole.norm(.infinity))
                }
            }
        }
    }

    /// The plan is reported before work starts, names the path, and an impossible budget
    /// throws before any work.
    @Test func planIsReportedAndBudgetEnforced() throws {
        let net = mlp([3, 8, 1], activation: .relu, seed: 7)
        let x = normal([10, 3], seed: 8)
        let plan = try empiricalNTKPlan(net, x)
        #expect(plan.implementation == .structured && plan.symmetric && plan.blockCount == 1)
        #expect(plan.description.contains("structured") && plan.description.contains("budget"))
        #expect(throws: MemoryBudgetExceeded.self) { try empiricalNTK(net, x, budget: MemoryBudget(bytes: 100)) }
    }

    /// Against neural-tangents 0.6.5 (`empirical_ntk_fn`, float64) on two small MLPs with the
    /// weights it drew: full [n1, n2, k, k] and its default mean over outputs. Both are exact
    /// sums of products, so 1e-12 relative (measured ~1e-15). Entries are P-term dot products
    /// (P = 387 and 72 parameters) that can be small by cancellation (ReLU full: 0.002 vs a
    /// maximum of 19): two summation orders differ by <= P eps max|K|, the absolute part (the
    /// former fixed 1e-15 was below it). Forward pass: 3 layers of <= 16-term dot products,
    /// <= ~35 eps/2 of max|f| per route; atol 64 eps max|f| (outputs down to 0.013).
    @Test(arguments: ["relu_bias", "erf_nobias"])
    func agreesWithNeuralTangents(_ name: String) throws {
        let f = try fixture("nt_empirical.npz")
        let activation: Activation = name.hasPrefix("relu") ? .relu : .erf
        let (s, b) = name.hasPrefix("relu") ? (1.5, 0.2) : (1.3, 0.0)
        var layers: [any Layer] = []
        var l = 0
        while let w = f["\(name)_W\(l)"]?.tensor {
            let next = f["\(name)_W\(l + 1)"] != nil
            layers.append(Dense(weight: w, bias: f["\(name)_b\(l)"]?.tensor, activation: next ? activation : .identity,
                                parameterization: .ntk(weightStd: s, biasStd: b)))
            l += 1
        }
        let net = Sequential(layers)
        let x1 = try f.tensor("\(name)_x1"), x2 = try f.tensor("\(name)_x2")
        let outputs1 = try f.tensor("\(name)_outputs1")
        expectClose(net(x1), outputs1, rtol: 1e-12, atol: 64 * Double.ulpOfOne * outputs1.norm(.infinity), "forward pass")
        let pEps = Double(net.flatParameters.count) * Double.ulpOfOne
        for implementation in [EmpiricalNTKImplementation.structured, .jacobian] {
            let full = try f.tensor("\(name)_ntk_full"), mean = try f.tensor("\(name)_ntk_mean")
            let mean11 = try f.tensor("\(name)_ntk_mean11")
            expectClose(try empiricalNTK(net, x1, x2, outputs: .full, implementation: implementation),
                        full, rtol: 1e-12, atol: pEps * full.norm(.infinity))
            expectClose(try empiricalNTK(net, x1, x2, outputs: .mean, implementation: implementation),
                        mean, rtol: 1e-12, atol: pEps * mean.norm(.infinity))
            expectClose(try empiricalNTK(net, x1, outputs: .mean, implementation: implementation),
                        mean11, rtol: 1e-12, atol: pEps * mean11.norm(.infinity))
        }
        let nngp = try f.tensor("\(name)_nngp_mean")
        expectClose(empiricalNNGP(net, x1, x2, outputs: .mean), nngp, rtol: 1e-12, atol: 64 * Double.ulpOfOne * nngp.norm(.infinity))
    }

    /// The NNGP is the Gram matrix of the outputs; trace = k x mean; full has f_a(x) f_b(x').
    @Test func empiricalNNGPIsTheOutputGram() {
        let net = mlp([3, 7, 2], activation: .erf, seed: 9)
        let x1 = normal([4, 3], seed: 10), x2 = normal([3, 3], seed: 11)
        let f1 = net(x1), f2 = net(x2)
        // The library makes this very gemm call on the same operands (the forward pass is
        // deterministic): identical; one product and a reshape below are exact.
        expectClose(empiricalNNGP(net, x1, x2), matmul(f1, f2, transposeB: true), rtol: 1e-14)
        expectClose(empiricalNNGP(net, x1, x2, outputs: .mean), matmul(f1, f2, transposeB: true) * 0.5, rtol: 1e-14)
        let full = empiricalNNGP(net, x1, x2, outputs: .full)
        #expect(full.shape == [4, 3, 2, 2])
        expectClose(Tensor(full[1, 2, 0, 1]), Tensor(f1[1, 0] * f2[2, 1]), rtol: 1e-15)
        expectClose(flattenedFullKernel(full)[1 * 2 + 0, 2 * 2 + 1], full[1, 2, 0, 1], rtol: 0)
    }

    /// Symmetric and PSD: Θ(X, X) = J J^T.
    @Test func symmetricPositiveSemidefinite() throws {
        let net = mlp([4, 32, 32, 3], activation: .tanh, seed: 12)
        let x = normal([20, 4], seed: 13)
        for outputs in [OutputContraction.trace, .mean] {
            let k = try empiricalNTK(net, x, outputs: outputs)
            #expect(asymmetry(k) == 0)  // mirrored by construction (syrk triangle, upper blocks)
            // J J^T with P = 1315 and n = 20 (60 for full): computed eigenvalues are within
            // ||E||_2 of exact ones >= 0: rounding errors of the P-term sums are independent,
            // ||E||_2 ~ sqrt(n P) eps/2 max|K| ~ 2e-14 (a worst case n P eps/2 ~ 3e-12 would need
            // every rounding aligned). These kernels have λ_min / λ_max = 4e-3 (full: 1.7e-3), so
            // -1e-12 fails only for a wrong kernel.
            #expect(try relativeMinimumEigenvalue(k) > -1e-12)
        }
        let full = flattenedFullKernel(try empiricalNTK(net, x, outputs: .full))
        #expect(asymmetry(full) < 1e-15)  // symmetric by construction: in fact 0
        #expect(try relativeMinimumEigenvalue(full) > -1e-12)
    }
}
