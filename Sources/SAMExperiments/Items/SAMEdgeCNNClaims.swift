import Foundation
import SAMCore

extension SAMEdgeCNN {
    /// The CNN's mean ratios are "at" an edge when their 95% interval lies within this of 1 (the dense panel's
    /// `SAMEdge.edgeTolerance` is for a series measured at every step; the CNN's is measured every few steps).
    static let edgeTolerance = 0.15

    /// The verdict on "the mean ratio is 1 to within `edgeTolerance`" from its 95% Student-t interval over the last
    /// part's measurements: holds when the interval lies inside [1 − tol, 1 + tol], fails when it lies wholly outside
    /// it, inconclusive otherwise (the measurements are too few or too spread to decide).
    static func atEdge(_ interval: OneSAMSparsity.Interval) -> Claim.Verdict {
        guard let low = interval.low, let high = interval.high else { return .inconclusive }
        if low >= 1 - edgeTolerance && high <= 1 + edgeTolerance { return .holds }
        if high < 1 - edgeTolerance || low > 1 + edgeTolerance { return .fails }
        return .inconclusive
    }

    /// The three literature claims of the CNN panel (THEORY.md §9.4), each on the mean over the last part of the
    /// measurements with its 95% t-interval: GD's λ_max/(2/η) at 1; ℓ₂-SAM's λ_max/sam_edge at 1; ℓ₂-SAM's
    /// λ_max/(2/η) below 1 (holds when the interval is below 1, fails when above, inconclusive when it contains 1).
    /// A measurement of the last part that stopped at its product budget makes the claims it enters `inconclusive`.
    static func claims(gd: SAMEdge.Series, sam: SAMEdge.Series) -> [Claim] {
        let part = "over the last \(Int(SAMEdge.lastFraction * 100))% of the steps (95% t-interval of the mean over its measurements)"
        func tail(_ s: SAMEdge.Series, _ edge: (Int) -> Double) -> OneSAMSparsity.Interval {
            OneSAMSparsity.Interval((s.tailStart..<s.steps.count).map { s.lambdaMax[$0] / edge($0) })
        }
        func settled(_ s: SAMEdge.Series) -> Bool { s.converged[s.tailStart...].allSatisfy { $0 } }
        func note(_ s: SAMEdge.Series) -> String {
            settled(s) ? "" : "; Lanczos stopped at its budget of \(products) products in the last part"
        }
        let gdRatio = tail(gd) { _ in 2 / gd.learningRate }
        let samRatio = tail(sam) { sam.samEdge![$0] }
        let samBelow = tail(sam) { _ in 2 / sam.learningRate }
        let below: Claim.Verdict = (samBelow.high ?? 1) < 1 ? .holds : (samBelow.low ?? 1) > 1 ? .fails : .inconclusive
        let setting = "CNN on MNIST: "
        return [
            .literature(SAMEdge.id, setting + "Under full-batch GD, λ_max rises to about 2/η and stays there",
                        predicted: "mean λ_max/(2/η) \(part) within \(fmt(edgeTolerance)) of 1",
                        measured: "GD: \(gdRatio.text())" + note(gd), settled(gd) ? atEdge(gdRatio) : .inconclusive),
            .literature(SAMEdge.id, setting + "Under full-batch ℓ₂-SAM, λ_max settles near the SAM edge (ηλ(1 + ρλ/‖g‖) = 2)",
                        predicted: "mean λ_max/sam_edge \(part) within \(fmt(edgeTolerance)) of 1",
                        measured: "\(sam.label): \(samRatio.text())" + note(sam), settled(sam) ? atEdge(samRatio) : .inconclusive),
            .literature(SAMEdge.id, setting + "Under full-batch ℓ₂-SAM, λ_max stays below GD's edge 2/η",
                        predicted: "mean λ_max/(2/η) \(part) below 1",
                        measured: "\(sam.label): \(samBelow.text())" + note(sam), settled(sam) ? below : .inconclusive),
        ]
    }
}
