import Foundation
import InductiveSolvers
import InductiveTensor

/// The lambda-omega reaction-diffusion system on a periodic grid:
/// u_t = d u_xx + lambda(A) u - omega(A) v,  v_t = d v_xx + omega(A) u + lambda(A) v,
/// A^2 = u^2 + v^2, lambda = 1 - A^2, omega = -beta A^2; pseudo-spectral in space, integrating-
/// factor RK4 in time (the diffusion exp(-d k^2 h) exact), step h = interval / ceil(interval / maxStep).
///
/// - Output: (u, v), each [count, n] at t = 0, interval, ...
/// - Accuracy: fourth order in h for the reaction; spectral in space for resolved solutions.
/// - Cost: 8 FFTs of length n per step (4 stages, 2 fields, forward and back).
public func simulateLambdaOmega(
    u0: Tensor, v0: Tensor, grid: PeriodicGrid, diffusion d: Double = 0.1, beta: Double = 1, count: Int, interval: Double,
    maxStep: Double = 0.005
) -> (u: Tensor, v: Tensor) {
    precondition(u0.shape == [grid.count] && v0.shape == [grid.count] && count >= 1 && interval > 0 && maxStep > 0 && d >= 0,
                 "simulateLambdaOmega: initial states must match the grid; need count >= 1, positive interval and step")
    let n = grid.count
    let plan = FFTPlan(count: n)
    let k = grid.wavenumbers
    let steps = Swift.max(1, Int((interval / maxStep).rounded(.up) - 1e-9))
    let h = interval / Double(steps)
    let half = k.map { Foundation.exp(-d * $0 * $0 * h / 2) }
    func forward(_ x: [Double]) -> ([Double], [Double]) {
        var re = x, im = [Double](repeating: 0, count: n)
        re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { m in plan.transform(real: r.baseAddress!, imag: m.baseAddress!, inverse: false) } }
        return (re, im)
    }
    func backward(_ re0: [Double], _ im0: [Double]) -> [Double] {
        var re = re0, im = im0
        re.withUnsafeMutableBufferPointer { r in im.withUnsafeMutableBufferPointer { m in plan.transform(real: r.baseAddress!, imag: m.baseAddress!, inverse: true) } }
        return re.map { $0 / Double(n) }
    }
    // State in Fourier space: (ur, ui, vr, vi).
    typealias State = ([Double], [Double], [Double], [Double])
    func reaction(_ s: State) -> State {
        let u = backward(s.0, s.1), v = backward(s.2, s.3)
        var fu = [Double](repeating: 0, count: n), fv = fu
        for j in 0..<n {
            let a2 = u[j] * u[j] + v[j] * v[j]
            let lambda = 1 - a2, omega = -beta * a2
            fu[j] = lambda * u[j] - omega * v[j]
            fv[j] = omega * u[j] + lambda * v[j]
        }
        let (a, b) = forward(fu), (c, e) = forward(fv)
        return (a, b, c, e)
    }
    func scale(_ s: State, _ f: [Double]) -> State {
        (zip(s.0, f).map(*), zip(s.1, f).map(*), zip(s.2, f).map(*), zip(s.3, f).map(*))
    }
    func axpy(_ s: State, _ t: State, _ c: Double) -> State {
        (zip(s.0, t.0).map { $0 + c * $1 }, zip(s.1, t.1).map { $0 + c * $1 }, zip(s.2, t.2).map { $0 + c * $1 }, zip(s.3, t.3).map { $0 + c * $1 })
    }
    let (ur, ui) = forward(u0.scalars), (vr, vi) = forward(v0.scalars)
    var state: State = (ur, ui, vr, vi)
    var outU = u0.scalars, outV = v0.scalars
    for _ in 1..<Swift.max(count, 1) {
        for _ in 0..<steps {
            // Integrating-factor RK4: w = exp(d k^2 t) s; the half-step factor applied explicitly.
            let k1 = reaction(state)
            let s2 = axpy(scale(state, half), scale(k1, half), h / 2)
            let k2 = reaction(s2)
            let s3 = axpy(scale(state, half), k2, h / 2)
            let k3 = reaction(s3)
            let full = half.map { $0 * $0 }
            let s4 = axpy(scale(state, full), scale(k3, half), h)
            let k4 = reaction(s4)
            var next = scale(state, full)
            next = axpy(next, scale(k1, full), h / 6)
            next = axpy(next, scale(k2, half), h / 3)
            next = axpy(next, scale(k3, half), h / 3)
            next = axpy(next, k4, h / 6)
            state = next
        }
        outU += backward(state.0, state.1)
        outV += backward(state.2, state.3)
    }
    return (Tensor(shape: [count, n], scalars: outU), Tensor(shape: [count, n], scalars: outV))
}

/// Weak-form discovery for a system of fields f_1 ... f_q on one [nt, nx] grid:
/// d f_i / dt = sum_j xi_ij Theta_j with Theta the monomials of the fields up to `degree`
/// (`PolynomialLibrary`, constant included) and the derivatives d^m f / dx^m, m = 1 ...
/// `maxDerivative`, of each field (every derivative moved onto the test function; products of
/// fields with derivatives are not in the library). Test functions and their supports as in
/// `buildWeakPDERegression` (supports chosen on the first field unless given); one sparse
/// regression (STRidge with the tolerance search, relative l0) per field on the shared library.
///
/// - Throws: `DiscoveryError` for fields of different shapes, and as `buildWeakPDERegression`.
public func discoverPDESystem(
    _ fields: [Tensor], names: [String], dt: Double, dx: Double, degree: Int = 3, maxDerivative: Int = 2,
    options: WeakFormOptions = WeakFormOptions(), using rng: inout RandomGenerator
) throws -> DiscoveredEquations {
    guard !fields.isEmpty, names.count == fields.count, Set(names).count == names.count, !names.contains(where: \.isEmpty) else {
        throw DiscoveryError.invalidOption("give one distinct, non-empty name per field")
    }
    guard degree >= 1 && degree <= 6 && maxDerivative >= 1 && maxDerivative <= 6 else {
        throw DiscoveryError.invalidOption("degree and max-derivative must lie in 1 ... 6, got \(degree) and \(maxDerivative)")
    }
    for f in fields {
        guard f.rank == 2, f.shape == fields[0].shape else {
            throw DiscoveryError.invalidOption("every field must be a 2-d array (times, points) of the same shape; got \(fields.map(\.shape))")
        }
        guard f.isFinite else { throw DiscoveryError.nonFinite(name: "data") }
    }
    // The first field's weak problem fixes the windows and supports (its settings are passed on,
    // so no other column re-estimates noise or spectra); its library part for the derivatives
    // of that field is reused.
    var first = options
    first.spacePower = options.spacePower ?? (maxDerivative + 4)  // the same bump for every column
    let base = try buildWeakPDERegression(fields[0], dt: dt, dx: dx, degree: 0, maxDerivative: maxDerivative, options: first)
    first.spaceHalfWidth = base.choice.spaceHalfWidth
    first.timeHalfWidth = base.choice.timeHalfWidth
    first.spaceWindows = base.spaceWindows
    first.timeWindows = base.timeWindows
    // Monomials of the fields integrated against phi: the weak problem of a monomial taken as
    // the "field" (degree 1, max-derivative 0) has integral phi * monomial in its column "u".
    let (nt, nx) = (fields[0].shape[0], fields[0].shape[1])
    let stacked = Tensor.stack(fields.map { $0.flattened() }, axis: 1)  // [nt nx, q]
    let polynomial = PolynomialLibrary(variableNames: names, degree: degree)
    let monomials = polynomial.evaluate(stacked)  // [nt nx, terms]
    var columns: [Tensor] = [], termNames: [String] = []
    for (j, name) in polynomial.names.enumerated() {
        if name == "1" {
            columns.append(base.problem.library.slice([.all, .index(0)]))  // integral of phi
        } else {
            let field = monomials.slice([.all, .index(j)]).reshaped([nt, nx])
            let w = try buildWeakPDERegression(field, dt: dt, dx: dx, degree: 1, maxDerivative: 0, options: first, allowConstant: true,
                                               choice: base.choice)
            columns.append(w.problem.library.slice([.all, .index(1)]))
        }
        termNames.append(name)
    }
    var targets: [Tensor] = []
    for (i, f) in fields.enumerated() {
        let w = try buildWeakPDERegression(f, dt: dt, dx: dx, degree: 0, maxDerivative: maxDerivative, options: first, allowConstant: true,
                                           choice: base.choice)
        targets.append(w.problem.target)
        for m in 1...maxDerivative {
            columns.append(w.problem.library.slice([.all, .index(m)]))
            termNames.append(names[i] + "_" + String(repeating: "x", count: m))
        }
    }
    let library = Tensor.stack(columns, axis: 1)
    var equations: [Equation] = [], coefficientColumns: [Tensor] = []
    var settings = ["formulation weak (system of \(fields.count) fields)"] + base.choice.log
    var pdeOptions = PDEDiscoveryOptions()
    pdeOptions.formulation = .weak
    pdeOptions.weak = options
    var worst = SolverDiagnostics(iterations: 0, residual: 0, converged: true)
    for (i, target) in targets.enumerated() {
        let problem = PDERegressionProblem(library: library, target: target, termNames: termNames)
        let fit = try solvePDERegression(problem, options: weakAdjusted(pdeOptions, problem), using: &rng)
        equations.append(Equation(lhs: names[i] + "_t", terms: fit.equations[0].terms))
        coefficientColumns.append(fit.coefficients.flattened())
        worst = SolverDiagnostics(iterations: Swift.max(worst.iterations, fit.diagnostics.iterations),
                                  residual: Swift.max(worst.residual, fit.diagnostics.residual),
                                  converged: worst.converged && fit.diagnostics.converged)
    }
    settings.append("\(library.shape[0]) test-function windows, \(termNames.count) candidate terms")
    return DiscoveredEquations(equations: equations, termNames: termNames, coefficients: Tensor.stack(coefficientColumns, axis: 1),
                               diagnostics: worst, samplesUsed: library.shape[0], settings: settings)
}
