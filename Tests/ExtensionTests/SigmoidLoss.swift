import Foundation
import SAMCore

/// A margin loss defined outside the library: the sigmoid loss l(z) = 1 / (1 + e^z) (non-convex, bounded), in log
/// space: log l = -softplus(z), and |l'| = e^z / (1 + e^z)^2, so log |l'| = z - 2 softplus(z). Both are finite for
/// every finite margin. One file; one registration line.
struct TestSigmoidLoss: MarginLoss {
    static let name = "test-sigmoid"
    static let summary = "1/(1+e^z)"

    func logValue(margin z: Double) -> Double { -LogSumExp.softplus(z) }
    func logSlope(margin z: Double) -> Double { z - 2 * LogSumExp.softplus(z) }
}
