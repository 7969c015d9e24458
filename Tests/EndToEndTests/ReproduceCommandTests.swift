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
}
