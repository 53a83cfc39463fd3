import InductiveAutodiff

// The finite-difference checks themselves (`checkGradient`, `checkHessianVectorProduct`)
// live in InductiveAutodiff, where library users can call them too; tests import that target
// and judge the results with the tiers here.

extension GradientCheckResult {
    /// Whether the largest scaled error is within the relative tolerance of `tier`
    /// (`.finiteDifferences` for gradients, `.secondOrderFiniteDifferences` for
    /// Hessian-vector products).
    public func passes(_ tier: ToleranceTier) -> Bool { passes(tier.relative) }
}
