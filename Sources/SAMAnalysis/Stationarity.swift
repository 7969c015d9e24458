import Foundation

/// The first-order (KKT) conditions of min ||beta||_q^q subject to y_n <beta, x_n> >= 1, q = 2/L, at a given
/// direction: the characterization of the limit directions of gradient flow on depth-L diagonal networks
/// (Gunasekar et al. 2018; Lyu and Li 2020). For L > 2 the problem is non-convex, so this checks stationarity only.
///
/// The direction is scaled to minimum margin 1. For beta_j != 0 the condition is q |beta_j|^(q-1) sign(beta_j) =
/// sum_n lambda_n y_n x_nj with lambda >= 0 supported on the examples of margin 1 (within `supportTolerance`); the
/// multipliers come from a non-negative least-squares fit, and the reported residual is the fit's relative error.
/// For q = 1 a zero coordinate also needs |sum_n lambda_n y_n x_nj| <= 1; for q < 1 it imposes nothing.
public enum Stationarity {
    /// The outcome of `check`: how far the direction is from stationarity, and the multipliers found.
    public struct Report: Sendable {
        /// ||A_S^T lambda - g|| / ||g|| over the non-zero coordinates (plus, for q = 1, the excess over 1 at zeros).
        public let residual: Double
        /// lambda_n >= 0 for the support examples, in the order of `support`.
        public let multipliers: [Double]
        /// 0-based indices of the examples with margin 1 (within the tolerance), the support of lambda.
        public let support: [Int]
    }

    /// Checks the KKT conditions of min ||beta||_q^q, q = 2/L, at `direction`; nil when the direction does not separate the data (or has no non-zero coordinate).
    public static func check(direction: [Double], points: [[Double]], labels: [Double], depth: Int,
                             supportTolerance: Double = 1e-3) throws -> Report? {
        let q = 2 / Double(depth)
        let a = zip(points, labels).map { x, y in x.map { y * $0 } }
        let margins = a.map { zip($0, direction).reduce(0) { $0 + $1.0 * $1.1 } }
        guard let smallest = margins.min(), smallest > 0 else { return nil }
        let beta = direction.map { $0 / smallest }
        let support = margins.indices.filter { margins[$0] / smallest <= 1 + supportTolerance }
        let scale = beta.map(abs).max() ?? 0
        let active = beta.indices.filter { abs(beta[$0]) > 1e-9 * scale }
        guard !active.isEmpty, !support.isEmpty else { return nil }
        let target = active.map { q * Foundation.pow(abs(beta[$0]), q - 1) * (beta[$0] > 0 ? 1 : -1) }
        let columns = support.map { n in active.map { a[n][$0] } }
        let fit = try NonNegativeLeastSquares(columns: columns, target: target).solve()
        let targetNorm = target.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var squared = fit.residual.reduce(0) { $0 + $1 * $1 }
        if q == 1 {
            for j in beta.indices where !active.contains(j) {
                let s = zip(support, fit.x).reduce(0) { $0 + $1.1 * a[$1.0][j] }
                squared += pow(max(0, abs(s) - 1), 2)
            }
        }
        return Report(residual: squared.squareRoot() / targetNorm, multipliers: fit.x, support: support)
    }
}
