import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveTensor

/// Data augmentation over a whole orbit, and the shift-averaging operator of the notes'
/// "harmonic" view of augmentation.
public enum OrbitAugmentation {
    /// Every example transformed by every group element: inputs [|G| N, ...] (element-major:
    /// rows g N ..< (g + 1) N are ρ(g) x) and the targets repeated. Memory |G| times the data.
    public static func orbit(_ inputs: Tensor, targets: Tensor, action: PermutationAction) -> (inputs: Tensor, targets: Tensor) {
        let copies = action.group.elements.map { action.apply($0, to: inputs) }
        return (Tensor.concatenate(copies), Tensor.concatenate(Array(repeating: targets, count: action.group.order)))
    }

    /// The exact orbit-averaged loss L(θ) = (1/|G|) Σ_g mean_i ℓ(f(θ, ρ(g) x_i), y_i), as a
    /// differentiable function of the parameters. For every u in G and an action on the
    /// weights with f(u·θ, x) = f(θ, ρ(u)⁻¹ x), L(u·θ) = L(θ): the sum only reorders.
    /// Cost: |G| forward passes of the batch.
    public static func loss(_ model: some Layer, parameters: [Variable], inputs: Tensor, targets: Tensor,
                            action: PermutationAction, loss: Loss) -> Variable {
        let (x, y) = orbit(inputs, targets: targets, action: action)
        return loss(model.apply(parameters: parameters, to: Variable(constant: x)), y)
    }

    /// The shift average (A_a f)(w) = ∫_{−a}^{a} f(w − t) dt, by Gauss–Legendre quadrature
    /// with `nodes` points on each of `panels` equal panels (exact for polynomials of degree
    /// 2 nodes − 1 on each panel). Cost: nodes · panels evaluations of f.
    public static func shiftAverage(_ f: (Double) -> Double, halfWidth a: Double, at w: Double,
                                    nodes: Int = 20, panels: Int = 8) -> Double {
        precondition(a > 0 && nodes >= 1 && panels >= 1, "shiftAverage: a, nodes and panels must be positive")
        let rule = GaussLegendre.nodes(nodes)
        let h = 2 * a / Double(panels)
        var total = 0.0
        for p in 0..<panels {
            let left = -a + Double(p) * h
            for (t, weight) in zip(rule.points, rule.weights) { total += weight * h / 2 * f(w - (left + (t + 1) * h / 2)) }
        }
        return total
    }

    /// The Fourier multiplier of the shift average with the transform f̂(k) = ∫ f(w) e^{−i k w} dw
    /// (angular frequency k): ∫_{−a}^{a} e^{−i k t} dt = 2 sin(k a) / k = 2a sinc(k a) with
    /// sinc(x) = sin(x) / x (the limit 2a at k = 0). Symmetric in k, so the sign convention of
    /// the exponent does not matter.
    public static func shiftAverageMultiplier(frequency k: Double, halfWidth a: Double) -> Double {
        let x = k * a
        return Swift.abs(x) < 1e-8 ? 2 * a * (1 - x * x / 6) : 2 * sin(x) / k
    }
}
