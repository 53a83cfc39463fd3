import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct FourierMaskTests {
    /// The DFT matrices against the FFT (another algorithm: radix-2 / Bluestein). Sums of
    /// h w = 48 terms of size <= 1: errors of order 48 ε ≈ 1e-14 of the spectrum's scale
    /// (≈ 7); 1e-12 absolute is slack. 6 x 8 exercises a non-power-of-two side.
    @Test func dftMatchesFFT() {
        let dft = DFT2D(height: 6, width: 8)
        let images = uniform([3, 6, 8], seed: 1)
        let (re, im) = dft.forward(Variable(images.reshaped([3, 48])))
        let reference = fft2(ComplexTensor(real: images))
        expectClose(re.value, reference.real.reshaped([3, 48]), rtol: 0, atol: 1e-12)
        expectClose(im.value, reference.imag.reshaped([3, 48]), rtol: 0, atol: 1e-12)
        // Inverse of the forward: the identity (two sums of 48 terms).
        expectClose(dft.inverseReal(real: re, imag: im).value, images.reshaped([3, 48]), rtol: 0, atol: 1e-13)
    }

    /// A mask keeping only frequency (0, 0) leaves each image's mean everywhere; a mask of ones
    /// is the identity; a mask on (k, l) alone must agree with IFFT of the masked FFT.
    @Test func maskFilters() {
        var layer = FourierMask(height: 4, width: 4)
        let x = uniform([2, 16], seed: 3)
        expectClose(layer(x), x, rtol: 0, atol: 1e-14)
        var m = Tensor.zeros([4, 4])
        m[flat: 0] = 1
        layer.mask = m
        let y = layer(x)
        for i in 0..<2 {
            let mean = x.slice([.index(i)]).mean().scalar
            expectClose(y.slice([.index(i)]), Tensor(Array(repeating: mean, count: 16)), rtol: 0, atol: 1e-14)
        }
        m = normal([4, 4], seed: 9)
        layer.mask = m
        let spectrum = fft2(ComplexTensor(real: x.reshaped([2, 4, 4])))
        let reference = ifft2(spectrum * m).real.reshaped([2, 16])
        expectClose(layer(x), reference, rtol: 0, atol: 1e-13)
    }

    /// First and second order, with respect to the input and the mask.
    @Test func gradientChecks() {
        var layer = FourierMask(height: 3, width: 4)
        layer.mask = normal([3, 4], seed: 12)
        let (first, second) = checkLayer(layer, input: normal([2, 1, 3, 4], seed: 13))
        #expect(first.passes(.finiteDifferences), "\(first)")
        #expect(second.passes(.secondOrderFiniteDifferences), "\(second)")
    }
}
