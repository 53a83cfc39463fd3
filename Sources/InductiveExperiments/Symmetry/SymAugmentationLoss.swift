import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Data Augmentation": with every example's whole orbit in the data, the loss
/// L(w) = (1/N) Σ_i ∫ ℓ(σ<w, g_θ x_i>; y_i) dθ satisfies L(g w) = L(w), so its gradient is
/// orthogonal to the generator of the symmetry: <∇L(w), ∂_α U_α w> = 0.
///
/// The group: simultaneous rotations U_α of the m planes (x_{2j}, x_{2j+1}) of R^{2m}. The
/// orbit integral over α ∈ [0, 2π) is the average over M equally spaced angles, which is the
/// exact orbit average of the finite group C_M (so L(U_{2πk/M} w) = L(w) exactly) and equals
/// the integral over the circle up to the trapezoid rule's aliasing error, which decays
/// exponentially in M for this smooth periodic integrand.
struct SymAugmentationLoss: Experiment {
    let id = "sym.augmentation-loss"
    let section = NotesSection.symmetry
    let title = "The orbit-averaged loss is invariant"
    let claim = "Averaging the loss over the orbit of every example makes it invariant, L(g w) = L(w), and its gradient orthogonal to the symmetry's generator, <∇L(w), ∂α U_α w> = 0."
    let parameters = [
        ParameterSpec("planes", "m: inputs are R^{2m}, rotated plane by plane", .int(8), minimum: 1, maximum: 1000),
        ParameterSpec("samples", "examples N", quick: .int(50), full: .int(400), minimum: 1, maximum: 100_000),
        ParameterSpec("angles", "M: points of the orbit (the group C_M ⊂ SO(2))", quick: .int(64), full: .int(128), minimum: 2, maximum: 10_000),
        ParameterSpec("curve", "angles α at which the loss curve L(U_α w) is drawn", .int(181), minimum: 3, maximum: 10_000),
    ]
    let checks = [
        CheckSpec("invariance", "max over the M rotations g of |L(g w) − L(w)| / L(w)", .lessThan(1e-12)),
        CheckSpec("orthogonality", "|<∇L(w), ∂α U_α w>| / (‖∇L(w)‖ ‖∂α U_α w‖) at α = 0", .lessThan(1e-8)),
    ]

    // The loss over the augmented data (samples × angles rows of 2 planes) for every curve
    // point and group element, ×10 overhead. Full size 1.3e9.
    let workBound = WorkBound("10 × (curve + angles + 4) × samples × angles × 2 planes", limit: 3e10) { p in
        10 * Double(p.int("curve") + p.int("angles") + 4) * Double(p.int("samples") * p.int("angles") * 2 * p.int("planes"))
    }

    /// U_α as a [2m, 2m] block rotation.
    static func rotation(_ alpha: Double, planes m: Int) -> Tensor {
        var u = Tensor.zeros([2 * m, 2 * m])
        for j in 0..<m {
            u[2 * j, 2 * j] = cos(alpha); u[2 * j, 2 * j + 1] = -sin(alpha)
            u[2 * j + 1, 2 * j] = sin(alpha); u[2 * j + 1, 2 * j + 1] = cos(alpha)
        }
        return u
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let m = p.int("planes"), n = p.int("samples"), angles = p.int("angles")
        let d = 2 * m
        let x = Tensor.randomNormal([n, d], using: &context.rng) / Double(d).squareRoot()
        let y = Tensor.randomNormal([n, 1], using: &context.rng)
        let w = Tensor.randomNormal([d, 1], using: &context.rng)
        // The orbit of every example: rows k N ..< (k + 1) N are U_{2πk/M} x.
        let orbit = Tensor.concatenate((0..<angles).map { k in matmul(x, Self.rotation(2 * Double.pi * Double(k) / Double(angles), planes: m), transposeB: true) })
        let targets = Tensor.concatenate(Array(repeating: y, count: angles))
        let augmented = { (w: Variable) in Loss.squaredError(tanh(matmul(Variable(orbit), w)), targets) }
        let plain = { (w: Variable) in Loss.squaredError(tanh(matmul(Variable(x), w)), y) }
        let base = augmented(Variable(constant: w)).value.scalar
        var invariance = 0.0
        for k in 0..<angles {
            let moved = matmul(Self.rotation(2 * Double.pi * Double(k) / Double(angles), planes: m), w)
            invariance = Swift.max(invariance, Swift.abs(augmented(Variable(constant: moved)).value.scalar - base) / base)
        }
        context.measure("invariance", invariance)
        // The generator A = ∂α U_α at 0: each plane's [[0, −1], [1, 0]].
        let generator = matmul(Self.rotation(Double.pi / 2, planes: m), w)
        func cosine(_ f: (Variable) -> Variable) -> Double {
            let g = gradient(at: w, of: f)
            return Swift.abs((g * generator).sumAll()) / (g.norm() * generator.norm())
        }
        let augmentedCosine = cosine(augmented), plainCosine = cosine(plain)
        context.measure("orthogonality", augmentedCosine)
        context.note(String(format: "Without augmentation the same normalized inner product is %.3g: the gradient has a component along the symmetry, which the averaged loss removes (%.2g).", plainCosine, augmentedCosine))
        let count = p.int("curve")
        let alphas = (0..<count).map { 2 * Double.pi * Double($0) / Double(count - 1) }
        let plainBase = plain(Variable(constant: w)).value.scalar
        let curveAugmented = alphas.map { augmented(Variable(constant: matmul(Self.rotation($0, planes: m), w))).value.scalar / base }
        let curvePlain = alphas.map { plain(Variable(constant: matmul(Self.rotation($0, planes: m), w))).value.scalar / plainBase }
        context.record("alpha", alphas)
        context.record("loss_augmented", curveAugmented)
        context.record("loss_plain", curvePlain)
        context.figure(Figure(
            id: "loss-along-orbit", title: "The loss along the orbit of the weights",
            caption: "L(U_α w) / L(w) for α over a full turn, with the orbit-averaged loss (M = \(angles) rotations of each of the \(n) examples) and with the plain loss on the same data. The averaged loss is flat: no gradient along the symmetry.",
            chart: .plot(Plot(x: Axis("rotation angle α of the weights (radians)"), y: Axis("L(U_α w) / L(w)"),
                              series: [Series("orbit-averaged loss", x: alphas, y: curveAugmented),
                                       Series("plain loss", x: alphas, y: curvePlain, dash: .dashed)]))))
    }
}
