import Foundation
import InductiveTensor

/// Spectral bias measured on a uniform grid: how much of each Fourier component of a target a
/// model has not yet fitted, and how strongly the NTK acts on each component.
///
/// Conventions: 1-D samples v_j = v(j / N), j < N; the amplitude of integer frequency k
/// (0 < k < N/2) is A_k(v) = (2/N) |sum_j v_j exp(-2 pi i k j / N)|, so that
/// A_k(a sin(2 pi k x + phi)) = |a| (for k = 0 and k = N/2 the factor is 1/N).
/// 2-D images [H, W] are split into radial bands of the integer frequency radius
/// round(sqrt(k^2 + l^2)) (k, l the signed `fftfreq` indices times H, W).
public enum FrequencyResiduals {
    /// A_k(v) for each requested frequency, of samples v [N] on the uniform grid.
    /// Cost O(N log N) (one FFT). Frequencies must lie in 0...N/2.
    public static func amplitudes(_ values: Tensor, frequencies: [Int]) -> [Double] {
        let v = values.flattened(), n = v.count
        precondition(frequencies.allSatisfy { $0 >= 0 && 2 * $0 <= n }, "FrequencyResiduals: frequencies must lie in 0...\(n / 2)")
        let spectrum = rfft(v)
        return frequencies.map { k in
            let factor = (k == 0 || 2 * k == n) ? 1.0 : 2.0
            return factor / Double(n) * Foundation.hypot(spectrum.real.scalars[k], spectrum.imag.scalars[k])
        }
    }

    /// A_k(f - y) / A_k(y) for each frequency: the fraction of the target's component k the
    /// model f has not fitted (1 at f = 0, 0 when fitted). Targets must have A_k(y) > 0.
    public static func relativeResiduals(prediction f: Tensor, target y: Tensor, frequencies: [Int]) -> [Double] {
        precondition(f.count == y.count, "FrequencyResiduals: prediction \(f.shape) vs target \(y.shape)")
        let r = amplitudes(f.flattened() - y.flattened(), frequencies: frequencies)
        let t = amplitudes(y, frequencies: frequencies)
        return zip(r, t).map { $1 > 0 ? $0 / $1 : .nan }
    }

    /// The radial band (integer frequency radius) of each 2-D frequency index of an H x W
    /// spectrum, row-major: round(sqrt(k^2 + l^2)) with signed k, l.
    public static func radialBands(height h: Int, width w: Int) -> [Int] {
        var bands: [Int] = []
        for r in 0..<h {
            let k = Double(r < (h + 1) / 2 ? r : r - h)
            for c in 0..<w {
                let l = Double(c < (w + 1) / 2 ? c : c - w)
                bands.append(Int((k * k + l * l).squareRoot().rounded()))
            }
        }
        return bands
    }

    /// Energy of an image [H, W] per radial band b = 0...maxBand: sum over frequencies of band b
    /// of |X_kl|^2 / (H W)^2 (Parseval: the bands sum to the mean of v^2). Cost O(H W log(H W)).
    public static func radialEnergy(_ image: Tensor) -> [Double] {
        precondition(image.rank == 2, "FrequencyResiduals.radialEnergy: expected [H, W], got \(image.shape)")
        let (h, w) = (image.shape[0], image.shape[1])
        let spectrum = fft2(ComplexTensor(real: image))
        let bands = radialBands(height: h, width: w)
        var energy = [Double](repeating: 0, count: bands.max()! + 1)
        let scale = 1 / Double(h * w * h * w)
        for (i, b) in bands.enumerated() {
            let (a, c) = (spectrum.real.scalars[i], spectrum.imag.scalars[i])
            energy[b] += (a * a + c * c) * scale
        }
        return energy
    }

    /// sqrt(E_b(f - y) / E_b(y)) per radial band of images [H, W]: the 2-D analogue of
    /// `relativeResiduals` (NaN for a band where the target has no energy).
    public static func radialRelativeResiduals(prediction f: Tensor, target y: Tensor) -> [Double] {
        precondition(f.shape == y.shape, "FrequencyResiduals: prediction \(f.shape) vs target \(y.shape)")
        let r = radialEnergy(f - y), t = radialEnergy(y)
        return zip(r, t).map { $1 > 0 ? ($0 / $1).squareRoot() : .nan }
    }

    /// The kernel's eigenvalue along Fourier mode k of a uniform grid of N points: the
    /// Rayleigh quotient of the unit vectors cos(2 pi k j / N) and sin(2 pi k j / N) averaged,
    /// lambda_k = (1/N^2) sum_{i,j} K_ij cos(2 pi k (i - j) / N), in the integral-operator
    /// scaling (divided by N, as `KernelEigensystem.operatorEigenvalues`). For a stationary
    /// (circulant) kernel these are exactly its eigenvalues; for any kernel, gradient descent
    /// under it shrinks the component of mode k of the residual at rate about eta N lambda_k.
    /// Cost O(N^2) per frequency.
    public static func modeEigenvalues(kernel: Tensor, frequencies: [Int]) -> [Double] {
        precondition(kernel.rank == 2 && kernel.shape[0] == kernel.shape[1], "modeEigenvalues: expected a square kernel, got \(kernel.shape)")
        let n = kernel.shape[0], s = kernel.scalars
        return frequencies.map { k in
            var total = 0.0
            for i in 0..<n { for j in 0..<n { total += s[i * n + j] * Foundation.cos(2 * Double.pi * Double((k * (i - j + n)) % n) / Double(n)) } }
            return total / Double(n * n)
        }
    }
}
