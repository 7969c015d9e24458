import Foundation
import Testing

@Suite struct ReproduceCommandTests {
    @Test func unknownItemIsBadInput() throws {
        let r = try CLI.run(["reproduce", "fig99", "--out", "/tmp/never-written-\(UUID().uuidString)"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("samlab: unknown item 'fig99'; known items: all, fig1"))
    }

    @Test func oneItemWithPNG() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["reproduce", "fig1", "--quick", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("| fig1 |"))
        #expect(r.stdout.contains("claims of the paper: 0 failed"))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/rsvg-convert") {
            let png = try Data(contentsOf: dir.appendingPathComponent("fig1/trajectories.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(png.count > 10_000)
        }
    }

    /// An item run alone into an existing results folder updates that item and keeps the others in REPORT.md and
    /// index.html (also those of folders written before item.json existed).
    @Test func oneItemKeepsTheOthersInTheReport() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for item in ["fig4", "fig1"] {
            let r = try CLI.run(["reproduce", item, "--quick", "--out", dir.path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        func report() throws -> (String, String) {
            (try String(contentsOf: dir.appendingPathComponent("REPORT.md"), encoding: .utf8),
             try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8))
        }
        var (md, html) = try report()
        for item in ["fig1", "fig4"] {
            #expect(md.contains("samlab reproduce \(item) --out \(dir.path) --quick"), "\(item) missing from REPORT.md")
            #expect(md.contains("| \(item) |"), "\(item)'s claims missing from REPORT.md")
            #expect(html.contains("samlab reproduce \(item) --out"), "\(item) missing from index.html")
        }
        // Catalog order, whatever the order of the runs.
        #expect(try #require(md.range(of: "reproduce fig1 ")).lowerBound < (try #require(md.range(of: "reproduce fig4 "))).lowerBound)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fig1/item.json").path))
        // A folder without item.json (an earlier version) is still kept, from its claims and file names.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("fig4/item.json"))
        #expect(try CLI.run(["reproduce", "fig1", "--quick", "--out", dir.path]).status == 0)
        (md, html) = try report()
        #expect(md.contains("samlab reproduce fig4") && md.contains("| fig4 |") && html.contains("fig4/"))
    }
}
