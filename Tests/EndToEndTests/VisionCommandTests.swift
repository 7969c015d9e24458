import Foundation
import Testing

@Suite struct VisionCommandTests {
    /// A tiny MNIST-format set written here: bright bars on the left (class 0) or the right (class 1).
    static func writeIDX(to dir: URL, count: Int) throws {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        for (prefix, n) in [("train", count), ("t10k", count / 2)] {
            var images = be32(0x0803) + be32(n) + be32(28) + be32(28), labels = be32(0x0801) + be32(n)
            for i in 0..<n {
                let label = i % 2
                for r in 0..<28 { for c in 0..<28 { images.append((label == 0 ? c < 10 : c > 17) && r > 4 && r < 24 ? 220 : 10) } }
                labels.append(UInt8(label))
            }
            try Data(images).write(to: dir.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(labels).write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
    }

    @Test func trainAndGradCAMOnTinyData() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeIDX(to: dir, count: 16)
        let run = dir.appendingPathComponent("run").path
        let r = try CLI.run(["vision", "train", "--data-dir", dir.path, "--optimizer", "l2-sam", "--batch-size", "8", "--epochs", "1", "--out", run])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/summary.json"))) as? [String: Any])
        #expect(summary["status"] as? String == "completed")
        #expect(summary["test_accuracy"] is Double)
        #expect(FileManager.default.fileExists(atPath: run + "/checkpoint.json") && FileManager.default.fileExists(atPath: run + "/history.csv"))
        let cam = try CLI.run(["vision", "gradcam", run, "--images", "4", "--shown", "2", "--out", dir.appendingPathComponent("cam").path])
        #expect(cam.status == 0, "\(cam.stderr)")
        #expect(cam.stdout.contains("foreground share"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cam/gradcam.svg").path))
    }

    @Test func missingDataDirectorySaysWhatToDo() throws {
        let r = try CLI.run(["vision", "train", "--data-dir", "/nonexistent/mnist", "--out", "/tmp/never-\(UUID().uuidString)"])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("/nonexistent/mnist"), "\(r.stderr)")
    }
}
