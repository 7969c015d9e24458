import Foundation
import Testing

/// The outputs of today's commands against copies written by samlab 0.1.0 before the open core (Golden/cases.txt):
/// `trajectory.csv` byte for byte, and every key of `summary.json` with its value (a later version may add keys, never
/// change or drop one). A summary written then must still load with `--config` and repeat its run.
/// The flow cases were rewritten once (2026-12-02, issue 12), when the solver's `atol` became relative to the initial
/// weight scale and a depth-3 blow-up's reason gained its extrapolated blow-up time: every number moved by less than
/// 1e-8 relative, except components below 1e-14 of the weights' scale (the weights of a collapse, a slid weight),
/// which are 0 to the solver's resolution, and the slide starts of an l2 collapse (tolerance artefacts, THEORY.md
/// §6.2).
@Suite struct GoldenOutputTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static let cases: [(name: String, arguments: [String])] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("cases.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return (String(parts[0]), parts[1].split(separator: " ").map(String.init))
        }
    }()

    @Test func everyCaseIsListed() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases.map(\.name))
    func outputsMatchTheGoldenCopies(_ name: String) throws {
        let arguments = try #require(Self.cases.first { $0.name == name }).arguments
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("points.csv"), to: dir.appendingPathComponent("points.csv"))
        let r = try CLI.run(arguments + ["--out", "run"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try Data(contentsOf: dir.appendingPathComponent("run/trajectory.csv"))
        #expect(csv == (try Data(contentsOf: Self.folder.appendingPathComponent("\(name).trajectory.csv"))), "\(name): trajectory.csv changed")
        let goldenSummary = try Data(contentsOf: Self.folder.appendingPathComponent("\(name).summary.json"))
        let summary = try Data(contentsOf: dir.appendingPathComponent("run/summary.json"))
        let differences = JSONSubset.differences(golden: try JSONSerialization.jsonObject(with: goldenSummary),
                                                 actual: try JSONSerialization.jsonObject(with: summary), at: "")
        #expect(differences.isEmpty, "\(name): \(differences.prefix(5))")

        // The golden summary repeats its run through --config.
        let command = arguments[0]
        let again = try CLI.run([command, "--config", Self.folder.appendingPathComponent("\(name).summary.json").path, "--json"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let repeated = JSONSubset.differences(golden: try JSONSerialization.jsonObject(with: goldenSummary),
                                              actual: try JSONSerialization.jsonObject(with: again.stdoutData), at: "")
        #expect(repeated.isEmpty, "\(name) via --config: \(repeated.prefix(5))")
    }
}

/// Where a JSON value differs from a golden one, allowing only keys that the golden object does not have.
enum JSONSubset {
    static func differences(golden: Any, actual: Any, at path: String) -> [String] {
        switch (golden, actual) {
        case let (g as [String: Any], a as [String: Any]):
            return g.keys.sorted().flatMap { key -> [String] in
                guard let value = a[key] else { return ["\(path).\(key): missing"] }
                return differences(golden: g[key]!, actual: value, at: "\(path).\(key)")
            }
        case let (g as [Any], a as [Any]):
            guard g.count == a.count else { return ["\(path): \(a.count) entries, golden \(g.count)"] }
            return zip(g, a).enumerated().flatMap { differences(golden: $0.element.0, actual: $0.element.1, at: "\(path)[\($0.offset)]") }
        case let (g as String, a as String):
            return g == a ? [] : ["\(path): '\(a)', golden '\(g)'"]
        case let (g as NSNumber, a as NSNumber):
            return g == a && g.doubleValue == a.doubleValue ? [] : ["\(path): \(a), golden \(g)"]
        case (is NSNull, is NSNull):
            return []
        default:
            return ["\(path): \(actual), golden \(golden)"]
        }
    }
}
