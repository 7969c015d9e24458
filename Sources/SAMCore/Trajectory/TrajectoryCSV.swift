import Foundation

/// `trajectory.csv`: step (or time), loss, log_loss, margin, norm, leader, leader_absolute, beta_1..beta_d.
///
/// Numbers use Swift's shortest round-trip form; a loss that overflows a Double (only the exponential loss at a
/// hugely negative margin) is left empty, and `log_loss` carries it.
public enum TrajectoryCSV {
    public struct Row {
        public var clock: String
        public var logLoss: Double
        public var margin: Double
        public var norm: Double
        public var beta: [Double]?
        public var leader: Int
        public var leaderAbsolute: Int

        public init(clock: String, logLoss: Double, margin: Double, norm: Double, beta: [Double]?, leader: Int, leaderAbsolute: Int) {
            self.clock = clock
            self.logLoss = logLoss
            self.margin = margin
            self.norm = norm
            self.beta = beta
            self.leader = leader
            self.leaderAbsolute = leaderAbsolute
        }
    }

    public static func render(rows: [TrajectoryRow], dimension d: Int) -> String {
        render(rows.map { Row(clock: "\($0.step)", logLoss: $0.logLoss, margin: $0.margin, norm: $0.norm, beta: $0.beta,
                              leader: $0.leader, leaderAbsolute: $0.leaderAbsolute) },
               dimension: d, clockColumn: "step")
    }

    public static func render(_ rows: [Row], dimension d: Int, clockColumn: String) -> String {
        let hasBeta = rows.first?.beta != nil
        var header = [clockColumn, "loss", "log_loss", "margin", "norm", "leader", "leader_absolute"]
        if hasBeta { header += (1...d).map { "beta_\($0)" } }
        var out = header.joined(separator: ",") + "\n"
        for row in rows {
            let loss = Foundation.exp(row.logLoss)
            var fields = [row.clock, loss.isFinite ? "\(loss)" : "", "\(row.logLoss)", "\(row.margin)",
                          "\(row.norm)", "\(row.leader)", "\(row.leaderAbsolute)"]
            if let beta = row.beta { fields += beta.map { "\($0)" } }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }
}
