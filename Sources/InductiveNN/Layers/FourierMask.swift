import Foundation
import InductiveAutodiff
import InductiveTensor

/// The 2-D discrete Fourier transform of h x w images as two fixed real matrices acting on
/// row-major flattened images, so that it is differentiable through ordinary matrix products:
/// X[k, l] = sum_{r, c} x[r, c] exp(-2 pi i (k r / h + l c / w)) (NumPy's `fft2`, unnormalized),
/// i.e. vec(X) = (D_h ⊗ D_w) vec(x) = (real + i imag) vec(x). Both matrices are symmetric.
/// Memory 2 (h w)^2 scalars: meant for small images (digits); cost 2 (h w)^2 flops per image.
public struct DFT2D: Sendable, Equatable {
    public let height: Int
    public let width: Int
    /// Re(D_h ⊗ D_w), [h w, h w].
    public let real: Tensor
    /// Im(D_h ⊗ D_w), [h w, h w].
    public let imag: Tensor

    public init(height: Int, width: Int) {
        precondition(height > 0 && width > 0 && height * width <= 4096, "DFT2D: sizes must be positive and h w <= 4096 (dense matrices)")
        self.height = height
        self.width = width
        let n = height * width
        var re = [Double](repeating: 0, count: n * n), im = re
        for k in 0..<height {
            for l in 0..<width {
                for r in 0..<height {
                    for c in 0..<width {
                        // Reduce the phase modulo the period before the trigonometric call (exact integers).
                        let a = -2 * Double.pi * (Double((k * r) % height) / Double(height) + Double((l * c) % width) / Double(width))
                        re[(k * width + l) * n + r * width + c] = Foundation.cos(a)
                        im[(k * width + l) * n + r * width + c] = Foundation.sin(a)
                    }
                }
            }
        }
        real = Tensor(shape: [n, n], scalars: re)
        imag = Tensor(shape: [n, n], scalars: im)
    }

    /// The spectra of a batch of flattened images x [batch, h w]: (Re X, Im X), each [batch, h w].
    public func forward(_ x: Variable) -> (real: Variable, imag: Variable) {
        (matmul(x, Variable(constant: real)), matmul(x, Variable(constant: imag)))
    }

    /// Re of the inverse transform, x = Re(conj(D) X) / (h w), of spectra [batch, h w].
    public func inverseReal(real a: Variable, imag b: Variable) -> Variable {
        (matmul(a, Variable(constant: real)) + matmul(b, Variable(constant: imag))) * (1 / Double(height * width))
    }

    /// Re(IDFT(m ⊙ DFT(x))) for a batch of flattened images x [batch, h w] and a real mask
    /// m [h w] (row-major over frequencies (k, l), index k w + l; NumPy's frequency order).
    /// Linear in x and in m; the identity for m = 1.
    public func filter(_ x: Variable, mask m: Variable) -> Variable {
        let (a, b) = forward(x)
        return inverseReal(real: a * m, imag: b * m)
    }
}

/// A trainable mask on the 2-D Fourier spectrum of images: y = Re(IDFT(m ⊙ DFT(x))) with
/// m [h, w] real (the parameter, initialised to 1: the identity). Inputs [batch, h w] or
/// [batch, ..., h, w] (any shape whose trailing extents multiply to h w per example); the
/// output has the input's shape. Put it in front of a frozen classifier and train m with
/// loss + lambda ||m||_1 to see which frequencies the classifier needs.
public struct FourierMask: Layer {
    /// m, [h, w], frequencies in NumPy's `fft2` order (index (k, l), k = 0 the constant row).
    public var mask: Tensor
    public let dft: DFT2D

    public init(height: Int, width: Int) {
        dft = DFT2D(height: height, width: width)
        mask = Tensor.ones([height, width])
    }

    public var parameters: [Tensor] {
        get { [mask] }
        set {
            precondition(newValue.count == 1 && newValue[0].shape == mask.shape, "FourierMask: parameters \(newValue.map(\.shape)), expected one of shape \(mask.shape)")
            mask = newValue[0]
        }
    }
    public var parameterNames: [String] { ["mask"] }

    public func forward(_ x: Variable, parameters: ArraySlice<Variable>, context: inout ForwardContext) -> Variable {
        let n = dft.height * dft.width
        precondition(x.rank >= 1 && x.count == x.shape[0] * n, "FourierMask: input \(x.shape), expected \(n) values per example")
        let flat = x.reshaped([x.shape[0], n])
        return dft.filter(flat, mask: parameters[parameters.startIndex].reshaped([n])).reshaped(x.shape)
    }
}
