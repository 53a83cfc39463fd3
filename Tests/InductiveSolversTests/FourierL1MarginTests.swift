import Foundation
import InductiveSolvers
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct FourierL1MarginTests {
    @Test func singleCosineNeedsFourierNormTwo() throws {
        // <x, beta> = (1/d) sum_k conj(x_hat_k) beta_hat_k <= (max |x_hat| / d) ||beta_hat||_1 and
        // max |x_hat| = d/2 for x = cos(2 pi j / d): the optimum is 2, attained by beta = 2x/d.
        let d = 16
        let x = Tensor((0..<d).map { Foundation.cos(2 * Double.pi * Double($0) / Double(d)) }).reshaped([1, d])
        let s = try minimumFourierL1Margin(x, Tensor([1]))
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        // Converged to a relative duality gap <= 1e-9 (the default): the value is within 1e-9
        // relative of the optimum, the coefficients (strictly convex near this optimum) within
        // ~1e-8 absolute; 1e-7 leaves >= 10x.
        expectClose(s.fourierL1Norm, 2, rtol: 1e-7)
        expectClose(s.coefficients, x.reshaped([d]) * (2 / Double(d)), rtol: 0, atol: 1e-7)
    }

    @Test func deltaInputNeedsFourierNormD() throws {
        // x = e_0 has |x_hat_k| = 1 for every k, so the bound gives ||beta_hat||_1 >= d.
        let d = 8
        var e0 = [Double](repeating: 0, count: d)
        e0[0] = 1
        let s = try minimumFourierL1Margin(Tensor(shape: [1, d], scalars: e0), Tensor([1]))
        #expect(s.diagnostics.converged)
        expectClose(s.fourierL1Norm, Double(d), rtol: 1e-7)  // the relative gap <= 1e-9 bounds it, 100x
    }

    @Test func randomProblemHasASmallCertifiedGapAndASparseSpectrum() throws {
        var rng = RandomGenerator(seed: 1)
        let n = 12, d = 16
        let x = Tensor.randomNormal([n, d], using: &rng)
        let y = Tensor((0..<n).map { $0 % 2 == 0 ? 1.0 : -1.0 })
        let s = try minimumFourierL1Margin(x, y)
        #expect(s.diagnostics.converged, "\(s.diagnostics)")
        #expect(s.dualityGap >= -1e-9 && s.dualityGap < 1e-6, "gap \(s.dualityGap)")
        // The returned beta is rescaled by its minimum margin: 1 up to 16-term dot products and a
        // division, <= ~17 eps ~ 4e-15 relative; 1e-12 leaves 250x. The l1 norm from cos/sin
        // products vs the FFT's magnitudes: 16 sums of 16 terms, ~16 eps relative, likewise.
        expectClose(matmul(x * y.reshaped([n, 1]), s.coefficients).minAll(), 1, rtol: 1e-12)
        // The value agrees with NumPy's unnormalized DFT of the returned coefficients.
        let spectrum = fft(ComplexTensor(real: s.coefficients))
        expectClose(spectrum.magnitude.sumAll(), s.fourierL1Norm, rtol: 1e-12)
        // l1 in frequency is sparse there: fewer active frequencies than an l2 (SVM) solution.
        let svm = hardMarginSVM(x, y)
        let l2Spectrum = fft(ComplexTensor(real: svm.weights)).magnitude
        let active = spectrum.magnitude.scalars.filter { $0 > 1e-6 * spectrum.magnitude.maxAll() }.count
        let l2Active = l2Spectrum.scalars.filter { $0 > 1e-6 * l2Spectrum.maxAll() }.count
        #expect(active < l2Active, "active frequencies: l1 \(active), l2 \(l2Active)")
    }
}
