import ArgumentParser
import Foundation
import SAMCore
import SAMFlow

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed (build with -c release first; `make bench` does it, pins to one CPU and runs the Python peers).",
        subcommands: [DynamicsBench.self, FlowBench.self, CNNBench.self]
    )
}

/// `samlab bench dynamics`: discrete l2-SAM (or `--optimizer`) steps per second, depth 2, Float64, one thread.
struct DynamicsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamics",
        abstract: "Discrete l2-SAM steps per second (depth 2, Float64, one thread) next to NumPy and JAX.",
        discussion: """
        The problem is DynamicsBenchmark in SAMCore, the same as bench/python/bench_dynamics.py. --optimizer (with \
        its parameters, e.g. --p 3) times another rule on the same problem; the NumPy and JAX peers are l2-SAM's.
        """
    )

    @Option(name: .customLong("optimizer"), parsing: .unconditional,
            help: ArgumentHelp("The rule timed: \(Registry.standard.ruleNames.joined(separator: ", ")). (default: \(DynamicsBenchmark.rule.name))", valueName: "optimizer"))
    var optimizer: RuleName?

    @OptionGroup var parameters: RuleParameterOptions

    @Option(name: .customLong("dims"), parsing: .unconditional, help: "Dimensions d to measure.")
    var dims: String = "6,1000,1000000"

    @Option(name: .customLong("min-time"), parsing: .unconditional, help: "Seconds per timing; best of 3.")
    var minTime: Double = 1.5

    @Option(name: .customLong("peers"), parsing: .unconditional,
            help: ArgumentHelp("JSON lines from bench/python/run.sh --json, printed alongside.", valueName: "file"))
    var peers: String?

    @Option(name: .customLong("build-label"), parsing: .unconditional, help: "A name for the build being measured, printed in the title. (default: none)")
    var buildLabel: String?

    func run() throws {
        let dimensions = try ValueParsing.numbers(dims, flag: "--dims").map { v throws(InvalidInput) -> Int in
            guard v >= 1, v == v.rounded() else { throw InvalidInput("--dims entries must be positive integers (got \(v))") }
            return Int(v)
        }
        guard minTime.isFinite, minTime > 0 else { throw InvalidInput("--min-time must be positive (got \(minTime))") }
        var rule = DynamicsBenchmark.rule
        if let optimizer { rule.name = optimizer.name }
        for (key, value) in try parameters.values() { rule.parameters[key] = value }
        // Checked as train checks a run: "--p must be at least 1.0", "--asam-eta is a parameter of asam, not of ...".
        try FlagNames().checking { try DynamicsBenchmark.spec(dimension: 1, rule: rule).validate() }
        let entry = try FlagNames().checking { try Registry.standard.rule(named: rule.name) }
        // The peers time l2-SAM: they stand beside l2-SAM only.
        let peerRates = rule.name == L2SAM.name ? try peers.map(Self.readPeers) ?? [:] : [:]
        let values = entry.parameters.map { "\($0.key) = \(ValueParsing.text(rule.value(of: $0), of: $0))" }
        let title = entry.displayName + (values.isEmpty ? "" : " (\(values.joined(separator: ", ")))")
        print("samlab bench dynamics: \(title), depth 2, Float64, 1 thread\(buildLabel.map { ", build \($0)" } ?? "") (\(Self.today()))")
        print("d          swift steps/s  +leaders/s    train/s       train/step  numpy/s       jax/s         swift/jax  train/jax  bound/s     swift/bound")
        for d in dimensions {
            let plain = try DynamicsBenchmark.measure(dimension: d, rule: rule, tracksLeaders: false, minimumSeconds: minTime)
            let tracked = try DynamicsBenchmark.measure(dimension: d, rule: rule, tracksLeaders: true, minimumSeconds: minTime)
            // The whole train path: a run of the default length (1000 steps, so its log=200 schedule records 132 rows), or
            // of about --min-time at the tracked rate if that is longer.
            let train = try DynamicsBenchmark.measureTrain(dimension: d, rule: rule,
                                                           steps: max(DiscreteSettings.Defaults.steps, Int(tracked * minTime)))
            let bound = DynamicsBenchmark.streamBandwidth(dimension: d, minimumSeconds: minTime) / (40 * Double(d))
            let numpy = peerRates["numpy", default: [:]][d], jax = peerRates["jax", default: [:]][d]
            func f(_ v: Double?) -> String { v.map { String(format: "%.4g", $0) } ?? "-" }
            func col(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
            print(col("\(d)", 11) + col(f(plain), 15) + col(f(tracked), 14) + col(f(train), 14)
                  + col(String(format: "%.2fx", train / plain), 12) + col(f(numpy), 14) + col(f(jax), 14)
                  + col(jax.map { String(format: "%.2fx", plain / $0) } ?? "-", 11)
                  + col(jax.map { String(format: "%.2fx", train / $0) } ?? "-", 11) + col(f(bound), 12)
                  + String(format: "%.0f%%", 100 * plain / bound))
        }
        print("train = the whole `samlab train` path (leaders from every step, rows at the default schedule, at least the default 1000 steps); train/step = train / swift steps/s.")
        print("bound = steps/s at the bandwidth of a loop that reads x, w1, w2 and writes w1, w2 once (40 d bytes per step).")
    }

    static func readPeers(_ path: String) throws(InvalidInput) -> [String: [Int: Double]] {
        guard let text = String(data: try InputFile.read(path), encoding: .utf8) else { throw InvalidInput("\(path): not UTF-8") }
        var rates: [String: [Int: Double]] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let impl = object["impl"] as? String, let d = object["d"] as? Int,
                  let rate = object["steps_per_second"] as? Double else { continue }
            rates[impl, default: [:]][d] = rate
        }
        return rates
    }

    static func today() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }
}

