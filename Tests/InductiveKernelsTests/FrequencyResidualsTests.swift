import Foundation
import InductiveKernels
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct FrequencyResidualsTests {
    /// Amplitudes of a sum of sines and cosines on the grid, against the coefficients put in
    /// (FFT of 64 points: errors ~ log2(64) ε of the signal's scale, 1e-13 absolute is slack).
    @Test func amplitudesOfKnownSignal() {
        let n = 64
        let v = Tensor((0..<n).map { j -> Double in
            let x = Double(j) / Double(n)
            return 0.7 * sin(2 * .pi * 3 * x + 0.4) + 1.5 * cos(2 * .pi * 10 * x) + 0.25
        })
        let a = FrequencyResiduals.amplitudes(v, frequencies: [0, 3, 10, 11])
        expectClose(Tensor(a), Tensor([0.25, 0.7, 1.5, 0]), rtol: 0, atol: 1e-13)
        let rel = FrequencyResiduals.relativeResiduals(prediction: v * 0.9, target: v, frequencies: [3, 10])
        expectClose(Tensor(rel), Tensor([0.1, 0.1]), rtol: 1e-12)
    }

    /// Radial energies sum to the mean square (Parseval), and a single 2-D cosine lands in its band.
    @Test func radialEnergy() {
        let img = uniform([8, 8], seed: 5)
        let e = FrequencyResiduals.radialEnergy(img)
        expectClose(e.reduce(0, +), (img * img).mean().scalar, rtol: 1e-13)
        let cosine = Tensor(shape: [8, 8], scalars: (0..<64).map { i in cos(2 * .pi * (3 * Double(i / 8) + 4 * Double(i % 8)) / 8) })
        let bands = FrequencyResiduals.radialEnergy(cosine)
        // (3, 4) and (−3, −4) have radius 5; the mean square of the cosine is 1/2.
        expectClose(bands[5], 0.5, rtol: 1e-13)
        #expect(bands.enumerated().allSatisfy { $0.offset == 5 || $0.element < 1e-25 })
        #expect(FrequencyResiduals.radialRelativeResiduals(prediction: Tensor.zeros([8, 8]), target: cosine)[5] == 1)
    }

    /// For a circulant kernel K_ij = c((i − j) mod N), the Fourier modes are eigenvectors with
    /// eigenvalue Σ_m c(m) cos(2π k m / N); the mode eigenvalues (divided by N) must equal
    /// those, and must appear in the spectrum computed by the symmetric eigensolver (another route).
    @Test func circulantKernelModeEigenvalues() throws {
        let n = 16
        let c = (0..<n).map { m in exp(-Double(min(m, n - m)) / 2) }
        let k = Tensor(shape: [n, n], scalars: (0..<(n * n)).map { c[((($0 / n) - ($0 % n)) % n + n) % n] })
        let modes = FrequencyResiduals.modeEigenvalues(kernel: k, frequencies: [0, 1, 5, 8])
        let exact = [0, 1, 5, 8].map { f in (0..<n).reduce(0.0) { $0 + c[$1] * cos(2 * .pi * Double(f * $1) / Double(n)) } / Double(n) }
        expectClose(Tensor(modes), Tensor(exact), rtol: 1e-12)
        let spectrum = try eigvalsh(k).scalars.map { $0 / Double(n) }
        // κ ≈ 10 for this kernel, n = 16: the eigensolver is accurate to ~1e-14; 1e-12 is slack.
        for m in modes { #expect(spectrum.contains { abs($0 - m) < 1e-12 }) }
    }
}
