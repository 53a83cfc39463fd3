import Foundation
import InductiveAutodiff
import InductiveTensor

/// The gradient flows compared with gradient descent, integrated by `DormandPrince`
/// (InductiveTensor; adaptive 5(4) pair, tolerance stated by the integrator passed in), so that
/// "gradient descent after n steps" can be compared with "the flow at time n eps". The global
/// error of a contracting gradient flow stays within a small multiple of the local tolerance.
public enum GradientFlow {
    /// theta(T) of d theta/dt = -grad C(theta) (autodiff gradients).
    public static func plain(_ loss: ParameterLoss, from start: Tensor, time: Double,
                             integrator: DormandPrince = DormandPrince()) throws -> Tensor {
        try integrator.integrate(from: start, time: time) { -gradient(at: $0, of: loss) }.theta
    }

    /// theta(T) of the modified flow of gradient descent with step eps,
    /// d theta/dt = -grad(C + (eps/4) ||grad C||^2) = -(grad C + (eps/2) H grad C).
    public static func modified(_ loss: ParameterLoss, stepSize eps: Double, from start: Tensor, time: Double,
                                integrator: DormandPrince = DormandPrince()) throws -> Tensor {
        try integrator.integrate(from: start, time: time) {
            -ModifiedLoss.gradientDescentGradient(at: $0, loss: loss, stepSize: eps)
        }.theta
    }

    /// theta(T) of the modified flow of one epoch of random reshuffling over m minibatch
    /// losses, d theta/dt = -grad(C + eps/(4m) sum_k ||grad C^_k||^2).
    public static func reshuffled(_ batchLosses: [ParameterLoss], stepSize eps: Double, from start: Tensor, time: Double,
                                  integrator: DormandPrince = DormandPrince()) throws -> Tensor {
        try integrator.integrate(from: start, time: time) {
            -ModifiedLoss.randomReshufflingGradient(at: $0, batchLosses: batchLosses, stepSize: eps)
        }.theta
    }
}
