import Foundation

/// A complex tensor as two real tensors of equal shape (split storage), the layout the
/// FFT and BLAS work on directly.
public struct ComplexTensor: Sendable, Equatable {
    /// Real parts.
    public var real: Tensor
    /// Imaginary parts (same shape as `real`).
    public var imag: Tensor

    /// A complex tensor from its real and imaginary parts (equal shapes).
    public init(real: Tensor, imag: Tensor) {
        precondition(real.shape == imag.shape, "ComplexTensor: real \(real.shape) and imag \(imag.shape) differ")
        self.real = real
        self.imag = imag
    }

    /// A complex tensor with zero imaginary part.
    public init(real: Tensor) { self.init(real: real, imag: Tensor.zeros(like: real)) }

    /// The shape (of both parts).
    public var shape: [Int] { real.shape }

    /// |z| elementwise.
    public var magnitude: Tensor { Tensor.zipWith(real, imag) { Foundation.hypot($0, $1) } }
    /// arg z in (-pi, pi] elementwise.
    public var phase: Tensor { Tensor.zipWith(imag, real) { Foundation.atan2($0, $1) } }
    /// Complex conjugate.
    public var conjugate: ComplexTensor { ComplexTensor(real: real, imag: -imag) }

    /// Elementwise complex sum (broadcasting).
    public static func + (a: ComplexTensor, b: ComplexTensor) -> ComplexTensor {
        ComplexTensor(real: a.real + b.real, imag: a.imag + b.imag)
    }
    /// Elementwise complex difference (broadcasting).
    public static func - (a: ComplexTensor, b: ComplexTensor) -> ComplexTensor {
        ComplexTensor(real: a.real - b.real, imag: a.imag - b.imag)
    }
    /// Elementwise complex product (broadcasting).
    public static func * (a: ComplexTensor, b: ComplexTensor) -> ComplexTensor {
        ComplexTensor(real: a.real * b.real - a.imag * b.imag, imag: a.real * b.imag + a.imag * b.real)
    }
    /// Scaling by a real tensor (broadcasting).
    public static func * (a: ComplexTensor, b: Tensor) -> ComplexTensor {
        ComplexTensor(real: a.real * b, imag: a.imag * b)
    }
    /// Scaling by a real number.
    public static func * (a: ComplexTensor, s: Double) -> ComplexTensor {
        ComplexTensor(real: a.real * s, imag: a.imag * s)
    }
}

/// Scaling convention of a discrete Fourier transform pair, as NumPy's `norm` argument.
///
/// Forward: X_k = c * sum_{j<n} x_j exp(-2 pi i j k / n); inverse:
/// x_j = c' * sum_{k<n} X_k exp(+2 pi i j k / n), with (c, c') =
/// (1, 1/n) for `.backward` (NumPy's default), (1/sqrt(n), 1/sqrt(n)) for `.orthonormal`
/// (the transform is unitary: Parseval holds without factors), (1/n, 1) for `.forward`.
public enum DFTNormalization: Sendable {
    case backward, orthonormal, forward

    func forwardScale(_ n: Int) -> Double {
        switch self {
        case .backward: return 1
        case .orthonormal: return 1 / Double(n).squareRoot()
        case .forward: return 1 / Double(n)
        }
    }

    func inverseScale(_ n: Int) -> Double {
        switch self {
        case .backward: return 1 / Double(n)
        case .orthonormal: return 1 / Double(n).squareRoot()
        case .forward: return 1
        }
    }
}

/// A reusable plan for unnormalized complex DFTs of one length n: iterative radix-2 for
/// powers of two, Bluestein's chirp-z algorithm (through a power-of-two plan of length
/// >= 2n - 1) otherwise. Cost O(n log n) per transform, O(n) to build. Holding a plan
/// saves recomputing twiddle factors in loops (time steppers).
public struct FFTPlan: Sendable {
    /// The transform length.
    public let count: Int
    private let cosTable: [Double]   // cos(2 pi k / m), k < m/2 (radix-2 length m)
    private let sinTable: [Double]
    private let bitReverse: [Int]
    private let radixLength: Int
    // Bluestein data (nil for powers of two).
    private let chirpRe: [Double]?
    private let chirpIm: [Double]?
    private let kernelRe: [Double]?
    private let kernelIm: [Double]?

    /// A plan for length n >= 1 (twiddle factors; for n not a power of two, Bluestein's chirp).
    public init(count n: Int) {
        precondition(n >= 1, "FFTPlan: length must be positive")
        count = n
        let isPow2 = n & (n - 1) == 0
        var m = 1
        if isPow2 { m = n } else { while m < 2 * n - 1 { m <<= 1 } }
        radixLength = m
        let half = m / 2
        let ct = (0..<Swift.max(half, 1)).map { Foundation.cos(2 * Double.pi * Double($0) / Double(m)) }
        let st = (0..<Swift.max(half, 1)).map { Foundation.sin(2 * Double.pi * Double($0) / Double(m)) }
        var bits = 0
        while (1 << bits) < m { bits += 1 }
        let rev = (0..<m).map { i in
            var r = 0, x = i
            for _ in 0..<bits { r = (r << 1) | (x & 1); x >>= 1 }
            return r
        }
        cosTable = ct; sinTable = st; bitReverse = rev
        if isPow2 {
            chirpRe = nil; chirpIm = nil; kernelRe = nil; kernelIm = nil
            return
        }
        // w_k = exp(-i pi k^2 / n), with k^2 reduced mod 2n so the angle stays exact.
        var cr = [Double](repeating: 0, count: n), ci = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let r = (k * k) % (2 * n)
            let angle = Double.pi * Double(r) / Double(n)
            cr[k] = Foundation.cos(angle)
            ci[k] = -Foundation.sin(angle)
        }
        // Kernel b_j = conj(w_j) on j in (-n, n), wrapped to length m, transformed once.
        var br = [Double](repeating: 0, count: m), bi = [Double](repeating: 0, count: m)
        for j in 0..<n {
            br[j] = cr[j]; bi[j] = -ci[j]
            if j > 0 { br[m - j] = cr[j]; bi[m - j] = -ci[j] }
        }
        br.withUnsafeMutableBufferPointer { r in
            bi.withUnsafeMutableBufferPointer { i in
                FFTPlan.radix2(r.baseAddress!, i.baseAddress!, m, inverse: false, cos: ct, sin: st, rev: rev)
            }
        }
        chirpRe = cr; chirpIm = ci
        kernelRe = br; kernelIm = bi
    }

    private static func radix2(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ m: Int,
                               inverse: Bool, cos: [Double], sin: [Double], rev: [Int]) {
        if m == 1 { return }
        for i in 0..<m {
            let j = rev[i]
            if j > i {
                (re[i], re[j]) = (re[j], re[i])
                (im[i], im[j]) = (im[j], im[i])
            }
        }
        let sign: Double = inverse ? 1 : -1
        cos.withUnsafeBufferPointer { ct in
            sin.withUnsafeBufferPointer { st in
                var len = 2
                while len <= m {
                    let halfLen = len / 2
                    let step = m / len
                    var start = 0
                    while start < m {
                        var t = 0
                        for k in 0..<halfLen {
                            let wr = ct[t], wi = sign * st[t]
                            let a = start + k, b = a + halfLen
                            let xr = re[b] * wr - im[b] * wi
                            let xi = re[b] * wi + im[b] * wr
                            re[b] = re[a] - xr; im[b] = im[a] - xi
                            re[a] += xr; im[a] += xi
                            t += step
                        }
                        start += len
                    }
                    len <<= 1
                }
            }
        }
    }

    /// In-place unnormalized transform of `count` complex values:
    /// X_k = sum_j x_j exp(-+2 pi i j k / n) (minus sign forward, plus sign inverse).
    public func transform(real re: UnsafeMutablePointer<Double>, imag im: UnsafeMutablePointer<Double>, inverse: Bool) {
        let n = count
        guard let cr = chirpRe, let ci = chirpIm, let kr = kernelRe, let ki = kernelIm else {
            FFTPlan.radix2(re, im, n, inverse: inverse, cos: cosTable, sin: sinTable, rev: bitReverse)
            return
        }
        // Inverse through the forward transform: ifft(x) = conj(fft(conj(x))).
        let s: Double = inverse ? -1 : 1
        let m = radixLength
        var ar = [Double](repeating: 0, count: m), ai = [Double](repeating: 0, count: m)
        for j in 0..<n {
            let xr = re[j], xi = s * im[j]
            ar[j] = xr * cr[j] - xi * ci[j]
            ai[j] = xr * ci[j] + xi * cr[j]
        }
        ar.withUnsafeMutableBufferPointer { pr in
            ai.withUnsafeMutableBufferPointer { pi in
                FFTPlan.radix2(pr.baseAddress!, pi.baseAddress!, m, inverse: false, cos: cosTable, sin: sinTable, rev: bitReverse)
                for k in 0..<m {
                    let xr = pr[k] * kr[k] - pi[k] * ki[k]
                    let xi = pr[k] * ki[k] + pi[k] * kr[k]
                    pr[k] = xr; pi[k] = xi
                }
                FFTPlan.radix2(pr.baseAddress!, pi.baseAddress!, m, inverse: true, cos: cosTable, sin: sinTable, rev: bitReverse)
            }
        }
        let invM = 1 / Double(m)
        for k in 0..<n {
            let yr = ar[k] * invM, yi = ai[k] * invM
            re[k] = yr * cr[k] - yi * ci[k]
            im[k] = s * (yr * ci[k] + yi * cr[k])
        }
    }

    /// Transforms every length-`count` row of `x` (shape [..., count]) and scales by `scale`.
    public func transformRows(_ x: ComplexTensor, inverse: Bool, scale: Double = 1) -> ComplexTensor {
        precondition(x.shape.last == count, "FFTPlan(\(count)): last axis of \(x.shape) has the wrong length")
        var re = x.real, im = x.imag
        let rows = count == 0 ? 0 : re.count / count
        re.withUnsafeMutableBufferPointer { pr in
            im.withUnsafeMutableBufferPointer { pi in
                for r in 0..<rows {
                    transform(real: pr.baseAddress! + r * count, imag: pi.baseAddress! + r * count, inverse: inverse)
                }
                if scale != 1 { for i in 0..<pr.count { pr[i] *= scale; pi[i] *= scale } }
            }
        }
        return ComplexTensor(real: re, imag: im)
    }
}

private func alongAxis(_ x: ComplexTensor, _ axis: Int, _ body: (ComplexTensor) -> ComplexTensor) -> ComplexTensor {
    let rank = x.shape.count
    let a = Tensor.normalizeAxis(axis, rank: rank)
    if a == rank - 1 { return body(x) }
    var order = Array(0..<rank)
    order.swapAt(a, rank - 1)
    let moved = ComplexTensor(real: x.real.permuted(order), imag: x.imag.permuted(order))
    let y = body(moved)
    return ComplexTensor(real: y.real.permuted(order), imag: y.imag.permuted(order))
}

/// Discrete Fourier transform along `axis`: X_k = c sum_j x_j exp(-2 pi i j k / n), with
/// c set by `normalization` (see `DFTNormalization`). O(n log n) per transform.
public func fft(_ x: ComplexTensor, axis: Int = -1, normalization: DFTNormalization = .backward) -> ComplexTensor {
    alongAxis(x, axis) { m in
        let n = m.shape.last!
        return FFTPlan(count: n).transformRows(m, inverse: false, scale: normalization.forwardScale(n))
    }
}

/// Inverse DFT along `axis`: x_j = c' sum_k X_k exp(+2 pi i j k / n).
public func ifft(_ x: ComplexTensor, axis: Int = -1, normalization: DFTNormalization = .backward) -> ComplexTensor {
    alongAxis(x, axis) { m in
        let n = m.shape.last!
        return FFTPlan(count: n).transformRows(m, inverse: true, scale: normalization.inverseScale(n))
    }
}

/// DFT of real input along `axis`, keeping the n/2 + 1 non-negative frequencies (the
/// others are their complex conjugates), as NumPy `rfft`.
public func rfft(_ x: Tensor, axis: Int = -1, normalization: DFTNormalization = .backward) -> ComplexTensor {
    let a = Tensor.normalizeAxis(axis, rank: x.rank)
    let n = x.shape[a]
    let full = fft(ComplexTensor(real: x), axis: a, normalization: normalization)
    let keep = [Slice](repeating: .all, count: a) + [.range(0..<(n / 2 + 1))]
    return ComplexTensor(real: full.real.slice(keep), imag: full.imag.slice(keep))
}

/// Inverse of `rfft`: the real signal of length `count` (default 2 (m - 1) for m given
/// frequencies) whose spectrum has the given non-negative half. The imaginary parts of
/// the zero (and, for even n, Nyquist) frequencies are ignored, as in NumPy.
public func irfft(_ x: ComplexTensor, count: Int? = nil, axis: Int = -1, normalization: DFTNormalization = .backward) -> Tensor {
    let a = Tensor.normalizeAxis(axis, rank: x.shape.count)
    let m = x.shape[a]
    let n = count ?? 2 * (m - 1)
    precondition(n >= 1, "irfft: output length must be positive")
    let y = alongAxis(x, a) { z in
        let rows = z.real.count / m
        var re = [Double](repeating: 0, count: rows * n), im = [Double](repeating: 0, count: rows * n)
        for r in 0..<rows {
            for k in 0..<Swift.min(m, n / 2 + 1) {
                re[r * n + k] = z.real.scalars[r * m + k]
                im[r * n + k] = z.imag.scalars[r * m + k]
                if k > 0 && n - k != k {
                    re[r * n + n - k] = z.real.scalars[r * m + k]
                    im[r * n + n - k] = -z.imag.scalars[r * m + k]
                }
            }
            im[r * n] = 0
            if n % 2 == 0 && n / 2 < m { im[r * n + n / 2] = 0 }
        }
        let shape = Array(z.shape.dropLast()) + [n]
        let full = ComplexTensor(real: Tensor(shape: shape, scalars: re), imag: Tensor(shape: shape, scalars: im))
        return FFTPlan(count: n).transformRows(full, inverse: true, scale: normalization.inverseScale(n))
    }
    return y.real
}

/// 2-d DFT over the last two axes (rows then columns).
public func fft2(_ x: ComplexTensor, normalization: DFTNormalization = .backward) -> ComplexTensor {
    precondition(x.shape.count >= 2, "fft2: needs rank >= 2, got \(x.shape)")
    return fft(fft(x, axis: -1, normalization: normalization), axis: -2, normalization: normalization)
}

/// Inverse 2-d DFT over the last two axes.
public func ifft2(_ x: ComplexTensor, normalization: DFTNormalization = .backward) -> ComplexTensor {
    precondition(x.shape.count >= 2, "ifft2: needs rank >= 2, got \(x.shape)")
    return ifft(ifft(x, axis: -1, normalization: normalization), axis: -2, normalization: normalization)
}

/// Sample frequencies of a length-n DFT with sample spacing d (NumPy `fftfreq`):
/// [0, 1, ..., ceil(n/2) - 1, -floor(n/2), ..., -1] / (d n).
public func fftFrequencies(_ n: Int, spacing d: Double = 1) -> Tensor {
    Tensor((0..<n).map { k in Double(k < (n + 1) / 2 ? k : k - n) / (d * Double(n)) })
}
