import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Learned weights and symmetry": training a fully connected network on data
/// augmented with whole orbits of a group biases its first-layer weights towards images that
/// are themselves symmetric. Measured by the symmetry defect ‖W − P_G(W)‖ / ‖W‖ of the
/// first-layer weight images (P_G averages each image over its orbit), with and without
/// augmentation, for translations, rotations and flips of the digits.
struct SymAugmentationWeights: Experiment {
    let id = "sym.augmentation-weights"
    let section = NotesSection.symmetry
    let title = "Augmentation makes the learned weights symmetric"
    let claim = "A fully connected network trained with full-orbit augmentation (translation, rotation, flip) learns first-layer weights much closer to symmetric than without augmentation."
    let parameters = [
        ParameterSpec("trainExamples", "digits used for training", quick: .int(200), full: .int(1000), minimum: 10, maximum: 1797),
        ParameterSpec("hidden", "hidden units (tanh)", .int(16), minimum: 1, maximum: 1024),
        ParameterSpec("epochs", "epochs over the augmented data (the plain run gets |G| times as many, the same number of updates)", quick: .int(6), full: .int(20), minimum: 1, maximum: 10_000),
        ParameterSpec("initScale", "first-layer weights start at this times the Xavier draw", .double(0.1), minimum: 0, maximum: 10),
        ParameterSpec("learningRate", "Adam step", .double(0.005), minimum: 1e-6, maximum: 1),
    ]
    let checks = [
        CheckSpec("translation", "defect with translation augmentation / defect without (cyclic shifts of the 8 × 8 image, 64 elements)", .lessThan(0.5)),
        CheckSpec("rotation", "defect with rotation augmentation / without (C4, 90° rotations)", .lessThan(0.5)),
        CheckSpec("flip", "defect with flip augmentation / without (left-right and up-down flips, 4 elements)", .lessThan(0.5)),
    ]

    // Each group: 2 runs of epochs × |G| × trainExamples examples through a 64 × hidden × 10
    // network (≈ 6 × 74 × hidden flops each with backward), |G| summed over the groups = 72.
    // Full size 1.3e10.
    let workBound = WorkBound("2 × 72 × epochs × trainExamples × 6 × 74 × hidden", limit: 3e11) { p in
        2 * 72 * Double(p.int("epochs") * p.int("trainExamples")) * 6 * 74 * Double(p.int("hidden"))
    }

    /// The fraction of Σ|ŵ(k)|² (2-D DFT of an n × n image) in its strongest pair {k, −k}.
    static func strongestFrequencyShare(_ image: Tensor) -> Double {
        let n = image.shape[0]
        let transform = fft2(ComplexTensor(real: image))  // O(n² log n)
        let power = (transform.real * transform.real + transform.imag * transform.imag).scalars
        let total = power.reduce(0, +)
        guard total > 0 else { return 0 }
        var best = 0.0
        for u in 0..<n { for v in 0..<n {
            let mirror = ((n - u) % n) * n + (n - v) % n
            best = Swift.max(best, mirror == u * n + v ? power[u * n + v] : power[u * n + v] + power[mirror])
        } }
        return best / total
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let digits = try Dataset.digits()
        var pick = context.rng
        let order = pick.permutation(digits.count)
        let train = digits.subset(Array(order.prefix(p.int("trainExamples"))))
        let groups: [(id: String, name: String, action: PermutationAction)] = [
            ("translation", "translations", .translations(height: 8, width: 8)),
            ("rotation", "rotations", .image(.rotations, side: 8)),
            ("flip", "flips", PermutationAction.image(.dihedral, side: 8).restricted(to: [0, 2, 4, 6], name: "flips")),
        ]
        let hidden = p.int("hidden"), epochs = p.int("epochs")
        var images: [GrayImage] = []
        for (index, group) in groups.enumerated() {
            var defects: [Double] = [], planeWaveShares: [Double] = []
            for augmented in [false, true] {
                // The same initial network for both runs.
                var rng = RandomGenerator(seed: context.seed &+ UInt64(index))
                var first = Dense(inputSize: 64, outputSize: hidden, activation: .tanh, using: &rng)
                first.weight = first.weight * p.double("initScale")
                let model = Sequential(first, Dense(inputSize: hidden, outputSize: 10, using: &rng))
                let data: Dataset
                if augmented {
                    let (x, _) = OrbitAugmentation.orbit(train.inputs, targets: train.targets, action: group.action)
                    data = try Dataset(inputs: x, labels: Array(repeating: train.labels!, count: group.action.group.order).flatMap { $0 }, classCount: 10)
                } else {
                    data = train
                }
                var trainer = Trainer(model: model, optimizer: Adam(learningRate: p.double("learningRate")),
                                      configuration: TrainingConfiguration(epochs: augmented ? epochs : epochs * group.action.group.order, batchSize: 32),
                                      seed: context.seed &+ UInt64(10 + index))
                _ = try trainer.fit(data)
                let w = trainer.model.parameters[0].transposed()  // [hidden, 64]: one image per unit
                planeWaveShares.append((0..<hidden).map { Self.strongestFrequencyShare(w.slice([.index($0)]).reshaped([8, 8])) }.reduce(0, +) / Double(hidden))
                defects.append(Reynolds.symmetryDefect(w, input: group.action, output: .trivial(group.action.group, degree: hidden)))
                for unit in 0..<4 {
                    images.append(GrayImage(w.slice([.index(unit)]).reshaped([8, 8]),
                                            caption: "\(group.id): \(augmented ? "augm." : "plain") \(unit + 1)"))
                }
            }
            if group.id == "translation" {
                context.note(String(format: "Translations: the only translation-invariant 8 × 8 images are constants, which see only a digit's total ink. What augmentation does instead is make each unit's weights close to a plane wave (one frequency ±k, an eigenvector of every translation up to a phase): the share of a unit's energy in its strongest frequency pair is %.2f without augmentation and %.2f with (mean over units). The catalogue's defect ‖W − P_G(W)‖ measures invariance, not that.",
                                    planeWaveShares[0], planeWaveShares[1]))
            }
            context.measure(group.id, defects[1] / defects[0])
            context.record("defect_" + group.id, defects)
            if group.id != "translation" { context.note(group.name.capitalized + String(format: ": defect %.3f without augmentation, %.3f with (ratio %.3f).", defects[0], defects[1], defects[1] / defects[0])) }
            else { context.note(String(format: "Translations: defect %.3f without augmentation, %.3f with (ratio %.3f).", defects[0], defects[1], defects[1] / defects[0])) }
        }
        context.note("Scale (in the notes' figure) has no exact action on an 8 × 8 pixel grid: rescaling needs interpolation and is not a group of permutations, so it has no orbit average P_G and is left out.")
        context.figure(Figure(
            id: "weights", title: "First-layer weights without and with augmentation",
            caption: "Rows: translations (cyclic shifts), 90° rotations, flips. Each row: 4 hidden units of the network trained on plain digits (left), then the same 4 units trained from the same start on the whole orbits (right). Each image on its own symmetric colour range (blue negative, red positive). Translation-symmetric images are constant, rotation-symmetric ones look the same turned by 90°, flip-symmetric ones are mirror images of themselves both ways.",
            chart: .imageGrid(ImageGrid(images: images, columns: 8, colorMap: .diverging, scaling: .perImage, tileWidth: 80))))
    }
}
