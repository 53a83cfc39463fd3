import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Convolution and Equivariance": f(x) = σ(<g_i w, x>)_i satisfies f(g x) = P_g f(x)
/// for circular translations g: the activation acts entrywise and commutes with permutations.
struct SymConvolution: Experiment {
    let id = "sym.convolution"
    let section = NotesSection.symmetry
    let title = "Circular convolution is translation-equivariant"
    let claim = "A circular convolution followed by a pointwise activation commutes with cyclic translations, f(gx) = P_g f(x); zero padding breaks it at the border, a dense layer everywhere."
    let parameters = [
        ParameterSpec("length", "signal length n", .int(32), minimum: 4, maximum: 4096),
        ParameterSpec("channels", "output channels", .int(4), minimum: 1, maximum: 256),
        ParameterSpec("kernel", "kernel size (odd)", .int(5), minimum: 1, maximum: 63),
        ParameterSpec("signals", "random test signals", quick: .int(16), full: .int(256), minimum: 1, maximum: 100_000),
    ]
    let checks = [
        CheckSpec("circular", "max over shifts of ‖f(gx) − P_g f(x)‖ / ‖f(x)‖, circular padding", .lessThan(1e-12)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        p.int("kernel") % 2 == 1 ? (p.int("kernel") > p.int("length") ? "kernel cannot exceed length" : nil) : "kernel must be odd (centred windows)"
    }

    // Per shift: the convolutions (signals × channels × n × k) and a dense layer
    // (signals × (channels n) × n), ×10 overhead. Full size 3.9e8; the limit is the floor.
    let workBound = WorkBound("10 × length × signals × channels × length × (kernel + length)", limit: 1e10) { p in
        let n = Double(p.int("length"))
        return 10 * n * Double(p.int("signals") * p.int("channels")) * n * (Double(p.int("kernel")) + n)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("length"), c = p.int("channels"), k = p.int("kernel"), m = p.int("signals")
        let circular = Convolution(inputChannels: 1, outputChannels: c, kernel: [k], padding: .circular, activation: .tanh, using: &context.rng)
        var zero = circular
        zero.padding = .same
        let dense = Sequential(Flatten(), Dense(inputSize: n, outputSize: c * n, activation: .tanh, using: &context.rng), Reshape([c, n]))
        let x = Tensor.randomNormal([m, 1, n], using: &context.rng)
        let input = PermutationAction.cyclicShifts(n)
        let output = PermutationAction.diagonal(.trivial(input.group, degree: c), input)
        let reports = [EquivarianceReport(circular, input: input, output: output, on: x),
                       EquivarianceReport(zero, input: input, output: output, on: x),
                       EquivarianceReport(dense, input: input, output: output, on: x)]
        context.measure("circular", reports[0].relative)
        let rel = reports.map { r in r.errors.map { $0 / r.outputNorm } }
        context.record("circular_error", rel[0])
        context.record("zero_padding_error", rel[1])
        context.record("dense_error", rel[2])
        // Zero padding: only the (k − 1)/2 outputs at each end see different inputs.
        let border = (k - 1) / 2
        context.note(String(format: "Zero padding: largest relative error %.3g, from the outputs whose window of %d crosses an end of the signal before or after the shift (at most 2(k − 1) = %d of the %d outputs per channel; elsewhere the two sides agree exactly). Dense layer with random weights: %.3g, O(1): nothing ties its rows together. Circular: %.2g.",
                            reports[1].relative, k, 4 * border, n, reports[2].relative, reports[0].relative))
        let shifts = (0..<n).map(Double.init)
        context.figure(Figure(
            id: "equivariance-error", title: "Equivariance error vs translation",
            caption: "‖f(g_s x) − P_s f(x)‖ / ‖f(x)‖ over \(m) random signals of length \(n), for a tanh convolution with kernel \(k) (circular and zero padding, same weights) and a tanh dense layer of the same output size. Values below 1e-17 are drawn at 1e-17.",
            chart: .plot(Plot(x: Axis("shift s (samples)"), y: Axis("relative equivariance error", scale: .log),
                              series: [Series("circular convolution", x: shifts, y: rel[0].map { Swift.max($0, 1e-17) }, style: .lineAndMarkers),
                                       Series("zero-padded convolution", x: shifts, y: rel[1].map { Swift.max($0, 1e-17) }, style: .lineAndMarkers),
                                       Series("dense layer", x: shifts, y: rel[2].map { Swift.max($0, 1e-17) }, style: .lineAndMarkers)],
                              referenceLines: [.horizontal(1e-12, label: "1e-12")]))))
    }
}
