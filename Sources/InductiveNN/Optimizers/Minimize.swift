import InductiveAutodiff
import InductiveTensor

/// Runs an optimizer on a scalar function of one tensor: theta_{k+1} = update(theta_k,
/// grad f(theta_k)), for at most `steps` updates. `observe(k, theta_k, f(theta_k))` is
/// called before each update (k = 0 is the start) and after the last one; returning false
/// stops early. Returns the final point.
@discardableResult
public func minimize(
    _ f: (Variable) -> Variable, from start: Tensor, optimizer: inout some Optimizer, steps: Int,
    rng: inout RandomGenerator, observe: ((_ step: Int, _ theta: Tensor, _ value: Double) -> Bool)? = nil
) -> Tensor {
    var parameters = [start]
    for k in 0..<steps {
        let (value, g) = valueAndGradient(at: parameters[0], of: f)
        if let observe, !observe(k, parameters[0], value) { return parameters[0] }
        optimizer.update(&parameters, gradients: [g], rng: &rng)
    }
    if let observe { _ = observe(steps, parameters[0], f(Variable(constant: parameters[0])).scalar) }
    return parameters[0]
}
