import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct MonteCarloKernelsTests {
    /// The Monte-Carlo mean of the empirical NTK approaches the analytic NTK as the width
    /// grows (8 networks per width, 6 inputs on the unit circle, ReLU depth 2):
    /// - the standard error falls like width^(-1/2): theory 8x from width 32 to 2048, checked
    ///   > 4x (with 8 samples an s.e. is itself uncertain by ~25%, less over 21 entries);
    /// - the analytic kernel lies within the Monte-Carlo error: ||mean - Θ|| / ||s.e.||,
    ///   ~1 for an unbiased mean (the O(1/width) bias is below 0.1 s.e. here), < 3;
    /// - so the error of the mean falls too: theory 8x, checked > 3x.
    /// The NNGP estimate (outputs' Gram) fluctuates O(1) per network at every width; its
    /// mean is within the same 3 s.e. of the analytic NNGP.
    @Test func meanApproachesAnalyticKernelAsWidthGrows() throws {
        let mlp = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 0.1)
        let angles = Tensor.linspace(0, 2 * Double.pi, count: 6, endpoint: false)
        let x = Tensor.stack([cos(angles), sin(angles)], axis: 1)
        let exact = mlp.ntk(x), exactNNGP = mlp.nngp(x)
        var errors: [Double] = [], standardErrors: [Double] = []
        for width in [32, 2048] {
            var rng = RandomGenerator(seed: 100)
            let estimate = try monteCarloKernels(samples: 8, x, checkpoints: [2, 8], using: &rng) { rng in
                mlp.network(inputSize: 2, width: width, using: &rng)
            }
            #expect(estimate.checkpoints.map(\.samples) == [2, 8])
            expectClose(estimate.checkpoints[1].ntkMean, estimate.ntkMean, rtol: 0)  // the same 8 samples, same sums
            errors.append((estimate.ntkMean - exact).norm())
            standardErrors.append(estimate.ntkStandardError.norm())
            #expect(errors.last! / standardErrors.last! < 3, "width \(width): error \(errors.last!), s.e. \(standardErrors.last!)")
            let nngpRatio = (estimate.nngpMean - exactNNGP).norm() / estimate.nngpStandardError.norm()
            #expect(nngpRatio < 3, "width \(width): NNGP error / s.e. = \(nngpRatio)")
        }
        #expect(standardErrors[0] / standardErrors[1] > 4, "standard errors \(standardErrors)")
        #expect(errors[0] / errors[1] > 3, "errors \(errors)")
    }

    /// One sample has no variance estimate: NaN, not a misleading 0.
    @Test func singleSampleStandardErrorIsNaN() throws {
        var rng = RandomGenerator(seed: 1)
        let e = try monteCarloKernels(samples: 1, normal([3, 2], seed: 2), using: &rng) { rng in
            InfiniteWidthMLP(depth: 1, activation: .erf, weightStd: 1, biasStd: 0).network(inputSize: 2, width: 8, using: &rng)
        }
        #expect(e.ntkStandardError.scalars.allSatisfy { $0.isNaN })
    }
}
