import Foundation
import InductiveAutodiff
import InductiveKernels
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct StructuredNTKTests {
    /// The structured path (per-layer Gram products) and the Jacobian path (per-example
    /// gradients from the autodiff, J1 J2^T) compute the same sums of products in different
    /// orders: agreement to 1e-10 relative on every entry (the bar; measured ~1e-14).
    /// Entries small by cancellation: each route is within ~P eps/2 max|K| (P <= 139 parameters,
    /// the longest sum), so atol P eps max|K| ~ 3e-14 max|K| (the former 1e-14 was below it).
    @Test(arguments: [
        (Activation.relu, true, 1), (.relu, false, 1), (.erf, true, 3), (.tanh, false, 2), (.gelu, true, 2), (.identity, true, 1),
    ])
    func agreesWithJacobianPath(_ activation: Activation, _ useBias: Bool, _ outputs: Int) throws {
        let net = mlp([4, 9, 7, outputs], activation: activation, useBias: useBias, seed: 3)
        let x1 = normal([6, 4], seed: 4), x2 = normal([5, 4], seed: 5)
        for contraction in [OutputContraction.trace, .mean, .full] {
            let structured = try empiricalNTK(net, x1, x2, outputs: contraction, implementation: .structured)
            let generic = try empiricalNTK(net, x1, x2, outputs: contraction, implementation: .jacobian)
            let pEps = Double(net.flatParameters.count) * Double.ulpOfOne
            expectClose(structured, generic, rtol: 1e-10, atol: pEps * generic.norm(.infinity), "\(activation) \(contraction)")
            let symmetric = try empiricalNTK(net, x1, outputs: contraction, implementation: .structured)
            let symmetricGeneric = try empiricalNTK(net, x1, outputs: contraction, implementation: .jacobian)
            expectClose(symmetric, symmetricGeneric, rtol: 1e-10, atol: pEps * symmetricGeneric.norm(.infinity))
        }
    }

    /// The fast paths of the structured kernel at a size where they all run: a scalar ReLU
    /// network without bias (the ReLU derivative formed directly, the last layer's rank-one
    /// signal Gram formed in place, the fused Hadamard pass split over the cores), and with
    /// bias and 2 outputs (the Gram products into reused buffers), against the Jacobian path
    /// (per-example gradients from the autodiff, J1 J2^T), whose sums run over the P
    /// parameters in another order: each route is within ~P eps/2 max|K| of the exact sums
    /// (P <= 1,058 here), so atol P eps max|K|, rtol 1e-10 as above. Symmetric (x2 = x1, syrk)
    /// and non-symmetric (gemm) alike; the symmetric result must be exactly symmetric.
    /// 260 x 200 = 52,000 and 260 x 260 = 67,600 pairs: above the 40,000 operations below
    /// which `parallelChunks` runs serially (`parallelWorkThreshold`), so on a machine with 2 or more cores the
    /// Hadamard passes run in concurrent row chunks (a wrong row offset or a race there fails
    /// here); 120 x 100 never reached them.
    @Test(arguments: [(false, 1), (true, 2)])
    func fastPathsAgreeWithJacobianPath(_ useBias: Bool, _ outputs: Int) throws {
        let net = mlp([6, 24, 32, outputs], activation: .relu, useBias: useBias, seed: 31)
        let x1 = normal([260, 6], seed: 32), x2 = normal([200, 6], seed: 33)
        let pEps = Double(net.flatParameters.count) * Double.ulpOfOne
        for contraction in [OutputContraction.trace, .mean] {
            var plan: EmpiricalKernelPlan?
            let structured = try empiricalNTK(net, x1, x2, outputs: contraction, implementation: .structured) { plan = $0 }
            // One block of all pairs, so each Hadamard pass covers 52,000 of them.
            #expect(plan?.blockRows1 == 260 && plan?.blockRows2 == 200)
            let generic = try empiricalNTK(net, x1, x2, outputs: contraction, implementation: .jacobian)
            expectClose(structured, generic, rtol: 1e-10, atol: pEps * generic.norm(.infinity), "\(contraction)")
            let symmetric = try empiricalNTK(net, x1, outputs: contraction, implementation: .structured)
            let symmetricGeneric = try empiricalNTK(net, x1, outputs: contraction, implementation: .jacobian)
            expectClose(symmetric, symmetricGeneric, rtol: 1e-10, atol: pEps * symmetricGeneric.norm(.infinity), "\(contraction)")
            #expect(asymmetry(symmetric) == 0)
        }
    }

    /// The other shapes of the structured path's passes, at the same size (260 x 200: the
    /// passes split over the cores; x1 != x2 is one block each side, written without zeroing):
    /// a one-unit hidden layer inside a 3-output network (the signal through it is formed in
    /// the act' pass, one column per output), a ReLU after the last Dense layer (the last
    /// derivative is [f > 0]), an identity hidden layer into a scalar output (a one-column
    /// signal times ones), and ReLU layers with bias (scale and bias in the ReLU pass). Against
    /// the Jacobian path with the
    /// tolerances above: P <= 1,001 parameters here, atol P eps max|K|, rtol 1e-10; the full
    /// kernel too, and the symmetric result must be exactly symmetric.
    @Test(arguments: [0, 1, 2, 3])
    func otherStackShapesAgreeWithJacobianPath(_ shape: Int) throws {
        var rng = RandomGenerator(seed: 41 + UInt64(shape))
        let net: Sequential
        switch shape {
        case 0:
            net = Sequential(
                Dense(inputSize: 6, outputSize: 24, activation: .relu, parameterization: .ntk(weightStd: 1.5, biasStd: 0.2), using: &rng),
                Dense(inputSize: 24, outputSize: 1, activation: .tanh, parameterization: .ntk(weightStd: 1.5, biasStd: 0.2), using: &rng),
                Dense(inputSize: 1, outputSize: 3, parameterization: .ntk(weightStd: 1.5, biasStd: 0.2), using: &rng))
        case 1:
            net = Sequential(mlp([6, 24, 32, 2], activation: .relu, useBias: false, seed: 42), ActivationLayer(.relu))
        case 2:
            net = mlp([6, 24, 1], activation: .identity, useBias: false, seed: 43)
        default:
            net = mlp([6, 24, 32, 1], activation: .relu, useBias: true, seed: 44)
        }
        let x1 = normal([260, 6], seed: 45), x2 = normal([200, 6], seed: 46)
        let pEps = Double(net.flatParameters.count) * Double.ulpOfOne
        for contraction in [OutputContraction.trace, .mean, .full] {
            var plan: EmpiricalKernelPlan?
            let structured = try empiricalNTK(net, x1, x2, outputs: contraction, implementation: .structured) { plan = $0 }
            #expect(plan?.blockRows1 == 260 && plan?.blockRows2 == 200)
            let generic = try empiricalNTK(net, x1, x2, outputs: contraction, implementation: .jacobian)
            expectClose(structured, generic, rtol: 1e-10, atol: pEps * generic.norm(.infinity), "shape \(shape) \(contraction)")
            if contraction == .full { continue }
            let symmetric = try empiricalNTK(net, x1, outputs: contraction, implementation: .structured)
            let symmetricGeneric = try empiricalNTK(net, x1, outputs: contraction, implementation: .jacobian)
            expectClose(symmetric, symmetricGeneric, rtol: 1e-10, atol: pEps * symmetricGeneric.norm(.infinity), "shape \(shape) \(contraction)")
            #expect(asymmetry(symmetric) == 0)
        }
    }

    /// Activation layers after identity Dense layers (the stax style), nested Sequentials and
    /// the mean-field and standard parameterizations are recognized too.
    @Test func recognizesActivationLayersAndParameterizations() throws {
        var rng = RandomGenerator(seed: 9)
        let net = Sequential(
            Dense(inputSize: 3, outputSize: 8, parameterization: .standard, using: &rng),
            ActivationLayer(.relu),
            Sequential(Dense(inputSize: 8, outputSize: 8, activation: .tanh, parameterization: .ntk(weightStd: 1.3, biasStd: 0.1), using: &rng),
                       ActivationLayer(.sigmoid)),
            Dense(inputSize: 8, outputSize: 2, parameterization: .meanField(weightStd: 1, biasStd: 0.5), using: &rng))
        let x = normal([5, 3], seed: 10)
        var plan: EmpiricalKernelPlan?
        let structured = try empiricalNTK(net, x, outputs: .full) { plan = $0 }
        #expect(plan?.implementation == .structured)
        let generic = try empiricalNTK(net, x, outputs: .full, implementation: .jacobian)
        expectClose(structured, generic, rtol: 1e-10, atol: Double(net.flatParameters.count) * Double.ulpOfOne * generic.norm(.infinity))  // P = 122, as above
    }

    /// Other parameters than the model's own (theta given explicitly) are used, not ignored.
    @Test func usesTheGivenParameters() throws {
        let net = mlp([3, 6, 1], activation: .relu, seed: 11)
        let x = normal([4, 3], seed: 12)
        let theta = net.parameters.map { $0 * 1.7 }
        var moved = net
        moved.parameters = theta
        // The same computation on the same parameter values: identical (rtol 1e-14 is slack).
        expectClose(try empiricalNTK(net, parameters: theta, x), try empiricalNTK(moved, x), rtol: 1e-14)
        #expect(relativeError(try empiricalNTK(net, x), try empiricalNTK(moved, x)) > 0.1)
    }
    /// The overwrite path (`accumulateNTK(overwrite: true)`, which the one-block kernel runs
    /// into an uninitialized output) gives the bits of the zeroed path (`overwrite: false`
    /// added to zeros), starting from a NaN-filled buffer: an entry the first layer fails to
    /// write, or adds to instead of writing, stays NaN and fails the comparison (fresh tensor
    /// memory is usually zero already and would hide it). One block and several (4 rows: each
    /// block pair writes its own region), x1 ≠ x2 (gemm) and x1 = x2 (syrk on the diagonal
    /// blocks), a rank-one last layer (scalar output) and Gram layers, with and without bias,
    /// trace and mean. The one-block x1 ≠ x2 result is also the public kernel's, bit for bit
    /// (the path `empiricalNTK` takes there).
    @Test(arguments: [([5, 9, 1], Activation.relu, false), ([5, 9, 7, 2], .relu, true), ([5, 8, 1], .tanh, true)])
    func overwritePathMatchesZeroedPathBitForBit(_ sizes: [Int], _ activation: Activation, _ useBias: Bool) throws {
        let net = mlp(sizes, activation: activation, useBias: useBias, seed: 51)
        let stack = try #require(DenseStack(model: net, parameters: net.parameters))
        let x1 = normal([13, 5], seed: 52), x2 = normal([10, 5], seed: 53)
        for contraction in [OutputContraction.trace, .mean] {
            for (a, b, same) in [(x1, x2, false), (x1, x1, true)] {
                let n1 = a.shape[0], n2 = b.shape[0]
                for blockRows in [13, 4] {
                    let blocks1 = stride(from: 0, to: n1, by: blockRows).map { $0..<Swift.min($0 + blockRows, n1) }
                    let blocks2 = stride(from: 0, to: n2, by: blockRows).map { $0..<Swift.min($0 + blockRows, n2) }
                    let scratch = GramScratch(capacity: blockRows * blockRows)
                    func run(start: Double, overwrite: Bool) -> [UInt64] {
                        var out = [Double](repeating: start, count: n1 * n2)
                        out.withUnsafeMutableBufferPointer { p in
                            for r1 in blocks1 {
                                let f1 = stack.features(a[rows: r1])
                                for r2 in blocks2 {
                                    stack.accumulateNTK(f1, stack.features(b[rows: r2]), same: same && r1 == r2, into: p.baseAddress!, n2: n2,
                                                        rows1: r1, rows2: r2, outputs: contraction, scratch: scratch, overwrite: overwrite)
                                }
                            }
                        }
                        return out.map(\.bitPattern)
                    }
                    let zeroed = run(start: 0, overwrite: false), overwritten = run(start: .nan, overwrite: true)
                    let label = "\(sizes) \(contraction) same \(same) blocks of \(blockRows)"
                    #expect(zeroed.allSatisfy { Double(bitPattern: $0).isFinite }, "\(label)")
                    #expect(overwritten == zeroed, "\(label)")
                    if !same && blockRows == 13 {
                        let library = try empiricalNTK(net, a, b, outputs: contraction, implementation: .structured)
                        #expect(library.scalars.map(\.bitPattern) == zeroed, "\(label)")
                    }
                }
            }
        }
    }
}
