import Foundation

/// `trajectory.csv`: step (or time), loss, log_loss, margin, norm, leader, leader_absolute, beta_1..beta_d; rows
/// with sharpness add lambda_max and hessian_trace (and gd_edge, sam_edge) before the beta columns, and a regression
/// loss's rows add `mse` after `log_loss` (their `margin` cells are empty: margins do not apply).
///
/// Numbers use Swift's shortest round-trip form; a loss that overflows a Double (only the exponential loss at a
/// hugely negative margin) is left empty, and `log_loss` carries it; so is an mse that overflowed.
public enum TrajectoryCSV {
    /// The CSV text of `rows` counted in `clock`; beta columns when the rows have beta and `includeBeta` allows.
    public static func render(_ rows: [TrajectoryRow], clock: Clock, dimension d: Int, includeBeta: Bool = true) -> String {
        let hasBeta = includeBeta && rows.first?.beta != nil
        let hasSharpness = rows.contains { $0.sharpness != nil }, hasEdges = rows.contains { $0.sharpness?.hasEdges == true }
        let hasMSE = rows.contains { $0.mse != nil }
        var header = [clock.rawValue, "loss", "log_loss"] + (hasMSE ? ["mse"] : []) + ["margin", "norm", "leader", "leader_absolute"]
        if hasSharpness { header += SharpnessRecord.columns(edges: hasEdges) }
        if hasBeta { header += (1...d).map { "beta_\($0)" } }
        var out = header.joined(separator: ",") + "\n"
        for row in rows {
            let loss = Foundation.exp(row.logLoss)
            var fields = [clock.text(row.clock), loss.isFinite ? "\(loss)" : "", "\(row.logLoss)"]
            if hasMSE { fields.append(row.mse.map { $0.isFinite ? "\($0)" : "" } ?? "") }
            fields += [row.margin.isFinite ? "\(row.margin)" : "", "\(row.norm)", "\(row.leader)", "\(row.leaderAbsolute)"]
            if hasSharpness {
                fields += (row.sharpness ?? SharpnessRecord(lambdaMax: nil, hessianTrace: nil)).cells(edges: hasEdges)
            }
            if hasBeta, let beta = row.beta { fields += beta.map { "\($0)" } }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Parses a trajectory written by `render` (the clock from the first column's name). Rows keep their beta when
    /// the file has beta columns.
    public static func parse(_ text: String, source: String) throws(InvalidInput) -> (clock: Clock, rows: [TrajectoryRow]) {
        let lines = text.split(separator: "\n")
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else {
            throw InvalidInput("\(source): empty")
        }
        guard let clock = Clock(rawValue: header[0]) else { throw InvalidInput("\(source): the first column must be step or time") }
        let betaColumns = header.enumerated().filter { $0.element.hasPrefix("beta_") }.map(\.offset)
        guard let leaderColumn = header.firstIndex(of: "leader"), let absoluteColumn = header.firstIndex(of: "leader_absolute"),
              let marginColumn = header.firstIndex(of: "margin"), let normColumn = header.firstIndex(of: "norm"),
              let logLossColumn = header.firstIndex(of: "log_loss") else {
            throw InvalidInput("\(source): missing a 'log_loss', 'margin', 'norm', 'leader' or 'leader_absolute' column")
        }
        let sharpnessColumns = SharpnessRecord.columns(edges: true).map { header.firstIndex(of: $0) }
        let mseColumn = header.firstIndex(of: "mse")
        var rows: [TrajectoryRow] = []
        for (k, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count, let t = Double(fields[0]), let leader = Int(fields[leaderColumn]),
                  let absolute = Int(fields[absoluteColumn]), let margin = fields[marginColumn].isEmpty && mseColumn != nil ? .nan : Double(fields[marginColumn]),
                  let norm = Double(fields[normColumn]), let logLoss = Double(fields[logLossColumn]) else {
                throw InvalidInput("\(source):\(k + 2): malformed row")
            }
            var beta: [Double]? = nil
            if !betaColumns.isEmpty {
                var b = [Double]()
                for c in betaColumns {
                    guard let v = Double(fields[c]) else { throw InvalidInput("\(source):\(k + 2): malformed beta") }
                    b.append(v)
                }
                beta = b
            }
            var sharpness: SharpnessRecord? = nil
            if let lambdaColumn = sharpnessColumns[0], let traceColumn = sharpnessColumns[1] {
                func value(_ column: Int?) throws(InvalidInput) -> Double? {
                    guard let column, !fields[column].isEmpty else { return nil }
                    guard let v = Double(fields[column]), v.isFinite else { throw InvalidInput("\(source):\(k + 2): malformed \(header[column])") }
                    return v
                }
                sharpness = SharpnessRecord(lambdaMax: try value(lambdaColumn), hessianTrace: try value(traceColumn),
                                            hasEdges: sharpnessColumns[2] != nil, gdEdge: try value(sharpnessColumns[2]),
                                            samEdge: try value(sharpnessColumns[3]))
            }
            rows.append(TrajectoryRow(clock: t, logLoss: logLoss, margin: margin, norm: norm, beta: beta, leader: leader,
                                      leaderAbsolute: absolute, sharpness: sharpness, mse: mseColumn.flatMap { Double(fields[$0]) }))
        }
        return (clock, rows)
    }
}
