import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

/// The DFT by its definition, O(n^2), as the reference.
func directDFT(_ x: ComplexTensor, inverse: Bool = false) -> ComplexTensor {
    let n = x.real.count
    let sign = inverse ? 1.0 : -1.0
    var re = [Double](repeating: 0, count: n), im = [Double](repeating: 0, count: n)
    for k in 0..<n {
        for j in 0..<n {
            let angle = sign * 2 * Double.pi * Double((j * k) % n) / Double(n)
            re[k] += x.real.scalars[j] * Foundation.cos(angle) - x.imag.scalars[j] * Foundation.sin(angle)
            im[k] += x.real.scalars[j] * Foundation.sin(angle) + x.imag.scalars[j] * Foundation.cos(angle)
        }
    }
    return ComplexTensor(real: Tensor(re), imag: Tensor(im))
}

func randomComplex(_ shape: [Int], seed: UInt64) -> ComplexTensor {
    var rng = RandomGenerator(seed: seed)
    return ComplexTensor(real: Tensor.randomNormal(shape, using: &rng), imag: Tensor.randomNormal(shape, using: &rng))
}

@Suite struct FFTTests {
    /// Powers of two take the radix-2 path; the others Bluestein's.
    @Test(arguments: [1, 2, 3, 5, 8, 12, 17, 64, 100, 128, 243, 256])
    func fftMatchesTheDirectSum(n: Int) {
        let x = randomComplex([n], seed: UInt64(n))
        let f = fft(x)
        let d = directDFT(x)
        // Entries |X_k| ~ sqrt(2n). The direct sum has n terms with rounded twiddles: error
        // <= ~4 n eps ~ 1e-15 n (the FFT's, ~eps log2 n ||x||, is smaller); atol 4e-14 n leaves
        // ~40x. The round trip of O(1) entries: ~eps log2 n (Bluestein: a few times that)
        // ~ 1e-14 for n <= 256, under 1e-13.
        let scale = Double(n).squareRoot() * 4
        expectClose(f.real, d.real, rtol: 0, atol: 1e-14 * scale * Double(n).squareRoot())
        expectClose(f.imag, d.imag, rtol: 0, atol: 1e-14 * scale * Double(n).squareRoot())
        let back = ifft(f)
        expectClose(back.real, x.real, rtol: 0, atol: 1e-13)
        expectClose(back.imag, x.imag, rtol: 0, atol: 1e-13)
    }

    @Test func orthonormalTransformIsUnitary() {
        let x = randomComplex([60], seed: 9)
        let f = fft(x, normalization: .orthonormal)
        let energy = { (z: ComplexTensor) in (z.real * z.real + z.imag * z.imag).sumAll() }
        // Sums of 2 x 60 squares and an FFT of 60 points: relative error ~ (60 + log2 60) eps/2 ~ 7e-15,
        // 1e-13 leaves 15x. Scaling by 1/60 then multiplying by 60: 2 roundings of |X_k| <~ 31, 1.4e-14.
        expectClose(energy(f), energy(x), rtol: 1e-13)
        let back = ifft(f, normalization: .orthonormal)
        expectClose(back.real, x.real, rtol: 0, atol: 1e-13)
        let forwardScaled = fft(x, normalization: .forward)
        expectClose(forwardScaled.real * 60, fft(x).real, rtol: 0, atol: 1e-12)
    }

    @Test func transformsAlongAnyAxis() {
        let x = randomComplex([3, 5, 4], seed: 10)
        let f = fft(x, axis: 1)
        for i in 0..<3 { for k in 0..<4 {
            let column = ComplexTensor(real: x.real[.index(i), .all, .index(k)], imag: x.imag[.index(i), .all, .index(k)])
            let d = directDFT(column)
            // n = 5 direct sums of O(1) terms: <= ~4 n eps ~ 5e-15; 1e-13 leaves 20x.
            expectClose(f.real[.index(i), .all, .index(k)], d.real, rtol: 0, atol: 1e-13)
        } }
    }

    @Test func realInputHalfSpectrumAndItsInverse() {
        var rng = RandomGenerator(seed: 11)
        for n in [8, 9] {
            let x = Tensor.randomNormal([2, n], using: &rng)
            let half = rfft(x)
            #expect(half.shape == [2, n / 2 + 1])
            let full = fft(ComplexTensor(real: x))
            // n = 8, 9 transforms of O(1) entries: ~eps log2 n * ||x|| ~ 1e-15; 1e-13 leaves 100x.
            expectClose(half.real, full.real[.all, .range(0..<(n / 2 + 1))], rtol: 0, atol: 1e-13)
            expectClose(irfft(half, count: n), x, rtol: 0, atol: 1e-13)
        }
    }

    @Test func twoDimensionalTransformIsSeparable() {
        let x = randomComplex([6, 8], seed: 12)
        let f = fft2(x)
        let rowsThenColumns = fft(fft(x, axis: 1), axis: 0)
        // fft2 is this very composition (the same code path, no BLAS): identical up to the
        // tolerance of the round trip below (|X| <~ 28, eps log2 48 * 28 ~ 4e-14 < 1e-13).
        expectClose(f.real, rowsThenColumns.real, rtol: 0, atol: 1e-13)
        // A single frequency image transforms to one spike.
        var wave = [Double](repeating: 0, count: 48)
        for r in 0..<6 { for c in 0..<8 { wave[r * 8 + c] = Foundation.cos(2 * Double.pi * (Double(r) / 6 + 2 * Double(c) / 8)) } }
        let spectrum = fft2(ComplexTensor(real: Tensor(shape: [6, 8], scalars: wave))).magnitude
        // Every bin is a sum of 48 unit-size terms computed by 2 transforms: |error| <= ~eps log2(48)
        // * ||x||_1 ~ 6e-14, relative 3e-15 of 24 (1e-13 leaves 30x); over the 48 bins (two spikes,
        // 46 rounding-level magnitudes) the total is within 48 * 6e-14 ~ 3e-12 of 48: 1e-11.
        // Two-sided: the former one-sided `sum - 48 < 1e-10` could not fail on a missing spike.
        expectClose(spectrum[1, 2], 24, rtol: 1e-13)
        expectClose(spectrum[5, 6], 24, rtol: 1e-13)
        #expect(Swift.abs(spectrum.sumAll() - 48) < 1e-11)
        let back = ifft2(f)
        expectClose(back.real, x.real, rtol: 0, atol: 1e-13)
    }

    /// Exact: k / (d n) with small integers is one correctly rounded division, as in NumPy.
    @Test func frequenciesMatchNumPy() {
        #expect(fftFrequencies(5) == Tensor([0, 0.2, 0.4, -0.4, -0.2]))
        #expect(fftFrequencies(4, spacing: 0.5) == Tensor([0, 0.5, -1, -0.5]))
    }

    @Test func planReuseGivesIdenticalResults() {
        let plan = FFTPlan(count: 12)
        let x = randomComplex([3, 12], seed: 13)
        let a = plan.transformRows(x, inverse: false)
        #expect(a == fft(x))  // same plan, same code path, no BLAS: bit-identical by construction
    }
}
