import CKernels
import Foundation
import InductiveDiscovery
import InductiveTensor
import Testing

/// Exact solution of u_t = -a u_x + nu u_xx on the line: decaying travelling sine modes
/// A e^(-nu q^2 t) sin(q (x - a t) + phi). Not periodic on the sampled interval.
private func advectionDiffusion(nt: Int, dt: Double, nx: Int, dx: Double, a: Double, nu: Double) -> Tensor {
    let modes: [(amplitude: Double, q: Double, phase: Double)] = [(1.0, 1.0, 0.3), (0.5, 2.3, 1.1)]
    var u = [Double](repeating: 0, count: nt * nx)
    for i in 0..<nt {
        let t = Double(i) * dt
        for j in 0..<nx {
            let x = Double(j) * dx
            u[i * nx + j] = modes.reduce(0) { $0 + $1.amplitude * Foundation.exp(-nu * $1.q * $1.q * t) * Foundation.sin($1.q * (x - a * t) + $1.phase) }
        }
    }
    return Tensor(shape: [nt, nx], scalars: u)
}

/// Burgers nu = 0.15 on [0, 16) with 80 points, 60 times dt 0.1, from
/// 0.9 exp(-(x - 5)^2 / 1.5) - 0.5 exp(-(x - 11)^2 / 2) (periodic data; the non-periodic path is
/// tested on clean advection-diffusion above), with 5% noise from `seed`; sigma the true noise sd.
private func noisyBurgers(seed: UInt64) -> (u: Tensor, sigma: Double) {
    let grid = PeriodicGrid(start: 0, length: 16, count: 80)
    let initial = grid.points.map { 0.9 * Foundation.exp(-($0 - 5) * ($0 - 5) / 1.5) - 0.5 * Foundation.exp(-($0 - 11) * ($0 - 11) / 2) }
    let clean = simulateBurgers(initial: initial, grid: grid, viscosity: 0.15, count: 60, interval: 0.1, maxStep: 1e-3).u
    var rng = RandomGenerator(seed: seed)
    return (DiscoveryBenchmark.addingNoise(clean, level: 0.05, using: &rng), 0.05 * clean.standardDeviation().scalar)
}

@Suite struct PDEJointEstimationTests {
    @Test func jacobianMatchesCentralDifferences() throws {
        // Terms u*u_x, u_xx, u^2, u: each residual entry is at most quadratic in any one field
        // value and linear in each coefficient, so a central difference is exact up to rounding.
        // A residual entry sums <= ~50 products of size <= max|J| max|X| (|X| <= 1.5 here), so its
        // rounding is <= ~50 * 1.1e-16 * 1.5 max|J|; divided by 2 eps = 2e-4 that is
        // ~4e-11 max|J|. Bound 1e-8 max|J| (both rules).
        let nt = 7, nx = 20
        var rng = RandomGenerator(seed: 51)
        let x = Tensor(shape: [nt, nx], scalars: (0..<(nt * nx)).map { _ in rng.uniform(-1, 1) })
        let y = Tensor(shape: [nt, nx], scalars: x.scalars.map { $0 + 0.1 * rng.uniform(-1, 1) })
        let terms: [(power: Int, derivative: Int)] = [(1, 1), (0, 2), (2, 0), (1, 0)]
        let c = [-0.9, 0.07, 0.3, -0.2]
        // One strip (the whole grid) and strips of 7 interior points (two strips of 13 columns).
        for rule in PDECollocationRule.allCases { for width in [nil, 7] {
            let problem = try #require(PDEJointProblem(y, dt: 0.05, dx: 0.2, terms: terms, coefficients: c, sigma: 0.1, tolerance: 0.2,
                                                       halfWidth: 3, collocation: rule, stripWidth: width))
            #expect(problem.stripColumns.map(\.count) == (width == nil ? [nx] : [13, 13]))
            let wide = try #require(PDEJointProblem(y, dt: 0.05, dx: 0.2, terms: terms, coefficients: c, sigma: 0.1, tolerance: 0.2,
                                                    halfWidth: 3, collocation: rule, stripWidth: 1000))
            #expect(wide.stripColumns.map(\.count) == [nx] && wide.fieldSize == nt * nx)
            // The state holds each strip's copy of its columns (overlapping copies perturbed independently).
            let state = problem.stripFields(x.scalars), n = problem.fieldSize
            #expect(n == (width == nil ? nt * nx : 2 * nt * 13) && problem.mergedField(state) == x.scalars)
            let j = problem.denseJacobian(state, c)
            let columns = j.shape[1], rows = j.shape[0]
            let scale = j.scalars.map { Swift.abs($0) }.max()!
            let eps = 1e-4
            var worst = 0.0
            for col in 0..<columns {
                var xp = state, xm = state, cp = c, cm = c
                if col < n { xp[col] += eps; xm[col] -= eps } else { cp[col - n] += eps; cm[col - n] -= eps }
                let rp = problem.residuals(xp, cp), rm = problem.residuals(xm, cm)
                for row in 0..<rows { worst = Swift.max(worst, Swift.abs((rp[row] - rm[row]) / (2 * eps) - j.scalars[row * columns + col])) }
            }
            #expect(worst < 1e-8 * scale, "\(rule) strips \(String(describing: width)): largest difference \(worst) of max |J| \(scale)")
        } }
    }

    @Test func cleanDataBiasHasTheCollocationOrder() throws {
        // Exact advection-diffusion data (a = 1, nu = 0.1, modes q = 1 and 2.3, |lambda| <= 2.4),
        // 80 points dx 0.125, t in [0, 2]. Central differences of half-width 8 err by
        // ~(q dx)^16 ~ 1e-9, far below the time rules' bias, which scales as dt^4 for Simpson
        // ((lambda dt)^4 / 180 ~ 2e-5 at dt 0.1) and dt^2 for the trapezoid. Halving dt must
        // divide the worst coefficient error by 16 (Simpson) or 4 (trapezoid); the next terms
        // are (lambda dt)^2 ~ 6% relative, so the windows (12, 20) and (3, 5) separate the orders.
        let a = 1.0, nu = 0.1, dx = 0.125, nx = 80
        for (rule, window) in [(PDECollocationRule.simpson, 12.0...20.0), (.trapezoid, 3.0...5.0)] {
            var errors: [Double] = []
            for dt in [0.1, 0.05] {
                let nt = Int((2 / dt).rounded()) + 1
                let u = advectionDiffusion(nt: nt, dt: dt, nx: nx, dx: dx, a: a, nu: nu)
                var options = PDEJointEstimationOptions()
                options.collocation = rule
                let estimate = try #require(pdeJointEstimate(u, dt: dt, dx: dx, terms: [(0, 1), (0, 2)], coefficients: [-a * 1.02, nu * 0.97],
                                                            sigma: 1e-4 * u.standardDeviation().scalar, options: options))
                #expect(estimate.converged)
                errors.append(Swift.max(Swift.abs(estimate.coefficients[0] + a) / a, Swift.abs(estimate.coefficients[1] - nu) / nu))
            }
            let ratio = errors[0] / errors[1]
            #expect(window.contains(ratio), "\(rule): errors \(errors), ratio \(ratio)")
            if rule == .simpson { #expect(errors[1] < 1e-4, "Simpson error at dt 0.05: \(errors[1])") }
        }
    }

    @Test func noisyBurgersFromAnotherInitialState() throws {
        // `noisyBurgers` (grid, state and seeds 4100-4107 fixed before any run), start 3% / 5% off.
        // (a) Each coefficient within 4 of its Gauss-Newton standard errors of the truth (a false
        // failure has probability ~6e-5 per coefficient if the standard errors are right).
        // (b) Two-sided calibration: over the 8 seeds, the RMS error of each coefficient against
        // its mean standard error. If the standard errors are right, 8 RMS^2 / SE^2 is chi-square
        // with 8 degrees of freedom (plus the clean-data bias, < 1e-4 relative: Simpson and
        // 14th-order differences, see cleanDataBiasHasTheCollocationOrder, against SEs ~0.3%):
        // P(chi2_8 < 0.86) ~ 1e-4 and P(chi2_8 > 32) ~ 1e-4, so RMS / SE in (0.33, 2.0). An SE too
        // large or too small by 3x fails with probability > 0.9. (The earlier fixed "within 1%"
        // bound is gone: the SEs here are ~0.28% (u u_x) and ~0.52% (nu), so 1% was ~2 SE of nu.)
        // Run twice: the default (one strip: 64 interior points) and strips of 20 (three strips of
        // 21-22 with 8-point halos). There the halos' data count twice, so the printed SEs
        // understate the errors by at most sqrt((21 + 16) / 21) = 1.33: bound (a) is 5 SE (3.8
        // true SE at worst), and (b) keeps its range (RMS / SE up to 1.33 x 2.0 would still need
        // chi-square tails of ~1e-3).
        let truth = [-1.0, 0.15]
        for width in [nil, 20] {
            var options = PDEJointEstimationOptions()
            options.stripWidth = width
            var squared = [0.0, 0.0], variance = [0.0, 0.0]
            let seeds = UInt64(4100)...4107
            for seed in seeds {
                let (noisy, sigma) = noisyBurgers(seed: seed)
                let estimate = try #require(pdeJointEstimate(noisy, dt: 0.1, dx: 0.2, terms: [(1, 1), (0, 2)], coefficients: [-1.03, 0.1425],
                                                             sigma: sigma, options: options))
                #expect(estimate.converged && estimate.strips.count == (width == nil ? 1 : 3), "seed \(seed) strips \(String(describing: width))")
                #expect(estimate.field.shape == noisy.shape)
                for k in 0..<2 {
                    let error = Swift.abs(estimate.coefficients[k] - truth[k]), se = estimate.standardErrors[k]
                    #expect(se.isFinite && error < (width == nil ? 4 : 5) * se, "seed \(seed) term \(k) strips \(String(describing: width)): error \(error), SE \(se)")
                    squared[k] += error * error / Double(seeds.count)
                    variance[k] += se * se / Double(seeds.count)
                }
            }
            for k in 0..<2 {
                let ratio = (squared[k] / variance[k]).squareRoot()
                #expect(ratio > 0.33 && ratio < 2.0, "term \(k) strips \(String(describing: width)): RMS error / SE = \(ratio)")
            }
        }
    }

    @Test func stopRuleEndsNearTheOptimumWithItsStandardErrors() throws {
        // `noisyBurgers` with seeds 4200-4202 (not those above), one strip (64 interior points).
        // The run stops when the cost still to gain is estimated below 1e-4, i.e. the
        // coefficients within ~1e-2 standard errors of the optimum, and reports the standard
        // errors of its last factorization. Reference: four more undamped Gauss-Newton steps from
        // the estimate (each shrinks the distance ~20-fold here). Bounds: (a) the estimate within
        // 0.03 SE of the reference (3x the rule's target, as the rule extrapolates the rate from
        // two steps); (b) the standard errors came from the last step's factorization (no extra
        // one: `factorizations` == `iterations`) and are within 1% of `standardErrors` at the
        // final point (the damping may lower them by 0.5%, and the last small step moves the
        // Jacobian by far less); (c) the reference's cost is not lower by more than the rule's
        // target (`levenbergMarquardtStopTolerance` with relative 1e-4) plus the rounding of a
        // sum of ~1e4 squares.
        let terms: [(power: Int, derivative: Int)] = [(1, 1), (0, 2)]
        for seed in UInt64(4200)...4202 {
            let (noisy, sigma) = noisyBurgers(seed: seed)
            let estimate = try #require(pdeJointEstimate(noisy, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1.03, 0.1425], sigma: sigma))
            #expect(estimate.converged && estimate.iterations <= 6 && estimate.factorizations == estimate.iterations,
                    "seed \(seed): \(estimate.iterations) iterations, \(estimate.factorizations) factorizations")
            let problem = try #require(PDEJointProblem(noisy, dt: 0.1, dx: 0.2, terms: terms, coefficients: estimate.coefficients, sigma: sigma,
                                                       tolerance: estimate.tolerance, halfWidth: estimate.halfWidth, collocation: .simpson))
            var x = problem.stripFields(estimate.field.scalars), c = estimate.coefficients
            let cost = problem.residuals(x, c).reduce(0) { $0 + $1 * $1 }
            for _ in 0..<4 {
                let step = try #require(problem.dampedStep(x, c, damping: 0))
                x = zip(x, step.dx).map { $0 + $1 }; c = zip(c, step.dc).map { $0 + $1 }
            }
            let optimum = problem.residuals(x, c).reduce(0) { $0 + $1 * $1 }
            let target = levenbergMarquardtStopTolerance(cost: cost, rows: problem.rows, relative: 1e-4)
            #expect(cost - optimum <= target + 1e4 * Double.ulpOfOne * cost, "seed \(seed): cost \(cost), optimum \(optimum), target \(target)")
            let reference = problem.standardErrors(problem.stripFields(estimate.field.scalars), estimate.coefficients)
            for k in 0..<2 {
                let se = estimate.standardErrors[k]
                #expect(Swift.abs(estimate.coefficients[k] - c[k]) <= 0.03 * se, "seed \(seed) term \(k): \(estimate.coefficients[k]) against \(c[k]), SE \(se)")
                #expect(Swift.abs(se - reference[k]) <= 0.01 * reference[k], "seed \(seed) term \(k): SE \(se) against \(reference[k]) at the final point")
            }
        }
    }

    @Test func dampedStepAndStandardErrorsMatchADenseSolve() throws {
        // The Woodbury step (block LDL^T of M, bandwidth 1 and 2, and its Schur complement)
        // against a dense solve of (J^T J + lambda E) delta = -J^T r with J = `denseJacobian`
        // (N = fieldSize + p columns), by LAPACK's LU; and the standard errors against
        // sqrt(diag((J^T J)^-1)) on the coefficients. A perturbed point (not a solution) of a
        // small problem. Both solves have relative errors <= ~N eps kappa (normwise backward
        // stable, condition kappa of the damped normal matrix); the Gram form of the Schur
        // complement adds ~(m + p) eps kappa(S) (m defect rows summed). The bound uses the
        // measured condition numbers with a factor 10 for the constants.
        // Grids 7 x 20 (one strip of 14 interior points, or two of 7), 5 x 50 (one strip of 44:
        // the recursive block kernels split 44 -> 22 -> 11 and 5 or 6) and 4 x 80 (one strip of
        // 74: its 74 x 74 products go to BLAS in two inner slices; or three strips of 24-25).
        // Strips of at least 4 bandwidths of defects are factored twisted (`StripFactor`): the
        // trapezoid at 7 x 20 (6 defects, split 3 + 3), both rules at 12 x 20 (Simpson 10: 5 + 5;
        // trapezoid 11: 5 + 6) and at 10 x 20 (Simpson 8, the least: 4 + 4, the bottom half
        // only 2 rows before its corner; trapezoid 9: 4 + 5).
        for (nt, nx, widths) in [(7, 20, [nil, 7]), (5, 50, [nil]), (4, 80, [nil, 20]), (12, 20, [nil, 7]), (10, 20, [nil])] {
        var rng = RandomGenerator(seed: 53)
        let x = (0..<(nt * nx)).map { _ in rng.uniform(-1, 1) }
        let y = Tensor(shape: [nt, nx], scalars: x.map { $0 + 0.1 * rng.uniform(-1, 1) })
        let terms: [(power: Int, derivative: Int)] = [(1, 1), (0, 2), (1, 0)]
        let c = [-0.9, 0.07, -0.2]
        for rule in PDECollocationRule.allCases { for width in widths {
            let problem = try #require(PDEJointProblem(y, dt: 0.05, dx: 0.2, terms: terms, coefficients: c, sigma: 0.1, tolerance: 0.2,
                                                       halfWidth: 3, collocation: rule, stripWidth: width))
            let x = problem.stripFields(x)
            let j = problem.denseJacobian(x, c)
            let columns = j.shape[1], n = problem.fieldSize, p = terms.count
            let r = Tensor(shape: [j.shape[0], 1], scalars: problem.residuals(x, c))
            let normal = matmul(j, j, transposeA: true), g = matmul(j, r, transposeA: true).scalars
            var scaling = (0..<columns).map { normal[$0, $0] }
            let largest = scaling[n...].max()!
            for a in n..<columns { scaling[a] = Swift.max(scaling[a], 1e-12 * largest) }
            for lambda in [0.0, 1e-3, 1] {
                var damped = normal.scalars
                for q in 0..<columns { damped[q * columns + q] += lambda * scaling[q] }
                let a = Tensor(shape: [columns, columns], scalars: damped)
                let dense = try solve(a, Tensor(shape: [columns, 1], scalars: g.map { -$0 })).scalars
                let values = try eigvalsh(a).scalars
                let tolerance = 10 * Double(columns) * (values.last! / values.first!) * Double.ulpOfOne
                #expect(tolerance < 1e-6, "\(rule) lambda \(lambda): condition \(values.last! / values.first!), the comparison would not be tight")
                let step = try #require(problem.dampedStep(x, c, damping: lambda), "\(rule) lambda \(lambda)")
                let delta = step.dx + step.dc
                let difference = zip(delta, dense).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                let size = dense.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(difference <= tolerance * size, "\(rule) lambda \(lambda): step differs by \(difference) of \(size)")
                // The predicted decrease -g.delta + lambda delta^T E delta.
                let gd = zip(g, dense).reduce(0) { $0 + $1.0 * $1.1 }
                let dEd = (0..<columns).reduce(0.0) { $0 + scaling[$1] * dense[$1] * dense[$1] }
                let predicted = -gd + lambda * dEd
                #expect(Swift.abs(step.predicted - predicted) <= tolerance * (Swift.abs(gd) + lambda * dEd),
                        "\(rule) lambda \(lambda): predicted \(step.predicted), dense \(predicted)")
            }
            let inverse = try solve(normal, Tensor.eye(columns))
            let block = Tensor(shape: [p, p], scalars: (0..<(p * p)).map { inverse[n + $0 / p, n + $0 % p] })
            let normalValues = try eigvalsh(normal).scalars, blockValues = try eigvalsh(block).scalars
            let kappaNormal = normalValues.last! / normalValues.first!, kappaSchur = blockValues.last! / blockValues.first!
            let m = problem.rows - n
            let tolerance = 10 * (Double(columns) * kappaNormal + Double(m + p) * kappaSchur) * Double.ulpOfOne
            #expect(tolerance < 1e-6, "\(rule): condition numbers \(kappaNormal), \(kappaSchur)")
            let errors = problem.standardErrors(x, c)
            for a in 0..<p {
                let reference = inverse[n + a, n + a].squareRoot()
                #expect(errors[a].isFinite && Swift.abs(errors[a] - reference) <= tolerance * reference,
                        "\(rule) coefficient \(a): \(errors[a]) against dense \(reference), tolerance \(tolerance)")
            }
        } } }
    }

    @Test func bandKernelsMatchTheirScalarDefinitionBitForBit() {
        // The C kernels (vectorized, no fused multiply-adds) against the scalar loops they
        // replaced, which define the operation order: G by two accumulators (even and odd
        // o - d) added at the end, H and H^T copied, the fill adding G, then (hf H + tf H^T),
        // then df dd. Same operations in the same order: exactly equal. Strips of 1, 5 and 23
        // points with h = 3 (some narrower than the 4h + 1 band).
        let h = 3, w = 2 * h + 1, span = 4 * h + 1
        var rng = RandomGenerator(seed: 61)
        for ni in [1, 5, 23] {
            let f = (0..<(ni * w)).map { _ in rng.uniform(-1, 1) }, dd = (0..<(ni + 2 * h)).map { _ in rng.uniform(0.1, 2) }
            var g = [Double](repeating: .nan, count: ni * span), hp = g, ht = g
            var work = [Double](repeating: 0, count: (2 * w + 2) * ni)
            inductive_joint_bands(ni, h, f, dd, &work, &g, &hp, &ht)
            let s = (0..<(ni * w)).map { f[$0] * dd[$0 / w + $0 % w] }
            for i in 0..<ni {
                for d in 0...Swift.min(2 * h, ni - 1 - i) {
                    var a0 = 0.0, a1 = 0.0, o = d
                    while o + 1 < w { a0 += s[i * w + o] * f[(i + d) * w + o - d]; a1 += s[i * w + o + 1] * f[(i + d) * w + o + 1 - d]; o += 2 }
                    if o < w { a0 += s[i * w + o] * f[(i + d) * w + o - d] }
                    #expect(g[i * span + 2 * h + d] == a0 + a1 && g[(i + d) * span + 2 * h - d] == a0 + a1, "ni \(ni) G[\(i), +\(d)]")
                }
                for e in Swift.max(-h, -i)...Swift.min(h, ni - 1 - i) {
                    #expect(hp[i * span + 2 * h + e] == s[i * w + e + h] && ht[i * span + 2 * h + e] == s[(i + e) * w + h - e], "ni \(ni) H[\(i), \(e)]")
                }
            }
            let start = (0..<(ni * ni)).map { _ in rng.uniform(-1, 1) }
            var m = start
            let (gf, hf, tf, df) = (0.7, -1.3, 0.4, 2.1)
            inductive_joint_fill_add(ni, h, &m, g, hp, ht, Array(dd[h...]), gf, hf, tf, df)
            var reference = start
            for i in 0..<ni {
                for c in Swift.max(0, i - 2 * h)...Swift.min(ni - 1, i + 2 * h) { reference[i * ni + c] += gf * g[i * span + 2 * h + c - i] }
                for c in Swift.max(0, i - h)...Swift.min(ni - 1, i + h) {
                    reference[i * ni + c] += hf * hp[i * span + 2 * h + c - i] + tf * ht[i * span + 2 * h + c - i]
                }
                reference[i * ni + i] += df * dd[h + i]
            }
            #expect(m == reference, "ni \(ni): fill")
        }
    }

    @Test func eliminationDropsASpuriousTermAndKeepsTheTrueOnes() throws {
        // `noisyBurgers` seed 4100 with the true support plus a spurious u u_xx (start 0.02):
        // under the truth its z^2 is chi-square(1), above the price log(60 * 80) = 8.5 with
        // probability 0.4%; the true terms' z^2 are > 3e3 (SEs ~0.28% and 0.52% on this grid and
        // noise, calibrated in noisyBurgersFromAnotherInitialState). The kept two within 3% of
        // the truth (> 5 SE).
        let (noisy, sigma) = noisyBurgers(seed: 4100)
        let library: [(power: Int, derivative: Int)] = [(1, 1), (0, 2), (1, 2)], names = ["u*u_x", "u_xx", "u*u_xx"]
        var xi = [-1.03, 0.1425, 0.02]
        let log = pdeJointRefit(noisy, dt: 0.1, dx: 0.2, terms: library, coefficients: &xi, sigma: sigma, names: names,
                                options: PDEJointEstimationOptions())
        #expect(xi[2] == 0, "u*u_xx kept: \(xi); \(log)")
        #expect(Swift.abs(xi[0] + 1) < 0.03 && Swift.abs(xi[1] - 0.15) < 0.03 * 0.15, "\(xi); \(log)")
        #expect(log.contains { $0.contains("1 terms eliminated in 2 rounds") }, "\(log)")
    }

    @Test func aFailedLaterRoundRestoresThePreviousEstimate() throws {
        // Round 1 on u u_x, u_xx and a spurious u_xxx (start 0.001) uses half-width 9 (one strip
        // of 62 interior points). Dropping u_xxx (chi-square(1) z^2 against the price 8.5, as
        // above) lowers the half-width to 8 (one strip of 64 points): more flops per iteration,
        // and a cap between the two refuses round 2. The result must be round 1's estimate with
        // all three terms (the same call of `pdeJointEstimate`, deterministic), not round 1's
        // with u_xxx zeroed.
        let (noisy, sigma) = noisyBurgers(seed: 4101)
        let library: [(power: Int, derivative: Int)] = [(1, 1), (0, 2), (0, 3)], names = ["u*u_x", "u_xx", "u_xxx"]
        let start = [-1.03, 0.1425, 0.001]
        var options = PDEJointEstimationOptions()
        let first = estimatedPDEJointCost(samples: 60, points: 80, halfWidth: 9, collocation: .simpson, terms: 3,
                                          stripWidth: options.resolvedStripWidth(halfWidth: 9))
        let second = estimatedPDEJointCost(samples: 60, points: 80, halfWidth: 8, collocation: .simpson, terms: 2,
                                           stripWidth: options.resolvedStripWidth(halfWidth: 8))
        #expect(first.flops < second.flops)
        options.maximumFlopsPerIteration = 0.5 * (first.flops + second.flops)
        let round1 = try #require(pdeJointEstimate(noisy, dt: 0.1, dx: 0.2, terms: library, coefficients: start, sigma: sigma, options: options))
        #expect(round1.converged && round1.halfWidth == 9)
        var xi = start
        let log = pdeJointRefit(noisy, dt: 0.1, dx: 0.2, terms: library, coefficients: &xi, sigma: sigma, names: names, options: options)
        #expect(xi == round1.coefficients, "\(xi) against round 1's \(round1.coefficients); \(log)")
        #expect(log.contains { $0.hasPrefix("joint estimation in round 2 skipped") && $0.hasSuffix("kept round 1's estimate with all its terms") },
                "\(log)")
    }

    @Test func anUnconvergedEstimateKeepsTheStart() throws {
        // One iteration cannot meet the stop rule from a start 3% / 5% off: the estimate is
        // unconverged, so the start (the generalized least-squares fit in `discoverPDE`) is kept.
        let (noisy, sigma) = noisyBurgers(seed: 4102)
        var options = PDEJointEstimationOptions()
        options.maxIterations = 1
        var xi = [-1.03, 0.1425]
        let log = pdeJointRefit(noisy, dt: 0.1, dx: 0.2, terms: [(1, 1), (0, 2)], coefficients: &xi, sigma: sigma, names: ["u*u_x", "u_xx"],
                                options: options)
        #expect(xi == [-1.03, 0.1425], "\(xi); \(log)")
        #expect(log == ["joint estimation did not converge in 1 Levenberg-Marquardt iterations; kept the generalized least-squares fit"], "\(log)")
    }

    @Test func significanceScoring() {
        // z^2 = (c / SE)^2 against the price; +infinity SE (not identified) goes first; SE 0
        // never goes; a NaN SE (not computed) stops the elimination instead of counting as 0.
        let c = [2.0, 0.1, 3.0, 0]
        #expect(leastSignificantTerm(coefficients: c, standardErrors: [0.1, 0.1, 0.1, 0], candidates: [0, 1, 2], price: 8) == .drop(1))
        #expect(leastSignificantTerm(coefficients: c, standardErrors: [0.1, 0.01, 0.1, 0], candidates: [0, 1, 2], price: 8) == .keepAll)
        #expect(leastSignificantTerm(coefficients: c, standardErrors: [0.1, 0.01, .infinity, 0], candidates: [0, 1, 2], price: 8) == .drop(2))
        #expect(leastSignificantTerm(coefficients: c, standardErrors: [0, 0.01, 0.1, 0], candidates: [0, 1, 2], price: 1e9) == .drop(1))
        #expect(leastSignificantTerm(coefficients: c, standardErrors: [0.1, .nan, .infinity, 0], candidates: [0, 1, 2], price: 8) == .unavailable(1))
        #expect(leastSignificantTerm(coefficients: c, standardErrors: [.nan, .nan, .nan, .nan], candidates: [], price: 8) == .keepAll)
    }

    @Test func memoryEstimateCoversTheHalfWidthUsed() {
        // Half-widths 7 (no x-derivative) and 8 (u_x, u_xx) with their default strips: with a
        // flop cap between their costs only the cheaper one can run, and the estimate must be its
        // bytes (not 0, not the refused one's); below both it is 0. Each counts the strips' work
        // arrays (16 copies of the field at least) and their block factors.
        let nt = 120, nx = 200
        var options = PDEJointEstimationOptions()
        let costs = [7, 8].map { estimatedPDEJointCost(samples: nt, points: nx, halfWidth: $0, collocation: .simpson, terms: 12,
                                                        stripWidth: options.resolvedStripWidth(halfWidth: $0)) }
        let (cheap, dear) = costs[0].flops < costs[1].flops ? (costs[0], costs[1]) : (costs[1], costs[0])
        #expect(cheap.flops < dear.flops)
        options.maximumFlopsPerIteration = 0.5 * (cheap.flops + dear.flops)
        #expect(estimatedPDEJointBytes(times: nt, points: nx, maxDerivative: 2, options: options) == cheap.bytes)
        options.maximumFlopsPerIteration = 0.5 * Swift.min(cheap.flops, dear.flops)
        #expect(estimatedPDEJointBytes(times: nt, points: nx, maxDerivative: 2, options: options) == 0)
        // h = 8, 184 interior points in 3 strips of 61-62 (Simpson: 3 blocks of b^2 per defect row).
        #expect(costs[1].bytes >= 8 * 16 * Double(nt * nx) + 8 * Double(nt - 2) * 3 * 3 * 61 * 61)
    }

    @Test func collocationStiffnessGate() throws {
        // z = dt max |c| amplitude^a (pi / dx)^m over terms with an x-derivative.
        let z = pdeCollocationStiffness(dt: 0.1, dx: 0.2, terms: [(1, 1), (0, 2), (2, 0)], coefficients: [-1, 0.15, 50], amplitude: 2)
        let expected = Swift.max(0.1 * 1 * 2 * (Double.pi / 0.2), 0.1 * 0.15 * Foundation.pow(Double.pi / 0.2, 2))
        #expect(Swift.abs(z - expected) <= 4 * Double.ulpOfOne * expected)
        // A dispersive term far beyond the default bound (0.1 * 5 * (pi / 0.2)^3 = 1.9e3): refused,
        // and the refit keeps its start and says why.
        let (noisy, sigma) = noisyBurgers(seed: 4103)
        let terms: [(power: Int, derivative: Int)] = [(1, 1), (0, 2), (0, 3)]
        #expect(pdeJointEstimate(noisy, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.15, 5], sigma: sigma) == nil)
        var xi = [-1.0, 0.15, 5]
        let log = pdeJointRefit(noisy, dt: 0.1, dx: 0.2, terms: terms, coefficients: &xi, sigma: sigma, names: ["u*u_x", "u_xx", "u_xxx"],
                                options: PDEJointEstimationOptions())
        #expect(xi == [-1.0, 0.15, 5])
        #expect(log.count == 1 && log[0].hasPrefix("joint estimation skipped: collocation stiffness") && log[0].hasSuffix("above 100; kept the generalized least-squares fit"),
                "\(log)")
    }

    @Test func unusableInputGivesNil() {
        let u = advectionDiffusion(nt: 10, dt: 0.1, nx: 30, dx: 0.2, a: 1, nu: 0.1)
        let terms: [(power: Int, derivative: Int)] = [(0, 1), (0, 2)]
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0) == nil)
        #expect(pdeJointEstimate(u, dt: -0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01) == nil)
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1], sigma: 0.01) == nil)
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, .nan], sigma: 0.01) == nil)
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: [], coefficients: [], sigma: 0.01) == nil)
        // 30 points cannot hold a stencil of half-width 15 and an interior point.
        var wide = PDEJointEstimationOptions()
        wide.spaceHalfWidth = 15
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01, options: wide) == nil)
        // Fewer than 4 samples in time.
        #expect(pdeJointEstimate(u.slice([.range(0..<3), .all]), dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01) == nil)
        // Above the cost cap.
        var capped = PDEJointEstimationOptions()
        capped.maximumFlopsPerIteration = 1
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01, options: capped) == nil)
        // A start field of another shape.
        #expect(pdeJointEstimate(u, dt: 0.1, dx: 0.2, terms: terms, coefficients: [-1, 0.1], sigma: 0.01, initialField: Tensor.zeros([3, 3])) == nil)
    }
}
