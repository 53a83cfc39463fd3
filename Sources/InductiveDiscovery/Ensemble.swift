import Foundation
import InductiveSolvers
import InductiveTensor

/// Bagging statistics of one library term over an ensemble of fits.
public struct EnsembleTerm: Sendable, Equatable {
    /// The term's name.
    public var name: String
    /// The fraction of models in which the term is non-zero.
    public var inclusion: Double
    /// Median, and the lower / upper quantiles of the coefficient over the models that include it
    /// (0 when none does).
    public var median: Double
    public var low: Double
    public var high: Double
}

/// The outcome of bagging (ensemble-SINDy, Fasel et al. 2022).
public struct EnsembleSummary: Sendable, Equatable {
    /// The number of models fitted.
    public var models: Int
    /// The central probability of the [low, high] intervals (e.g. 0.9 for the 5% and 95% quantiles).
    public var intervalLevel: Double
    /// One entry per library term, in library order.
    public var terms: [EnsembleTerm]
}

/// The q-quantile (0 <= q <= 1) of sorted values by linear interpolation.
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let position = q * Double(sorted.count - 1)
    let lo = Int(position.rounded(.down)), hi = Swift.min(sorted.count - 1, lo + 1)
    let f = position - Double(lo)
    return sorted[lo] * (1 - f) + sorted[hi] * f
}

/// Summarizes coefficient vectors (one per model, each [terms]) of an ensemble.
public func summarizeEnsemble(_ fits: [[Double]], termNames: [String], intervalLevel: Double = 0.9) -> EnsembleSummary {
    precondition(intervalLevel > 0 && intervalLevel < 1, "summarizeEnsemble: intervalLevel must lie in (0, 1)")
    let terms = termNames.enumerated().map { j, name -> EnsembleTerm in
        let values = fits.map { $0[j] }.filter { $0 != 0 }.sorted()
        let inclusion = fits.isEmpty ? 0 : Double(values.count) / Double(fits.count)
        let tail = (1 - intervalLevel) / 2
        return EnsembleTerm(name: name, inclusion: inclusion, median: quantile(values, 0.5),
                            low: quantile(values, tail), high: quantile(values, 1 - tail))
    }
    return EnsembleSummary(models: fits.count, intervalLevel: intervalLevel, terms: terms)
}

/// Ensemble discovery (bagging, as in ensemble-SINDy): the regression problem of `discoverPDE`
/// is built once; `models` fits are made on bootstrap resamples of its rows (test-function
/// windows for the weak form, grid points for the strong form), drawn from `rng`. The returned
/// equation is the fit on all rows; `ensemble` holds each term's inclusion probability (the
/// fraction of models that keep it) and the median and 5% / 95% quantiles of its coefficient
/// over the models that keep it.
///
/// - Cost: `models` + 1 sparse regressions on the built problem.
public func ensembleDiscoverPDE(
    _ u: Tensor, dt: Double, dx: Double, options: PDEDiscoveryOptions = PDEDiscoveryOptions(), models: Int,
    using rng: inout RandomGenerator
) throws -> DiscoveredEquations {
    guard models >= 1 else { throw DiscoveryError.invalidOption("an ensemble needs at least one model, got \(models)") }
    let (problem, settings, model) = try buildPDEProblem(u, dt: dt, dx: dx, options: options)
    let options = weakAdjusted(options, problem)
    var result = try solvePDERegression(problem, options: options, settings: settings, using: &rng)
    result = refitWeakResult(result, problem: problem, model: model, mode: options.weak.refit, joint: options.weak.joint)
    let n = problem.target.count
    var fits: [[Double]] = []
    for _ in 0..<models {
        let rows = (0..<n).map { _ in rng.integer(below: n) }
        let resampled = PDERegressionProblem(library: problem.library.take(rows), target: problem.target.take(rows),
                                             termNames: problem.termNames)
        let fit = try solvePDERegression(resampled, options: options, using: &rng)
        fits.append(fit.coefficients.scalars)
    }
    result.ensemble = summarizeEnsemble(fits, termNames: problem.termNames)
    return result
}
