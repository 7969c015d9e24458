import Foundation

/// The flow's field on a single example (x, y), a = y x: the paper's case and the sweeps'.
///
/// With one example the mean over examples is that example (THEORY.md §4.1): the gradient with respect to beta is
/// e^s g_beta with s = log |l'(z)| (the slope in log space, THEORY.md §1.3) and g_beta = -r a, r = |l'(z)| e^-s = 1,
/// and the mean |l'| at the perturbed point, which the rescaled field divides by (THEORY.md §1.5), is e^s' r'. So
///
///     dw/dt = -e^s' g'_beta dbeta/dtheta(w + eps(w)) = e^s' r' a dbeta/dtheta(w + eps(w)),
///     rescaled: (1 / r') r' a dbeta/dtheta(w + eps(w)),
///
/// with eps = c shape(ghat, theta) from the gradient at w (`Rule`). `writeSingleExampleVelocity` computes it in one
/// call on the kernel's buffers, with the same IEEE operations on the same operands as the n-example path
/// (`setWeights`, `perturbedGradient`, `writeVelocity`) at n = 1, so the same bits: log |l'| is computed once per
/// point instead of twice, and the operations whose result is exact at n = 1 are not repeated (e^(s - s) = 1 for a
/// finite s, log 1 = 0, so s - log 1 = s). The kernel binds it at construction for a one-example dataset and a
/// rule that steps along its gradient at one perturbed point (not `combines`), in the context where the rule and
/// the algebra are concrete, as every other kernel operation.
extension GeneralKernel {
    /// The field at `weights` (layer-major; a longer state's rest is not read) for one example, into `out`; false
    /// when it is not finite. The kernel's weights, beta and margin become those of `weights`.
    func writeSingleExampleVelocity<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, at weights: UnsafeBufferPointer<Double>,
                                                           rescaled: Bool, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let d = dimension, m = layerCount
        let first = UnsafeBufferPointer(rebasing: weights.prefix(m * d))
        return theta.withUnsafeMutableBufferPointer { w in
            beta.withUnsafeMutableBufferPointer { beta in
                perturbed.withUnsafeMutableBufferPointer { p in
                    perturbedBeta.withUnsafeMutableBufferPointer { pb in
                        betaGradient.withUnsafeMutableBufferPointer { g in
                            features.withUnsafeBufferPointer { a in
                                PaddedLayers.pad(first, dimension: d, layers: m, into: w.baseAddress!)
                                return _singleExampleField(rule, algebra, rescaled: rescaled, weights: w.baseAddress!,
                                                           beta: beta.baseAddress!, perturbed: p.baseAddress!,
                                                           perturbedBeta: pb.baseAddress!, gradient: g.baseAddress!,
                                                           feature: a.baseAddress!, into: out)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The body of `writeSingleExampleVelocity` on the kernel's buffers (`blocks` lanes per layer).
    @inline(__always)
    func _singleExampleField<R: Rule, A: LaneAlgebra>(_ rule: R, _ algebra: A, rescaled: Bool, weights w: UnsafeMutablePointer<Lanes>,
                                                     beta: UnsafeMutablePointer<Lanes>, perturbed p: UnsafeMutablePointer<Lanes>,
                                                     perturbedBeta: UnsafeMutablePointer<Lanes>, gradient g: UnsafeMutablePointer<Lanes>,
                                                     feature a: UnsafePointer<Lanes>, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let blocks = self.blocks
        // What `setWeights` keeps: beta and the margin z at w.
        let z = Self._betaAndMargin(algebra, of: w, feature: a, blocks: blocks, into: beta)
        margins[0] = z
        guard z.isFinite else { return false }
        var (s, r) = _gradient(at: z, feature: a, blocks: blocks, into: g)
        if rule.isZero {
            p.update(from: w, count: algebra.layerCount * blocks)
        } else {
            if rule.selectsOneComponent {
                guard Self.perturbOneComponent(rule, algebra, logScale: s, weights: w, gradient: g, blocks: blocks, into: p) else { return false }
            } else {
                guard Self.perturb(rule, algebra, logScale: s, weights: w, gradient: g, blocks: blocks, into: p) else { return false }
            }
            let zp = Self._betaAndMargin(algebra, of: p, feature: a, blocks: blocks, into: perturbedBeta)
            guard zp.isFinite else { return false }
            (s, r) = _gradient(at: zp, feature: a, blocks: blocks, into: g)
        }
        // -grad L = -e^s' g'_beta dbeta/dtheta; the mean |l'| is e^s' r' (`writeVelocity`'s sum over one example,
        // 0 + r'). The perturbed margin and r' stay in locals: nothing reads them from the kernel after the field.
        let factor = rescaled ? 1 / (0 + r) : Foundation.exp(s)
        return Self.writeGradientField(algebra, factor: factor, gradient: g, at: p, dimension: dimension, blocks: blocks, into: out)
    }

    /// beta of the padded weights `w` into `beta` and the margin z = <a, beta>, with `computeBeta`'s and
    /// `computeMargins`' operations in their order.
    @inline(__always)
    static func _betaAndMargin<A: LaneAlgebra>(_ algebra: A, of w: UnsafePointer<Lanes>, feature a: UnsafePointer<Lanes>,
                                               blocks: Int, into beta: UnsafeMutablePointer<Lanes>) -> Double {
        var sum = Lanes.zero
        for b in 0..<blocks {
            beta[b] = algebra.beta(algebra.load(w, block: b, blocks: blocks))
            sum += a[b] * beta[b]
        }
        return sum.sum()
    }

    /// `gradient(at:)` for one example at margin z: g_beta = -r a into `g`; returns the log-scale s = M - log 1 = M
    /// (M = max(-inf, log |l'(z)|)) and r = e^(log |l'(z)| - M), which is 1 when M is finite.
    @inline(__always)
    func _gradient(at z: Double, feature a: UnsafePointer<Lanes>, blocks: Int,
                   into g: UnsafeMutablePointer<Lanes>) -> (logScale: Double, weight: Double) {
        let logSlope = loss.logSlope(margin: z)
        let largest = max(-Double.infinity, logSlope)
        let r = largest.isFinite ? 1 : Foundation.exp(logSlope - largest)
        for b in 0..<blocks { g[b] = Lanes.zero - r * a[b] }
        return (largest, r)
    }
}
