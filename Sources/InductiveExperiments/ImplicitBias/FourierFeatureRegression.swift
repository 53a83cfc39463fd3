import Foundation
import InductiveAutodiff
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Spectral bias" / Fourier features (Tancik et al. 2020): a coordinate MLP
/// (x, y) -> intensity regresses a photograph blurrily, because of its spectral bias; mapping
/// the coordinates through Fourier features first lets it represent, and generalize, the
/// detail. Trained on every other pixel of the shipped photograph, tested on the rest.
struct FourierFeatureRegression: Experiment {
    let id = "ib.fourier-features"
    let section = NotesSection.implicitBias
    let title = "Fourier features let an MLP regress a photograph"
    let claim = "A coordinate MLP on Gaussian Fourier features reaches a much higher held-out PSNR on a photograph than on plain coordinates, with the basic embedding in between (Tancik et al. 2020)."
    let parameters = [
        ParameterSpec("size", "image side after block-mean downsampling of the 256 × 256 photograph (divides 256)", quick: .int(64), full: .int(128), minimum: 4, maximum: 256),
        ParameterSpec("width", "hidden width (4 layers: 3 hidden ReLU + linear output)", quick: .int(64), full: .int(128), minimum: 2, maximum: 1024),
        ParameterSpec("features", "Gaussian Fourier features m (2m inputs)", quick: .int(32), full: .int(128), minimum: 1, maximum: 1024),
        ParameterSpec("sigmas", "the grid of σ (frequencies N(0, σ²) in cycles per image side; the training grid's Nyquist frequency is size / 4)",
                      quick: .doubles([1, 2, 4]), full: .doubles([2, 4, 8]), minimum: 1e-3, maximum: 1000),
        ParameterSpec("steps", "Adam steps per network", quick: .int(200), full: .int(600), minimum: 1, maximum: 1_000_000),
        ParameterSpec("learningRate", "Adam learning rate", .double(3e-3), minimum: 1e-8, maximum: 1),
        ParameterSpec("batch", "training pixels per Adam step (all of them when at least their number)", .int(4096), minimum: 1, maximum: 65536),
        ParameterSpec("validationFraction", "training pixels held out to choose σ", .double(0.2), minimum: 0.01, maximum: 0.9),
    ]
    let checks = [
        // Quick is the catalogue's 64 × 64 (about 5 s). Its gap, 5.08 dB, is the same to 1e-12
        // dB under every OpenBLAS core type and thread count tried, so its small margin is a
        // measurement, not rounding luck.
        CheckSpec("gap", "test PSNR, Gaussian features − plain coordinates (dB)", .atLeast(5)),
        CheckSpec("order", "test PSNR order plain < basic < Gaussian (1 when it holds)", .equal),
    ]
    // (σ grid + 3) networks of steps × 6 × (pixels per step) × width × (2m + 2 width), and 50
    // evaluations of each on the held-out pixels; the full size is 5.9e12.
    let workBound = WorkBound("(sigmas + 3) × steps × 6 × min(batch, size² / 4) × width × (2 features + 2 width + 1) + 300 × size² × width²", limit: 1e14) { p in
        let s = Double(p.int("size")), w = Double(p.int("width"))
        let pixels = Swift.min(Double(p.int("batch")), s * s / 4)
        return Double(p.doubles("sigmas").count + 3) * Double(p.int("steps")) * 6 * pixels * w * (2 * Double(p.int("features")) + 2 * w + 1)
            + 300 * s * s * w * w  // the 50 evaluations per network on the held-out pixels
    }

    func validate(_ p: ParameterValues) -> String? {
        256 % p.int("size") == 0 ? nil : "size must divide 256"
    }

    /// The 4-layer ReLU coordinate MLP behind an embedding.
    static func network(embedding: (any Layer)?, inputs: Int, width: Int, using rng: inout RandomGenerator) -> Sequential {
        var layers: [any Layer] = embedding.map { [$0] } ?? []
        var fanIn = inputs
        for _ in 0..<3 {
            layers.append(Dense(inputSize: fanIn, outputSize: width, activation: .relu, using: &rng))
            fanIn = width
        }
        layers.append(Dense(inputSize: fanIn, outputSize: 1, using: &rng))
        return Sequential(layers)
    }

    struct Fit { var net: Sequential; var curve: [Double] }

    /// Adam on the mean squared error over `train` (minibatches of `batch` pixels, or all);
    /// the PSNR on `watch` after every 1/50 of the steps.
    func fit(_ net: Sequential, coordinates: Tensor, image: Tensor, train: [Int], watch: [Int], _ p: ParameterValues,
               rng: inout RandomGenerator, progress: (Double) -> Void) -> Fit {
        var net = net
        var theta = net.parameters
        var optimizer = Adam(learningRate: p.double("learningRate"))
        let xAll = coordinates.take(train), yAll = image.take(train)
        let xw = coordinates.take(watch), yw = image.take(watch)
        let steps = p.int("steps"), every = Swift.max(1, steps / 50), batch = p.int("batch")
        var curve: [Double] = []
        var order: [Int] = [], cursor = train.count
        for step in 0..<steps {
            var (x, y) = (xAll, yAll)
            if batch < train.count {
                if cursor + batch > train.count { order = rng.permutation(train.count); cursor = 0 }
                let idx = Array(order[cursor..<(cursor + batch)])
                cursor += batch
                (x, y) = (xAll.take(idx), yAll.take(idx))
            }
            let (_, g) = valueAndGradients(at: theta) { vars in square(net.apply(parameters: vars, to: Variable(constant: x)) - Variable(y)).mean() }
            optimizer.update(&theta, gradients: g, rng: &rng)
            if (step + 1) % every == 0 || step == steps - 1 {
                net.parameters = theta
                curve.append(ImageData.psnr(net(xw), yw))
                progress(Double(step + 1) / Double(steps))
            }
        }
        net.parameters = theta
        return Fit(net: net, curve: curve)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let size = p.int("size"), width = p.int("width"), m = p.int("features"), sigmas = p.doubles("sigmas")
        let image = try ImageData.downsampled(try ImageData.camera(), factor: 256 / size)
        let pixels = image.reshaped([size * size, 1])
        let coordinates = ImageData.coordinateGrid(height: size, width: size)
        let (train, test) = ImageData.everyOtherPixel(height: size, width: size)
        var splitRng = context.rng.child(0)
        let shuffled = splitRng.permutation(train.count).map { train[$0] }
        let nValidation = Swift.max(1, Int((Double(train.count) * p.double("validationFraction")).rounded()))
        let validation = Array(shuffled.prefix(nValidation)), fitting = Array(shuffled.dropFirst(nValidation))
        let runs = Double(sigmas.count + 3)
        var done = 0.0
        let reporter = context

        // 1. σ on the validation split (networks trained on the other training pixels).
        var validationPSNR: [Double] = []
        for (j, sigma) in sigmas.enumerated() {
            var rng = context.rng.child(10 + UInt64(j))
            let embedding = FourierFeatures(inputSize: 2, features: m, sigma: sigma, using: &rng)
            let net = Self.network(embedding: embedding, inputs: 2 * m, width: width, using: &rng)
            let result = fit(net, coordinates: coordinates, image: pixels, train: fitting, watch: validation, p, rng: &rng) {
                reporter.progress((done + $0) / runs, "choosing σ: \(sigma)")
            }
            validationPSNR.append(result.curve.last!)
            done += 1
        }
        let best = validationPSNR.indices.max { validationPSNR[$0] < validationPSNR[$1] }!
        let sigma = sigmas[best]

        // 2. The three embeddings on all training pixels, tested on the rest.
        var results: [(name: String, fit: Fit)] = []
        for (j, name) in ["plain (x, y)", "basic", "Gaussian σ = \(NumberFormat.significant(sigma))"].enumerated() {
            var rng = context.rng.child(20 + UInt64(j))
            let net: Sequential
            switch j {
            case 0: net = Self.network(embedding: nil, inputs: 2, width: width, using: &rng)
            case 1: net = Self.network(embedding: FourierFeatures.basic(inputSize: 2), inputs: 4, width: width, using: &rng)
            default:
                var embeddingRng = context.rng.child(10 + UInt64(best))
                net = Self.network(embedding: FourierFeatures(inputSize: 2, features: m, sigma: sigma, using: &embeddingRng), inputs: 2 * m, width: width, using: &rng)
            }
            results.append((name, fit(net, coordinates: coordinates, image: pixels, train: train, watch: test, p, rng: &rng) {
                reporter.progress((done + $0) / runs, name)
            }))
            done += 1
        }
        let psnr = results.map { $0.fit.curve.last! }
        context.measure("gap", psnr[2] - psnr[0])
        context.measure("order", psnr[0] < psnr[1] && psnr[1] < psnr[2] ? 1 : 0, predicted: 1)
        context.record("sigmas", sigmas)
        context.record("validation_psnr", validationPSNR)
        context.record("test_psnr", psnr)
        let tancik = [19.32, 21.71, 25.57]
        context.note(String(format: "Test PSNR on the %d held-out pixels of the %d × %d photograph: plain %.2f dB, basic %.2f dB, Gaussian %.2f dB (Tancik et al. 2020, natural images at 512 × 512: %.2f / %.2f / %.2f dB). σ = %@ chosen on validation PSNR ",
                            test.count, size, size, psnr[0], psnr[1], psnr[2], tancik[0], tancik[1], tancik[2], NumberFormat.significant(sigma))
                     + zip(sigmas, validationPSNR).map { "σ \(NumberFormat.significant($0)): \(String(format: "%.2f", $1)) dB" }.joined(separator: ", ") + ".")

        var images = [GrayImage(image, caption: "target (\(size) × \(size))")]
        var bandSeries: [Series] = []
        for (k, r) in results.enumerated() {
            let full = r.fit.net(coordinates).reshaped([size, size])
            images.append(GrayImage(full.clamped(min: 0, max: 1), caption: "\(r.name): \(String(format: "%.1f", psnr[k])) dB"))
            // Which frequencies each network misses: the residual per radial band of the 2-D spectrum.
            let bands = FrequencyResiduals.radialRelativeResiduals(prediction: full, target: image)
            let shown = Array(bands.indices.dropFirst().prefix(size / 2))
            context.record("band_residual_\(k)", shown.map { bands[$0] })
            bandSeries.append(Series(r.name, x: shown.map(Double.init), y: shown.map { bands[$0] }, color: Palette.color(at: k)))
        }
        context.figure(Figure(
            id: "reconstructions", title: "The photograph and three coordinate-MLP reconstructions",
            caption: "Each network saw only the pixels with even row and column; the PSNR is on all other pixels. Left to right: target, plain coordinates, basic embedding (cos, sin of 2πx, 2πy), Gaussian Fourier features.",
            chart: .imageGrid(ImageGrid(images: images, columns: 4, scaling: .shared, tileWidth: 200))))
        context.figure(Figure(
            id: "residual-per-frequency", title: "What each reconstruction misses, by spatial frequency",
            caption: "√(energy of (reconstruction − target) / energy of the target) in each radial band of the 2-D spectrum (radius in cycles per image, all pixels). Plain coordinates miss almost everything above the lowest bands; Fourier features recover the middle frequencies. Above size / 4 (the training grid's Nyquist frequency) no network can know the image.",
            chart: .plot(Plot(x: Axis("spatial frequency (cycles per image)"), y: Axis("relative residual in the band", scale: .log),
                              series: bandSeries, referenceLines: [.vertical(Double(size) / 4, label: "Nyquist of the training grid")]))))
        let every = Swift.max(1, p.int("steps") / 50)
        context.figure(Figure(
            id: "psnr-vs-step", title: "Test PSNR during training",
            caption: "Held-out PSNR of each embedding during full-batch Adam; Tancik et al.'s values for natural images as dotted lines.",
            chart: .plot(Plot(x: Axis("step"), y: Axis("test PSNR (dB)"),
                              series: results.enumerated().map { k, r in
                                  Series(r.name, x: r.fit.curve.indices.map { Double(Swift.min(($0 + 1) * every, p.int("steps"))) }, y: r.fit.curve, color: Palette.color(at: k))
                              },
                              referenceLines: [.horizontal(tancik[0], label: "Tancik: none"), .horizontal(tancik[1], label: "Tancik: basic"), .horizontal(tancik[2], label: "Tancik: Gaussian")]))))
    }
}
