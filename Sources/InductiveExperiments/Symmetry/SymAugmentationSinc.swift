import Foundation
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Data Augmentation", harmonic view: averaging f over shifts in [−a, a],
/// f_a(w) = ∫_{−a}^{a} f(w − t) dt, multiplies its Fourier transform by a sinc, a low-pass
/// filter. With the notes' transform (e^{ikt}: angular frequency k) the factor is
/// ∫_{−a}^{a} e^{ikt} dt = 2 sin(ka)/k = 2a sinc(ka), sinc(x) = sin(x)/x; the notes write
/// 2a sinc(2ka), which is the same function only in ordinary frequency ν (e^{2πiνt}) with the
/// normalized sinc(x) = sin(πx)/(πx). The experiment measures the multiplier numerically.
struct SymAugmentationSinc: Experiment {
    let id = "sym.augmentation-sinc"
    let section = NotesSection.symmetry
    let title = "Shift averaging is a sinc low-pass filter"
    let claim = "Averaging a function over shifts in [−a, a] multiplies its Fourier transform by ∫_{−a}^{a} e^{ikt} dt = 2 sin(ka)/k (the notes' 2a sinc(2ka) needs ordinary frequency and the normalized sinc)."
    let parameters = [
        ParameterSpec("halfWidth", "a: shifts in [−a, a]", .double(1.5), minimum: 0.01, maximum: 10),
        ParameterSpec("frequencies", "k values in (0, maximumFrequency]", quick: .int(60), full: .int(400), minimum: 2, maximum: 100_000),
        ParameterSpec("maximumFrequency", "largest angular frequency k", .double(6), minimum: 0.1, maximum: 20),
        ParameterSpec("panels", "quadrature panels (20 Gauss–Legendre nodes each) for the transform", quick: .int(40), full: .int(80), minimum: 4, maximum: 10_000),
    ]
    let checks = [
        CheckSpec("multiplier", "‖F[f_a] − 2 sin(ka)/k · F[f]‖ / ‖2 sin(ka)/k · F[f]‖ over the k grid", .lessThan(1e-3)),
        CheckSpec("notes-version-differs", "the same relative error for the notes' 2a sinc(2ka) with sinc(x) = sin(x)/x", .greaterThan(0.1)),
    ]

    // Per frequency: a transform over panels × 20 nodes, each node a shift average of 160
    // evaluations. Full size 1e8.
    let workBound = WorkBound("frequencies × panels × 20 × 200", limit: 1e10) { p in
        Double(p.int("frequencies") * p.int("panels")) * 20 * 200
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let a = p.double("halfWidth"), count = p.int("frequencies"), kMax = p.double("maximumFrequency"), panels = p.int("panels")
        // The test function: a Gaussian bump, f̂(k) = ∫ f(w) e^{−ikw} dw = √(2π) e^{−k²/2}.
        let f: (Double) -> Double = { exp(-$0 * $0 / 2) }
        let fHat: (Double) -> Double = { (2 * Double.pi).squareRoot() * exp(-$0 * $0 / 2) }
        // f_a by the library's shift average; it vanishes to rounding beyond |w| = a + 12.
        let support = a + 12
        let rule = legendre()
        let h = 2 * support / Double(panels)
        var nodes: [Double] = [], weights: [Double] = []
        for panel in 0..<panels {
            let left = -support + Double(panel) * h
            for (t, wt) in zip(rule.points, rule.weights) { nodes.append(left + (t + 1) * h / 2); weights.append(wt * h / 2) }
        }
        let averaged = nodes.map { OrbitAugmentation.shiftAverage(f, halfWidth: a, at: $0) }
        let ks = (1...count).map { kMax * Double($0) / Double(count) }
        // f_a is even, so its transform is the cosine transform (real).
        let transform = ks.map { k in zip(nodes, zip(weights, averaged)).reduce(0.0) { $0 + $1.1.0 * $1.1.1 * cos(k * $1.0) } }
        let corrected = ks.map { OrbitAugmentation.shiftAverageMultiplier(frequency: $0, halfWidth: a) * fHat($0) }
        let asWritten = ks.map { k in 2 * a * sin(2 * k * a) / (2 * k * a) * fHat(k) }
        func relative(_ prediction: [Double]) -> Double {
            let diff = zip(transform, prediction).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            return diff / prediction.map { $0 * $0 }.reduce(0, +).squareRoot()
        }
        let errorCorrected = relative(corrected), errorWritten = relative(asWritten)
        context.measure("multiplier", errorCorrected)
        context.measure("notes-version-differs", errorWritten)
        // The ordinary-frequency reading: ν = k / 2π with the normalized sinc gives the same
        // numbers as the corrected formula.
        let ordinary = ks.map { k -> Double in
            let nu = k / (2 * Double.pi), z = Double.pi * 2 * nu * a
            return 2 * a * sin(z) / z * fHat(k)
        }
        context.erratum(location: "Data Augmentation, harmonic view (Fourier transform of the shift average)",
                        asWritten: "f̂_a(k) = (∫ e^{ikt} Ind_[−a,a](t) dt) f̂(k) = 2a sinc(2ka) f̂(k)",
                        correction: "∫_{−a}^{a} e^{ikt} dt = 2 sin(ka)/k = 2a sinc(ka) with sinc(x) = sin(x)/x; 2a sinc(2ka) holds for ordinary frequency ν (e^{2πiνt}) with the normalized sinc(x) = sin(πx)/(πx)",
                        evidence: String(format: "Measured transform of the shift-averaged Gaussian (a = %.3g, k ≤ %.3g): relative error %.2g against 2 sin(ka)/k, %.3g against the notes' 2a sinc(2ka) with sinc(x) = sin x / x; the ordinary-frequency reading with the normalized sinc gives %.2g.",
                                         a, kMax, errorCorrected, errorWritten, relative(ordinary)),
                        separation: ErratumSeparation(measure: "relative error of the multiplier (the multiplier check's tolerance)",
                                                      asWrittenMiss: errorWritten, correctedMiss: errorCorrected, threshold: 1e-3))
        let measured = zip(transform, ks).map { $0 / fHat($1) }
        context.record("k", ks)
        context.record("measured_multiplier", measured)
        context.figure(Figure(
            id: "multiplier", title: "The Fourier multiplier of shift averaging",
            caption: "F[f_a](k) / F[f](k) for a Gaussian f averaged over shifts in [−\(a), \(a)], computed by quadrature (markers), against 2 sin(ka)/k (corrected, solid) and the notes' 2a sinc(2ka) read with sinc(x) = sin(x)/x (dashed). F[f](k) = ∫ f(w) e^{−ikw} dw, angular frequency k.",
            chart: .plot(Plot(x: Axis("angular frequency k"), y: Axis("multiplier F[f_a] / F[f]"),
                              series: [Series("measured", x: ks, y: measured, style: .markers),
                                       Series("2 sin(ka)/k", x: ks, y: ks.map { OrbitAugmentation.shiftAverageMultiplier(frequency: $0, halfWidth: a) }),
                                       Series("notes: 2a sinc(2ka)", x: ks, y: ks.map { sin(2 * $0 * a) / $0 }, dash: .dashed)]))))
    }

    /// 20-point Gauss–Legendre rule on [−1, 1].
    func legendre() -> (points: [Double], weights: [Double]) { GaussLegendre.nodes(20) }
}
