import Foundation
import InductiveTensor

/// Weights w_i with f^(order)(0) ~ sum_i w_i f(offsets_i) for arbitrary distinct points
/// (Fornberg 1988, "Generation of finite difference formulas on arbitrarily spaced grids"),
/// in units of the grid spacing (divide by h^order). Exact for polynomials of degree
/// < offsets.count. Cost O(m^2 order) for m points.
public func finiteDifferenceWeights(order: Int, offsets: [Double]) -> [Double] {
    precondition(order >= 0 && offsets.count > order, "finiteDifferenceWeights: need more than \(order) points, got \(offsets.count)")
    let m = offsets.count
    // c[k][j]: weight of point j for derivative k, built up point by point.
    var c = [[Double]](repeating: [Double](repeating: 0, count: m), count: order + 1)
    c[0][0] = 1
    var c1 = 1.0
    for i in 1..<m {
        var c2 = 1.0
        let upper = Swift.min(i, order)
        for j in 0..<i {
            let c3 = offsets[i] - offsets[j]
            c2 *= c3
            if j == i - 1 {
                for k in stride(from: upper, through: 1, by: -1) {
                    c[k][i] = c1 * (Double(k) * c[k - 1][i - 1] - offsets[i - 1] * c[k][i - 1]) / c2
                }
                c[0][i] = -c1 * offsets[i - 1] * c[0][i - 1] / c2
            }
            for k in stride(from: upper, through: 1, by: -1) {
                c[k][j] = (offsets[i] * c[k][j] - Double(k) * c[k - 1][j]) / c3
            }
            c[0][j] = offsets[i] * c[0][j] / c3
        }
        c1 = c2
    }
    return c[order]
}

/// A linear filter along one axis: for output position i, sum_s weights[s] * u[i + offsets[s]].
struct Stencil {
    var offsets: [Int]
    var weights: [Double]
}

/// Applies stencils along `axis`: `central` at the interior positions halfWidth ..< n - halfWidth
/// (and, wrapping around, everywhere when `periodic`), `boundary(i, n)` at the others.
func applyStencils(_ u: Tensor, axis: Int, periodic: Bool, central: Stencil, halfWidth: Int,
                   boundary: (Int, Int) -> Stencil) -> Tensor {
    let a = Tensor.normalizeAxis(axis, rank: u.rank)
    let n = u.shape[a]
    // Element (o, i, c) of u seen as [outer, n, inner] is at (o n + i) inner + c: the stencils
    // run along i with stride `inner`, in place of moving the axis last.
    let outer = u.shape[..<a].reduce(1, *), inner = u.shape[(a + 1)...].reduce(1, *)
    // Interior positions run a constant-stencil loop; the few others read a flat (index,
    // weight) table with periodic wrapping resolved, so no inner loop touches Swift arrays.
    let middle = central
    let interiorRange = Swift.min(halfWidth, n)..<Swift.max(n - halfWidth, Swift.min(halfWidth, n))
    // The edge positions (all but the interior), in order; edge e's stencil is entries
    // starts[e] ..< starts[e + 1] of the table.
    let edges = Array(0..<interiorRange.lowerBound) + Array(interiorRange.upperBound..<n)
    var starts = [0]
    var indices: [Int] = [], weights: [Double] = []
    for i in edges {
        let s = periodic ? central : boundary(i, n)
        for (o, w) in zip(s.offsets, s.weights) {
            var j = i + o
            if periodic { j = ((j % n) + n) % n }
            indices.append(j)
            weights.append(w)
        }
        starts.append(indices.count)
    }
    let width = middle.offsets.count
    return Tensor(shape: u.shape) { dst in
        if dst.isEmpty { return }
        u.withUnsafeBufferPointer { src in
            starts.withUnsafeBufferPointer { st in
                indices.withUnsafeBufferPointer { idx in
                    weights.withUnsafeBufferPointer { wt in
                        middle.offsets.withUnsafeBufferPointer { mo in
                            middle.weights.withUnsafeBufferPointer { mw in
                                for o in 0..<outer {
                                    let base = o * n * inner
                                    // The interior rows are one contiguous block in which the
                                    // central stencil has the flat offsets mo[k] inner: run it as
                                    // a 1-d stencil in cache-sized chunks, k outside, so the
                                    // inner loop is a plain vector update. Same sum order
                                    // per element as the row loop below (0, + w0 u0, + w1 u1, ...).
                                    if !interiorRange.isEmpty {
                                        let first = base + interiorRange.lowerBound * inner
                                        let total = interiorRange.count * inner
                                        var chunkStart = 0
                                        while chunkStart < total {
                                            let count = Swift.min(512, total - chunkStart)
                                            let out = dst.baseAddress! + first + chunkStart
                                            let input = src.baseAddress! + first + chunkStart
                                            // 0 + w0 u0 is the row loop's first update of a
                                            // zeroed entry (not folded: it turns -0 into +0).
                                            let w0 = mw[0], from0 = input + mo[0] * inner
                                            for e in 0..<count { out[e] = 0 + w0 * from0[e] }
                                            for k in 1..<width {
                                                let w = mw[k], from = input + mo[k] * inner
                                                for e in 0..<count { out[e] += w * from[e] }
                                            }
                                            chunkStart += count
                                        }
                                    }
                                    for (e, i) in edges.enumerated() {
                                        let row = dst.baseAddress! + base + i * inner
                                        for c in 0..<inner { row[c] = 0 }
                                        for k in st[e]..<st[e + 1] {
                                            let w = wt[k], from = src.baseAddress! + base + idx[k] * inner
                                            for c in 0..<inner { row[c] += w * from[c] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Derivative of order `order` along `axis` by second-order finite differences on a uniform
/// grid of spacing h.
///
/// - Interior: the central stencil of 2 floor((order + 1) / 2) + 1 points (order 1:
///   (u_{i+1} - u_{i-1}) / 2h; order 2: (u_{i+1} - 2 u_i + u_{i-1}) / h^2; order 3: 5 points).
/// - Ends (not periodic): one-sided stencils of order + 2 points, also second order.
/// - `periodic`: the central stencil everywhere, wrapping around.
/// Weights from `finiteDifferenceWeights`. Cost O(count * stencil width).
public func finiteDifferenceDerivative(_ u: Tensor, spacing h: Double, order: Int = 1, axis: Int = 0, periodic: Bool = false) -> Tensor {
    precondition(order >= 1 && h > 0, "finiteDifferenceDerivative: need order >= 1 and spacing > 0")
    let n = u.shape[Tensor.normalizeAxis(axis, rank: u.rank)]
    let half = (order + 1) / 2
    let oneSided = order + 2
    precondition(n >= (periodic ? 2 * half + 1 : oneSided), "finiteDifferenceDerivative: \(n) points are too few for order \(order)")
    let scale = 1 / Foundation.pow(h, Double(order))
    let centralOffsets = Array(-half...half)
    let central = Stencil(offsets: centralOffsets,
                          weights: finiteDifferenceWeights(order: order, offsets: centralOffsets.map(Double.init)).map { $0 * scale })
    var cache: [Int: Stencil] = [:]
    return applyStencils(u, axis: axis, periodic: periodic, central: central, halfWidth: half) { i, n in
        // A window of `oneSided` points flush with the nearer end, evaluated at i.
        let startIndex = i < half ? 0 : n - oneSided
        if let s = cache[i] { return s }
        let offsets = (0..<oneSided).map { startIndex + $0 - i }
        let s = Stencil(offsets: offsets,
                        weights: finiteDifferenceWeights(order: order, offsets: offsets.map(Double.init)).map { $0 * scale })
        cache[i] = s
        return s
    }
}

/// Derivative of order `order` along `axis` of a periodic signal by the DFT:
/// u^(m) = IFFT((i k)^m FFT(u)), k = 2 pi fftfreq(n, h); for odd m the Nyquist mode of an even
/// n is dropped (its derivative is not real). Exact for trigonometric polynomials of degree
/// < n/2. Cost O(n log n) per line.
public func spectralDerivative(_ u: Tensor, spacing h: Double, order: Int = 1, axis: Int = -1) -> Tensor {
    precondition(order >= 0 && h > 0, "spectralDerivative: need order >= 0 and spacing > 0")
    let a = Tensor.normalizeAxis(axis, rank: u.rank)
    let n = u.shape[a]
    let grid = PeriodicGrid(start: 0, length: Double(n) * h, count: n)
    let k = order % 2 == 1 ? oddWavenumbers(grid) : grid.wavenumbers
    // (i k)^m = i^m k^m: a real factor times 1, i, -1 or -i.
    let magnitudes = Tensor(k.map { Foundation.pow($0, Double(order)) })
    let spectrum = fft(ComplexTensor(real: u), axis: a)
    var shape = [Int](repeating: 1, count: u.rank)
    shape[a] = n
    let m = magnitudes.reshaped(shape)
    let scaled: ComplexTensor
    switch order % 4 {
    case 0: scaled = ComplexTensor(real: spectrum.real * m, imag: spectrum.imag * m)
    case 1: scaled = ComplexTensor(real: -spectrum.imag * m, imag: spectrum.real * m)
    case 2: scaled = ComplexTensor(real: -spectrum.real * m, imag: -spectrum.imag * m)
    default: scaled = ComplexTensor(real: spectrum.imag * m, imag: -spectrum.real * m)
    }
    return ifft(scaled, axis: a).real
}

/// Derivative of order `order` (0 gives the smoothed values) along `axis` by local polynomial
/// least squares (Savitzky-Golay): at each point, the polynomial of `degree` that fits the
/// 2 halfWidth + 1 nearest samples best in least squares is differentiated at that point.
///
/// Near the ends the window is kept inside the data (flush with the end) and the fit is
/// differentiated off-centre, which is less accurate: trim `halfWidth` points per end when
/// that matters. The weights are the rows of the pseudo-inverse of the window's Vandermonde
/// matrix, computed once per window position, so the cost is O(count * window).
/// Noise of standard deviation s gives derivative errors of order s / (h^order window^(order + 1/2)).
public func polynomialDerivative(
    _ u: Tensor, spacing h: Double, order: Int = 1, axis: Int = 0, degree: Int = 4, halfWidth: Int = 5
) -> Tensor {
    precondition(order >= 0 && h > 0, "polynomialDerivative: need order >= 0 and spacing > 0")
    precondition(degree >= order && 2 * halfWidth + 1 > degree,
                 "polynomialDerivative: need order <= degree < 2 halfWidth + 1, got order \(order), degree \(degree), halfWidth \(halfWidth)")
    let n = u.shape[Tensor.normalizeAxis(axis, rank: u.rank)]
    let width = 2 * halfWidth + 1
    precondition(n >= width, "polynomialDerivative: \(n) points are fewer than the window of \(width)")
    // Vandermonde in the scaled window coordinate s = offset / halfWidth in [-1, 1] (raw offsets
    // would make it ill-conditioned at high degree); its pseudo-inverse maps samples to coefficients.
    let r = Double(Swift.max(halfWidth, 1))
    let s = (0..<width).map { Double($0 - halfWidth) / r }
    let vandermonde = Tensor(shape: [width, degree + 1], scalars: s.flatMap { x in (0...degree).map { Foundation.pow(x, Double($0)) } })
    let pseudo: Tensor
    do { pseudo = try pinv(vandermonde) } catch { preconditionFailure("polynomialDerivative: pinv failed: \(error)") }
    let scale = 1 / Foundation.pow(h * r, Double(order))
    func weights(at e: Double) -> [Double] {
        // d^order/ds^order of sum_j c_j s^j at s = e, with c = pinv(V) u.
        var w = [Double](repeating: 0, count: width)
        for j in order...degree {
            var factor = 1.0
            for f in 0..<order { factor *= Double(j - f) }
            let coefficient = factor * Foundation.pow(e, Double(j - order)) * scale
            for m in 0..<width { w[m] += coefficient * pseudo.scalars[j * width + m] }
        }
        return w
    }
    let centred = Stencil(offsets: Array(-halfWidth...halfWidth), weights: weights(at: 0))
    return applyStencils(u, axis: axis, periodic: false, central: centred, halfWidth: halfWidth) { i, n in
        let startIndex = i < halfWidth ? 0 : n - width
        let e = Double(i - startIndex - halfWidth) / r
        return Stencil(offsets: (0..<width).map { startIndex + $0 - i }, weights: weights(at: e))
    }
}
