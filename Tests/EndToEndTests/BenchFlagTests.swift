import Foundation
import Testing

/// The bench commands check their flags as every other command does: a bad `--dims`, `--repeats` or peer line of
/// `bench flow` is one line on stderr and exit 2 before anything is timed, and no help text states a default twice
/// (ArgumentParser prints the default of every option that has one).
@Suite struct BenchFlagTests {
    @Test(arguments: [
        (["--dims", "5,x"], "--dims"),
        (["--dims", "0"], "--dims entries must be positive integers (got 0.0)"),
        (["--dims", "2.5"], "--dims entries must be positive integers (got 2.5)"),
        (["--repeats", "0"], "--repeats must be at least 1 (got 0)"),
    ])
    func flowBenchRejectsBadFlags(_ arguments: [String], _ message: String) throws {
        NewRuleCommandTests.expectBadInput(try CLI.run(["bench", "flow"] + arguments), [message])
    }

    /// `bench cnn` names the flag and prints nothing on stdout (no table header) when a count is below 1.
    @Test(arguments: ["--batch", "--steps", "--repeats"])
    func cnnBenchRejectsCountsBelowOne(_ flag: String) throws {
        let r = try CLI.run(["bench", "cnn", "--optimizers", "sgd", flag, "0"])
        NewRuleCommandTests.expectBadInput(r, ["\(flag) must be at least 1 (got 0)"])
        #expect(r.stdout.isEmpty, "\(r.stdout)")
    }

    /// A peers file whose line is not a peer record is an error naming the file and the line, not a skipped line.
    @Test func flowBenchRejectsABadPeerLine() throws {
        let dir = try CLI.temporaryDirectory()
        let peers = dir.appendingPathComponent("peers.jsonl")
        let good = #"{"impl": "scipy-DOP853", "rtol": 1e-6, "atol": 1e-6, "function_evaluations": 80, "relative_error": 1e-7}"#
        try (good + "\n" + #"{"impl": "scipy-RK45", "rtol": 1e-6}"# + "\n").write(to: peers, atomically: true, encoding: .utf8)
        NewRuleCommandTests.expectBadInput(
            try CLI.run(["bench", "flow", "--peers", peers.path]), ["\(peers.path) line 2: not a peer record"])
    }

    /// A peer record with a key the peer scripts do not write (a misspelling, say) is an error, not an ignored key.
    @Test func flowBenchRejectsAnUnknownPeerKey() throws {
        let dir = try CLI.temporaryDirectory()
        let peers = dir.appendingPathComponent("peers.jsonl")
        let record = #"{"impl": "scipy-DOP853", "rtol": 1e-6, "function_evaluations": 80, "relative_error": 1e-7, "milisecond": 3}"#
        try (record + "\n").write(to: peers, atomically: true, encoding: .utf8)
        NewRuleCommandTests.expectBadInput(
            try CLI.run(["bench", "flow", "--peers", peers.path]), ["\(peers.path) line 1: unknown key 'milisecond'"])
    }

    @Test(arguments: ["dynamics", "flow", "cnn"])
    func helpStatesEachDefaultOnce(_ subcommand: String) throws {
        let r = try CLI.run(["bench", subcommand, "--help"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let repeated = try NSRegularExpression(pattern: #"\(default: ([^)]*)\) \(default: \1\)"#)
        #expect(repeated.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "\(text)")
    }
}
