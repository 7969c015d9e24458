import Foundation

/// `trajectory.csv`: step, loss, log_loss, margin, norm, leader, leader_absolute, beta_1..beta_d.
///
/// Numbers use Swift's shortest round-trip form; a loss that overflows a Double (only the exponential loss at a
/// hugely negative margin) is left empty, and `log_loss` carries it.
public enum TrajectoryCSV {
    public static func render(rows: [TrajectoryRow], dimension d: Int, timeColumn: String = "step") -> String {
        let hasBeta = rows.first?.beta != nil
        var header = [timeColumn, "loss", "log_loss", "margin", "norm", "leader", "leader_absolute"]
        if hasBeta { header += (1...d).map { "beta_\($0)" } }
        var out = header.joined(separator: ",") + "\n"
        for row in rows {
            let loss = Foundation.exp(row.logLoss)
            var fields = ["\(row.step)", loss.isFinite ? "\(loss)" : "", "\(row.logLoss)", "\(row.margin)",
                          "\(row.norm)", "\(row.leader)", "\(row.leaderAbsolute)"]
            if let beta = row.beta { fields += beta.map { "\($0)" } }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }
}
