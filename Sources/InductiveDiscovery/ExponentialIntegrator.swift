import Foundation
import InductiveTensor

/// A complex number for the per-mode arithmetic of the spectral solvers.
struct Complex {
    var re: Double
    var im: Double
    init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }
    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func * (a: Double, b: Complex) -> Complex { Complex(a * b.re, a * b.im) }
    static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    var exp: Complex {
        let m = Foundation.exp(re)
        return Complex(m * Foundation.cos(im), m * Foundation.sin(im))
    }
}

/// The per-mode coefficients of ETDRK4 (Cox and Matthews 2002) for u_t = L u + N(u) with L
/// diagonal (one complex value L_k per mode), by contour integrals (Kassam and Trefethen 2005):
/// for z = h L_k each phi-function is the mean of its values at `contourPoints` points w of the
/// circle of radius 1 around z, which avoids the cancellation of the direct formulas at small |z|:
///
///     E = e^z, E2 = e^(z/2), Q = h mean((e^(w/2) - 1)/w),
///     f1 = h mean((-4 - w + e^w (4 - 3w + w^2))/w^3), f2 = h mean((2 + w + e^w (w - 2))/w^3),
///     f3 = h mean((-4 - 3w - w^2 + e^w (4 - w))/w^3).
///
/// As z -> 0, Q -> h/2 and f1, f2, f3 -> h/6. Cost O(modes * contourPoints), once per step size.
public struct ETDRK4Coefficients: Sendable, Equatable {
    /// e^(hL), e^(hL/2), Q, f1, f2, f3, each of shape [modes].
    public let e: ComplexTensor, e2: ComplexTensor, q: ComplexTensor, f1: ComplexTensor, f2: ComplexTensor, f3: ComplexTensor

    /// Coefficients for the linear symbol L (real and imaginary parts, one entry per mode) and step h.
    public init(linear: ComplexTensor, step h: Double, contourPoints m: Int = 64) {
        precondition(linear.shape.count == 1 && h > 0 && m >= 8, "ETDRK4Coefficients: need a vector symbol, h > 0, >= 8 contour points")
        let roots = (0..<m).map { j -> Complex in
            let angle = 2 * Double.pi * (Double(j) + 0.5) / Double(m)
            return Complex(Foundation.cos(angle), Foundation.sin(angle))
        }
        var columns = [[Complex]](repeating: [], count: 6)
        for k in 0..<linear.shape[0] {
            let z = h * Complex(linear.real.scalars[k], linear.imag.scalars[k])
            var sq = Complex(0), s1 = Complex(0), s2 = Complex(0), s3 = Complex(0)
            for r in roots {
                let w = z + r
                let ew = w.exp, w2 = w * w, w3 = w2 * w
                sq = sq + ((0.5 * w).exp - Complex(1)) / w
                s1 = s1 + (Complex(-4) - w + ew * (Complex(4) - 3 * w + w2)) / w3
                s2 = s2 + (Complex(2) + w + ew * (w - Complex(2))) / w3
                s3 = s3 + (Complex(-4) - 3 * w - w2 + ew * (Complex(4) - w)) / w3
            }
            let scale = h / Double(m)
            for (i, value) in [z.exp, (0.5 * z).exp, scale * sq, scale * s1, scale * s2, scale * s3].enumerated() {
                columns[i].append(value)
            }
        }
        func tensor(_ c: [Complex]) -> ComplexTensor { ComplexTensor(real: Tensor(c.map(\.re)), imag: Tensor(c.map(\.im))) }
        (e, e2, q, f1, f2, f3) = (tensor(columns[0]), tensor(columns[1]), tensor(columns[2]), tensor(columns[3]),
                                  tensor(columns[4]), tensor(columns[5]))
    }

    func values(_ t: ComplexTensor) -> [Complex] { zip(t.real.scalars, t.imag.scalars).map { Complex($0, $1) } }
}

/// ETDRK4 for u_t = L u + c (u^2)_x on a periodic grid, pseudo-spectral (see `ETDRK4Coefficients`).
///
/// Step (v = FFT(u), N(v) = c i k FFT((IFFT v)^2), masked for dealiasing):
///
///     a = E2 v + Q N(v);  b = E2 v + Q N(a);  c = E2 a + Q (2 N(b) - N(v))
///     v <- E v + f1 N(v) + 2 f2 (N(a) + N(b)) + f3 N(c)
///
/// Fourth order in h; exact for the linear part. Cost: 8 FFTs of length n per step.
struct QuadraticETDRK4 {
    let n: Int
    let plan: FFTPlan
    let e: [Complex], e2: [Complex], q: [Complex], f1: [Complex], f2: [Complex], f3: [Complex]
    /// c i k_j times the dealiasing mask: the multiplier of FFT(u^2) in N.
    let g: [Complex]

    init(linear: [Complex], wavenumbers: [Double], coefficient: Double, step h: Double, dealias: Bool) {
        let n = linear.count
        self.n = n
        plan = FFTPlan(count: n)
        let c = ETDRK4Coefficients(linear: ComplexTensor(real: Tensor(linear.map(\.re)), imag: Tensor(linear.map(\.im))), step: h)
        (e, e2, q, f1, f2, f3) = (c.values(c.e), c.values(c.e2), c.values(c.q), c.values(c.f1), c.values(c.f2), c.values(c.f3))
        let cutoff = Double(n) / 3
        g = (0..<n).map { j in
            let index = j <= n / 2 ? Double(j) : Double(j - n)
            // 2/3 rule: drop |index| >= n/3; the Nyquist mode of an even n has no sign and is dropped too.
            let keep = !dealias || Swift.abs(index) < cutoff
            let nyquist = n % 2 == 0 && j == n / 2
            return (keep && !nyquist) ? Complex(0, coefficient * wavenumbers[j]) : Complex(0)
        }
    }

    /// N(v) = g * FFT((IFFT v)^2), written into (outRe, outIm).
    func nonlinear(_ vr: [Double], _ vi: [Double], _ outRe: inout [Double], _ outIm: inout [Double]) {
        var ur = vr, ui = vi
        ur.withUnsafeMutableBufferPointer { pr in
            ui.withUnsafeMutableBufferPointer { pi in
                plan.transform(real: pr.baseAddress!, imag: pi.baseAddress!, inverse: true)
                let inv = 1 / Double(n)
                for j in 0..<n {
                    let u = pr[j] * inv
                    pr[j] = u * u
                    pi[j] = 0
                }
                plan.transform(real: pr.baseAddress!, imag: pi.baseAddress!, inverse: false)
            }
        }
        for j in 0..<n {
            outRe[j] = g[j].re * ur[j] - g[j].im * ui[j]
            outIm[j] = g[j].re * ui[j] + g[j].im * ur[j]
        }
    }

    /// One step of length h, in place on the spectrum (vr, vi).
    func step(_ vr: inout [Double], _ vi: inout [Double]) {
        var nvR = [Double](repeating: 0, count: n), nvI = nvR
        var naR = nvR, naI = nvR, nbR = nvR, nbI = nvR, ncR = nvR, ncI = nvR
        var ar = nvR, ai = nvR, br = nvR, bi = nvR, cr = nvR, ci = nvR
        nonlinear(vr, vi, &nvR, &nvI)
        for j in 0..<n {
            let x = e2[j] * Complex(vr[j], vi[j]) + q[j] * Complex(nvR[j], nvI[j])
            ar[j] = x.re; ai[j] = x.im
        }
        nonlinear(ar, ai, &naR, &naI)
        for j in 0..<n {
            let x = e2[j] * Complex(vr[j], vi[j]) + q[j] * Complex(naR[j], naI[j])
            br[j] = x.re; bi[j] = x.im
        }
        nonlinear(br, bi, &nbR, &nbI)
        for j in 0..<n {
            let x = e2[j] * Complex(ar[j], ai[j]) + q[j] * Complex(2 * nbR[j] - nvR[j], 2 * nbI[j] - nvI[j])
            cr[j] = x.re; ci[j] = x.im
        }
        nonlinear(cr, ci, &ncR, &ncI)
        for j in 0..<n {
            let v = e[j] * Complex(vr[j], vi[j]) + f1[j] * Complex(nvR[j], nvI[j])
                + 2 * (f2[j] * Complex(naR[j] + nbR[j], naI[j] + nbI[j])) + f3[j] * Complex(ncR[j], ncI[j])
            vr[j] = v.re; vi[j] = v.im
        }
    }
}
