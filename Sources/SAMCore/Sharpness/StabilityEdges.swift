import Foundation

/// The edges of stability that a recorded lambda_max is compared with (THEORY.md §8.3).
///
/// GD on a quadratic of curvature lambda multiplies the error along that direction by 1 - eta lambda: it is stable
/// while lambda <= 2/eta (the "edge of stability" of GD). l2-SAM, w <- w - eta grad L(w + rho g/||g||_2), on the
/// same quadratic multiplies it by 1 - eta lambda (1 + rho lambda/||g||_2) (Long and Bartlett, "Sharpness-Aware
/// Minimization and the Edge of Stability", 2023), so its edge is the positive root of
/// eta lambda (1 + rho lambda/||g||_2) = 2, which depends on the gradient at the current iterate.
public enum StabilityEdges {
    /// GD's edge 2/eta.
    public static func gd(learningRate eta: Double) -> Double { 2 / eta }

    /// l2-SAM's edge: the lambda > 0 with eta lambda (1 + rho lambda / ||g||_2) = 2, given log ||g||_2. It is
    /// 4 / (eta (1 + sqrt(1 + x))) with x = 8 rho / (eta ||g||_2): the quadratic's root written without the
    /// cancellation of (-eta + sqrt(eta^2 + 8 eta rho / ||g||)) / (2 eta rho / ||g||) when x is small. x is formed
    /// in log space, so an underflowing gradient still gives its (tiny) edge; for x beyond e^600 the edge is
    /// 4 / (eta sqrt(x)) to the last bit. It is 2/eta when rho = 0 or g = 0 (log ||g|| = -infinity), where l2-SAM
    /// takes GD's step.
    public static func sam(learningRate eta: Double, rho: Double, logGradientNorm: Double) -> Double {
        guard rho > 0, logGradientNorm > -.infinity else { return gd(learningRate: eta) }
        let logX = Foundation.log(8 * rho / eta) - logGradientNorm
        if logX > 600 { return 4 * Foundation.exp(-0.5 * logX) / eta }
        return 4 / (eta * (1 + (1 + Foundation.exp(logX)).squareRoot()))
    }

    /// l2-SAM's edge for a gradient norm given as a number (0 gives 2/eta).
    public static func sam(learningRate eta: Double, rho: Double, gradientNorm: Double) -> Double {
        sam(learningRate: eta, rho: rho, logGradientNorm: gradientNorm > 0 ? Foundation.log(gradientNorm) : -.infinity)
    }
}
