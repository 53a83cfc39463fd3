import Foundation
import InductiveSolvers
import InductiveTensor

/// 2-D advection-diffusion u_t = -c_x u_x - c_y u_y + D (u_xx + u_yy) on the periodic box
/// [0, Lx) x [0, Ly) with nx x ny points, solved exactly in Fourier space:
/// u_hat_k(t) = u_hat_k(0) exp((-i (c_x k_x + c_y k_y) - D |k|^2) t) (exact up to rounding for
/// the grid's trigonometric interpolant of the initial state; Nyquist modes of even grids get
/// no advection so that real data stays real).
///
/// - Input: `initial` of shape [nx, ny] (x the slow axis). Output: [count, nx, ny] at
///   t = 0, interval, ... Cost O(count nx ny log(nx ny)).
public func simulateAdvectionDiffusion2D(
    initial: Tensor, lengthX: Double, lengthY: Double, velocity: (x: Double, y: Double), diffusivity: Double,
    count: Int, interval: Double
) -> Tensor {
    precondition(initial.rank == 2 && lengthX > 0 && lengthY > 0 && diffusivity >= 0 && count >= 1 && interval > 0,
                 "simulateAdvectionDiffusion2D: need an [nx, ny] initial state, positive lengths, D >= 0, count >= 1")
    let (nx, ny) = (initial.shape[0], initial.shape[1])
    let spectrum = fft2(ComplexTensor(real: initial, imag: Tensor.zeros([nx, ny])))
    let re0 = spectrum.real.scalars, im0 = spectrum.imag.scalars
    let kx = oddWavenumbers(PeriodicGrid(start: 0, length: lengthX, count: nx))
    let ky = oddWavenumbers(PeriodicGrid(start: 0, length: lengthY, count: ny))
    let kx2 = PeriodicGrid(start: 0, length: lengthX, count: nx).wavenumbers
    let ky2 = PeriodicGrid(start: 0, length: lengthY, count: ny).wavenumbers
    var out = [Double]()
    out.reserveCapacity(count * nx * ny)
    for step in 0..<count {
        let t = Double(step) * interval
        var re = re0, im = im0
        for i in 0..<nx {
            for j in 0..<ny {
                let decay = Foundation.exp(-diffusivity * (kx2[i] * kx2[i] + ky2[j] * ky2[j]) * t)
                let phase = -(velocity.x * kx[i] + velocity.y * ky[j]) * t
                let (c, s) = (Foundation.cos(phase) * decay, Foundation.sin(phase) * decay)
                let (a, b) = (re[i * ny + j], im[i * ny + j])
                re[i * ny + j] = a * c - b * s
                im[i * ny + j] = a * s + b * c
            }
        }
        out += ifft2(ComplexTensor(real: Tensor(shape: [nx, ny], scalars: re), imag: Tensor(shape: [nx, ny], scalars: im))).real.scalars
    }
    return Tensor(shape: [count, nx, ny], scalars: out)
}

/// The 2-D candidate library of `buildWeakPDERegression2D`: u^p for p = 0 ... degree, the
/// derivatives d^(a+b) u / dx^a dy^b with 1 <= a + b <= maxOrder, and u^p u_x, u^p u_y for
/// p = 1 ... degree - 1 (these are (u^(p+1)/(p+1))_x and _y, so every term moves fully onto the
/// test function). Products of powers with second or higher derivatives are not included:
/// they would need derivatives of the data (see `weakPieces` for the 1-D identities).
/// Names: `1`, `u`, `u^2`, `u_x`, `u_y`, `u_xx`, `u_xy`, `u_yy`, `u*u_x`, `u*u_y`.
public struct PDELibrary2D: Sendable, Equatable {
    public let degree: Int
    public let maxOrder: Int

    public init(degree: Int = 2, maxOrder: Int = 2) {
        precondition(degree >= 1 && maxOrder >= 1, "PDELibrary2D: need degree >= 1 and maxOrder >= 1")
        self.degree = degree
        self.maxOrder = maxOrder
    }

    /// (power of u, x-order, y-order) of each term, in column order.
    public var terms: [(power: Int, dx: Int, dy: Int)] {
        var t: [(power: Int, dx: Int, dy: Int)] = (0...degree).map { ($0, 0, 0) }
        for order in 1...maxOrder { for a in stride(from: order, through: 0, by: -1) { t.append((0, a, order - a)) } }
        if degree >= 2 { for p in 1..<degree { t.append((p, 1, 0)); t.append((p, 0, 1)) } }
        return t
    }

    public var names: [String] {
        terms.map { term in
            let power = term.power == 0 ? nil : (term.power == 1 ? "u" : "u^\(term.power)")
            let d = term.dx + term.dy == 0 ? nil : "u_" + String(repeating: "x", count: term.dx) + String(repeating: "y", count: term.dy)
            let factors = [power, d].compactMap { $0 }
            return factors.isEmpty ? "1" : factors.joined(separator: "*")
        }
    }
}

/// The weak form of u_t = sum_j xi_j Theta_j (`PDELibrary2D`) from u of shape [nt, nx, ny]
/// (u[i, j, k] = u(i dt, j dx, k dy)): test functions psi_t psi_x psi_y (`BumpFunction`,
/// powers 4, maxOrder + 4, maxOrder + 4) on an even grid of windows inside the data; every
/// derivative moved onto the test function; trapezoid sums computed axis by axis.
/// Supports: given, or chosen per axis as in `chooseWeakSettings` from the noise estimate and
/// the spectra of the (t, x) and (t, y) slices through the middle of the data.
///
/// - Cost: O(fields (T nt nx ny + T X nx ny + T X Y ny)) for T x X x Y windows.
/// - Throws: `DiscoveryError` for bad input (rank, non-finite, constant, supports that do not
///   fit, fewer windows than terms).
public func buildWeakPDERegression2D(
    _ u: Tensor, dt: Double, dx: Double, dy: Double, library: PDELibrary2D = PDELibrary2D(),
    halfWidths: (t: Int, x: Int, y: Int)? = nil
) throws -> (problem: PDERegressionProblem, log: [String]) {
    guard u.rank == 3 else { throw DiscoveryError.wrongRank(name: "data", expected: "a 3-d array (times, x points, y points)", shape: u.shape) }
    try requireStep(dt, name: "dt"); try requireStep(dx, name: "dx"); try requireStep(dy, name: "dy")
    guard u.isFinite else { throw DiscoveryError.nonFinite(name: "data") }
    guard u.standardDeviation().scalar > 0 else { throw DiscoveryError.invalidOption("the data is constant: there is no dynamics to discover") }
    let (nt, nx, ny) = (u.shape[0], u.shape[1], u.shape[2])
    guard nt >= 7 && nx >= 7 && ny >= 7 else {
        throw DiscoveryError.invalidOption("the weak form needs at least 7 samples along each axis, the data has shape \(u.shape)")
    }
    var log: [String] = []
    let (mt, mx, my): (Int, Int, Int)
    if let halfWidths {
        (mt, mx, my) = halfWidths
        log.append("half-widths \(mt) (t), \(mx) (x), \(my) (y) samples (given)")
    } else {
        // Slices through the middle: (t, x) at y = ny/2 and (t, y) at x = nx/2.
        let sliceX = u.slice([.all, .all, .index(ny / 2)])
        let sliceY = u.slice([.all, .index(nx / 2), .all])
        let cx = chooseWeakSettings(sliceX, maxDerivative: library.maxOrder)
        let cy = chooseWeakSettings(sliceY, maxDerivative: library.maxOrder)
        (mt, mx, my) = (Swift.min(cx.timeHalfWidth, cy.timeHalfWidth), cx.spaceHalfWidth, cy.spaceHalfWidth)
        log.append(cx.log[0])
        log.append("half-widths \(mt) (t), \(mx) (x), \(my) (y) samples, from the spectra of the middle slices")
    }
    guard mt >= 2 && mx >= 2 && my >= 2 && 2 * mt + 1 <= nt && 2 * mx + 1 <= nx && 2 * my + 1 <= ny else {
        throw DiscoveryError.invalidOption("test functions of half-widths \(mt), \(mx), \(my) samples need at least 2 and must fit in data of shape \(u.shape)")
    }
    func count(_ n: Int, _ m: Int) -> Int { Swift.min(24, (n - 1 - 2 * m) / Swift.max(1, m / 2) + 1) }
    let centresT = windowCentres(samples: nt, halfWidth: mt, count: count(nt, mt))
    let centresX = windowCentres(samples: nx, halfWidth: mx, count: count(nx, mx))
    let centresY = windowCentres(samples: ny, halfWidth: my, count: count(ny, my))
    let rows = centresT.count * centresX.count * centresY.count
    let terms = library.terms
    guard rows > terms.count else {
        throw DiscoveryError.invalidOption("only \(rows) test-function windows for \(terms.count) candidate terms: give more samples or smaller supports")
    }
    log.append("\(centresT.count) x \(centresX.count) x \(centresY.count) test-function windows (t x x x y)")
    let p = library.maxOrder + 4
    let bt = BumpFunction(halfWidth: mt, power: 4, spacing: dt)
    let bx = BumpFunction(halfWidth: mx, power: p, spacing: dx)
    let by = BumpFunction(halfWidth: my, power: p, spacing: dy)
    let psiT = [testMatrix(bt, order: 0, centres: centresT, samples: nt), testMatrix(bt, order: 1, centres: centresT, samples: nt)]
    let psiX = (0...library.maxOrder).map { testMatrix(bx, order: $0, centres: centresX, samples: nx) }
    let psiY = (0...library.maxOrder).map { testMatrix(by, order: $0, centres: centresY, samples: ny) }
    // integral of (d^rt psi_t)(d^rx psi_x)(d^ry psi_y) F, flattened over windows (t, x, y).
    func integral(_ field: Tensor, rt: Int, rx: Int, ry: Int) -> Tensor {
        let a = matmul(psiT[rt], field.reshaped([nt, nx * ny]))           // [T, nx ny]
        let b = matmul(a.reshaped([centresT.count * nx, ny]), psiY[ry], transposeB: true)  // [T nx, Y]
        var blocks: [Tensor] = []
        for k in 0..<centresT.count {
            let slab = b.slice([.range((k * nx)..<((k + 1) * nx)), .all])  // [nx, Y]
            blocks.append(matmul(psiX[rx], slab))                           // [X, Y]
        }
        return Tensor.concatenate(blocks.map { $0.flattened() }, axis: 0)
    }
    let target = -integral(u, rt: 1, rx: 0, ry: 0)
    var powers: [Int: Tensor] = [:]
    func power(_ k: Int) -> Tensor {
        if let t = powers[k] { return t }
        let t = k == 0 ? Tensor.ones(u.shape) : u.map { Foundation.pow($0, Double(k)) }
        powers[k] = t
        return t
    }
    var columns: [Tensor] = []
    for term in terms {
        if term.dx + term.dy == 0 {
            columns.append(integral(power(term.power), rt: 0, rx: 0, ry: 0))
        } else if term.power == 0 {
            let sign = (term.dx + term.dy) % 2 == 0 ? 1.0 : -1.0
            columns.append(integral(u, rt: 0, rx: term.dx, ry: term.dy) * sign)
        } else {
            // u^p u_x = (u^(p+1)/(p+1))_x -> -(1/(p+1)) integral psi_x' u^(p+1).
            columns.append(integral(power(term.power + 1), rt: 0, rx: term.dx, ry: term.dy) * (-1 / Double(term.power + 1)))
        }
    }
    let theta = Tensor.stack(columns, axis: 1)
    guard theta.isFinite && target.isFinite else {
        throw DiscoveryError.overflow("the weak library overflows: powers of u exceed the largest number; rescale the data or lower the degree")
    }
    return (PDERegressionProblem(library: theta, target: target, termNames: library.names), log)
}

/// Weak-form discovery of u_t = sum_j xi_j Theta_j for u(t, x, y) (`buildWeakPDERegression2D`),
/// the sparse regression as in `discoverPDE` (STRidge with the tolerance search, relative l0).
public func discoverPDE2D(
    _ u: Tensor, dt: Double, dx: Double, dy: Double, library: PDELibrary2D = PDELibrary2D(),
    halfWidths: (t: Int, x: Int, y: Int)? = nil, using rng: inout RandomGenerator
) throws -> DiscoveredEquations {
    let (problem, log) = try buildWeakPDERegression2D(u, dt: dt, dx: dx, dy: dy, library: library, halfWidths: halfWidths)
    var options = PDEDiscoveryOptions()
    options.formulation = .weak
    return try solvePDERegression(problem, options: weakAdjusted(options, problem), settings: ["formulation weak (2-D)"] + log, using: &rng)
}
