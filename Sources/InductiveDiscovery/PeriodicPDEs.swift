import Foundation
import InductiveTensor

/// n equally spaced points x_j = start + j L / n, j = 0..n-1, on a periodic domain of length L.
public struct PeriodicGrid: Sendable, Equatable {
    /// The left end of the domain (included).
    public var start: Double
    /// The period L.
    public var length: Double
    /// The number of points n.
    public var count: Int

    /// A grid on [start, start + length), count points.
    public init(start: Double, length: Double, count: Int) {
        precondition(length > 0 && count >= 2, "PeriodicGrid: need length > 0 and count >= 2, got \(length), \(count)")
        self.start = start
        self.length = length
        self.count = count
    }

    /// The spacing dx = L / n.
    public var spacing: Double { length / Double(count) }
    /// The points, shape [n].
    public var points: Tensor { Tensor((0..<count).map { start + Double($0) * spacing }) }
    /// Angular wavenumbers k_j = 2 pi fftfreq(n, dx)_j, in FFT order.
    public var wavenumbers: [Double] { fftFrequencies(count, spacing: spacing).scalars.map { 2 * Double.pi * $0 } }
}

/// A PDE solution sampled on a space-time grid.
public struct PDESolution: Sendable, Equatable {
    /// Output times, shape [nt].
    public var t: Tensor
    /// Grid points, shape [nx].
    public var x: Tensor
    /// u[i, j] = u(t_i, x_j), shape [nt, nx].
    public var u: Tensor
}

private func checkInitial(_ name: String, _ initial: Tensor, _ grid: PeriodicGrid, _ count: Int, _ interval: Double) {
    precondition(initial.shape == [grid.count], "\(name): initial state has shape \(initial.shape), the grid has \(grid.count) points")
    precondition(count >= 1 && interval > 0, "\(name): need at least one output time and a positive interval")
}

private func spectrum(_ u: Tensor, _ plan: FFTPlan) -> ([Double], [Double]) {
    var re = u.scalars, im = [Double](repeating: 0, count: u.count)
    re.withUnsafeMutableBufferPointer { pr in
        im.withUnsafeMutableBufferPointer { pi in plan.transform(real: pr.baseAddress!, imag: pi.baseAddress!, inverse: false) }
    }
    return (re, im)
}

private func physical(_ re: [Double], _ im: [Double], _ plan: FFTPlan) -> [Double] {
    var r = re, i = im
    r.withUnsafeMutableBufferPointer { pr in
        i.withUnsafeMutableBufferPointer { pi in plan.transform(real: pr.baseAddress!, imag: pi.baseAddress!, inverse: true) }
    }
    let scale = 1 / Double(re.count)
    return r.map { $0 * scale }
}

/// The heat equation u_t = D u_xx on a periodic grid, solved exactly in Fourier space:
/// u_hat_k(t) = u_hat_k(0) exp(-D k^2 t) (exact up to rounding for the grid's trigonometric
/// interpolant of the initial state).
///
/// - Output: `count` states at t = 0, interval, ..., shape [count, n]. Cost O(count n log n).
public func simulateHeat(initial: Tensor, grid: PeriodicGrid, diffusivity: Double, count: Int, interval: Double) -> PDESolution {
    checkInitial("simulateHeat", initial, grid, count, interval)
    precondition(diffusivity >= 0, "simulateHeat: diffusivity must be non-negative")
    let plan = FFTPlan(count: grid.count)
    let (re, im) = spectrum(initial, plan)
    let k = grid.wavenumbers
    var rows = [Double]()
    for i in 0..<count {
        let t = Double(i) * interval
        let decay = k.map { Foundation.exp(-diffusivity * $0 * $0 * t) }
        rows += physical(zip(re, decay).map(*), zip(im, decay).map(*), plan)
    }
    return PDESolution(t: Tensor((0..<count).map { Double($0) * interval }), x: grid.points,
                       u: Tensor(shape: [count, grid.count], scalars: rows))
}

/// Time-steps u_t = L u + c (u^2)_x with ETDRK4 and collects `count` outputs `interval` apart.
private func integrateQuadratic(
    initial: Tensor, grid: PeriodicGrid, linear: [Complex], coefficient: Double, count: Int, interval: Double,
    maxStep: Double, dealias: Bool
) -> PDESolution {
    let stepsPerOutput = Swift.max(1, Int((interval / maxStep).rounded(.up) - 1e-9))
    let h = interval / Double(stepsPerOutput)
    let integrator = QuadraticETDRK4(linear: linear, wavenumbers: oddWavenumbers(grid), coefficient: coefficient,
                                     step: h, dealias: dealias)
    var (vr, vi) = spectrum(initial, integrator.plan)
    var rows = initial.scalars
    for _ in 1..<Swift.max(count, 1) {
        for _ in 0..<stepsPerOutput { integrator.step(&vr, &vi) }
        rows += physical(vr, vi, integrator.plan)
    }
    return PDESolution(t: Tensor((0..<count).map { Double($0) * interval }), x: grid.points,
                       u: Tensor(shape: [count, grid.count], scalars: rows))
}

/// Wavenumbers for odd derivatives: the Nyquist mode of an even grid is set to 0, so that
/// i k maps real functions to real functions.
func oddWavenumbers(_ grid: PeriodicGrid) -> [Double] {
    var k = grid.wavenumbers
    if grid.count % 2 == 0 { k[grid.count / 2] = 0 }
    return k
}

/// Viscous Burgers u_t = -u u_x + nu u_xx = -(1/2)(u^2)_x + nu u_xx on a periodic grid,
/// pseudo-spectral in space (the quadratic term dealiased by the 2/3 rule when `dealias`)
/// and ETDRK4 in time (see `QuadraticETDRK4`), step h = interval / ceil(interval / maxStep).
///
/// - Output: `count` states at t = 0, interval, ..., shape [count, n].
/// - Accuracy: spectral in space for resolved solutions; fourth order in h.
/// - Cost: 8 FFTs of length n per step.
public func simulateBurgers(
    initial: Tensor, grid: PeriodicGrid, viscosity: Double, count: Int, interval: Double,
    maxStep: Double = 1e-3, dealias: Bool = true
) -> PDESolution {
    checkInitial("simulateBurgers", initial, grid, count, interval)
    precondition(viscosity >= 0 && maxStep > 0, "simulateBurgers: need viscosity >= 0 and maxStep > 0")
    let linear = grid.wavenumbers.map { Complex(-viscosity * $0 * $0) }
    return integrateQuadratic(initial: initial, grid: grid, linear: linear, coefficient: -0.5, count: count,
                              interval: interval, maxStep: maxStep, dealias: dealias)
}

/// Korteweg-de Vries u_t = -alpha u u_x - beta u_xxx = -(alpha/2)(u^2)_x - beta u_xxx on a
/// periodic grid (defaults alpha = 6, beta = 1), pseudo-spectral in space, ETDRK4 in time as
/// in Kassam and Trefethen (2005); the stiff dispersive term i beta k^3 is integrated exactly.
///
/// - Output: `count` states at t = 0, interval, ..., shape [count, n].
/// - Cost: 8 FFTs of length n per step (h = interval / ceil(interval / maxStep)).
public func simulateKdV(
    initial: Tensor, grid: PeriodicGrid, count: Int, interval: Double, alpha: Double = 6, beta: Double = 1,
    maxStep: Double = 1e-3, dealias: Bool = false
) -> PDESolution {
    checkInitial("simulateKdV", initial, grid, count, interval)
    precondition(maxStep > 0, "simulateKdV: maxStep must be positive")
    let linear = oddWavenumbers(grid).map { Complex(0, beta * $0 * $0 * $0) }
    return integrateQuadratic(initial: initial, grid: grid, linear: linear, coefficient: -alpha / 2, count: count,
                              interval: interval, maxStep: maxStep, dealias: dealias)
}

/// The KdV soliton u = (c/2) sech^2( sqrt(c)/2 (x - c t - x0) ), an exact solution of
/// u_t = -6 u u_x - u_xxx on the whole line (travelling at speed c, amplitude c/2).
public func kdvSoliton(_ x: Tensor, time t: Double, speed c: Double, position x0: Double) -> Tensor {
    precondition(c > 0, "kdvSoliton: speed must be positive")
    return x.map { xi in
        let s = 1 / Foundation.cosh(0.5 * c.squareRoot() * (xi - c * t - x0))
        return 0.5 * c * s * s
    }
}

/// The Cole-Hopf solution of viscous Burgers u_t = -u u_x + nu u_xx on [0, 2 pi) with
/// u(x, 0) = A sin(x): u = -2 nu phi_x / phi, where phi solves the heat equation
/// phi_t = nu phi_xx with phi(x, 0) = exp(A cos(x) / (2 nu)). phi is evaluated exactly in
/// Fourier space on a fine grid of `resolution` points (its coefficients, modified Bessel
/// functions of A / (2 nu), decay faster than geometrically) and u is read off at the
/// points of `x`, which must be multiples of 2 pi / resolution.
public func burgersColeHopf(_ x: Tensor, time t: Double, amplitude: Double, viscosity nu: Double, resolution: Int = 1024) -> Tensor {
    precondition(nu > 0, "burgersColeHopf: viscosity must be positive")
    let grid = PeriodicGrid(start: 0, length: 2 * Double.pi, count: resolution)
    let plan = FFTPlan(count: resolution)
    let phi0 = grid.points.map { Foundation.exp(amplitude * (Foundation.cos($0) - 1) / (2 * nu)) }
    let (re, im) = spectrum(phi0, plan)
    let k = oddWavenumbers(grid)
    let decay = grid.wavenumbers.map { Foundation.exp(-nu * $0 * $0 * t) }
    let pr = zip(re, decay).map(*), pi = zip(im, decay).map(*)
    let phi = physical(pr, pi, plan)
    // phi_x: multiply by i k.
    let dr = zip(pi, k).map { -$0 * $1 }, di = zip(pr, k).map { $0 * $1 }
    let phiX = physical(dr, di, plan)
    let dx = grid.spacing
    return x.map { xi in
        let j = Int((xi / dx).rounded())
        precondition(Swift.abs(xi - Double(j) * dx) < 1e-9 * Swift.max(1, Swift.abs(xi)) && j >= 0 && j < resolution,
                     "burgersColeHopf: point \(xi) is not on the fine grid of \(resolution) points")
        return -2 * nu * phiX[j] / phi[j]
    }
}

/// Kuramoto-Sivashinsky u_t = -u u_x - u_xx - u_xxxx = -(1/2)(u^2)_x + (k^2 - k^4) u on a
/// periodic grid, pseudo-spectral in space (2/3-rule dealiasing), ETDRK4 in time as in Kassam
/// and Trefethen (2005), step h = interval / ceil(interval / maxStep).
///
/// - Output: `count` states at t = 0, interval, ..., shape [count, n].
/// - Cost: 8 FFTs of length n per step.
public func simulateKuramotoSivashinsky(
    initial: Tensor, grid: PeriodicGrid, count: Int, interval: Double, maxStep: Double = 0.01, dealias: Bool = true
) -> PDESolution {
    checkInitial("simulateKuramotoSivashinsky", initial, grid, count, interval)
    precondition(maxStep > 0, "simulateKuramotoSivashinsky: maxStep must be positive")
    let linear = grid.wavenumbers.map { Complex($0 * $0 - $0 * $0 * $0 * $0) }
    return integrateQuadratic(initial: initial, grid: grid, linear: linear, coefficient: -0.5, count: count,
                              interval: interval, maxStep: maxStep, dealias: dealias)
}
