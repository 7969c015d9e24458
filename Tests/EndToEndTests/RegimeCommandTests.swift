import Foundation
import Testing

/// `samlab regime` at large d, for the signed parametrization and by measure (issue 12, item 4).
@Suite struct RegimeCommandTests {
    static func report(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLI.run(["regime"] + arguments + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
    }

    /// d = 500 from a file (`--mu @FILE`): alpha_c lies between c_1 and alpha*, and the file gives what the flag gives.
    @Test func largeDimensionFromAFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mu = (0..<500).map { 1 + Double($0) / 499 }
        let file = dir.appendingPathComponent("mu.txt")
        try mu.map { "\($0)" }.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let big = try Self.report(["--mu", "@" + file.path, "--rho", "1", "--tolerance", "1e-6"])
        let c = try #require(big["c"] as? [Double]), alphaC = try #require(big["alpha_c"] as? Double)
        #expect(c.count == 500 && alphaC > c[0] && alphaC < (big["alpha_star"] as! Double))
        let small = dir.appendingPathComponent("small.txt")
        try "1, 2 3\n4,5\n6\n".write(to: small, atomically: true, encoding: .utf8)
        let fromFile = try Self.report(["--mu", "@" + small.path, "--rho", "1"])
        let fromFlag = try Self.report(["--mu", "1,2,3,4,5,6", "--rho", "1"])
        #expect(fromFile["alpha_c"] as? Double == fromFlag["alpha_c"] as? Double)
    }

    /// The signed parametrization: no alpha* by relative growth (beta(0) = 0), 0 by absolute growth, the product's
    /// by u-relative growth; and its alpha_c is above the product's.
    @Test func signedByMeasure() throws {
        let product = try Self.report(["--mu", "1,2,3,4,5,6", "--rho", "1"])
        let relative = try Self.report(["--mu", "1,2,3,4,5,6", "--rho", "1", "--param", "signed"])
        #expect(relative["alpha_star"] is NSNull)
        let absolute = try Self.report(["--mu", "1,2,3,4,5,6", "--rho", "1", "--param", "signed", "--measure", "absolute", "--alpha", "0.5", "--time", "0.5"])
        #expect(absolute["alpha_star"] as? Double == 0 && absolute["initial_leader"] as? Int == 6)
        let u = try Self.report(["--mu", "1,2,3,4,5,6", "--rho", "1", "--param", "signed", "--measure", "u-relative"])
        #expect(u["alpha_star"] as? Double == product["alpha_star"] as? Double)
        #expect((u["alpha_c"] as! Double) > (product["alpha_c"] as! Double))
    }

    @Test func badInput() throws {
        for (arguments, message) in [(["--param", "dense"], "--param must be product or signed"), (["--lr", "0"], "--lr must be positive"),
                                     (["--measure", "sideways"], "The value 'sideways' is invalid for '--measure <measure>'")] {
            let r = try CLI.run(["regime", "--mu", "1,2", "--rho", "1"] + arguments)
            #expect(r.status == 2 && r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let r = try CLI.run(["regime", "--mu", "@/nonexistent/mu.txt", "--rho", "1"])
        #expect(r.status == 2 && r.stderr.contains("/nonexistent/mu.txt: cannot read the file"), "\(r.stderr)")
    }
}
