import InductiveAutodiff
import InductiveTensor

// Backward error analysis of gradient descent (notes, "Stochastic Gradient Descent"):
// the iterates of GD with step eps stay O(eps^2) close to the gradient flow of a modified
// loss, and the mean iterate of one epoch of random reshuffling to the flow of another.
// Every gradient here is exact: Hessian-vector products through the autodiff's
// higher-order graph (no finite differences).

/// A scalar loss of a flat parameter vector, written with differentiable operations.
public typealias ParameterLoss = (Variable) -> Variable

/// The gradient-norm penalty P(theta) = (1/m) sum_k ||grad C_k(theta)||^2 over m losses and
/// its exact gradient grad P = (2/m) sum_k H_k(theta) grad C_k(theta), with H_k the Hessian
/// of C_k (one gradient graph and one Hessian-vector product per loss).
///
/// `meanGradient` is (1/m) sum_k grad C_k, a by-product (the full gradient when the C_k are
/// the losses of equal batches partitioning the data).
///
/// Cost: about three backward passes per loss (gradient with its graph kept, then the
/// reverse sweep through it). `losses` must be non-empty.
public func gradientNormPenalty(at theta: Tensor, losses: [ParameterLoss]) -> (value: Double, gradient: Tensor, meanGradient: Tensor) {
    precondition(!losses.isEmpty, "gradientNormPenalty: no losses")
    var value = 0.0
    var grad = Tensor.zeros(theta.shape), mean = Tensor.zeros(theta.shape)
    for loss in losses {
        let p = Variable.parameter(theta)
        let y = loss(p)
        precondition(y.count == 1, "gradientNormPenalty: a loss must return one element, got shape \(y.shape)")
        let g = gradients(of: y, wrt: [p], createGraph: true)[0]
        value += (g.value * g.value).sumAll()
        mean += g.value
        // H g = d<grad C_k, g>/dtheta with g held constant.
        grad.addScaled(gradientTensors(of: g, wrt: [p], seed: g.value)[0], 2)
    }
    let m = Double(losses.count)
    return (value / m, grad / m, mean / m)
}

/// The modified losses of backward error analysis and their exact gradients.
///
/// - Gradient descent with step eps, theta_{i+1} = theta_i - eps grad C(theta_i), follows the
///   flow d theta/dt = -grad C~(theta) of C~ = C + (eps/4) ||grad C||^2 up to O(eps^2) at a
///   fixed time: grad C~ = grad C + (eps/2) H grad C.
/// - Random reshuffling with m minibatch losses C^_k (C = (1/m) sum_k C^_k): the mean over
///   batch orders of the iterate after one epoch follows the flow of
///   C~_SGD = C + eps/(4m) sum_k ||grad C^_k||^2 up to O(m^3 eps^3).
public enum ModifiedLoss {
    /// C~(theta) = C + (eps/4) ||grad C||^2 (one forward and one backward pass).
    public static func gradientDescent(at theta: Tensor, loss: ParameterLoss, stepSize eps: Double) -> Double {
        let (c, g) = valueAndGradient(at: theta, of: loss)
        return c + eps / 4 * (g * g).sumAll()
    }

    /// grad C~ = grad C + (eps/2) H grad C, exact (one Hessian-vector product).
    public static func gradientDescentGradient(at theta: Tensor, loss: ParameterLoss, stepSize eps: Double) -> Tensor {
        let p = Variable.parameter(theta)
        let g = gradients(of: loss(p), wrt: [p], createGraph: true)[0]
        var out = g.value
        out.addScaled(gradientTensors(of: g, wrt: [p], seed: g.value)[0], eps / 2)
        return out
    }

    /// C~_SGD(theta) = (1/m) sum_k C^_k + eps/(4m) sum_k ||grad C^_k||^2.
    public static func randomReshuffling(at theta: Tensor, batchLosses: [ParameterLoss], stepSize eps: Double) -> Double {
        precondition(!batchLosses.isEmpty, "ModifiedLoss: no minibatch losses")
        var total = 0.0
        for loss in batchLosses {
            let (c, g) = valueAndGradient(at: theta, of: loss)
            total += c + eps / 4 * (g * g).sumAll()
        }
        return total / Double(batchLosses.count)
    }

    /// grad C~_SGD = (1/m) sum_k (grad C^_k + (eps/2) H_k grad C^_k), exact.
    public static func randomReshufflingGradient(at theta: Tensor, batchLosses: [ParameterLoss], stepSize eps: Double) -> Tensor {
        precondition(!batchLosses.isEmpty, "ModifiedLoss: no minibatch losses")
        var out = Tensor.zeros(theta.shape)
        for loss in batchLosses {
            let p = Variable.parameter(theta)
            let y = loss(p)
            let g = gradients(of: y, wrt: [p], createGraph: true)[0]
            out += g.value
            out.addScaled(gradientTensors(of: g, wrt: [p], seed: g.value)[0], eps / 2)
        }
        return out / Double(batchLosses.count)
    }
}
