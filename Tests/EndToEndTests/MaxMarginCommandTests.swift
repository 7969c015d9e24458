import Foundation
import Testing

@Suite struct MaxMarginCommandTests {
    static func json(_ args: [String]) throws -> [String: Any] {
        let r = try CLI.run(["maxmargin"] + args + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
    }

    /// D_mu: the l1 solution is e_d / mu_d, the l2 solution mu / ||mu||^2.
    @Test func singleExampleClosedForms() throws {
        let l1 = try Self.json(["--mu", "1,2,4", "--norm", "l1"])
        #expect(l1["solution"] as? [Double] == [0, 0, 0.25])
        #expect(l1["direction"] as? [Double] == [0, 0, 1])
        #expect(l1["norm"] as? Double == 0.25)
        #expect(l1["unique"] as? Bool == true)
        let l2 = try Self.json(["--mu", "1,2,4", "--norm", "l2"])
        let b = try #require(l2["solution"] as? [Double])
        for (x, m) in zip(b, [1.0, 2, 4]) { #expect(abs(x - m / 21) < 1e-12) }
        #expect(abs((l2["norm"] as? Double ?? 0) - 1 / 21.0.squareRoot()) < 1e-12)
        #expect(l2["unique"] as? Bool == true)
    }

    @Test func tiesAreReported() throws {
        let l1 = try Self.json(["--mu", "2,2", "--norm", "l1"])
        #expect(l1["unique"] as? Bool == false)
    }

    @Test func nonSeparableIsAnError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("xor.csv")
        try "x1,x2,y\n1,1,1\n-1,-1,1\n1,-1,-1\n-1,1,-1\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["maxmargin", "--data", file.path, "--norm", "l2"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("not linearly separable") && r.stderr.contains("<= 0"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
