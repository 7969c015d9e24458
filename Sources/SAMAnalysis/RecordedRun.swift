import Foundation
import SAMCore
import SAMFlow

/// A finished run read back from its folder: `summary.json` and `trajectory.csv` of `samlab train` or `samlab flow`.
public struct RecordedRun: Sendable {
    public enum Kind: String, Sendable { case train, flow }

    public let kind: Kind
    public let directory: String
    /// The model part of the configuration (for flows, `FlowConfiguration.model`).
    public let model: TrainConfiguration
    public let flow: FlowConfiguration?
    public let status: String
    public let beta: [Double]
    public let direction: [Double]?
    public let leaders: [(coordinate: Int, start: Double)]
    public let leadersAbsolute: [(coordinate: Int, start: Double)]
    /// Step or time of each recorded row, and its beta (empty when the run did not record beta).
    public let clock: [Double]
    public let betas: [[Double]]
    public let recordedLeaders: [Int]
    /// margin / ||beta||_2 of each row (nil where beta = 0).
    public let normalizedMargins: [Double?]

    public init(directory: String) throws(InvalidInput) {
        self.directory = directory
        let summaryPath = (directory as NSString).appendingPathComponent("summary.json")
        let csvPath = (directory as NSString).appendingPathComponent("trajectory.csv")
        let data = try InputFile.read(summaryPath)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InvalidInput("\(summaryPath): not a JSON object")
        }
        kind = object["steps"] != nil ? .train : .flow
        struct TrainHolder: Decodable { var config: TrainConfiguration }
        struct FlowHolder: Decodable { var config: FlowConfiguration }
        switch kind {
        case .train:
            model = try JSONOutput.decode(TrainHolder.self, from: data, source: summaryPath).config
            flow = nil
        case .flow:
            let f = try JSONOutput.decode(FlowHolder.self, from: data, source: summaryPath).config
            flow = f
            model = f.model
        }
        guard let status = object["status"] as? String, let beta = object["beta"] as? [Double] else {
            throw InvalidInput("\(summaryPath): missing 'status' or 'beta'")
        }
        self.status = status
        self.beta = beta
        direction = object["direction"] as? [Double]
        func periods(_ key: String) throws(InvalidInput) -> [(coordinate: Int, start: Double)] {
            guard let list = object[key] as? [[String: Any]] else { throw InvalidInput("\(summaryPath): missing '\(key)'") }
            return list.compactMap { entry in
                guard let c = entry["coordinate"] as? Int, let s = (entry["start"] as? NSNumber)?.doubleValue else { return nil }
                return (c, s)
            }
        }
        leaders = try periods("leaders")
        leadersAbsolute = try periods("leaders_absolute")

        guard let text = String(data: try InputFile.read(csvPath), encoding: .utf8) else { throw InvalidInput("\(csvPath): not UTF-8") }
        let lines = text.split(separator: "\n")
        guard let header = lines.first?.split(separator: ",").map(String.init) else { throw InvalidInput("\(csvPath): empty") }
        let betaColumns = header.enumerated().filter { $0.element.hasPrefix("beta_") }.map(\.offset)
        guard let leaderColumn = header.firstIndex(of: "leader"), let marginColumn = header.firstIndex(of: "margin"),
              let normColumn = header.firstIndex(of: "norm") else {
            throw InvalidInput("\(csvPath): missing a 'leader', 'margin' or 'norm' column")
        }
        var clock = [Double](), betas = [[Double]](), recorded = [Int](), normalized = [Double?]()
        for (k, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == header.count, let t = Double(fields[0]), let l = Int(fields[leaderColumn]) else {
                throw InvalidInput("\(csvPath):\(k + 2): malformed row")
            }
            clock.append(t)
            recorded.append(l)
            if let margin = Double(fields[marginColumn]), let norm = Double(fields[normColumn]), norm > 0 {
                normalized.append(margin / norm)
            } else {
                normalized.append(nil)
            }
            if !betaColumns.isEmpty {
                var b = [Double]()
                for c in betaColumns {
                    guard let v = Double(fields[c]) else { throw InvalidInput("\(csvPath):\(k + 2): malformed beta") }
                    b.append(v)
                }
                betas.append(b)
            }
        }
        self.clock = clock
        self.betas = betas
        recordedLeaders = recorded
        normalizedMargins = normalized
    }
}
